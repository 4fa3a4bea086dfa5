# Timeouts with timeout > 0: an invitee who does not answer in time times out,
# and both the inviter and the invitee get OnInvitationTimeout (the source
# document: "邀请者和被邀请者都会收到超时通知"). In a group invitation every
# member gets it, listing only the invitees that timed out; the invitation then
# ends (all invitees final) and nothing of it stays on the shard.
world seed=11 mode=server latency=40ms
users alice bob carol dave
group team owner=alice members=bob,carol,dave

at 100ms alice invite bob timeout=5s as call
at 200ms alice invite-group team invitees=bob,carol,dave timeout=8s as gcall
at 2s carol accept gcall
run 10s
----
    100.000ms alice/1: invite bob timeout=5s
    140.000ms s0: decided created call inviter=alice invitees=[bob] timeout=5s
    180.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="")
    180.000ms alice/1: invite call -> ok
    200.000ms alice/1: invite-group team invitees=bob,carol,dave timeout=8s
    240.000ms s0: decided created gcall inviter=alice invitees=[bob,carol,dave] timeout=8s group=team
    280.000ms bob/1: OnReceiveNewInvitation(gcall, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
    280.000ms carol/1: OnReceiveNewInvitation(gcall, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
    280.000ms dave/1: OnReceiveNewInvitation(gcall, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
    280.000ms alice/1: invite-group gcall -> ok
   2000.000ms carol/1: accept gcall
   2040.000ms s0: decided gcall carol accepted
   2080.000ms alice/1: OnInviteeAccepted(gcall, invitee=carol, data="")
   2080.000ms bob/1: OnInviteeAccepted(gcall, invitee=carol, data="")
   2080.000ms dave/1: OnInviteeAccepted(gcall, invitee=carol, data="")
   2080.000ms carol/1: accept gcall -> ok
   5140.000ms s0: decided call bob timed-out
   5180.000ms alice/1: OnInvitationTimeout(call, invitees=[bob])
   5180.000ms bob/1: OnInvitationTimeout(call, invitees=[bob])
   8240.000ms s0: decided gcall bob timed-out
   8240.000ms s0: decided gcall dave timed-out
   8280.000ms alice/1: OnInvitationTimeout(gcall, invitees=[bob,dave])
   8280.000ms bob/1: OnInvitationTimeout(gcall, invitees=[bob,dave])
   8280.000ms carol/1: OnInvitationTimeout(gcall, invitees=[bob,dave])
   8280.000ms dave/1: OnInvitationTimeout(gcall, invitees=[bob,dave])

expect call bob=timed-out
expect gcall bob=timed-out carol=accepted dave=timed-out
expect count OnInvitationTimeout = 6
show server
----
s0: users=4 sessions=4 invitations=0 stored=16 tracked=2 groups=1 unacked=0

# Late answers after the timeout are 8010.
at 11s bob accept call
at 11s dave reject gcall
run 1s
----
  11000.000ms bob/1: accept call
  11000.000ms bob/1: accept call -> 8010 invitation invalid (unknown invitation)
  11000.000ms dave/1: reject gcall
  11000.000ms dave/1: reject gcall -> 8010 invitation invalid (unknown invitation)

expect result bob accept call = 8010
expect result dave reject gcall = 8010
check
----
ok: every invariant holds
