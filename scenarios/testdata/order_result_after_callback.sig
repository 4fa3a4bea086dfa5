# The app hears one stream of results and callbacks, in the shard's order: an
# API result that waited for a push is reported after that push's callback,
# even when the push and the result it releases arrive together (DESIGN §4,
# invariant 8). Here alice cancels as bob accepts; the cancel's push to bob is
# lost, so bob's 8010 waits for it, and when the resent push arrives bob's app
# hears OnInvitationCancelled first, then the refusal. The same in a group
# call: carol rejects just after alice changed the data, the modify's pushes to
# bob and carol are lost, and carol's "reject ok" waits for
# OnInvitationModified.
world seed=11 mode=server latency=30ms
users alice bob carol dave
group team owner=alice members=bob,carol,dave

at 100ms alice invite bob timeout=30s as c
at 1s drop-next "to=bob cancel"
at 1s alice cancel c
at 1010ms bob accept c
run 4s
----
    100.000ms alice/1: invite bob timeout=30s
    130.000ms s0: decided created c inviter=alice invitees=[bob] timeout=30s
    160.000ms bob/1: OnReceiveNewInvitation(c, inviter=alice, group=, invitees=[bob], data="")
    160.000ms alice/1: invite c -> ok
   1000.000ms alice/1: cancel c
   1010.000ms bob/1: accept c
   1030.000ms s0: decided c bob cancelled
   1030.000ms s0: drop-next: PUSH s=2 seq=2 from=alice/1 to=bob cancel c inviter=alice invitees=[bob] timeout=30s
   1060.000ms alice/1: cancel c -> ok
   2060.000ms bob/1: OnInvitationCancelled(c, inviter=alice, data="", cancelled=[bob])
   2060.000ms bob/1: accept c -> 8010 invitation invalid (unknown invitation c)

expect result bob accept c = 8010
at 5s alice invite-group team invitees=carol,dave timeout=30s as g
at 6s drop-next "group=team modify"
at 6s drop-next "group=team modify"
at 6s alice modify g data=v2
at 6010ms carol reject g
run 4s
----
   5000.000ms alice/1: invite-group team invitees=carol,dave timeout=30s
   5030.000ms s0: decided created g inviter=alice invitees=[carol,dave] timeout=30s group=team
   5060.000ms bob/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[carol,dave], data="")
   5060.000ms carol/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[carol,dave], data="")
   5060.000ms dave/1: OnReceiveNewInvitation(g, inviter=alice, group=team, invitees=[carol,dave], data="")
   5060.000ms alice/1: invite-group g -> ok
   6000.000ms alice/1: modify g data="v2"
   6010.000ms carol/1: reject g
   6030.000ms s0: decided modified g
   6030.000ms s0: drop-next: PUSH s=4 seq=4 from=alice/1 group=team modify g inviter=alice group=team invitees=[carol,dave] timeout=30s data="v2"
   6030.000ms s0: drop-next: PUSH s=2 seq=2 from=alice/1 group=team modify g inviter=alice group=team invitees=[carol,dave] timeout=30s data="v2"
   6040.000ms s0: decided g carol rejected
   6060.000ms dave/1: OnInvitationModified(g, data="v2")
   6060.000ms alice/1: modify g -> ok
   6070.000ms alice/1: OnInviteeRejected(g, invitee=carol, data="")
   6070.000ms dave/1: OnInviteeRejected(g, invitee=carol, data="")
   7060.000ms bob/1: OnInvitationModified(g, data="v2")
   7060.000ms bob/1: OnInviteeRejected(g, invitee=carol, data="")
   7060.000ms carol/1: OnInvitationModified(g, data="v2")
   7060.000ms carol/1: reject g -> ok

expect g carol=rejected
check
----
ok: every invariant holds
