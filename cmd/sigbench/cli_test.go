package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
	"golang.org/x/sync/errgroup"

	"sigsim/bench"
)

// sigbench runs the program with args and returns its exit status and output.
func sigbench(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	st := run(args, &out, &errb)
	return st, out.String(), errb.String()
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // in stderr
	}{
		{nil, "usage: sigbench"},
		{[]string{"nope"}, `unknown command "nope"`},
		{[]string{"calls", "--nope"}, "unknown flag: --nope"},
		{[]string{"calls", "extra"}, `unexpected argument "extra"`},
		{[]string{"calls", "--rate=0"}, "--rate 0 must be > 0"},
		{[]string{"calls", "--rate=-5"}, "--rate -5 must be > 0"},
		{[]string{"calls", "--accept=0.7", "--reject=0.5"}, "probabilities sum to 1.5, more than 1"},
		{[]string{"calls", "--accept=1.5"}, "--accept 1.5 is not a probability"},
		{[]string{"calls", "--threshold=ring.p99<<2ms"}, `threshold "ring.p99<<2ms": col 10`},
		{[]string{"calls", "--latency=bogus(1ms)"}, "--latency: unknown distribution"},
		{[]string{"calls", "--service=measured(0:1ms,0.9:2ms)"}, "--service: measured: the last quantile must be 1"},
		{[]string{"calls", "--service-time=@no-such-samples.txt"}, "--service: open no-such-samples.txt"}, // the old name still works
		{[]string{"calls", "--bandwidth=1000"}, "--bandwidth: bandwidth \"1000\" has no unit"},
		{[]string{"calls", "--loss=2%x"}, "--loss: invalid number"},
		{[]string{"calls", "--arbiter=both"}, `"both" is for the race workload`},
		{[]string{"calls", "--fault=melt:s0@1s+1s"}, `unknown fault kind "melt"`},
		{[]string{"calls", "--duration=10s", "--fault=at 30s pause s0 for=2s"}, `--fault "at 30s pause s0 for=2s": starts at 30s, after the load's --duration 10s`},
		{[]string{"race", "--duration=10s", "--fault=crash:s0@11s+1s"}, `starts at 11s, after the load's --duration 10s`},
		{[]string{"race", "--cancel-accept=0.8", "--accept-timeout=0.4"}, "probabilities sum to 1.2"},
		{[]string{"classroom", "--round-interval=5s"}, "--round-interval 5s must exceed"},
		{[]string{"capacity", "--workload=classroom"}, `--workload "classroom": want one of`},
		{[]string{"capacity", "--slo=ring.p50<1s"}, "want METRIC.p99<DURATION"},
		{[]string{"compare", "a.json"}, "want two reports"},
		{[]string{"compare", "missing-old.json", "missing-new.json"}, "missing-old.json"},
	} {
		st, _, stderr := sigbench(tc.args...)
		if st != exitUsage {
			t.Errorf("sigbench %s: exit %d, want %d; stderr:\n%s", strings.Join(tc.args, " "), st, exitUsage, stderr)
		}
		if !strings.Contains(stderr, tc.want) {
			t.Errorf("sigbench %s: stderr does not say %q:\n%s", strings.Join(tc.args, " "), tc.want, stderr)
		}
	}
}

