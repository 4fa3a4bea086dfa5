package bench

import (
	"bytes"
	"errors"
	"flag"
	"maps"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"sigsim/internal/atomicfile/atomicfiletest"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the golden files in testdata/")

// fullRun returns metrics and a report with every section filled in.
func fullRun() (*Metrics, *Report) {
	m := NewMetrics()
	ring := m.Metric("ring")
	setup := m.Metric("call.setup")
	// 120s of virtual time, a latency bump during a partition at 40..60s.
	for i := int64(0); i < 12_000; i++ {
		at := i * 10 * ms1
		lat := 20*ms1 + (i%97)*ms1/4
		if at >= 40e9 && at < 60e9 {
			lat += 150 * ms1
		}
		ring.RecordAt(at, lat)
		setup.Record(2*lat + i%13*1000)
	}
	m.FaultPeriod("partition shard-1", 40e9, 60e9)
	m.FaultPeriod("crash shard-0", 90e9, 91e9)
	m.Count("outcome.accepted", 9000)
	m.Count("outcome.rejected", 1500)
	m.Count("outcome.timeout", 1200)
	m.Count("outcome.cancelled", 300)
	m.Count("anomalies", 0)
	m.SetDuration(120e9)
	r := m.Report(Header{
		Workload: "calls-1v1",
		Version:  "v0.0.0-test",
		Seed:     42,
		Options:  []Option{{"rate", "100"}, {"shards", "2"}, {"latency", "lognormal(20ms,0.5)"}},
		Command:  "sigbench run -workload calls-1v1 -seed 42 -rate 100 -shards 2",
	})
	r.Wall = &Wall{Events: 1_234_567, EventsPerSec: 3.1e6, NsPerEvent: 322.5, NsPerInvitation: 4100,
		PeakHeapBytes: 64 << 20, BytesPerLiveInvitation: 812.5, Speedup: 300.25, WallNS: 398_000_000}
	r.Capacity = &Capacity{Metric: "ring", SLO: "p99<200ms", SLONS: 200 * ms1, Points: []CapacityPoint{
		{Rate: 1000, Shards: 1, P99NS: 30 * ms1}, {Rate: 2000, Shards: 1, P99NS: 60 * ms1},
		{Rate: 4000, Shards: 1, P99NS: 250 * ms1}, {Rate: 3000, Shards: 1, P99NS: 120 * ms1},
		{Rate: 2000, Shards: 2, P99NS: 25 * ms1}, {Rate: 4000, Shards: 2, P99NS: 70 * ms1},
		{Rate: 8000, Shards: 2, P99NS: 400 * ms1}, {Rate: 6000, Shards: 2, P99NS: 150 * ms1},
	}}
	r.Capacity.Analyze()
	r.Capacity.RunRate, r.Capacity.RunShards, r.Capacity.PointDurationNS, r.Capacity.WarmupNS = 3000, 1, 10e9, 2e9
	r.Definitions = map[string]string{"ring": "from the invite to the ring", "outcome.*": "how calls ended",
		"anomalies": "calls with | pipes and *stars*"}
	r.Environment = &Environment{Commit: "0123456789ab", GoVersion: "go1.26.0", GOOS: "linux", GOARCH: "amd64",
		CPU: "Test CPU", NumCPU: 4, GOMAXPROCS: 4}
	r.Load = &Load{StartNS: 5e9, Points: []LoadPoint{{0, 50}, {60e9, 150}, {90e9, 0}}}
	return m, r
}

func TestCapacityAnalyze(t *testing.T) {
	_, r := fullRun()
	c := r.Capacity
	if c.KneeRate != 6000 || c.MaxRatePerShard != 3000 {
		t.Errorf("knee %v, max per shard %v; want 6000, 3000", c.KneeRate, c.MaxRatePerShard)
	}
	if !sort.SliceIsSorted(c.Points, func(i, j int) bool {
		a, b := c.Points[i], c.Points[j]
		return a.Shards < b.Shards || a.Shards == b.Shards && a.Rate < b.Rate
	}) {
		t.Errorf("points not sorted: %+v", c.Points)
	}
	if c.Points[3].OK || !c.Points[2].OK {
		t.Errorf("OK flags wrong: %+v", c.Points)
	}
	var nilC *Capacity
	nilC.Analyze()
}

func TestReportJSONRoundTrip(t *testing.T) {
	_, r := fullRun()
	js, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseReport(js)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r, back) {
		t.Errorf("round trip changed the report")
	}
	js2, err := back.JSON()
	if err != nil || !bytes.Equal(js, js2) {
		t.Errorf("re-encoding differs (%v)", err)
	}
	for _, key := range []string{`"p99_9_ns"`, `"events_per_sec"`, `"knee_rate"`, `"interval_ns"`, `"from_ns"`} {
		if !bytes.Contains(js, []byte(key)) {
			t.Errorf("JSON lacks %s", key)
		}
	}
	if _, err := ParseReport([]byte(`{"header":{},"bogus":1}`)); err == nil {
		t.Error("unknown field accepted")
	}
	bad := *r
	bad.Wall = &Wall{Speedup: math.NaN()}
	if _, err := bad.JSON(); err == nil {
		t.Error("NaN encoded")
	}
}

