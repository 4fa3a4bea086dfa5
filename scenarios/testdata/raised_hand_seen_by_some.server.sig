# The late hands of raised_hand_seen_by_some.client.sig in server mode: the
# shard decides each hand against the deadline once, for everyone, and every
# member ends up with the same list.
world seed=44 mode=server latency=uniform(10ms,60ms)
users t stu1..stu6
group math owner=t members=stu1..stu6 app=classroom raise=0.2 late-raise=0.5 think-time=uniform(0,100ms) rounds=4 interval=30s

run until quiet
----
at  134262.338ms: summary of a busy run
  call                                               46
  callback OnEnterRoom                               7
  callback OnInvitationTimeout                       28
  callback OnInviteeAccepted                         66
  callback OnReceiveNewInvitation                    42
  callback OnRemoteUserEnterRoom                     24
  callback OnRemoteUserLeaveRoom                     18
  callback OnUserVideoAvailable                      42
  note                                               108
  result accept -> 8010 invitation invalid           8
  result accept -> ok                                11
  result invite-group -> ok                          7

expect violations 0
check
----
ok: every invariant holds