// TestMeasuredServiceTimeFromFile: --service-time=@FILE drives the shards with
// the file's measured times, and the printed command carries their table, so
// the run repeats without the file; a bad line is named file:line.
func TestMeasuredServiceTimeFromFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "svc.txt")
	if err := os.WriteFile(good, []byte("# per-frame service times\n80us\n100us\n120us\n900us\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, out, stderr := sigbench("calls", "--users=200", "--rate=50", "--duration=2s", "--service=@"+good)
	if st != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", st, stderr)
	}
	const table = "--service='measured(0:80µs,0.3333333333333333:100µs,0.6666666666666666:120µs,1:900µs)'"
	if !strings.Contains(out, "reproduce: ") || !strings.Contains(out, table) || strings.Contains(out, "@") {
		t.Fatalf("the reproduce command does not carry the table %s:\n%s", table, out)
	}
	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(bad, []byte("80us\n100\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, _, stderr = sigbench("calls", "--service=@"+bad)
	if want := bad + `:2: sample: duration "100" needs a unit`; st != exitUsage || !strings.Contains(stderr, want) {
		t.Fatalf("exit %d, stderr does not say %q:\n%s", st, want, stderr)
	}
}

// TestVersionAndCompletion: --version from the build info; a completion
// script of every command and flag; --help to stdout with exit 0, usage
// errors to stderr with exit 2, as sigsim does.
func TestVersionAndCompletion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}} {
		st, out, stderr := sigbench(args...)
		if st != exitOK || !strings.HasPrefix(out, "sigbench ") || !strings.Contains(out, " commit ") || !strings.Contains(out, runtime.Version()) || stderr != "" {
			t.Errorf("sigbench %s: exit %d, stdout %q, stderr %q", args[0], st, out, stderr)
		}
	}
	for _, shell := range []string{"bash", "zsh", "fish"} {
		st, out, _ := sigbench("completion", shell)
		if st != exitOK {
			t.Fatalf("completion %s: exit %d", shell, st)
		}
		for _, w := range []string{"capacity", "compare", "merge", "--allow-option-diff", "--stages", "--shards-list", "--percentiles"} {
			if !strings.Contains(out, strings.TrimPrefix(w, "--")) {
				t.Errorf("completion %s does not know %s", shell, w)
			}
		}
	}
	for _, args := range [][]string{{"completion"}, {"completion", "tcsh"}, {"merge", "a.json"}, {"compare", "a.json"}, {"calls", "--nope"}} {
		st, out, stderr := sigbench(args...)
		if st != exitUsage || out != "" || !strings.Contains(stderr, "usage: sigbench "+args[0]) {
			t.Errorf("sigbench %s: exit %d, stdout %q, stderr:\n%s", strings.Join(args, " "), st, out, stderr)
		}
	}
	for _, args := range [][]string{{"completion", "--help"}, {"merge", "--help"}, {"compare", "-h"}, {"baselines", "--help"}} {
		st, out, stderr := sigbench(args...)
		if st != exitOK || !strings.Contains(out, "usage: sigbench "+args[0]) || stderr != "" {
			t.Errorf("sigbench %s: exit %d, stdout:\n%s\nstderr:\n%s", strings.Join(args, " "), st, out, stderr)
		}
	}
}

// TestStages: --stages gives an open-model workload a load profile; the
// load lasts until its end; the report draws it; bad profiles are usage
// errors naming the flag.
func TestStages(t *testing.T) {
	dir := t.TempDir()
	st, _, stderr := sigbench("race", "--users=300", "--stages=0s:5,10s:30,15s:0", "--out="+dir, "--threshold=server.calls.rate>8/s")
	if st != exitOK {
		t.Fatalf("exit %d\n%s", st, stderr)
	}
	r, err := bench.ReadReport(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Load == nil || len(r.Load.Points) != 3 || r.Virtual.LoadNS != 15e9 || !strings.Contains(r.Header.Command, "--stages=0s:5,10s:30,15s:0") {
		t.Errorf("load %+v, load_ns %d, command %q", r.Load, r.Virtual.LoadNS, r.Header.Command)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"calls", "--stages=0s:5,10s:30", "--rate=5"}, "--rate and --stages"},
		{[]string{"calls", "--stages=0s:5,10s:30", "--duration=1m"}, "--duration 1m0s: the load follows --stages, which end at 10s"},
		{[]string{"calls", "--stages=0s:5,20s:30,10s:0"}, "--stages 0s:5,20s:30,10s:0: 10s comes after 20s"},
		{[]string{"calls", "--stages=5s"}, `--stages: "5s": want TIME:RATE`},
		{[]string{"capacity", "--stages=0s:5,10s:30"}, "follows a load profile (--stages)"},
	} {
		if st, _, stderr := sigbench(tc.args...); st != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("sigbench %s: exit %d, want %q in\n%s", strings.Join(tc.args, " "), st, tc.want, stderr)
		}
	}
}

