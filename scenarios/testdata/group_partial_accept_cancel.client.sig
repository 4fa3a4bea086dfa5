# Group invitation with a partial accept, then the inviter cancels, in client
# mode (legacy SDK). Reported field behaviour reproduced: "a cancel sent after
# bob accepted still reached bob as OnInvitationCancelled" - the legacy cancel
# message carries the whole invitee list and receivers report it without
# checking their own state, so bob, who accepted, is told he was cancelled
# (no-resurrection). The server-mode file of the same name shows it is absent there.
world seed=6 mode=client latency=30ms stop=never
users alice bob carol dave erin
group team owner=alice members=bob,carol,dave,erin

at 100ms alice invite-group team invitees=bob,carol,dave timeout=30s as g
at 1s bob accept g
at 2s alice cancel g data="enough"
run 5s
----
    100.000ms alice/1: invite-group team invitees=bob,carol,dave timeout=30s
    160.000ms bob/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
    160.000ms carol/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
    160.000ms dave/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
    160.000ms erin/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
    160.000ms alice/1: invite-group g -> ok
   1000.000ms bob/1: accept g
   1060.000ms alice/1: OnInviteeAccepted(g, invitee=bob, data="")
   1060.000ms carol/1: OnInviteeAccepted(g, invitee=bob, data="")
   1060.000ms dave/1: OnInviteeAccepted(g, invitee=bob, data="")
   1060.000ms erin/1: OnInviteeAccepted(g, invitee=bob, data="")
   1060.000ms bob/1: accept g -> ok
   2000.000ms alice/1: cancel g data="enough"
   2060.000ms bob/1: OnInvitationCancelled(g, inviter=alice, data="enough", cancelled=[bob,carol,dave])
   2060.000ms world: no-resurrection on bob/1: g bob reported cancelled after accepted
   2060.000ms world: agreement on bob/1: g: bob learned cancelled here, accepted first
   2060.000ms carol/1: OnInvitationCancelled(g, inviter=alice, data="enough", cancelled=[bob,carol,dave])
   2060.000ms world: no-resurrection on carol/1: g bob reported cancelled after accepted
   2060.000ms world: agreement on carol/1: g: bob learned cancelled here, accepted first
   2060.000ms dave/1: OnInvitationCancelled(g, inviter=alice, data="enough", cancelled=[bob,carol,dave])
   2060.000ms world: no-resurrection on dave/1: g bob reported cancelled after accepted
   2060.000ms world: agreement on dave/1: g: bob learned cancelled here, accepted first
   2060.000ms erin/1: OnInvitationCancelled(g, inviter=alice, data="enough", cancelled=[bob,carol,dave])
   2060.000ms world: no-resurrection on erin/1: g bob reported cancelled after accepted
   2060.000ms world: agreement on erin/1: g: bob learned cancelled here, accepted first
   2060.000ms alice/1: cancel g -> ok

expect result alice cancel g = ok
expect violation no-resurrection
expect violation agreement
check
----
no-resurrection violated at    2060.000ms (event 104) on bob/1: g bob reported cancelled after accepted
agreement violated at    2060.000ms (event 105) on bob/1: g: bob learned cancelled here, accepted first
no-resurrection violated at    2060.000ms (event 108) on carol/1: g bob reported cancelled after accepted
agreement violated at    2060.000ms (event 109) on carol/1: g: bob learned cancelled here, accepted first
no-resurrection violated at    2060.000ms (event 112) on dave/1: g bob reported cancelled after accepted
agreement violated at    2060.000ms (event 113) on dave/1: g: bob learned cancelled here, accepted first
no-resurrection violated at    2060.000ms (event 116) on erin/1: g bob reported cancelled after accepted
agreement violated at    2060.000ms (event 117) on erin/1: g: bob learned cancelled here, accepted first
