# A network partition during a group invitation, then heal (server mode).
# carol and dave are cut off from the shard from 50 ms, before alice's group
# invitation (timeout 20 s) is sent. bob accepts; the partitioned members miss
# everything. At 6 s the partition heals: their devices reconnect and sync, so
# carol and dave receive the invitation (still live) and bob's accept, in
# order; carol rejects, dave never answers and times out with everyone told.
world seed=21 mode=server latency=uniform(20ms,40ms)
users alice bob carol dave
group team owner=alice members=bob,carol,dave

at 200ms partition carol,dave | s0
at 300ms alice invite-group team invitees=bob,carol,dave timeout=20s as g
at 1s bob accept g
at 6s heal
at 9s carol reject g
run 30s
----
    200.000ms world: partition carol/1,dave/1 <-> s0
    300.000ms alice/1: invite-group team invitees=bob,carol,dave timeout=20s
    336.992ms s0: decided created g inviter=alice invitees=[bob,carol,dave] timeout=20s group=team
    371.164ms bob/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
    371.883ms alice/1: invite-group g -> ok
   1000.000ms bob/1: accept g
   1032.745ms s0: decided g bob accepted
   1056.936ms bob/1: accept g -> ok
   1069.076ms alice/1: OnInviteeAccepted(g, invitee=bob, data="")
   6000.000ms world: heal all
   7373.397ms dave/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
   7373.397ms dave/1: OnInviteeAccepted(g, invitee=bob, data="")
   7373.855ms carol/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
   7373.855ms carol/1: OnInviteeAccepted(g, invitee=bob, data="")
   9000.000ms carol/1: reject g
   9039.078ms s0: decided g carol rejected
   9059.387ms carol/1: reject g -> ok
   9068.752ms bob/1: OnInviteeRejected(g, invitee=carol, data="")
   9071.472ms dave/1: OnInviteeRejected(g, invitee=carol, data="")
   9074.125ms alice/1: OnInviteeRejected(g, invitee=carol, data="")
  20336.992ms s0: decided g dave timed-out
  20360.886ms dave/1: OnInvitationTimeout(g, invitees=[dave])
  20363.570ms alice/1: OnInvitationTimeout(g, invitees=[dave])
  20365.534ms bob/1: OnInvitationTimeout(g, invitees=[dave])
  20369.156ms carol/1: OnInvitationTimeout(g, invitees=[dave])

expect g bob=accepted carol=rejected dave=timed-out
expect count OnReceiveNewInvitation = 3
expect violations 0
check
----
ok: every invariant holds
