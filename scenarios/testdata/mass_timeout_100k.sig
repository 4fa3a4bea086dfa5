# Mass timeout: 100,000 one-to-one invitations from 100 callers to 100
# callees at 10,000/s (a Poisson arrival process), none answered, all left to
# time out after 30 s (generation starts at 1 s, once every device has logged in). Each timeout reaches the inviter and the invitee, so
# 200,000 OnInvitationTimeout; nothing stays on the shard. The run keeps no
# trace (a large generated workload), so `run` prints counters.
world seed=12 mode=server latency=uniform(20ms,80ms) shards=4
users u1..u200

generate invites count=100000 from=u1..u100 to=u101..u200 rate=10000/s timeout=30s start=1s
run 1m
----
at   60000.000ms: summary of a busy run
  callbacks                                          300000
  calls                                              100200
  events                                             2234325
  results                                            100200

expect count OnReceiveNewInvitation = 100000
expect count OnInvitationTimeout = 200000
expect count OnInviteeAccepted = 0
expect count calls = 100200
expect violations 0
show server
----
s0: users=49 sessions=49 invitations=0 stored=98000 tracked=49000 groups=0 unacked=0
s1: users=50 sessions=50 invitations=0 stored=100000 tracked=50000 groups=0 unacked=0
s2: users=51 sessions=51 invitations=0 stored=102000 tracked=51000 groups=0 unacked=0
s3: users=50 sessions=50 invitations=0 stored=100000 tracked=50000 groups=0 unacked=0

check
----
ok: every invariant holds
