# The caller gives up: alice cancels three seconds after dialling, before bob
# answers; bob's phone stops ringing and alice leaves her room. The phones are
# manual: the script makes every move.
world seed=6 latency=40ms
users alice bob app=call manual

at 1s alice dial bob as c1
at 4s alice cancel-call
run until quiet
----
   1000.000ms alice/1: enter-room alice.1
   1000.000ms alice/1: invite bob timeout=30s data="{\"roomID\":\"alice.1\"}"
   1040.000ms r0: room alice.1 entered alice
   1040.000ms s0: decided created c1 inviter=alice invitees=[bob] timeout=30s
   1080.000ms alice/1: OnEnterRoom(alice.1, ok)
   1080.000ms alice/1: video alice.1 on
   1080.000ms bob/1: OnReceiveNewInvitation(c1, inviter=alice, group=, invitees=[bob], data="{\"roomID\":\"alice.1\"}")
   1080.000ms alice/1: invite c1 -> ok
   1120.000ms r0: room alice.1 video alice on
   4000.000ms alice/1: cancel c1
   4040.000ms s0: decided c1 bob cancelled
   4080.000ms bob/1: OnInvitationCancelled(c1, inviter=alice, data="", cancelled=[bob])
   4080.000ms bob/1: call c1: over, did not talk (cancelled)
   4080.000ms alice/1: cancel c1 -> ok
   4080.000ms alice/1: exit-room alice.1
   4080.000ms alice/1: call c1: over, did not talk (cancelled)
   4120.000ms r0: room alice.1 left alice reason=exit
   4160.000ms alice/1: OnExitRoom(alice.1, reason=exit)

expect c1 bob=cancelled
check
----
ok: every invariant holds
