# The classroom flow of the source document on the reference classroom app
# (apps.Classroom): the class is group "math", its owner t the teacher, in
# the room class-math (the teacher an anchor with its camera on, the students
# in the audience). The teacher asks for hands; stu2 and stu4 raise theirs
# (accept); every member sees each accept and keeps the same list. The
# teacher invites stu2 to speak; stu2 accepts, goes on mic (switches to
# anchor, opens its camera: everyone sees it) for ten seconds, and goes back.
# The students who kept their hands down time out. The members' lists and the
# teacher's pick are notes ("class math round 1: hands [stu2 stu4]").
world seed=19 latency=40ms
users t stu1 stu2 stu3 stu4
group math owner=t members=stu1,stu2,stu3,stu4 app=classroom manual think-time=500ms speak-time=10s

at 1s t ask-hands math as hands
at 2s stu2 raise-hand
at 2.5s stu4 raise-hand
at 5s t pick-speaker math stu2 as speak
run 8s
----
      0.000ms t/1: enter-room class-math
      0.000ms stu1/1: enter-room class-math audience
      0.000ms stu2/1: enter-room class-math audience
      0.000ms stu3/1: enter-room class-math audience
      0.000ms stu4/1: enter-room class-math audience
     40.000ms r0: room class-math entered t
     40.000ms r0: room class-math entered stu1 audience
     40.000ms r0: room class-math entered stu2 audience
     40.000ms r0: room class-math entered stu3 audience
     40.000ms r0: room class-math entered stu4 audience
     80.000ms t/1: OnEnterRoom(class-math, ok)
     80.000ms t/1: video class-math on
     80.000ms stu1/1: OnEnterRoom(class-math, ok)
     80.000ms stu1/1: OnRemoteUserEnterRoom(class-math, user=t)
     80.000ms stu2/1: OnEnterRoom(class-math, ok)
     80.000ms stu2/1: OnRemoteUserEnterRoom(class-math, user=t)
     80.000ms stu3/1: OnEnterRoom(class-math, ok)
     80.000ms stu3/1: OnRemoteUserEnterRoom(class-math, user=t)
     80.000ms stu4/1: OnEnterRoom(class-math, ok)
     80.000ms stu4/1: OnRemoteUserEnterRoom(class-math, user=t)
    120.000ms r0: room class-math video t on
    160.000ms stu1/1: OnUserVideoAvailable(class-math, user=t, available=true)
    160.000ms stu2/1: OnUserVideoAvailable(class-math, user=t, available=true)
    160.000ms stu3/1: OnUserVideoAvailable(class-math, user=t, available=true)
    160.000ms stu4/1: OnUserVideoAvailable(class-math, user=t, available=true)
   1000.000ms t/1: invite-group math invitees=stu1,stu2,stu3,stu4 timeout=10s data="{\"cmd\":\"raise-hand\",\"round\":1}"
   1040.000ms s0: decided created hands inviter=t invitees=[stu1,stu2,stu3,stu4] timeout=10s group=math
   1080.000ms stu1/1: OnReceiveNewInvitation(hands, inviter=t, group=math, invitees=[stu1,stu2,stu3,stu4], data="{\"cmd\":\"raise-hand\",\"round\":1}")
   1080.000ms stu2/1: OnReceiveNewInvitation(hands, inviter=t, group=math, invitees=[stu1,stu2,stu3,stu4], data="{\"cmd\":\"raise-hand\",\"round\":1}")
   1080.000ms stu3/1: OnReceiveNewInvitation(hands, inviter=t, group=math, invitees=[stu1,stu2,stu3,stu4], data="{\"cmd\":\"raise-hand\",\"round\":1}")
   1080.000ms stu4/1: OnReceiveNewInvitation(hands, inviter=t, group=math, invitees=[stu1,stu2,stu3,stu4], data="{\"cmd\":\"raise-hand\",\"round\":1}")
   1080.000ms t/1: invite-group hands -> ok
   2000.000ms stu2/1: accept hands
   2040.000ms s0: decided hands stu2 accepted
   2080.000ms stu1/1: OnInviteeAccepted(hands, invitee=stu2, data="")
   2080.000ms stu3/1: OnInviteeAccepted(hands, invitee=stu2, data="")
   2080.000ms stu4/1: OnInviteeAccepted(hands, invitee=stu2, data="")
   2080.000ms t/1: OnInviteeAccepted(hands, invitee=stu2, data="")
   2080.000ms stu2/1: accept hands -> ok
   2500.000ms stu4/1: accept hands
   2540.000ms s0: decided hands stu4 accepted
   2580.000ms stu1/1: OnInviteeAccepted(hands, invitee=stu4, data="")
   2580.000ms stu2/1: OnInviteeAccepted(hands, invitee=stu4, data="")
   2580.000ms stu3/1: OnInviteeAccepted(hands, invitee=stu4, data="")
   2580.000ms t/1: OnInviteeAccepted(hands, invitee=stu4, data="")
   2580.000ms stu4/1: accept hands -> ok
   5000.000ms t/1: class math round 1: picks stu2
   5000.000ms t/1: invite-group math invitees=stu2 timeout=10s data="{\"cmd\":\"speak\",\"round\":1}"
   5040.000ms s0: decided created speak inviter=t invitees=[stu2] timeout=10s group=math
   5080.000ms stu1/1: OnReceiveNewInvitation(speak, inviter=t, group=math, invitees=[stu2], data="{\"cmd\":\"speak\",\"round\":1}")
   5080.000ms stu2/1: OnReceiveNewInvitation(speak, inviter=t, group=math, invitees=[stu2], data="{\"cmd\":\"speak\",\"round\":1}")
   5080.000ms stu3/1: OnReceiveNewInvitation(speak, inviter=t, group=math, invitees=[stu2], data="{\"cmd\":\"speak\",\"round\":1}")
   5080.000ms stu4/1: OnReceiveNewInvitation(speak, inviter=t, group=math, invitees=[stu2], data="{\"cmd\":\"speak\",\"round\":1}")
   5080.000ms t/1: invite-group speak -> ok
   5580.000ms stu2/1: accept speak
   5620.000ms s0: decided speak stu2 accepted
   5660.000ms stu1/1: OnInviteeAccepted(speak, invitee=stu2, data="")
   5660.000ms stu3/1: OnInviteeAccepted(speak, invitee=stu2, data="")
   5660.000ms stu4/1: OnInviteeAccepted(speak, invitee=stu2, data="")
   5660.000ms t/1: OnInviteeAccepted(speak, invitee=stu2, data="")
   5660.000ms stu2/1: accept speak -> ok
   5660.000ms stu2/1: class math round 1: on mic for 10s
   5660.000ms stu2/1: switch-role class-math anchor
   5660.000ms stu2/1: video class-math on
   5700.000ms r0: room class-math role stu2 anchor
   5700.000ms r0: room class-math video stu2 on
   5740.000ms t/1: OnRemoteUserEnterRoom(class-math, user=stu2)
   5740.000ms stu1/1: OnRemoteUserEnterRoom(class-math, user=stu2)
   5740.000ms stu3/1: OnRemoteUserEnterRoom(class-math, user=stu2)
   5740.000ms stu4/1: OnRemoteUserEnterRoom(class-math, user=stu2)
   5740.000ms t/1: OnUserVideoAvailable(class-math, user=stu2, available=true)
   5740.000ms stu1/1: OnUserVideoAvailable(class-math, user=stu2, available=true)
   5740.000ms stu3/1: OnUserVideoAvailable(class-math, user=stu2, available=true)
   5740.000ms stu4/1: OnUserVideoAvailable(class-math, user=stu2, available=true)

