# An offline invitee logs in while the invitation is still live. bob is offline
# (his device logs in only at 10 s). alice's 1:1 invite (not online-only) is
# stored in bob's timeline and an offline push notification is recorded when it
# is sent; when bob logs in at 10 s his device syncs and receives
# OnReceiveNewInvitation then (before the 30 s timeout), and he can accept.
world seed=13 mode=server latency=40ms
users alice bob

at 100ms alice invite bob data="{\"roomID\":3}" timeout=30s push="alice is calling" as call
run 5s
----
    100.000ms alice/1: invite bob timeout=30s data="{\"roomID\":3}"
    140.000ms s0: decided created call inviter=alice invitees=[bob] timeout=30s
    140.000ms s0: offline-push to=bob title="alice is calling" invite call inviter=alice invitees=[bob] timeout=30s data="{\"roomID\":3}"
    180.000ms alice/1: invite call -> ok

show pushes
----
offline-push to=bob title="alice is calling" invite call inviter=alice invitees=[bob] timeout=30s data="{\"roomID\":3}"

expect count pushes = 1
expect count OnReceiveNewInvitation = 0

at 10s bob login
at 12s bob accept call
run 10s
----
  10000.000ms bob/1: login
  10080.000ms bob/1: login -> ok
  10080.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="{\"roomID\":3}")
  12000.000ms bob/1: accept call
  12040.000ms s0: decided call bob accepted
  12080.000ms alice/1: OnInviteeAccepted(call, invitee=bob, data="")
  12080.000ms bob/1: accept call -> ok

expect call bob=accepted
expect result bob accept call = ok
check
----
ok: every invariant holds