func TestWallInput(t *testing.T) {
	in := WallInput{WallNS: 2e9, VirtualNS: 600e9, Events: 4e6, Invitations: 1e5,
		PeakHeapBytes: 1e8, PeakLiveInvitations: 1e4}
	want := Wall{Events: 4e6, EventsPerSec: 2e6, NsPerEvent: 500, NsPerInvitation: 20000,
		PeakHeapBytes: 1e8, PeakLiveInvitations: 1e4, BytesPerLiveInvitation: 1e4, Speedup: 300, WallNS: 2e9}
	if w := in.Wall(); !reflect.DeepEqual(w, want) {
		t.Errorf("got %+v\nwant %+v", w, want)
	}
	// Points of a sweep ran in parallel: the elapsed time gives the
	// throughput, the simulator's time the cost of an event; the heap is
	// no one point's.
	in.SimNS, in.Parallel = 3e9, true
	want.NsPerEvent, want.NsPerInvitation, want.SimNS, want.BytesPerLiveInvitation = 750, 30000, 3e9, 0
	if w := in.Wall(); !reflect.DeepEqual(w, want) {
		t.Errorf("parallel: got %+v\nwant %+v", w, want)
	}
	// Too few live invitations for the heap to be theirs.
	in.Parallel, in.PeakLiveInvitations = false, MinLiveForBytes-1
	if w := in.Wall(); w.BytesPerLiveInvitation != 0 {
		t.Errorf("bytes per live invitation %v with %d live", w.BytesPerLiveInvitation, in.PeakLiveInvitations)
	}
	if z := (WallInput{}).Wall(); !reflect.DeepEqual(z, Wall{}) {
		t.Errorf("zero input gave %+v", z)
	}
}

func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

