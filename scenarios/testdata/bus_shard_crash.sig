# Shard crashes during cross-shard traffic (server mode), with a slow bus
# (50 ms) so that frames are caught in flight. alice and dave live on s1, bob
# and carol on s0. s0 crashes while alice's invitation is on its way to it:
# the frame is lost, and s1 resends it once s0 is back (its bus RTO backs
# off, 1 s then 2 s: the resend at 3.12 s is the first to find s0 up, and
# with no fresh sample since, the link's RTO stays at 4 s; the frames after
# the lost one wait for its resend at 7.57 s). Later s0 crashes again
# while the answer to bob's accept is in flight: bob's request log survives the
# crash, and the resent answer completes it. Last, s1 crashes right after
# sending dave's invitation to carol: the frame arrives, but s0's ack is lost
# with s1, which resends from its durable outbox after its restart; s0 knows it
# applied it and drops the copy.
world seed=3 mode=server shards=2 latency=20ms shard-latency=50ms
users alice bob carol dave
at 100ms alice invite bob timeout=20s as c1
at 150ms crash s0
at 2s restart s0
at 3.5s bob accept c1
at 3.6s crash s0
at 4.5s restart s0
at 5s dave invite carol timeout=20s as c2
at 5.03s crash s1
at 6s restart s1
at 8s carol accept c2
run 40s
expect c1 bob=accepted
expect result bob accept c1 = ok
expect c2 carol=accepted
expect result carol accept c2 = ok
expect result dave invite c2 = ok
check
----
    100.000ms alice/1: invite bob timeout=20s
    120.000ms s1: decided created c1 inviter=alice invitees=[bob] timeout=20s
    140.000ms alice/1: invite c1 -> ok
    150.000ms s0: crash
   2000.000ms s0: restart
   3190.000ms bob/1: OnReceiveNewInvitation(c1, inviter=alice, group=, invitees=[bob], data="")
   3500.000ms bob/1: accept c1
   3570.000ms s1: decided c1 bob accepted
   3590.000ms alice/1: OnInviteeAccepted(c1, invitee=bob, data="")
   3600.000ms s0: crash
   4500.000ms s0: restart
   5000.000ms dave/1: invite carol timeout=20s
   5020.000ms s1: decided created c2 inviter=dave invitees=[carol] timeout=20s
   5030.000ms s1: crash
   6000.000ms s1: restart
   6080.000ms dave/1: invite c2 -> ok
   7640.000ms bob/1: accept c1 -> ok
   7640.000ms carol/1: OnReceiveNewInvitation(c2, inviter=dave, group=, invitees=[carol], data="")
   8000.000ms carol/1: accept c2
   8070.000ms s1: decided c2 carol accepted
   8090.000ms dave/1: OnInviteeAccepted(c2, invitee=carol, data="")
   8140.000ms carol/1: accept c2 -> ok
ok: every invariant holds
