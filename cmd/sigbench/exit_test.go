package main

import (
	"bytes"
	"strings"
	"testing"

	"sigsim/bench"
	"sigsim/engine"
	"sigsim/sim"
)

// TestServerViolationExits3: an invariant violation in server mode is the
// run's verdict, exit 3 with a line naming the first one; in client mode it
// is a measurement (counted, noted) and the exit status stays 0.
//
// The engine holds every invariant in server mode and sigbench has no way
// to break it from the command line (sim's own tests forge a callback
// through the unexported checker), so the violation is handed to
// env.noteViolations, which env.close calls with the world's violations,
// and the run is finished as a workload finishes it.
func TestServerViolationExits3(t *testing.T) {
	v := sim.Violation{Invariant: sim.InvAgreement, At: 5_000_000_000, Event: 42, Node: "u1/1", Text: "forged for the test"}
	for _, tc := range []struct {
		mode engine.Mode
		want int
	}{{engine.ModeServer, exitViolation}, {engine.ModeClient, exitOK}} {
		res := &result{m: bench.NewMetrics()}
		e := &env{c: &common{checksOn: true}, mode: tc.mode, m: res.m, res: res}
		e.noteViolations([]sim.Violation{v, v})
		rep := res.m.Report(bench.Header{Workload: "calls", Version: "test"})
		var out, errb bytes.Buffer
		st := finish(rep, res, &common{}, &out, &errb)
		if st != tc.want {
			t.Errorf("%s mode: exit %d, want %d\n%s", tc.mode, st, tc.want, out.String())
		}
		if n := rep.Virtual.Counts["violations"]; n != 2 {
			t.Errorf("%s mode: %d violations counted, want 2", tc.mode, n)
		}
		line := "INVARIANT VIOLATED: server mode: first invariant violation: agreement violated at"
		if got := strings.Contains(out.String(), line); got != (tc.mode == engine.ModeServer) {
			t.Errorf("%s mode: the output says %q: %v\n%s", tc.mode, line, got, out.String())
		}
	}
}

// TestExitStatus: a server-mode violation outranks a failed check, which
// outranks success.
func TestExitStatus(t *testing.T) {
	for _, tc := range []struct {
		res    result
		thFail bool
		want   int
	}{
		{result{}, false, exitOK},
		{result{}, true, exitFail},
		{result{failures: []string{"server mode must have no anomaly"}}, false, exitFail},
		{result{violation: "server mode: ...", failures: []string{"x"}}, true, exitViolation},
	} {
		if got := exitStatus(&tc.res, tc.thFail); got != tc.want {
			t.Errorf("exitStatus(%+v, %v) = %d, want %d", tc.res, tc.thFail, got, tc.want)
		}
	}
}
