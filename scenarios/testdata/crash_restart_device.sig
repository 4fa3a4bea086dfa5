# A device crashes and restarts in the middle of an invitation (server mode).
# bob's phone rings, then crashes at 2 s: its SDK state is lost. On restart at
# 5 s the app logs in again by itself, the device syncs from the shard and is rung again
# for the invitation, which is still live (a new incarnation learns it like any
# other); bob accepts. alice, meanwhile, saw nothing of the crash.
# Then carol's device crashes 10 ms after she sent her accept, with the request
# in flight: she was never told success, and the request dies with the
# connection (the shard drops frames of a closed session), so the invitation
# is still pending; after restart she is rung again and accepts again.
world seed=22 mode=server latency=40ms
users alice bob carol

at 100ms alice invite bob timeout=30s as call
at 2s crash bob
at 5s restart bob
at 7s bob accept call
at 10s alice invite carol timeout=30s as call2
at 11s carol accept call2
at 11.01s crash carol
at 14s restart carol
at 15s carol accept call2
run 20s
----
    100.000ms alice/1: invite bob timeout=30s
    140.000ms s0: decided created call inviter=alice invitees=[bob] timeout=30s
    180.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="")
    180.000ms alice/1: invite call -> ok
   2000.000ms bob/1: crash
   5000.000ms bob/1: restart
   5000.000ms bob/1: login
   5080.000ms bob/1: login -> ok
   5080.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="")
   7000.000ms bob/1: accept call
   7040.000ms s0: decided call bob accepted
   7080.000ms alice/1: OnInviteeAccepted(call, invitee=bob, data="")
   7080.000ms bob/1: accept call -> ok
  10000.000ms alice/1: invite carol timeout=30s
  10040.000ms s0: decided created call2 inviter=alice invitees=[carol] timeout=30s
  10080.000ms carol/1: OnReceiveNewInvitation(call2, inviter=alice, group=, invitees=[carol], data="")
  10080.000ms alice/1: invite call2 -> ok
  11000.000ms carol/1: accept call2
  11010.000ms carol/1: crash
  14000.000ms carol/1: restart
  14000.000ms carol/1: login
  14080.000ms carol/1: login -> ok
  14080.000ms carol/1: OnReceiveNewInvitation(call2, inviter=alice, group=, invitees=[carol], data="")
  15000.000ms carol/1: accept call2
  15040.000ms s0: decided call2 carol accepted
  15080.000ms alice/1: OnInviteeAccepted(call2, invitee=carol, data="")
  15080.000ms carol/1: accept call2 -> ok

expect call bob=accepted
expect call2 carol=accepted
expect result bob accept call = ok
expect result carol accept call2 = ok
expect count OnReceiveNewInvitation = 4
expect violations 0
check
----
ok: every invariant holds
