# A pattern that matches no frame does nothing, and says so: the release of
# a hold that held nothing, in time order with the events, and a drop-next
# or dup-next that never matched, at the end of the block that ran last.
# (These are the patterns LANGUAGE.md once gave: frames have no from= or
# action= fields.)

world seed=1 latency=20ms
users alice bob
at 1s hold "from=alice action=cancel" as held
at 1s drop-next "to=bob action=invite"
at 1s dup-next "to=alice action=accept"
at 2s alice invite bob timeout=30s as c
at 3s alice cancel c
at 9s release held
run 40s
----
   2000.000ms alice/1: invite bob timeout=30s
   2020.000ms s0: decided created c inviter=alice invitees=[bob] timeout=30s
   2040.000ms bob/1: OnReceiveNewInvitation(c, inviter=alice, group=, invitees=[bob], data="")
   2040.000ms alice/1: invite c -> ok
   3000.000ms alice/1: cancel c
   3020.000ms s0: decided c bob cancelled
   3040.000ms bob/1: OnInvitationCancelled(c, inviter=alice, data="", cancelled=[bob])
   3040.000ms alice/1: cancel c -> ok
   9000.000ms release held: nothing matched its pattern
  40000.000ms drop-next "to=bob action=invite" matched no frame
  40000.000ms dup-next "to=alice action=accept" matched no frame

expect c bob=cancelled
