package sim

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// DistKind names the shape of a Dist.
type DistKind uint8

// The distribution kinds. KindConst is the zero value, so the zero Dist is a
// constant 0.
const (
	KindConst     DistKind = iota // always the same latency
	KindUniform                   // uniform integer nanoseconds in [min, max]
	KindNormal                    // normal(mean, stddev) truncated at 0 (redrawn)
	KindLogNormal                 // lognormal(median, sigma)
	KindPareto                    // pareto(scale, alpha): minimum scale, long tail
	KindExp                       // exponential with the given mean
	KindMeasured                  // a measured distribution: its quantiles, interpolated
)

var kindNames = [...]string{"const", "uniform", "normal", "lognormal", "pareto", "exp", "measured"}

// String returns the kind's name in the text form.
func (k DistKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "DistKind(" + strconv.Itoa(int(k)) + ")"
}

// Dist is a distribution of durations (latencies, delays). It is a small
// comparable value, sampled without interface calls or allocation. Build it
// with ParseDist (which validates) or the constructors (then call Validate);
// the zero Dist is the constant 0.
type Dist struct {
	kind  DistKind
	a, b  time.Duration // duration parameters, in the order of the text form
	shape float64       // lognormal sigma or Pareto alpha
	// mu caches ln(median) for lognormal, or 1/alpha for Pareto, so Sample
	// saves a transcendental call; fields are unexported so it stays in sync.
	mu float64
	// q is a measured distribution's quantile table, never written after it
	// is made, so Dists may share it and stay small comparable values (two
	// parses of one table are equal in String, not in ==).
	q *quantiles
}

// Equal reports whether d and e are the same distribution; unlike ==, it
// compares measured tables by value.
func (d Dist) Equal(e Dist) bool {
	if d.kind == KindMeasured && e.kind == KindMeasured {
		return d.String() == e.String()
	}
	return d == e
}

// Kind returns the shape of the distribution.
func (d Dist) Kind() DistKind { return d.kind }

// Const returns the constant distribution d.
func Const(d time.Duration) Dist { return Dist{kind: KindConst, a: d} }

// Uniform returns the uniform distribution over [min, max].
func Uniform(min, max time.Duration) Dist { return Dist{kind: KindUniform, a: min, b: max} }

// Normal returns the normal distribution truncated at 0.
func Normal(mean, stddev time.Duration) Dist {
	return Dist{kind: KindNormal, a: mean, b: stddev}
}

// LogNormal returns the lognormal distribution with the given median and
// sigma (the stddev of the underlying normal).
func LogNormal(median time.Duration, sigma float64) Dist {
	return Dist{kind: KindLogNormal, a: median, shape: sigma, mu: plog(float64(median))}
}

// Pareto returns the Pareto distribution with minimum scale and tail
// index alpha (smaller alpha, longer tail; mean infinite for alpha ≤ 1).
func Pareto(scale time.Duration, alpha float64) Dist {
	return Dist{kind: KindPareto, a: scale, shape: alpha, mu: 1 / alpha}
}

// Exp returns the exponential distribution with the given mean.
func Exp(mean time.Duration) Dist { return Dist{kind: KindExp, a: mean} }

// Sample draws one duration in nanoseconds, always ≥ 0. Each kind draws a
// fixed pattern from r (normal may redraw), deterministically.
//
// Products are wrapped in float64() so no platform fuses them into FMA
// instructions, which would change results between machines.
func (d Dist) Sample(r *Rand) time.Duration {
	switch d.kind {
	case KindConst:
		return max(d.a, 0)
	case KindUniform:
		if d.b < d.a || d.a < 0 { // invalid: never panic, never negative
			return max(d.a, 0)
		}
		return d.a + time.Duration(r.Uint64N(uint64(d.b-d.a)+1))
	case KindNormal:
		mean, sd := float64(d.a), float64(d.b)
		for i := 0; i < 64; i++ { // mean ≥ 0 accepts half the draws or more
			x := mean + float64(sd*r.NormFloat64())
			if x >= 0 {
				return toNanos(x)
			}
		}
		return 0
	case KindLogNormal:
		return toNanos(pexp(d.mu + float64(d.shape*r.NormFloat64())))
	case KindPareto:
		u := 1 - r.Float64() // (0, 1]
		return toNanos(float64(d.a) / ppow(u, d.mu))
	case KindExp:
		return toNanos(float64(d.a) * r.ExpFloat64())
	case KindMeasured:
		if d.q == nil {
			return 0
		}
		return d.q.sample(r.Float64())
	}
	return 0
}

