package workload

import (
	"context"
	"testing"
	"time"
)

// benchRun runs a workload b.N times and reports wall ns per invitation:
// the simulator's and engine's hot paths, through the workload harness.
// go test -bench . -benchtime 3x ./workload/
func benchRun(b *testing.B, invitations int, w Workload) {
	b.ReportAllocs()
	for b.Loop() {
		res, err := Run(context.Background(), w)
		if err != nil || len(res.Failures) > 0 || res.Violation != "" {
			b.Fatalf("%v %v %s", err, res.Failures, res.Violation)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*invitations), "ns/invitation")
}

// BenchmarkMassTimeout: 100,000 invitations created in 1 s, all timing out.
func BenchmarkMassTimeout(b *testing.B) {
	const n = 100_000
	benchRun(b, n, MassTimeout{Options: Options{Seed: 1, Checks: ChecksOff}, Invitations: n})
}

// BenchmarkCalls: about 60,000 1:1 calls among 100,000 users.
func BenchmarkCalls(b *testing.B) {
	c := smallCalls()
	c.Options = Options{Seed: 1, Duration: 30 * time.Second, Checks: ChecksOff}
	c.Users, c.Arrivals = 100_000, Poisson{Rate: 2000}
	benchRun(b, 60_000, c)
}
