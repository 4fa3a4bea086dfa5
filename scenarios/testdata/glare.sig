# Glare: two users invite each other at the same instant. The engine has no
# special rule for it (Tencent Cloud IM's signaling has none either): the two
# invitations are independent, each with its own ID, and both live until each
# is answered, cancelled or timed out. Here alice and bob both ring; the app
# resolves glare itself - by convention the invitation of the user with the
# smaller name (alice) wins: bob accepts alice's, and bob cancels his own (alice
# never answers it).
world seed=26 mode=server latency=40ms
users alice bob

at 1s alice invite bob data="{\"roomID\":100}" timeout=30s as a2b
at 1s bob invite alice data="{\"roomID\":200}" timeout=30s as b2a
run 2s
----
   1000.000ms alice/1: invite bob timeout=30s data="{\"roomID\":100}"
   1000.000ms bob/1: invite alice timeout=30s data="{\"roomID\":200}"
   1040.000ms s0: decided created a2b inviter=alice invitees=[bob] timeout=30s
   1040.000ms s0: decided created b2a inviter=bob invitees=[alice] timeout=30s
   1080.000ms bob/1: OnReceiveNewInvitation(a2b, inviter=alice, group=, invitees=[bob], data="{\"roomID\":100}")
   1080.000ms alice/1: invite a2b -> ok
   1080.000ms alice/1: OnReceiveNewInvitation(b2a, inviter=bob, group=, invitees=[alice], data="{\"roomID\":200}")
   1080.000ms bob/1: invite b2a -> ok

show invitations
----
alice/1: a2b inviter=alice invitees=[bob:pending] data="{\"roomID\":100}"
alice/1: b2a inviter=bob invitees=[alice:pending] data="{\"roomID\":200}"
bob/1: a2b inviter=alice invitees=[bob:pending] data="{\"roomID\":100}"
bob/1: b2a inviter=bob invitees=[alice:pending] data="{\"roomID\":200}"
s0: a2b inviter=alice invitees=[bob:pending]
s0: b2a inviter=bob invitees=[alice:pending]

at 3s bob accept a2b
at 3s bob cancel b2a
run 2s
----
   3000.000ms bob/1: accept a2b
   3000.000ms bob/1: cancel b2a
   3040.000ms s0: decided a2b bob accepted
   3040.000ms s0: decided b2a alice cancelled
   3080.000ms alice/1: OnInviteeAccepted(a2b, invitee=bob, data="")
   3080.000ms bob/1: accept a2b -> ok
   3080.000ms alice/1: OnInvitationCancelled(b2a, inviter=bob, data="", cancelled=[alice])
   3080.000ms bob/1: cancel b2a -> ok

expect a2b bob=accepted
expect b2a alice=cancelled
expect violations 0
check
----
ok: every invariant holds
