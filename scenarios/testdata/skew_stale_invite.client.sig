# Clock skew drops a stale invite while its cancel still arrives, client mode
# (legacy SDK). bob's clock runs 40 s ahead: the invite (timeout 30 s) looks 40 s
# old by his clock, so his SDK drops it silently (a note, no callback, no
# ringing). Reported field behaviour reproduced: "the callee never rang, yet got
# an 'invitation cancelled' for a call it never saw" - alice's cancel is not an
# invite, so it is not age-checked and bob reports OnInvitationCancelled for an
# invitation he never received (receive-first violated).
# Absent in server mode: skew_stale_invite.server.sig.
world seed=9 mode=client latency=40ms stop=never
users alice bob

skew bob offset=40s
at 100ms alice invite bob timeout=30s as call
at 2s alice cancel call
run 5s
----
      0.000ms bob/1: skew offset=40s drift=0
    100.000ms alice/1: invite bob timeout=30s
    180.000ms bob/1: dropped stale invite: sent 40040.000ms ago by the local clock
    180.000ms alice/1: invite call -> ok
   2000.000ms alice/1: cancel call
   2080.000ms bob/1: OnInvitationCancelled(call, inviter=alice, data="", cancelled=[bob])
   2080.000ms world: receive-first on bob/1: OnInvitationCancelled before invitation call arrived
   2080.000ms alice/1: cancel call -> ok

expect count OnReceiveNewInvitation = 0
expect count OnInvitationCancelled = 1
expect violation receive-first
check
----
receive-first violated at    2080.000ms (event 33) on bob/1: OnInvitationCancelled before invitation call arrived
