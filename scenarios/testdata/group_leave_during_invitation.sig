# Leaving a group while one of its invitations is live. A group invitation
# concerns members only: an invitee who quits before answering is dropped from
# it (a final state of its own, announced after the OnMemberLeave tip, with no
# callback), so the invitation can still end without him and his late answer
# is refused; when the inviter quits, or the group is dismissed, every invitee
# still pending is dropped and the invitation ends. Nothing of it reaches a
# former member afterwards, a member who logs in after a dismissal is not told
# of the dismissed group's invitations, and the shard keeps nothing of them.
world seed=13 mode=server latency=30ms retention=1m
users alice bob carol dave erin fred
group team owner=alice members=bob,carol,dave,erin,fred

at 0 dave login
at 0 fred login
at 100ms alice invite-group team invitees=bob,carol timeout=0 as g
at 1s bob quit-group team
at 2s carol reject g
run 3s
----
      0.000ms dave/1: login
      0.000ms fred/1: login
     60.000ms dave/1: login -> ok
     60.000ms fred/1: login -> ok
    100.000ms alice/1: invite-group team invitees=bob,carol timeout=0s
    130.000ms s0: decided created g inviter=alice invitees=[bob,carol] timeout=0s group=team
    160.000ms bob/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol], data="")
    160.000ms carol/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol], data="")
    160.000ms dave/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol], data="")
    160.000ms erin/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol], data="")
    160.000ms fred/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol], data="")
    160.000ms alice/1: invite-group g -> ok
   1000.000ms bob/1: quit-group team
   1030.000ms s0: decided group team member-leave [bob]
   1030.000ms s0: decided g bob dropped
   1060.000ms alice/1: OnMemberLeave(team, members=[bob])
   1060.000ms carol/1: OnMemberLeave(team, members=[bob])
   1060.000ms dave/1: OnMemberLeave(team, members=[bob])
   1060.000ms erin/1: OnMemberLeave(team, members=[bob])
   1060.000ms fred/1: OnMemberLeave(team, members=[bob])
   1060.000ms bob/1: quit-group -> ok
   1060.000ms bob/1: dropped invitation of group team: member-leave
   2000.000ms carol/1: reject g
   2030.000ms s0: decided g carol rejected
   2060.000ms alice/1: OnInviteeRejected(g, invitee=carol, data="")
   2060.000ms dave/1: OnInviteeRejected(g, invitee=carol, data="")
   2060.000ms erin/1: OnInviteeRejected(g, invitee=carol, data="")
   2060.000ms fred/1: OnInviteeRejected(g, invitee=carol, data="")
   2060.000ms carol/1: reject g -> ok

show invitations
----
no live invitations

# A quit and an accept sent together: the quit is decided first, the accept
# is refused.
at 3s alice invite-group team invitees=carol,dave timeout=30s as g2
at 4s dave quit-group team
at 4s dave accept g2
at 5s carol accept g2
run 3s
----
   3000.000ms alice/1: invite-group team invitees=carol,dave timeout=30s
   3030.000ms s0: decided created g2 inviter=alice invitees=[carol,dave] timeout=30s group=team
   3060.000ms carol/1: OnReceiveNewInvitation(g2, inviter=alice, group=team, invitees=[carol,dave], data="")
   3060.000ms dave/1: OnReceiveNewInvitation(g2, inviter=alice, group=team, invitees=[carol,dave], data="")
   3060.000ms erin/1: OnReceiveNewInvitation(g2, inviter=alice, group=team, invitees=[carol,dave], data="")
   3060.000ms fred/1: OnReceiveNewInvitation(g2, inviter=alice, group=team, invitees=[carol,dave], data="")
   3060.000ms alice/1: invite-group g2 -> ok
   4000.000ms dave/1: quit-group team
   4000.000ms dave/1: accept g2
   4030.000ms s0: decided group team member-leave [dave]
   4030.000ms s0: decided g2 dave dropped
   4060.000ms alice/1: OnMemberLeave(team, members=[dave])
   4060.000ms carol/1: OnMemberLeave(team, members=[dave])
   4060.000ms erin/1: OnMemberLeave(team, members=[dave])
   4060.000ms fred/1: OnMemberLeave(team, members=[dave])
   4060.000ms dave/1: quit-group -> ok
   4060.000ms dave/1: dropped invitation of group team: member-leave
   4060.000ms dave/1: accept g2 -> 8010 invitation invalid (already dropped)
   5000.000ms carol/1: accept g2
   5030.000ms s0: decided g2 carol accepted
   5060.000ms alice/1: OnInviteeAccepted(g2, invitee=carol, data="")
   5060.000ms erin/1: OnInviteeAccepted(g2, invitee=carol, data="")
   5060.000ms fred/1: OnInviteeAccepted(g2, invitee=carol, data="")
   5060.000ms carol/1: accept g2 -> ok

