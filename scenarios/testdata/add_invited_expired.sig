# AddInvitedSignaling of an invitation that has already ended. bob was offline
# while alice's call (timeout 10 s) rang and timed out; at 40 s his app injects
# the invitation from the stale offline push (the info carries no send time, so
# the SDK accepts it: ok) and tries to accept it: the shard answers 8010.
# The device keeps the injected invitation (pending) even after that 8010, and
# forgets it only at add time + timeout + 5 s (56 s, a note), so the
# termination check at 60 s finds nothing listed.
world seed=17 mode=server latency=40ms
users alice bob

at 100ms alice invite bob timeout=10s as call
at 40s bob login
at 41s bob add-invited call
at 42s bob accept call
run 60s
----
    100.000ms alice/1: invite bob timeout=10s
    140.000ms s0: decided created call inviter=alice invitees=[bob] timeout=10s
    140.000ms s0: offline-push to=bob title="call from alice" invite call inviter=alice invitees=[bob] timeout=10s
    180.000ms alice/1: invite call -> ok
  10140.000ms s0: decided call bob timed-out
  10180.000ms alice/1: OnInvitationTimeout(call, invitees=[bob])
  40000.000ms bob/1: login
  40080.000ms bob/1: login -> ok
  41000.000ms bob/1: add-invited call
  41000.000ms bob/1: add-invited call -> ok
  42000.000ms bob/1: accept call
  42080.000ms bob/1: accept call -> 8010 invitation invalid (unknown invitation call)
  56000.000ms bob/1: forgot added invitation whose invite never arrived

expect call bob=timed-out
expect result bob add-invited call = ok
expect result bob accept call = 8010
expect violations 0
show invitations bob
----
no live invitations

check
----
ok: every invariant holds
