# Cancel crossing accept in a 1:1 call, server mode. alice cancels at 1.000 s
# and bob accepts at 1.020 s, before the cancel could reach him (40 ms links).
# Reported field behaviour ("the caller hung up but the callee's accept also
# succeeded, and the two apps disagreed") is absent here: the shard serializes
# both, the cancel arrives first and wins, bob's accept gets 8010 and both
# devices agree that bob was cancelled. The .client file shows the anomaly.
world seed=7 mode=server latency=40ms
users alice bob

at 100ms alice invite bob data="{\"roomID\":5}" timeout=30s as call
at 1s alice cancel call
at 1.02s bob accept call
run 3s
----
    100.000ms alice/1: invite bob timeout=30s data="{\"roomID\":5}"
    140.000ms s0: decided created call inviter=alice invitees=[bob] timeout=30s
    180.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="{\"roomID\":5}")
    180.000ms alice/1: invite call -> ok
   1000.000ms alice/1: cancel call
   1020.000ms bob/1: accept call
   1040.000ms s0: decided call bob cancelled
   1080.000ms bob/1: OnInvitationCancelled(call, inviter=alice, data="", cancelled=[bob])
   1080.000ms alice/1: cancel call -> ok
   1100.000ms bob/1: accept call -> 8010 invitation invalid (unknown invitation call)

expect result alice cancel call = ok
expect result bob accept call = 8010
expect call bob=cancelled
expect count OnInviteeAccepted = 0
expect violations 0
check
----
ok: every invariant holds

# The other order at the shard: bob's accept arrives first (cancel sent 30 ms
# later); the accept wins and the cancel gets 8010.
at 5s alice invite bob timeout=30s as call2
at 6s bob accept call2
at 6.03s alice cancel call2
run until quiet
----
   5000.000ms alice/1: invite bob timeout=30s
   5040.000ms s0: decided created call2 inviter=alice invitees=[bob] timeout=30s
   5080.000ms bob/1: OnReceiveNewInvitation(call2, inviter=alice, group=, invitees=[bob], data="")
   5080.000ms alice/1: invite call2 -> ok
   6000.000ms bob/1: accept call2
   6030.000ms alice/1: cancel call2
   6040.000ms s0: decided call2 bob accepted
   6080.000ms alice/1: OnInviteeAccepted(call2, invitee=bob, data="")
   6080.000ms bob/1: accept call2 -> ok
   6110.000ms alice/1: cancel call2 -> 8010 invitation invalid (unknown invitation call2)

expect result bob accept call2 = ok
expect result alice cancel call2 = 8010
expect call2 bob=accepted
expect violations 0
check
----
ok: every invariant holds