func TestWriteReport(t *testing.T) {
	m, r := fullRun()
	d1, d2 := t.TempDir(), filepath.Join(t.TempDir(), "sub", "dir")
	if err := WriteReport(d1, r, m); err != nil {
		t.Fatal(err)
	}
	// A fresh run of the same seed: same bytes.
	m2, r2 := fullRun()
	if err := WriteReport(d2, r2, m2); err != nil {
		t.Fatal(err)
	}
	f1, f2 := readDir(t, d1), readDir(t, d2)
	want := []string{"capacity.svg", "outcomes.svg", "report.json", "report.md",
		"series-ring.svg", "spectrum-call_setup.svg", "spectrum-ring.svg"}
	var got []string
	for n := range f1 {
		got = append(got, n)
	}
	sort.Strings(got)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("files %v, want %v", got, want)
	}
	for _, n := range want {
		if !bytes.Equal(f1[n], f2[n]) {
			t.Errorf("%s differs between two writes", n)
		}
		if strings.HasSuffix(n, ".svg") {
			s := string(f1[n])
			if !strings.HasPrefix(s, "<?xml") || !strings.Contains(s, "<svg") || strings.Contains(s, "NaN") {
				t.Errorf("%s does not look like a good SVG", n)
			}
		}
	}
	md := string(f1["report.md"])
	for _, n := range want {
		if strings.HasSuffix(n, ".svg") && !strings.Contains(md, "]("+n+")") {
			t.Errorf("report.md does not embed %s", n)
		}
	}
	if s := string(f1["series-ring.svg"]); !strings.Contains(s, "partition shard-1") {
		t.Error("series chart does not name the fault")
	}
	golden(t, "report.md.golden", md)

	// Without metrics the spectrum comes from the summaries; without wall,
	// series or capacity those parts are left out.
	r.Wall, r.Capacity, r.Series, r.Faults = nil, nil, nil, nil
	d3 := t.TempDir()
	if err := WriteReport(d3, r, nil); err != nil {
		t.Fatal(err)
	}
	f3 := readDir(t, d3)
	if _, ok := f3["spectrum-ring.svg"]; !ok || len(f3) != 5 {
		t.Errorf("files without metrics: %d", len(f3))
	}
	if !strings.Contains(string(f3["report.md"]), "Not measured.") {
		t.Error("missing wall not stated")
	}
	if err := WriteReport(t.TempDir(), nil, nil); err == nil {
		t.Error("nil report accepted")
	}
}

func TestWriteReportEmpty(t *testing.T) {
	dir := t.TempDir()
	if err := WriteReport(dir, NewMetrics().Report(Header{}), NewMetrics()); err != nil {
		t.Fatal(err)
	}
	if f := readDir(t, dir); len(f) != 2 {
		t.Errorf("empty report wrote %d files", len(f))
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *rewrite {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bench/ -rewrite to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test ./bench/ -rewrite updates it); got:\n%s", path, got)
	}
}

func TestCompareGolden(t *testing.T) {
	_, old := fullRun()
	_, cur := fullRun()
	s := cur.Virtual.Metrics["ring"]
	s.P99NS = s.P99NS * 13 / 10
	s.MaxNS += 5 * ms1
	cur.Virtual.Metrics["ring"] = s
	delete(cur.Virtual.Metrics, "call.setup")
	cur.Virtual.Metrics["invite.deliver"] = Summary{Count: 10, MinNS: 1000, P50NS: 2000, P90NS: 3000,
		P99NS: 4000, P999NS: 4000, MaxNS: 4000, MeanNS: 2100}
	cur.Virtual.Counts["outcome.accepted"] = 8900
	cur.Virtual.Counts["anomalies"] = 2
	cur.Wall.EventsPerSec = 2.9e6
	cur.Header.Options = []Option{{"rate", "200"}, {"shards", "2"}, {"fault", "pause:s0@1s+1s"}}
	cur.Header.Seed = 7
	ths := mustThresholds(t, "ring.p99<250ms", "anomalies==0", "outcome.accepted>100", "events_per_sec>=1e6", "call.setup.p99<1s",
		"ring.p(99.99)<1s")
	text, failed := Compare(old, cur, CompareOptions{Thresholds: ths, Percentiles: []float64{50, 95, 99, 99.99}})
	if !failed {
		t.Error("failed = false")
	}
	golden(t, "compare.golden", text)

	text, failed = Compare(old, old, CompareOptions{Thresholds: mustThresholds(t, "ring.p99<250ms", "anomalies==0")})
	if failed || !strings.Contains(text, "PASS: all 2 thresholds passed") {
		t.Errorf("same report: failed=%v\n%s", failed, text)
	}
	if text, _ := Compare(nil, nil, CompareOptions{}); !strings.HasPrefix(text, "old: -\nnew: -\n") {
		t.Errorf("nil reports: %q", text)
	}
}

