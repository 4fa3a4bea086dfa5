# A paused device (the app frozen in the background, server mode). bob's device
# is paused from 1 s to 7 s while alice's invitation rings; what reaches it
# waits. alice cancels at 3 s: the shard decides it then. When bob's device
# resumes it processes the invite and the cancel in order: it rings and stops
# at once (both callbacks at 7 s), and his accept at 7.5 s is 8010.
world seed=30 mode=server latency=40ms
users alice bob

at 1s pause bob for=6s
at 2s alice invite bob timeout=30s as call
at 3s alice cancel call
at 7.5s bob accept call
run 10s
----
   1000.000ms bob/1: pause 6s
   2000.000ms alice/1: invite bob timeout=30s
   2040.000ms s0: decided created call inviter=alice invitees=[bob] timeout=30s
   2080.000ms alice/1: invite call -> ok
   3000.000ms alice/1: cancel call
   3040.000ms s0: decided call bob cancelled
   3080.000ms alice/1: cancel call -> ok
   7000.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="")
   7000.000ms bob/1: OnInvitationCancelled(call, inviter=alice, data="", cancelled=[bob])
   7500.000ms bob/1: accept call
   7500.000ms bob/1: accept call -> 8010 invitation invalid (unknown invitation)

expect call bob=cancelled
expect result bob accept call = 8010
expect violations 0
check
----
ok: every invariant holds
