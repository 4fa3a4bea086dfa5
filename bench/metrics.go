package bench

import (
	"maps"
	"math/bits"
	"slices"
	"sort"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// Histogram geometry shared by every metric.
const (
	// LowestNS is the lowest discernible value of a metric histogram: 1µs.
	LowestNS int64 = 1_000
	// HighestNS is the highest trackable value of a metric histogram: 2h.
	// Larger values are recorded as HighestNS and counted as clamped.
	HighestNS int64 = 2 * 3600 * 1_000_000_000
	// SignificantDigits is the precision of a metric histogram.
	SignificantDigits = 3
	// DefaultIntervalNS is the default width of a series bucket: 1s of
	// virtual time.
	DefaultIntervalNS int64 = 1_000_000_000
)

const (
	// seriesWindow is how many series buckets stay open at once, so that a
	// sample stamped up to seriesWindow-1 intervals behind the newest one
	// still lands in its own bucket.
	seriesWindow = 4
	// seriesDigits is the precision of the per-bucket histograms (1%): they
	// only feed charts, and at 2 digits each is ~28 KB instead of ~200 KB.
	seriesDigits = 2
)

// Metrics holds the virtual-time measurements of one run: a histogram per
// metric name, counters, per-interval series and fault periods.
//
// The zero value is not usable; call NewMetrics. A Metrics is not safe for
// concurrent use.
type Metrics struct {
	hists      map[string]*Hist
	counts     map[string]int64
	faults     []Fault
	intervalNS int64
	durationNS int64
	loadNS     int64
}

// NewMetrics returns an empty Metrics whose series use DefaultIntervalNS.
func NewMetrics() *Metrics {
	return &Metrics{
		hists:      make(map[string]*Hist),
		counts:     make(map[string]int64),
		intervalNS: DefaultIntervalNS,
	}
}

// SetSeriesInterval sets the width of series buckets in nanoseconds of
// virtual time. It returns false, and changes nothing, if ns <= 0 or if a
// series sample was already recorded.
func (m *Metrics) SetSeriesInterval(ns int64) bool {
	if m == nil || ns <= 0 {
		return false
	}
	for _, h := range m.hists {
		if h.series != nil {
			return false
		}
	}
	m.intervalNS = ns
	return true
}

// SeriesInterval returns the width of series buckets in nanoseconds.
func (m *Metrics) SeriesInterval() int64 {
	if m == nil {
		return DefaultIntervalNS
	}
	return m.intervalNS
}

// SetDuration records how much virtual time the run covered; it becomes
// Virtual.DurationNS of the report.
func (m *Metrics) SetDuration(ns int64) {
	if m != nil {
		m.durationNS = ns
	}
}

// SetLoad records how long load arrived, in virtual time; it becomes
// Virtual.LoadNS, the time a counter's rate is per second of.
func (m *Metrics) SetLoad(ns int64) {
	if m != nil {
		m.loadNS = ns
	}
}

// Metric returns the histogram of the named metric, creating it on first
// use. Keep the handle: recording through it does no map lookup.
// It returns nil for a nil Metrics; recording into a nil *Hist is a no-op.
func (m *Metrics) Metric(name string) *Hist {
	if m == nil {
		return nil
	}
	if h, ok := m.hists[name]; ok {
		return h
	}
	h := &Hist{
		h:        hdrhistogram.New(LowestNS, HighestNS, SignificantDigits),
		interval: &m.intervalNS,
	}
	m.hists[name] = h
	return h
}

// Record adds one sample of ns nanoseconds to the named metric.
func (m *Metrics) Record(name string, ns int64) {
	m.Metric(name).Record(ns)
}

// Series adds one sample of ns nanoseconds, observed at virtual time at, to
// the named metric and to the series bucket that holds at.
func (m *Metrics) Series(name string, at, ns int64) {
	m.Metric(name).RecordAt(at, ns)
}

// Count adds delta to the named counter, creating it on first use. A delta
// of 0 creates the counter, so that a threshold like "anomalies==0" finds it.
func (m *Metrics) Count(name string, delta int64) {
	if m != nil {
		m.counts[name] += delta
	}
}

// Counter returns the value of the named counter and whether it exists.
func (m *Metrics) Counter(name string) (int64, bool) {
	if m == nil {
		return 0, false
	}
	v, ok := m.counts[name]
	return v, ok
}

// FaultPeriod notes that the named fault was active in virtual time
// [from, to], to be shaded on series charts. Reversed bounds are swapped.
func (m *Metrics) FaultPeriod(name string, from, to int64) {
	if m == nil {
		return
	}
	if to < from {
		from, to = to, from
	}
	m.faults = append(m.faults, Fault{Name: name, FromNS: from, ToNS: to})
}

// Names returns the metric names in sorted order.
func (m *Metrics) Names() []string {
	if m == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(m.hists))
}

