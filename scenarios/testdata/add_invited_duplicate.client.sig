# AddInvitedSignaling in client mode (legacy SDK), the offline-invitee
# duplicate. Reported field behaviour reproduced: "after answering a call from
# the offline push, the phone rang again for the same call". bob injects the
# invitation from the offline push and accepts it; the legacy SDK forgets an
# invitation once every invitee is final, so when the stored invite is synced
# afterwards (held here until 8 s) it is taken for a new one:
# OnReceiveNewInvitation fires a second time after bob's own accept
# (exactly-once), his new timer then times it out at 38 s and announces it, so
# alice, told accepted, is later told timed out (agreement, no-resurrection).
# A second add-invited while the invitation is still listed is 8012 (carol).
# In server mode the shard's echo keeps the order: add_invited_duplicate.sig.
world seed=16 mode=client latency=40ms rto=20s stop=never
users alice bob carol

at 100ms alice invite bob data="{\"roomID\":9}" timeout=30s as call
at 4s hold "to=bob invite" as sync
at 5s bob login
at 6s bob add-invited call
at 6.5s bob accept call
at 8s release sync
at 10s alice invite carol timeout=30s as call2
at 11s carol add-invited call2
at 12s carol reject call2
run 40s
----
    100.000ms alice/1: invite bob timeout=30s data="{\"roomID\":9}"
    140.000ms s0: offline-push to=bob title="call from alice" invite call inviter=alice invitees=[bob] timeout=30s data="{\"roomID\":9}"
    180.000ms alice/1: invite call -> ok
   5000.000ms bob/1: login
   5040.000ms s0: hold sync: PUSH s=1 seq=1 from=alice/1 to=bob invite call inviter=alice invitees=[bob] timeout=30s data="{\"roomID\":9}"
   5080.000ms bob/1: login -> ok
   6000.000ms bob/1: add-invited call
   6000.000ms bob/1: add-invited call -> ok
   6500.000ms bob/1: accept call
   6580.000ms alice/1: OnInviteeAccepted(call, invitee=bob, data="")
   6580.000ms bob/1: accept call -> ok
   8000.000ms s0: release sync: PUSH s=1 seq=1 from=alice/1 to=bob invite call inviter=alice invitees=[bob] timeout=30s data="{\"roomID\":9}"
   8040.000ms bob/1: OnReceiveNewInvitation(call, inviter=alice, group=, invitees=[bob], data="{\"roomID\":9}")
   8040.000ms world: exactly-once on bob/1: received invitation call again
  10000.000ms alice/1: invite carol timeout=30s
  10080.000ms carol/1: OnReceiveNewInvitation(call2, inviter=alice, group=, invitees=[carol], data="")
  10080.000ms alice/1: invite call2 -> ok
  11000.000ms carol/1: add-invited call2
  11000.000ms carol/1: add-invited call2 -> 8012 invitation already exists
  12000.000ms carol/1: reject call2
  12080.000ms alice/1: OnInviteeRejected(call2, invitee=carol, data="")
  12080.000ms carol/1: reject call2 -> ok
  38040.000ms bob/1: OnInvitationTimeout(call, invitees=[bob])
  38040.000ms world: no-resurrection on bob/1: call bob reported timed-out after accepted
  38040.000ms world: agreement on bob/1: call: bob learned timed-out here, accepted first
  38120.000ms alice/1: OnInvitationTimeout(call, invitees=[bob])
  38120.000ms world: no-resurrection on alice/1: call bob reported timed-out after accepted
  38120.000ms world: agreement on alice/1: call: bob learned timed-out here, accepted first

expect result bob add-invited call = ok
expect result bob accept call = ok
expect result carol add-invited call2 = 8012
expect violation exactly-once
expect violation agreement
expect violation no-resurrection
check
----
exactly-once violated at    8040.000ms (event 44) on bob/1: received invitation call again
no-resurrection violated at   38040.000ms (event 78) on bob/1: call bob reported timed-out after accepted
agreement violated at   38040.000ms (event 79) on bob/1: call: bob learned timed-out here, accepted first
no-resurrection violated at   38120.000ms (event 86) on alice/1: call bob reported timed-out after accepted
agreement violated at   38120.000ms (event 87) on alice/1: call: bob learned timed-out here, accepted first
