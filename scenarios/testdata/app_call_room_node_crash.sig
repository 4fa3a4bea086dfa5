# The room node r0 crashes during a call: both phones lose the room
# (OnExitRoom, reason lost) and end the call; neither announces it, as each
# saw the other in the room and both lose it at once. r0 restarts empty.
world seed=18 latency=40ms
users alice bob app=call accept=1 ring-time=2s talk-time=5m

at 1s alice dial bob as c1
at 20s crash r0
at 25s restart r0
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
  20000.000ms r0: crash
  20000.000ms alice/1: OnExitRoom(alice.1, reason=lost)
  20000.000ms alice/1: call c1: over, talked (its room was lost)
  20000.000ms bob/1: OnExitRoom(alice.1, reason=lost)
  20000.000ms bob/1: call c1: over, talked (its room was lost)
  25000.000ms r0: restart

show rooms
----
no rooms

expect count call.rooms-lost = 2
check
----
ok: every invariant holds
