# The restart of answer_of_earlier_life.sig in client (legacy) mode: the
# legacy SDK ignores every message its device's name sent, so bob's new life
# hears nothing of his first life's reject; but it times the call out by its
# own timer, 30 s after the call rang again, and stops ringing (call-end
# holds). alice learns the reject when her shard resumes; bob's new life
# learned a timeout instead, which the signaling's own agreement invariant
# flags (the legacy SDK's, not the phone's doing).
world seed=16 mode=client shards=2 latency=40ms stop=never
users alice bob app=call manual

at 1s alice dial bob as c1
at 2s pause s1 for=10s
at 2s bob answer reject
at 3s crash bob
at 4s restart bob
run until quiet
----
   1000.000ms alice/1: enter-room alice.1
   1000.000ms alice/1: invite bob timeout=30s data="{\"roomID\":\"alice.1\"}"
   1040.000ms r0: room alice.1 entered alice
   1080.000ms alice/1: OnEnterRoom(alice.1, ok)
   1080.000ms alice/1: video alice.1 on
   1080.000ms alice/1: invite c1 -> ok
   1081.000ms bob/1: OnReceiveNewInvitation(c1, inviter=alice, group=, invitees=[bob], data="{\"roomID\":\"alice.1\"}")
   1120.000ms r0: room alice.1 video alice on
   2000.000ms s1: pause 10s
   2000.000ms bob/1: reject c1 data="declined"
   2080.000ms bob/1: reject c1 -> ok
   2080.000ms bob/1: call c1: over, did not talk (rejected)
   3000.000ms bob/1: crash
   4000.000ms bob/1: restart
   4000.000ms bob/1: login
   4080.000ms bob/1: login -> ok
   4080.000ms bob/1: OnReceiveNewInvitation(c1, inviter=alice, group=, invitees=[bob], data="{\"roomID\":\"alice.1\"}")
  12040.000ms alice/1: OnInviteeRejected(c1, invitee=bob, data="declined")
  12040.000ms alice/1: exit-room alice.1
  12040.000ms alice/1: call c1: over, did not talk (rejected (declined))
  12080.000ms r0: room alice.1 left alice reason=exit
  12120.000ms alice/1: OnExitRoom(alice.1, reason=exit)
  34080.000ms bob/1: OnInvitationTimeout(c1, invitees=[bob])
  34080.000ms world: agreement on bob/1: c1: bob learned timed-out here, rejected elsewhere
  34080.000ms bob/1: call c1: over, did not talk (timed out)
  34161.000ms alice/1: OnInvitationTimeout(c1, invitees=[bob])
  34161.000ms world: no-resurrection on alice/1: c1 bob reported timed-out after rejected
  34161.000ms world: agreement on alice/1: c1: bob learned timed-out here, rejected first

expect count call.stuck = 0
expect violation agreement
expect violation no-resurrection
check
----
agreement violated at   34080.000ms (event 109) on bob/1: c1: bob learned timed-out here, rejected elsewhere
no-resurrection violated at   34161.000ms (event 120) on alice/1: c1 bob reported timed-out after rejected
agreement violated at   34161.000ms (event 121) on alice/1: c1: bob learned timed-out here, rejected first
