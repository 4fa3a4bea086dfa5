package bench

import (
	"strings"
	"testing"
)

// TestMergeReports: merging the reports of two seeds gives the percentiles
// of all their samples, as one histogram of them would, the counters
// added, and rates per second of the whole load.
func TestMergeReports(t *testing.T) {
	all := NewMetrics()
	run := func(seed uint64, from, to int64) *Report {
		m := NewMetrics()
		for i := from; i < to; i++ {
			v := i*i*1000 + 7
			m.Record("ring", v)
			all.Record("ring", v)
		}
		m.Count("calls", to-from)
		m.SetDuration(100e9)
		m.SetLoad(60e9)
		r := m.Report(Header{Workload: "calls", Version: "test", Seed: seed,
			Options: []Option{{"seed", "x"}, {"rate", "10"}}, Command: "sigbench calls --seed=" + string(rune('0'+seed))})
		r.Findings = &Findings{Notes: []string{"server mode: fine"}}
		return r
	}
	a, b := run(1, 1, 3000), run(2, 3000, 4000)
	got, err := MergeReports([]*Report{a, b})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := all.Summary("ring")
	s := got.Virtual.Metrics["ring"]
	for _, p := range []float64{50, 90, 95, 99, 99.9, 99.99} {
		w := all.hists["ring"].Quantile(p / 100)
		if v, err := s.Percentile(p); err != nil || v != w {
			t.Errorf("merged p%v = %d, %v; want %d", p, v, err, w)
		}
	}
	if s.Count != want.Count || s.MinNS != want.MinNS || s.MaxNS != want.MaxNS || s.P99NS != want.P99NS {
		t.Errorf("merged summary %+v, want %+v", s, want)
	}
	if d := s.MeanNS - want.MeanNS; d < -1 || d > 1 {
		t.Errorf("merged mean %d, want %d", s.MeanNS, want.MeanNS)
	}
	if got.Virtual.Counts["calls"] != 3999 || got.Virtual.LoadNS != 120e9 {
		t.Errorf("counts %v, load %d", got.Virtual.Counts, got.Virtual.LoadNS)
	}
	th, _ := ParseThreshold("calls.rate>33/s")
	if ok, actual, err := th.Eval(got); !ok || err != nil || actual != "33.325/s" {
		t.Errorf("%s on the merged report: %v %q %v", th, ok, actual, err)
	}
	if o := got.Header.Options[0]; o.Key != "seed" || o.Value != "1,2" || len(got.Header.Seeds) != 2 || got.Header.Seeds[1] != 2 {
		t.Errorf("seed option %+v, seeds %v; want seed=1,2", o, got.Header.Seeds)
	}
	if md := markdown(got, nil); !strings.Contains(md, "merges 2 runs of one experiment, seeds 1, 2") || strings.Contains(md, "| seed | 1 |") {
		t.Errorf("report.md of a merge does not say so:\n%s", md)
	}
	if got.Findings == nil || got.Findings.Notes[1] != "seed 2: server mode: fine" {
		t.Errorf("findings %+v", got.Findings)
	}
	if _, err := ParseReport(mustJSON(t, got)); err != nil {
		t.Errorf("the merged report does not read back: %v", err)
	}

	c := run(3, 1, 10)
	c.Header.Options[1].Value = "20"
	for _, tc := range []struct {
		reps []*Report
		want string
	}{
		{[]*Report{a}, "at least two"},
		{[]*Report{a, a}, "reports 1 and 2 are of the same seed 1"},
		{[]*Report{a, c}, "report 2 measured something else than report 1 (rate: 10 vs 20)"},
		{[]*Report{a, {Capacity: &Capacity{}}}, "capacity sweep"},
	} {
		if _, err := MergeReports(tc.reps); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("merge: %v, want %q", err, tc.want)
		}
	}
	old := run(4, 1, 10)
	s = old.Virtual.Metrics["ring"]
	s.HDR = ""
	old.Virtual.Metrics["ring"] = s
	if _, err := MergeReports([]*Report{a, old}); err == nil || !strings.Contains(err.Error(), "before schema 2") {
		t.Errorf("merging a report without histograms: %v", err)
	}
}

func mustJSON(t *testing.T, r *Report) []byte {
	t.Helper()
	b, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestOlderAndNewerReports: a report written before schema 2 (no
// schema_version, no histograms) still reads, its summary percentiles
// still answer, others say why not; a report of a newer schema is refused.
func TestOlderAndNewerReports(t *testing.T) {
	old := `{"header":{"workload":"calls","version":"sigsim/1","seed":1,"options":[],"command":"sigbench calls"},
	"virtual":{"metrics":{"ring":{"count":10,"min_ns":1000000,"p50_ns":2000000,"p90_ns":3000000,"p99_ns":4000000,"p99_9_ns":4000000,"max_ns":4000000,"mean_ns":2500000}},"counts":{"calls":10},"duration_ns":60000000000}}`
	r, err := ParseReport([]byte(old))
	if err != nil {
		t.Fatal(err)
	}
	if r.SchemaVersion != 1 {
		t.Errorf("schema_version %d, want 1", r.SchemaVersion)
	}
	for expr, want := range map[string]string{
		"ring.p99<5ms":   "",
		"ring.p(95)<5ms": "written before schema 2",
		"calls.rate>0":   "does not say how long its load lasted",
	} {
		th, err := ParseThreshold(expr)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = th.Eval(r)
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("%s on a schema 1 report: %v, want %q", expr, err, want)
		}
	}
	newer := strings.Replace(old, `{"header"`, `{"schema_version":99,"header"`, 1)
	if _, err := ParseReport([]byte(newer)); err == nil || !strings.Contains(err.Error(), "written by a newer sigbench") {
		t.Errorf("schema 99: %v", err)
	}
}