// Summary returns the summary of the named metric and whether it exists.
func (m *Metrics) Summary(name string) (Summary, bool) {
	if m == nil {
		return Summary{}, false
	}
	h, ok := m.hists[name]
	if !ok {
		return Summary{}, false
	}
	return h.Summary(), true
}

// Quantile returns the value at quantile q (0..1) of the named metric, and
// whether the metric exists and has samples.
func (m *Metrics) Quantile(name string, q float64) (int64, bool) {
	if m == nil {
		return 0, false
	}
	h, ok := m.hists[name]
	if !ok || h.count == 0 {
		return 0, false
	}
	return h.Quantile(q), true
}

// Report returns a report of the run whose Virtual part, series and faults
// come from m. Wall and Capacity are left for the caller to fill in.
func (m *Metrics) Report(h Header) *Report {
	r := &Report{
		SchemaVersion: ReportSchema,
		Header:        h,
		Virtual: Virtual{
			Metrics: make(map[string]Summary),
			Counts:  make(map[string]int64),
		},
	}
	if m == nil {
		return r
	}
	r.Virtual.DurationNS = m.durationNS
	r.Virtual.LoadNS = m.loadNS
	for name, hist := range m.hists {
		s := hist.Summary()
		s.HDR = hist.Encode()
		r.Virtual.Metrics[name] = s
		if hist.series != nil {
			if r.Series == nil {
				r.Series = make(map[string]SeriesData)
			}
			r.Series[name] = hist.series.data()
		}
	}
	for name, v := range m.counts {
		r.Virtual.Counts[name] = v
	}
	if len(m.faults) > 0 {
		r.Faults = append([]Fault(nil), m.faults...)
		sortFaults(r.Faults)
	}
	return r
}

func sortFaults(fs []Fault) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.FromNS != b.FromNS {
			return a.FromNS < b.FromNS
		}
		if a.ToNS != b.ToNS {
			return a.ToNS < b.ToNS
		}
		return a.Name < b.Name
	})
}

// Hist is the histogram of one metric. Get it with Metrics.Metric and keep
// it: Record and RecordAt do not allocate.
type Hist struct {
	h        *hdrhistogram.Histogram
	interval *int64 // the owning Metrics' series interval
	count    int64
	min, max int64
	sumHi    uint64
	sumLo    uint64
	clamped  int64
	series   *series
}

// Record adds one sample of ns nanoseconds. A negative sample is recorded as
// 0 and one above HighestNS as HighestNS; both are counted as clamped.
func (h *Hist) Record(ns int64) {
	if h != nil {
		h.record(ns)
	}
}

// record records ns and returns the value it recorded.
func (h *Hist) record(ns int64) int64 {
	v := h.clamp(ns)
	_ = h.h.RecordValue(v) // in range: cannot fail
	if h.count == 0 || v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
	var carry uint64
	h.sumLo, carry = bits.Add64(h.sumLo, uint64(v), 0)
	h.sumHi += carry
	h.count++
	return v
}