expect g2 carol=accepted dave=dropped
expect result dave accept g2 = 8010
# The inviter quits: every invitee still pending is dropped.
at 6s erin invite-group team invitees=alice,carol timeout=30s as g3
at 7s erin quit-group team
at 8s carol accept g3
run 3s
----
   6000.000ms erin/1: invite-group team invitees=alice,carol timeout=30s
   6030.000ms s0: decided created g3 inviter=erin invitees=[alice,carol] timeout=30s group=team
   6060.000ms alice/1: OnReceiveNewInvitation(g3, inviter=erin, group=team, invitees=[alice,carol], data="")
   6060.000ms carol/1: OnReceiveNewInvitation(g3, inviter=erin, group=team, invitees=[alice,carol], data="")
   6060.000ms fred/1: OnReceiveNewInvitation(g3, inviter=erin, group=team, invitees=[alice,carol], data="")
   6060.000ms erin/1: invite-group g3 -> ok
   7000.000ms erin/1: quit-group team
   7030.000ms s0: decided group team member-leave [erin]
   7030.000ms s0: decided g3 alice dropped
   7030.000ms s0: decided g3 carol dropped
   7060.000ms alice/1: OnMemberLeave(team, members=[erin])
   7060.000ms carol/1: OnMemberLeave(team, members=[erin])
   7060.000ms fred/1: OnMemberLeave(team, members=[erin])
   7060.000ms erin/1: quit-group -> ok
   7060.000ms erin/1: dropped invitation of group team: member-leave
   8000.000ms carol/1: accept g3
   8000.000ms carol/1: accept g3 -> 8010 invitation invalid (unknown invitation)

expect g3 alice=dropped carol=dropped
# A dismissal crossing an accept, the group made again at once under the same
# ID, and an invitation of the new group: the old invitation is dropped, the
# new one is the new group's alone. fred is offline throughout.
at 9s fred logout
at 10s alice invite-group team invitees=carol timeout=30s as g4
at 11s alice dismiss-group team
at 11s carol accept g4
at 11s alice create-group team members=carol,dave,fred
at 11s alice invite-group team invitees=carol timeout=30s as g5
at 12s carol accept g5
run 5s
----
   9000.000ms fred/1: logout
   9000.000ms fred/1: logout -> ok
  10000.000ms alice/1: invite-group team invitees=carol timeout=30s
  10030.000ms s0: decided created g4 inviter=alice invitees=[carol] timeout=30s group=team
  10060.000ms carol/1: OnReceiveNewInvitation(g4, inviter=alice, group=team, invitees=[carol], data="")
  10060.000ms alice/1: invite-group g4 -> ok
  11000.000ms alice/1: dismiss-group team
  11000.000ms carol/1: accept g4
  11000.000ms alice/1: create-group team members=carol,dave,fred
  11000.000ms alice/1: invite-group team invitees=carol timeout=30s
  11030.000ms s0: decided group team group-dismissed
  11030.000ms s0: decided g4 carol dropped
  11030.000ms s0: decided group team member-enter [alice,carol,dave,fred]
  11030.000ms s0: decided created g5 inviter=alice invitees=[carol] timeout=30s group=team
  11060.000ms carol/1: OnGroupDismissed(team)
  11060.000ms carol/1: dropped invitation of group team: group-dismissed
  11060.000ms alice/1: dropped invitation of group team: group-dismissed
  11060.000ms alice/1: dismiss-group -> ok
  11060.000ms carol/1: accept g4 -> 8010 invitation invalid (unknown invitation g4)
  11060.000ms carol/1: OnMemberEnter(team, members=[alice,carol,dave,fred])
  11060.000ms dave/1: OnMemberEnter(team, members=[alice,carol,dave,fred])
  11060.000ms alice/1: create-group -> ok
  11060.000ms carol/1: OnReceiveNewInvitation(g5, inviter=alice, group=team, invitees=[carol], data="")
  11060.000ms dave/1: OnReceiveNewInvitation(g5, inviter=alice, group=team, invitees=[carol], data="")
  11060.000ms alice/1: invite-group g5 -> ok
  12000.000ms carol/1: accept g5
  12030.000ms s0: decided g5 carol accepted
  12060.000ms alice/1: OnInviteeAccepted(g5, invitee=carol, data="")
  12060.000ms dave/1: OnInviteeAccepted(g5, invitee=carol, data="")
  12060.000ms carol/1: accept g5 -> ok

expect g4 carol=dropped
expect g5 carol=accepted
# fred logs in: he hears of the dismissal and of the group made again, never
# of the invitation the dismissal dropped.
at 20s fred login
run 10s
----
  20000.000ms fred/1: login
  20060.000ms fred/1: login -> ok
  20060.000ms fred/1: OnGroupDismissed(team)
  20060.000ms fred/1: OnMemberEnter(team, members=[alice,carol,dave,fred])

# Past the retention the shard keeps nothing of the dropped invitations.
run 80s
----

show server
----
s0: users=6 sessions=6 invitations=0 stored=0 tracked=0 groups=1 unacked=0

check
----
ok: every invariant holds
