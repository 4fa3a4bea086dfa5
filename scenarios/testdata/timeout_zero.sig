# timeout=0: the invitation never times out and nobody ever gets
# OnInvitationTimeout, neither in the first minutes nor an hour later; it stays
# live on the shard and both devices until it is answered, and can then still be
# accepted. (The termination check only covers invitations with timeout > 0.)
world seed=10 mode=server latency=40ms
users alice bob carol
group team owner=alice members=bob,carol

at 100ms alice invite bob data="{\"roomID\":1}" timeout=0 as call
at 200ms alice invite-group team invitees=bob,carol timeout=0 as gcall
run 1h
----
    100.000ms alice/1: invite bob timeout=0s data="{\"roomID\":1}"
    140.000ms s0: decided created call inviter=alice invitees=[bob] timeout=0s
    180.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="{\"roomID\":1}")
    180.000ms alice/1: invite call -> ok
    200.000ms alice/1: invite-group team invitees=bob,carol timeout=0s
    240.000ms s0: decided created gcall inviter=alice invitees=[bob,carol] timeout=0s group=team
    280.000ms bob/1: OnReceiveNewInvitation(gcall, inviter=alice, group=team, invitees=[bob,carol], data="")
    280.000ms carol/1: OnReceiveNewInvitation(gcall, inviter=alice, group=team, invitees=[bob,carol], data="")
    280.000ms alice/1: invite-group gcall -> ok

expect count OnInvitationTimeout = 0
expect call bob=pending
expect gcall bob=pending carol=pending
show invitations
----
alice/1: call inviter=alice invitees=[bob:pending] data="{\"roomID\":1}"
alice/1: gcall inviter=alice group=team invitees=[bob:pending,carol:pending]
bob/1: call inviter=alice invitees=[bob:pending] data="{\"roomID\":1}"
bob/1: gcall inviter=alice group=team invitees=[bob:pending,carol:pending]
carol/1: gcall inviter=alice group=team invitees=[bob:pending,carol:pending]
s0: call inviter=alice invitees=[bob:pending]
s0: gcall inviter=alice group=team invitees=[bob:pending,carol:pending]

check
----
ok: every invariant holds

at 1h0m5s bob accept call
at 1h0m5s carol reject gcall
at 1h0m5s bob accept gcall
run 10s
----
3605000.000ms bob/1: accept call
3605000.000ms carol/1: reject gcall
3605000.000ms bob/1: accept gcall
3605040.000ms s0: decided call bob accepted
3605040.000ms s0: decided gcall carol rejected
3605040.000ms s0: decided gcall bob accepted
3605080.000ms alice/1: OnInviteeAccepted(call, invitee=bob, data="")
3605080.000ms bob/1: accept call -> ok
3605080.000ms alice/1: OnInviteeRejected(gcall, invitee=carol, data="")
3605080.000ms bob/1: OnInviteeRejected(gcall, invitee=carol, data="")
3605080.000ms carol/1: reject gcall -> ok
3605080.000ms alice/1: OnInviteeAccepted(gcall, invitee=bob, data="")
3605080.000ms carol/1: OnInviteeAccepted(gcall, invitee=bob, data="")
3605080.000ms bob/1: accept gcall -> ok

expect call bob=accepted
expect gcall bob=accepted carol=rejected
show invitations
----
no live invitations
