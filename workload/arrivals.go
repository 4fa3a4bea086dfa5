package workload

import (
	"time"

	"sigsim/bench"
	"sigsim/sim"
)

// Arrivals is an open model's arrival process: when new calls arrive,
// whatever the system does with the earlier ones (no coordinated
// omission). Poisson is the one this package has; a load profile (a rate
// that ramps up and down over the run) is another.
type Arrivals interface {
	// Next returns the time of the arrival that follows one at t (both
	// from the start of the load), drawing what it needs from r. The draws
	// may depend on t and r only, so that runs repeat.
	Next(t time.Duration, r *sim.Rand) time.Duration
	// Expected is the mean number of arrivals in the first d of the load,
	// and Peak the highest rate per second: a run's size is estimated from
	// them before it starts (the memory guard, ChecksAuto).
	Expected(d time.Duration) float64
	Peak() float64
	// Describe lists the process's options for a report header, e.g.
	// rate=50.
	Describe() []bench.Option
	// Validate reports every problem of the process (as OptionErrors).
	Validate() error
}

// Poisson is a Poisson process of Rate arrivals per second of virtual
// time: exponential gaps, each drawn after the previous arrival's own draws.
type Poisson struct{ Rate float64 }

// MaxRate is the highest arrival rate, per second, a run may have.
const MaxRate = 1e9

// Next returns t plus an exponential gap of mean 1/Rate.
func (p Poisson) Next(t time.Duration, r *sim.Rand) time.Duration {
	return t + time.Duration(r.ExpFloat64()/p.Rate*1e9)
}

// Expected is Rate times d.
func (p Poisson) Expected(d time.Duration) float64 { return p.Rate * d.Seconds() }

// Peak is Rate.
func (p Poisson) Peak() float64 { return p.Rate }

// Describe is rate=Rate.
func (p Poisson) Describe() []bench.Option {
	return []bench.Option{{Key: "rate", Value: fmtFloat(p.Rate)}}
}

// Validate wants 0 < Rate <= MaxRate.
func (p Poisson) Validate() error {
	if !(p.Rate > 0) || p.Rate > MaxRate {
		return optionErrorf("%s %v must be > 0 (calls per second) and at most 1e9", Key("rate"), p.Rate)
	}
	return nil
}

// arrive calls arrive at the times of an arrival process in (start, end).
// Each gap is drawn from r after the previous arrival's own draws, and only
// one closure is pending at a time.
func arrive(w *sim.World, a Arrivals, r *sim.Rand, start, end int64, arrive func()) {
	var t time.Duration
	var next func()
	schedule := func() {
		t = a.Next(t, r)
		if at := start + int64(t); at < end {
			w.At(at, next)
		}
	}
	next = func() {
		arrive()
		schedule()
	}
	schedule()
}
