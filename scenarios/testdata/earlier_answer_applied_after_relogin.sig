# An answer made before a logout, applied after the next login, is news to
# the device. bob (on s0) accepts alice's call (decided on s1) while the two
# shards are cut off: the accept waits in s0's bus outbox. bob's link breaks
# and he logs out — his app is told the accept may still take effect — then
# he reconnects, logs in again, hears the call
# again from the sync and accepts again. After the heal s1 applies the first
# accept (bob accepted) and refuses the second (8010). The shard's push of the
# first accept reaches bob's device while the second awaits its answer: it
# looks like the second's echo, but the second fails, so it was not; the app
# hears OnInviteeAccepted(bob) before the 8010 instead of never learning that
# its user accepted (found by the app-level termination check).
world seed=9 mode=server shards=2 latency=20ms
users alice bob
at 0 alice login
at 0 bob login
at 100ms alice invite bob timeout=30s as c1
at 1s partition s0 | s1
at 1.5s bob accept c1
at 1.6s disconnect bob
at 1.7s bob logout
at 2.5s reconnect bob
at 3s bob login
at 4s bob accept c1
at 6s heal
run 50s
expect c1 bob=accepted
check
----
      0.000ms alice/1: login
      0.000ms bob/1: login
     40.000ms alice/1: login -> ok
     40.000ms bob/1: login -> ok
    100.000ms alice/1: invite bob timeout=30s
    120.000ms s1: decided created c1 inviter=alice invitees=[bob] timeout=30s
    140.000ms alice/1: invite c1 -> ok
    141.000ms bob/1: OnReceiveNewInvitation(c1, inviter=alice, group=, invitees=[bob], data="")
   1000.000ms world: partition s0 <-> s1
   1500.000ms bob/1: accept c1
   1600.000ms bob/1: disconnect
   1700.000ms bob/1: logout
   1700.000ms bob/1: accept c1 -> 6014 not logged in (logged out before its answer: it may still take effect)
   1700.000ms bob/1: logout -> ok
   2500.000ms bob/1: reconnect
   3000.000ms bob/1: login
   3040.000ms bob/1: login -> ok
   3040.000ms bob/1: OnReceiveNewInvitation(c1, inviter=alice, group=, invitees=[bob], data="")
   4000.000ms bob/1: accept c1
   6000.000ms world: heal all
   8521.000ms s1: decided c1 bob accepted
   8541.000ms alice/1: OnInviteeAccepted(c1, invitee=bob, data="")
   8542.000ms bob/1: OnInviteeAccepted(c1, invitee=bob, data="")
   8542.000ms bob/1: accept c1 -> 8010 invitation invalid (unknown invitation c1)
ok: every invariant holds