// RecordAt adds one sample of ns nanoseconds observed at virtual time at,
// both to the histogram (like Record) and to the series bucket holding at.
//
// Samples should come in virtual-time order. One stamped more than 3
// intervals behind the newest sample of this metric no longer has an open
// bucket: it still counts in the histogram, and in the series' Late count.
func (h *Hist) RecordAt(at, ns int64) {
	if h == nil {
		return
	}
	v := h.record(ns)
	if h.series == nil {
		h.series = newSeries(*h.interval)
	}
	h.series.record(at, v)
}

func (h *Hist) clamp(ns int64) int64 {
	switch {
	case ns < 0:
		h.clamped++
		return 0
	case ns > HighestNS:
		h.clamped++
		return HighestNS
	}
	return ns
}

// Count returns the number of samples recorded.
func (h *Hist) Count() int64 {
	if h == nil {
		return 0
	}
	return h.count
}

// Quantile returns the value at quantile q (0..1), clamped to the exact
// minimum and maximum; 0 if there are no samples.
func (h *Hist) Quantile(q float64) int64 {
	if h == nil || h.count == 0 {
		return 0
	}
	if !(q >= 0) {
		q = 0
	}
	if q > 1 {
		q = 1
	}
	v := h.h.ValueAtQuantile(q * 100)
	return clampRange(v, h.min, h.max)
}

// Summary returns the count, exact min, max and mean (rounded down to the
// nanosecond) and HDR percentiles of the samples.
func (h *Hist) Summary() Summary {
	if h == nil || h.count == 0 {
		return Summary{Clamped: h.clampedCount()}
	}
	mean, _ := bits.Div64(h.sumHi, h.sumLo, uint64(h.count))
	return Summary{
		Count:   h.count,
		MinNS:   h.min,
		P50NS:   h.Quantile(0.50),
		P90NS:   h.Quantile(0.90),
		P99NS:   h.Quantile(0.99),
		P999NS:  h.Quantile(0.999),
		MaxNS:   h.max,
		MeanNS:  int64(mean),
		Clamped: h.clamped,
	}
}

// Encode returns the histogram in HdrHistogram's V2 compressed encoding,
// base64 (hdrhistogram-go's Encode, which the Java and other HdrHistogram
// libraries read too); "" if it has no sample.
func (h *Hist) Encode() string {
	if h == nil || h.count == 0 {
		return ""
	}
	b, err := h.h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		return "" // the V2 encoding of an in-memory histogram cannot fail
	}
	return string(b)
}

func (h *Hist) clampedCount() int64 {
	if h == nil {
		return 0
	}
	return h.clamped
}