// TestMerge: the runs of several seeds merge into one report whose
// percentiles are those of all their samples; different options do not.
func TestMerge(t *testing.T) {
	dir := t.TempDir()
	base := []string{"calls", "--users=300", "--rate=10", "--duration=10s"}
	var reps []string
	for _, seed := range []string{"1", "2", "3"} {
		o := filepath.Join(dir, seed)
		if st, _, stderr := sigbench(append(base, "--seed="+seed, "--out="+o)...); st != exitOK {
			t.Fatalf("exit %d\n%s", st, stderr)
		}
		reps = append(reps, filepath.Join(o, "report.json"))
	}
	out := filepath.Join(dir, "merged")
	st, stdout, stderr := sigbench(append([]string{"merge", "--out=" + out, "--threshold=ring.p(99.9)<5s"}, reps...)...)
	if st != exitOK || stdout != "" || !strings.Contains(stderr, "PASS  ring.p(99.9)<5s") {
		t.Fatalf("merge: exit %d\n%s\n%s", st, stdout, stderr)
	}
	m, err := bench.ReadReport(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var calls, rings int64
	for _, p := range reps {
		r, err := bench.ReadReport(p)
		if err != nil {
			t.Fatal(err)
		}
		calls += r.Virtual.Counts["calls"]
		rings += r.Virtual.Metrics["ring"].Count
	}
	if m.Virtual.Counts["calls"] != calls || m.Virtual.Metrics["ring"].Count != rings || !strings.Contains(m.Header.Command, "--seed=3") {
		t.Errorf("merged calls %d ring %d, want %d %d; command %q", m.Virtual.Counts["calls"], m.Virtual.Metrics["ring"].Count, calls, rings, m.Header.Command)
	}
	other := filepath.Join(dir, "other")
	if st, _, stderr := sigbench(append(base, "--rate=12", "--out="+other)...); st != exitOK {
		t.Fatalf("exit %d\n%s", st, stderr)
	}
	st, _, stderr = sigbench("merge", reps[0], filepath.Join(other, "report.json"))
	if st != exitUsage || !strings.Contains(stderr, "rate: 10 vs 12") {
		t.Errorf("merge of different rates: exit %d\n%s", st, stderr)
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"calls", "--help"}, {"capacity", "-h"}} {
		st, out, _ := sigbench(args...)
		if st != exitOK || !strings.Contains(out, "usage: sigbench") {
			t.Errorf("sigbench %s: exit %d, stdout:\n%s", strings.Join(args, " "), st, out)
		}
	}
	_, out, _ := sigbench("calls", "--help")
	for _, flag := range []string{"--seed", "--duration", "--shards", "--service", "--workers", "--mode",
		"--latency", "--loss", "--out", "--json", "--threshold", "--users", "--rate", "--busy", "--no-answer", "--cancel"} {
		if !strings.Contains(out, flag) {
			t.Errorf("calls --help does not list %s", flag)
		}
	}
}

