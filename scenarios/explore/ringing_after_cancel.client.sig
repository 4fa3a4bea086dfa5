# A field report, turned into a scenario: "alice cancelled her call, yet bob's
# app went on as if he had picked up" (legacy SDK, client mode). alice calls bob
# and gives up after two seconds; bob picks up a little before. Most seeds, his
# accept reaches alice first and her cancel fails; explore finds the seeds where
# the two cross in the network, and shrink turns one into a minimal regression
# script: sigsim explore scenarios/explore/ringing_after_cancel.client.sig --seeds 1..200
world seed=1 mode=client latency=uniform(20ms,400ms)
users alice bob

at 100ms alice invite bob timeout=30s as call
at 1.6s bob accept call
at 2s alice cancel call
run 40s
----
1600.000ms accept skipped: the invite of call failed
2000.000ms cancel skipped: the invite of call failed
    100.000ms alice/1: invite bob timeout=30s
    100.000ms alice/1: invite -> 6014 not logged in

check
----
ok: every invariant holds
