package main

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"sigsim/bench"
	"sigsim/workload"
)

// TestServerViolationExits3: an invariant violation in server mode is the
// run's verdict, exit 3 with a line naming the first one; a run without
// one (a client-mode violation is only a note) exits 0.
//
// The engine holds every invariant in server mode and sigbench has no way
// to break it from the command line, so the result is forged here; the
// workload package's TestNoteViolations checks that a world's violations
// make it.
func TestServerViolationExits3(t *testing.T) {
	first := "server mode: first invariant violation: agreement violated at 5000.000ms (event 42) on u1/1: forged for the test"
	for _, tc := range []struct {
		res  workload.Result
		want int
	}{
		{workload.Result{Notes: []string{first}, Violation: first + " (2 in all)"}, exitViolation},
		{workload.Result{Notes: []string{"client mode: first invariant violation: ..."}}, exitOK},
	} {
		tc.res.Metrics = bench.NewMetrics()
		rep := tc.res.Report(bench.Header{Workload: "calls", Version: "test"})
		var out bytes.Buffer
		r := &runner{f: &runFlags{}, stdout: &out, stderr: io.Discard}
		if st := r.finish(rep, &tc.res); st != tc.want {
			t.Errorf("%q: exit %d, want %d\n%s", tc.res.Violation, st, tc.want, out.String())
		}
		line := "INVARIANT VIOLATED: " + first
		if got := strings.Contains(out.String(), line); got != (tc.want == exitViolation) {
			t.Errorf("%q: the output says %q: %v\n%s", tc.res.Violation, line, got, out.String())
		}
	}
}

// TestExitStatus: an interrupt outranks a server-mode violation, which
// outranks a failed check, which outranks success.
func TestExitStatus(t *testing.T) {
	for _, tc := range []struct {
		res    workload.Result
		thFail bool
		want   int
	}{
		{workload.Result{}, false, exitOK},
		{workload.Result{}, true, exitFail},
		{workload.Result{Failures: []string{"server mode must have no anomaly"}}, false, exitFail},
		{workload.Result{Violation: "server mode: ...", Failures: []string{"x"}}, true, exitViolation},
		{workload.Result{Violation: "server mode: ...", Interrupted: &bench.Interrupted{}}, true, exitInterrupted},
	} {
		if got := exitStatus(&tc.res, tc.thFail); got != tc.want {
			t.Errorf("exitStatus(%+v, %v) = %d, want %d", tc.res, tc.thFail, got, tc.want)
		}
	}
}
