package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"sigsim/bench"
	"sigsim/internal/atomicfile/atomicfiletest"
)

var tiny = []string{"calls", "--users=300", "--rate=10", "--duration=10s", "--progress=false"}

// TestOutputsCheckedFirst: an output that cannot be written is a usage error
// naming its flag before the run starts (the options line a run prints
// first never appears).
func TestOutputsCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--out=/proc/x"}, "sigbench calls: --out /proc/x: mkdir /proc/x:"},
		{[]string{"--out=" + file}, "--out " + file + ": " + file + " exists and is not a directory"},
		{[]string{"--out=" + filepath.Join(file, "sub")}, "--out " + filepath.Join(file, "sub") + ": "},
		{[]string{"--cpuprofile=/proc/x.prof"}, "sigbench calls: --cpuprofile /proc/x.prof:"},
		{[]string{"--memprofile=" + dir}, "--memprofile " + dir + ": " + dir + " is a directory"},
	} {
		st, out, stderr := sigbench(append(tiny, tc.args...)...)
		if st != exitUsage || !strings.Contains(stderr, tc.want) || strings.Contains(stderr, "seed=") || out != "" {
			t.Errorf("%v: exit %d, want %d and %q before the run:\n%s", tc.args, st, exitUsage, tc.want, stderr)
		}
	}
	st, _, stderr := sigbench("capacity", "--users=300", "--rates=10", "--duration=2s", "--out=/proc/x")
	if st != exitUsage || !strings.Contains(stderr, "sigbench capacity: --out /proc/x:") || strings.Contains(stderr, "seed=") {
		t.Errorf("capacity --out=/proc/x: exit %d\n%s", st, stderr)
	}
	if st, _, stderr := sigbench("baselines", file); st != exitUsage || !strings.Contains(stderr, "not a directory") {
		t.Errorf("baselines into a file: exit %d\n%s", st, stderr)
	}
}

// countdown is a context that reports itself done from its n-th look on:
// an interrupt that arrives at a chosen point of a run, deterministically.
type countdown struct {
	context.Context
	n atomic.Int64
}

func (c *countdown) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

func interruptAfter(n int64) context.Context {
	c := &countdown{Context: context.Background()}
	c.n.Store(n)
	return c
}

// TestInterrupt: a run whose context ends (SIGINT, SIGTERM in main) stops
// between slices of events, writes the report of what ran marked
// "interrupted at virtual time X" in report.md and report.json, and exits
// 130.
func TestInterrupt(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	var out, errb bytes.Buffer
	st := runContext(interruptAfter(40), append(tiny, "--out="+dir), &out, &errb)
	if st != exitInterrupted {
		t.Fatalf("exit %d, want %d\n%s%s", st, exitInterrupted, out.String(), errb.String())
	}
	r, err := bench.ReadReport(filepath.Join(dir, bench.ReportJSON))
	if err != nil {
		t.Fatal(err)
	}
	if r.Interrupted == nil || r.Interrupted.AtNS <= 0 || r.Interrupted.AtNS >= r.Virtual.DurationNS+1 || r.Interrupted.Signal != "interrupt" {
		t.Fatalf("report.json: interrupted %+v, duration %d", r.Interrupted, r.Virtual.DurationNS)
	}
	if r.Virtual.DurationNS > 30e9 || r.Findings == nil || len(r.Findings.Notes) == 0 {
		t.Errorf("the partial report: duration %d, findings %+v", r.Virtual.DurationNS, r.Findings)
	}
	md, _ := os.ReadFile(filepath.Join(dir, bench.ReportMarkdown))
	for _, w := range []string{"**Interrupted at virtual time ", "- **INTERRUPTED:** interrupted at virtual time "} {
		if !strings.Contains(string(md), w) {
			t.Errorf("report.md does not say %q", w)
		}
	}
	if !strings.Contains(out.String(), "INTERRUPTED: interrupted at virtual time") || !strings.Contains(errb.String(), "the report covers the run up to then") {
		t.Errorf("output:\n%s\n%s", out.String(), errb.String())
	}
	if bench.Incomplete(filepath.Join(dir, bench.ReportJSON)) {
		t.Error("the partial report is marked incomplete: it was written whole")
	}
	// compare refuses a partial report.
	st, _, stderr := sigbench("compare", filepath.Join(dir, bench.ReportJSON), filepath.Join(dir, bench.ReportJSON))
	if st != exitUsage || !strings.Contains(stderr, "is a partial report (interrupted at virtual time") {
		t.Errorf("compare of a partial report: exit %d\n%s", st, stderr)
	}
	// race runs two modes: the interrupt names the one it cut.
	out.Reset()
	st = runContext(interruptAfter(3), []string{"race", "--users=200", "--rate=20", "--duration=15s", "--json"}, &out, &errb)
	r, err = bench.ParseReport(out.Bytes())
	if st != exitInterrupted || err != nil || r.Interrupted == nil || r.Interrupted.Detail != "server mode" {
		t.Errorf("race: exit %d, %v, %+v", st, err, r)
	}
	// Every workload stops cleanly wherever the interrupt falls.
	for _, w := range []string{"calls", "classroom", "mass-timeout", "race"} {
		for _, n := range []int64{0, 7, 60} {
			out.Reset()
			st = runContext(interruptAfter(n), small[w], &out, &errb)
			r, err = bench.ParseReport(out.Bytes())
			if st != exitInterrupted || err != nil || r.Interrupted == nil {
				t.Errorf("%s interrupted at look %d: exit %d, %v", w, n, st, err)
			}
		}
	}
	// A capacity sweep keeps the points measured before the interrupt.
	out.Reset()
	st = runContext(interruptAfter(450), []string{"capacity", "--users=300", "--talk-time=0", "--duration=3s", "--rates=10,20,40,80",
		"--slo=ring.p99<10s", "--checks=off", "--json"}, &out, &errb)
	r, err = bench.ParseReport(out.Bytes())
	if st != exitInterrupted || err != nil || r.Interrupted == nil || !strings.Contains(r.Interrupted.Detail, "left out of the sweep") ||
		r.Capacity == nil || len(r.Capacity.Points) == 0 || len(r.Capacity.Points) >= 4 {
		t.Errorf("capacity: exit %d, %v, %+v %+v", st, err, r.Interrupted, r.Capacity)
	}
}

