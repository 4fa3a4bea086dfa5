package workload

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"sigsim/bench"
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

// TestStages: a load profile's arrivals follow its rate (counted per
// window, against the integral of the rate), repeat from the stream, end
// with the profile, and a constant profile is Poisson at its rate.
func TestStages(t *testing.T) {
	s, err := ParseStages("0s:100, 50s:2000,100s:2000,100s:500,120s:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := s.String(); got != "0s:100,50s:2000,1m40s:2000,1m40s:500,2m:0" {
		t.Errorf("String = %q", got)
	}
	if again, err := ParseStages(s.String()); err != nil || len(again) != len(s) || again[2] != s[2] {
		t.Errorf("String does not parse back: %v %v", again, err)
	}
	// 50s at 1050 on average, 50s at 2000, 20s at 250: 157,500.
	if got := s.Expected(s.End()); math.Abs(got-157_500) > 1e-6 || s.Peak() != 2000 || s.End() != 120*time.Second {
		t.Errorf("Expected %v, Peak %v, End %v", got, s.Peak(), s.End())
	}
	if got := s.Expected(25 * time.Second); math.Abs(got-(100+1050)/2.0*25) > 1e-6 {
		t.Errorf("Expected(25s) = %v", got)
	}
	r1, r2 := sim.NewRand(7, "a"), sim.NewRand(7, "a")
	windows := make([]int, 12) // 10 s each
	var t1, t2 time.Duration
	n := 0
	for {
		t1, t2 = s.Next(t1, r1), s.Next(t2, r2)
		if t1 != t2 {
			t.Fatalf("two draws of one stream differ: %s, %s", t1, t2)
		}
		if t1 >= s.End() {
			break
		}
		windows[int(t1/(10*time.Second))]++
		n++
	}
	for i, got := range windows {
		from := time.Duration(i) * 10 * time.Second
		want := s.Expected(from+10*time.Second) - s.Expected(from)
		// Poisson: within 4.5 standard deviations for every window.
		if math.Abs(float64(got)-want) > 4.5*math.Sqrt(want) {
			t.Errorf("window %s..%s: %d arrivals, want about %.0f", from, from+10*time.Second, got, want)
		}
	}
	if math.Abs(float64(n)-157_500) > 4.5*math.Sqrt(157_500) {
		t.Errorf("%d arrivals in all, want about 157500", n)
	}
	// A profile that falls to 0 and stays there offers nothing after.
	quiet := Stages{{0, 100}, {time.Second, 0}, {time.Hour, 0}}
	var last time.Duration
	for x := time.Duration(0); x < quiet.End(); x = quiet.Next(x, r1) {
		last = x
	}
	if last > time.Second {
		t.Errorf("an arrival at %s, after the rate fell to 0 at 1s", last)
	}
	// Constant: the mean gap is 1/rate.
	flat := Stages{{0, 50}, {time.Hour, 50}}
	var x time.Duration
	for range 100_000 {
		x = flat.Next(x, r1)
	}
	if got := 100_000 / x.Seconds(); got < 49.5 || got > 50.5 {
		t.Errorf("constant profile at 50/s: %.2f per second", got)
	}
}

func TestStagesErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"0s:100", "want two points or more"},
		{"5s:100,10s:200", "the first point must be at 0s"},
		{"0s:100,5m:2000,2m:0", "2m comes after 5m: the times are from the start of the load, not each stage's duration as in k6"},
		{"0s:100,10s:200,5s:0", "5s comes after 10s"},
		{"0s:1,1s:1,1s:2,1s:3", "three points at 1s"},
		{"0s:-1,1s:1", "rate -1 at 0s must be in 0..1e9"},
		{"0s:0,1m:0", "offers no load"},
	} {
		s, err := ParseStages(c.in)
		if err == nil {
			err = s.Validate()
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.in, err, c.want)
		}
	}
	for _, c := range []struct{ in, want string }{
		{"0s100", "want TIME:RATE"},
		{"0s:1,5x:2", `time "5x"`},
		{"0s:1,5s:lots", `rate "lots"`},
	} {
		if _, err := ParseStages(c.in); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.in, err, c.want)
		}
	}
	// The load lasts until the profile's end: a duration that says
	// otherwise is a mistake, one left out is the end.
	st := Stages{{0, 10}, {20 * time.Second, 10}}
	err := Calls{Users: 100, Arrivals: st, Options: Options{Duration: time.Minute}}.Validate()
	if err == nil || !strings.Contains(err.Error(), "which end at 20s") {
		t.Errorf("duration 1m with stages ending at 20s: %v", err)
	}
	p, err := Prepare(Calls{Users: 100, Arrivals: st})
	if err != nil {
		t.Fatal(err)
	}
	h := p.Header()
	if !slices.Contains(h.Options, bench.Option{Key: "duration", Value: "20s"}) || !slices.Contains(h.Options, bench.Option{Key: "stages", Value: "0s:10,20s:10"}) {
		t.Errorf("header options %v", h.Options)
	}
	if err := (Capacity{Workload: Calls{Arrivals: st}}).Validate(); err == nil || !strings.Contains(err.Error(), "follows a load profile") {
		t.Errorf("a sweep of a profile: %v", err)
	}
}

// TestStagesRun: a run that follows a profile reports it, against the
// latency series, and its counter rates are per second of the load.
func TestStagesRun(t *testing.T) {
	st := Stages{{0, 5}, {10 * time.Second, 40}, {15 * time.Second, 0}}
	res, err := Run(context.Background(), Calls{Users: 500, Arrivals: st, Options: Options{Seed: 3}})
	if err != nil {
		t.Fatal(err)
	}
	rep := res.Report(bench.Header{Workload: "calls"})
	if rep.Load == nil || len(rep.Load.Points) != 3 || rep.Load.Points[1] != (bench.LoadPoint{AtNS: 10e9, Rate: 40}) || rep.Load.StartNS <= 0 {
		t.Fatalf("load %+v", rep.Load)
	}
	if rep.Virtual.LoadNS != 15e9 {
		t.Errorf("load_ns %d, want 15s", rep.Virtual.LoadNS)
	}
	// 10 s at 22.5 on average, 5 s at 20: 325 expected.
	if n := rep.Virtual.Counts["calls"]; n < 250 || n > 400 {
		t.Errorf("%d calls, want about 325", n)
	}
}

// FuzzStages: any text parses or fails with an error; a profile that
// validates draws arrivals that never go back in time and end past it.
func FuzzStages(f *testing.F) {
	for _, s := range []string{"0s:100,5m:2000,10m:2000,12m:0", "0s:0,1s:1e9", "0s:1,1s:1,1s:5,2s:0", "0s:-1", "x", "0s:1,0s:2,0s:3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, err := ParseStages(text)
		if err != nil || s.Validate() != nil || s.Expected(s.End()) > 1e5 {
			return
		}
		r := sim.NewRand(1, "fuzz")
		var at time.Duration
		for n := 0; at < s.End(); n++ {
			next := s.Next(at, r)
			if next < at {
				t.Fatalf("%s: arrival at %s after one at %s", s, next, at)
			}
			if n > 1e6 {
				t.Fatalf("%s: no end after 1e6 arrivals", s)
			}
			at = next
		}
	})
}
