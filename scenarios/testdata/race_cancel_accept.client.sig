# Cancel crossing accept in a 1:1 call, client mode (legacy SDK). Reported field
# behaviour reproduced: "the caller hung up, yet the callee's accept succeeded:
# the callee entered the room and waited alone while the caller's app showed the
# call as cancelled". Each SDK checks only its own list: alice's cancel (1.000 s)
# and bob's accept (1.020 s) both succeed, then each side receives the other's
# message and reports it anyway: alice gets OnInviteeAccepted after cancelling,
# bob gets OnInvitationCancelled after accepting (agreement violated). The
# .server file shows the same timing resolved by the shard.
world seed=7 mode=client latency=40ms stop=never
users alice bob

at 100ms alice invite bob data="{\"roomID\":5}" timeout=30s as call
at 1s alice cancel call
at 1.02s bob accept call
run until quiet
----
    100.000ms alice/1: invite bob timeout=30s data="{\"roomID\":5}"
    180.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="{\"roomID\":5}")
    180.000ms alice/1: invite call -> ok
   1000.000ms alice/1: cancel call
   1020.000ms bob/1: accept call
   1080.000ms bob/1: OnInvitationCancelled(call, inviter=alice, data="", cancelled=[bob])
   1080.000ms alice/1: cancel call -> ok
   1100.000ms alice/1: OnInviteeAccepted(call, invitee=bob, data="")
   1100.000ms world: agreement on alice/1: call: bob learned accepted here, cancelled elsewhere
   1100.000ms bob/1: accept call -> ok
   1100.000ms world: no-resurrection on bob/1: call bob reported accepted after cancelled
   1100.000ms world: agreement on bob/1: call: bob learned accepted here, cancelled first

expect result alice cancel call = ok
expect result bob accept call = ok
expect count OnInviteeAccepted = 1
expect count OnInvitationCancelled = 1
expect violation agreement
expect violation no-resurrection
check
----
agreement violated at    1100.000ms (event 41) on alice/1: call: bob learned accepted here, cancelled elsewhere
no-resurrection violated at    1100.000ms (event 44) on bob/1: call bob reported accepted after cancelled
agreement violated at    1100.000ms (event 45) on bob/1: call: bob learned accepted here, cancelled first