// TestReportWriteFailure: a report write that fails half-way (injected)
// leaves the folder marked INCOMPLETE and its previous report.md whole;
// compare refuses the folder.
func TestReportWriteFailure(t *testing.T) {
	dir := t.TempDir()
	if st, _, stderr := sigbench(append(tiny, "--out="+dir)...); st != exitOK {
		t.Fatalf("exit %d\n%s", st, stderr)
	}
	before, _ := os.ReadFile(filepath.Join(dir, bench.ReportMarkdown))
	atomicfiletest.Inject(t, &atomicfiletest.Faulty{Match: bench.ReportMarkdown, Step: "sync"})
	st, _, stderr := sigbench(append(tiny, "--out="+dir, "--rate=20")...)
	if st != exitUsage || !strings.Contains(stderr, "sigbench: --out: bench: writing") {
		t.Fatalf("exit %d\n%s", st, stderr)
	}
	after, _ := os.ReadFile(filepath.Join(dir, bench.ReportMarkdown))
	if !bytes.Equal(before, after) {
		t.Error("report.md changed though its write failed")
	}
	if _, err := os.Stat(filepath.Join(dir, bench.ReportIncomplete)); err != nil {
		t.Errorf("no INCOMPLETE marker: %v", err)
	}
	st, _, stderr = sigbench("compare", filepath.Join(dir, bench.ReportJSON), filepath.Join(dir, bench.ReportJSON))
	if st != exitUsage || !strings.Contains(stderr, "marked INCOMPLETE") {
		t.Errorf("compare of an incomplete folder: exit %d\n%s", st, stderr)
	}
}

// TestFindingsInReportJSON: report.json carries the findings report.md lists.
func TestFindingsInReportJSON(t *testing.T) {
	dir := t.TempDir()
	if st, _, stderr := sigbench(append(tiny, "--out="+dir)...); st != exitOK {
		t.Fatalf("exit %d\n%s", st, stderr)
	}
	r, err := bench.ReadReport(filepath.Join(dir, bench.ReportJSON))
	if err != nil {
		t.Fatal(err)
	}
	md, _ := os.ReadFile(filepath.Join(dir, bench.ReportMarkdown))
	if r.Findings == nil || len(r.Findings.Notes) == 0 || r.Wall == nil || len(r.Wall.Notes) == 0 {
		t.Fatalf("findings %+v", r.Findings)
	}
	for _, n := range append(r.Findings.Notes, r.Wall.Notes...) {
		if !strings.Contains(string(md), "- "+bench.MarkdownEscape(n)+"\n") {
			t.Errorf("report.md does not list %q", n)
		}
	}
}

