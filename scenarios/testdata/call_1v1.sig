# The 1v1 video call of the source document: the caller enters a TRTC room and
# invites with the roomID in data; the callee rings, accepts and enters the room.
# When the call ends, the caller announces the hang-up with a second invitation
# carrying the call duration.
world seed=1 mode=server latency=40ms
users alice bob

at 100ms alice invite bob data="{\"roomID\":4242}" timeout=30s as call
at 3s bob accept call
run 5s
----
    100.000ms alice/1: invite bob timeout=30s data="{\"roomID\":4242}"
    140.000ms s0: decided created call inviter=alice invitees=[bob] timeout=30s
    180.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="{\"roomID\":4242}")
    180.000ms alice/1: invite call -> ok
   3000.000ms bob/1: accept call
   3040.000ms s0: decided call bob accepted
   3080.000ms alice/1: OnInviteeAccepted(call, invitee=bob, data="")
   3080.000ms bob/1: accept call -> ok

at 98s alice invite bob data="{\"cmd\":\"hangup\",\"duration\":95}" timeout=0 as hangup
run until quiet
----
  98000.000ms alice/1: invite bob timeout=0s data="{\"cmd\":\"hangup\",\"duration\":95}"
  98040.000ms s0: decided created hangup inviter=alice invitees=[bob] timeout=0s
  98080.000ms bob/1: OnReceiveNewInvitation(hangup, inviter=alice, group=, invitees=[bob], data="{\"cmd\":\"hangup\",\"duration\":95}")
  98080.000ms alice/1: invite hangup -> ok

expect call bob=accepted
expect result bob accept call = ok
check
----
ok: every invariant holds
