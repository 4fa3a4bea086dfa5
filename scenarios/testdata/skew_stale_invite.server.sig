# The clock skew of skew_stale_invite.client.sig in server mode: bob's clock runs
# 40 s ahead, but the shard owns the timeout, so the invite is not judged stale
# on his device: he rings, then learns the cancel. The reported "cancelled a
# call that never rang" behaviour of the legacy SDK is absent.
world seed=9 mode=server latency=40ms
users alice bob

skew bob offset=40s
at 100ms alice invite bob timeout=30s as call
at 2s alice cancel call
run 5s
----
      0.000ms bob/1: skew offset=40s drift=0
    100.000ms alice/1: invite bob timeout=30s
    140.000ms s0: decided created call inviter=alice invitees=[bob] timeout=30s
    180.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="")
    180.000ms alice/1: invite call -> ok
   2000.000ms alice/1: cancel call
   2040.000ms s0: decided call bob cancelled
   2080.000ms bob/1: OnInvitationCancelled(call, inviter=alice, data="", cancelled=[bob])
   2080.000ms alice/1: cancel call -> ok

expect count OnReceiveNewInvitation = 1
expect call bob=cancelled
expect violations 0
check
----
ok: every invariant holds