// toNanos rounds x to int64 nanoseconds, clamped to [0, MaxInt64]: the
// conversion of an out-of-range float differs between architectures.
func toNanos(x float64) time.Duration {
	if !(x > 0) { // also NaN
		return 0
	}
	if x >= 1<<63 {
		return math.MaxInt64
	}
	return time.Duration(x + 0.5)
}

// Mean returns the distribution's mean in nanoseconds (+Inf for a Pareto
// with alpha ≤ 1).
func (d Dist) Mean() float64 {
	a, b := float64(d.a), float64(d.b)
	switch d.kind {
	case KindConst:
		return a
	case KindUniform:
		return (a + b) / 2
	case KindNormal:
		if b == 0 {
			return a
		}
		// Mean of N(a, b²) truncated to [0, ∞): a + b·φ(α)/(1−Φ(α)), α = −a/b.
		al := -a / b
		phi := math.Exp(-al*al/2) / math.Sqrt(2*math.Pi)
		tail := 0.5 * math.Erfc(al/math.Sqrt2)
		return a + b*phi/tail
	case KindLogNormal:
		return a * math.Exp(d.shape*d.shape/2)
	case KindPareto:
		if d.a == 0 {
			return 0
		}
		if d.shape <= 1 {
			return math.Inf(1)
		}
		return d.shape * a / (d.shape - 1)
	case KindExp:
		return a
	case KindMeasured:
		if d.q == nil {
			return 0
		}
		return d.q.mean()
	}
	return math.NaN()
}

// Validate reports why d cannot be sampled, or nil.
func (d Dist) Validate() error {
	neg := func(x time.Duration) error {
		if x < 0 {
			return fmt.Errorf("%s: negative latency %v", d.kind, x)
		}
		return nil
	}
	switch d.kind {
	case KindConst:
		if d.a < 0 {
			return fmt.Errorf("negative latency %v", d.a)
		}
	case KindExp:
		return neg(d.a)
	case KindUniform:
		if err := neg(d.a); err != nil {
			return err
		}
		if err := neg(d.b); err != nil {
			return err
		}
		if d.a > d.b {
			return fmt.Errorf("uniform: min %v > max %v", d.a, d.b)
		}
	case KindNormal:
		if d.a < 0 {
			return fmt.Errorf("normal: negative mean %v", d.a)
		}
		if d.b < 0 {
			return fmt.Errorf("normal: negative stddev %v", d.b)
		}
	case KindLogNormal:
		if d.a <= 0 {
			return fmt.Errorf("lognormal: median must be > 0, got %v", d.a)
		}
		if math.IsNaN(d.shape) || math.IsInf(d.shape, 0) || d.shape < 0 {
			return fmt.Errorf("lognormal: sigma must be a finite number ≥ 0, got %v", d.shape)
		}
	case KindPareto:
		if d.a <= 0 {
			return fmt.Errorf("pareto: scale must be > 0, got %v", d.a)
		}
		if math.IsNaN(d.shape) || math.IsInf(d.shape, 0) || d.shape <= 0 {
			return fmt.Errorf("pareto: alpha must be > 0, got %v", d.shape)
		}
	case KindMeasured:
		if d.q == nil {
			return errors.New("measured: no quantiles")
		}
		return d.q.validate()
	default:
		return fmt.Errorf("unknown distribution kind %d", uint8(d.kind))
	}
	return nil
}

// String returns the canonical text form, which ParseDist reads back to
// the same Dist: "40ms", "uniform(10ms,50ms)", "normal(40ms,5ms)",
// "lognormal(40ms,0.5)", "pareto(10ms,1.5)", "exp(20ms)",
// "measured(0:80us,0.5:100us,0.99:400us,1:2ms)".
func (d Dist) String() string {
	switch d.kind {
	case KindConst:
		return d.a.String()
	case KindUniform, KindNormal:
		return d.kind.String() + "(" + d.a.String() + "," + d.b.String() + ")"
	case KindLogNormal, KindPareto:
		return d.kind.String() + "(" + d.a.String() + "," + fmtP(d.shape) + ")"
	case KindExp:
		return "exp(" + d.a.String() + ")"
	case KindMeasured:
		if d.q != nil {
			return d.q.String()
		}
	}
	return d.kind.String()
}

