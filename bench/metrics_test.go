package bench

import (
	"fmt"
	"math"
	"testing"
)

const ms1 = int64(1_000_000)

func within(t *testing.T, what string, got, want int64, rel float64) {
	t.Helper()
	if math.Abs(float64(got-want)) > rel*float64(want) {
		t.Errorf("%s = %d, want %d ±%.2f%%", what, got, want, rel*100)
	}
}

func TestSummaryKnownValues(t *testing.T) {
	m := NewMetrics()
	for i := int64(1); i <= 1000; i++ {
		m.Record("ring", i*ms1)
	}
	s, ok := m.Summary("ring")
	if !ok {
		t.Fatal("no summary for ring")
	}
	if s.Count != 1000 || s.MinNS != ms1 || s.MaxNS != 1000*ms1 || s.MeanNS != 500_500_000 {
		t.Errorf("count/min/max/mean = %d/%d/%d/%d, want 1000/1ms/1s/500.5ms", s.Count, s.MinNS, s.MaxNS, s.MeanNS)
	}
	within(t, "p50", s.P50NS, 500*ms1, 0.001)
	within(t, "p90", s.P90NS, 900*ms1, 0.001)
	within(t, "p99", s.P99NS, 990*ms1, 0.001)
	within(t, "p99.9", s.P999NS, 999*ms1, 0.001)
	if s.Clamped != 0 {
		t.Errorf("clamped = %d", s.Clamped)
	}
	if _, ok := m.Summary("nope"); ok {
		t.Error("summary of unknown metric reported ok")
	}
}

func TestSummarySingleValueIsExact(t *testing.T) {
	m := NewMetrics()
	m.Record("x", 1_234_567)
	s, _ := m.Summary("x")
	want := Summary{Count: 1, MinNS: 1_234_567, P50NS: 1_234_567, P90NS: 1_234_567, P99NS: 1_234_567,
		P999NS: 1_234_567, MaxNS: 1_234_567, MeanNS: 1_234_567}
	if s != want {
		t.Errorf("got %+v, want %+v", s, want)
	}
}

func TestRecordClampsBadInput(t *testing.T) {
	m := NewMetrics()
	h := m.Metric("x")
	h.Record(-5)
	h.Record(math.MaxInt64)
	h.Record(10 * ms1)
	s := h.Summary()
	if s.Count != 3 || s.Clamped != 2 || s.MinNS != 0 || s.MaxNS != HighestNS {
		t.Errorf("got %+v", s)
	}
	// Mean needs more than 64 bits of sum.
	for i := 0; i < 3_000_000; i++ {
		h.Record(HighestNS)
	}
	if s := h.Summary(); s.MeanNS < HighestNS-HighestNS/1000 || s.MeanNS > HighestNS {
		t.Errorf("mean %d overflowed", s.MeanNS)
	}
	var nilM *Metrics
	nilM.Record("x", 1)
	nilM.Count("x", 1)
	nilM.Series("x", 1, 1)
	nilM.FaultPeriod("x", 1, 2)
	var nilH *Hist
	nilH.Record(1)
	nilH.RecordAt(1, 1)
	if nilH.Summary() != (Summary{}) || nilM.Report(Header{}) == nil {
		t.Error("nil receivers misbehave")
	}
}

func TestCountsAndFaults(t *testing.T) {
	m := NewMetrics()
	m.Count("outcome.accepted", 2)
	m.Count("outcome.accepted", 3)
	m.Count("anomalies", 0)
	if v, ok := m.Counter("outcome.accepted"); !ok || v != 5 {
		t.Errorf("outcome.accepted = %d, %v", v, ok)
	}
	if v, ok := m.Counter("anomalies"); !ok || v != 0 {
		t.Errorf("anomalies = %d, %v", v, ok)
	}
	m.FaultPeriod("b", 5, 1) // reversed
	m.FaultPeriod("a", 0, 3)
	r := m.Report(Header{})
	want := []Fault{{Name: "a", FromNS: 0, ToNS: 3}, {Name: "b", FromNS: 1, ToNS: 5}}
	if fmt.Sprint(r.Faults) != fmt.Sprint(want) {
		t.Errorf("faults = %v, want %v", r.Faults, want)
	}
}

