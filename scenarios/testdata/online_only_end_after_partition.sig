# An online-only invitation's end reaches an invitee whose session outlived a
# partition. bob is cut off from the shard from 5 s to 25 s; the invitation
# times out at 10.1 s and the shard resends the timeout on bob's session until
# he acks it. His SDK used to forget the invitation at its timeout plus 5 s
# whatever the session ("its end may never arrive"), and then dropped the
# timeout that did arrive: bob's app never heard it. Now only a lost session
# makes it forget (its end is lost with it); the termination check catches an
# app that received an invitation and never heard its outcome.
world seed=1 mode=server latency=30ms
users alice bob
at 100ms alice invite bob timeout=10s online-only as call
at 5s partition bob | s0 for=20s
run 60s
expect call bob=timed-out
check
----
    100.000ms alice/1: invite bob timeout=10s online-only
    130.000ms s0: decided created call inviter=alice invitees=[bob] timeout=10s online-only
    130.000ms s0: decided online-only call reached [alice,bob]
    160.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="")
    160.000ms alice/1: invite call -> ok
   5000.000ms world: partition bob/1 <-> s0
  10130.000ms s0: decided call bob timed-out
  10160.000ms alice/1: OnInvitationTimeout(call, invitees=[bob])
  25000.000ms world: heal partition bob/1 <-> s0
  25160.000ms bob/1: OnInvitationTimeout(call, invitees=[bob])
ok: every invariant holds
