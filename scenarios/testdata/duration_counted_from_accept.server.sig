# The stalled room node of duration_counted_from_accept.client.sig, with the
# reference app in server mode: the phones time the call from when each sees
# the other in the room, and the duration bob announces is the room overlap
# (30 s): call-duration holds.
world seed=13 mode=server latency=40ms
users alice bob app=call accept=1 ring-time=2s talk-time=30s caller-hangs-up=1

at 1s alice dial bob as c1
at 3.05s pause r0 for=5s
run until quiet
----
   1000.000ms alice/1: enter-room alice.1
   1000.000ms alice/1: invite bob timeout=30s data="{\"roomID\":\"alice.1\"}"
   1040.000ms r0: room alice.1 entered alice
   1040.000ms s0: decided created c1 inviter=alice invitees=[bob] timeout=30s
   1080.000ms alice/1: OnEnterRoom(alice.1, ok)
   1080.000ms alice/1: video alice.1 on
   1080.000ms bob/1: OnReceiveNewInvitation(c1, inviter=alice, group=, invitees=[bob], data="{\"roomID\":\"alice.1\"}")
   1080.000ms bob/1: call c1: will accept after 2s
   1080.000ms alice/1: invite c1 -> ok
   1120.000ms r0: room alice.1 video alice on
   3050.000ms r0: pause 5s
   3080.000ms bob/1: enter-room alice.1
   3080.000ms bob/1: accept c1
   3120.000ms s0: decided c1 bob accepted
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
  38170.000ms bob/1: invite alice timeout=0s data="{\"cmd\":\"hangup\",\"roomID\":\"alice.1\",\"duration\":30}"
  38170.000ms bob/1: exit-room alice.1
  38170.000ms bob/1: call c1: over, talked (the other party left)
  38210.000ms s0: decided created bob/1.0-1 inviter=bob invitees=[alice] timeout=0s
  38210.000ms r0: room alice.1 left bob reason=exit
  38250.000ms alice/1: OnReceiveNewInvitation(bob/1.0-1, inviter=bob, group=, invitees=[alice], data="{\"cmd\":\"hangup\",\"roomID\":\"alice.1\",\"duration\":30}")
  38250.000ms alice/1: accept bob/1.0-1
  38250.000ms bob/1: invite bob/1.0-1 -> ok
  38250.000ms bob/1: OnExitRoom(alice.1, reason=exit)
  38290.000ms s0: decided bob/1.0-1 alice accepted
  38330.000ms bob/1: OnInviteeAccepted(bob/1.0-1, invitee=alice, data="")
  38330.000ms alice/1: accept bob/1.0-1 -> ok

expect count call.announced = 1
expect violations 0
check
----
ok: every invariant holds
