# AddInvitedSignaling and its duplicate (8012). bob is offline when alice calls;
# the offline push carries the signaling info. bob's app starts, logs in, and
# injects the invitation from the push (add-invited) before his device has
# synced the stored invite (held here; rto=20s keeps the session from resending
# it sooner), so he can accept at once. Injecting it again while it is listed
# is 8012, and so is injecting an invitation the device already received
# normally (carol). Before login, add-invited is 6014. When the stored invite
# finally arrives it is recognized and not reported again (no second
# OnReceiveNewInvitation). The held push held back the pushes queued behind it
# on bob's session (the echo of his accept): bob's device kept them, and
# applies them the moment it arrives; the result of his accept, which waited
# for them (a device reports a result only after the pushes the shard sent
# before it), comes then too.
world seed=16 mode=server latency=40ms rto=20s
users alice bob carol
group team owner=alice members=bob,carol

at 100ms alice invite bob data="{\"roomID\":9}" timeout=30s as call
at 1s bob add-invited call
at 4s hold "to=bob invite" as sync
at 5s bob login
at 6s bob add-invited call
at 6.5s bob accept call
at 7s bob add-invited call
at 8s release sync
at 10s alice invite-group team invitees=carol timeout=30s as gcall
at 11s carol add-invited gcall
at 12s carol accept gcall
run 40s
----
    100.000ms alice/1: invite bob timeout=30s data="{\"roomID\":9}"
    140.000ms s0: decided created call inviter=alice invitees=[bob] timeout=30s
    140.000ms s0: offline-push to=bob title="call from alice" invite call inviter=alice invitees=[bob] timeout=30s data="{\"roomID\":9}"
    180.000ms alice/1: invite call -> ok
   1000.000ms bob/1: add-invited call
   1000.000ms bob/1: add-invited call -> 6014 not logged in
   5000.000ms bob/1: login
   5040.000ms s0: hold sync: PUSH s=1 seq=1 from=alice/1 to=bob invite call inviter=alice invitees=[bob] timeout=30s data="{\"roomID\":9}"
   5080.000ms bob/1: login -> ok
   6000.000ms bob/1: add-invited call
   6000.000ms bob/1: add-invited call -> ok
   6500.000ms bob/1: accept call
   6540.000ms s0: decided call bob accepted
   6580.000ms alice/1: OnInviteeAccepted(call, invitee=bob, data="")
   7000.000ms bob/1: add-invited call
   7000.000ms bob/1: add-invited call -> 8012 invitation already exists
   8000.000ms s0: release sync: PUSH s=1 seq=1 from=alice/1 to=bob invite call inviter=alice invitees=[bob] timeout=30s data="{\"roomID\":9}"
   8040.000ms bob/1: accept call -> ok
  10000.000ms alice/1: invite-group team invitees=carol timeout=30s
  10040.000ms s0: decided created gcall inviter=alice invitees=[carol] timeout=30s group=team
  10080.000ms bob/1: OnReceiveNewInvitation(gcall, inviter=alice, group=team, invitees=[carol], data="")
  10080.000ms carol/1: OnReceiveNewInvitation(gcall, inviter=alice, group=team, invitees=[carol], data="")
  10080.000ms alice/1: invite-group gcall -> ok
  11000.000ms carol/1: add-invited gcall
  11000.000ms carol/1: add-invited gcall -> 8012 invitation already exists
  12000.000ms carol/1: accept gcall
  12040.000ms s0: decided gcall carol accepted
  12080.000ms alice/1: OnInviteeAccepted(gcall, invitee=carol, data="")
  12080.000ms bob/1: OnInviteeAccepted(gcall, invitee=carol, data="")
  12080.000ms carol/1: accept gcall -> ok

expect result bob add-invited call = 8012
expect result carol add-invited gcall = 8012
expect call bob=accepted
expect gcall carol=accepted
expect count OnReceiveNewInvitation = 2
expect violations 0
check
----
ok: every invariant holds
