# A shard whose clock runs 1 % fast times out an invitation by its own clock
# (docs/DESIGN.md §1.6: a drifting shard clock moves the instant in global
# time, not the rule): at 10.06 s of global time for a 10 s timeout. Validity
# judges the time on that clock; it used to judge it in global time and
# report the timeout as early: a false alarm.
world seed=1 mode=server latency=30ms
users alice bob
skew s0 drift=0.01
at 100ms alice invite bob timeout=10s as call
run 30s
expect call bob=timed-out
check
----
      0.000ms s0: skew offset=0s drift=0.01
    100.000ms alice/1: invite bob timeout=10s
    130.000ms s0: decided created call inviter=alice invitees=[bob] timeout=10s
    160.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="")
    160.000ms alice/1: invite call -> ok
  10030.990ms s0: decided call bob timed-out
  10060.990ms alice/1: OnInvitationTimeout(call, invitees=[bob])
  10060.990ms bob/1: OnInvitationTimeout(call, invitees=[bob])
ok: every invariant holds