// virtualJSON is a report's JSON without its wall-clock part and the
// environment (the commit changes with every commit), each HDR histogram
// re-encoded by this build: the histograms are compared, not the bytes of
// the compression library that wrote them.
func virtualJSON(t *testing.T, js []byte) string {
	t.Helper()
	r, err := bench.ParseReport(js)
	if err != nil {
		t.Fatal(err)
	}
	r.Wall, r.Environment = nil, nil
	for name, s := range r.Virtual.Metrics {
		if s.HDR == "" {
			continue
		}
		h, err := s.Histogram()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
		if err != nil {
			t.Fatal(err)
		}
		s.HDR = string(b)
		r.Virtual.Metrics[name] = s
	}
	b, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var small = map[string][]string{
	"calls":        {"calls", "--users=300", "--rate=10", "--duration=20s", "--json"},
	"classroom":    {"classroom", "--groups=3", "--members=10", "--duration=40s", "--json"},
	"mass-timeout": {"mass-timeout", "--invitations=500", "--inviters=20", "--invitees=20", "--timeout=5", "--json"},
	"race":         {"race", "--users=200", "--rate=20", "--duration=15s", "--json"},
}

// TestDeterministic: the same seed and options give the same virtual
// metrics, alone or concurrently with other runs, under any GOMAXPROCS.
func TestDeterministic(t *testing.T) {
	names := []string{"calls", "classroom", "mass-timeout", "race"}
	want := map[string]string{}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	for _, n := range names {
		st, out, stderr := sigbench(small[n]...)
		if st != exitOK {
			t.Fatalf("%s: exit %d\n%s", n, st, stderr)
		}
		want[n] = virtualJSON(t, []byte(out))
	}
	runtime.GOMAXPROCS(4)
	got := make([]string, 2*len(names))
	var g errgroup.Group
	for i := range got {
		g.Go(func() error {
			_, out, _ := sigbench(small[names[i%len(names)]]...)
			got[i] = out
			return nil
		})
	}
	g.Wait()
	for i, out := range got {
		n := names[i%len(names)]
		if v := virtualJSON(t, []byte(out)); v != want[n] {
			t.Errorf("%s: virtual metrics differ between runs of the same seed", n)
		}
	}
	// A different seed gives different metrics.
	st, out, _ := sigbench(append(small["calls"], "--seed=2")...)
	if st != exitOK || virtualJSON(t, []byte(out)) == want["calls"] {
		t.Errorf("seed 2: exit %d, or the same metrics as seed 1", st)
	}
}

func TestThresholds(t *testing.T) {
	args := []string{"calls", "--users=300", "--rate=10", "--duration=10s"}
	st, out, _ := sigbench(append(args, "--threshold=ring.p99<1s", "--threshold=anomalies==0")...)
	if st != exitOK || !strings.Contains(out, "PASS  ring.p99<1s") {
		t.Errorf("passing thresholds: exit %d\n%s", st, out)
	}
	st, out, _ = sigbench(append(args, "--threshold=ring.p99<1ms")...)
	if st != exitFail || !strings.Contains(out, "FAIL  ring.p99<1ms") {
		t.Errorf("failing threshold: exit %d\n%s", st, out)
	}
	// k6's forms, any percentile, rates per second of the load.
	st, out, _ = sigbench(append(args, "--threshold=ring.p(95)<1s", "--threshold=ring.p(99.9)<=2s", "--threshold=ring.avg<500ms",
		"--threshold=ring.med<500ms", "--threshold=ring.min>0ms", "--threshold=ring.max<5s", "--threshold=calls.rate>5/s",
		"--threshold=ring.count>=50", "--threshold=calls.count>50")...)
	if st != exitOK || strings.Count(out, "PASS") != 9 || !strings.Contains(out, "calls.rate>5/s") {
		t.Errorf("k6 thresholds: exit %d\n%s", st, out)
	}
	// A bare number on a latency is an error that gives the fix, before
	// anything runs.
	st, _, stderr := sigbench(append(args, "--threshold=ring.p99<250")...)
	if st != exitUsage || !strings.Contains(stderr, "write ring.p99<250ms") || strings.Contains(stderr, "seed=") {
		t.Errorf("bare latency threshold: exit %d\n%s", st, stderr)
	}
	// A counter of a family the workload writes only when it happens counts 0.
	st, out, _ = sigbench(append(args, "--threshold=errors.8010.accept==0")...)
	if st != exitOK || !strings.Contains(out, "PASS  errors.8010.accept==0  actual 0") {
		t.Errorf("threshold on an absent family counter: exit %d\n%s", st, out)
	}
}

// TestThresholdNamesCheckedFirst: a threshold naming nothing the workload
// reports is a usage error before the run (which would print its options
// line first), naming the bad name and the close and valid ones.
func TestThresholdNamesCheckedFirst(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"calls", "--threshold=foo.p99<250ms"}, []string{`--threshold "foo.p99<250ms": no metric or counter "foo.p99"`, "ring, accept, reject"}},
		{[]string{"calls", "--threshold=rnig.p99<250ms"}, []string{"did you mean ring.p99?"}},
		{[]string{"race", "--threshold=ring.p99<1s"}, []string{"did you mean server.ring.p99, client.ring.p99?"}},
		{[]string{"race", "--threshold=anomalies==0"}, []string{"did you mean server.anomalies, client.anomalies?"}},
		{[]string{"calls", "--checks=off", "--threshold=violations==0"}, []string{"the invariant checkers are off"}},
		{[]string{"capacity", "--threshold=nope>1"}, []string{`no metric or counter "nope"`}},
	} {
		st, _, stderr := sigbench(tc.args...)
		if st != exitUsage {
			t.Errorf("sigbench %s: exit %d, want %d", strings.Join(tc.args, " "), st, exitUsage)
		}
		if strings.Contains(stderr, "seed=") {
			t.Errorf("sigbench %s: ran before checking its thresholds:\n%s", strings.Join(tc.args, " "), stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("sigbench %s: stderr does not say %q:\n%s", strings.Join(tc.args, " "), w, stderr)
			}
		}
	}
}

