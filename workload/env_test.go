package workload

import (
	"testing"

	"sigsim/bench"
	"sigsim/engine"
	"sigsim/sim"
)

// TestNoteViolations: in server mode a world's first invariant violation
// is the run's verdict; in client mode it is a measurement, counted and
// noted.
func TestNoteViolations(t *testing.T) {
	v := sim.Violation{Invariant: sim.InvAgreement, At: 5_000_000_000, Event: 42, Node: "u1/1", Text: "forged for the test"}
	for _, mode := range []engine.Mode{engine.ModeServer, engine.ModeClient} {
		res := &Result{Metrics: bench.NewMetrics()}
		e := &env{j: &job{o: &Options{}, checksOn: true}, mode: mode, m: res.Metrics, res: res}
		e.noteViolations([]sim.Violation{v, v})
		if n, _ := res.Metrics.Counter("violations"); n != 2 {
			t.Errorf("%s mode: %d violations counted, want 2", mode, n)
		}
		if n, _ := res.Metrics.Counter("violations.agreement"); n != 2 {
			t.Errorf("%s mode: %d agreement violations counted, want 2", mode, n)
		}
		first := mode.String() + " mode: first invariant violation: " + v.String()
		if len(res.Notes) != 1 || res.Notes[0] != first {
			t.Errorf("%s mode: notes %q", mode, res.Notes)
		}
		if want := first + " (2 in all)"; (res.Violation == want) != (mode == engine.ModeServer) {
			t.Errorf("%s mode: verdict %q", mode, res.Violation)
		}
	}
}