func clampRange(v, lo, hi int64) int64 {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// Summary is the summary of one metric, in nanoseconds of virtual time.
type Summary struct {
	// Count is the number of samples.
	Count int64 `json:"count"`
	// MinNS is the exact smallest sample.
	MinNS int64 `json:"min_ns"`
	// P50NS is the median (HDR, 3 significant digits).
	P50NS int64 `json:"p50_ns"`
	// P90NS is the 90th percentile.
	P90NS int64 `json:"p90_ns"`
	// P99NS is the 99th percentile.
	P99NS int64 `json:"p99_ns"`
	// P999NS is the 99.9th percentile.
	P999NS int64 `json:"p99_9_ns"`
	// MaxNS is the exact largest sample.
	MaxNS int64 `json:"max_ns"`
	// MeanNS is the exact mean, rounded down to the nanosecond.
	MeanNS int64 `json:"mean_ns"`
	// Clamped counts samples outside [0, HighestNS] that were recorded at
	// the nearest bound.
	Clamped int64 `json:"clamped,omitempty"`
	// HDR is the whole histogram in HdrHistogram's V2 compressed encoding,
	// base64 (hdrhistogram-go's Encode/Decode): any percentile can be read
	// from it, and the histograms of several runs merged. "" in reports
	// written before schema 2.
	HDR string `json:"hdr,omitempty"`
}

// SeriesPoint is one interval of a series: the samples stamped in
// [StartNS, StartNS+interval).
type SeriesPoint struct {
	// StartNS is the virtual time at which the interval starts.
	StartNS int64 `json:"start_ns"`
	// Count is the number of samples in the interval.
	Count int64 `json:"count"`
	// P50NS is the median of the interval (2 significant digits).
	P50NS int64 `json:"p50_ns"`
	// P99NS is the 99th percentile of the interval (2 significant digits).
	P99NS int64 `json:"p99_ns"`
	// MaxNS is the exact largest sample of the interval.
	MaxNS int64 `json:"max_ns"`
}

// SeriesData is the latency-over-virtual-time series of one metric. Only
// intervals with samples appear in Points, in time order.
type SeriesData struct {
	// IntervalNS is the width of each interval.
	IntervalNS int64 `json:"interval_ns"`
	// Late counts samples that came too far behind the newest one to be
	// placed in their interval (they are in the metric's summary).
	Late int64 `json:"late,omitempty"`
	// Points are the non-empty intervals in time order.
	Points []SeriesPoint `json:"points"`
}

// Fault is a period of virtual time during which a fault was active.
type Fault struct {
	// Name names the fault, e.g. "partition shard-1".
	Name string `json:"name"`
	// FromNS is when the fault started.
	FromNS int64 `json:"from_ns"`
	// ToNS is when it ended.
	ToNS int64 `json:"to_ns"`
}

type openBucket struct {
	used  bool
	idx   int64
	count int64
	max   int64
	h     *hdrhistogram.Histogram
}

type series struct {
	interval int64
	started  bool
	newest   int64
	late     int64
	open     [seriesWindow]openBucket
	closed   []SeriesPoint
}

func newSeries(interval int64) *series {
	if interval <= 0 {
		interval = DefaultIntervalNS
	}
	return &series{interval: interval}
}

// floorDiv returns floor(a/b) for b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

func slot(idx int64) int {
	s := idx % seriesWindow
	if s < 0 {
		s += seriesWindow
	}
	return int(s)
}

func (s *series) record(at, v int64) {
	idx := floorDiv(at, s.interval)
	if !s.started {
		s.started = true
		s.newest = idx
	}
	switch {
	case idx > s.newest:
		// Close, oldest first, the buckets that fall out of the window.
		first := s.newest - seriesWindow + 1
		last := idx - seriesWindow
		if last > s.newest {
			last = s.newest
		}
		for k := first; k <= last; k++ {
			b := &s.open[slot(k)]
			if b.used && b.idx == k {
				s.closed = append(s.closed, s.point(b))
				b.used = false
			}
		}
		s.newest = idx
	case idx <= s.newest-seriesWindow:
		s.late++
		return
	}
	b := &s.open[slot(idx)]
	if !b.used {
		if b.h == nil {
			b.h = hdrhistogram.New(LowestNS, HighestNS, seriesDigits)
		} else {
			b.h.Reset()
		}
		b.used, b.idx, b.count, b.max = true, idx, 0, 0
	}
	_ = b.h.RecordValue(v)
	b.count++
	if v > b.max {
		b.max = v
	}
}

func (s *series) point(b *openBucket) SeriesPoint {
	return SeriesPoint{
		StartNS: b.idx * s.interval,
		Count:   b.count,
		P50NS:   clampRange(b.h.ValueAtQuantile(50), 0, b.max),
		P99NS:   clampRange(b.h.ValueAtQuantile(99), 0, b.max),
		MaxNS:   b.max,
	}
}

// data returns the closed and the still open intervals, without closing any.
func (s *series) data() SeriesData {
	d := SeriesData{IntervalNS: s.interval, Late: s.late}
	d.Points = append(make([]SeriesPoint, 0, len(s.closed)+seriesWindow), s.closed...)
	var open []*openBucket
	for i := range s.open {
		if s.open[i].used {
			open = append(open, &s.open[i])
		}
	}
	sort.Slice(open, func(i, j int) bool { return open[i].idx < open[j].idx })
	for _, b := range open {
		d.Points = append(d.Points, s.point(b))
	}
	return d
}
