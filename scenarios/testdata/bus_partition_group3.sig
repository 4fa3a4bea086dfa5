# A group invitation over three shards, with the group's shard cut off twice
# (server mode). team lives on s0, which decides; dave and erin live on s1,
# alice, bob and carol on s2. dave's invitation is forwarded from s1 to s0
# during the first partition and created only once the forward is resent after
# the heal. During the second partition (s0 | s2) alice accepts: her forward
# from s2 waits; erin, on s1, rejects meanwhile and is decided at once, but the
# news reaches s2 only after the heal. Every member ends with the same outcome.
world seed=5 mode=server shards=3 latency=20ms shard-latency=5ms
users alice bob carol dave erin
group team owner=dave members=alice,bob,carol,erin
at 100ms partition s0 | s1,s2
at 200ms dave invite-group team invitees=alice,bob,erin timeout=10s as g
at 3s heal
at 4s partition s0 | s2
at 4.5s alice accept g
at 5s erin reject g
at 8s heal
run 40s
expect g alice=accepted bob=timed-out erin=rejected
expect result alice accept g = ok
check
----
    100.000ms world: partition s0 <-> s1,s2
    200.000ms dave/1: invite-group team invitees=alice,bob,erin timeout=10s
   3000.000ms world: heal all
   3225.000ms s0: decided created g inviter=dave invitees=[alice,bob,erin] timeout=10s group=team
   3250.000ms erin/1: OnReceiveNewInvitation(g, inviter=dave, group=team, invitees=[alice,bob,erin], data="")
   3250.000ms alice/1: OnReceiveNewInvitation(g, inviter=dave, group=team, invitees=[alice,bob,erin], data="")
   3250.000ms bob/1: OnReceiveNewInvitation(g, inviter=dave, group=team, invitees=[alice,bob,erin], data="")
   3250.000ms carol/1: OnReceiveNewInvitation(g, inviter=dave, group=team, invitees=[alice,bob,erin], data="")
   3250.000ms dave/1: invite-group g -> ok
   4000.000ms world: partition s0 <-> s2
   4500.000ms alice/1: accept g
   5000.000ms erin/1: reject g
   5025.000ms s0: decided g erin rejected
   5050.000ms dave/1: OnInviteeRejected(g, invitee=erin, data="")
   5050.000ms erin/1: reject g -> ok
   8000.000ms world: heal all
   8050.000ms alice/1: OnInviteeRejected(g, invitee=erin, data="")
   8050.000ms bob/1: OnInviteeRejected(g, invitee=erin, data="")
   8050.000ms carol/1: OnInviteeRejected(g, invitee=erin, data="")
  11525.000ms s0: decided g alice accepted
  11550.000ms dave/1: OnInviteeAccepted(g, invitee=alice, data="")
  11550.000ms erin/1: OnInviteeAccepted(g, invitee=alice, data="")
  11550.000ms bob/1: OnInviteeAccepted(g, invitee=alice, data="")
  11550.000ms carol/1: OnInviteeAccepted(g, invitee=alice, data="")
  11550.000ms alice/1: accept g -> ok
  13225.000ms s0: decided g bob timed-out
  13250.000ms dave/1: OnInvitationTimeout(g, invitees=[bob])
  13250.000ms erin/1: OnInvitationTimeout(g, invitees=[bob])
  13250.000ms alice/1: OnInvitationTimeout(g, invitees=[bob])
  13250.000ms bob/1: OnInvitationTimeout(g, invitees=[bob])
  13250.000ms carol/1: OnInvitationTimeout(g, invitees=[bob])
ok: every invariant holds
