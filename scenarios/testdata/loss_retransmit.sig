# A lossy network (server mode): every link loses 30 % of frames. Requests and
# pushes are retransmitted until acknowledged (rto 300 ms), requests carry IDs
# the shard remembers, so each operation is applied once and each callback
# fires once; everything converges, only later. drop-next also drops one exact
# frame (bob's accept request) to show the retransmission of a request.
world seed=33 mode=server latency=uniform(20ms,60ms) loss=30% rto=300ms
users alice bob carol dave
group team owner=alice members=bob,carol,dave

at 100ms drop-next "accept"
at 500ms alice invite bob timeout=20s as call
at 600ms alice invite-group team invitees=bob,carol,dave timeout=20s as g
at 3s bob accept call
at 3.5s carol accept g
at 4s dave reject g
at 6s alice cancel g
run 30s
----
    500.000ms alice/1: invite bob timeout=20s
    525.136ms s0: decided created call inviter=alice invitees=[bob] timeout=20s
    549.967ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="")
    558.379ms alice/1: invite call -> ok
    600.000ms alice/1: invite-group team invitees=bob,carol,dave timeout=20s
    648.034ms s0: decided created g inviter=alice invitees=[bob,carol,dave] timeout=20s group=team
    680.502ms alice/1: invite-group g -> ok
    683.805ms carol/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
    687.265ms dave/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
    699.701ms bob/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
   3000.000ms bob/1: accept call
   3000.000ms bob/1: drop-next: REQ #1 accept accept call inviter=alice invitees=[] timeout=20s ack=2
   3500.000ms carol/1: accept g
   3538.993ms s0: decided g carol accepted
   3577.117ms alice/1: OnInviteeAccepted(g, invitee=carol, data="")
   3578.720ms carol/1: accept g -> ok
   3593.050ms dave/1: OnInviteeAccepted(g, invitee=carol, data="")
   3595.426ms bob/1: OnInviteeAccepted(g, invitee=carol, data="")
   3934.067ms s0: decided call bob accepted
   3968.695ms alice/1: OnInviteeAccepted(call, invitee=bob, data="")
   3993.779ms bob/1: accept call -> ok
   4000.000ms dave/1: reject g
   4042.179ms s0: decided g dave rejected
   4077.552ms alice/1: OnInviteeRejected(g, invitee=dave, data="")
   4097.788ms carol/1: OnInviteeRejected(g, invitee=dave, data="")
   4421.188ms bob/1: OnInviteeRejected(g, invitee=dave, data="")
   4894.619ms dave/1: reject g -> ok
   6000.000ms alice/1: cancel g
   6352.188ms s0: decided g bob cancelled
   6385.351ms bob/1: OnInvitationCancelled(g, inviter=alice, data="", cancelled=[bob])
   6398.861ms carol/1: OnInvitationCancelled(g, inviter=alice, data="", cancelled=[bob])
   6406.509ms alice/1: cancel g -> ok
   9916.264ms dave/1: OnInvitationCancelled(g, inviter=alice, data="", cancelled=[bob])

expect call bob=accepted
expect g bob=cancelled carol=accepted dave=rejected
expect count drops ">" 10
expect violations 0
check
----
ok: every invariant holds
