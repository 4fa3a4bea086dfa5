# Double answer in client mode (legacy SDK). Reported field behaviour
# reproduced: "the caller's app showed the callee as both accepted and
# rejected". bob's phone (bob/1) accepts and his laptop (bob/2) rejects 10 ms
# later; each SDK checks only its own list, so both succeed and both messages
# are relayed: alice gets OnInviteeAccepted then OnInviteeRejected for bob
# (no-resurrection), and each of bob's devices learns the other's answer.
# Then bob/1 accepts twice 1 ms apart: the legacy SDK marks its own answer only
# when the send succeeds, so the second accept, made before the first one's
# result, passes the local check too and everyone is told accepted twice
# (exactly-once).
# Absent in server mode (race_double_answer.server.sig).
world seed=28 mode=client latency=40ms stop=never
users alice bob/2

at 100ms alice invite bob timeout=30s as call
at 1s bob/1 accept call
at 1.01s bob/2 reject call
at 3s alice invite bob timeout=30s as call2
at 4s bob/1 accept call2
at 4.001s bob/1 accept call2
run 6s
----
    100.000ms alice/1: invite bob timeout=30s
    180.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="")
    180.000ms bob/2: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="")
    180.000ms alice/1: invite call -> ok
   1000.000ms bob/1: accept call
   1010.000ms bob/2: reject call
   1080.000ms alice/1: OnInviteeAccepted(call, invitee=bob, data="")
   1080.000ms bob/2: OnInviteeAccepted(call, invitee=bob, data="")
   1080.000ms bob/1: accept call -> ok
   1090.000ms alice/1: OnInviteeRejected(call, invitee=bob, data="")
   1090.000ms world: no-resurrection on alice/1: call bob reported rejected after accepted
   1090.000ms world: agreement on alice/1: call: bob learned rejected here, accepted first
   1090.000ms bob/1: OnInviteeRejected(call, invitee=bob, data="")
   1090.000ms world: no-resurrection on bob/1: call bob reported rejected after accepted
   1090.000ms world: agreement on bob/1: call: bob learned rejected here, accepted first
   1090.000ms bob/2: reject call -> ok
   1090.000ms world: no-resurrection on bob/2: call bob reported rejected after accepted
   1090.000ms world: agreement on bob/2: call: bob learned rejected here, accepted first
   3000.000ms alice/1: invite bob timeout=30s
   3080.000ms bob/1: OnReceiveNewInvitation(call2, inviter=alice, group=, invitees=[bob], data="")
   3080.000ms bob/2: OnReceiveNewInvitation(call2, inviter=alice, group=, invitees=[bob], data="")
   3080.000ms alice/1: invite call2 -> ok
   4000.000ms bob/1: accept call2
   4001.000ms bob/1: accept call2
   4080.000ms alice/1: OnInviteeAccepted(call2, invitee=bob, data="")
   4080.000ms bob/2: OnInviteeAccepted(call2, invitee=bob, data="")
   4080.000ms bob/1: accept call2 -> ok
   4081.000ms alice/1: OnInviteeAccepted(call2, invitee=bob, data="")
   4081.000ms world: exactly-once on alice/1: call2 bob accepted reported twice
   4081.000ms bob/2: OnInviteeAccepted(call2, invitee=bob, data="")
   4081.000ms world: exactly-once on bob/2: call2 bob accepted reported twice
   4081.000ms bob/1: accept call2 -> ok
   4081.000ms world: exactly-once on bob/1: call2 bob accepted reported twice

expect result bob/1 accept call = ok
expect result bob/2 reject call = ok
expect count OnInviteeRejected ">=" 1
expect result bob/1 accept call2 = ok
expect violation no-resurrection
expect violation agreement
expect violation exactly-once
check
----
no-resurrection violated at    1090.000ms (event 58) on alice/1: call bob reported rejected after accepted
agreement violated at    1090.000ms (event 59) on alice/1: call: bob learned rejected here, accepted first
no-resurrection violated at    1090.000ms (event 62) on bob/1: call bob reported rejected after accepted
agreement violated at    1090.000ms (event 63) on bob/1: call: bob learned rejected here, accepted first
no-resurrection violated at    1090.000ms (event 66) on bob/2: call bob reported rejected after accepted
agreement violated at    1090.000ms (event 67) on bob/2: call: bob learned rejected here, accepted first
exactly-once violated at    4081.000ms (event 115) on alice/1: call2 bob accepted reported twice
exactly-once violated at    4081.000ms (event 118) on bob/2: call2 bob accepted reported twice
exactly-once violated at    4081.000ms (event 121) on bob/1: call2 bob accepted reported twice
