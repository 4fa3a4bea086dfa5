# A field report, turned into a scenario: "I was in a call and my phone rang
# for another" (busy-ring). bob is in a call with carol; alice calls him. A
# legacy app with call waiting (busy-policy=ring) lets her call ring instead
# of answering "busy"; nobody picks it up, and it rings out.
world seed=15 mode=client latency=40ms stop=never
users alice bob carol app=call manual busy-policy=ring

at 1s carol dial bob as first
at 3s bob answer accept
at 10s alice dial bob as second
at 50s carol hang-up
run until quiet
----
   1000.000ms carol/1: enter-room carol.1
   1000.000ms carol/1: invite bob timeout=30s data="{\"roomID\":\"carol.1\"}"
   1040.000ms r0: room carol.1 entered carol
   1080.000ms carol/1: OnEnterRoom(carol.1, ok)
   1080.000ms carol/1: video carol.1 on
   1080.000ms bob/1: OnReceiveNewInvitation(first, inviter=carol, group=, invitees=[bob], data="{\"roomID\":\"carol.1\"}")
   1080.000ms carol/1: invite first -> ok
   1120.000ms r0: room carol.1 video carol on
   3000.000ms bob/1: enter-room carol.1
   3000.000ms bob/1: accept first
   3040.000ms r0: room carol.1 entered bob
   3080.000ms bob/1: OnEnterRoom(carol.1, ok)
   3080.000ms bob/1: video carol.1 on
   3080.000ms bob/1: OnRemoteUserEnterRoom(carol.1, user=carol)
   3080.000ms bob/1: OnUserVideoAvailable(carol.1, user=carol, available=true)
   3080.000ms carol/1: OnRemoteUserEnterRoom(carol.1, user=bob)
   3080.000ms carol/1: OnInviteeAccepted(first, invitee=bob, data="")
   3080.000ms carol/1: call first: on
   3080.000ms bob/1: accept first -> ok
   3080.000ms bob/1: call first: on
   3120.000ms r0: room carol.1 video bob on
   3160.000ms carol/1: OnUserVideoAvailable(carol.1, user=bob, available=true)
  10000.000ms alice/1: enter-room alice.1
  10000.000ms alice/1: invite bob timeout=30s data="{\"roomID\":\"alice.1\"}"
  10040.000ms r0: room alice.1 entered alice
  10080.000ms alice/1: OnEnterRoom(alice.1, ok)
  10080.000ms alice/1: video alice.1 on
  10080.000ms bob/1: OnReceiveNewInvitation(second, inviter=alice, group=, invitees=[bob], data="{\"roomID\":\"alice.1\"}")
  10080.000ms world: busy-ring on bob/1: bob rings for second from alice while in call carol.1 with carol
  10080.000ms alice/1: invite second -> ok
  10120.000ms r0: room alice.1 video alice on
  40080.000ms bob/1: OnInvitationTimeout(second, invitees=[bob])
  40080.000ms bob/1: call second: over, did not talk (timed out)
  40160.000ms alice/1: OnInvitationTimeout(second, invitees=[bob])
  40160.000ms alice/1: exit-room alice.1
  40160.000ms alice/1: call second: over, did not talk (timed out)
  40200.000ms r0: room alice.1 left alice reason=exit
  40240.000ms alice/1: OnExitRoom(alice.1, reason=exit)
  50000.000ms carol/1: exit-room carol.1
  50000.000ms carol/1: call first: over, talked (hung up)
  50040.000ms r0: room carol.1 left carol reason=exit
  50080.000ms carol/1: OnExitRoom(carol.1, reason=exit)
  50080.000ms bob/1: OnRemoteUserLeaveRoom(carol.1, user=carol, reason=exit)
  50080.000ms bob/1: invite carol timeout=0s data="{\"cmd\":\"hangup\",\"roomID\":\"carol.1\",\"duration\":47}"
  50080.000ms bob/1: exit-room carol.1
  50080.000ms bob/1: call first: over, talked (the other party left)
  50120.000ms r0: room carol.1 left bob reason=exit
  50160.000ms carol/1: OnReceiveNewInvitation(bob/1.0-1, inviter=bob, group=, invitees=[carol], data="{\"cmd\":\"hangup\",\"roomID\":\"carol.1\",\"duration\":47}")
  50160.000ms carol/1: accept bob/1.0-1
  50160.000ms bob/1: invite bob/1.0-1 -> ok
  50160.000ms bob/1: OnExitRoom(carol.1, reason=exit)
  50240.000ms bob/1: OnInviteeAccepted(bob/1.0-1, invitee=carol, data="")
  50240.000ms carol/1: accept bob/1.0-1 -> ok

expect violation busy-ring
expect count call.busy-rings = 1
check
----
busy-ring violated at   10080.000ms (event 115) on bob/1: bob rings for second from alice while in call carol.1 with carol
