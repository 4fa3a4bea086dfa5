# An answer that arrives on a later session than the request's: the shard's
# response to bob's accept is held in the network while bob's connection
# resets and he logs in again; released, it reaches the new session, and bob's
# app hears the result only after the new login's sync (which brings what the
# answer waited for).
world seed=1 latency=20ms
users alice bob

at 100ms alice invite bob timeout=30s as call
at 1s hold "RESP #1 ok" as resp
at 1s bob accept call
at 1.5s disconnect bob
at 2s reconnect bob
at 3s release resp
run 10s
----
    100.000ms alice/1: invite bob timeout=30s
    120.000ms s0: decided created call inviter=alice invitees=[bob] timeout=30s
    140.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="")
    140.000ms alice/1: invite call -> ok
   1000.000ms bob/1: accept call
   1020.000ms s0: decided call bob accepted
   1020.000ms s0: hold resp: RESP #1 ok + s=2 seq=2 from=bob/1 to=alice accept call inviter=alice invitees=[bob] timeout=30s
   1040.000ms alice/1: OnInviteeAccepted(call, invitee=bob, data="")
   1500.000ms bob/1: disconnect
   2000.000ms bob/1: reconnect
   2060.000ms s0: hold resp: RESP #1 ok after=s1
   3000.000ms s0: release resp: RESP #1 ok + s=2 seq=2 from=bob/1 to=alice accept call inviter=alice invitees=[bob] timeout=30s
   3000.000ms s0: release resp: RESP #1 ok after=s1
   3020.000ms bob/1: accept call -> ok

expect call bob=accepted
expect result bob accept call = ok
check
----
ok: every invariant holds
