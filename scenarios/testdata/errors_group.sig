# Group error codes, and the group operations that go with them (group
# invitations are checked by the group's shard, so a refused one has an ID):
#   10010 group not found       - invite in (or join) a group that does not exist or was dismissed
#   10007 not a group member    - an invitee outside the group; an inviter outside the group
#   10021 group already exists  - create-group with an ID in use
#   10013 already a member      - join-group by a member
#   10009 owner cannot quit     - quit-group by the owner
#   10004 not the group owner   - dismiss-group by a member who is not the owner
world seed=19 mode=server latency=20ms
users alice bob carol dave
group team owner=alice members=bob,carol

at 100ms alice invite-group nosuch invitees=bob as g0
at 200ms alice invite-group team invitees=bob,dave as g1
at 300ms dave invite-group team invitees=bob as g2
at 400ms dave create-group team
at 500ms bob join-group team
at 600ms alice quit-group team
at 700ms bob dismiss-group team
at 800ms dave join-group nosuch
at 900ms dave quit-group team
run 2s
----
    100.000ms alice/1: invite-group nosuch invitees=bob timeout=30s
    140.000ms alice/1: invite-group g0 -> 10010 group not found (group nosuch)
    200.000ms alice/1: invite-group team invitees=bob,dave timeout=30s
    240.000ms alice/1: invite-group g1 -> 10007 not a group member (invitee dave is not a member of team)
    300.000ms dave/1: invite-group team invitees=bob timeout=30s
    340.000ms dave/1: invite-group g2 -> 10007 not a group member (inviter dave is not a member of team)
    400.000ms dave/1: create-group team
    440.000ms dave/1: create-group -> 10021 group already exists (group team exists)
    500.000ms bob/1: join-group team
    540.000ms bob/1: join-group -> 10013 already a group member (bob is in team)
    600.000ms alice/1: quit-group team
    640.000ms alice/1: quit-group -> 10009 owner cannot quit (the owner dismisses the group instead)
    700.000ms bob/1: dismiss-group team
    740.000ms bob/1: dismiss-group -> 10004 not the group owner (bob does not own team)
    800.000ms dave/1: join-group nosuch
    840.000ms dave/1: join-group -> 10010 group not found (group nosuch)
    900.000ms dave/1: quit-group team
    940.000ms dave/1: quit-group -> 10007 not a group member (dave is not in team)

# KNOWN ENGINE BUG: the engine prints 10009 as "10009 unknown code"
# (engine/errors.go: codeText has no entry for CodeOwnerCannotQuit). The
# expected output above states the correct text, so this file fails until fixed.
expect result alice invite-group g0 = 10010
expect result alice invite-group g1 = 10007
expect result dave invite-group g2 = 10007

# Membership changes take effect for later invitations: dave joins and can be
# invited; after the owner dismisses the group, invitations in it are 10010.
at 2s dave join-group team
at 2.5s alice group-members team
at 3s alice invite-group team invitees=dave timeout=10s as g3
at 3.5s dave accept g3
at 4s alice dismiss-group team
at 5s alice invite-group team invitees=bob as g4
at 5.5s carol group-members team
run 4s
----
   2000.000ms dave/1: join-group team
   2020.000ms s0: decided group team member-enter [dave]
   2040.000ms alice/1: OnMemberEnter(team, members=[dave])
   2040.000ms bob/1: OnMemberEnter(team, members=[dave])
   2040.000ms carol/1: OnMemberEnter(team, members=[dave])
   2040.000ms dave/1: join-group -> ok
   2500.000ms alice/1: group-members team
   2540.000ms alice/1: group-members -> ok [alice,bob,carol,dave]
   3000.000ms alice/1: invite-group team invitees=dave timeout=10s
   3020.000ms s0: decided created g3 inviter=alice invitees=[dave] timeout=10s group=team
   3040.000ms bob/1: OnReceiveNewInvitation(g3, inviter=alice, group=team, invitees=[dave], data="")
   3040.000ms carol/1: OnReceiveNewInvitation(g3, inviter=alice, group=team, invitees=[dave], data="")
   3040.000ms dave/1: OnReceiveNewInvitation(g3, inviter=alice, group=team, invitees=[dave], data="")
   3040.000ms alice/1: invite-group g3 -> ok
   3500.000ms dave/1: accept g3
   3520.000ms s0: decided g3 dave accepted
   3540.000ms alice/1: OnInviteeAccepted(g3, invitee=dave, data="")
   3540.000ms bob/1: OnInviteeAccepted(g3, invitee=dave, data="")
   3540.000ms carol/1: OnInviteeAccepted(g3, invitee=dave, data="")
   3540.000ms dave/1: accept g3 -> ok
   4000.000ms alice/1: dismiss-group team
   4020.000ms s0: decided group team group-dismissed
   4040.000ms bob/1: OnGroupDismissed(team)
   4040.000ms carol/1: OnGroupDismissed(team)
   4040.000ms dave/1: OnGroupDismissed(team)
   4040.000ms alice/1: dismiss-group -> ok
   5000.000ms alice/1: invite-group team invitees=bob timeout=30s
   5040.000ms alice/1: invite-group g4 -> 10010 group not found (group team)
   5500.000ms carol/1: group-members team
   5540.000ms carol/1: group-members -> 10010 group not found (group team)

expect g3 dave=accepted
expect result alice invite-group g4 = 10010
check
----
ok: every invariant holds
