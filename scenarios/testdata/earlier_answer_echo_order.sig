# An earlier incarnation's answer, applied late, is heard in the shard's order.
# bob (on s0) accepts c while s1, which decides it, does not hear s0; bob
# crashes, restarts, hears c again from the sync and accepts it again. After
# the heal s1 applies the first accept and refuses the second (8010); between
# them alice's second call c2 was decided. The push of the first accept looks
# like the echo of bob's pending accept: the device waits for that accept's
# answer before applying it and what follows (path echo-awaited-answer). The
# answer fails, so the push was the earlier one's: the app hears
# OnInviteeAccepted(c), then c2, then the 8010 — in the shard's order. Kept
# back until the 8010 and told then, it came after c2, which the shard
# decided later (a review found it: order violated).
world seed=1 mode=server shards=2 latency=20ms
users alice bob
at 0s alice login
at 0s bob login
at 1s alice invite bob timeout=60s as c
at 1.5s partition s1 | s0 oneway for=5s
at 2s bob accept c
at 2.2s crash bob for=0.5s
at 3.5s alice invite bob timeout=60s as c2
at 4s bob accept c
run 10s
expect c bob=accepted
check
----
      0.000ms alice/1: login
      0.000ms bob/1: login
     40.000ms alice/1: login -> ok
     40.000ms bob/1: login -> ok
   1000.000ms alice/1: invite bob timeout=60s
   1020.000ms s1: decided created c inviter=alice invitees=[bob] timeout=60s
   1040.000ms alice/1: invite c -> ok
   1041.000ms bob/1: OnReceiveNewInvitation(c, inviter=alice, group=, invitees=[bob], data="")
   1500.000ms world: partition s1 -> s0
   2000.000ms bob/1: accept c
   2021.000ms s1: decided c bob accepted
   2041.000ms alice/1: OnInviteeAccepted(c, invitee=bob, data="")
   2200.000ms bob/1: crash
   2700.000ms bob/1: restart
   2700.000ms bob/1: login
   2740.000ms bob/1: login -> ok
   2740.000ms bob/1: OnReceiveNewInvitation(c, inviter=alice, group=, invitees=[bob], data="")
   3500.000ms alice/1: invite bob timeout=60s
   3520.000ms s1: decided created c2 inviter=alice invitees=[bob] timeout=60s
   3540.000ms alice/1: invite c2 -> ok
   4000.000ms bob/1: accept c
   6500.000ms world: heal partition s1 -> s0
   9042.000ms bob/1: OnInviteeAccepted(c, invitee=bob, data="")
   9042.000ms bob/1: OnReceiveNewInvitation(c2, inviter=alice, group=, invitees=[bob], data="")
   9042.000ms bob/1: accept c -> 8010 invitation invalid (unknown invitation c)
ok: every invariant holds
