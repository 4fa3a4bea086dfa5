# A phone logged out during a call (the app's logout, or another login of
# the account): it can no longer signal, so it ends the call — it hangs up,
# leaving the room. alice sees bob leave and announces the end, which reaches
# bob's phone when it logs in again ten seconds later. Both talked; nobody is
# left in the room.
world seed=17 latency=40ms
users alice bob app=call accept=1 ring-time=2s talk-time=5m

at 0 bob login
at 1s alice dial bob as c1
at 20s bob logout
at 30s bob login
run until quiet
----
      0.000ms bob/1: login
     80.000ms bob/1: login -> ok
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
   3080.000ms bob/1: enter-room alice.1
   3080.000ms bob/1: accept c1
   3120.000ms r0: room alice.1 entered bob
   3120.000ms s0: decided c1 bob accepted
   3160.000ms bob/1: OnEnterRoom(alice.1, ok)
   3160.000ms bob/1: video alice.1 on
   3160.000ms bob/1: OnRemoteUserEnterRoom(alice.1, user=alice)
   3160.000ms bob/1: OnUserVideoAvailable(alice.1, user=alice, available=true)
   3160.000ms alice/1: OnRemoteUserEnterRoom(alice.1, user=bob)
   3160.000ms alice/1: OnInviteeAccepted(c1, invitee=bob, data="")
   3160.000ms alice/1: call c1: on
   3160.000ms alice/1: call c1: will hang up after 5m0s
   3160.000ms bob/1: accept c1 -> ok
   3160.000ms bob/1: call c1: on
   3200.000ms r0: room alice.1 video bob on
   3240.000ms alice/1: OnUserVideoAvailable(alice.1, user=bob, available=true)
  20000.000ms bob/1: logout
  20000.000ms bob/1: logout -> ok
  20000.000ms bob/1: exit-room alice.1
  20000.000ms bob/1: call c1: over, talked (logged out)
  20040.000ms r0: room alice.1 left bob reason=exit
  20080.000ms bob/1: OnExitRoom(alice.1, reason=exit)
  20080.000ms alice/1: OnRemoteUserLeaveRoom(alice.1, user=bob, reason=exit)
  20080.000ms alice/1: invite bob timeout=0s data="{\"cmd\":\"hangup\",\"roomID\":\"alice.1\",\"duration\":16}"
  20080.000ms alice/1: exit-room alice.1
  20080.000ms alice/1: call c1: over, talked (the other party left)
  20120.000ms s0: decided created alice/1.0-2 inviter=alice invitees=[bob] timeout=0s
  20120.000ms s0: offline-push to=bob title="call from alice" invite alice/1.0-2 inviter=alice invitees=[bob] data="{\"cmd\":\"hangup\",\"roomID\":\"alice.1\",\"duration\":16}"
  20120.000ms r0: room alice.1 left alice reason=exit
  20160.000ms alice/1: invite alice/1.0-2 -> ok
  20160.000ms alice/1: OnExitRoom(alice.1, reason=exit)
  30000.000ms bob/1: login
  30080.000ms bob/1: login -> ok
  30080.000ms bob/1: dropped accept of an invitation never received
  30080.000ms bob/1: OnReceiveNewInvitation(alice/1.0-2, inviter=alice, group=, invitees=[bob], data="{\"cmd\":\"hangup\",\"roomID\":\"alice.1\",\"duration\":16}")
  30080.000ms bob/1: accept alice/1.0-2
  30120.000ms s0: decided alice/1.0-2 bob accepted
  30160.000ms alice/1: OnInviteeAccepted(alice/1.0-2, invitee=bob, data="")
  30160.000ms bob/1: accept alice/1.0-2 -> ok

expect c1 bob=accepted
expect count call.announced = 1
check
----
ok: every invariant holds
