package bench

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Threshold is a k6-style pass/fail condition on a report, such as
// "ring.p(95)<250ms", "ring.avg<=80ms" or "anomalies==0". Parse one with
// ParseThreshold.
//
// The left side names one of:
//   - a statistic of a latency metric, "METRIC.STAT": p(N) for any
//     percentile N (p(95), p(99.9), p(99.99); read from the metric's HDR
//     histogram), avg, med, min, max; the older forms p50, p90, p99,
//     p99.9 (pN is p(N)) and mean (avg) are kept. Its value is a
//     duration, so the right side must be one: "ring.p99<250" is an
//     error that says to write 250ms;
//   - METRIC.count, the number of samples, or METRIC.rate, samples per
//     second of the load (Virtual.LoadNS: warm-up and drain left out);
//   - a counter, e.g. "outcome.accepted" or "anomalies", its value; also
//     as COUNTER.count, and COUNTER.rate per second of the load;
//   - "duration_ns", the virtual duration of the run;
//   - a wall metric by its JSON name: events, events_per_sec,
//     ns_per_event, ns_per_invitation, peak_heap_bytes,
//     peak_live_invitations, bytes_per_live_invitation, speedup, wall_ns,
//     sim_ns.
//
// The right side is a number ("100", "1e6", "0.5"; a rate may say "/s":
// "calls.rate>=20/s") or a duration ("250ms", "0.25s", "1m30s"; units ns,
// us, µs, ms, s, m, h), compared in nanoseconds and only with a value that
// is one. The names ending in ns (duration_ns, ns_per_event, ...) say
// their unit and take a plain number of nanoseconds too.
type Threshold struct {
	// Metric is the left side as written.
	Metric string
	// Base is the metric, counter or wall figure it names: "ring" of
	// "ring.p(95)"; the whole left side when it has no statistic.
	Base string
	// Stat is the statistic, canonical: "" (the named value itself),
	// "count", "rate", "min", "max", "avg", or "p" (Pct says which).
	Stat string
	// Pct is the percentile of Stat "p", 0..100.
	Pct float64
	// Op is one of <, <=, >, >=, ==, !=.
	Op string
	// Value is the right side; in nanoseconds if Duration.
	Value float64
	// Duration tells whether the right side was written as a duration.
	Duration bool
	// Text is the right side as written.
	Text string
}

// String returns the threshold without spaces; it parses back to the same
// Threshold.
func (t Threshold) String() string {
	return t.Metric + t.Op + t.Text
}

// StatNames lists the statistics a latency metric has, for messages.
const StatNames = "p(N) such as p(95) or p(99.9), avg, med, min, max, count, rate (and p50, p90, p99, p99.9, mean)"

// statRE splits "METRIC.STAT"; the name may itself contain dots.
var statRE = regexp.MustCompile(`^(.+)\.(p\((?:\d+(?:\.\d*)?|\.\d+)\)|p\d+(?:\.\d+)?|count|rate|min|max|avg|mean|med)$`)

// SplitStat splits a threshold's left side into the name and its
// statistic, canonical (see Threshold.Stat), and the percentile of "p".
// A name without a statistic comes back whole with stat "". A malformed
// percentile is an error.
func SplitStat(name string) (base, stat string, pct float64, err error) {
	m := statRE.FindStringSubmatch(name)
	if m == nil {
		return name, "", 0, nil
	}
	base, stat = m[1], m[2]
	switch stat {
	case "mean":
		return base, "avg", 0, nil
	case "med":
		return base, "p", 50, nil
	case "count", "rate", "min", "max", "avg":
		return base, stat, 0, nil
	}
	num := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(stat, "p"), "("), ")")
	pct, err = strconv.ParseFloat(num, 64)
	if err != nil || !(pct >= 0 && pct <= 100) {
		return "", "", 0, fmt.Errorf("percentile %s is not in 0..100 (p(99.9) is the 99.9th percentile)", num)
	}
	return base, "p", pct, nil
}

// latencyStat tells whether a statistic's value is a duration.
func latencyStat(stat string) bool {
	switch stat {
	case "p", "min", "max", "avg":
		return true
	}
	return false
}

