# A shard partition swallows a cross-shard decision (server mode). alice lives
# on s1, where her invitation is decided; bob lives on s0. The invitation times
# out on s1 while s0 and s1 are cut off from each other, so the timeout's
# DELIVER to s0 is lost. The shard bus keeps it in s1's outbox and resends it
# every RTO until s0 acknowledges it: after the heal bob hears the timeout, and
# the invitation is final everywhere.
world seed=9 mode=server shards=2 latency=20ms
users alice bob
at 100ms alice invite bob timeout=2s as c1
at 500ms partition s0 | s1
at 5s heal
run 60s
expect c1 bob=timed-out
check
----
    100.000ms alice/1: invite bob timeout=2s
    120.000ms s1: decided created c1 inviter=alice invitees=[bob] timeout=2s
    140.000ms alice/1: invite c1 -> ok
    141.000ms bob/1: OnReceiveNewInvitation(c1, inviter=alice, group=, invitees=[bob], data="")
    500.000ms world: partition s0 <-> s1
   2120.000ms s1: decided c1 bob timed-out
   2140.000ms alice/1: OnInvitationTimeout(c1, invitees=[bob])
   5000.000ms world: heal all
   5141.000ms bob/1: OnInvitationTimeout(c1, invitees=[bob])
ok: every invariant holds
