// Package workload runs benchmark workloads of call-invitation signaling in
// sigsim's simulator and returns what they measured. It is the library
// behind cmd/sigbench, which is only its flags and its reports.
//
// A workload is a struct of options: Calls (1:1 calls in an open model),
// Classroom (a teacher's raise-hand rounds in group calls), MassTimeout
// (invitations that all time out together) and Race (calls built to
// collide, in both arbitration modes); Capacity sweeps the rate of one of
// them to find where a latency objective breaks. Each embeds Options, what
// every workload has: the simulated world (shards, latency, loss, faults,
// arbitration mode) and the run (seed, duration, warm-up, checkers).
//
//	res, err := workload.Run(ctx, workload.Calls{Users: 2000, Arrivals: workload.Poisson{Rate: 20}})
//
// The zero value of each option works: where zero could not mean itself (a
// duration, a user count, a rate) it takes the default its field's comment
// gives; elsewhere zero is zero (no service time, probability 0). Validate
// reports every problem at once, each an OptionError that names the option
// by its key ("rate", "ring-time") and that a front end spells its own way
// (sigbench: "--rate"). ValidateExact takes every zero as given, for a
// front end whose options always have a value.
//
// Prepare checks the options and settles every default and derived value
// (the warm-up, whether the invariant checkers run), refuses a run that
// would not fit in memory before anything is allocated, and tells what the
// run will report (Prepared.Names) and its report header. Run runs it and
// returns a Result: a bench.Metrics of virtual-time latencies and
// counters, the same for the same seed and options on any machine, the
// wall-clock measures apart, and the findings (notes, failed checks, a
// server-mode invariant violation). Result.Report makes the bench.Report
// that bench.WriteReport writes.
//
// The calls arrive by an arrival process (Arrivals: Poisson at a rate, or
// Stages, a load profile whose rate ramps between points), in an open
// model: whatever the system does with the earlier
// calls, so that a slow system meets the load it would meet in production
// (no coordinated omission), and latencies are measured from the intended
// time of each action. The 1:1 call workloads (Calls, Race) and Classroom
// run on the reference apps of package apps — the phones and classes the
// scenarios and the apps' sweeps run, on the signaling and the room
// service — so a benchmark measures what a user of the app would see (a
// call set up when both are in its room, its duration announced) and
// counts what the apps' invariants find (ghost calls, disagreements on
// whether a call happened, ...): callapp.go for the call app. MassTimeout's
// invitations, which nobody answers, are placed by the dialer (dialer.go).
//
// Each run is single-threaded and deterministic; a context stops it between
// two slices of events, with the result of what ran. Capacity runs its
// shard counts in parallel, one run per goroutine. The package prints
// nothing: Options.Progress and Capacity.Progress report progress to the
// caller.
package workload
