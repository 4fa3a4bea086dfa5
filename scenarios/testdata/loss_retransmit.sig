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
    642.337ms s0: decided created g inviter=alice invitees=[bob,carol,dave] timeout=20s group=team
    678.107ms carol/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
    681.568ms dave/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
    694.004ms bob/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
    862.969ms alice/1: invite-group g -> ok
   3000.000ms bob/1: accept call
   3000.000ms bob/1: drop-next: REQ #1 accept accept call inviter=alice invitees=[] timeout=20s
   3500.000ms carol/1: accept g
   3538.993ms s0: decided g carol accepted
   3593.050ms dave/1: OnInviteeAccepted(g, invitee=carol, data="")
   3593.313ms alice/1: OnInviteeAccepted(g, invitee=carol, data="")
   3594.601ms carol/1: accept g -> ok
   3595.426ms bob/1: OnInviteeAccepted(g, invitee=carol, data="")
   3634.067ms s0: decided call bob accepted
   3654.811ms alice/1: OnInviteeAccepted(call, invitee=bob, data="")
   4000.000ms dave/1: reject g
   4042.179ms s0: decided g dave rejected
   4080.728ms carol/1: OnInviteeRejected(g, invitee=dave, data="")
   4088.215ms bob/1: OnInviteeRejected(g, invitee=dave, data="")
   4091.356ms dave/1: reject g -> ok
   4093.543ms alice/1: OnInviteeRejected(g, invitee=dave, data="")
   4291.148ms bob/1: accept call -> ok
   6000.000ms alice/1: cancel g
   6059.018ms s0: decided g bob cancelled
   6103.019ms bob/1: OnInvitationCancelled(g, inviter=alice, data="", cancelled=[bob])
   6105.690ms carol/1: OnInvitationCancelled(g, inviter=alice, data="", cancelled=[bob])
   6386.891ms alice/1: cancel g -> ok
   6400.059ms dave/1: OnInvitationCancelled(g, inviter=alice, data="", cancelled=[bob])

expect call bob=accepted
expect g bob=cancelled carol=accepted dave=rejected
expect count drops ">" 10
expect violations 0
check
----
ok: every invariant holds
