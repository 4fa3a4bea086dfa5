# Group invitation with a partial accept, then the inviter cancels. Server mode:
# the cancel only cancels invitees still pending (carol, dave); bob stays
# accepted, and every member (erin too, who was not invited) learns the same
# outcomes. bob accepting again or carol accepting after the cancel get 8010.
world seed=6 mode=server latency=30ms
users alice bob carol dave erin
group team owner=alice members=bob,carol,dave,erin

at 100ms alice invite-group team invitees=bob,carol,dave timeout=30s as g
at 1s bob accept g
at 2s alice cancel g data="enough"
at 3s carol accept g
at 3s bob accept g
at 4s alice cancel g
run 5s
----
    100.000ms alice/1: invite-group team invitees=bob,carol,dave timeout=30s
    130.000ms s0: decided created g inviter=alice invitees=[bob,carol,dave] timeout=30s group=team
    160.000ms bob/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
    160.000ms carol/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
    160.000ms dave/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
    160.000ms erin/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
    160.000ms alice/1: invite-group g -> ok
   1000.000ms bob/1: accept g
   1030.000ms s0: decided g bob accepted
   1060.000ms alice/1: OnInviteeAccepted(g, invitee=bob, data="")
   1060.000ms carol/1: OnInviteeAccepted(g, invitee=bob, data="")
   1060.000ms dave/1: OnInviteeAccepted(g, invitee=bob, data="")
   1060.000ms erin/1: OnInviteeAccepted(g, invitee=bob, data="")
   1060.000ms bob/1: accept g -> ok
   2000.000ms alice/1: cancel g data="enough"
   2030.000ms s0: decided g carol cancelled
   2030.000ms s0: decided g dave cancelled
   2060.000ms bob/1: OnInvitationCancelled(g, inviter=alice, data="enough", cancelled=[carol,dave])
   2060.000ms carol/1: OnInvitationCancelled(g, inviter=alice, data="enough", cancelled=[carol,dave])
   2060.000ms dave/1: OnInvitationCancelled(g, inviter=alice, data="enough", cancelled=[carol,dave])
   2060.000ms erin/1: OnInvitationCancelled(g, inviter=alice, data="enough", cancelled=[carol,dave])
   2060.000ms alice/1: cancel g -> ok
   3000.000ms carol/1: accept g
   3000.000ms carol/1: accept g -> 8010 invitation invalid (unknown invitation)
   3000.000ms bob/1: accept g
   3000.000ms bob/1: accept g -> 8010 invitation invalid (unknown invitation)
   4000.000ms alice/1: cancel g
   4000.000ms alice/1: cancel g -> 8010 invitation invalid (unknown invitation)

expect g bob=accepted carol=cancelled dave=cancelled
expect result carol accept g = 8010
expect result bob accept g = 8010
expect result alice cancel g = 8010
expect violations 0
check
----
ok: every invariant holds
