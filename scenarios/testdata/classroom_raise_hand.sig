# The classroom flow of the source document. The teacher invites the class to
# raise hands (inviteInGroup, data "raise-hand"); every member of the group
# receives OnReceiveNewInvitation and every OnInviteeAccepted, so all students
# see who raised a hand. The teacher then invites one of them (stu2) to speak
# (data "speak"); stu2 accepts and everyone sees it. Students who never raised a
# hand time out at 20 s, and every member, inviter included, gets the timeout.
world seed=5 mode=server latency=uniform(20ms,60ms)
users teacher stu1 stu2 stu3 stu4
group class owner=teacher members=stu1,stu2,stu3,stu4

at 500ms teacher invite-group class invitees=stu1,stu2,stu3,stu4 data="{\"cmd\":\"raise-hand\"}" timeout=20s as hands
at 2s stu2 accept hands data="{\"cmd\":\"raise-hand\"}"
at 3s stu4 accept hands data="{\"cmd\":\"raise-hand\"}"
at 5s teacher invite-group class invitees=stu2 data="{\"cmd\":\"speak\"}" timeout=20s as speak
at 6s stu2 accept speak data="{\"cmd\":\"speak\"}"
run 30s
----
    500.000ms teacher/1: invite-group class invitees=stu1,stu2,stu3,stu4 timeout=20s data="{\"cmd\":\"raise-hand\"}"
    549.949ms s0: decided created hands inviter=teacher invitees=[stu1,stu2,stu3,stu4] timeout=20s group=class
    575.926ms stu2/1: OnReceiveNewInvitation(hands, inviter=teacher, group=class, invitees=[stu1,stu2,stu3,stu4], data="{\"cmd\":\"raise-hand\"}")
    586.094ms stu4/1: OnReceiveNewInvitation(hands, inviter=teacher, group=class, invitees=[stu1,stu2,stu3,stu4], data="{\"cmd\":\"raise-hand\"}")
    588.942ms stu3/1: OnReceiveNewInvitation(hands, inviter=teacher, group=class, invitees=[stu1,stu2,stu3,stu4], data="{\"cmd\":\"raise-hand\"}")
    596.561ms teacher/1: invite-group hands -> ok
    608.187ms stu1/1: OnReceiveNewInvitation(hands, inviter=teacher, group=class, invitees=[stu1,stu2,stu3,stu4], data="{\"cmd\":\"raise-hand\"}")
   2000.000ms stu2/1: accept hands data="{\"cmd\":\"raise-hand\"}"
   2024.308ms s0: decided hands stu2 accepted
   2047.397ms stu3/1: OnInviteeAccepted(hands, invitee=stu2, data="{\"cmd\":\"raise-hand\"}")
   2064.324ms stu2/1: accept hands -> ok
   2066.492ms stu4/1: OnInviteeAccepted(hands, invitee=stu2, data="{\"cmd\":\"raise-hand\"}")
   2071.078ms stu1/1: OnInviteeAccepted(hands, invitee=stu2, data="{\"cmd\":\"raise-hand\"}")
   2075.296ms teacher/1: OnInviteeAccepted(hands, invitee=stu2, data="{\"cmd\":\"raise-hand\"}")
   3000.000ms stu4/1: accept hands data="{\"cmd\":\"raise-hand\"}"
   3049.763ms s0: decided hands stu4 accepted
   3070.485ms stu2/1: OnInviteeAccepted(hands, invitee=stu4, data="{\"cmd\":\"raise-hand\"}")
   3097.384ms stu4/1: accept hands -> ok
   3098.117ms stu3/1: OnInviteeAccepted(hands, invitee=stu4, data="{\"cmd\":\"raise-hand\"}")
   3100.682ms stu1/1: OnInviteeAccepted(hands, invitee=stu4, data="{\"cmd\":\"raise-hand\"}")
   3100.766ms teacher/1: OnInviteeAccepted(hands, invitee=stu4, data="{\"cmd\":\"raise-hand\"}")
   5000.000ms teacher/1: invite-group class invitees=stu2 timeout=20s data="{\"cmd\":\"speak\"}"
   5037.275ms s0: decided created speak inviter=teacher invitees=[stu2] timeout=20s group=class
   5078.339ms stu1/1: OnReceiveNewInvitation(speak, inviter=teacher, group=class, invitees=[stu2], data="{\"cmd\":\"speak\"}")
   5079.800ms stu4/1: OnReceiveNewInvitation(speak, inviter=teacher, group=class, invitees=[stu2], data="{\"cmd\":\"speak\"}")
   5080.481ms stu2/1: OnReceiveNewInvitation(speak, inviter=teacher, group=class, invitees=[stu2], data="{\"cmd\":\"speak\"}")
   5087.225ms teacher/1: invite-group speak -> ok
   5089.912ms stu3/1: OnReceiveNewInvitation(speak, inviter=teacher, group=class, invitees=[stu2], data="{\"cmd\":\"speak\"}")
   6000.000ms stu2/1: accept speak data="{\"cmd\":\"speak\"}"
   6053.031ms s0: decided speak stu2 accepted
   6075.560ms stu3/1: OnInviteeAccepted(speak, invitee=stu2, data="{\"cmd\":\"speak\"}")
   6081.052ms stu4/1: OnInviteeAccepted(speak, invitee=stu2, data="{\"cmd\":\"speak\"}")
   6089.197ms teacher/1: OnInviteeAccepted(speak, invitee=stu2, data="{\"cmd\":\"speak\"}")
   6096.049ms stu2/1: accept speak -> ok
   6110.661ms stu1/1: OnInviteeAccepted(speak, invitee=stu2, data="{\"cmd\":\"speak\"}")
  20549.949ms s0: decided hands stu1 timed-out
  20549.949ms s0: decided hands stu3 timed-out
  20574.683ms stu2/1: OnInvitationTimeout(hands, invitees=[stu1,stu3])
  20585.161ms teacher/1: OnInvitationTimeout(hands, invitees=[stu1,stu3])
  20592.114ms stu1/1: OnInvitationTimeout(hands, invitees=[stu1,stu3])
  20599.219ms stu4/1: OnInvitationTimeout(hands, invitees=[stu1,stu3])
  20606.732ms stu3/1: OnInvitationTimeout(hands, invitees=[stu1,stu3])

expect hands stu1=timed-out stu2=accepted stu3=timed-out stu4=accepted
expect speak stu2=accepted
expect count OnInviteeAccepted = 12
expect violations 0
check
----
ok: every invariant holds
