# A device that logs out while its login is still in flight gets nothing of
# that session: its LOGIN may reach the shard and open it, but the LOGOUT that
# follows closes it, and what the shard pushes in between is never applied.
# The same holds when the LOGOUT overtakes the LOGIN (the shard remembers the
# closed epoch and drops the late login), when the LOGOUT is lost (the device
# answers the session's next frame with another LOGOUT), and when a reconnect's
# re-login is in flight. Every session the shard opened is closed again (show
# server: alice's alone is open). Each time bob logs in again he receives the
# invitation, still live, as a fresh login does: a logout clears the device's
# list, so the next login learns again what is live (group tips it already
# heard are not repeated). And a logout right after an accept waits for its
# answer: the app is never told an accept failed that the shard applied.
world seed=5 mode=server latency=30ms
users alice bob

at 100ms alice invite bob timeout=60s as call
at 1s bob login
at 1010ms bob logout
at 2s alice modify call data=v2
run 3s
----
    100.000ms alice/1: invite bob timeout=60s
    130.000ms s0: decided created call inviter=alice invitees=[bob] timeout=60s
    130.000ms s0: offline-push to=bob title="call from alice" invite call inviter=alice invitees=[bob] timeout=60s
    160.000ms alice/1: invite call -> ok
   1000.000ms bob/1: login
   1010.000ms bob/1: logout
   1010.000ms bob/1: login -> 6014 not logged in (logged out)
   1010.000ms bob/1: logout -> ok
   2000.000ms alice/1: modify call data="v2"
   2030.000ms s0: decided modified call
   2060.000ms alice/1: modify call -> ok

show server
----
s0: users=2 sessions=1 invitations=1 stored=4 tracked=1 groups=0 unacked=0

# The LOGOUT overtakes the LOGIN: the login arrives late and is dropped.
hold "LOGIN bob/1" as lg
at 4s bob login
at 4010ms bob logout
at 4100ms release lg
at 5s alice modify call data=v3
run 3s
----
   4000.000ms bob/1: login
   4000.000ms bob/1: hold lg: LOGIN bob/1 epoch=3 cursor=0
   4010.000ms bob/1: logout
   4010.000ms bob/1: login -> 6014 not logged in (logged out)
   4010.000ms bob/1: logout -> ok
   4100.000ms bob/1: release lg: LOGIN bob/1 epoch=3 cursor=0
   4130.000ms s0: dropped login of bob/1 epoch 3: the device logged out of it
   5000.000ms alice/1: modify call data="v3"
   5030.000ms s0: decided modified call
   5060.000ms alice/1: modify call -> ok

show server
----
s0: users=2 sessions=1 invitations=1 stored=6 tracked=1 groups=0 unacked=0

# The LOGOUT is lost: the session stays open on the shard until its next push,
# which bob's device answers with LOGOUT.
at 7s bob login
at 8s drop-next "LOGOUT"
at 8s bob logout
at 9s alice modify call data=v4
run 4s
----
   7000.000ms bob/1: login
   7060.000ms bob/1: login -> ok
   7060.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="")
   7060.000ms bob/1: OnInvitationModified(call, data="v2")
   7060.000ms bob/1: OnInvitationModified(call, data="v3")
   8000.000ms bob/1: logout
   8000.000ms bob/1: logout -> ok
   8000.000ms bob/1: drop-next: LOGOUT epoch=5
   9000.000ms alice/1: modify call data="v4"
   9030.000ms s0: decided modified call
   9060.000ms alice/1: modify call -> ok

show server
----
s0: users=2 sessions=1 invitations=1 stored=8 tracked=1 groups=0 unacked=0

# A reconnect's re-login is in flight when bob logs out.
at 11s bob login
at 12s disconnect bob
at 13s reconnect bob
at 13010ms bob logout
at 14s alice modify call data=v5
run 5s
----
  11000.000ms bob/1: login
  11060.000ms bob/1: login -> ok
  11060.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="")
  11060.000ms bob/1: OnInvitationModified(call, data="v2")
  11060.000ms bob/1: OnInvitationModified(call, data="v3")
  11060.000ms bob/1: OnInvitationModified(call, data="v4")
  12000.000ms bob/1: disconnect
  13000.000ms bob/1: reconnect
  13010.000ms bob/1: logout
  13010.000ms bob/1: logout -> ok
  14000.000ms alice/1: modify call data="v5"
  14030.000ms s0: decided modified call
  14060.000ms alice/1: modify call -> ok

show server
----
s0: users=2 sessions=1 invitations=1 stored=10 tracked=1 groups=0 unacked=0

# Logged in again, bob receives the invitation, still live, and answers it.
at 17s bob login
at 18s bob accept call
run 5s
----
  17000.000ms bob/1: login
  17060.000ms bob/1: login -> ok
  17060.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="")
  17060.000ms bob/1: OnInvitationModified(call, data="v2")
  17060.000ms bob/1: OnInvitationModified(call, data="v3")
  17060.000ms bob/1: OnInvitationModified(call, data="v4")
  17060.000ms bob/1: OnInvitationModified(call, data="v5")
  18000.000ms bob/1: accept call
  18030.000ms s0: decided call bob accepted
  18060.000ms alice/1: OnInviteeAccepted(call, invitee=bob, data="")
  18060.000ms bob/1: accept call -> ok

expect call bob=accepted

# A logout on the heels of an answer waits for it: the shard applies the
# accept, so bob's app is told it succeeded, then that the logout did.
at 24s alice invite bob timeout=60s as call2
at 25s bob accept call2
at 25001ms bob logout
run 8s
----
  24000.000ms alice/1: invite bob timeout=60s
  24030.000ms s0: decided created call2 inviter=alice invitees=[bob] timeout=60s
  24060.000ms bob/1: OnReceiveNewInvitation(call2, inviter=alice, group=, invitees=[bob], data="")
  24060.000ms alice/1: invite call2 -> ok
  25000.000ms bob/1: accept call2
  25001.000ms bob/1: logout
  25030.000ms s0: decided call2 bob accepted
  25060.000ms alice/1: OnInviteeAccepted(call2, invitee=bob, data="")
  25060.000ms bob/1: accept call2 -> ok
  25060.000ms bob/1: logout -> ok

expect call2 bob=accepted
expect result bob accept call2 = ok
check
----
ok: every invariant holds
