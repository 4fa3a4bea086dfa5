# Scope of callbacks. A group invitation is a group message: every member of
# the group (erin, who is not invited, too) gets every callback of it, which is
# why apps check inviteeList; a user outside the group (zoe) gets nothing. A
# 1:1 invitation reaches its two parties only. A member who quits the group
# mid-invitation (dave) stops receiving its callbacks and his device forgets it
# (a note); a member who joins mid-invitation (zoe) gets callbacks from then
# on but is never told about the invitation itself, so her device reports
# nothing of it (receive first).
world seed=29 mode=server latency=30ms
users alice bob carol dave erin zoe
group team owner=alice members=bob,carol,dave,erin

at 100ms alice invite-group team invitees=bob,carol timeout=20s as g
at 200ms alice invite carol timeout=20s as call
at 1s bob accept g
at 2s dave quit-group team
at 3s zoe join-group team
at 4s carol reject g
at 5s carol accept call
run 25s
----
    100.000ms alice/1: invite-group team invitees=bob,carol timeout=20s
    130.000ms s0: decided created g inviter=alice invitees=[bob,carol] timeout=20s group=team
    160.000ms bob/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol], data="")
    160.000ms carol/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol], data="")
    160.000ms dave/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol], data="")
    160.000ms erin/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol], data="")
    160.000ms alice/1: invite-group g -> ok
    200.000ms alice/1: invite carol timeout=20s
    230.000ms s0: decided created call inviter=alice invitees=[carol] timeout=20s
    260.000ms carol/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[carol], data="")
    260.000ms alice/1: invite call -> ok
   1000.000ms bob/1: accept g
   1030.000ms s0: decided g bob accepted
   1060.000ms alice/1: OnInviteeAccepted(g, invitee=bob, data="")
   1060.000ms carol/1: OnInviteeAccepted(g, invitee=bob, data="")
   1060.000ms dave/1: OnInviteeAccepted(g, invitee=bob, data="")
   1060.000ms erin/1: OnInviteeAccepted(g, invitee=bob, data="")
   1060.000ms bob/1: accept g -> ok
   2000.000ms dave/1: quit-group team
   2030.000ms s0: decided group team member-leave [dave]
   2060.000ms alice/1: OnMemberLeave(team, members=[dave])
   2060.000ms bob/1: OnMemberLeave(team, members=[dave])
   2060.000ms carol/1: OnMemberLeave(team, members=[dave])
   2060.000ms erin/1: OnMemberLeave(team, members=[dave])
   2060.000ms dave/1: quit-group -> ok
   2060.000ms dave/1: dropped invitation of group team: member-leave
   3000.000ms zoe/1: join-group team
   3030.000ms s0: decided group team member-enter [zoe]
   3060.000ms alice/1: OnMemberEnter(team, members=[zoe])
   3060.000ms bob/1: OnMemberEnter(team, members=[zoe])
   3060.000ms carol/1: OnMemberEnter(team, members=[zoe])
   3060.000ms erin/1: OnMemberEnter(team, members=[zoe])
   3060.000ms zoe/1: join-group -> ok
   4000.000ms carol/1: reject g
   4030.000ms s0: decided g carol rejected
   4060.000ms alice/1: OnInviteeRejected(g, invitee=carol, data="")
   4060.000ms bob/1: OnInviteeRejected(g, invitee=carol, data="")
   4060.000ms erin/1: OnInviteeRejected(g, invitee=carol, data="")
   4060.000ms zoe/1: dropped reject of an invitation never received
   4060.000ms carol/1: reject g -> ok
   5000.000ms carol/1: accept call
   5030.000ms s0: decided call carol accepted
   5060.000ms alice/1: OnInviteeAccepted(call, invitee=carol, data="")
   5060.000ms carol/1: accept call -> ok

expect g bob=accepted carol=rejected
expect call carol=accepted
show callbacks erin
----
    160.000ms callback erin/1  OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol], data="")
   1060.000ms callback erin/1  OnInviteeAccepted(g, invitee=bob, data="")
   2060.000ms callback erin/1  OnMemberLeave(team, members=[dave])
   3060.000ms callback erin/1  OnMemberEnter(team, members=[zoe])
   4060.000ms callback erin/1  OnInviteeRejected(g, invitee=carol, data="")

show callbacks zoe
----

expect violations 0
check
----
ok: every invariant holds

# A group created at run time (create-group): only its members (bob, carol,
# zoe) see its invitations; alice, a member of team, does not.
at 30s bob create-group club members=carol,zoe
at 31s bob group-members club
at 32s bob invite-group club invitees=carol,zoe timeout=5s as c
at 33s zoe accept c
run 20s
----
  30000.000ms bob/1: create-group club members=carol,zoe
  30030.000ms s0: decided group club member-enter [bob,carol,zoe]
  30060.000ms carol/1: OnMemberEnter(club, members=[bob,carol,zoe])
  30060.000ms zoe/1: OnMemberEnter(club, members=[bob,carol,zoe])
  30060.000ms bob/1: create-group -> ok
  31000.000ms bob/1: group-members club
  31060.000ms bob/1: group-members -> ok [bob,carol,zoe]
  32000.000ms bob/1: invite-group club invitees=carol,zoe timeout=5s
  32030.000ms s0: decided created c inviter=bob invitees=[carol,zoe] timeout=5s group=club
  32060.000ms carol/1: OnReceiveNewInvitation(c, inviter=bob, group=club, invitees=[carol,zoe], data="")
  32060.000ms zoe/1: OnReceiveNewInvitation(c, inviter=bob, group=club, invitees=[carol,zoe], data="")
  32060.000ms bob/1: invite-group c -> ok
  33000.000ms zoe/1: accept c
  33030.000ms s0: decided c zoe accepted
  33060.000ms bob/1: OnInviteeAccepted(c, invitee=zoe, data="")
  33060.000ms carol/1: OnInviteeAccepted(c, invitee=zoe, data="")
  33060.000ms zoe/1: accept c -> ok
  37030.000ms s0: decided c carol timed-out
  37060.000ms bob/1: OnInvitationTimeout(c, invitees=[carol])
  37060.000ms carol/1: OnInvitationTimeout(c, invitees=[carol])
  37060.000ms zoe/1: OnInvitationTimeout(c, invitees=[carol])

expect c carol=timed-out zoe=accepted
expect violations 0
check
----
ok: every invariant holds
