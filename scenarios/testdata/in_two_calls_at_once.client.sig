# A field report, turned into a scenario: "my phone joined a second call while
# I was in one". A legacy app with call waiting (busy-policy=ring) lets a
# second call ring during a call, and its user picks it up: bob, in a call
# with carol, accepts alice's call and enters her room too (two-rooms; the
# ring itself breaks busy-ring). The source document's app answers "busy".
world seed=14 mode=client latency=40ms stop=never
users alice bob carol app=call accept=1 ring-time=2s talk-time=1m caller-hangs-up=1 busy-policy=ring

at 1s carol dial bob as first
at 10s alice dial bob as second
run until quiet
----
   1000.000ms carol/1: enter-room carol.1
   1000.000ms carol/1: invite bob timeout=30s data="{\"roomID\":\"carol.1\"}"
   1040.000ms r0: room carol.1 entered carol
   1080.000ms carol/1: OnEnterRoom(carol.1, ok)
   1080.000ms carol/1: video carol.1 on
   1080.000ms bob/1: OnReceiveNewInvitation(first, inviter=carol, group=, invitees=[bob], data="{\"roomID\":\"carol.1\"}")
   1080.000ms bob/1: call first: will accept after 2s
   1080.000ms carol/1: invite first -> ok
   1120.000ms r0: room carol.1 video carol on
   3080.000ms bob/1: enter-room carol.1
   3080.000ms bob/1: accept first
   3120.000ms r0: room carol.1 entered bob
   3160.000ms bob/1: OnEnterRoom(carol.1, ok)
   3160.000ms bob/1: video carol.1 on
   3160.000ms bob/1: OnRemoteUserEnterRoom(carol.1, user=carol)
   3160.000ms bob/1: OnUserVideoAvailable(carol.1, user=carol, available=true)
   3160.000ms carol/1: OnRemoteUserEnterRoom(carol.1, user=bob)
   3160.000ms carol/1: OnInviteeAccepted(first, invitee=bob, data="")
   3160.000ms carol/1: call first: on
   3160.000ms carol/1: call first: will hang up after 1m0s
   3160.000ms bob/1: accept first -> ok
   3160.000ms bob/1: call first: on
   3200.000ms r0: room carol.1 video bob on
   3240.000ms carol/1: OnUserVideoAvailable(carol.1, user=bob, available=true)
  10000.000ms alice/1: enter-room alice.1
  10000.000ms alice/1: invite bob timeout=30s data="{\"roomID\":\"alice.1\"}"
  10040.000ms r0: room alice.1 entered alice
  10080.000ms alice/1: OnEnterRoom(alice.1, ok)
  10080.000ms alice/1: video alice.1 on
  10080.000ms bob/1: OnReceiveNewInvitation(second, inviter=alice, group=, invitees=[bob], data="{\"roomID\":\"alice.1\"}")
  10080.000ms world: busy-ring on bob/1: bob rings for second from alice while in call carol.1 with carol
  10080.000ms bob/1: call second: will accept after 2s
  10080.000ms alice/1: invite second -> ok
  10120.000ms r0: room alice.1 video alice on
  12080.000ms world: two-rooms on bob/1: bob enters call room alice.1 while in [carol.1]
  12080.000ms bob/1: enter-room alice.1
  12080.000ms bob/1: accept second
  12120.000ms r0: room alice.1 entered bob
  12160.000ms bob/1: OnEnterRoom(alice.1, ok)
  12160.000ms bob/1: video alice.1 on
  12160.000ms bob/1: OnRemoteUserEnterRoom(alice.1, user=alice)
  12160.000ms bob/1: OnUserVideoAvailable(alice.1, user=alice, available=true)
  12160.000ms alice/1: OnRemoteUserEnterRoom(alice.1, user=bob)
  12160.000ms alice/1: OnInviteeAccepted(second, invitee=bob, data="")
  12160.000ms alice/1: call second: on
  12160.000ms alice/1: call second: will hang up after 1m0s
  12160.000ms bob/1: accept second -> ok
  12160.000ms bob/1: call second: on
  12200.000ms r0: room alice.1 video bob on
  12240.000ms alice/1: OnUserVideoAvailable(alice.1, user=bob, available=true)
  63160.000ms carol/1: exit-room carol.1
  63160.000ms carol/1: call first: over, talked (hung up)
  63200.000ms r0: room carol.1 left carol reason=exit
  63240.000ms carol/1: OnExitRoom(carol.1, reason=exit)
  63240.000ms bob/1: OnRemoteUserLeaveRoom(carol.1, user=carol, reason=exit)
  63240.000ms bob/1: invite carol timeout=0s data="{\"cmd\":\"hangup\",\"roomID\":\"carol.1\",\"duration\":60}"
  63240.000ms bob/1: exit-room carol.1
  63240.000ms bob/1: call first: over, talked (the other party left)
  63280.000ms r0: room carol.1 left bob reason=exit
  63320.000ms carol/1: OnReceiveNewInvitation(bob/1.0-1, inviter=bob, group=, invitees=[carol], data="{\"cmd\":\"hangup\",\"roomID\":\"carol.1\",\"duration\":60}")
  63320.000ms carol/1: accept bob/1.0-1
  63320.000ms bob/1: invite bob/1.0-1 -> ok
  63320.000ms bob/1: OnExitRoom(carol.1, reason=exit)
  63400.000ms bob/1: OnInviteeAccepted(bob/1.0-1, invitee=carol, data="")
  63400.000ms carol/1: accept bob/1.0-1 -> ok
  72160.000ms alice/1: exit-room alice.1
  72160.000ms alice/1: call second: over, talked (hung up)
  72200.000ms r0: room alice.1 left alice reason=exit
  72240.000ms alice/1: OnExitRoom(alice.1, reason=exit)
  72240.000ms bob/1: OnRemoteUserLeaveRoom(alice.1, user=alice, reason=exit)
  72240.000ms bob/1: invite alice timeout=0s data="{\"cmd\":\"hangup\",\"roomID\":\"alice.1\",\"duration\":60}"
  72240.000ms bob/1: exit-room alice.1
  72240.000ms bob/1: call second: over, talked (the other party left)
  72280.000ms r0: room alice.1 left bob reason=exit
  72320.000ms alice/1: OnReceiveNewInvitation(bob/1.0-2, inviter=bob, group=, invitees=[alice], data="{\"cmd\":\"hangup\",\"roomID\":\"alice.1\",\"duration\":60}")
  72320.000ms alice/1: accept bob/1.0-2
  72320.000ms bob/1: invite bob/1.0-2 -> ok
  72320.000ms bob/1: OnExitRoom(alice.1, reason=exit)
  72400.000ms bob/1: OnInviteeAccepted(bob/1.0-2, invitee=alice, data="")
  72400.000ms alice/1: accept bob/1.0-2 -> ok

expect violation two-rooms
expect violation busy-ring
expect count call.two-rooms = 1
check
----
busy-ring violated at   10080.000ms (event 117) on bob/1: bob rings for second from alice while in call carol.1 with carol
two-rooms violated at   12080.000ms (event 133) on bob/1: bob enters call room alice.1 while in [carol.1]