show hands
----
math t: [stu2 stu4]
math stu1: [stu2 stu4]
math stu2: [stu2 stu4]
math stu3: [stu2 stu4]
math stu4: [stu2 stu4]
classes: rounds=1 raised=2 no-hand-timeouts=0 no-hands=0 picked=1 spoke=1 on-mic=4 earlier-round=0 wrong-speakers=0 hands-disagreements=0

run until quiet
----
  11040.000ms s0: decided hands stu1 timed-out
  11040.000ms s0: decided hands stu3 timed-out
  11080.000ms stu1/1: OnInvitationTimeout(hands, invitees=[stu1,stu3])
  11080.000ms stu1/1: class math round 1: hands [stu2 stu4]
  11080.000ms stu2/1: OnInvitationTimeout(hands, invitees=[stu1,stu3])
  11080.000ms stu2/1: class math round 1: hands [stu2 stu4]
  11080.000ms stu3/1: OnInvitationTimeout(hands, invitees=[stu1,stu3])
  11080.000ms stu3/1: class math round 1: hands [stu2 stu4]
  11080.000ms stu4/1: OnInvitationTimeout(hands, invitees=[stu1,stu3])
  11080.000ms stu4/1: class math round 1: hands [stu2 stu4]
  11080.000ms t/1: OnInvitationTimeout(hands, invitees=[stu1,stu3])
  11080.000ms t/1: class math round 1: hands [stu2 stu4]
  15660.000ms stu2/1: class math round 1: off mic
  15660.000ms stu2/1: video class-math off
  15660.000ms stu2/1: switch-role class-math audience
  15700.000ms r0: room class-math video stu2 off
  15700.000ms r0: room class-math role stu2 audience
  15740.000ms t/1: OnUserVideoAvailable(class-math, user=stu2, available=false)
  15740.000ms stu1/1: OnUserVideoAvailable(class-math, user=stu2, available=false)
  15740.000ms stu3/1: OnUserVideoAvailable(class-math, user=stu2, available=false)
  15740.000ms stu4/1: OnUserVideoAvailable(class-math, user=stu2, available=false)
  15740.000ms t/1: OnRemoteUserLeaveRoom(class-math, user=stu2, reason=role)
  15740.000ms stu1/1: OnRemoteUserLeaveRoom(class-math, user=stu2, reason=role)
  15740.000ms stu3/1: OnRemoteUserLeaveRoom(class-math, user=stu2, reason=role)
  15740.000ms stu4/1: OnRemoteUserLeaveRoom(class-math, user=stu2, reason=role)

check
----
ok: every invariant holds