// summaryStat returns a statistic of a metric's summary, and whether it
// is a duration; percentiles other than the summary's own need its HDR
// histogram.
func summaryStat(s Summary, stat string, pct float64, loadNS int64) (float64, valueKind, error) {
	switch stat {
	case "count":
		return float64(s.Count), kindCount, nil
	case "rate":
		return perSecond(float64(s.Count), loadNS)
	case "min":
		return float64(s.MinNS), kindNS, nil
	case "max":
		return float64(s.MaxNS), kindNS, nil
	case "avg":
		return float64(s.MeanNS), kindNS, nil
	case "p":
		if s.Count == 0 {
			return 0, kindNS, nil
		}
		v, err := s.Percentile(pct)
		return float64(v), kindNS, err
	}
	return 0, 0, fmt.Errorf("unknown statistic %q", stat)
}

// perSecond is n per second of the load.
func perSecond(n float64, loadNS int64) (float64, valueKind, error) {
	if loadNS <= 0 {
		return 0, kindRate, errors.New("the report does not say how long its load lasted (load_ns; reports before schema 2), so it has no rate")
	}
	return n / (float64(loadNS) / 1e9), kindRate, nil
}

var units = map[string]float64{
	"ns": 1,
	"us": 1e3,
	"µs": 1e3, // U+00B5 MICRO SIGN
	"μs": 1e3, // U+03BC GREEK SMALL LETTER MU
	"ms": 1e6,
	"s":  1e9,
	"m":  60e9,
	"h":  3600e9,
}

var ops = []string{"<=", ">=", "==", "!=", "<", ">"}

// ThresholdError is the error of ParseThreshold: where in the expression it
// went wrong and why.
type ThresholdError struct {
	// Expr is the expression as given.
	Expr string
	// Col is the 1-based column (in characters) of the problem.
	Col int
	// Msg says what was wrong.
	Msg string
}

// Error returns `threshold "EXPR": col N: MSG`.
func (e *ThresholdError) Error() string {
	return fmt.Sprintf("threshold %q: col %d: %s", e.Expr, e.Col, e.Msg)
}

type thresholdParser struct {
	s   string
	pos int // byte offset
}

func (p *thresholdParser) errf(at int, format string, args ...any) error {
	return &ThresholdError{Expr: p.s, Col: utf8.RuneCountInString(p.s[:at]) + 1, Msg: fmt.Sprintf(format, args...)}
}

func (p *thresholdParser) peek() (rune, int) {
	if p.pos >= len(p.s) {
		return -1, 0
	}
	return utf8.DecodeRuneInString(p.s[p.pos:])
}

func (p *thresholdParser) skipSpace() {
	for {
		r, n := p.peek()
		if r < 0 || !unicode.IsSpace(r) {
			return
		}
		p.pos += n
	}
}

func isNameStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }

