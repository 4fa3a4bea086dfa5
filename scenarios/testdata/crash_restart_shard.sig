# The server shard crashes and restarts mid-invitation (server mode). Devices
# lose their connections; requests sent while it is down are retransmitted
# when it is back. The invitation state is durable: call2's timeout came due
# at 4.23 s while the shard was down (2 s - 6 s) and fires at restart, before
# the retransmitted requests are served; bob's accept, sent during the outage,
# is applied once. Devices reconnect and sync; nothing is reported twice.
world seed=23 mode=server latency=30ms
users alice bob carol

at 100ms alice invite bob timeout=20s as call
at 200ms alice invite carol timeout=4s as call2
at 2s crash s0
at 3s bob accept call
at 6s restart s0
run 30s
----
    100.000ms alice/1: invite bob timeout=20s
    130.000ms s0: decided created call inviter=alice invitees=[bob] timeout=20s
    160.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="")
    160.000ms alice/1: invite call -> ok
    200.000ms alice/1: invite carol timeout=4s
    230.000ms s0: decided created call2 inviter=alice invitees=[carol] timeout=4s
    260.000ms carol/1: OnReceiveNewInvitation(call2, inviter=alice, group=, invitees=[carol], data="")
    260.000ms alice/1: invite call2 -> ok
   2000.000ms s0: crash
   3000.000ms bob/1: accept call
   6000.000ms s0: restart
   6000.000ms s0: decided call2 carol timed-out
   6060.000ms alice/1: OnInvitationTimeout(call2, invitees=[carol])
   6060.000ms carol/1: OnInvitationTimeout(call2, invitees=[carol])
   6090.000ms s0: decided call bob accepted
   6120.000ms alice/1: OnInviteeAccepted(call, invitee=bob, data="")
   6120.000ms bob/1: accept call -> ok

expect call bob=accepted
expect call2 carol=timed-out
expect violations 0
check
----
ok: every invariant holds
