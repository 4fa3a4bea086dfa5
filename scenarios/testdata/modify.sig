# Modify: the inviter changes the data of a live invitation. The other party of
# a 1:1 invitation (every member for a group one) gets OnInvitationModified with
# the new data; the inviter's device gets the result only. An invitee that logs
# in later still sees the invitation while it is live and the modification.
# Modify after the invitation ended is 8010; by anyone but the inviter 8011;
# of an online-only invitation 8013 (errors_invitation.sig).
world seed=20 mode=server latency=30ms
users alice bob carol dave
group team owner=alice members=bob,carol,dave

at 100ms alice invite bob data="{\"roomID\":1}" timeout=30s as call
at 1s alice modify call data="{\"roomID\":2}"
at 2s bob accept call
at 3s alice modify call data="{\"roomID\":3}"
at 4s alice invite-group team invitees=bob,dave data="v1" timeout=30s as gcall
at 5s alice modify gcall data="v2"
at 6s dave login
at 7s dave accept gcall data="ok"
at 8s bob reject gcall
run 10s
----
    100.000ms alice/1: invite bob timeout=30s data="{\"roomID\":1}"
    130.000ms s0: decided created call inviter=alice invitees=[bob] timeout=30s
    160.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="{\"roomID\":1}")
    160.000ms alice/1: invite call -> ok
   1000.000ms alice/1: modify call data="{\"roomID\":2}"
   1030.000ms s0: decided modified call
   1060.000ms bob/1: OnInvitationModified(call, data="{\"roomID\":2}")
   1060.000ms alice/1: modify call -> ok
   2000.000ms bob/1: accept call
   2030.000ms s0: decided call bob accepted
   2060.000ms alice/1: OnInviteeAccepted(call, invitee=bob, data="")
   2060.000ms bob/1: accept call -> ok
   3000.000ms alice/1: modify call data="{\"roomID\":3}"
   3000.000ms alice/1: modify call -> 8010 invitation invalid (unknown invitation)
   4000.000ms alice/1: invite-group team invitees=bob,dave timeout=30s data="v1"
   4030.000ms s0: decided created gcall inviter=alice invitees=[bob,dave] timeout=30s group=team
   4060.000ms bob/1: OnReceiveNewInvitation(gcall, inviter=alice, group=team, invitees=[bob,dave], data="v1")
   4060.000ms carol/1: OnReceiveNewInvitation(gcall, inviter=alice, group=team, invitees=[bob,dave], data="v1")
   4060.000ms alice/1: invite-group gcall -> ok
   5000.000ms alice/1: modify gcall data="v2"
   5030.000ms s0: decided modified gcall
   5060.000ms bob/1: OnInvitationModified(gcall, data="v2")
   5060.000ms carol/1: OnInvitationModified(gcall, data="v2")
   5060.000ms alice/1: modify gcall -> ok
   6000.000ms dave/1: login
   6060.000ms dave/1: login -> ok
   6060.000ms dave/1: OnReceiveNewInvitation(gcall, inviter=alice, group=team, invitees=[bob,dave], data="v1")
   6060.000ms dave/1: OnInvitationModified(gcall, data="v2")
   7000.000ms dave/1: accept gcall data="ok"
   7030.000ms s0: decided gcall dave accepted
   7060.000ms alice/1: OnInviteeAccepted(gcall, invitee=dave, data="ok")
   7060.000ms bob/1: OnInviteeAccepted(gcall, invitee=dave, data="ok")
   7060.000ms carol/1: OnInviteeAccepted(gcall, invitee=dave, data="ok")
   7060.000ms dave/1: accept gcall -> ok
   8000.000ms bob/1: reject gcall
   8030.000ms s0: decided gcall bob rejected
   8060.000ms alice/1: OnInviteeRejected(gcall, invitee=bob, data="")
   8060.000ms carol/1: OnInviteeRejected(gcall, invitee=bob, data="")
   8060.000ms dave/1: OnInviteeRejected(gcall, invitee=bob, data="")
   8060.000ms bob/1: reject gcall -> ok

expect result alice modify call = 8010
expect result alice modify gcall = ok
expect count OnInvitationModified = 4
expect call bob=accepted
expect gcall bob=rejected dave=accepted
show callbacks dave
----
   6060.000ms callback dave/1  OnReceiveNewInvitation(gcall, inviter=alice, group=team, invitees=[bob,dave], data="v1")
   6060.000ms callback dave/1  OnInvitationModified(gcall, data="v2")
   8060.000ms callback dave/1  OnInviteeRejected(gcall, invitee=bob, data="")

check
----
ok: every invariant holds
