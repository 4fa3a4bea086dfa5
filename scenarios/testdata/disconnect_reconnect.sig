# A device loses its connection and reconnects (server mode): both ends notice.
# bob is disconnected from 1 s to 4 s; the invitation sent at 2 s is stored in
# his timeline and synced when he reconnects (cursor-based sync), so he rings
# at 4 s and accepts. carol answers while disconnected: her accept is queued by
# her SDK and sent on reconnect, and it is applied once.
world seed=32 mode=server latency=40ms
users alice bob carol

at 500ms alice invite carol timeout=30s as call2
at 1s disconnect bob
at 1s disconnect carol
at 2s alice invite bob timeout=30s as call
at 2.5s carol accept call2
at 4s reconnect bob
at 4s reconnect carol
at 5s bob accept call
run 10s
----
    500.000ms alice/1: invite carol timeout=30s
    540.000ms s0: decided created call2 inviter=alice invitees=[carol] timeout=30s
    580.000ms carol/1: OnReceiveNewInvitation(call2, inviter=alice, group=, invitees=[carol], data="")
    580.000ms alice/1: invite call2 -> ok
   1000.000ms bob/1: disconnect
   1000.000ms carol/1: disconnect
   2000.000ms alice/1: invite bob timeout=30s
   2040.000ms s0: decided created call inviter=alice invitees=[bob] timeout=30s
   2040.000ms s0: offline-push to=bob title="call from alice" invite call inviter=alice invitees=[bob] timeout=30s
   2080.000ms alice/1: invite call -> ok
   2500.000ms carol/1: accept call2
   4000.000ms bob/1: reconnect
   4000.000ms carol/1: reconnect
   4080.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="")
   4120.000ms s0: decided call2 carol accepted
   4160.000ms alice/1: OnInviteeAccepted(call2, invitee=carol, data="")
   4160.000ms carol/1: accept call2 -> ok
   5000.000ms bob/1: accept call
   5040.000ms s0: decided call bob accepted
   5080.000ms alice/1: OnInviteeAccepted(call, invitee=bob, data="")
   5080.000ms bob/1: accept call -> ok

expect call bob=accepted
expect call2 carol=accepted
expect result carol accept call2 = ok
expect violations 0
check
----
ok: every invariant holds
