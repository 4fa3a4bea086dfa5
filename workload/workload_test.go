package workload

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"sigsim/engine"
	"sigsim/sim"
)

// small are quick runs of each workload, with sigbench's defaults for the
// options whose zero is zero.
func small() map[string]Workload {
	o := Options{Seed: 1, ServiceTime: sim.Exp(100 * time.Microsecond)}
	class := Classroom{Options: o, Groups: 3, Members: 10, Raise: 0.05, ThinkTime: sim.LogNormal(1500*time.Millisecond, 0.5)}
	class.Duration = 40 * time.Second
	race := Race{Options: o, Users: 200, Arrivals: Poisson{Rate: 20}, CancelAccept: 0.5, AcceptTimeout: 0.5}
	race.Duration = 15 * time.Second
	return map[string]Workload{
		"calls":        smallCalls(),
		"classroom":    class,
		"mass-timeout": MassTimeout{Options: o, Invitations: 500, Inviters: 20, Invitees: 20, Timeout: 5 * time.Second},
		"race":         race,
	}
}

// TestZeroValuesWork: each workload's zero options are valid, and take the
// defaults their fields document.
func TestZeroValuesWork(t *testing.T) {
	for _, w := range []Workload{Calls{}, Classroom{}, MassTimeout{}, Race{}, &Calls{}} {
		if err := w.Validate(); err != nil {
			t.Errorf("%s{}: %v", w.Name(), err)
		}
	}
	p, err := Prepare(Race{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"mode": "both", "link": "latency=lognormal(30ms,1.5) loss=0 dup=0 reorder=0 bandwidth=0",
		"duration": "1m0s", "users": "2000", "rate": "100", "timeout": "10s", "checks": "on", "warmup": "7.223s"}
	for _, o := range p.Header().Options {
		if v, ok := want[o.Key]; ok && v != o.Value {
			t.Errorf("Race{}: %s=%s, want %s", o.Key, o.Value, v)
		}
	}
	if p.Warmup() != 7223*time.Millisecond {
		t.Errorf("Race{}: warm-up %s", p.Warmup())
	}
	// MassTimeout's load lasts its window, the Duration by default.
	p, err = Prepare(MassTimeout{Options: Options{Duration: 3 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range p.Header().Options {
		if (o.Key == "window" || o.Key == "duration") && o.Value != "3s" {
			t.Errorf("MassTimeout{Duration: 3s}: %s=%s", o.Key, o.Value)
		}
	}
}

// TestNamesCoverReports keeps each workload's produces list honest: every
// metric and counter a run reports is one its names declare.
func TestNamesCoverReports(t *testing.T) {
	runs := small()
	calls := runs["calls"].(Calls)
	calls.Checks = ChecksOn
	calls.Faults = []Fault{{Start: 5 * time.Second, Fault: sim.Fault{Kind: sim.FaultPause, Node: "s0", For: time.Second}}}
	runs["calls, checks and a fault"] = calls
	calls = runs["calls"].(Calls)
	calls.Modes = []engine.Mode{engine.ModeClient}
	runs["calls, client mode"] = calls
	for label, w := range runs {
		p, err := Prepare(w)
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		res, err := p.Run(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		r := res.Report(p.Header())
		n := p.Names()
		if len(r.Virtual.Metrics) == 0 || len(r.Virtual.Counts) == 0 {
			t.Fatalf("%s: an empty report", label)
		}
		for m := range r.Virtual.Metrics {
			if !n.HasMetric(m) {
				t.Errorf("%s: metric %q is not in its names", label, m)
			}
		}
		for k := range r.Virtual.Counts {
			if err := n.Check(k); err != nil {
				t.Errorf("%s: counter %q: %v", label, k, err)
			}
		}
		// The report says what each of them means.
		for _, name := range append(append(slices.Clone(n.Metrics), n.Counts...), n.Families...) {
			if key, _, ok := define(w.Name(), strings.TrimSuffix(name, ".")+".x"); strings.HasSuffix(name, ".") && (!ok || !strings.HasSuffix(key, "*")) {
				t.Errorf("%s: the counter family %q has no definition", label, name)
			} else if _, _, ok := define(w.Name(), name); !strings.HasSuffix(name, ".") && !ok {
				t.Errorf("%s: %q has no definition", label, name)
			}
		}
		for m := range r.Virtual.Metrics {
			if k, _, _ := define(w.Name(), m); r.Definitions[k] == "" {
				t.Errorf("%s: the report does not define its metric %q", label, m)
			}
		}
	}
}

// TestHooks: Progress follows each mode's world to its end; AtLoadEnd is
// called once, when the load ends (MassTimeout: again at its peak).
func TestHooks(t *testing.T) {
	var seen []Progress
	calls := 0
	race := small()["race"].(Race)
	race.Progress = func(p Progress) { seen = append(seen, p) }
	race.AtLoadEnd = func() error { calls++; return nil }
	if _, err := Run(context.Background(), race); err != nil {
		t.Fatal(err)
	}
	var done []engine.Mode
	last := time.Duration(-1)
	for _, p := range seen {
		switch {
		case p.Done:
			done = append(done, p.Mode)
			last = -1
		case p.Now < last || p.Now > p.Horizon:
			t.Errorf("progress %+v after %s", p, last)
		default:
			last = p.Now
		}
	}
	if !slices.Equal(done, []engine.Mode{engine.ModeServer, engine.ModeClient}) || len(seen) < 100 {
		t.Errorf("%d progress reports, done for %v", len(seen), done)
	}
	if calls != 1 {
		t.Errorf("AtLoadEnd called %d times, want once", calls)
	}
	mt := small()["mass-timeout"].(MassTimeout)
	calls = 0
	mt.AtLoadEnd = func() error { calls++; return nil }
	if _, err := Run(context.Background(), mt); err != nil || calls != 2 {
		t.Errorf("mass-timeout: AtLoadEnd called %d times (%v), want twice", calls, err)
	}
	mt.AtLoadEnd = func() error { return errors.New("disk full") }
	if _, err := Run(context.Background(), mt); err == nil || err.Error() != "disk full" {
		t.Errorf("mass-timeout: an AtLoadEnd error at the peak: %v", err)
	}
}

// TestInterrupted: a run whose context ends stops between slices and says
// where; what ran is in the result.
func TestInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errors.New("terminated"))
	res, err := Run(ctx, small()["race"])
	if err != nil {
		t.Fatal(err)
	}
	if i := res.Interrupted; i == nil || i.Signal != "terminated" || i.Detail != "server mode" {
		t.Fatalf("interrupted: %+v", i)
	}
	if n, _ := res.Metrics.Counter("server.events"); n <= 0 {
		t.Errorf("no events counted before the interrupt")
	}
}
