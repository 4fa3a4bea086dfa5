package workload

import (
	"testing"
	"time"

	"sigsim/sim"
)

// TestPoisson: the gaps are exponential with mean 1/Rate, drawn only from
// the stream given.
func TestPoisson(t *testing.T) {
	p := Poisson{Rate: 50}
	var t1, t2 time.Duration
	r1, r2 := sim.NewRand(1, "a"), sim.NewRand(1, "a")
	const n = 100_000
	for range n {
		t1, t2 = p.Next(t1, r1), p.Next(t2, r2)
	}
	if t1 != t2 {
		t.Fatalf("two draws of one stream differ: %s, %s", t1, t2)
	}
	if got := float64(n) / t1.Seconds(); got < 49.5 || got > 50.5 {
		t.Errorf("%d arrivals in %s: %.2f per second, want 50", n, t1, got)
	}
	if p.Expected(time.Minute) != 3000 || p.Peak() != 50 {
		t.Errorf("expected %v, peak %v", p.Expected(time.Minute), p.Peak())
	}
	for _, bad := range []float64{0, -1, 2e9} {
		if err := (Poisson{Rate: bad}).Validate(); err == nil {
			t.Errorf("rate %v is valid", bad)
		}
	}
}