func mustThresholds(t *testing.T, exprs ...string) []Threshold {
	t.Helper()
	var ths []Threshold
	for _, e := range exprs {
		th, err := ParseThreshold(e)
		if err != nil {
			t.Fatal(err)
		}
		ths = append(ths, th)
	}
	return ths
}

func TestErlangC(t *testing.T) {
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Errorf("%s = %.12g, want %.12g", what, got, want)
		}
	}
	// M/M/1: P(wait) = rho, Wq = rho/(mu-lambda).
	p, wq, err := ErlangC(1, 3, 4)
	if err != nil {
		t.Fatal(err)
	}
	near("M/M/1 pWait", p, 0.75)
	near("M/M/1 Wq", wq, 0.75/(4-3))
	// M/M/2: P(wait) = 2rho²/(1+rho); lambda=3, mu=2 → rho=0.75.
	p, wq, _ = ErlangC(2, 3, 2)
	near("M/M/2 pWait", p, 2*0.75*0.75/1.75)
	near("M/M/2 Wq", wq, (2*0.75*0.75/1.75)/(2*2-3))
	// M/M/4 with a = 2 Erlangs: C = 4/23, Wq = C/(c·mu−lambda) = 2/23.
	p, wq, _ = ErlangC(4, 2, 1)
	near("M/M/4 pWait", p, 4.0/23)
	near("M/M/4 Wq", wq, 2.0/23)
	// Textbook call centre: 100 calls/h, 6 min each (a = 10), 12 agents:
	// P(wait) ≈ 0.4493 (Erlang C tables).
	p, _, _ = ErlangC(12, 100.0/3600, 1.0/360)
	if math.Abs(p-0.4493) > 5e-4 {
		t.Errorf("call centre pWait = %.4f, want 0.4493", p)
	}
	// Large c against the sum of terms in log space.
	for _, c := range []int{100, 1000} {
		a := 0.95 * float64(c)
		p, wq, err := ErlangC(c, a, 1)
		if err != nil {
			t.Fatal(err)
		}
		want := erlangCLog(c, a)
		near("large-c pWait", p, want)
		near("large-c Wq", wq, want/(float64(c)-a))
		if p <= 0 || p >= 1 {
			t.Errorf("c=%d: pWait %v out of (0,1)", c, p)
		}
	}
	if p, wq, err := ErlangC(3, 0, 1); err != nil || p != 0 || wq != 0 {
		t.Errorf("lambda=0: %v %v %v", p, wq, err)
	}
	for _, bad := range []struct {
		c     int
		l, mu float64
	}{{0, 1, 1}, {-1, 1, 1}, {1, 1, 1}, {2, 5, 2}, {1, -1, 1}, {1, 1, 0}, {1, math.NaN(), 1},
		{1, 1, math.Inf(1)}, {1, math.Inf(1), 1}, {MaxErlangServers + 1, 1, 1}} {
		if _, _, err := ErlangC(bad.c, bad.l, bad.mu); err == nil {
			t.Errorf("ErlangC(%d, %v, %v) succeeded", bad.c, bad.l, bad.mu)
		}
	}
}

// erlangCLog computes Erlang C from its definition with log-space terms.
func erlangCLog(c int, a float64) float64 {
	logTerm := func(k int) float64 { // log(a^k / k!)
		lg, _ := math.Lgamma(float64(k) + 1)
		return float64(k)*math.Log(a) - lg
	}
	top := logTerm(c) + math.Log(float64(c)/(float64(c)-a))
	maxL := top
	for k := 0; k < c; k++ {
		maxL = math.Max(maxL, logTerm(k))
	}
	sum := 0.0
	for k := 0; k < c; k++ {
		sum += math.Exp(logTerm(k) - maxL)
	}
	t := math.Exp(top - maxL)
	return t / (sum + t)
}

func TestProgressNotATerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "progress")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p := NewProgress(100, "running", f)
	if p.Enabled() {
		t.Error("progress enabled on a file")
	}
	p.Add(50)
	p.Finish()
	if st, _ := f.Stat(); st.Size() != 0 {
		t.Errorf("progress wrote %d bytes to a file", st.Size())
	}
	var nilP *Progress
	nilP.Add(1)
	nilP.Describe("x")
	nilP.Finish()
	NewProgress(1, "x", nil).Add(1)
}

