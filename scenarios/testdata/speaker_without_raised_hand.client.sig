# A field report, turned into a scenario: "the teacher's app called on a
# student who never raised a hand" (speaker-raised). A teacher app that picks
# anyone (pick=anyone) over three rounds of a class of six, in client mode.
world seed=21 mode=client latency=uniform(20ms,60ms) stop=never
users t stu1..stu6
group math owner=t members=stu1..stu6 app=classroom raise=0.3 rounds=3 interval=20s pick=anyone

run until quiet
----
at   78000.000ms: summary of a busy run
  call                                               35
  callback OnEnterRoom                               7
  callback OnInvitationTimeout                       84
  callback OnInviteeAccepted                         54
  callback OnReceiveNewInvitation                    36
  callback OnRemoteUserEnterRoom                     24
  callback OnRemoteUserLeaveRoom                     18
  callback OnUserVideoAvailable                      42
  note                                               56
  result accept -> ok                                9
  result invite-group -> ok                          6
  violation                                          3

expect violation speaker-raised
check
----
speaker-raised violated at   23000.000ms (event 381) on t/1: t invites stu1 to speak in class math round 1; the raised hands are [stu2 stu4 stu5 stu6]
speaker-raised violated at   43000.000ms (event 792) on t/1: t invites stu1 to speak in class math round 2; the raised hands are [stu6]
speaker-raised violated at   63000.000ms (event 1247) on t/1: t invites stu1 to speak in class math round 3; the raised hands are []
