# A user with two devices, one of which answers (server mode). bob is logged in
# on his phone (bob/1) and his laptop (bob/2): both ring. He accepts on the
# laptop; the shard echoes the accept to all of bob's devices, so the phone
# learns OnInviteeAccepted (invitee=bob) and stops ringing, and its own late
# accept is 8010. In the second call the phone rejects while the laptop tries to
# accept a moment later: first one at the shard wins, the other gets 8010.
world seed=25 mode=server latency=40ms
users alice bob/2

at 100ms alice invite bob data="{\"roomID\":21}" timeout=30s as call
at 2s bob/2 accept call
at 3s bob/1 accept call
at 5s alice invite bob timeout=30s as call2
at 6s bob/1 reject call2 data="busy"
at 6.01s bob/2 accept call2
run 10s
----
    100.000ms alice/1: invite bob timeout=30s data="{\"roomID\":21}"
    140.000ms s0: decided created call inviter=alice invitees=[bob] timeout=30s
    180.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="{\"roomID\":21}")
    180.000ms bob/2: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="{\"roomID\":21}")
    180.000ms alice/1: invite call -> ok
   2000.000ms bob/2: accept call
   2040.000ms s0: decided call bob accepted
   2080.000ms alice/1: OnInviteeAccepted(call, invitee=bob, data="")
   2080.000ms bob/1: OnInviteeAccepted(call, invitee=bob, data="")
   2080.000ms bob/2: accept call -> ok
   3000.000ms bob/1: accept call
   3000.000ms bob/1: accept call -> 8010 invitation invalid (unknown invitation)
   5000.000ms alice/1: invite bob timeout=30s
   5040.000ms s0: decided created call2 inviter=alice invitees=[bob] timeout=30s
   5080.000ms bob/1: OnReceiveNewInvitation(call2, inviter=alice, group=, invitees=[bob], data="")
   5080.000ms bob/2: OnReceiveNewInvitation(call2, inviter=alice, group=, invitees=[bob], data="")
   5080.000ms alice/1: invite call2 -> ok
   6000.000ms bob/1: reject call2 data="busy"
   6010.000ms bob/2: accept call2
   6040.000ms s0: decided call2 bob rejected
   6080.000ms alice/1: OnInviteeRejected(call2, invitee=bob, data="busy")
   6080.000ms bob/2: OnInviteeRejected(call2, invitee=bob, data="busy")
   6080.000ms bob/1: reject call2 -> ok
   6090.000ms bob/2: accept call2 -> 8010 invitation invalid (unknown invitation call2)

expect call bob=accepted
expect result bob/2 accept call = ok
expect result bob/1 accept call = 8010
expect call2 bob=rejected
expect result bob/1 reject call2 = ok
expect result bob/2 accept call2 = 8010
show callbacks bob/1
----
    180.000ms callback bob/1  OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="{\"roomID\":21}")
   2080.000ms callback bob/1  OnInviteeAccepted(call, invitee=bob, data="")
   5080.000ms callback bob/1  OnReceiveNewInvitation(call2, inviter=alice, group=, invitees=[bob], data="")

expect violations 0
check
----
ok: every invariant holds
