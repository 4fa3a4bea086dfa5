package bench

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Threshold is a k6-style pass/fail condition on a report, such as
// "ring.p99<250ms" or "anomalies==0". Parse one with ParseThreshold.
//
// The left side names one of:
//   - a metric statistic "metric.stat", stat one of count, min, p50, p90,
//     p99, p99.9, max, mean (values in nanoseconds, count a plain number);
//   - a counter, e.g. "outcome.accepted" or "anomalies";
//   - "duration_ns", the virtual duration of the run;
//   - a wall metric by its JSON name: events, events_per_sec, ns_per_event,
//     ns_per_invitation, peak_heap_bytes, bytes_per_live_invitation,
//     speedup, wall_ns.
//
// The right side is a number ("100", "1e6", "0.5") or a duration ("250ms",
// "0.25s", "1m30s"; units ns, us, µs, ms, s, m, h). A duration is compared
// in nanoseconds and only with a value that is one; a plain number is
// compared with the raw value, so "ring.p99<250" means 250ns.
type Threshold struct {
	// Metric is the left side as written.
	Metric string
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

// stats are the statistics of a metric, by the name used after the dot.
var stats = []string{"count", "min", "p50", "p90", "p99", "p99.9", "max", "mean"}

func statValue(s Summary, stat string) (int64, bool) {
	switch stat {
	case "count":
		return s.Count, true
	case "min":
		return s.MinNS, true
	case "p50":
		return s.P50NS, true
	case "p90":
		return s.P90NS, true
	case "p99":
		return s.P99NS, true
	case "p99.9":
		return s.P999NS, true
	case "max":
		return s.MaxNS, true
	case "mean":
		return s.MeanNS, true
	}
	return 0, false
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
	return isNameStart(r) || unicode.IsDigit(r) || strings.ContainsRune(".-/:", r)
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
	t.Value, t.Duration, t.Text = v, dur, s[start:p.pos]

	p.skipSpace()
	if p.pos < len(s) {
		return Threshold{}, p.errf(p.pos, "unexpected %q after the value", s[p.pos:])
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
	kindFloat                  // a rate or ratio
)

var wallFields = []string{
	"events", "events_per_sec", "ns_per_event", "ns_per_invitation",
	"peak_heap_bytes", "bytes_per_live_invitation", "speedup", "wall_ns",
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
func lookup(r *Report, name string) (float64, valueKind, error) {
	if r == nil {
		return 0, 0, fmt.Errorf("no report")
	}
	for _, st := range stats {
		metric, ok := strings.CutSuffix(name, "."+st)
		if !ok {
			continue
		}
		if s, ok := r.Virtual.Metrics[metric]; ok {
			v, _ := statValue(s, st)
			if st == "count" {
				return float64(v), kindCount, nil
			}
			return float64(v), kindNS, nil
		}
	}
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
		return v, k, nil
	}
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		if _, ok := r.Virtual.Metrics[name[:i]]; ok {
			return 0, 0, fmt.Errorf("unknown statistic %q of metric %q (want %s)",
				name[i+1:], name[:i], strings.Join(stats, ", "))
		}
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
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// Eval evaluates the threshold on r. actual is the value the left side
// named, formatted for people (durations as such). err is set, and ok
// false, if the left side names nothing in r or a duration is compared with
// something that is not one.
func (t Threshold) Eval(r *Report) (ok bool, actual string, err error) {
	v, kind, err := lookup(r, t.Metric)
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
