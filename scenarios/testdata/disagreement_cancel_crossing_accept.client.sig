# A field report, turned into a scenario: "the caller's app says the call was
# cancelled, the callee's says it happened" (legacy SDK, client mode). The
# crossing of ghost_call_cancel_crossing_accept.client.sig on good networks:
# bob gets into the room before alice leaves it, sees her leave and ends the
# call (he is not stranded), announcing a call of 0 s; but both were told
# their operation succeeded, and the two disagree on whether the call
# happened (call-agreement).
world seed=12 mode=client latency=40ms stop=never
users alice bob app=call manual

at 1s alice dial bob as c1
at 3s alice cancel-call
at 3.01s bob answer accept
run until quiet
----
   1000.000ms alice/1: enter-room alice.1
   1000.000ms alice/1: invite bob timeout=30s data="{\"roomID\":\"alice.1\"}"
   1040.000ms r0: room alice.1 entered alice
   1080.000ms alice/1: OnEnterRoom(alice.1, ok)
   1080.000ms alice/1: video alice.1 on
   1080.000ms bob/1: OnReceiveNewInvitation(c1, inviter=alice, group=, invitees=[bob], data="{\"roomID\":\"alice.1\"}")
   1080.000ms alice/1: invite c1 -> ok
   1120.000ms r0: room alice.1 video alice on
   3000.000ms alice/1: cancel c1
   3010.000ms bob/1: enter-room alice.1
   3010.000ms bob/1: accept c1
   3050.000ms r0: room alice.1 entered bob
   3080.000ms bob/1: OnInvitationCancelled(c1, inviter=alice, data="", cancelled=[bob])
   3080.000ms alice/1: cancel c1 -> ok
   3080.000ms alice/1: exit-room alice.1
   3080.000ms alice/1: call c1: over, did not talk (cancelled)
   3090.000ms bob/1: OnEnterRoom(alice.1, ok)
   3090.000ms bob/1: video alice.1 on
   3090.000ms bob/1: OnRemoteUserEnterRoom(alice.1, user=alice)
   3090.000ms bob/1: OnUserVideoAvailable(alice.1, user=alice, available=true)
   3090.000ms alice/1: OnInviteeAccepted(c1, invitee=bob, data="")
   3090.000ms world: agreement on alice/1: c1: bob learned accepted here, cancelled elsewhere
   3090.000ms bob/1: accept c1 -> ok
   3090.000ms world: no-resurrection on bob/1: c1 bob reported accepted after cancelled
   3090.000ms world: agreement on bob/1: c1: bob learned accepted here, cancelled first
   3090.000ms bob/1: call c1: on
   3120.000ms r0: room alice.1 left alice reason=exit
   3130.000ms r0: room alice.1 video bob on
   3160.000ms alice/1: OnExitRoom(alice.1, reason=exit)
   3160.000ms bob/1: OnRemoteUserLeaveRoom(alice.1, user=alice, reason=exit)
   3160.000ms bob/1: invite alice timeout=0s data="{\"cmd\":\"hangup\",\"roomID\":\"alice.1\",\"duration\":0}"
   3160.000ms bob/1: exit-room alice.1
   3160.000ms bob/1: call c1: over, talked (the other party left)
   3160.000ms world: call-agreement on alice/1: call c1: alice did not talk (cancelled), bob talked (the other party left); the callee's accept and the caller's cancel both succeeded
   3200.000ms r0: room alice.1 left bob reason=exit
   3240.000ms alice/1: OnReceiveNewInvitation(bob/1.0-1, inviter=bob, group=, invitees=[alice], data="{\"cmd\":\"hangup\",\"roomID\":\"alice.1\",\"duration\":0}")
   3240.000ms alice/1: accept bob/1.0-1
   3240.000ms bob/1: invite bob/1.0-1 -> ok
   3240.000ms bob/1: OnExitRoom(alice.1, reason=exit)
   3320.000ms bob/1: OnInviteeAccepted(bob/1.0-1, invitee=alice, data="")
   3320.000ms alice/1: accept bob/1.0-1 -> ok

expect violation call-agreement
expect violation agreement
expect violation no-resurrection
expect count call.ghosts = 0
check
----
agreement violated at    3090.000ms (event 80) on alice/1: c1: bob learned accepted here, cancelled elsewhere
no-resurrection violated at    3090.000ms (event 83) on bob/1: c1 bob reported accepted after cancelled
agreement violated at    3090.000ms (event 84) on bob/1: c1: bob learned accepted here, cancelled first
call-agreement violated at    3160.000ms (event 102) on alice/1: call c1: alice did not talk (cancelled), bob talked (the other party left); the callee's accept and the caller's cancel both succeeded
