# A device hears its own modifications as callbacks after a logout. alice
# modifies her call twice, logs out and logs in: the sync brings the invite
# and both modifications, which her new session did not make, as
# OnInvitationModified. The order check used to take her device's own
# modifications (by name) as results, pairing d2's callback with d3's
# decision and reporting d3's as heard twice: a false alarm.
world seed=1 mode=server latency=30ms
users alice bob
at 100ms alice invite bob data="d1" timeout=30s as call
at 1s alice modify call data="d2"
at 2s alice modify call data="d3"
at 3s alice logout
at 4s alice login
run 10s
check
----
1000.000ms modify skipped: the invite of call failed
2000.000ms modify skipped: the invite of call failed
    100.000ms alice/1: invite bob timeout=30s data="d1"
    100.000ms alice/1: invite -> 6014 not logged in
   3000.000ms alice/1: logout
   3000.000ms alice/1: logout -> 6014 not logged in
   4000.000ms alice/1: login
   4060.000ms alice/1: login -> ok
ok: every invariant holds
