# Termination is judged only once every fault has healed. bob is cut off from
# his shard before his 2 s invitation times out, so he still lists it long
# after its due time: with the partition still in force that is right, not a
# violation, and check says it did not judge termination and why. Once the
# partition heals, bob's session resumes, he learns of the timeout, and the
# verdict is judged (and clean).
world seed=3 mode=server latency=20ms
users alice bob

at 100ms alice invite bob timeout=2s as c1
at 500ms partition bob | s0
run 30s
----
    100.000ms alice/1: invite bob timeout=2s
    120.000ms s0: decided created c1 inviter=alice invitees=[bob] timeout=2s
    140.000ms bob/1: OnReceiveNewInvitation(c1, inviter=alice, group=, invitees=[bob], data="")
    140.000ms alice/1: invite c1 -> ok
    500.000ms world: partition bob/1 <-> s0
   2120.000ms s0: decided c1 bob timed-out
   2140.000ms alice/1: OnInvitationTimeout(c1, invitees=[bob])

show invitations
----
bob/1: c1 inviter=alice invitees=[bob:pending]

check
----
termination not judged: partition bob/1 <-> s0 still active
ok: every other invariant holds

heal
run 15s
----
  30000.000ms world: heal all
  33140.000ms bob/1: OnInvitationTimeout(c1, invitees=[bob])

show invitations
----
no live invitations

check
----
ok: every invariant holds
