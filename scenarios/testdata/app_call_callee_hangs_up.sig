# The 1v1 call, the callee hanging up: bob leaves the room after 45 seconds;
# alice, the caller, sees him leave and announces the end with the duration she
# measured (45 s: from seeing him enter to seeing him leave). The checker
# compares it with the room overlap at r0.
world seed=2 latency=uniform(20ms,60ms)
users alice bob app=call accept=1 ring-time=3s talk-time=45s caller-hangs-up=0

at 1s alice dial bob as c1
run until quiet
----
   1000.000ms alice/1: enter-room alice.1
   1000.000ms alice/1: invite bob timeout=30s data="{\"roomID\":\"alice.1\"}"
   1040.044ms s0: decided created c1 inviter=alice invitees=[bob] timeout=30s
   1059.210ms r0: room alice.1 entered alice
   1066.589ms bob/1: OnReceiveNewInvitation(c1, inviter=alice, group=, invitees=[bob], data="{\"roomID\":\"alice.1\"}")
   1066.589ms bob/1: call c1: will accept after 3s
   1087.931ms alice/1: OnEnterRoom(alice.1, ok)
   1087.931ms alice/1: video alice.1 on
   1089.948ms alice/1: invite c1 -> ok
   1130.635ms r0: room alice.1 video alice on
   4066.589ms bob/1: enter-room alice.1
   4066.589ms bob/1: accept c1
   4096.367ms s0: decided c1 bob accepted
   4126.483ms r0: room alice.1 entered bob
   4127.092ms alice/1: OnInviteeAccepted(c1, invitee=bob, data="")
   4127.092ms alice/1: call c1: on
   4138.375ms bob/1: accept c1 -> ok
   4138.375ms bob/1: call c1: on
   4148.682ms bob/1: OnEnterRoom(alice.1, ok)
   4148.682ms bob/1: video alice.1 on
   4172.958ms alice/1: OnRemoteUserEnterRoom(alice.1, user=bob)
   4186.073ms bob/1: OnRemoteUserEnterRoom(alice.1, user=alice)
   4186.073ms bob/1: call c1: will hang up after 45s
   4186.073ms bob/1: OnUserVideoAvailable(alice.1, user=alice, available=true)
   4189.174ms r0: room alice.1 video bob on
   4232.138ms alice/1: OnUserVideoAvailable(alice.1, user=bob, available=true)
  49186.073ms bob/1: exit-room alice.1
  49186.073ms bob/1: call c1: over, talked (hung up)
  49222.397ms r0: room alice.1 left bob reason=exit
  49244.608ms bob/1: OnExitRoom(alice.1, reason=exit)
  49260.500ms alice/1: OnRemoteUserLeaveRoom(alice.1, user=bob, reason=exit)
  49260.500ms alice/1: invite bob timeout=0s data="{\"cmd\":\"hangup\",\"roomID\":\"alice.1\",\"duration\":45}"
  49260.500ms alice/1: exit-room alice.1
  49260.500ms alice/1: call c1: over, talked (the other party left)
  49295.448ms s0: decided created alice/1.0-2 inviter=alice invitees=[bob] timeout=0s
  49317.980ms r0: room alice.1 left alice reason=exit
  49330.229ms bob/1: OnReceiveNewInvitation(alice/1.0-2, inviter=alice, group=, invitees=[bob], data="{\"cmd\":\"hangup\",\"roomID\":\"alice.1\",\"duration\":45}")
  49330.229ms bob/1: accept alice/1.0-2
  49345.452ms alice/1: OnExitRoom(alice.1, reason=exit)
  49347.831ms alice/1: invite alice/1.0-2 -> ok
  49377.750ms s0: decided alice/1.0-2 bob accepted
  49402.686ms alice/1: OnInviteeAccepted(alice/1.0-2, invitee=bob, data="")
  49417.383ms bob/1: accept alice/1.0-2 -> ok

expect c1 bob=accepted
expect count call.announced = 1
expect count call.duration-errors = 0
check
----
ok: every invariant holds
