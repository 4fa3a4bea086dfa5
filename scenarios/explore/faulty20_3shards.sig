# faulty20.sig over three shards, all cut off from one another for 6 s during
# the traffic, on top of the swarm's faults (shard crashes included). In server
# mode no seed may break an invariant.
world seed=1 mode=server shards=3 latency=uniform(10ms,80ms)
users alice/2 bob/2 carol dave erin
group team owner=alice members=bob,carol,dave,erin

swarm intensity=0.8 until=20s
at 2s partition s0 | s1 | s2
at 8s heal partitions

at 100ms alice invite bob timeout=8s as c1
at 300ms carol invite dave timeout=6s as c2
at 500ms alice/2 invite-group team invitees=bob,carol,dave timeout=10s as g1
at 700ms erin invite alice timeout=5s online-only as c3
at 900ms dave invite erin timeout=0 as c4
at 1s bob accept c1
at 1s alice cancel c1
at 1.2s dave accept c2
at 1.3s carol/1 cancel c2
at 1.5s bob/2 accept g1
at 1.6s carol reject g1
at 1.7s alice/2 cancel g1
at 2s alice/2 accept c3
at 2.5s erin reject c4
at 3s bob invite carol timeout=7s as c5
at 3.1s carol accept c5
at 3.1s carol reject c5
at 4s dave invite-group team invitees=alice,erin timeout=9s as g2
at 4.5s alice modify g2 data=late
at 4.6s dave modify g2 data=v2
at 5s erin accept g2
at 6s alice invite dave data=x timeout=12s as c6
at 6.5s dave/1 accept c6
at 8s carol invite bob timeout=4s as c7
at 9s bob/2 reject c7
at 10s erin invite carol timeout=3s as c8
at 12s dave invite alice timeout=6s as c9
at 12.5s alice cancel c9
at 13s alice/2 invite erin timeout=10s as c10
at 15s erin/1 accept c10
# Fifteen more, whose answers (and online-only share) swarm mode picks per seed.
generate invites count=15 from=alice,bob,carol to=dave,erin,alice rate=1/s start=2s timeout=6s
run 60s
check
----
2000.000ms accept skipped: the invite of c3 failed
15000.000ms accept skipped: the invite of c10 failed
at   60000.000ms: summary of a busy run
  call                                               62
  callback OnInvitationCancelled                     10
  callback OnInvitationModified                      5
  callback OnInvitationTimeout                       22
  callback OnInviteeAccepted                         10
  callback OnInviteeRejected                         5
  callback OnReceiveNewInvitation                    41
  fault                                              27
  note                                               77
  result accept -> 6014 not logged in                2
  result accept -> 8010 invitation invalid           3
  result accept -> ok                                3
  result cancel -> 6014 not logged in                1
  result cancel -> 8010 invitation invalid           4
  result cancel -> ok                                4
  result invite -> 6014 not logged in                7
  result invite -> ok                                18
  result invite-group -> ok                          2
  result login -> 6014 not logged in                 1
  result login -> ok                                 3
  result logout -> ok                                4
  result modify -> 8010 invitation invalid           1
  result modify -> ok                                1
  result reject -> 6014 not logged in                2
  result reject -> 8010 invitation invalid           3
  result reject -> ok                                3
ok: every invariant holds