func TestSeriesBuckets(t *testing.T) {
	m := NewMetrics()
	if !m.SetSeriesInterval(100) {
		t.Fatal("SetSeriesInterval refused")
	}
	if m.SetSeriesInterval(0) {
		t.Error("interval 0 accepted")
	}
	h := m.Metric("ring")
	h.RecordAt(0, 10_000)
	h.RecordAt(50, 20_000)
	h.RecordAt(250, 5_000)
	h.RecordAt(120, 7_000) // behind the newest, within the window
	h.RecordAt(-1, 3_000)  // bucket -1
	h.RecordAt(1000, 1_000)
	h.RecordAt(150, 9_000) // too late: bucket 1 closed
	if m.SetSeriesInterval(50) {
		t.Error("interval changed after samples")
	}
	d := m.Report(Header{}).Series["ring"]
	want := SeriesData{IntervalNS: 100, Late: 1, Points: []SeriesPoint{
		{StartNS: -100, Count: 1, P50NS: 3_000, P99NS: 3_000, MaxNS: 3_000},
		{StartNS: 0, Count: 2, P50NS: 10_239, // 2 significant digits
			P99NS: 20_000, MaxNS: 20_000},
		{StartNS: 100, Count: 1, P50NS: 7_000, P99NS: 7_000, MaxNS: 7_000},
		{StartNS: 200, Count: 1, P50NS: 5_000, P99NS: 5_000, MaxNS: 5_000},
		{StartNS: 1000, Count: 1, P50NS: 1_000, P99NS: 1_000, MaxNS: 1_000},
	}}
	if fmt.Sprint(d) != fmt.Sprint(want) {
		t.Errorf("series\n got %+v\nwant %+v", d, want)
	}
	if s, _ := m.Summary("ring"); s.Count != 7 {
		t.Errorf("late sample missing from summary: count %d", s.Count)
	}
	// Reading the series does not close the open buckets.
	h.RecordAt(1000, 2_000)
	if d := m.Report(Header{}).Series["ring"]; d.Points[len(d.Points)-1].Count != 2 {
		t.Errorf("open bucket lost: %+v", d.Points)
	}
}

func TestRecordDoesNotAllocate(t *testing.T) {
	m := NewMetrics()
	h := m.Metric("ring")
	m.Count("n", 0)
	h.RecordAt(0, 1) // create the series
	var v, at int64
	cases := map[string]func(){
		"Hist.Record":     func() { v += 997; h.Record(v % HighestNS) },
		"Metrics.Record":  func() { v += 997; m.Record("ring", v%HighestNS) },
		"Metrics.Count":   func() { m.Count("n", 1) },
		"Hist.RecordAt":   func() { at += 1_000_000; h.RecordAt(at, 5_000_000) },
		"Metrics.Series":  func() { at += 1_000_000; m.Series("ring", at, 5_000_000) },
		"Hist.Record-bad": func() { h.Record(-1) },
	}
	for name, f := range cases {
		if n := testing.AllocsPerRun(10_000, f); n != 0 {
			t.Errorf("%s: %v allocations per call", name, n)
		}
	}
}

func BenchmarkRecord(b *testing.B) {
	h := NewMetrics().Metric("ring")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		h.Record(int64(i%1_000_000) * 1000)
	}
}

func BenchmarkRecordAt(b *testing.B) {
	h := NewMetrics().Metric("ring")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		h.RecordAt(int64(i)*10_000, int64(i%1_000_000)*1000)
	}
}

func ExampleMetrics() {
	m := NewMetrics()
	ring := m.Metric("ring") // keep the handle: Record does not allocate
	for i := int64(1); i <= 100; i++ {
		ring.Record(i * 1_000_000) // 1ms .. 100ms
	}
	s, _ := m.Summary("ring")
	fmt.Println("count", s.Count)
	fmt.Println("min", formatMS(s.MinNS))
	fmt.Println("p50", formatMS(s.P50NS))
	fmt.Println("p99", formatMS(s.P99NS))
	fmt.Println("max", formatMS(s.MaxNS))
	fmt.Println("mean", formatMS(s.MeanNS))
	// Output:
	// count 100
	// min 1.000ms
	// p50 50.004ms
	// p99 99.025ms
	// max 100.000ms
	// mean 50.500ms
}
