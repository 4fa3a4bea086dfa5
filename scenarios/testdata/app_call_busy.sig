# Busy: bob is in a call with carol when alice calls him; his phone rejects
# her call at once with data "busy", as the source document says, and alice
# leaves her room. carol's call goes on, and carol hangs up after a minute.
world seed=4 latency=40ms
users alice bob carol app=call accept=1 ring-time=2s talk-time=1m caller-hangs-up=1

at 1s carol dial bob as first
at 10s alice dial bob as second
run 11s
----
   1000.000ms carol/1: enter-room carol.1
   1000.000ms carol/1: invite bob timeout=30s data="{\"roomID\":\"carol.1\"}"
   1040.000ms r0: room carol.1 entered carol
   1040.000ms s0: decided created first inviter=carol invitees=[bob] timeout=30s
   1080.000ms carol/1: OnEnterRoom(carol.1, ok)
   1080.000ms carol/1: video carol.1 on
   1080.000ms bob/1: OnReceiveNewInvitation(first, inviter=carol, group=, invitees=[bob], data="{\"roomID\":\"carol.1\"}")
   1080.000ms bob/1: call first: will accept after 2s
   1080.000ms carol/1: invite first -> ok
   1120.000ms r0: room carol.1 video carol on
   3080.000ms bob/1: enter-room carol.1
   3080.000ms bob/1: accept first
   3120.000ms r0: room carol.1 entered bob
   3120.000ms s0: decided first bob accepted
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

show calls
----
alice: idle
bob: in a call with carol in carol.1
carol: in a call with bob in carol.1
calls: dialed=2 rang=1 connected=1 rejected=1 rejected-busy=1 busy-rejects=1 out-accepted=1 out-busy=1

run until quiet
----
  63160.000ms carol/1: exit-room carol.1
  63160.000ms carol/1: call first: over, talked (hung up)
  63200.000ms r0: room carol.1 left carol reason=exit
  63240.000ms carol/1: OnExitRoom(carol.1, reason=exit)
  63240.000ms bob/1: OnRemoteUserLeaveRoom(carol.1, user=carol, reason=exit)
  63240.000ms bob/1: invite carol timeout=0s data="{\"cmd\":\"hangup\",\"roomID\":\"carol.1\",\"duration\":60}"
  63240.000ms bob/1: exit-room carol.1
  63240.000ms bob/1: call first: over, talked (the other party left)
  63280.000ms s0: decided created bob/1.0-1 inviter=bob invitees=[carol] timeout=0s
  63280.000ms r0: room carol.1 left bob reason=exit
  63320.000ms carol/1: OnReceiveNewInvitation(bob/1.0-1, inviter=bob, group=, invitees=[carol], data="{\"cmd\":\"hangup\",\"roomID\":\"carol.1\",\"duration\":60}")
  63320.000ms carol/1: accept bob/1.0-1
  63320.000ms bob/1: invite bob/1.0-1 -> ok
  63320.000ms bob/1: OnExitRoom(carol.1, reason=exit)
  63360.000ms s0: decided bob/1.0-1 carol accepted
  63400.000ms bob/1: OnInviteeAccepted(bob/1.0-1, invitee=carol, data="")
  63400.000ms carol/1: accept bob/1.0-1 -> ok

expect first bob=accepted
expect second bob=rejected
expect count call.busy-rejects = 1
check
----
ok: every invariant holds
