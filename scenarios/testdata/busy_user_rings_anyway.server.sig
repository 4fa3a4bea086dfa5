# The second call of busy_user_rings_anyway.client.sig with the reference app
# in server mode: bob's phone, in a call, never rings for alice's; it answers
# "busy" at once, and alice learns it (busy-ring holds).
world seed=15 mode=server latency=40ms
users alice bob carol app=call manual

at 1s carol dial bob as first
at 3s bob answer accept
at 10s alice dial bob as second
at 50s carol hang-up
run until quiet
----
   1000.000ms carol/1: enter-room carol.1
   1000.000ms carol/1: invite bob timeout=30s data="{\"roomID\":\"carol.1\"}"
   1040.000ms r0: room carol.1 entered carol
   1040.000ms s0: decided created first inviter=carol invitees=[bob] timeout=30s
   1080.000ms carol/1: OnEnterRoom(carol.1, ok)
   1080.000ms carol/1: video carol.1 on
   1080.000ms bob/1: OnReceiveNewInvitation(first, inviter=carol, group=, invitees=[bob], data="{\"roomID\":\"carol.1\"}")
   1080.000ms carol/1: invite first -> ok
   1120.000ms r0: room carol.1 video carol on
   3000.000ms bob/1: enter-room carol.1
   3000.000ms bob/1: accept first
   3040.000ms r0: room carol.1 entered bob
   3040.000ms s0: decided first bob accepted
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
  10040.000ms s0: decided created second inviter=alice invitees=[bob] timeout=30s
  10080.000ms alice/1: OnEnterRoom(alice.1, ok)
  10080.000ms alice/1: video alice.1 on
  10080.000ms bob/1: OnReceiveNewInvitation(second, inviter=alice, group=, invitees=[bob], data="{\"roomID\":\"alice.1\"}")
  10080.000ms bob/1: call second: busy, in a call with carol in carol.1
  10080.000ms bob/1: reject second data="busy"
  10080.000ms alice/1: invite second -> ok
  10120.000ms r0: room alice.1 video alice on
  10120.000ms s0: decided second bob rejected
  10160.000ms alice/1: OnInviteeRejected(second, invitee=bob, data="busy")
  10160.000ms alice/1: exit-room alice.1
  10160.000ms alice/1: call second: over, did not talk (rejected (busy))
  10160.000ms bob/1: reject second -> ok
  10200.000ms r0: room alice.1 left alice reason=exit
  10240.000ms alice/1: OnExitRoom(alice.1, reason=exit)
  50000.000ms carol/1: exit-room carol.1
  50000.000ms carol/1: call first: over, talked (hung up)
  50040.000ms r0: room carol.1 left carol reason=exit
  50080.000ms carol/1: OnExitRoom(carol.1, reason=exit)
  50080.000ms bob/1: OnRemoteUserLeaveRoom(carol.1, user=carol, reason=exit)
  50080.000ms bob/1: invite carol timeout=0s data="{\"cmd\":\"hangup\",\"roomID\":\"carol.1\",\"duration\":47}"
  50080.000ms bob/1: exit-room carol.1
  50080.000ms bob/1: call first: over, talked (the other party left)
  50120.000ms s0: decided created bob/1.0-1 inviter=bob invitees=[carol] timeout=0s
  50120.000ms r0: room carol.1 left bob reason=exit
  50160.000ms carol/1: OnReceiveNewInvitation(bob/1.0-1, inviter=bob, group=, invitees=[carol], data="{\"cmd\":\"hangup\",\"roomID\":\"carol.1\",\"duration\":47}")
  50160.000ms carol/1: accept bob/1.0-1
  50160.000ms bob/1: invite bob/1.0-1 -> ok
  50160.000ms bob/1: OnExitRoom(carol.1, reason=exit)
  50200.000ms s0: decided bob/1.0-1 carol accepted
  50240.000ms bob/1: OnInviteeAccepted(bob/1.0-1, invitee=carol, data="")
  50240.000ms carol/1: accept bob/1.0-1 -> ok

expect second bob=rejected
expect count call.busy-rejects = 1
expect violations 0
check
----
ok: every invariant holds
