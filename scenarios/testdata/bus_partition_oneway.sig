# A one-way shard partition: frames from s1 to s0 are lost, the other way
# passes (server mode). bob (s0) accepts alice's invitation, which lives on s1:
# the forward reaches s1, which decides at once (alice hears of it), but the
# echo and the reply back to s0 are lost, and s0's acks, which do reach s1,
# never cover them. s1 resends them every RTO; after the heal bob gets his
# result, after the echo.
world seed=2 mode=server shards=2 latency=20ms
users alice bob
at 100ms alice invite bob timeout=30s as c1
at 500ms partition s1 | s0 oneway
at 1s bob accept c1
at 5s heal
run 40s
expect c1 bob=accepted
expect result bob accept c1 = ok
check
----
    100.000ms alice/1: invite bob timeout=30s
    120.000ms s1: decided created c1 inviter=alice invitees=[bob] timeout=30s
    140.000ms alice/1: invite c1 -> ok
    141.000ms bob/1: OnReceiveNewInvitation(c1, inviter=alice, group=, invitees=[bob], data="")
    500.000ms world: partition s1 -> s0
   1000.000ms bob/1: accept c1
   1021.000ms s1: decided c1 bob accepted
   1041.000ms alice/1: OnInviteeAccepted(c1, invitee=bob, data="")
   5000.000ms world: heal all
   8042.000ms bob/1: accept c1 -> ok
ok: every invariant holds
