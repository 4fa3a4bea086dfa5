# Busy line in the 1v1 video call of the source document: bob is already in a
# call with carol (accepted, in TRTC room 7), so when alice calls him his app
# rejects her invitation with data saying the line is busy. alice learns
# OnInviteeRejected with that data; carol sees nothing of it (1:1 scope).
world seed=3 mode=server latency=30ms
users alice bob carol

at 100ms carol invite bob data="{\"roomID\":7}" timeout=30s as first
at 1s bob accept first data="{\"roomID\":7}"
at 5s alice invite bob data="{\"roomID\":8}" timeout=30s as second
at 5.5s bob reject second data="{\"reason\":\"line_busy\"}"
run 10s
----
    100.000ms carol/1: invite bob timeout=30s data="{\"roomID\":7}"
    130.000ms s0: decided created first inviter=carol invitees=[bob] timeout=30s
    160.000ms bob/1: OnReceiveNewInvitation(first, inviter=carol, group=, invitees=[bob], data="{\"roomID\":7}")
    160.000ms carol/1: invite first -> ok
   1000.000ms bob/1: accept first data="{\"roomID\":7}"
   1030.000ms s0: decided first bob accepted
   1060.000ms carol/1: OnInviteeAccepted(first, invitee=bob, data="{\"roomID\":7}")
   1060.000ms bob/1: accept first -> ok
   5000.000ms alice/1: invite bob timeout=30s data="{\"roomID\":8}"
   5030.000ms s0: decided created second inviter=alice invitees=[bob] timeout=30s
   5060.000ms bob/1: OnReceiveNewInvitation(second, inviter=alice, group=, invitees=[bob], data="{\"roomID\":8}")
   5060.000ms alice/1: invite second -> ok
   5500.000ms bob/1: reject second data="{\"reason\":\"line_busy\"}"
   5530.000ms s0: decided second bob rejected
   5560.000ms alice/1: OnInviteeRejected(second, invitee=bob, data="{\"reason\":\"line_busy\"}")
   5560.000ms bob/1: reject second -> ok

expect first bob=accepted
expect second bob=rejected
expect result bob reject second = ok
expect result alice invite second = ok
expect count OnInviteeRejected = 1
expect count OnInviteeAccepted = 1
check
----
ok: every invariant holds