// TestSizeGuard: a run too large for --max-memory (16 GiB by default) is
// refused before anything is allocated, with the estimate and the flag.
func TestSizeGuard(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"calls", "--users=100000000000"}, "sigbench calls: this run needs about 191 TiB of memory (100000000000 devices × 2100 B"},
		{[]string{"calls", "--users=100000000000"}, "more than the limit of 16 GiB; if the machine has that much, raise --max-memory"},
		{[]string{"mass-timeout", "--invitations=100000000"}, "this run needs about 154 GiB of memory (2000 devices × 2100 B + 100000000 live invitations × 1650 B"},
		{[]string{"classroom", "--groups=100000", "--members=1000"}, "this run needs about"},
		{[]string{"calls", "--users=1000", "--max-memory=1MiB"}, "more than the limit of 1 MiB"},
		{[]string{"calls", "--max-memory=lots"}, `--max-memory: invalid size "lots"`},
		{[]string{"capacity", "--users=100000000000"}, "this run needs about 191 TiB"},
	} {
		st, _, stderr := sigbench(tc.args...)
		if st != exitUsage || !strings.Contains(stderr, tc.want) || strings.Contains(stderr, "seed=") {
			t.Errorf("%v: exit %d, stderr does not say %q before any run:\n%s", tc.args, st, tc.want, stderr)
		}
	}
	if st, _, stderr := sigbench(append(tiny, "--max-memory=2GiB")...); st != exitOK {
		t.Errorf("a small run under --max-memory=2GiB: exit %d\n%s", st, stderr)
	}
}

// TestTimeoutFlags: timeouts are whole seconds; a fraction is a usage error
// naming the flag, never a silent truncation.
func TestTimeoutFlags(t *testing.T) {
	for _, w := range []string{"calls", "classroom", "mass-timeout", "race"} {
		for _, v := range []string{"1.5", "1500ms", "0.5s"} {
			st, _, stderr := sigbench(w, "--timeout="+v)
			if st != exitUsage || !strings.Contains(stderr, `invalid argument "`+v+`" for "--timeout" flag: `+v+" is not a whole number of seconds") {
				t.Errorf("%s --timeout=%s: exit %d\n%s", w, v, st, stderr)
			}
		}
	}
	st, out, stderr := sigbench(append(tiny, "--timeout=20s", "--json")...)
	r, err := bench.ParseReport([]byte(out))
	if st != exitOK || err != nil || !strings.Contains(r.Header.Command, "--timeout=20") {
		t.Fatalf("--timeout=20s: exit %d %v\n%s", st, err, stderr)
	}
	for _, o := range r.Header.Options {
		if o.Key == "timeout" && o.Value != "20s" {
			t.Errorf("timeout option %q", o.Value)
		}
	}
}

// TestWarmupCoversLatency: with a long latency the automatic warm-up waits
// for the logins to complete (no call fails for want of one); a --warmup
// too short makes the calls that fail for it a counted, reported failure.
func TestWarmupCoversLatency(t *testing.T) {
	args := []string{"calls", "--users=2000", "--rate=20", "--duration=10s", "--latency=1500ms", "--json"}
	st, out, stderr := sigbench(args...)
	r, err := bench.ParseReport([]byte(out))
	if st != exitOK || err != nil {
		t.Fatalf("exit %d %v\n%s", st, err, stderr)
	}
	if n := r.Virtual.Counts["setup_failures"]; n != 0 || r.Virtual.Counts["errors.6014.invite"] != 0 {
		t.Errorf("auto warm-up: %d setup failures, %d 6014", n, r.Virtual.Counts["errors.6014.invite"])
	}
	st, out, stderr = sigbench(append(args, "--warmup=3s")...)
	r, err = bench.ParseReport([]byte(out))
	if st != exitFail || err != nil || r.Virtual.Counts["setup_failures"] == 0 || r.Findings == nil || len(r.Findings.Failures) != 1 ||
		!strings.Contains(r.Findings.Failures[0], "failed with 6014 (not logged in) because their device had not finished logging in") ||
		!strings.Contains(stderr, "FAIL: server mode: ") {
		t.Errorf("--warmup=3s: exit %d %v %+v\n%s", st, err, r.Findings, stderr)
	}
}
