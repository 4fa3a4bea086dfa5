# GetSignalingInfo parses stored IM messages back into signaling info: every
# signaling message of bob's timeline (the invite, the modify, his accept) gives
# its info, and a group tip (not signaling, businessID != 1) gives nil.
world seed=1 mode=server latency=20ms
users alice bob carol

at 50ms alice create-group team members=bob,carol
at 100ms alice invite bob data=room=7 timeout=30s as call
at 200ms alice modify call data=room=8
at 300ms bob accept call
run 1s
----
     50.000ms alice/1: create-group team members=bob,carol
     70.000ms s0: decided group team member-enter [alice,bob,carol]
     90.000ms bob/1: OnMemberEnter(team, members=[alice,bob,carol])
     90.000ms carol/1: OnMemberEnter(team, members=[alice,bob,carol])
     90.000ms alice/1: create-group -> ok
    100.000ms alice/1: invite bob timeout=30s data="room=7"
    120.000ms s0: decided created call inviter=alice invitees=[bob] timeout=30s
    140.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="room=7")
    140.000ms alice/1: invite call -> ok
    200.000ms alice/1: modify call data="room=8"
    220.000ms s0: decided modified call
    240.000ms bob/1: OnInvitationModified(call, data="room=8")
    240.000ms alice/1: modify call -> ok
    300.000ms bob/1: accept call
    320.000ms s0: decided call bob accepted
    340.000ms alice/1: OnInviteeAccepted(call, invitee=bob, data="")
    340.000ms bob/1: accept call -> ok

show signaling bob
----
seq=1 GetSignalingInfo: nil (not signaling: seq=1 from=alice/1 group=team member-enter [alice,bob,carol])
seq=2 GetSignalingInfo: invite call inviter=alice invitees=[bob] timeout=30s data="room=7"
seq=3 GetSignalingInfo: modify call inviter=alice invitees=[bob] timeout=30s data="room=8"
seq=4 GetSignalingInfo: accept call inviter=alice invitees=[bob] timeout=30s
