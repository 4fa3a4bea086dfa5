# An online-only invitation is never stored, so its end cannot reach a device
# that loses its session: bob's connection resets while it rings, and his new
# session forgets it at once (nothing could end it there). alice's cancel is
# still decided; pushed to bob's new session, it finds nothing to end there.
world seed=1 latency=20ms
users alice bob

at 100ms alice invite bob timeout=30s online-only as call
at 1s disconnect bob
at 1.5s reconnect bob
at 2s alice cancel call
run 10s
----
    100.000ms alice/1: invite bob timeout=30s online-only
    120.000ms s0: decided created call inviter=alice invitees=[bob] timeout=30s online-only
    120.000ms s0: decided online-only call reached [alice,bob]
    140.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="")
    140.000ms alice/1: invite call -> ok
   1000.000ms bob/1: disconnect
   1500.000ms bob/1: reconnect
   1540.000ms bob/1: forgot online-only invitation after reconnect
   2000.000ms alice/1: cancel call
   2020.000ms s0: decided call bob cancelled
   2040.000ms bob/1: dropped cancel of an invitation never received
   2040.000ms alice/1: cancel call -> ok

expect call bob=cancelled
check
----
ok: every invariant holds
