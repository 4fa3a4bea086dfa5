# A field report, turned into a scenario: "I picked up, and sat alone in an
# empty call" (legacy SDK, client mode). alice calls bob and gives up after two
# seconds; bob picks up ten milliseconds later, before her cancel reaches him.
# The legacy SDK decides each answer on the device that makes it: alice is
# told her cancel succeeded, bob that his accept did. alice leaves the room;
# bob, on a slow network to the room service, enters it after she has left
# and waits there alone (ghost-call) until his join timeout, and the two
# disagree on whether the call happened (call-agreement).
world seed=11 mode=client latency=40ms stop=never
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
   1080.000ms alice/1: OnEnterRoom(alice.1, ok)
   1080.000ms alice/1: video alice.1 on
   1080.000ms bob/1: OnReceiveNewInvitation(c1, inviter=alice, group=, invitees=[bob], data="{\"roomID\":\"alice.1\"}")
   1080.000ms alice/1: invite c1 -> ok
   1120.000ms r0: room alice.1 video alice on
   3000.000ms alice/1: cancel c1
   3010.000ms bob/1: enter-room alice.1
   3010.000ms bob/1: accept c1
   3080.000ms bob/1: OnInvitationCancelled(c1, inviter=alice, data="", cancelled=[bob])
   3080.000ms alice/1: cancel c1 -> ok
   3080.000ms alice/1: exit-room alice.1
   3080.000ms alice/1: call c1: over, did not talk (cancelled)
   3090.000ms alice/1: OnInviteeAccepted(c1, invitee=bob, data="")
   3090.000ms world: agreement on alice/1: c1: bob learned accepted here, cancelled elsewhere
   3090.000ms bob/1: accept c1 -> ok
   3090.000ms world: no-resurrection on bob/1: c1 bob reported accepted after cancelled
   3090.000ms world: agreement on bob/1: c1: bob learned accepted here, cancelled first
   3090.000ms bob/1: call c1: on
   3120.000ms r0: room alice.1 left alice reason=exit
   3160.000ms alice/1: OnExitRoom(alice.1, reason=exit)
   3510.000ms r0: room alice.1 entered bob
   4010.000ms bob/1: OnEnterRoom(alice.1, ok)
   4010.000ms bob/1: video alice.1 on
   4510.000ms r0: room alice.1 video bob on
  14010.000ms world: ghost-call on bob/1: bob alone in room alice.1 since 4.01s, 10s after alice's call c1 ended (cancelled)
  63090.000ms bob/1: invite alice timeout=0s data="{\"cmd\":\"hangup\",\"roomID\":\"alice.1\",\"duration\":0}"
  63090.000ms bob/1: exit-room alice.1
  63090.000ms bob/1: call c1: over, talked (the other party never came)
  63090.000ms world: call-agreement on alice/1: call c1: alice did not talk (cancelled), bob talked (the other party never came); the callee's accept and the caller's cancel both succeeded
  63170.000ms alice/1: OnReceiveNewInvitation(bob/1.0-1, inviter=bob, group=, invitees=[alice], data="{\"cmd\":\"hangup\",\"roomID\":\"alice.1\",\"duration\":0}")
  63170.000ms alice/1: accept bob/1.0-1
  63170.000ms bob/1: invite bob/1.0-1 -> ok
  63250.000ms bob/1: OnInviteeAccepted(bob/1.0-1, invitee=alice, data="")
  63250.000ms alice/1: accept bob/1.0-1 -> ok
  63590.000ms r0: room alice.1 left bob reason=exit
  64090.000ms bob/1: OnExitRoom(alice.1, reason=exit)

expect violation ghost-call
expect violation call-agreement
expect violation agreement
expect violation no-resurrection
expect count call.ghosts = 1
check
----
agreement violated at    3090.000ms (event 66) on alice/1: c1: bob learned accepted here, cancelled elsewhere
no-resurrection violated at    3090.000ms (event 69) on bob/1: c1 bob reported accepted after cancelled
agreement violated at    3090.000ms (event 70) on bob/1: c1: bob learned accepted here, cancelled first
ghost-call violated at   14010.000ms (event 120) on bob/1: bob alone in room alice.1 since 4.01s, 10s after alice's call c1 ended (cancelled)
call-agreement violated at   63090.000ms (event 128) on alice/1: call c1: alice did not talk (cancelled), bob talked (the other party never came); the callee's accept and the caller's cancel both succeeded
