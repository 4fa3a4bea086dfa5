# A field report, turned into a scenario: "some students saw a raised hand
# that others never saw" (hands-agreement). Students raise their hands at the
# edge of the raise-hand invitation's timeout; the legacy SDK times the
# invitation out on each member's own clock from its arrival, so a late hand
# reaches some members after they timed it out (they drop it), others
# before: the members' lists differ.
world seed=44 mode=client latency=uniform(10ms,60ms) stop=never
users t stu1..stu6
group math owner=t members=stu1..stu6 app=classroom raise=0.2 late-raise=0.5 think-time=uniform(0,100ms) rounds=4 interval=30s

run until quiet
----
at  138000.000ms: summary of a busy run
  call                                               46
  callback OnEnterRoom                               7
  callback OnInvitationTimeout                       98
  callback OnInviteeAccepted                         114
  callback OnReceiveNewInvitation                    42
  callback OnRemoteUserEnterRoom                     24
  callback OnRemoteUserLeaveRoom                     18
  callback OnUserVideoAvailable                      42
  note                                               74
  result accept -> ok                                19
  result invite-group -> ok                          7
  violation                                          86

expect violation hands-agreement
expect violation agreement
expect violation no-resurrection
check
----
agreement violated at   40120.966ms (event 268) on stu3/1: t/1.0-1: stu2 learned accepted here, timed-out elsewhere
agreement violated at   40131.100ms (event 271) on stu1/1: t/1.0-1: stu2 learned accepted here, timed-out elsewhere
agreement violated at   40133.646ms (event 274) on stu4/1: t/1.0-1: stu2 learned accepted here, timed-out elsewhere
no-resurrection violated at   40138.946ms (event 293) on stu2/1: t/1.0-1 stu2 reported accepted after timed-out
agreement violated at   40138.946ms (event 294) on stu2/1: t/1.0-1: stu2 learned accepted here, timed-out first
agreement violated at   40139.206ms (event 297) on stu5/1: t/1.0-1: stu2 learned accepted here, timed-out elsewhere
agreement violated at   40140.830ms (event 308) on stu1/1: t/1.0-1: stu3 learned accepted here, timed-out elsewhere
agreement violated at   40141.895ms (event 311) on stu5/1: t/1.0-1: stu3 learned accepted here, timed-out elsewhere
agreement violated at   40146.983ms (event 322) on stu4/1: t/1.0-1: stu3 learned accepted here, timed-out elsewhere
agreement violated at   40147.012ms (event 325) on stu6/1: t/1.0-1: stu2 learned accepted here, timed-out elsewhere
agreement violated at   40147.777ms (event 328) on t/1: t/1.0-1: stu2 learned accepted here, timed-out elsewhere
no-resurrection violated at   40154.404ms (event 339) on stu3/1: t/1.0-1 stu3 reported accepted after timed-out
agreement violated at   40154.404ms (event 340) on stu3/1: t/1.0-1: stu3 learned accepted here, timed-out first
agreement violated at   40155.333ms (event 347) on t/1: t/1.0-1: stu3 learned accepted here, timed-out elsewhere
agreement violated at   40172.356ms (event 361) on stu2/1: t/1.0-1: stu3 learned accepted here, timed-out elsewhere
agreement violated at   40176.036ms (event 368) on stu6/1: t/1.0-1: stu3 learned accepted here, timed-out elsewhere
no-resurrection violated at   40182.044ms (event 394) on t/1: t/1.0-1 stu3 reported timed-out after accepted
no-resurrection violated at   40184.489ms (event 397) on stu1/1: t/1.0-1 stu3 reported timed-out after accepted
no-resurrection violated at   40184.489ms (event 400) on stu1/1: t/1.0-1 stu2 reported timed-out after accepted
no-resurrection violated at   40193.704ms (event 405) on stu2/1: t/1.0-1 stu3 reported timed-out after accepted
... and 66 more
