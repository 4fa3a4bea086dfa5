# A field report, turned into a scenario: "the call lasted 30 seconds, the
# app said 35". A legacy app (count-from=accept) times a call from the
# moment it learns the accept succeeded, not from when it sees the other
# party in the room as the source document says (onRemoteUserEnterRoom).
# bob accepts just as the room node r0 stalls for five seconds: his entry
# waits, the call is on for the signaling long before both are in the room,
# and the duration bob announces when alice hangs up counts those seconds:
# the room overlap says 30 s, bob announces 35 (call-duration).
world seed=13 mode=client latency=40ms stop=never
users alice bob app=call accept=1 ring-time=2s talk-time=30s caller-hangs-up=1 count-from=accept

at 1s alice dial bob as c1
at 3.05s pause r0 for=5s
run until quiet
----
   1000.000ms alice/1: enter-room alice.1
   1000.000ms alice/1: invite bob timeout=30s data="{\"roomID\":\"alice.1\"}"
   1040.000ms r0: room alice.1 entered alice
   1080.000ms alice/1: OnEnterRoom(alice.1, ok)
   1080.000ms alice/1: video alice.1 on
   1080.000ms bob/1: OnReceiveNewInvitation(c1, inviter=alice, group=, invitees=[bob], data="{\"roomID\":\"alice.1\"}")
   1080.000ms bob/1: call c1: will accept after 2s
   1080.000ms alice/1: invite c1 -> ok
   1120.000ms r0: room alice.1 video alice on
   3050.000ms r0: pause 5s
   3080.000ms bob/1: enter-room alice.1
   3080.000ms bob/1: accept c1
   3160.000ms alice/1: OnInviteeAccepted(c1, invitee=bob, data="")
   3160.000ms alice/1: call c1: on
   3160.000ms bob/1: accept c1 -> ok
   3160.000ms bob/1: call c1: on
   8050.000ms r0: room alice.1 entered bob
   8090.000ms bob/1: OnEnterRoom(alice.1, ok)
   8090.000ms bob/1: video alice.1 on
   8090.000ms bob/1: OnRemoteUserEnterRoom(alice.1, user=alice)
   8090.000ms bob/1: OnUserVideoAvailable(alice.1, user=alice, available=true)
   8090.000ms alice/1: OnRemoteUserEnterRoom(alice.1, user=bob)
   8090.000ms alice/1: call c1: will hang up after 30s
   8130.000ms r0: room alice.1 video bob on
   8170.000ms alice/1: OnUserVideoAvailable(alice.1, user=bob, available=true)
  38090.000ms alice/1: exit-room alice.1
  38090.000ms alice/1: call c1: over, talked (hung up)
  38130.000ms r0: room alice.1 left alice reason=exit
  38170.000ms alice/1: OnExitRoom(alice.1, reason=exit)
  38170.000ms bob/1: OnRemoteUserLeaveRoom(alice.1, user=alice, reason=exit)
  38170.000ms world: call-duration on bob/1: bob announced 35s for c1; the room overlap was 30.08s (allowed error 1.08s)
  38170.000ms bob/1: invite alice timeout=0s data="{\"cmd\":\"hangup\",\"roomID\":\"alice.1\",\"duration\":35}"
  38170.000ms bob/1: exit-room alice.1
  38170.000ms bob/1: call c1: over, talked (the other party left)
  38210.000ms r0: room alice.1 left bob reason=exit
  38250.000ms alice/1: OnReceiveNewInvitation(bob/1.0-1, inviter=bob, group=, invitees=[alice], data="{\"cmd\":\"hangup\",\"roomID\":\"alice.1\",\"duration\":35}")
  38250.000ms alice/1: accept bob/1.0-1
  38250.000ms bob/1: invite bob/1.0-1 -> ok
  38250.000ms bob/1: OnExitRoom(alice.1, reason=exit)
  38330.000ms bob/1: OnInviteeAccepted(bob/1.0-1, invitee=alice, data="")
  38330.000ms alice/1: accept bob/1.0-1 -> ok

expect violation call-duration
expect count call.duration-errors = 1
check
----
call-duration violated at   38170.000ms (event 123) on bob/1: bob announced 35s for c1; the room overlap was 30.08s (allowed error 1.08s)
