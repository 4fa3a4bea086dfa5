# A device that starts a session afresh (restarted after a crash, or logged in
# again after a logout, which clears its list) learns what is still live and
# nothing that has ended or no longer concerns it: the restarted alice is told
# of her live call to carol but not of her call bob answered before the crash;
# carol, who quit the group, is not told of its invitation when she logs in
# again. And the app hears that its login succeeded before any callback of
# the new session, even when the session's pushes overtake its LOGIN-OK.
world seed=17 mode=server latency=30ms
users alice bob carol
group team owner=alice members=bob,carol

at 0 bob login
at 0 carol login
at 100ms alice invite bob timeout=30s as call
at 1s bob accept call
at 2s alice invite carol timeout=60s as live
at 3s crash alice
at 15s restart alice
run 16s
----
      0.000ms bob/1: login
      0.000ms carol/1: login
     60.000ms bob/1: login -> ok
     60.000ms carol/1: login -> ok
    100.000ms alice/1: invite bob timeout=30s
    130.000ms s0: decided created call inviter=alice invitees=[bob] timeout=30s
    160.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="")
    160.000ms alice/1: invite call -> ok
   1000.000ms bob/1: accept call
   1030.000ms s0: decided call bob accepted
   1060.000ms alice/1: OnInviteeAccepted(call, invitee=bob, data="")
   1060.000ms bob/1: accept call -> ok
   2000.000ms alice/1: invite carol timeout=60s
   2030.000ms s0: decided created live inviter=alice invitees=[carol] timeout=60s
   2060.000ms carol/1: OnReceiveNewInvitation(live, inviter=alice, group=, invitees=[carol], data="")
   2060.000ms alice/1: invite live -> ok
   3000.000ms alice/1: crash
  15000.000ms alice/1: restart
  15000.000ms alice/1: login
  15060.000ms alice/1: login -> ok
  15060.000ms alice/1: dropped accept of an invitation never received
  15060.000ms alice/1: OnReceiveNewInvitation(live, inviter=alice, group=, invitees=[carol], data="")

expect call bob=accepted
at 20s alice invite-group team invitees=bob,carol timeout=60s as g
at 21s carol quit-group team
at 22s carol logout
at 23s carol login
run 12s
----
  20000.000ms alice/1: invite-group team invitees=bob,carol timeout=60s
  20030.000ms s0: decided created g inviter=alice invitees=[bob,carol] timeout=60s group=team
  20060.000ms bob/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol], data="")
  20060.000ms carol/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol], data="")
  20060.000ms alice/1: invite-group g -> ok
  21000.000ms carol/1: quit-group team
  21030.000ms s0: decided group team member-leave [carol]
  21030.000ms s0: decided g carol dropped
  21060.000ms alice/1: OnMemberLeave(team, members=[carol])
  21060.000ms bob/1: OnMemberLeave(team, members=[carol])
  21060.000ms carol/1: quit-group -> ok
  21060.000ms carol/1: dropped invitation of group team: member-leave
  22000.000ms carol/1: logout
  22000.000ms carol/1: logout -> ok
  23000.000ms carol/1: login
  23060.000ms carol/1: login -> ok
  23060.000ms carol/1: OnReceiveNewInvitation(live, inviter=alice, group=, invitees=[carol], data="")

expect g carol=dropped
at 30s bob logout
at 31s hold "LOGIN-OK" as lok
at 31s bob login
at 31200ms release lok
run 5s
----
  30000.000ms bob/1: logout
  30000.000ms bob/1: logout -> ok
  31000.000ms bob/1: login
  31030.000ms s0: hold lok: LOGIN-OK epoch=3 synced=s4
  31200.000ms s0: release lok: LOGIN-OK epoch=3 synced=s4
  31230.000ms bob/1: login -> ok
  31230.000ms bob/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol], data="")
  31230.000ms bob/1: dropped accept of an invitation never received

check
----
ok: every invariant holds
