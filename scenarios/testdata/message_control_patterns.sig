# The patterns of LANGUAGE.md's message control examples, run: a pattern is
# a substring of a frame's canonical text, as show trace prints it (but for
# invitation IDs, which show trace writes as the file's handles and a pattern
# cannot name), so each of these matches the frames it names. The hold keeps the server's push of alice's
# cancel to bob (and the response to alice, which carries the same message)
# until the release; drop-next drops the push of bob's invitation; dup-next
# sends the push of bob's accept to alice twice.

world seed=1 latency=20ms
users alice bob carol
at 1s hold "to=bob cancel" as held
at 1s drop-next "to=carol invite"
at 1s dup-next "to=alice accept"
at 2s alice invite bob timeout=30s as c
at 2s alice invite carol timeout=30s as c2
at 2.5s bob accept c
at 3s alice invite bob timeout=30s as c3
at 3.5s alice cancel c3
at 4s release held
run 40s
----
   2000.000ms alice/1: invite bob timeout=30s
   2000.000ms alice/1: invite carol timeout=30s
   2020.000ms s0: decided created c inviter=alice invitees=[bob] timeout=30s
   2020.000ms s0: decided created c2 inviter=alice invitees=[carol] timeout=30s
   2020.000ms s0: drop-next: PUSH s=1 seq=1 from=alice/1 to=carol invite c2 inviter=alice invitees=[carol] timeout=30s
   2040.000ms bob/1: OnReceiveNewInvitation(c, inviter=alice, group=, invitees=[bob], data="")
   2040.000ms alice/1: invite c -> ok
   2040.000ms alice/1: invite c2 -> ok
   2500.000ms bob/1: accept c
   2520.000ms s0: decided c bob accepted
   2520.000ms s0: dup-next: PUSH s=3 seq=3 from=bob/1 to=alice accept c inviter=alice invitees=[bob] timeout=30s
   2540.000ms alice/1: OnInviteeAccepted(c, invitee=bob, data="")
   2540.000ms bob/1: accept c -> ok
   3000.000ms alice/1: invite bob timeout=30s
   3020.000ms s0: decided created c3 inviter=alice invitees=[bob] timeout=30s
   3040.000ms carol/1: OnReceiveNewInvitation(c2, inviter=alice, group=, invitees=[carol], data="")
   3040.000ms bob/1: OnReceiveNewInvitation(c3, inviter=alice, group=, invitees=[bob], data="")
   3040.000ms alice/1: invite c3 -> ok
   3500.000ms alice/1: cancel c3
   3520.000ms s0: decided c3 bob cancelled
   3520.000ms s0: hold held: PUSH s=4 seq=4 from=alice/1 to=bob cancel c3 inviter=alice invitees=[bob] timeout=30s
   3520.000ms s0: hold held: RESP #4 ok + s=5 seq=5 from=alice/1 to=bob cancel c3 inviter=alice invitees=[bob] timeout=30s
   4000.000ms s0: release held: PUSH s=4 seq=4 from=alice/1 to=bob cancel c3 inviter=alice invitees=[bob] timeout=30s
   4000.000ms s0: release held: RESP #4 ok + s=5 seq=5 from=alice/1 to=bob cancel c3 inviter=alice invitees=[bob] timeout=30s
   4020.000ms bob/1: OnInvitationCancelled(c3, inviter=alice, data="", cancelled=[bob])
   4020.000ms alice/1: cancel c3 -> ok
  32020.000ms s0: decided c2 carol timed-out
  32040.000ms alice/1: OnInvitationTimeout(c2, invitees=[carol])
  32040.000ms carol/1: OnInvitationTimeout(c2, invitees=[carol])

expect c bob=accepted
expect c3 bob=cancelled
expect count drops >= 1
