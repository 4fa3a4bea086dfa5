# Accept racing the inviter's timeout, server mode. The shard runs the only
# timer, from when it created the invitation (invite time + 40 ms + T): an
# accept reaching the shard before that instant is accepted, one reaching it
# after gets 8010, and everybody learns the shard's decision.
# Reported field behaviour (legacy SDK: "the callee accepted in time but the
# caller's app timed out anyway, because the caller waits T+5 s from sending and
# the accept took more than 5 s to reach it") is absent: in the last part alice
# is cut off from 49.4 s to 56.6 s, so bob's accept (decided at 49.54 s) reaches
# her 11 s late, with the shard's first resend after the heal (its RTO backed
# off to 4 s meanwhile); she still learns accepted and never times out. The
# .client file shows the anomaly.
world seed=8 mode=server latency=40ms
users alice bob

# Just before the boundary: the timer is due at 10.140 s, the accept reaches the shard at 10.139 s.
at 100ms alice invite bob timeout=10s as early
at 10.099s bob accept early
run 12s
----
    100.000ms alice/1: invite bob timeout=10s
    140.000ms s0: decided created early inviter=alice invitees=[bob] timeout=10s
    180.000ms bob/1: OnReceiveNewInvitation(early, inviter=alice, group=, invitees=[bob], data="")
    180.000ms alice/1: invite early -> ok
  10099.000ms bob/1: accept early
  10139.000ms s0: decided early bob accepted
  10179.000ms alice/1: OnInviteeAccepted(early, invitee=bob, data="")
  10179.000ms bob/1: accept early -> ok

expect early bob=accepted
expect result bob accept early = ok

# Just after: the timer is due at 22.540 s, the accept reaches the shard at 22.541 s.
at 12.5s alice invite bob timeout=10s as late
at 22.501s bob accept late
run 12s
----
  12500.000ms alice/1: invite bob timeout=10s
  12540.000ms s0: decided created late inviter=alice invitees=[bob] timeout=10s
  12580.000ms bob/1: OnReceiveNewInvitation(late, inviter=alice, group=, invitees=[bob], data="")
  12580.000ms alice/1: invite late -> ok
  22501.000ms bob/1: accept late
  22540.000ms s0: decided late bob timed-out
  22580.000ms alice/1: OnInvitationTimeout(late, invitees=[bob])
  22580.000ms bob/1: OnInvitationTimeout(late, invitees=[bob])
  22581.000ms bob/1: accept late -> 8010 invitation invalid (unknown invitation late)

expect late bob=timed-out
expect result bob accept late = 8010

# Exactly at the boundary: the timer and the accept are both due at 35.040 s.
# The same-instant rule decides: the deadline comes first, the accept gets
# 8010, whichever event was queued first (answer_at_deadline.sig shows both).
at 25s alice invite bob timeout=10s as tie
at 35s bob accept tie
run 4s
----
  25000.000ms alice/1: invite bob timeout=10s
  25040.000ms s0: decided created tie inviter=alice invitees=[bob] timeout=10s
  25080.000ms bob/1: OnReceiveNewInvitation(tie, inviter=alice, group=, invitees=[bob], data="")
  25080.000ms alice/1: invite tie -> ok

# The accept is decided in time but reaches alice 11 s later.
at 40s alice invite bob timeout=10s as slow
at 49.4s partition alice | s0
at 49.5s bob accept slow
at 56.6s heal
run 35s
----
  35000.000ms bob/1: accept tie
  35040.000ms s0: decided tie bob timed-out
  35080.000ms alice/1: OnInvitationTimeout(tie, invitees=[bob])
  35080.000ms bob/1: OnInvitationTimeout(tie, invitees=[bob])
  35080.000ms bob/1: accept tie -> 8010 invitation invalid (timed out at this instant: a deadline comes before any frame of its instant)
  40000.000ms alice/1: invite bob timeout=10s
  40040.000ms s0: decided created slow inviter=alice invitees=[bob] timeout=10s
  40080.000ms bob/1: OnReceiveNewInvitation(slow, inviter=alice, group=, invitees=[bob], data="")
  40080.000ms alice/1: invite slow -> ok
  49400.000ms world: partition alice/1 <-> s0
  49500.000ms bob/1: accept slow
  49540.000ms s0: decided slow bob accepted
  49580.000ms bob/1: accept slow -> ok
  56600.000ms world: heal all
  60580.000ms alice/1: OnInviteeAccepted(slow, invitee=bob, data="")

expect slow bob=accepted
expect result bob accept slow = ok
expect violations 0
check
----
ok: every invariant holds
