# An offline group invitee (server mode). Group invitations have no offline
# push; they are stored in the group's timeline. dave is offline while alice
# invites bob, carol and dave (timeout 10 s). carol logs in at 5 s, while the
# invitation is live: she receives it with bob's accept already in it, and
# rejects. dave logs in at 30 s, after it ended (he timed out at 10.12 s): the
# shard does not ring him for an ended invitation nor report its outcomes to
# him, and his accept is 8010. Compare the .client file.
world seed=34 mode=server latency=20ms
users alice bob carol dave
group team owner=alice members=bob,carol,dave

at 5s carol login
at 30s dave login
at 100ms alice invite-group team invitees=bob,carol,dave timeout=10s as g
at 1s bob accept g
at 6s carol reject g
run 40s
----
    100.000ms alice/1: invite-group team invitees=bob,carol,dave timeout=10s
    120.000ms s0: decided created g inviter=alice invitees=[bob,carol,dave] timeout=10s group=team
    140.000ms bob/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
    140.000ms alice/1: invite-group g -> ok
   1000.000ms bob/1: accept g
   1020.000ms s0: decided g bob accepted
   1040.000ms alice/1: OnInviteeAccepted(g, invitee=bob, data="")
   1040.000ms bob/1: accept g -> ok
   5000.000ms carol/1: login
   5040.000ms carol/1: login -> ok
   5040.000ms carol/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
   5040.000ms carol/1: OnInviteeAccepted(g, invitee=bob, data="")
   6000.000ms carol/1: reject g
   6020.000ms s0: decided g carol rejected
   6040.000ms alice/1: OnInviteeRejected(g, invitee=carol, data="")
   6040.000ms bob/1: OnInviteeRejected(g, invitee=carol, data="")
   6040.000ms carol/1: reject g -> ok
  10120.000ms s0: decided g dave timed-out
  10140.000ms alice/1: OnInvitationTimeout(g, invitees=[dave])
  10140.000ms bob/1: OnInvitationTimeout(g, invitees=[dave])
  10140.000ms carol/1: OnInvitationTimeout(g, invitees=[dave])
  30000.000ms dave/1: login
  30040.000ms dave/1: login -> ok

expect g bob=accepted carol=rejected dave=timed-out
expect count pushes = 0
expect violations 0
check
----
ok: every invariant holds