const wantKinds = "want const, uniform, normal, lognormal, pareto, exp, measured"

// DistKinds are the names a distribution may have (ParseDist).
var DistKinds = []string{"const", "constant", "exp", "exponential", "lognormal", "measured", "normal", "pareto", "uniform"}

// ParseDist reads a distribution in the text form of Dist.String; durations
// use time.ParseDuration syntax, and spaces around arguments are allowed.
// The result has passed Validate.
func ParseDist(s string) (Dist, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Dist{}, errors.New("empty distribution (" + wantKinds + ")")
	}
	open := strings.IndexByte(s, '(')
	if open < 0 {
		if s[0] >= '0' && s[0] <= '9' || s[0] == '-' || s[0] == '+' || s[0] == '.' {
			d, err := time.ParseDuration(s)
			if err != nil {
				if _, nerr := strconv.ParseFloat(s, 64); nerr == nil {
					return Dist{}, fmt.Errorf("duration %q has no unit; add one (e.g. %sms), or give a distribution like uniform(10ms,50ms)", s, s)
				}
				return Dist{}, fmt.Errorf("invalid duration %q (want e.g. 40ms, or a distribution like uniform(10ms,50ms))", s)
			}
			return checked(Const(d))
		}
		return Dist{}, fmt.Errorf("unknown distribution %q (%s)", s, wantKinds)
	}
	name := strings.ToLower(strings.TrimSpace(s[:open]))
	if !strings.HasSuffix(s, ")") {
		return Dist{}, fmt.Errorf("%s: missing closing parenthesis in %q", name, s)
	}
	args := strings.Split(s[open+1:len(s)-1], ",")
	for i := range args {
		args[i] = strings.TrimSpace(args[i])
	}
	want := func(n int, names string) error {
		if len(args) != n {
			return fmt.Errorf("%s: want %d argument(s) (%s), got %d in %q", name, n, names, len(args), s)
		}
		return nil
	}
	var err error
	var d Dist
	var a, b time.Duration
	var x float64
	switch name {
	case "const", "constant":
		if err = want(1, "latency"); err == nil {
			a, err = parseDur("const", "latency", args[0])
			d = Const(a)
		}
	case "exp", "exponential":
		if err = want(1, "mean"); err == nil {
			a, err = parseDur("exp", "mean", args[0])
			d = Exp(a)
		}
	case "uniform":
		if err = want(2, "min,max"); err == nil {
			if a, err = parseDur(name, "min", args[0]); err == nil {
				b, err = parseDur(name, "max", args[1])
			}
			d = Uniform(a, b)
		}
	case "normal":
		if err = want(2, "mean,stddev"); err == nil {
			if a, err = parseDur(name, "mean", args[0]); err == nil {
				b, err = parseDur(name, "stddev", args[1])
			}
			d = Normal(a, b)
		}
	case "lognormal":
		if err = want(2, "median,sigma"); err == nil {
			if a, err = parseDur(name, "median", args[0]); err == nil {
				x, err = parseNum(name, "sigma", args[1])
			}
			d = LogNormal(a, x)
		}
	case "measured":
		d, err = parseQuantiles(args)
	case "pareto":
		if err = want(2, "scale,alpha"); err == nil {
			if a, err = parseDur(name, "scale", args[0]); err == nil {
				x, err = parseNum(name, "alpha", args[1])
			}
			d = Pareto(a, x)
		}
	default:
		return Dist{}, fmt.Errorf("unknown distribution %q (%s)", name, wantKinds)
	}
	if err != nil {
		return Dist{}, err
	}
	return checked(d)
}

func checked(d Dist) (Dist, error) {
	if err := d.Validate(); err != nil {
		return Dist{}, err
	}
	return d, nil
}

func parseDur(kind, what, s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		// A bare number is the commonest slip: say what is missing.
		if _, nerr := strconv.ParseFloat(s, 64); nerr == nil {
			return 0, fmt.Errorf("%s: %s %q needs a unit (ns, us, ms, s, m, h)", kind, what, s)
		}
		return 0, fmt.Errorf("%s: %s: %v", kind, what, err)
	}
	return d, nil
}

func parseNum(kind, what, s string) (float64, error) {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %s %q is not a number", kind, what, s)
	}
	return x, nil
}
