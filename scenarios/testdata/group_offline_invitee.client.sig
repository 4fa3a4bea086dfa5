# An offline group invitee in client mode (legacy SDK). Reported field
# behaviour reproduced: "a member who came online after a group call ended got
# 'accepted' and 'timeout' notifications for a call that never rang". dave logs
# in at 30 s and syncs the group's stored messages: the invite is older than
# its timeout, so the legacy SDK drops it, but the accept, reject and timeout
# messages that follow are not age-checked and are reported for an invitation
# he never received (receive-first). Absent in server mode
# (group_offline_invitee.server.sig).
world seed=34 mode=client latency=20ms stop=never
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
    140.000ms bob/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
    140.000ms alice/1: invite-group g -> ok
   1000.000ms bob/1: accept g
   1040.000ms alice/1: OnInviteeAccepted(g, invitee=bob, data="")
   1040.000ms bob/1: accept g -> ok
   5000.000ms carol/1: login
   5040.000ms carol/1: login -> ok
   5040.000ms carol/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
   5040.000ms carol/1: OnInviteeAccepted(g, invitee=bob, data="")
   6000.000ms carol/1: reject g
   6040.000ms alice/1: OnInviteeRejected(g, invitee=carol, data="")
   6040.000ms bob/1: OnInviteeRejected(g, invitee=carol, data="")
   6040.000ms carol/1: reject g -> ok
  15100.000ms alice/1: OnInvitationTimeout(g, invitees=[dave])
  15140.000ms bob/1: OnInvitationTimeout(g, invitees=[dave])
  15140.000ms carol/1: OnInvitationTimeout(g, invitees=[dave])
  30000.000ms dave/1: login
  30040.000ms dave/1: login -> ok
  30040.000ms dave/1: dropped stale invite: sent 29920.000ms ago by the local clock
  30040.000ms dave/1: OnInviteeAccepted(g, invitee=bob, data="")
  30040.000ms world: receive-first on dave/1: OnInviteeAccepted before invitation g arrived
  30040.000ms dave/1: OnInviteeRejected(g, invitee=carol, data="")
  30040.000ms world: receive-first on dave/1: OnInviteeRejected before invitation g arrived
  30040.000ms dave/1: OnInvitationTimeout(g, invitees=[dave])
  30040.000ms world: receive-first on dave/1: OnInvitationTimeout before invitation g arrived

expect count pushes = 0
expect violation receive-first
check
----
receive-first violated at   30040.000ms (event 109) on dave/1: OnInviteeAccepted before invitation g arrived
receive-first violated at   30040.000ms (event 112) on dave/1: OnInviteeRejected before invitation g arrived
receive-first violated at   30040.000ms (event 115) on dave/1: OnInvitationTimeout before invitation g arrived
