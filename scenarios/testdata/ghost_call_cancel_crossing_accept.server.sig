# The crossing of ghost_call_cancel_crossing_accept.client.sig (alice cancels,
# bob accepts ten milliseconds later, bob on a slow network to the room
# service) in server mode: the shard that owns the invitation takes alice's
# cancel first, and refuses bob's accept (8010). Bob's phone, told so, leaves
# the room it was entering; nobody is left alone in it, and both say the call
# did not happen.
world seed=11 mode=server latency=40ms
users alice bob app=call manual
room-link bob latency=500ms

at 1s alice dial bob as c1
at 3s alice cancel-call
at 3.01s bob answer accept
run until quiet
----
      0.000ms bob/1: room-link latency=500ms loss=0 dup=0 reorder=0 bandwidth=0
   1000.000ms alice/1: enter-room alice.1
   1000.000ms alice/1: invite bob timeout=30s data="{\"roomID\":\"alice.1\"}"
   1040.000ms r0: room alice.1 entered alice
   1040.000ms s0: decided created c1 inviter=alice invitees=[bob] timeout=30s
   1080.000ms alice/1: OnEnterRoom(alice.1, ok)
   1080.000ms alice/1: video alice.1 on
   1080.000ms bob/1: OnReceiveNewInvitation(c1, inviter=alice, group=, invitees=[bob], data="{\"roomID\":\"alice.1\"}")
   1080.000ms alice/1: invite c1 -> ok
   1120.000ms r0: room alice.1 video alice on
   3000.000ms alice/1: cancel c1
   3010.000ms bob/1: enter-room alice.1
   3010.000ms bob/1: accept c1
   3040.000ms s0: decided c1 bob cancelled
   3080.000ms bob/1: OnInvitationCancelled(c1, inviter=alice, data="", cancelled=[bob])
   3080.000ms alice/1: cancel c1 -> ok
   3080.000ms alice/1: exit-room alice.1
   3080.000ms alice/1: call c1: over, did not talk (cancelled)
   3090.000ms bob/1: accept c1 -> 8010 invitation invalid (unknown invitation c1)
   3090.000ms bob/1: exit-room alice.1
   3090.000ms bob/1: call c1: over, did not talk (accept failed: 8010 invitation invalid)
   3120.000ms r0: room alice.1 left alice reason=exit
   3160.000ms alice/1: OnExitRoom(alice.1, reason=exit)
   3510.000ms r0: room alice.1 entered bob
   3590.000ms r0: room alice.1 left bob reason=exit
   4090.000ms bob/1: OnExitRoom(alice.1, reason=exit)

expect c1 bob=cancelled
expect violations 0
check
----
ok: every invariant holds
