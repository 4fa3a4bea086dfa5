# A device answers, crashes before its answer is applied, and its next life
# rings again for the same call: which life's answer counts? bob's phone
# rejects alice's call while alice's shard (s1, which owns the invitation) is
# paused; bob's device crashes a second later and restarts; its login's sync
# brings the call back, still pending, and the new life rings. When s1
# resumes it applies the first life's reject. The new life did not make that
# answer: the SDK reports it as a callback (OnInviteeRejected naming bob, as
# another device of bob's would hear it), and the phone stops ringing. Taking
# it for its own answer, as the SDK once did, left the phone ringing for a
# call that was over, busy for every later call (call-end catches that).
world seed=16 shards=2 latency=40ms
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
   1040.000ms s1: decided created c1 inviter=alice invitees=[bob] timeout=30s
   1080.000ms alice/1: OnEnterRoom(alice.1, ok)
   1080.000ms alice/1: video alice.1 on
   1080.000ms alice/1: invite c1 -> ok
   1081.000ms bob/1: OnReceiveNewInvitation(c1, inviter=alice, group=, invitees=[bob], data="{\"roomID\":\"alice.1\"}")
   1120.000ms r0: room alice.1 video alice on
   2000.000ms s1: pause 10s
   2000.000ms bob/1: reject c1 data="declined"
   3000.000ms bob/1: crash
   4000.000ms bob/1: restart
   4000.000ms bob/1: login
   4080.000ms bob/1: login -> ok
   4080.000ms bob/1: OnReceiveNewInvitation(c1, inviter=alice, group=, invitees=[bob], data="{\"roomID\":\"alice.1\"}")
  12000.000ms s1: decided c1 bob rejected
  12040.000ms alice/1: OnInviteeRejected(c1, invitee=bob, data="declined")
  12040.000ms alice/1: exit-room alice.1
  12040.000ms alice/1: call c1: over, did not talk (rejected (declined))
  12041.000ms bob/1: OnInviteeRejected(c1, invitee=bob, data="declined")
  12041.000ms bob/1: call c1: over, did not talk (rejected before (declined))
  12080.000ms r0: room alice.1 left alice reason=exit
  12120.000ms alice/1: OnExitRoom(alice.1, reason=exit)

expect c1 bob=rejected
expect count call.rang = 2
check
----
ok: every invariant holds
