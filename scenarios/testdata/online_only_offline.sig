# An online-only invitation to an offline user. onlineUserOnly invitations are
# delivered to the devices online at that moment only: no history message, no
# offline push, never delivered later. bob is offline when alice invites him,
# so nothing reaches him, not even when he logs in 1 s later while the
# invitation's timeout has not passed; alice's invitation still times out for
# her. Modify of an online-only invitation is refused with 8013.
world seed=15 mode=server latency=40ms
users alice bob

at 100ms alice invite bob timeout=10s online-only as call
at 200ms alice modify call data="x"
at 1s bob login
run 15s
----
    100.000ms alice/1: invite bob timeout=10s online-only
    140.000ms s0: decided created call inviter=alice invitees=[bob] timeout=10s online-only
    140.000ms s0: decided online-only call reached [alice,bob]
    180.000ms alice/1: invite call -> ok
    200.000ms alice/1: modify call data="x"
    280.000ms alice/1: modify call -> 8013 online-only invitation cannot be modified
   1000.000ms bob/1: login
   1080.000ms bob/1: login -> ok
  10140.000ms s0: decided call bob timed-out
  10180.000ms alice/1: OnInvitationTimeout(call, invitees=[bob])
  10180.000ms bob/1: dropped timeout of an invitation never received

expect count pushes = 0
expect count OnReceiveNewInvitation = 0
expect result alice modify call = 8013
expect call bob=timed-out
check
----
ok: every invariant holds
