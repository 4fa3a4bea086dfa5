# A shard whose per-frame service time was measured in production: p50 2 ms,
# p90 6 ms, p99 20 ms, at most 50 ms (a sample interpolates between these
# quantiles). With one worker, five invitations sent at the same instant queue
# at the shard: each waits for the frames ahead of it, so the later rings come
# later; at 1 s the five accepts queue the same way.
world seed=7 mode=server latency=10ms service=measured(0:1ms,0.5:2ms,0.9:6ms,0.99:20ms,1:50ms) workers=1
users a1 a2 a3 a4 a5 b1 b2 b3 b4 b5

at 100ms a1 invite b1 timeout=30s as c1
at 100ms a2 invite b2 timeout=30s as c2
at 100ms a3 invite b3 timeout=30s as c3
at 100ms a4 invite b4 timeout=30s as c4
at 100ms a5 invite b5 timeout=30s as c5
at 1s b1 accept c1
at 1s b2 accept c2
at 1s b3 accept c3
at 1s b4 accept c4
at 1s b5 accept c5
run until quiet
----
    100.000ms a1/1: invite b1 timeout=30s
    100.000ms a2/1: invite b2 timeout=30s
    100.000ms a3/1: invite b3 timeout=30s
    100.000ms a4/1: invite b4 timeout=30s
    100.000ms a5/1: invite b5 timeout=30s
    111.112ms s0: decided created c1 inviter=a1 invitees=[b1] timeout=30s
    112.883ms s0: decided created c2 inviter=a2 invitees=[b2] timeout=30s
    115.689ms s0: decided created c3 inviter=a3 invitees=[b3] timeout=30s
    117.605ms s0: decided created c4 inviter=a4 invitees=[b4] timeout=30s
    118.976ms s0: decided created c5 inviter=a5 invitees=[b5] timeout=30s
    121.112ms b1/1: OnReceiveNewInvitation(c1, inviter=a1, group=, invitees=[b1], data="")
    121.112ms a1/1: invite c1 -> ok
    122.883ms b2/1: OnReceiveNewInvitation(c2, inviter=a2, group=, invitees=[b2], data="")
    122.883ms a2/1: invite c2 -> ok
    125.689ms b3/1: OnReceiveNewInvitation(c3, inviter=a3, group=, invitees=[b3], data="")
    125.689ms a3/1: invite c3 -> ok
    127.605ms b4/1: OnReceiveNewInvitation(c4, inviter=a4, group=, invitees=[b4], data="")
    127.605ms a4/1: invite c4 -> ok
    128.976ms b5/1: OnReceiveNewInvitation(c5, inviter=a5, group=, invitees=[b5], data="")
    128.976ms a5/1: invite c5 -> ok
   1000.000ms b1/1: accept c1
   1000.000ms b2/1: accept c2
   1000.000ms b3/1: accept c3
   1000.000ms b4/1: accept c4
   1000.000ms b5/1: accept c5
   1025.239ms s0: decided c1 b1 accepted
   1026.444ms s0: decided c2 b2 accepted
   1027.594ms s0: decided c3 b3 accepted
   1028.644ms s0: decided c4 b4 accepted
   1030.117ms s0: decided c5 b5 accepted
   1035.239ms a1/1: OnInviteeAccepted(c1, invitee=b1, data="")
   1035.239ms b1/1: accept c1 -> ok
   1036.444ms a2/1: OnInviteeAccepted(c2, invitee=b2, data="")
   1036.444ms b2/1: accept c2 -> ok
   1037.594ms a3/1: OnInviteeAccepted(c3, invitee=b3, data="")
   1037.594ms b3/1: accept c3 -> ok
   1038.644ms a4/1: OnInviteeAccepted(c4, invitee=b4, data="")
   1038.644ms b4/1: accept c4 -> ok
   1040.117ms a5/1: OnInviteeAccepted(c5, invitee=b5, data="")
   1040.117ms b5/1: accept c5 -> ok

expect c1 b1=accepted
expect c5 b5=accepted
