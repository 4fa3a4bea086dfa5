# A former member is not rung again once the tip of his leaving is pruned.
# bob quits the group while its invitation (timeout 0: it lives until
# answered) is pending: he is dropped from it. With a retention of 2 s the
# member-leave tip leaves bob's timeline long before bob's second device logs
# in at 10 s, while the invitation's invite stays (the invitation is live).
# The sync must still skip it: the shard reads bob's state in the invitation
# (dropped), not only the tips (docs/DESIGN.md §1.4). Before, bob/2 rang for
# an invitation nobody would ever end for him; the termination check now
# catches a device that lists an ended invitation, timeout 0 or not.
world seed=1 mode=server latency=30ms retention=2s
users alice bob/2 carol
group team owner=alice members=bob,carol
at 100ms alice invite-group team invitees=bob,carol timeout=0 as gcall
at 1s bob quit-group team
at 10s bob/2 login
at 12s carol accept gcall
run 40s
expect gcall bob=dropped
check
----
    100.000ms alice/1: invite-group team invitees=bob,carol timeout=0s
    130.000ms s0: decided created gcall inviter=alice invitees=[bob,carol] timeout=0s group=team
    160.000ms bob/1: OnReceiveNewInvitation(gcall, inviter=alice, group=team, invitees=[bob,carol], data="")
    160.000ms carol/1: OnReceiveNewInvitation(gcall, inviter=alice, group=team, invitees=[bob,carol], data="")
    160.000ms alice/1: invite-group gcall -> ok
   1000.000ms bob/1: quit-group team
   1030.000ms s0: decided group team member-leave [bob]
   1030.000ms s0: decided gcall bob dropped
   1060.000ms alice/1: OnMemberLeave(team, members=[bob])
   1060.000ms carol/1: OnMemberLeave(team, members=[bob])
   1060.000ms bob/1: quit-group -> ok
   1060.000ms bob/1: dropped invitation of group team: member-leave
  10000.000ms bob/2: login
  10060.000ms bob/2: login -> ok
  12000.000ms carol/1: accept gcall
  12030.000ms s0: decided gcall carol accepted
  12060.000ms alice/1: OnInviteeAccepted(gcall, invitee=carol, data="")
  12060.000ms carol/1: accept gcall -> ok
ok: every invariant holds
