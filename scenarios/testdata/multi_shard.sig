# Several server shards (server mode). Users, and their timelines, live on the
# shard ShardOf(user); a group and its invitations on ShardOf(group); a 1:1
# invitation on its inviter's shard, which forwards to the invitee's shard over
# the shard-to-shard bus (5 ms here). The semantics do not change: callbacks,
# outcomes and timeouts are the same as with one shard; only the latency grows.
# A shard crash hits only the users and groups it owns.
world seed=31 mode=server shards=3 latency=20ms shard-latency=5ms
users alice bob carol dave erin
group team owner=alice members=bob,carol,dave,erin

at 100ms alice invite bob timeout=10s as call
at 200ms carol invite-group team invitees=alice,dave,erin timeout=10s as g
at 1s bob accept call
at 1.5s dave accept g
at 2s crash s1
at 2.5s erin reject g
at 4s restart s1
run 20s
----
    100.000ms alice/1: invite bob timeout=10s
    120.000ms s2: decided created call inviter=alice invitees=[bob] timeout=10s
    140.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="")
    140.000ms alice/1: invite call -> ok
    200.000ms carol/1: invite-group team invitees=alice,dave,erin timeout=10s
    225.000ms s0: decided created g inviter=carol invitees=[alice,dave,erin] timeout=10s group=team
    250.000ms dave/1: OnReceiveNewInvitation(g, inviter=carol, group=team, invitees=[alice,dave,erin], data="")
    250.000ms erin/1: OnReceiveNewInvitation(g, inviter=carol, group=team, invitees=[alice,dave,erin], data="")
    250.000ms alice/1: OnReceiveNewInvitation(g, inviter=carol, group=team, invitees=[alice,dave,erin], data="")
    250.000ms bob/1: OnReceiveNewInvitation(g, inviter=carol, group=team, invitees=[alice,dave,erin], data="")
    250.000ms carol/1: invite-group g -> ok
   1000.000ms bob/1: accept call
   1020.000ms s2: decided call bob accepted
   1040.000ms alice/1: OnInviteeAccepted(call, invitee=bob, data="")
   1040.000ms bob/1: accept call -> ok
   1500.000ms dave/1: accept g
   1525.000ms s0: decided g dave accepted
   1550.000ms erin/1: OnInviteeAccepted(g, invitee=dave, data="")
   1550.000ms alice/1: OnInviteeAccepted(g, invitee=dave, data="")
   1550.000ms bob/1: OnInviteeAccepted(g, invitee=dave, data="")
   1550.000ms carol/1: OnInviteeAccepted(g, invitee=dave, data="")
   1550.000ms dave/1: accept g -> ok
   2000.000ms s1: crash
   2500.000ms erin/1: reject g
   4000.000ms s1: restart
   4065.000ms s0: decided g erin rejected
   4090.000ms dave/1: OnInviteeRejected(g, invitee=erin, data="")
   4090.000ms alice/1: OnInviteeRejected(g, invitee=erin, data="")
   4090.000ms bob/1: OnInviteeRejected(g, invitee=erin, data="")
   4090.000ms carol/1: OnInviteeRejected(g, invitee=erin, data="")
   4090.000ms erin/1: reject g -> ok
  10225.000ms s0: decided g alice timed-out
  10250.000ms dave/1: OnInvitationTimeout(g, invitees=[alice])
  10250.000ms erin/1: OnInvitationTimeout(g, invitees=[alice])
  10250.000ms alice/1: OnInvitationTimeout(g, invitees=[alice])
  10250.000ms bob/1: OnInvitationTimeout(g, invitees=[alice])
  10250.000ms carol/1: OnInvitationTimeout(g, invitees=[alice])

expect call bob=accepted
expect g alice=timed-out dave=accepted erin=rejected
show server
----
s0: users=0 sessions=0 invitations=0 stored=0 tracked=0 groups=1 unacked=0
s1: users=2 sessions=2 invitations=0 stored=8 tracked=1 groups=0 unacked=0
s2: users=3 sessions=3 invitations=0 stored=16 tracked=2 groups=0 unacked=0

expect violations 0
check
----
ok: every invariant holds
