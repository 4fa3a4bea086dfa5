# A cancel across a shard partition, crossing an accept (server mode). alice
# (s1) cancels her invitation while s0, bob's shard, is cut off: s1 decides at
# once, and its DELIVER of the cancel to s0 waits in s1's bus outbox. bob, not
# knowing, accepts: his request is forwarded from s0 to s1 and is lost too, and
# resent. After the heal both resends land: bob hears the cancel, and his
# accept, decided after it, gets 8010.
world seed=4 mode=server shards=2 latency=20ms
users alice bob
at 100ms alice invite bob timeout=30s as c1
at 500ms partition s0 | s1
at 1s alice cancel c1
at 2s bob accept c1
at 5s heal
run 40s
expect c1 bob=cancelled
expect result bob accept c1 = 8010
check
----
    100.000ms alice/1: invite bob timeout=30s
    120.000ms s1: decided created c1 inviter=alice invitees=[bob] timeout=30s
    140.000ms alice/1: invite c1 -> ok
    141.000ms bob/1: OnReceiveNewInvitation(c1, inviter=alice, group=, invitees=[bob], data="")
    500.000ms world: partition s0 <-> s1
   1000.000ms alice/1: cancel c1
   1020.000ms s1: decided c1 bob cancelled
   1040.000ms alice/1: cancel c1 -> ok
   2000.000ms bob/1: accept c1
   5000.000ms world: heal all
   8041.000ms bob/1: OnInvitationCancelled(c1, inviter=alice, data="", cancelled=[bob])
   8041.000ms bob/1: accept c1 -> 8010 invitation invalid (unknown invitation c1)
ok: every invariant holds