func isNameRune(r rune) bool {
	return isNameStart(r) || unicode.IsDigit(r) || strings.ContainsRune(".-/:()", r)
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// ParseThreshold parses a threshold expression such as "ring.p99<250ms".
// Spaces around the operator are allowed. Errors are *ThresholdError and
// name the column, e.g.
//
//	threshold "ring.p99<<2": col 10: expected a number or duration
func ParseThreshold(s string) (Threshold, error) {
	p := &thresholdParser{s: s}
	var t Threshold

	p.skipSpace()
	start := p.pos
	if r, _ := p.peek(); !isNameStart(r) {
		return Threshold{}, p.errf(p.pos, "expected a metric name")
	}
	for {
		r, n := p.peek()
		if r < 0 || !isNameRune(r) {
			break
		}
		p.pos += n
	}
	t.Metric = s[start:p.pos]
	var err error
	if t.Base, t.Stat, t.Pct, err = SplitStat(t.Metric); err != nil {
		return Threshold{}, p.errf(start, "%v", err)
	}

	p.skipSpace()
	for _, op := range ops {
		if strings.HasPrefix(s[p.pos:], op) {
			t.Op = op
			break
		}
	}
	if t.Op == "" {
		return Threshold{}, p.errf(p.pos, "expected an operator (<, <=, >, >=, ==, !=)")
	}
	p.pos += len(t.Op)

	p.skipSpace()
	start = p.pos
	v, dur, err := p.value()
	if err != nil {
		return Threshold{}, err
	}
	if t.Stat == "rate" && !dur && strings.HasPrefix(s[p.pos:], "/s") {
		p.pos += len("/s")
	}
	t.Value, t.Duration, t.Text = v, dur, s[start:p.pos]

	p.skipSpace()
	if p.pos < len(s) {
		return Threshold{}, p.errf(p.pos, "unexpected %q after the value", s[p.pos:])
	}
	switch {
	case latencyStat(t.Stat) && !dur:
		return Threshold{}, p.errf(start, "%s is a latency: its value needs a unit (ns, us, ms, s, m, h); write %s%s%sms", t.Metric, t.Metric, t.Op, t.Text)
	case (t.Stat == "count" || t.Stat == "rate") && dur:
		return Threshold{}, p.errf(start, "%s is a number, not a duration", t.Metric)
	}
	return t, nil
}

// number scans [sign] digits [. digits] [e [sign] digits] and returns it.
func (p *thresholdParser) number(signed bool) (float64, error) {
	start := p.pos
	if signed && p.pos < len(p.s) && (p.s[p.pos] == '+' || p.s[p.pos] == '-') {
		p.pos++
	}
	digits := 0
	for p.pos < len(p.s) && isDigit(rune(p.s[p.pos])) {
		p.pos++
		digits++
	}
	if p.pos < len(p.s) && p.s[p.pos] == '.' {
		p.pos++
		for p.pos < len(p.s) && isDigit(rune(p.s[p.pos])) {
			p.pos++
			digits++
		}
	}
	if digits == 0 {
		p.pos = start
		return 0, p.errf(start, "expected a number or duration")
	}
	// An exponent only if digits follow, so that "1e" reads as a unit.
	if p.pos < len(p.s) && (p.s[p.pos] == 'e' || p.s[p.pos] == 'E') {
		q := p.pos + 1
		if q < len(p.s) && (p.s[q] == '+' || p.s[q] == '-') {
			q++
		}
		if q < len(p.s) && isDigit(rune(p.s[q])) {
			for q < len(p.s) && isDigit(rune(p.s[q])) {
				q++
			}
			p.pos = q
		}
	}
	v, err := strconv.ParseFloat(p.s[start:p.pos], 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, p.errf(start, "number %s out of range", p.s[start:p.pos])
	}
	return v, nil
}

// unit scans a run of letters and returns it.
func (p *thresholdParser) unit() string {
	start := p.pos
	for {
		r, n := p.peek()
		if r < 0 || !unicode.IsLetter(r) {
			break
		}
		p.pos += n
	}
	return p.s[start:p.pos]
}

// value scans a number, or a duration made of one or more number+unit pairs.
func (p *thresholdParser) value() (float64, bool, error) {
	v, err := p.number(true)
	if err != nil {
		return 0, false, err
	}
	ustart := p.pos
	u := p.unit()
	if u == "" {
		return v, false, nil
	}
	sign := 1.0
	if math.Signbit(v) {
		sign = -1 // the sign of the first number applies to the whole duration
	}
	total := 0.0
	for {
		mult, ok := units[u]
		if !ok {
			return 0, false, p.errf(ustart, "unknown unit %q (want ns, us, µs, ms, s, m, h)", u)
		}
		total += math.Abs(v) * mult
		if math.IsInf(total, 0) {
			return 0, false, p.errf(ustart, "duration out of range")
		}
		r, _ := p.peek()
		if !isDigit(r) && r != '.' {
			break
		}
		if v, err = p.number(false); err != nil {
			return 0, false, err
		}
		ustart = p.pos
		if u = p.unit(); u == "" {
			return 0, false, p.errf(ustart, "expected a unit (ns, us, µs, ms, s, m, h)")
		}
	}
	return sign * total, true, nil
}

type valueKind int

const (
	kindNS    valueKind = iota // nanoseconds: comparable with durations
	kindCount                  // a count
	kindFloat                  // a ratio
	kindRate                   // per second
)

var wallFields = []string{
	"events", "events_per_sec", "ns_per_event", "ns_per_invitation",
	"peak_heap_bytes", "peak_live_invitations", "bytes_per_live_invitation", "speedup", "wall_ns", "sim_ns",
}

func wallValue(w *Wall, name string) (float64, valueKind, bool) {
	switch name {
	case "events":
		return float64(w.Events), kindCount, true
	case "events_per_sec":
		return w.EventsPerSec, kindFloat, true
	case "ns_per_event":
		return w.NsPerEvent, kindNS, true
	case "ns_per_invitation":
		return w.NsPerInvitation, kindNS, true
	case "peak_heap_bytes":
		return float64(w.PeakHeapBytes), kindCount, true
	case "bytes_per_live_invitation":
		return w.BytesPerLiveInvitation, kindFloat, true
	case "speedup":
		return w.Speedup, kindFloat, true
	case "wall_ns":
		return float64(w.WallNS), kindNS, true
	case "sim_ns":
		return float64(w.SimNS), kindNS, true
	case "peak_live_invitations":
		return float64(w.PeakLiveInvitations), kindCount, true
	}
	return 0, 0, false
}

func isWallField(name string) bool {
	for _, f := range wallFields {
		if f == name {
			return true
		}
	}
	return false
}

// lookup finds the value a threshold's left side names in r.
func lookup(r *Report, t Threshold) (float64, valueKind, error) {
	if r == nil {
		return 0, 0, fmt.Errorf("no report")
	}
	if t.Stat != "" {
		if s, ok := r.Virtual.Metrics[t.Base]; ok {
			return summaryStat(s, t.Stat, t.Pct, r.Virtual.LoadNS)
		}
		if v, ok := r.Virtual.Counts[t.Base]; ok {
			switch t.Stat {
			case "count":
				return float64(v), kindCount, nil
			case "rate":
				return perSecond(float64(v), r.Virtual.LoadNS)
			}
			return 0, 0, fmt.Errorf("%q is a counter: it has count and rate, not %s", t.Base, strings.TrimPrefix(t.Metric, t.Base+"."))
		}
	}
	name := t.Metric
	if v, ok := r.Virtual.Counts[name]; ok {
		return float64(v), kindCount, nil
	}
	if name == "duration_ns" {
		return float64(r.Virtual.DurationNS), kindNS, nil
	}
	if isWallField(name) {
		if r.Wall == nil {
			return 0, 0, fmt.Errorf("%q: the report has no wall metrics", name)
		}
		v, k, _ := wallValue(r.Wall, name)
		if name == "bytes_per_live_invitation" && v == 0 {
			return 0, 0, fmt.Errorf("%q was not measured: it needs %d live invitations at once in one world, and no fewer than the devices (the run had %d)", name, MinLiveForBytes, r.Wall.PeakLiveInvitations)
		}
		return v, k, nil
	}
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		if _, ok := r.Virtual.Metrics[name[:i]]; ok {
			return 0, 0, fmt.Errorf("unknown statistic %q of metric %q (want %s)", name[i+1:], name[:i], StatNames)
		}
	}
	if _, ok := r.Virtual.Metrics[t.Base]; ok && t.Stat == "" {
		return 0, 0, fmt.Errorf("%q is a latency metric: name a statistic, e.g. %s.p(99)", name, name)
	}
	return 0, 0, fmt.Errorf("unknown metric %q", name)
}

