# An offline invitee logs in after the invitation expired. bob is offline until
# 40 s; alice's invite (timeout 10 s) times out at 10.14 s: alice gets
# OnInvitationTimeout at once. When bob logs in at 40 s the invitation is over,
# so his device is not rung for it (a user who logs in only receives
# invitations that are still live, nor the stored timeout of one it never
# saw), and his accept of it is 8010. (add_invited_expired.sig injects it from
# the offline push instead.)
world seed=14 mode=server latency=40ms
users alice bob

at 100ms alice invite bob timeout=10s as call
run 20s
----
    100.000ms alice/1: invite bob timeout=10s
    140.000ms s0: decided created call inviter=alice invitees=[bob] timeout=10s
    140.000ms s0: offline-push to=bob title="call from alice" invite call inviter=alice invitees=[bob] timeout=10s
    180.000ms alice/1: invite call -> ok
  10140.000ms s0: decided call bob timed-out
  10180.000ms alice/1: OnInvitationTimeout(call, invitees=[bob])

expect call bob=timed-out

at 40s bob login
at 42s bob accept call
run 25s
----
  40000.000ms bob/1: login
  40080.000ms bob/1: login -> ok
  42000.000ms bob/1: accept call
  42000.000ms bob/1: accept call -> 8010 invitation invalid (unknown invitation)

expect count OnReceiveNewInvitation = 0
expect result bob accept call = 8010
check
----
ok: every invariant holds
