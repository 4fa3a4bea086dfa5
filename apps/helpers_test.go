package apps

import (
	"slices"
	"strings"
	"testing"
	"time"

	"sigsim/engine"
	"sigsim/sim"
	"sigsim/sim/trace"
)

func ms(n int64) time.Duration { return time.Duration(n) * time.Millisecond }

// atMs is the virtual time n milliseconds into the run.
func atMs(n int64) engine.Time { return engine.Time(ms(n)) }
func sec(n int64) engine.Time  { return engine.Time(n) * engine.Time(time.Second) }

// callWorld is a world of users with one device each, logged in, the call app
// attached to every one of them with o.
func callWorld(t testing.TB, so sim.Options, o CallOptions, users ...string) (*sim.World, *Calls) {
	t.Helper()
	so.Record = true
	if so.Link.Latency == (sim.Dist{}) {
		so.Link.Latency = sim.Const(40 * time.Millisecond)
	}
	w, err := sim.New(so)
	if err != nil {
		t.Fatal(err)
	}
	var devs []*sim.Device
	for _, u := range users {
		d, err := w.AddDevice(u, "1")
		if err != nil {
			t.Fatal(err)
		}
		devs = append(devs, d)
		w.Login(d)
	}
	c, err := NewCalls(NewHost(w), o)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Attach(devs...); err != nil {
		t.Fatal(err)
	}
	return w, c
}

// manual are options for scripted phones: they decide nothing by themselves.
func manual() CallOptions {
	o := DefaultCallOptions()
	o.Manual = true
	return o
}

// story is the run's app-level trace: calls, results, callbacks (signaling and
// room), without frames, acks or timers.
func story(w *sim.World) []string {
	var l []string
	for _, e := range w.Trace() {
		switch e.Kind {
		case trace.Call, trace.Result, trace.Callback, trace.Violation:
			l = append(l, strings.TrimSpace(e.String()))
		}
	}
	return l
}

// has reports whether some line of the story contains every part, in order.
func has(l []string, parts ...string) bool {
	return slices.ContainsFunc(l, func(s string) bool {
		for _, p := range parts {
			i := strings.Index(s, p)
			if i < 0 {
				return false
			}
			s = s[i+len(p):]
		}
		return true
	})
}

func mustHave(t *testing.T, l []string, parts ...string) {
	t.Helper()
	if !has(l, parts...) {
		t.Errorf("no line with %q in:\n  %s", parts, strings.Join(l, "\n  "))
	}
}

func noViolation(t *testing.T, w *sim.World, c *Calls) {
	t.Helper()
	if v := w.Violations(); len(v) > 0 {
		t.Fatalf("violations: %v", v)
	}
	if v := c.Checker().Violations(); len(v) > 0 {
		t.Fatalf("call violations: %v", v)
	}
}

func invariants(vs []sim.Violation) []string {
	var l []string
	for _, v := range vs {
		l = append(l, v.Invariant)
	}
	slices.Sort(l)
	return slices.Compact(l)
}
