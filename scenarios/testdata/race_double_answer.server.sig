# Double accept, and accept + reject in quick succession, server mode. bob has
# two devices; both ring. bob/1 accepts and bob/2 rejects 10 ms later, each
# before the other's message could reach it. Reported field behaviour (legacy:
# "the caller saw the callee both accept and reject the same call") is absent:
# the shard takes the first, the second gets 8010, and every device including
# the losing one learns the one outcome. Then the same device accepts twice in
# quick succession: the second is 8010. The .client file shows the anomaly.
world seed=28 mode=server latency=40ms
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
    140.000ms s0: decided created call inviter=alice invitees=[bob] timeout=30s
    180.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="")
    180.000ms bob/2: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="")
    180.000ms alice/1: invite call -> ok
   1000.000ms bob/1: accept call
   1010.000ms bob/2: reject call
   1040.000ms s0: decided call bob accepted
   1080.000ms alice/1: OnInviteeAccepted(call, invitee=bob, data="")
   1080.000ms bob/2: OnInviteeAccepted(call, invitee=bob, data="")
   1080.000ms bob/1: accept call -> ok
   1090.000ms bob/2: reject call -> 8010 invitation invalid (unknown invitation call)
   3000.000ms alice/1: invite bob timeout=30s
   3040.000ms s0: decided created call2 inviter=alice invitees=[bob] timeout=30s
   3080.000ms bob/1: OnReceiveNewInvitation(call2, inviter=alice, group=, invitees=[bob], data="")
   3080.000ms bob/2: OnReceiveNewInvitation(call2, inviter=alice, group=, invitees=[bob], data="")
   3080.000ms alice/1: invite call2 -> ok
   4000.000ms bob/1: accept call2
   4001.000ms bob/1: accept call2
   4040.000ms s0: decided call2 bob accepted
   4080.000ms alice/1: OnInviteeAccepted(call2, invitee=bob, data="")
   4080.000ms bob/2: OnInviteeAccepted(call2, invitee=bob, data="")
   4080.000ms bob/1: accept call2 -> ok
   4081.000ms bob/1: accept call2 -> 8010 invitation invalid (unknown invitation call2)

expect call bob=accepted
expect result bob/1 accept call = ok
expect result bob/2 reject call = 8010
expect count OnInviteeRejected = 0
expect call2 bob=accepted
expect result bob/1 accept call2 = 8010
expect violations 0
check
----
ok: every invariant holds
