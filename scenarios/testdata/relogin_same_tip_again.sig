# A member who left a group and logs in again hears the same change twice
# (bob left, joined, left again, as swarm churn planned it): the order check
# matches the tip the app hears with the first identical one after what it
# already heard of the shard, results included. It took the earlier one,
# decided before a result the app had heard, and called the fresh one out of
# order: a false alarm a review found (shrunk from faulty20 seed 9559).
world seed=9559 mode=server shards=2 latency=uniform(10ms,80ms)
users alice/2 bob/2 carol dave erin
group team owner=alice members=bob,carol,dave,erin
swarm intensity=0.8 until=20s
generate invites count=15 from=alice,bob,carol to=dave,erin,alice rate=1/s start=2s timeout=6s
run 60s
check
----
at   60000.000ms: summary of a busy run
  call                                               39
  callback OnInvitationCancelled                     3
  callback OnInvitationTimeout                       15
  callback OnInviteeAccepted                         1
  callback OnInviteeRejected                         1
  callback OnMemberEnter                             22
  callback OnMemberLeave                             22
  callback OnReceiveNewInvitation                    22
  fault                                              34
  note                                               75
  result accept -> ok                                1
  result cancel -> ok                                2
  result invite -> 6014 not logged in                2
  result invite -> ok                                13
  result join-group -> ok                            3
  result login -> 6014 not logged in                 1
  result login -> ok                                 8
  result logout -> ok                                5
  result quit-group -> ok                            3
  result reject -> ok                                1
ok: every invariant holds
