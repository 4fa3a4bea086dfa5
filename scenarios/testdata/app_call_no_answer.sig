# Nobody answers: bob's phone lets the call ring; the invitation times out
# after 10 s, both phones hear it, and alice leaves her room.
world seed=5 latency=40ms
users alice bob app=call timeout=10s

at 1s alice dial bob as c1
run until quiet
----
   1000.000ms alice/1: enter-room alice.1
   1000.000ms alice/1: invite bob timeout=10s data="{\"roomID\":\"alice.1\"}"
   1040.000ms r0: room alice.1 entered alice
   1040.000ms s0: decided created c1 inviter=alice invitees=[bob] timeout=10s
   1080.000ms alice/1: OnEnterRoom(alice.1, ok)
   1080.000ms alice/1: video alice.1 on
   1080.000ms bob/1: OnReceiveNewInvitation(c1, inviter=alice, group=, invitees=[bob], data="{\"roomID\":\"alice.1\"}")
   1080.000ms bob/1: call c1: lets it ring
   1080.000ms alice/1: invite c1 -> ok
   1120.000ms r0: room alice.1 video alice on
  11040.000ms s0: decided c1 bob timed-out
  11080.000ms alice/1: OnInvitationTimeout(c1, invitees=[bob])
  11080.000ms alice/1: exit-room alice.1
  11080.000ms alice/1: call c1: over, did not talk (timed out)
  11080.000ms bob/1: OnInvitationTimeout(c1, invitees=[bob])
  11080.000ms bob/1: call c1: over, did not talk (timed out)
  11120.000ms r0: room alice.1 left alice reason=exit
  11160.000ms alice/1: OnExitRoom(alice.1, reason=exit)

expect c1 bob=timed-out
expect count call.timed-out = 1
check
----
ok: every invariant holds
