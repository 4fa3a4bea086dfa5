# The 1v1 video call of the source document, end to end on the reference call
# app (apps.Calls) and the room service: alice enters room alice.1 and invites
# bob with its roomID in the data; bob's phone rings, accepts two seconds later
# and enters the room; each records the start of the call when it sees the
# other enter (OnRemoteUserEnterRoom). After a minute alice hangs up and leaves
# the room; bob sees her leave (OnRemoteUserLeaveRoom), computes the duration
# and announces the end with a second invitation (timeout 0) carrying it, which
# alice's phone accepts to close it. The phones' decisions are the "call c1:"
# notes; the room node's are r0's.
world seed=1 latency=40ms
users alice bob app=call accept=1 ring-time=2s talk-time=1m caller-hangs-up=1

at 1s alice dial bob as c1
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
   3160.000ms alice/1: call c1: will hang up after 1m0s
   3160.000ms bob/1: accept c1 -> ok
   3160.000ms bob/1: call c1: on
   3200.000ms r0: room alice.1 video bob on
   3240.000ms alice/1: OnUserVideoAvailable(alice.1, user=bob, available=true)
  63160.000ms alice/1: exit-room alice.1
  63160.000ms alice/1: call c1: over, talked (hung up)
  63200.000ms r0: room alice.1 left alice reason=exit
  63240.000ms alice/1: OnExitRoom(alice.1, reason=exit)
  63240.000ms bob/1: OnRemoteUserLeaveRoom(alice.1, user=alice, reason=exit)
  63240.000ms bob/1: invite alice timeout=0s data="{\"cmd\":\"hangup\",\"roomID\":\"alice.1\",\"duration\":60}"
  63240.000ms bob/1: exit-room alice.1
  63240.000ms bob/1: call c1: over, talked (the other party left)
  63280.000ms s0: decided created bob/1.0-1 inviter=bob invitees=[alice] timeout=0s
  63280.000ms r0: room alice.1 left bob reason=exit
  63320.000ms alice/1: OnReceiveNewInvitation(bob/1.0-1, inviter=bob, group=, invitees=[alice], data="{\"cmd\":\"hangup\",\"roomID\":\"alice.1\",\"duration\":60}")
  63320.000ms alice/1: accept bob/1.0-1
  63320.000ms bob/1: invite bob/1.0-1 -> ok
  63320.000ms bob/1: OnExitRoom(alice.1, reason=exit)
  63360.000ms s0: decided bob/1.0-1 alice accepted
  63400.000ms bob/1: OnInviteeAccepted(bob/1.0-1, invitee=alice, data="")
  63400.000ms alice/1: accept bob/1.0-1 -> ok

show calls
----
alice: idle
bob: idle
calls: dialed=1 rang=1 connected=1 hung-up=1 announced=1 out-accepted=1

expect c1 bob=accepted
expect count call.announced = 1
check
----
ok: every invariant holds
