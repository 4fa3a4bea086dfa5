# The 1v1 call rejected: bob's phone rejects after two seconds (data
# "declined"); alice learns it and leaves the room she entered to call. Bob
# never enters it.
world seed=3 latency=40ms
users alice bob app=call reject=1 ring-time=2s

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
   1080.000ms bob/1: call c1: will reject after 2s
   1080.000ms alice/1: invite c1 -> ok
   1120.000ms r0: room alice.1 video alice on
   3080.000ms bob/1: reject c1 data="declined"
   3120.000ms s0: decided c1 bob rejected
   3160.000ms alice/1: OnInviteeRejected(c1, invitee=bob, data="declined")
   3160.000ms alice/1: exit-room alice.1
   3160.000ms alice/1: call c1: over, did not talk (rejected (declined))
   3160.000ms bob/1: reject c1 -> ok
   3160.000ms bob/1: call c1: over, did not talk (rejected)
   3200.000ms r0: room alice.1 left alice reason=exit
   3240.000ms alice/1: OnExitRoom(alice.1, reason=exit)

expect c1 bob=rejected
expect count call.rejected = 1
check
----
ok: every invariant holds
