# The caller hangs up right after dialing and its invite is lost once: the
# cancel, sent 50 ms later, reaches the shard before the invite's resent copy.
# A device's requests take effect in the order it made them (as over one TCP
# connection), so the shard keeps the cancel until the invite comes and
# applies both in order: bob rings and hears the cancellation at once, and
# alice's cancel succeeds. Before this was so, the cancel failed as "unknown
# invitation", the resent invite rang bob anyway and the call timed out 30 s
# later; invariant request-order now catches that class (a cancel or modify
# of the inviting device refused as invalid before its invite created it,
# while it is live, or before a later cancel that succeeded).
world seed=1 mode=server latency=20ms
users alice bob
at 1s drop-next "REQ #1 invite"
at 1s alice invite bob timeout=30s as c
at 1.05s alice cancel c
run 40s
expect c bob=cancelled
expect violations 0
check
----
   1000.000ms alice/1: invite bob timeout=30s
   1000.000ms alice/1: drop-next: REQ #1 invite invite c inviter=alice invitees=[bob] timeout=30s push="call from alice"
   1050.000ms alice/1: cancel c
   2020.000ms s0: decided created c inviter=alice invitees=[bob] timeout=30s
   2020.000ms s0: decided c bob cancelled
   2040.000ms bob/1: OnReceiveNewInvitation(c, inviter=alice, group=, invitees=[bob], data="")
   2040.000ms alice/1: invite c -> ok
   2040.000ms bob/1: OnInvitationCancelled(c, inviter=alice, data="", cancelled=[bob])
   2040.000ms alice/1: cancel c -> ok
ok: every invariant holds
