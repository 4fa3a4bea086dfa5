package workload

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"sigsim/bench"
	"sigsim/engine"
	"sigsim/sim"
)

// Arrivals is an open model's arrival process: when new calls arrive,
// whatever the system does with the earlier ones (no coordinated
// omission): Poisson, or Stages, a load profile (a rate that ramps up and
// down over the run).
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
		// t is compared before it is added: a process whose arrivals have
		// ended may return a time far past the end.
		if t = a.Next(t, r); int64(t) < end-start {
			w.At(engine.Time(start+int64(t)), next)
		}
	}
	next = func() {
		arrive()
		schedule()
	}
	schedule()
}

// Stages is a load profile (k6's stages, Gatling's injection profiles): an
// arrival rate that goes linearly from each point to the next over the
// load, e.g. 100/s at 0s rising to 2000/s at 5m, held to 10m, falling to 0
// at 12m. Unlike k6, whose stages give each ramp's duration, a point's At
// is its time from the start of the load, so the times increase and the
// load lasts until the last one (Options.Duration must be that, or zero).
// Two points at one time make a step.
//
// The arrivals are a non-homogeneous Poisson process of that rate, drawn
// by time rescaling: each arrival draws one exponential of mean 1 from the
// workload's stream and spends it against the integral of the rate, so a
// run repeats from its seed like a Poisson one, and a constant profile is
// a Poisson process of that rate.
type Stages []Stage

// Stage is a point of a load profile.
type Stage struct {
	// At is the time from the start of the load.
	At time.Duration
	// Rate is the arrival rate there, per second of virtual time.
	Rate float64
}

// ParseStages reads a profile written TIME:RATE,TIME:RATE,... with times
// from the start of the load ("0s:100,5m:2000,10m:2000,12m:0").
func ParseStages(s string) (Stages, error) {
	var st Stages
	for _, f := range strings.Split(s, ",") {
		at, rate, ok := strings.Cut(strings.TrimSpace(f), ":")
		if !ok {
			return nil, fmt.Errorf("%q: want TIME:RATE, e.g. 5m:2000", f)
		}
		d, err := time.ParseDuration(at)
		if err != nil {
			return nil, fmt.Errorf("%q: time %q: want a duration such as 90s or 5m", f, at)
		}
		r, err := strconv.ParseFloat(rate, 64)
		if err != nil {
			return nil, fmt.Errorf("%q: rate %q is not a number of arrivals per second", f, rate)
		}
		st = append(st, Stage{At: d, Rate: r})
	}
	return st, nil
}

// String writes the profile as ParseStages reads it.
func (s Stages) String() string {
	parts := make([]string, len(s))
	for i, p := range s {
		parts[i] = shortDuration(p.At) + ":" + fmtFloat(p.Rate)
	}
	return strings.Join(parts, ",")
}

// shortDuration writes d without its zero tail: 5m, 1h30m, 90s, 1.5s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// End is the time of the last point: how long the load lasts.
func (s Stages) End() time.Duration {
	if len(s) == 0 {
		return 0
	}
	return s[len(s)-1].At
}

// Next returns the time of the arrival after one at t: it draws an
// exponential E of mean 1 and returns the time by which the integral of
// the rate from t reaches E, or a time past End if the profile ends first.
// Products are wrapped in float64() so that no FMA fuses them: the same
// times on every CPU.
func (s Stages) Next(t time.Duration, r *sim.Rand) time.Duration {
	e := r.ExpFloat64()
	x := t.Seconds()
	for i := 0; i+1 < len(s); i++ {
		t0, t1 := s[i].At.Seconds(), s[i+1].At.Seconds()
		if x >= t1 {
			continue
		}
		x = max(x, t0)
		r0, r1 := s[i].Rate, s[i+1].Rate
		k := (r1 - r0) / (t1 - t0)
		lx := max(r0+float64(k*(x-t0)), 0) // the rate at x
		mass := float64(float64((lx+r1)/2) * (t1 - x))
		if e <= mass {
			// Solve lx·d + k·d²/2 = e for d, in the form that does not
			// cancel when k is small.
			disc := max(float64(lx*lx)+float64(float64(2*k)*e), 0)
			d := 2 * e / (lx + math.Sqrt(disc))
			return max(t, time.Duration(float64((x+d)*1e9)))
		}
		e -= mass
		x = t1
	}
	return s.End() + 1
}

// Expected is the integral of the rate over the first d of the load.
func (s Stages) Expected(d time.Duration) float64 {
	n := 0.0
	for i := 0; i+1 < len(s); i++ {
		t0, t1 := s[i].At, min(s[i+1].At, d)
		if t1 <= t0 {
			continue
		}
		r0, r1 := s[i].Rate, s[i+1].Rate
		r1 = r0 + (r1-r0)*float64(t1-t0)/float64(s[i+1].At-t0)
		n += (r0 + r1) / 2 * (t1 - t0).Seconds()
	}
	return n
}

// Peak is the highest rate of the profile.
func (s Stages) Peak() float64 {
	p := 0.0
	for _, x := range s {
		p = max(p, x.Rate)
	}
	return p
}

// Describe is stages=0s:100,5m:2000,...
func (s Stages) Describe() []bench.Option {
	return []bench.Option{{Key: "stages", Value: s.String()}}
}

// Validate wants two points or more, the first at 0s, times that do not
// go back (three at one time are one too many), rates in 0..MaxRate, and
// some load.
func (s Stages) Validate() error {
	bad := func(format string, args ...any) error {
		return optionErrorf("%s %s: "+format, append([]any{Key("stages"), s.String()}, args...)...)
	}
	switch {
	case len(s) < 2:
		return bad("want two points or more (TIME:RATE,TIME:RATE,...), e.g. 0s:100,5m:2000")
	case s[0].At != 0:
		return bad("the first point must be at 0s, the start of the load (0s:0 to start from nothing)")
	}
	for i, p := range s {
		if !(p.Rate >= 0) || p.Rate > MaxRate {
			return bad("rate %v at %s must be in 0..1e9 arrivals per second", p.Rate, shortDuration(p.At))
		}
		if i == 0 {
			continue
		}
		switch prev := s[i-1].At; {
		case p.At < prev:
			return bad("%s comes after %s: the times are from the start of the load, not each stage's duration as in k6, so they increase (k6's 5m:2000,5m:2000 is 0s:0,5m:2000,10m:2000)",
				shortDuration(p.At), shortDuration(prev))
		case p.At == prev && i >= 2 && s[i-2].At == p.At:
			return bad("three points at %s: a step takes two", shortDuration(p.At))
		}
	}
	if s.End() <= 0 || s.Expected(s.End()) <= 0 {
		return bad("the profile offers no load")
	}
	return nil
}

// Profile is the profile as a report draws it against the latency over
// time, the load starting at startNS.
func (s Stages) Profile(startNS int64) *bench.Load {
	l := &bench.Load{StartNS: startNS}
	for _, p := range s {
		l.Points = append(l.Points, bench.LoadPoint{AtNS: int64(p.At), Rate: p.Rate})
	}
	return l
}

// arrivalsOf is the arrival process of an open-model workload, nil for
// the others.
func arrivalsOf(w settled) Arrivals {
	switch w := w.(type) {
	case *Calls:
		return w.Arrivals
	case *Race:
		return w.Arrivals
	}
	return nil
}

// loadDuration is the duration of a load that follows a profile: its end
// (d, as given, otherwise).
func loadDuration(a Arrivals, d time.Duration) time.Duration {
	if s, ok := a.(Stages); ok && d == 0 {
		return s.End()
	}
	return d
}
