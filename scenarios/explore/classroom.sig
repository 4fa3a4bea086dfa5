# The reference classroom app under swarm faults, for seed exploration: two
# classes of a teacher and six students, four raise-hand rounds each (40% of
# the students raise a hand, 10% at the edge of the timeout), on two shards
# and two room nodes, while swarm mode lets each seed choose its faults among
# all it can generate (group churn in the classes and login churn included).
# Everything heals at 40 s. In server mode no seed may break an invariant:
# only a student who raised a hand is invited to speak (speaker-raised), and
# every member sees the same list of raised hands (hands-agreement).
world seed=1 mode=server shards=2 rooms=2 latency=uniform(10ms,80ms)
users ta sa1..sa6 tb sb1..sb6
group ga owner=ta members=sa1..sa6 app=classroom raise=0.4 late-raise=0.1 rounds=4 interval=15s
group gb owner=tb members=sb1..sb6 app=classroom raise=0.4 late-raise=0.1 rounds=4 interval=15s start=3s

swarm intensity=0.8 until=40s

run until quiet limit=30m
----
at   79104.227ms: summary of a busy run
  call                                               81
  callback OnEnterRoom                               21
  callback OnExitRoom                                7
  callback OnInvitationTimeout                       42
  callback OnInviteeAccepted                         126
  callback OnReceiveNewInvitation                    60
  callback OnRemoteUserEnterRoom                     41
  callback OnRemoteUserLeaveRoom                     24
  callback OnUserVideoAvailable                      64
  fault                                              32
  note                                               191
  result accept -> ok                                21
  result invite-group -> 6014 not logged in          2
  result invite-group -> ok                          10
  result login -> ok                                 4
  result logout -> ok                                4

check
----
ok: every invariant holds
