# The reference call app under swarm faults, for seed exploration: eight
# phones call each other at random for 50 s (a caller in a call lets its turn
# pass), answering, rejecting, answering busy, accepting at the edge of the
# timeout and cancelling in the shares below, on two shards and two room
# nodes, while swarm mode lets each seed choose its faults among all it can
# generate (room nodes' crashes, pauses and partitions included, and login
# churn, which logs phones out during their calls). Everything heals at 40 s.
# In server mode no seed may break an invariant, the call-level ones
# (ghost-call, call-agreement, call-duration, two-rooms, busy-ring, call-end)
# and the room views included.
world seed=1 mode=server shards=2 rooms=2 latency=uniform(10ms,80ms)
users u0..u7 app=call timeout=10s accept=0.55 reject=0.1 busy=0.05 late-accept=0.1 cancel=0.2 ring-time=lognormal(2s,0.8) cancel-after=uniform(1s,8s) talk-time=exp(10s)

swarm intensity=0.8 until=40s

generate calls count=40 from=u0..u7 to=u0..u7 rate=0.8/s
run until quiet limit=30m
----
at  105001.771ms: summary of a busy run
  call                                               97
  callback OnEnterRoom                               15
  callback OnExitRoom                                21
  callback OnInvitationCancelled                     1
  callback OnInvitationTimeout                       8
  callback OnInviteeAccepted                         6
  callback OnInviteeRejected                         6
  callback OnReceiveNewInvitation                    18
  callback OnRemoteUserEnterRoom                     8
  callback OnRemoteUserLeaveRoom                     3
  callback OnUserVideoAvailable                      7
  fault                                              29
  note                                               172
  result accept -> 8010 invitation invalid           2
  result accept -> ok                                6
  result cancel -> ok                                1
  result invite -> 6014 not logged in                2
  result invite -> ok                                17
  result login -> ok                                 3
  result logout -> ok                                3
  result reject -> ok                                6

check
----
ok: every invariant holds
