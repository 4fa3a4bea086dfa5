# The class of speaker_without_raised_hand.client.sig with the reference
# teacher app (it picks the first hand it saw) in server mode: every student
# invited to speak raised a hand.
world seed=21 mode=server latency=uniform(20ms,60ms)
users t stu1..stu6
group math owner=t members=stu1..stu6 app=classroom raise=0.3 rounds=3 interval=20s

run until quiet
----
at   70241.814ms: summary of a busy run
  call                                               30
  callback OnEnterRoom                               7
  callback OnInvitationTimeout                       21
  callback OnInviteeAccepted                         54
  callback OnReceiveNewInvitation                    30
  callback OnRemoteUserEnterRoom                     18
  callback OnRemoteUserLeaveRoom                     12
  callback OnUserVideoAvailable                      30
  note                                               76
  result accept -> ok                                9
  result invite-group -> ok                          5

expect violations 0
check
----
ok: every invariant holds
