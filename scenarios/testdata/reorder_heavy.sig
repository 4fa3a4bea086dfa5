# Heavy reordering, no loss (server mode): half the frames on every device link
# may overtake the ones before them. alice sends bob 200 invitations at 100/s,
# none answered, each with a 3 s timeout, so each device has many pushes in
# flight at once. A device keeps a push that arrives before its turn (up to 64)
# and applies it as soon as the gap before it fills, acking cumulatively, so
# reordering only delays: no push is thrown away to be resent, the run costs
# about the frames of an ordered one (some 4,000 events; discarding
# out-of-order pushes cost ten times that, and left invitations listed past
# their time), and every invitation times out everywhere.
world seed=1 mode=server latency=uniform(10ms,80ms) reorder=50%
users alice bob
generate invites count=200 from=alice to=bob rate=100/s start=1s timeout=3s
run 30s
expect count OnInvitationTimeout = 400
expect count events < 6000
check
----
at   30000.000ms: summary of a busy run
  call                                               200
  callback OnInvitationTimeout                       400
  callback OnReceiveNewInvitation                    200
  note                                               400
  result invite -> ok                                200
ok: every invariant holds
