# Frames of the past reach the shard after the device moved on; each is dropped
# or answered without touching what came after it: a LOGIN overtaken by a newer
# login of the same device (dropped), a request of an earlier session
# (answered "no session", which the device, on a newer session, ignores), and
# a late copy of a request the device already has its answer to (the first
# copy took 4 s; the retransmission overtook it and was answered; by the time
# the copy arrives the device's lowest unanswered request is past it: dropped,
# never applied twice).
world seed=1 latency=20ms
users alice bob

at 1s hold "LOGIN bob/1 epoch=2" as oldlogin
at 1s disconnect bob
at 1.1s reconnect bob
at 2s disconnect bob
at 2.1s reconnect bob
at 3s release oldlogin
at 4s hold "REQ #1 invite" as oldreq
at 4s bob invite alice timeout=30s as call
at 4.01s disconnect bob
at 4.1s reconnect bob
at 5s release oldreq
at 6s link alice latency=4s
at 6s alice accept call
at 6.01s link alice latency=20ms reorder=100%
at 8s alice invite bob timeout=30s as back
at 12s heal
run 20s
----
   1000.000ms bob/1: disconnect
   1100.000ms bob/1: reconnect
   1100.000ms bob/1: hold oldlogin: LOGIN bob/1 epoch=2 cursor=0
   2000.000ms bob/1: disconnect
   2100.000ms bob/1: reconnect
   3000.000ms bob/1: release oldlogin: LOGIN bob/1 epoch=2 cursor=0
   3020.000ms s0: dropped stale login of bob/1 epoch 2 (session has 3)
   4000.000ms bob/1: invite alice timeout=30s
   4000.000ms bob/1: hold oldreq: REQ #1 invite invite call inviter=bob invitees=[alice] timeout=30s push="call from bob"
   4010.000ms bob/1: disconnect
   4100.000ms bob/1: reconnect
   4140.000ms bob/1: hold oldreq: REQ #1 invite invite call inviter=bob invitees=[alice] timeout=30s push="call from bob"
   5000.000ms bob/1: release oldreq: REQ #1 invite invite call inviter=bob invitees=[alice] timeout=30s push="call from bob"
   5000.000ms bob/1: release oldreq: REQ #1 invite invite call inviter=bob invitees=[alice] timeout=30s push="call from bob"
   5020.000ms s0: decided created call inviter=bob invitees=[alice] timeout=30s
   5040.000ms alice/1: OnReceiveNewInvitation(call, inviter=bob, group=, invitees=[alice], data="")
   5040.000ms bob/1: invite call -> ok
   6000.000ms alice/1: link latency=4s loss=0 dup=0 reorder=0 bandwidth=0
   6000.000ms alice/1: accept call
   6010.000ms alice/1: link latency=20ms loss=0 dup=0 reorder=1 bandwidth=0
   7020.000ms s0: decided call alice accepted
   7040.000ms bob/1: OnInviteeAccepted(call, invitee=alice, data="")
   7040.000ms alice/1: accept call -> ok
   8000.000ms alice/1: invite bob timeout=30s
   8020.000ms s0: decided created back inviter=alice invitees=[bob] timeout=30s
   8040.000ms bob/1: OnReceiveNewInvitation(back, inviter=alice, group=, invitees=[bob], data="")
   8040.000ms alice/1: invite back -> ok
  12000.000ms world: heal all

expect result bob invite call = ok
expect call alice=accepted
check
----
ok: every invariant holds
