# Multi-shard faults for seed exploration: three shards; two groups whose
# members live on all three (team on s0, ops on s1); 1:1 calls that cross
# shards, answered, cancelled and modified while they race; and generated
# 1:1 and group traffic whose answers swarm picks per seed. Swarm draws from
# every fault kind: shard-to-shard partitions (one way too, or one shard cut
# from the others), shard crashes and pauses timed to catch cross-shard frames
# in flight, device partitions, crashes, pauses and disconnections, link loss,
# duplication, reordering and latency, clock skew, devices logging out and in
# during invitations, and members quitting, joining and groups dismissed while
# their invitations ring. Everything heals at 20 s; in server mode no seed may
# break an invariant.
#
# Shards: s0 ivan judy (team); s1 dave erin grace (ops); s2 alice bob frank.
world seed=1 mode=server shards=3 latency=uniform(10ms,60ms)
users alice/2 bob dave erin frank grace ivan judy
group team owner=alice members=bob,dave,erin,ivan
group ops owner=ivan members=alice,frank,grace,judy

swarm intensity=0.8 until=20s

at 100ms alice invite dave timeout=8s as c1
at 200ms ivan invite bob timeout=6s as c2
at 300ms alice/2 invite-group team invitees=bob,dave,ivan timeout=10s as g1
at 400ms erin invite judy timeout=5s online-only as c3
at 500ms ivan invite-group ops invitees=alice,frank,grace timeout=9s as g2
at 1s dave accept c1
at 1s alice cancel c1
at 1.1s bob reject c2
at 1.2s bob/1 accept g1
at 1.3s ivan accept g1
at 1.3s alice/2 cancel g1
at 1.5s judy accept c3
at 1.6s grace accept g2
at 1.6s frank reject g2
at 1.7s ivan modify g2 data=v2
at 2s alice/2 accept g2
at 3s grace invite alice timeout=7s as c4
at 3.2s alice/1 accept c4
at 3.2s alice/2 reject c4
at 4s judy invite-group ops invitees=ivan,frank timeout=8s as g3
at 4.5s ivan modify g3 data=late
at 5s frank accept g3
at 5s judy cancel g3
at 6s bob invite-group team invitees=alice,erin timeout=9s as g4
at 6.5s erin accept g4
at 8s frank invite erin timeout=4s as c5
at 9s erin reject c5
# Generated traffic across the shards, its mix chosen per seed.
generate invites count=20 from=alice,ivan,erin,frank to=judy,dave,bob,grace rate=2/s start=1s timeout=6s
generate group-invites count=8 from=alice group=team to=bob,dave,erin,ivan rate=1/s start=1.5s timeout=8s
generate group-invites count=8 from=ivan group=ops to=alice,frank,grace,judy rate=1/s start=2s timeout=8s
run 60s
check
----
1500.000ms accept skipped: the invite of c3 failed
9000.000ms reject skipped: the invite of c5 failed
at   60000.000ms: summary of a busy run
  call                                               91
  callback OnInvitationCancelled                     8
  callback OnInvitationModified                      6
  callback OnInvitationTimeout                       100
  callback OnInviteeAccepted                         15
  callback OnInviteeRejected                         18
  callback OnReceiveNewInvitation                    115
  fault                                              24
  note                                               159
  result accept -> 6014 not logged in                1
  result accept -> 8010 invitation invalid           12
  result accept -> ok                                4
  result cancel -> 8010 invitation invalid           2
  result cancel -> ok                                4
  result invite -> 6014 not logged in                7
  result invite -> ok                                18
  result invite-group -> ok                          20
  result login -> ok                                 4
  result logout -> ok                                4
  result modify -> 8010 invitation invalid           1
  result modify -> ok                                1
  result reject -> 6014 not logged in                1
  result reject -> 8010 invitation invalid           6
  result reject -> ok                                6
ok: every invariant holds
