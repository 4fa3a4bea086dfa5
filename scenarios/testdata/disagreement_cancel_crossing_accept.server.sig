# The crossing of disagreement_cancel_crossing_accept.client.sig in server
# mode, the other way round: bob accepts ten milliseconds before alice
# cancels. The shard takes bob's accept first and refuses alice's cancel
# (8010): the call is on, alice, who wanted out, hangs up at once, and both
# agree that it happened.
world seed=12 mode=server latency=40ms
users alice bob app=call manual

at 1s alice dial bob as c1
at 2.99s bob answer accept
at 3s alice cancel-call
run until quiet
----
   1000.000ms alice/1: enter-room alice.1
   1000.000ms alice/1: invite bob timeout=30s data="{\"roomID\":\"alice.1\"}"
   1040.000ms r0: room alice.1 entered alice
   1040.000ms s0: decided created c1 inviter=alice invitees=[bob] timeout=30s
   1080.000ms alice/1: OnEnterRoom(alice.1, ok)
   1080.000ms alice/1: video alice.1 on
   1080.000ms bob/1: OnReceiveNewInvitation(c1, inviter=alice, group=, invitees=[bob], data="{\"roomID\":\"alice.1\"}")
   1080.000ms alice/1: invite c1 -> ok
   1120.000ms r0: room alice.1 video alice on
   2990.000ms bob/1: enter-room alice.1
   2990.000ms bob/1: accept c1
   3000.000ms alice/1: cancel c1
   3030.000ms r0: room alice.1 entered bob
   3030.000ms s0: decided c1 bob accepted
   3070.000ms bob/1: OnEnterRoom(alice.1, ok)
   3070.000ms bob/1: video alice.1 on
   3070.000ms bob/1: OnRemoteUserEnterRoom(alice.1, user=alice)
   3070.000ms bob/1: OnUserVideoAvailable(alice.1, user=alice, available=true)
   3070.000ms alice/1: OnRemoteUserEnterRoom(alice.1, user=bob)
   3070.000ms alice/1: OnInviteeAccepted(c1, invitee=bob, data="")
   3070.000ms alice/1: call c1: on
   3070.000ms bob/1: accept c1 -> ok
   3070.000ms bob/1: call c1: on
   3080.000ms alice/1: cancel c1 -> 8010 invitation invalid (unknown invitation c1)
   3080.000ms alice/1: exit-room alice.1
   3080.000ms alice/1: call c1: over, talked (cancelled too late)
   3110.000ms r0: room alice.1 video bob on
   3120.000ms r0: room alice.1 left alice reason=exit
   3160.000ms alice/1: OnExitRoom(alice.1, reason=exit)
   3160.000ms bob/1: OnRemoteUserLeaveRoom(alice.1, user=alice, reason=exit)
   3160.000ms bob/1: invite alice timeout=0s data="{\"cmd\":\"hangup\",\"roomID\":\"alice.1\",\"duration\":0}"
   3160.000ms bob/1: exit-room alice.1
   3160.000ms bob/1: call c1: over, talked (the other party left)
   3200.000ms s0: decided created bob/1.0-1 inviter=bob invitees=[alice] timeout=0s
   3200.000ms r0: room alice.1 left bob reason=exit
   3240.000ms alice/1: OnReceiveNewInvitation(bob/1.0-1, inviter=bob, group=, invitees=[alice], data="{\"cmd\":\"hangup\",\"roomID\":\"alice.1\",\"duration\":0}")
   3240.000ms alice/1: accept bob/1.0-1
   3240.000ms bob/1: invite bob/1.0-1 -> ok
   3240.000ms bob/1: OnExitRoom(alice.1, reason=exit)
   3280.000ms s0: decided bob/1.0-1 alice accepted
   3320.000ms bob/1: OnInviteeAccepted(bob/1.0-1, invitee=alice, data="")
   3320.000ms alice/1: accept bob/1.0-1 -> ok

expect c1 bob=accepted
expect result alice cancel c1 = 8010
expect violations 0
check
----
ok: every invariant holds