// TestProgressBar: on a terminal the bar shows the steps done of the
// total, the description, the unit's rate and the time left.
func TestProgressBar(t *testing.T) {
	var b bytes.Buffer
	p := newProgressTo(8, "capacity", "points", &b)
	p.Add(1)
	p.Describe("capacity: 2 shards at 4000/s")
	p.Add(2)
	out := b.String()
	for _, want := range []string{"capacity: 2 shards at 4000/s", "3/8", "points/"} {
		if !strings.Contains(out, want) {
			t.Errorf("the bar does not show %q: %q", want, out)
		}
	}
	if !regexp.MustCompile(`\[\d+s:\d+s\]`).MatchString(out) {
		t.Errorf("the bar does not show [elapsed:left]: %q", out)
	}
	p.Finish()
}

// TestCapacityVerdicts: a knee only where the SLO broke above a rate that
// held; "held up to" where it never broke; no-data points judge nothing.
func TestCapacityVerdicts(t *testing.T) {
	c := &Capacity{Metric: "ring", SLO: "p99<200ms", SLONS: 200 * ms1, Points: []CapacityPoint{
		// 1 shard: holds at every rate measured, the sweep stopped short.
		{Rate: 100, Shards: 1, P99NS: 40 * ms1}, {Rate: 200, Shards: 1, P99NS: 41 * ms1}, {Rate: 400, Shards: 1, P99NS: 41 * ms1},
		// 2 shards: a knee at 300, noise above the break.
		{Rate: 300, Shards: 2, P99NS: 90 * ms1}, {Rate: 600, Shards: 2, P99NS: 900 * ms1}, {Rate: 1200, Shards: 2, P99NS: 150 * ms1},
		// 3 shards: broken at the lowest rate; 4 shards: no sample (the old placeholder).
		{Rate: 50, Shards: 3, P99NS: 300 * ms1},
		{Rate: 50, Shards: 4, P99NS: HighestNS},
	}}
	c.SetStopped(1, "the user population ran out at 400/s")
	c.Analyze()
	want := []string{
		"1 shard: the SLO held up to 400/s, the highest rate measured; no knee found; at least 400/s per shard sustainable — the sweep stopped because the user population ran out at 400/s",
		"2 shards: knee 300/s (the SLO held up to 300/s and broke at 600/s); max sustainable rate 150/s per shard",
		"3 shards: the SLO broke already at 50/s, the lowest rate measured; no knee found (sweep lower rates)",
		"4 shards: no data: the metric had no sample at any rate measured",
	}
	if len(c.PerShards) != len(want) {
		t.Fatalf("per shards: %+v", c.PerShards)
	}
	for i, w := range want {
		if got := c.PerShards[i].Verdict(); got != w {
			t.Errorf("verdict %d:\n got %s\nwant %s", i, got, w)
		}
	}
	if c.KneeRate != 300 || c.MaxRatePerShard != 400 {
		t.Errorf("knee %v, max per shard %v; want 300 (of 2 shards), 400 (of 1)", c.KneeRate, c.MaxRatePerShard)
	}
	if p := c.Points[len(c.Points)-1]; !p.NoData || p.OK || p.P99NS != 0 {
		t.Errorf("the placeholder p99 is not no data: %+v", p)
	}
}

