package workload

import (
	"context"
	"strings"
	"testing"

	"sigsim/bench"
)

// TestCapacityValidate: a sweep's problems are reported together, after the
// workload's (which stop it).
func TestCapacityValidate(t *testing.T) {
	if err := (Capacity{}).Validate(); err != nil {
		t.Errorf("Capacity{}: %v", err)
	}
	err := Capacity{Workload: Calls{Users: 1}, Factor: 1}.Validate()
	if got := Spell(err, flag); got != "--users 1: need at least 2" {
		t.Errorf("capacity of a bad workload: %s", got)
	}
	err = Capacity{Factor: 1, Steps: -1, Rates: []float64{0}, ShardsList: []int{0}, SLO: "ring.p50<1s"}.Validate()
	want := []string{
		`--slo "ring.p50<1s": want METRIC.p99<DURATION (or <=), e.g. ring.p99<200ms`,
		"--factor 1 must be > 1",
		"--steps -1 must be >= 1 and --refine 0 >= 0",
		`--rates: "0" is not a rate > 0`,
		`--shards-list: "0" is not a shard count in 1..65536`,
	}
	if got := Spell(err, flag); got != strings.Join(want, "\n") {
		t.Errorf("capacity, spelled as flags:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	err = Capacity{Workload: Classroom{}}.Validate()
	if err == nil || !strings.Contains(err.Error(), "workload classroom cannot be swept: it has no arrival rate") {
		t.Errorf("capacity of a classroom: %v", err)
	}
	err = Capacity{SLO: "cancel.p99<1s", Workload: Race{}}.Validate()
	if err == nil || !strings.Contains(err.Error(), `slo: workload race has no metric "cancel"; it has server.ring, server.accept`) {
		t.Errorf("capacity SLO on a metric race lacks: %v", err)
	}
	if err := ValidateExact(Capacity{Workload: Calls{}.WithDefaults()}); err == nil || !strings.Contains(err.Error(), "factor 0 must be > 1") {
		t.Errorf("capacity, exact: %v", err)
	}
}

// TestCapacityProgress: a sweep tells of each point as it is measured, and
// its counters and names agree.
func TestCapacityProgress(t *testing.T) {
	var steps []CapacityStep
	c := Capacity{Workload: smallCalls(), Rates: []float64{5, 10}, ShardsList: []int{1, 2}, SLO: "ring.p99<10s",
		Progress: func(s CapacityStep) { steps = append(steps, s) }}
	p, err := Prepare(c)
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 5 || len(res.Capacity.Points) != 4 {
		t.Fatalf("%d steps, %d points", len(steps), len(res.Capacity.Points))
	}
	if steps[0] != (CapacityStep{Most: 4}) {
		t.Errorf("first step %+v, want the start: Done 0 of at most 4", steps[0])
	}
	for i, s := range steps[1:] {
		if s.Done != i+1 || s.Most != 4 || !s.Point.OK || s.Wall <= 0 {
			t.Errorf("step %d: %+v", i, s)
		}
	}
	// The header describes the sweep: the shard counts swept, no rate.
	for _, o := range optionKeys(p.Header().Options) {
		if o == "shards" || o == "rate" || o == "start-rate" {
			t.Errorf("the sweep's header has the option %s of one run", o)
		}
	}
	if w := res.Capacity; w.RunRate != 10 || w.RunShards != 1 || w.PointDurationNS != int64(smallCalls().Duration) {
		t.Errorf("run %v/s on %d shards, point duration %d", w.RunRate, w.RunShards, w.PointDurationNS)
	}
	if n, _ := res.Metrics.Counter("capacity.points"); n != 4 {
		t.Errorf("capacity.points %d", n)
	}
	r := res.Report(p.Header())
	if r.Header.Workload != "capacity:calls" || r.Capacity == nil || len(r.Findings.Notes) < 3 {
		t.Errorf("report: %+v %+v", r.Header, r.Findings)
	}
	n := p.Names()
	for k := range r.Virtual.Counts {
		if err := n.Check(k); err != nil {
			t.Errorf("counter %q: %v", k, err)
		}
	}
}

// optionKeys lists the options' keys.
func optionKeys(l []bench.Option) []string {
	var keys []string
	for _, o := range l {
		keys = append(keys, o.Key)
	}
	return keys
}
