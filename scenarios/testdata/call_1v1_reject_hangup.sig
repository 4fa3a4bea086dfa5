# The 1v1 flow of the source document, both endings: (1) the callee declines
# with reject (the call ends, the caller learns OnInviteeRejected); (2) an
# accepted call that bob hangs up after 62 s: bob leaves the TRTC room, and the
# one who sees the other leave (alice) computes the duration and announces the
# end with a new invitation (timeout=0, so it never times out) whose data says
# hang-up and carries the duration; bob's app only displays it.
world seed=4 mode=server latency=25ms
users alice bob

at 100ms alice invite bob data="{\"roomID\":11}" timeout=30s as declined
at 2s bob reject declined data="{\"reason\":\"declined\"}"
run 3s
----
    100.000ms alice/1: invite bob timeout=30s data="{\"roomID\":11}"
    125.000ms s0: decided created declined inviter=alice invitees=[bob] timeout=30s
    150.000ms bob/1: OnReceiveNewInvitation(declined, inviter=alice, group=, invitees=[bob], data="{\"roomID\":11}")
    150.000ms alice/1: invite declined -> ok
   2000.000ms bob/1: reject declined data="{\"reason\":\"declined\"}"
   2025.000ms s0: decided declined bob rejected
   2050.000ms alice/1: OnInviteeRejected(declined, invitee=bob, data="{\"reason\":\"declined\"}")
   2050.000ms bob/1: reject declined -> ok

at 10s alice invite bob data="{\"roomID\":12}" timeout=30s as call
at 12s bob accept call
at 74s alice invite bob data="{\"cmd\":\"hangup\",\"roomID\":12,\"duration\":62}" timeout=0 as hangup
run 80s
----
  10000.000ms alice/1: invite bob timeout=30s data="{\"roomID\":12}"
  10025.000ms s0: decided created call inviter=alice invitees=[bob] timeout=30s
  10050.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="{\"roomID\":12}")
  10050.000ms alice/1: invite call -> ok
  12000.000ms bob/1: accept call
  12025.000ms s0: decided call bob accepted
  12050.000ms alice/1: OnInviteeAccepted(call, invitee=bob, data="")
  12050.000ms bob/1: accept call -> ok
  74000.000ms alice/1: invite bob timeout=0s data="{\"cmd\":\"hangup\",\"roomID\":12,\"duration\":62}"
  74025.000ms s0: decided created hangup inviter=alice invitees=[bob] timeout=0s
  74050.000ms bob/1: OnReceiveNewInvitation(hangup, inviter=alice, group=, invitees=[bob], data="{\"cmd\":\"hangup\",\"roomID\":12,\"duration\":62}")
  74050.000ms alice/1: invite hangup -> ok

expect declined bob=rejected
expect call bob=accepted
expect hangup bob=pending
expect count OnInvitationTimeout = 0
check
----
ok: every invariant holds