// TestCapacityOldJSON: a capacity report written before per-shard verdicts
// (no per_shards, the placeholder p99 for no sample) still reads, and
// Analyze gives it its verdicts.
func TestCapacityOldJSON(t *testing.T) {
	old := `{"header":{"workload":"capacity:calls","version":"sigsim/1","seed":1,"options":[],"command":"sigbench capacity"},
"virtual":{"metrics":{},"counts":{"capacity.knee_rate":200},"duration_ns":1},
"capacity":{"metric":"ring","slo":"p99<200ms","slo_ns":199999999,"points":[
{"rate":100,"shards":1,"p99_ns":40000000,"ok":true},{"rate":200,"shards":1,"p99_ns":7200000000000,"ok":false}],
"knee_rate":100,"max_rate_per_shard":100}}`
	r, err := ParseReport([]byte(old))
	if err != nil {
		t.Fatal(err)
	}
	r.Capacity.Analyze()
	if got := r.Capacity.PerShards[0].Verdict(); !strings.Contains(got, "held up to 100/s, the highest rate measured; no knee found") {
		t.Errorf("verdict: %s", got)
	}
}

// TestWriteReportFailure: a write that fails half-way (injected) leaves the
// folder marked INCOMPLETE, the previous report.md whole, and no temporary
// file; a later successful write removes the marker.
func TestWriteReportFailure(t *testing.T) {
	dir := t.TempDir()
	m, r := fullRun()
	if err := WriteReport(dir, r, m); err != nil {
		t.Fatal(err)
	}
	before := readDir(t, dir)
	r.Header.Seed = 99 // a different report
	f := &atomicfiletest.Faulty{Match: ReportMarkdown, Step: "write"}
	atomicfiletest.Inject(t, f)
	err := WriteReport(dir, r, m)
	if !errors.Is(err, atomicfiletest.ErrInjected) {
		t.Fatalf("error %v", err)
	}
	after := readDir(t, dir)
	if !bytes.Equal(after[ReportMarkdown], before[ReportMarkdown]) {
		t.Error("report.md changed though its write failed")
	}
	if !strings.Contains(string(after[ReportIncomplete]), "incomplete") || !Incomplete(filepath.Join(dir, ReportJSON)) {
		t.Errorf("no INCOMPLETE marker after a failed write: %v", slices.Sorted(maps.Keys(after)))
	}
	if len(after) != len(before)+1 {
		t.Errorf("files: %v, want the report's and the marker", slices.Sorted(maps.Keys(after)))
	}
	f.Step = ""
	if err := WriteReport(dir, r, m); err != nil {
		t.Fatal(err)
	}
	if Incomplete(filepath.Join(dir, ReportJSON)) {
		t.Error("the marker stays after a complete write")
	}
}

// TestFindingsInReport: report.json carries the findings and the
// interruption, report.md lists them, and the JSON round-trips.
func TestFindingsInReport(t *testing.T) {
	_, r := fullRun()
	r.Findings = &Findings{Notes: []string{"server mode: 3 calls"}, Failures: []string{"setup: 2 calls failed"},
		Violation: "agreement violated at 1s"}
	r.Interrupted = &Interrupted{AtNS: 12_345_000_000, Signal: "interrupt", Detail: "server mode"}
	r.Wall.Notes = []string{"wall note"}
	js, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`"findings": {`, `"notes": [`, `"failures": [`, `"violation": "agreement violated at 1s"`,
		`"interrupted": {`, `"at_ns": 12345000000`} {
		if !strings.Contains(string(js), w) {
			t.Errorf("report.json lacks %s:\n%s", w, js)
		}
	}
	back, err := ParseReport(js)
	if err != nil || !reflect.DeepEqual(back.Findings, r.Findings) || !reflect.DeepEqual(back.Interrupted, r.Interrupted) {
		t.Errorf("round trip: %v %+v", err, back)
	}
	md := markdown(r, nil)
	for _, w := range []string{
		"**Interrupted at virtual time 12.345 s (interrupt; server mode): this report covers the run up to then only.**",
		"## Findings", "- **INTERRUPTED:** interrupted at virtual time 12.345 s", "- server mode: 3 calls",
		"- **FAILED:** setup: 2 calls failed", "- **INVARIANT VIOLATED:** agreement violated at 1s", "- wall note",
	} {
		if !strings.Contains(md, w) {
			t.Errorf("report.md lacks %q:\n%s", w, md)
		}
	}
}
