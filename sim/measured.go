package sim

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// quantiles is a measured distribution: durations x[i] at cumulative
// probabilities p[i], p rising strictly from 0 to 1 and x never falling. A
// sample is the inverse CDF at a uniform draw, interpolated linearly between
// the points, so a table of p50, p90, p99 and max taken from production
// telemetry (or from raw samples, MeasuredFromSamples) drives the simulated
// service time or latency.
type quantiles struct {
	p []float64
	x []time.Duration
}

// maxQuantilePoints bounds a table given in text, so that bad input cannot
// make a huge one.
const maxQuantilePoints = 1000

// Measured returns the measured distribution with durations x[i] at
// cumulative probabilities p[i]; call Validate (ParseDist does).
func Measured(p []float64, x []time.Duration) Dist {
	q := &quantiles{p: slices.Clone(p), x: slices.Clone(x)}
	return Dist{kind: KindMeasured, q: q}
}

func (q *quantiles) validate() error {
	n := len(q.p)
	switch {
	case n != len(q.x):
		return fmt.Errorf("measured: %d quantiles but %d durations", n, len(q.x))
	case n < 2:
		return errors.New("measured: want at least 2 points, from 0:MIN to 1:MAX")
	case n > maxQuantilePoints:
		return fmt.Errorf("measured: %d points, more than %d", n, maxQuantilePoints)
	case q.p[0] != 0:
		return fmt.Errorf("measured: the first quantile must be 0 (the minimum), got %s", fmtP(q.p[0]))
	case q.p[n-1] != 1:
		return fmt.Errorf("measured: the last quantile must be 1 (the maximum), got %s", fmtP(q.p[n-1]))
	}
	for i := range n {
		if q.x[i] < 0 {
			return fmt.Errorf("measured: negative duration %v at %s", q.x[i], fmtP(q.p[i]))
		}
		if i == 0 {
			continue
		}
		if !(q.p[i] > q.p[i-1]) { // also NaN
			return fmt.Errorf("measured: quantiles must rise: %s after %s", fmtP(q.p[i]), fmtP(q.p[i-1]))
		}
		if q.x[i] < q.x[i-1] {
			return fmt.Errorf("measured: durations must not fall: %v at %s after %v at %s",
				q.x[i], fmtP(q.p[i]), q.x[i-1], fmtP(q.p[i-1]))
		}
	}
	return nil
}

// fmtP is the shortest text that parses back to p: quantiles and shapes in
// the text form of a Dist.
func fmtP(p float64) string { return strconv.FormatFloat(p, 'g', -1, 64) }

// sample is the inverse CDF at u in [0, 1). An unvalidated table never
// panics nor gives a negative duration.
func (q *quantiles) sample(u float64) time.Duration {
	if len(q.p) < 2 || len(q.x) != len(q.p) {
		if len(q.x) > 0 {
			return max(q.x[0], 0)
		}
		return 0
	}
	// The first point above u ends u's segment; p[0] = 0 ≤ u < 1 = p[n-1].
	lo, hi := 1, len(q.p)-1
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if q.p[m] > u {
			hi = m
		} else {
			lo = m + 1
		}
	}
	i := lo
	x0, x1 := float64(q.x[i-1]), float64(q.x[i])
	frac := (u - q.p[i-1]) / (q.p[i] - q.p[i-1])
	return toNanos(x0 + float64(frac*(x1-x0))) // float64(): no FMA, same on every machine
}

// mean is the integral of the piecewise-linear inverse CDF.
func (q *quantiles) mean() float64 {
	m := 0.0
	for i := 1; i < len(q.p); i++ {
		m += (q.p[i] - q.p[i-1]) * (float64(q.x[i-1]) + float64(q.x[i])) / 2
	}
	return m
}

// String is the text form ParseDist reads: measured(P:DURATION,...).
func (q *quantiles) String() string {
	var b strings.Builder
	b.WriteString("measured(")
	for i := range q.p {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(fmtP(q.p[i]))
		b.WriteByte(':')
		b.WriteString(q.x[i].String())
	}
	b.WriteByte(')')
	return b.String()
}

