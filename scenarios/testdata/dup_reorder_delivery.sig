# Duplicated and reordered delivery (server mode). Every link duplicates 30 % of
# frames and reorders 30 % of them (and loses 5 %), and dup-next forces a
# duplicate of one exact push. The message layer below the SDK (session
# sequence numbers, acks, retransmission, request IDs remembered per user)
# absorbs all of it: every callback fires exactly once, in order (the accept is
# never reported before the invitation), and the shard applies each request
# once. Compare the counts with the frames duplicated.
world seed=24 mode=server latency=uniform(10ms,80ms) dup=30% reorder=30% loss=5%
users alice bob carol dave
group team owner=alice members=bob,carol,dave

at 300ms dup-next "to=bob invite"
at 500ms alice invite bob timeout=20s as call
at 600ms alice invite-group team invitees=bob,carol,dave timeout=20s as g
at 2s bob accept call
at 2s bob accept g
at 2.1s carol reject g
at 2.2s alice modify g data="v2"
at 3s alice cancel g
run 30s
----
    500.000ms alice/1: invite bob timeout=20s
    549.990ms s0: decided created call inviter=alice invitees=[bob] timeout=20s
    549.990ms s0: dup-next: PUSH s=1 seq=1 from=alice/1 to=bob invite call inviter=alice invitees=[bob] timeout=20s
    600.000ms alice/1: invite-group team invitees=bob,carol,dave timeout=20s
    608.767ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="")
    615.927ms alice/1: invite call -> ok
    664.573ms s0: decided created g inviter=alice invitees=[bob,carol,dave] timeout=20s group=team
    700.177ms dave/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
    712.311ms bob/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
    727.013ms alice/1: invite-group g -> ok
   1723.396ms carol/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[bob,carol,dave], data="")
   2000.000ms bob/1: accept call
   2000.000ms bob/1: accept g
   2031.952ms s0: decided call bob accepted
   2031.952ms s0: decided g bob accepted
   2066.354ms dave/1: OnInviteeAccepted(g, invitee=bob, data="")
   2081.966ms alice/1: OnInviteeAccepted(call, invitee=bob, data="")
   2081.966ms alice/1: OnInviteeAccepted(g, invitee=bob, data="")
   2099.687ms carol/1: OnInviteeAccepted(g, invitee=bob, data="")
   2100.000ms carol/1: reject g
   2109.710ms bob/1: accept g -> ok
   2109.710ms bob/1: accept call -> ok
   2154.214ms s0: decided g carol rejected
   2178.586ms bob/1: OnInviteeRejected(g, invitee=carol, data="")
   2185.991ms alice/1: OnInviteeRejected(g, invitee=carol, data="")
   2200.000ms alice/1: modify g data="v2"
   2215.771ms carol/1: reject g -> ok
   2221.010ms dave/1: OnInviteeRejected(g, invitee=carol, data="")
   2248.341ms s0: decided modified g
   2260.397ms alice/1: modify g -> ok
   2276.944ms carol/1: OnInvitationModified(g, data="v2")
   2285.793ms dave/1: OnInvitationModified(g, data="v2")
   2320.308ms bob/1: OnInvitationModified(g, data="v2")
   3000.000ms alice/1: cancel g
   3020.498ms s0: decided g dave cancelled
   3033.932ms carol/1: OnInvitationCancelled(g, inviter=alice, data="", cancelled=[dave])
   3062.450ms bob/1: OnInvitationCancelled(g, inviter=alice, data="", cancelled=[dave])
   3099.366ms dave/1: OnInvitationCancelled(g, inviter=alice, data="", cancelled=[dave])
   3100.102ms alice/1: cancel g -> ok

expect call bob=accepted
expect g bob=accepted carol=rejected dave=cancelled
expect count OnReceiveNewInvitation = 4
expect count OnInvitationModified = 3
expect count dups > 10
expect violations 0
check
----
ok: every invariant holds

# One device's link alone: reordering and duplication on bob's link only.
at 31s link bob dup=50% reorder=50% latency=uniform(5ms,200ms)
at 31.5s alice invite bob timeout=10s as call2
at 33s bob reject call2 data="busy"
run 15s
----
  31000.000ms bob/1: link latency=uniform(5ms,200ms) loss=0.05 dup=0.5 reorder=0.5 bandwidth=0
  31500.000ms alice/1: invite bob timeout=10s
  31558.279ms s0: decided created call2 inviter=alice invitees=[bob] timeout=10s
  31570.705ms alice/1: invite call2 -> ok
  31580.550ms bob/1: OnReceiveNewInvitation(call2, inviter=alice, group=, invitees=[bob], data="")
  33000.000ms bob/1: reject call2 data="busy"
  33121.529ms s0: decided call2 bob rejected
  33138.043ms bob/1: reject call2 -> ok
  33162.647ms alice/1: OnInviteeRejected(call2, invitee=bob, data="busy")

expect call2 bob=rejected
expect count OnInviteeRejected = 4
expect violations 0
heal
check
----
ok: every invariant holds