func TestOutAndCompare(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	base := []string{"calls", "--users=300", "--rate=10", "--duration=10s"}
	if st, _, stderr := sigbench(append(base, "--out="+a)...); st != exitOK {
		t.Fatalf("exit %d\n%s", st, stderr)
	}
	if st, _, stderr := sigbench(append(base, "--out="+b, "--rate=30")...); st != exitOK {
		t.Fatalf("exit %d\n%s", st, stderr)
	}
	for _, f := range []string{"report.json", "report.md", "spectrum-ring.svg", "series-ring.svg", "outcomes.svg"} {
		if _, err := os.Stat(filepath.Join(a, f)); err != nil {
			t.Error(err)
		}
	}
	md, _ := os.ReadFile(filepath.Join(a, "report.md"))
	if !strings.Contains(string(md), "sigbench calls --users=300 --rate=10 --duration=10s\n") {
		t.Errorf("report.md does not give the command:\n%s", md)
	}
	// a and b differ in their rate: compare refuses them, listing why.
	ja, jb := filepath.Join(a, "report.json"), filepath.Join(b, "report.json")
	st, out, stderr := sigbench("compare", ja, jb, "--threshold=calls>100")
	if st != exitUsage || out != "" || !strings.Contains(stderr, "measured different things") || !strings.Contains(stderr, "  rate: 10 vs 30\n") ||
		!strings.Contains(stderr, "--allow-option-diff") {
		t.Errorf("compare of different rates: exit %d\nstdout:\n%s\nstderr:\n%s", st, out, stderr)
	}
	// Allowed, it still says so, first.
	st, out, _ = sigbench("compare", ja, jb, "--threshold=calls>100", "--allow-option-diff")
	if st != exitOK || !strings.Contains(out, "PASS") || !strings.Contains(out, "ring") ||
		!strings.Contains(out, "THE REPORTS MEASURED DIFFERENT THINGS") || !strings.Contains(out, "  rate: 10 vs 30\n") {
		t.Errorf("compare --allow-option-diff: exit %d\n%s", st, out)
	}
	st, out, _ = sigbench("compare", ja, jb, "--threshold=calls<100", "--allow-option-diff")
	if st != exitFail || !strings.Contains(out, "FAIL") {
		t.Errorf("compare with a failing threshold: exit %d\n%s", st, out)
	}
	// Another seed of the same experiment compares, with a note; any
	// percentile is read from the histograms.
	c := filepath.Join(dir, "c")
	if st, _, stderr := sigbench(append(base, "--out="+c, "--seed=2")...); st != exitOK {
		t.Fatalf("exit %d\n%s", st, stderr)
	}
	jc := filepath.Join(c, "report.json")
	st, out, _ = sigbench("compare", ja, jc, "--percentiles=95,99.99", "--threshold=ring.p(99.99)<1s", "--threshold=ring.p(95)<1s")
	if st != exitOK || strings.Contains(out, "DIFFERENT") || !strings.Contains(out, "the seeds differ (1, 2)") ||
		!regexp.MustCompile(`\nring +p99\.99 `).MatchString(out) || !regexp.MustCompile(`\nring +p95 `).MatchString(out) || strings.Contains(out, "p50") {
		t.Errorf("compare of two seeds: exit %d\n%s", st, out)
	}
	if st, _, stderr := sigbench("compare", ja, jc, "--percentiles=101"); st != exitUsage || !strings.Contains(stderr, `"101" is not a percentile`) {
		t.Errorf("compare --percentiles=101: exit %d\n%s", st, stderr)
	}
	if st, _, stderr := sigbench("compare", "a", "b", "--threshold=x<"); st != exitUsage || !strings.Contains(stderr, "col 3") {
		t.Errorf("compare with a malformed threshold: exit %d\n%s", st, stderr)
	}
	st, _, stderr = sigbench("compare", ja, jb, "--threshold=nosuch.p99<1ms")
	if st != exitUsage || !strings.Contains(stderr, `no metric or counter "nosuch.p99"`) {
		t.Errorf("compare with a threshold on an unknown metric: exit %d\n%s", st, stderr)
	}
	empty := filepath.Join(dir, "empty.json")
	if err := os.WriteFile(empty, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, _, stderr = sigbench("compare", empty, filepath.Join(b, "report.json"))
	if st != exitUsage || !strings.Contains(stderr, "not a sigbench report: missing header.workload") {
		t.Errorf("compare with {} as a report: exit %d\n%s", st, stderr)
	}
}

// TestRace: server mode has no anomaly; client mode has the known ones.
func TestRace(t *testing.T) {
	st, out, stderr := sigbench(small["race"]...)
	if st != exitOK {
		t.Fatalf("exit %d\n%s", st, stderr)
	}
	var r bench.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	c := r.Virtual.Counts
	if c["server.anomalies"] != 0 || c["server.violations"] != 0 {
		t.Errorf("server mode: %d anomalies, %d violations", c["server.anomalies"], c["server.violations"])
	}
	if c["client.anomaly.cancel_accept"] == 0 || c["client.violations"] == 0 {
		t.Errorf("client mode: %d cancel/accept anomalies, %d violations; want some", c["client.anomaly.cancel_accept"], c["client.violations"])
	}
	if c["server.calls"] < 200 || c["server.calls"] != c["client.calls"] {
		t.Errorf("calls: server %d, client %d", c["server.calls"], c["client.calls"])
	}
}

func TestCallsOutcomes(t *testing.T) {
	st, out, stderr := sigbench(small["calls"]...)
	if st != exitOK {
		t.Fatalf("exit %d\n%s", st, stderr)
	}
	r, err := bench.ParseReport([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	c := r.Virtual.Counts
	sum := int64(0)
	for _, o := range []string{"accepted", "rejected", "busy", "cancelled", "timeout", "failed", "unknown"} {
		sum += c["outcome."+o]
	}
	if sum != c["calls"] || c["calls"] < 150 {
		t.Errorf("outcomes add up to %d, calls %d", sum, c["calls"])
	}
	for _, o := range []string{"accepted", "rejected", "busy", "cancelled", "timeout"} {
		if c["outcome."+o] == 0 {
			t.Errorf("no call ended %s", o)
		}
	}
	if c["anomalies"] != 0 || c["violations"] != 0 || c["outcome.unknown"] != 0 {
		t.Errorf("anomalies %d, violations %d, unknown %d", c["anomalies"], c["violations"], c["outcome.unknown"])
	}
	for _, m := range []string{"ring", "accept", "reject", "cancel", "timeout_skew", "queue"} {
		if r.Virtual.Metrics[m].Count == 0 {
			t.Errorf("metric %s has no sample", m)
		}
	}
}

func TestMassTimeout(t *testing.T) {
	st, out, stderr := sigbench(small["mass-timeout"]...)
	if st != exitOK {
		t.Fatalf("exit %d\n%s", st, stderr)
	}
	r, _ := bench.ParseReport([]byte(out))
	c := r.Virtual.Counts
	if c["outcome.timeout"] != 500 || r.Virtual.Metrics["timeout_skew"].Count != 500 {
		t.Errorf("timeouts %d, skew samples %d; want 500", c["outcome.timeout"], r.Virtual.Metrics["timeout_skew"].Count)
	}
	// 500 live invitations are not what the heap holds: no figure per
	// invitation, and a threshold on it says why.
	if r.Wall == nil || r.Wall.BytesPerLiveInvitation != 0 || r.Wall.PeakLiveInvitations != 500 {
		t.Errorf("wall %+v: want 500 live invitations and no bytes per live invitation", r.Wall)
	}
	st, _, _ = sigbench(append(small["mass-timeout"], "--threshold=bytes_per_live_invitation<1e6")...)
	if st != exitFail {
		t.Errorf("a threshold on an unmeasured bytes_per_live_invitation: exit %d", st)
	}
}

func TestClassroom(t *testing.T) {
	st, out, stderr := sigbench(small["classroom"]...)
	if st != exitOK {
		t.Fatalf("exit %d\n%s", st, stderr)
	}
	r, _ := bench.ParseReport([]byte(out))
	c := r.Virtual.Counts
	if c["rounds"] != 3 || c["outcome.raised_hand"] == 0 || c["outcome.spoke"] == 0 || c["violations"] != 0 {
		t.Errorf("rounds %d, raised %d, spoke %d, violations %d", c["rounds"], c["outcome.raised_hand"], c["outcome.spoke"], c["violations"])
	}
	// Every member but the teacher rings for each raise-hand invitation.
	if got := r.Virtual.Metrics["ring"].Count; got != 3*9 {
		t.Errorf("%d rings, want %d", got, 3*9)
	}
}

func TestCapacity(t *testing.T) {
	st, out, stderr := sigbench("capacity", "--users=20000", "--talk-time=0", "--ring-time=500ms", "--duration=5s",
		"--accept=0.8", "--reject=0.2", "--busy=0", "--no-answer=0", "--cancel=0",
		"--rates=200,1000,4000", "--shards-list=1,2", "--checks=off", "--json")
	if st != exitOK {
		t.Fatalf("exit %d\n%s", st, stderr)
	}
	r, err := bench.ParseReport([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	cp := r.Capacity
	if cp == nil || len(cp.Points) != 6 {
		t.Fatalf("capacity: %+v", cp)
	}
	if !cp.Points[0].OK || cp.Points[2].OK || cp.KneeRate < 1000 || cp.MaxRatePerShard <= 0 {
		t.Errorf("capacity: knee %v, max per shard %v, points %+v", cp.KneeRate, cp.MaxRatePerShard, cp.Points)
	}
	if len(cp.PerShards) != 2 || cp.PerShards[0].Shards != 1 || cp.PerShards[0].Knee() <= 0 || cp.PerShards[1].Knee() < 1000 {
		t.Errorf("capacity per shard count: %+v", cp.PerShards)
	}
	// Not on a terminal: no bar, one last line with the true elapsed time.
	m := regexp.MustCompile(`\nsigbench capacity: 6 points in ([0-9hms.]+)\n`).FindStringSubmatch(stderr)
	if m == nil || strings.Contains(stderr, "\r") {
		t.Errorf("stderr has no last line, or a bar:\n%q", stderr)
	}
	// The wall time is the sweep's elapsed time, which parallel points
	// keep below the time spent simulating them; no heap per invitation
	// of parallel points.
	if w := r.Wall; w.WallNS <= 0 || w.SimNS <= 0 || w.BytesPerLiveInvitation != 0 || r.Environment == nil || r.Environment.GOMAXPROCS < 1 {
		t.Errorf("wall %+v, environment %+v", w, r.Environment)
	} else if d, _ := time.ParseDuration(m[1]); runtime.GOMAXPROCS(0) > 1 && time.Duration(w.WallNS) > d+time.Second {
		t.Errorf("wall %s, longer than the %s the sweep took", time.Duration(w.WallNS), d)
	}
	// The header describes the sweep: the shard counts and rates swept.
	for _, o := range r.Header.Options {
		if o.Key == "shards" || o.Key == "rate" {
			t.Errorf("the sweep's header has %s=%s, an option of one run", o.Key, o.Value)
		}
	}
	if cp.RunShards == 0 || cp.RunRate == 0 || cp.PointDurationNS != 5e9 {
		t.Errorf("the report does not say which run its latencies are of: %+v", cp)
	}
}

// TestBaseline regenerates the committed calls baseline and fails on any
// difference in its virtual metrics (report.json minus wall).
func TestBaseline(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("..", "..", "reports", "calls", "report.json"))
	if err != nil {
		t.Fatalf("%v (regenerate with: go run ./cmd/sigbench baselines)", err)
	}
	var args []string
	for _, b := range baselines {
		if b.dir == "calls" {
			args = b.args
		}
	}
	st, out, stderr := sigbench(append(args, "--json")...)
	if st != exitOK {
		t.Fatalf("exit %d\n%s", st, stderr)
	}
	if got, w := virtualJSON(t, []byte(out)), virtualJSON(t, want); got != w {
		t.Errorf("the calls baseline changed: its virtual metrics differ from reports/calls/report.json.\n"+
			"If the change is intended, regenerate with: go run ./cmd/sigbench baselines\n%s", firstDiff(w, got))
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + strconv.Itoa(i+1) + ":\n  baseline: " + x + "\n  now:      " + y
		}
	}
	return ""
}

// TestCapacitySLOMetric: an SLO on a metric the swept workload does not
// report is a usage error before any run, naming the metrics it has (race
// with both arbiters prefixes them by mode); one that names a real metric
// runs.
func TestCapacitySLOMetric(t *testing.T) {
	race := []string{"capacity", "--workload", "race", "--users=300", "--duration=3s", "--rates=20,40"}
	st, _, stderr := sigbench(race...)
	want := `--slo: workload race has no metric "ring"; it has server.ring, server.accept`
	if st != exitUsage || !strings.Contains(stderr, want) || strings.Contains(stderr, "seed=") {
		t.Errorf("exit %d, want %d with %q before any run:\n%s", st, exitUsage, want, stderr)
	}
	st, out, stderr := sigbench(append(race, "--slo=server.ring.p99<10s", "--json")...)
	if st != exitOK {
		t.Fatalf("exit %d\n%s", st, stderr)
	}
	r, err := bench.ParseReport([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range r.Capacity.Points {
		if p.NoData || !p.OK || p.P99NS <= 0 || p.P99NS >= int64(10e9) {
			t.Errorf("point %+v: want a measured p99 within the SLO", p)
		}
	}
}

// TestCapacityNoData: a point whose metric had no sample is "no data", not
// the histogram's placeholder maximum, and ends the sweep.
func TestCapacityNoData(t *testing.T) {
	st, out, stderr := sigbench("capacity", "--users=300", "--duration=2s", "--cancel=0", "--slo=cancel.p99<1s",
		"--rates=20,40", "--checks=off")
	if st != exitOK {
		t.Fatalf("exit %d\n%s", st, stderr)
	}
	for _, w := range []string{"20  no data", "1 shard: no data: the metric had no sample at any rate measured (cancel had no sample at 20/s)", "no run met the SLO"} {
		if !strings.Contains(out, w) {
			t.Errorf("output does not say %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "7200000") || strings.Contains(out, " 40 ") {
		t.Errorf("a placeholder p99 is reported, or the sweep went on after no data:\n%s", out)
	}
}

// TestCapacityNoKnee: when the user population, not the SLO, stops the
// sweep, the verdict is "held up to", per shard count, never a knee.
func TestCapacityNoKnee(t *testing.T) {
	dir := t.TempDir()
	st, out, stderr := sigbench("capacity", "--users=2000", "--talk-time=0", "--duration=5s", "--rate=100",
		"--shards-list=1,2", "--out="+dir)
	if st != exitOK {
		t.Fatalf("exit %d\n%s", st, stderr)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "report.md"))
	for _, w := range []string{
		"1 shard: the SLO held up to 400/s, the highest rate measured; no knee found",
		"2 shards: the SLO held up to 400/s, the highest rate measured; no knee found",
		"the sweep stopped because the user population ran out at 400/s",
	} {
		if !strings.Contains(out, w) || !strings.Contains(string(md), bench.MarkdownEscape(w)) {
			t.Errorf("stdout or report.md does not say %q:\n%s", w, out)
		}
	}
	if strings.Contains(strings.ToLower(out), "knee 200") || strings.Contains(string(md), "Knee:") {
		t.Errorf("a knee is reported though the SLO never broke:\n%s", out)
	}
	r, err := bench.ReadReport(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	c := r.Virtual.Counts
	if _, ok := c["capacity.knee_rate"]; ok || c["capacity.shards_1.held_rate"] != 400 || c["capacity.shards_2.max_rate_per_shard"] != 200 {
		t.Errorf("capacity counts: %v", c)
	}
}

// TestCapacityHelp: capacity --help lists the swept workload's flags, with
// --workload given as one argument or two, before or after --help.
func TestCapacityHelp(t *testing.T) {
	for _, args := range [][]string{
		{"capacity", "--workload", "race", "--help"},
		{"capacity", "--workload=race", "--help"},
		{"capacity", "-h", "--workload", "race"},
	} {
		st, out, _ := sigbench(args...)
		if st != exitOK || !strings.Contains(out, "--cancel-accept") || strings.Contains(out, "--ring-time") ||
			!strings.Contains(out, "[race flags]") || !strings.Contains(out, `(default "race")`) {
			t.Errorf("sigbench %s: exit %d, not race's flags:\n%s", strings.Join(args, " "), st, out)
		}
	}
	if _, out, _ := sigbench("capacity", "--help"); !strings.Contains(out, "--ring-time") {
		t.Errorf("capacity --help does not list the calls workload's flags:\n%s", out)
	}
}
