# The same-instant rule (server mode): a deadline is inclusive. At any instant
# the shard first times out every invitation whose deadline has come, then
# handles the frames of that instant, so an answer that reaches it at the exact
# instant of its invitation's deadline finds it timed out and gets 8010, just
# as one a nanosecond later would; whichever of the two events was queued
# first does not matter. Links take exactly 20 ms.
# - c1 is created at 120 ms, its deadline is 2120 ms. bob's accept, sent at
#   2100 ms, arrives at 2120 ms, after the deadline timer queued long before.
# - c2 and c3 share a timeout value, so one timer serves both: it fires for c2
#   at 5020 ms and is armed again for c3's deadline, 5021 ms, which is exactly
#   when bob's accept of c3 arrives; this time the frame was queued first.
#   Same outcome.
# - c4: an accept that arrives 1 ms before the deadline wins.
world seed=1 mode=server latency=20ms
users alice bob carol dave
at 100ms alice invite bob timeout=2s as c1
at 2.1s bob accept c1
at 3s carol invite dave timeout=2s as c2
at 3.001s alice invite bob timeout=2s as c3
at 5.001s bob accept c3
at 6s alice invite bob timeout=2s as c4
at 7.999s bob accept c4
run 12s
expect c1 bob=timed-out
expect c3 bob=timed-out
expect c4 bob=accepted
expect result bob accept c1 = 8010
expect result bob accept c3 = 8010
expect result bob accept c4 = ok
check
----
    100.000ms alice/1: invite bob timeout=2s
    120.000ms s0: decided created c1 inviter=alice invitees=[bob] timeout=2s
    140.000ms bob/1: OnReceiveNewInvitation(c1, inviter=alice, group=, invitees=[bob], data="")
    140.000ms alice/1: invite c1 -> ok
   2100.000ms bob/1: accept c1
   2120.000ms s0: decided c1 bob timed-out
   2140.000ms alice/1: OnInvitationTimeout(c1, invitees=[bob])
   2140.000ms bob/1: OnInvitationTimeout(c1, invitees=[bob])
   2140.000ms bob/1: accept c1 -> 8010 invitation invalid (timed out at this instant: a deadline comes before any frame of its instant)
   3000.000ms carol/1: invite dave timeout=2s
   3001.000ms alice/1: invite bob timeout=2s
   3020.000ms s0: decided created c2 inviter=carol invitees=[dave] timeout=2s
   3021.000ms s0: decided created c3 inviter=alice invitees=[bob] timeout=2s
   3040.000ms dave/1: OnReceiveNewInvitation(c2, inviter=carol, group=, invitees=[dave], data="")
   3040.000ms carol/1: invite c2 -> ok
   3041.000ms bob/1: OnReceiveNewInvitation(c3, inviter=alice, group=, invitees=[bob], data="")
   3041.000ms alice/1: invite c3 -> ok
   5001.000ms bob/1: accept c3
   5020.000ms s0: decided c2 dave timed-out
   5021.000ms s0: decided c3 bob timed-out
   5040.000ms carol/1: OnInvitationTimeout(c2, invitees=[dave])
   5040.000ms dave/1: OnInvitationTimeout(c2, invitees=[dave])
   5041.000ms alice/1: OnInvitationTimeout(c3, invitees=[bob])
   5041.000ms bob/1: OnInvitationTimeout(c3, invitees=[bob])
   5041.000ms bob/1: accept c3 -> 8010 invitation invalid (timed out at this instant: a deadline comes before any frame of its instant)
   6000.000ms alice/1: invite bob timeout=2s
   6020.000ms s0: decided created c4 inviter=alice invitees=[bob] timeout=2s
   6040.000ms bob/1: OnReceiveNewInvitation(c4, inviter=alice, group=, invitees=[bob], data="")
   6040.000ms alice/1: invite c4 -> ok
   7999.000ms bob/1: accept c4
   8019.000ms s0: decided c4 bob accepted
   8039.000ms alice/1: OnInviteeAccepted(c4, invitee=bob, data="")
   8039.000ms bob/1: accept c4 -> ok
ok: every invariant holds