// parseQuantiles reads the arguments of measured(...): P:DURATION points.
func parseQuantiles(args []string) (Dist, error) {
	if len(args) > maxQuantilePoints {
		return Dist{}, fmt.Errorf("measured: %d points, more than %d", len(args), maxQuantilePoints)
	}
	p := make([]float64, len(args))
	x := make([]time.Duration, len(args))
	for i, a := range args {
		ps, ds, ok := strings.Cut(a, ":")
		if !ok {
			return Dist{}, fmt.Errorf("measured: point %d %q: want QUANTILE:DURATION, e.g. 0.99:20ms", i+1, a)
		}
		var err error
		if p[i], err = parseNum("measured", "quantile", strings.TrimSpace(ps)); err != nil {
			return Dist{}, err
		}
		if !(p[i] >= 0 && p[i] <= 1) {
			return Dist{}, fmt.Errorf("measured: quantile %s is outside [0,1]", strings.TrimSpace(ps))
		}
		if x[i], err = parseDur("measured", "duration", strings.TrimSpace(ds)); err != nil {
			return Dist{}, err
		}
	}
	return Measured(p, x), nil
}

// measuredGrid is where a large set of samples is summarized: evenly up to
// p90, then densely in the tail, where queueing is decided.
var measuredGrid = []float64{0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65,
	0.7, 0.75, 0.8, 0.85, 0.9, 0.925, 0.95, 0.96, 0.97, 0.98, 0.99, 0.995, 0.999, 0.9999, 1}

// MeasuredFromSamples returns the measured distribution of observed
// durations. Up to len(measuredGrid) samples are kept exactly (one point
// each, evenly spaced in probability); more are summarized to their
// quantiles at measuredGrid (p0, p5, ..., p90, p92.5, p95 ... p99.99, max),
// interpolated between order statistics. Its String is that table, so a run
// printed with it repeats without the samples.
func MeasuredFromSamples(samples []time.Duration) (Dist, error) {
	n := len(samples)
	if n == 0 {
		return Dist{}, errors.New("measured: no samples")
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	if s[0] < 0 {
		return Dist{}, fmt.Errorf("measured: negative sample %v", s[0])
	}
	var p []float64
	var x []time.Duration
	switch {
	case n == 1:
		p, x = []float64{0, 1}, []time.Duration{s[0], s[0]}
	case n <= len(measuredGrid):
		for i, v := range s {
			p = append(p, float64(i)/float64(n-1))
			x = append(x, v)
		}
		p[n-1] = 1
	default:
		for _, g := range measuredGrid {
			h := g * float64(n-1)
			k := int(h)
			v := s[k]
			if k+1 < n {
				v += time.Duration(float64(h-float64(k)) * float64(s[k+1]-s[k]))
			}
			p, x = append(p, g), append(x, v)
		}
	}
	d := Measured(p, x)
	return d, d.Validate()
}

// ReadSamples reads observed durations, one per line, for
// MeasuredFromSamples: the first field of each line (fields split by commas,
// tabs or spaces) is a duration with its unit ("1.25ms"); blank lines and
// lines starting with # are skipped. Errors name the line as name:line.
func ReadSamples(r io.Reader, name string) ([]time.Duration, error) {
	var out []time.Duration
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if t == "" || t[0] == '#' {
			continue
		}
		field := t
		if i := strings.IndexAny(t, ", \t"); i >= 0 {
			field = t[:i]
		}
		d, err := parseDur("sample", "duration", field)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, line, err)
		}
		if d < 0 {
			return nil, fmt.Errorf("%s:%d: negative duration %v", name, line, d)
		}
		out = append(out, d)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %v", name, line+1, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no samples (one duration per line, e.g. 1.25ms)", name)
	}
	return out, nil
}

// LoadMeasured reads a file of samples (ReadSamples) into their measured
// distribution (MeasuredFromSamples).
func LoadMeasured(path string) (Dist, error) {
	f, err := os.Open(path)
	if err != nil {
		return Dist{}, err
	}
	defer f.Close()
	s, err := ReadSamples(f, path)
	if err != nil {
		return Dist{}, err
	}
	d, err := MeasuredFromSamples(s)
	if err != nil {
		return Dist{}, fmt.Errorf("%s: %v", path, err)
	}
	return d, nil
}