func formatValue(v float64, k valueKind) string {
	switch k {
	case kindNS:
		if v == math.Trunc(v) && math.Abs(v) < 1<<62 {
			return time.Duration(int64(v)).String()
		}
		return strconv.FormatFloat(v, 'f', 1, 64) + "ns"
	case kindCount:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case kindRate:
		return strconv.FormatFloat(v, 'g', 6, 64) + "/s"
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// Eval evaluates the threshold on r. actual is the value the left side
// named, formatted for people (durations as such). err is set, and ok
// false, if the left side names nothing in r or a duration is compared with
// something that is not one.
func (t Threshold) Eval(r *Report) (ok bool, actual string, err error) {
	v, kind, err := lookup(r, t)
	if err != nil {
		return false, "", fmt.Errorf("threshold %q: %w", t.String(), err)
	}
	actual = formatValue(v, kind)
	if t.Duration && kind != kindNS {
		return false, actual, fmt.Errorf("threshold %q: %w", t.String(), fmt.Errorf("%q is not a duration", t.Metric))
	}
	switch t.Op {
	case "<":
		ok = v < t.Value
	case "<=":
		ok = v <= t.Value
	case ">":
		ok = v > t.Value
	case ">=":
		ok = v >= t.Value
	case "==":
		ok = v == t.Value
	case "!=":
		ok = v != t.Value
	default:
		return false, actual, fmt.Errorf("threshold %q: %w", t.String(), fmt.Errorf("unknown operator %q", t.Op))
	}
	return ok, actual, nil
}
