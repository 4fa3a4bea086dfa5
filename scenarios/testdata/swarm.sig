# Swarm: the seed randomizes which faults are on (partitions, crashes and
# restarts of devices and the shard, pauses, clock skew, link loss, duplication,
# reordering and latency) and how strong, for the first 30 s, while a workload
# of group and 1:1 invitations runs and invitees answer at random; then every
# fault heals. In server mode every invariant must hold, and once healed every
# invitation must be final everywhere within its timeout + the 10 s bound.
# `sigsim explore swarm.sig --seeds 1..1000 --swarm` runs the same under many seeds.
# The faults are listed: shard-to-shard partitions, login churn and group
# churn still break server mode (see scenarios/explore/multishard.sig).
world seed=27 mode=server latency=uniform(10ms,60ms) shards=2
users u1..u12 g1..g4
group room owner=g1 members=g2,g3,g4

swarm faults=loss,dup,reorder,latency,partition,crash,shard-crash,pause,disconnect,skew intensity=0.5 until=30s
generate invites count=60 from=u1..u6 to=u7..u12 rate=3/s start=1s timeout=15s answer=accept:0.4,reject:0.3,cancel:0.1
generate group-invites count=20 from=g1 to=g2..g4 group=room rate=1/s start=1s timeout=15s answer=accept:0.5,reject:0.3
run 90s
----
at   90000.000ms: summary of a busy run
  call                                               141
  callback OnInvitationCancelled                     5
  callback OnInvitationTimeout                       83
  callback OnInviteeAccepted                         21
  callback OnInviteeRejected                         28
  callback OnReceiveNewInvitation                    123
  fault                                              27
  note                                               175
  result accept -> 8010 invitation invalid           6
  result accept -> ok                                20
  result cancel -> ok                                5
  result invite -> 6014 not logged in                2
  result invite -> ok                                55
  result invite-group -> ok                          20
  result login -> ok                                 3
  result reject -> 8010 invitation invalid           3
  result reject -> ok                                25

expect violations 0
check
----
ok: every invariant holds
