package workload_test

import (
	"context"
	"fmt"
	"time"

	"sigsim/bench"
	"sigsim/sim"
	"sigsim/workload"
)

// A workload is a struct of options; Run returns what it measured. The
// virtual-time metrics are the same on every machine for the same seed.
// The calls run on the reference call app: a call is set up when both
// parties are in its room, and the app's invariants (no ghost call, both
// agree whether the call happened, ...) are checked as it runs.
func Example() {
	calls := workload.Calls{
		Options: workload.Options{
			Seed:        7,
			Duration:    20 * time.Second,
			ServiceTime: sim.Exp(100 * time.Microsecond),
		},
		Users:    2000,
		Arrivals: workload.Poisson{Rate: 10},
		Accept:   0.7, Reject: 0.1, Cancel: 0.1, // the other 10% go unanswered
		RingTime:    sim.LogNormal(3*time.Second, 0.6),
		CancelAfter: sim.Uniform(2*time.Second, 15*time.Second),
		TalkTime:    sim.Exp(20 * time.Second),
	}
	res, err := workload.Run(context.Background(), calls)
	if err != nil {
		fmt.Println(err)
		return
	}
	count := func(name string) int64 { n, _ := res.Metrics.Counter(name); return n }
	ring, _ := res.Metrics.Summary("ring")
	setup, _ := res.Metrics.Summary("setup")
	fmt.Printf("%d calls: %d accepted, %d rejected, %d cancelled, %d timed out, %d busy\n", count("calls"),
		count("outcome.accepted"), count("outcome.rejected"), count("outcome.cancelled"), count("outcome.timeout"), count("outcome.busy"))
	fmt.Printf("ring p50 %s, p99 %s over %d rings\n", ms(ring.P50NS), ms(ring.P99NS), ring.Count)
	fmt.Printf("setup (invite to both in the room) p50 %s over %d calls\n", ms(setup.P50NS), setup.Count)
	fmt.Printf("ghost calls %d, disagreements %d, invariant violations %d\n", count("anomaly.ghost_call"), count("anomaly.disagree"), count("violations"))

	// The same result as a report, for bench.WriteReport or JSON.
	rep := res.Report(bench.Header{Workload: calls.Name()})
	fmt.Println(rep.Findings.Notes[0])
	// Output:
	// 202 calls: 127 accepted, 19 rejected, 7 cancelled, 36 timed out, 13 busy
	// ring p50 40.075ms, p99 40.468ms over 189 rings
	// setup (invite to both in the room) p50 2.543845s over 127 calls
	// ghost calls 0, disagreements 0, invariant violations 0
	// server mode: 202 calls, 0 anomalies: 0 ghost calls (0.00 per 1,000 calls), 0 disagreements (0.00 per 1,000), 13 busy rejections
}

func ms(ns int64) string { return time.Duration(ns).Round(time.Microsecond).String() }
