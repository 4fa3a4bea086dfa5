package sim

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

const ms = float64(time.Millisecond)

func samples(t *testing.T, d Dist, n int) []float64 {
	t.Helper()
	r := NewRand(11, "dist/"+d.String())
	xs := make([]float64, n)
	for i := range xs {
		v := d.Sample(r)
		if v < 0 {
			t.Fatalf("%v: negative sample %d", d, v)
		}
		xs[i] = float64(v)
	}
	slices.Sort(xs)
	return xs
}

func quantile(sorted []float64, p float64) float64 { return sorted[int(p*float64(len(sorted)-1))] }

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func near(t *testing.T, what string, got, want, relTol float64) {
	t.Helper()
	if math.Abs(got-want) > relTol*math.Abs(want) {
		t.Errorf("%s = %.4g, want %.4g ± %.1f%%", what, got, want, relTol*100)
	}
}

func TestDistEmpirical(t *testing.T) {
	const n = 100000
	type q struct{ p, want float64 }
	cases := []struct {
		d     Dist
		mean  float64 // theoretical, ns; 0 = skip
		quant []q
		heavy bool // infinite variance: the empirical mean converges too slowly
	}{
		{Const(40 * time.Millisecond), 40 * ms, []q{{0, 40 * ms}, {1, 40 * ms}}, false},
		{Uniform(10*time.Millisecond, 50*time.Millisecond), 30 * ms,
			[]q{{0.1, 14 * ms}, {0.5, 30 * ms}, {0.9, 46 * ms}}, false},
		{Normal(40*time.Millisecond, 5*time.Millisecond), 40 * ms,
			[]q{{0.1587, 35 * ms}, {0.5, 40 * ms}, {0.8413, 45 * ms}}, false},
		// Mostly truncated: the mean is the truncated-normal mean.
		{Normal(1*time.Millisecond, 2*time.Millisecond), 0, nil, false},
		{LogNormal(40*time.Millisecond, 0.5), 40 * ms * math.Exp(0.125),
			[]q{{0.1587, 40 * ms * math.Exp(-0.5)}, {0.5, 40 * ms}, {0.8413, 40 * ms * math.Exp(0.5)}}, false},
		{Pareto(10*time.Millisecond, 1.5), 0,
			[]q{{0, 10 * ms}, {0.5, 10 * ms * math.Pow(2, 1/1.5)}, {0.99, 10 * ms * math.Pow(100, 1/1.5)}}, true},
		{Pareto(10*time.Millisecond, 3), 15 * ms,
			[]q{{0.5, 10 * ms * math.Pow(2, 1.0/3)}, {0.9, 10 * ms * math.Pow(10, 1.0/3)}}, false},
		{Exp(20 * time.Millisecond), 20 * ms,
			[]q{{0.5, 20 * ms * math.Ln2}, {0.9, 20 * ms * math.Log(10)}}, false},
		// Mean: 0.5·15ms + 0.4·35ms + 0.1·75ms; quantiles interpolate linearly.
		{Measured([]float64{0, 0.5, 0.9, 1}, []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond}),
			29 * ms, []q{{0.25, 15 * ms}, {0.5, 20 * ms}, {0.7, 35 * ms}, {0.95, 75 * ms}}, false},
	}
	for _, c := range cases {
		t.Run(c.d.String(), func(t *testing.T) {
			xs := samples(t, c.d, n)
			m := mean(xs)
			if c.mean != 0 {
				near(t, "mean()", c.d.Mean(), c.mean, 1e-9)
			}
			if !c.heavy {
				near(t, "empirical mean", m, c.d.Mean(), 0.02)
			}
			for _, q := range c.quant {
				near(t, fmt.Sprintf("quantile %v", q.p), quantile(xs, q.p), q.want, 0.03)
			}
		})
	}
	if m := Pareto(time.Millisecond, 1).Mean(); !math.IsInf(m, 1) {
		t.Errorf("pareto alpha 1 mean = %v, want +Inf", m)
	}
}

func TestDistSampleNoAllocs(t *testing.T) {
	r := NewRand(1, "alloc")
	ds := []Dist{Const(1), Uniform(1, 100), Normal(50, 10), LogNormal(50, 1), Pareto(10, 1.2), Exp(40),
		Measured([]float64{0, 0.9, 1}, []time.Duration{10, 20, 90})}
	if a := testing.AllocsPerRun(1000, func() {
		for _, d := range ds {
			d.Sample(r)
		}
	}); a != 0 {
		t.Fatalf("%v allocs per sample round", a)
	}
}

func TestDistExtremes(t *testing.T) {
	r := NewRand(1, "extreme")
	for _, s := range []string{"uniform(0s,2562047h47m16.854775807s)", "pareto(1ns,0.0001)",
		"lognormal(2562047h,1e6)", "exp(2562047h)", "normal(2562047h,2562047h)", "0s",
		"measured(0:0s,1e-300:2562047h47m16.854775807s,1:2562047h47m16.854775807s)"} {
		d, err := ParseDist(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		for i := 0; i < 1000; i++ {
			if v := d.Sample(r); v < 0 {
				t.Fatalf("%s: sample %d < 0", s, v)
			}
		}
	}
	// Unvalidated constructor values never panic nor go negative.
	for _, d := range []Dist{Uniform(5, 1), Uniform(-5, 3), Normal(-5, 1), LogNormal(0, -1), Pareto(0, 0), Pareto(5, math.NaN()), Exp(-3), Const(-1),
		Measured(nil, nil), Measured([]float64{0, 1}, []time.Duration{-5, -1}), Measured([]float64{0, 1}, []time.Duration{5}), {kind: KindMeasured}} {
		if d.Validate() == nil {
			t.Errorf("%v validated", d)
		}
		if v := d.Sample(r); v < 0 {
			t.Errorf("%v sampled %d", d, v)
		}
	}
}

func TestParseDist(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"40ms", "40ms"},
		{" const( 40ms ) ", "40ms"},
		{"constant(1.5s)", "1.5s"},
		{"uniform(10ms,50ms)", "uniform(10ms,50ms)"},
		{"Uniform(10ms, 50ms)", "uniform(10ms,50ms)"},
		{"normal(40ms,5ms)", "normal(40ms,5ms)"},
		{"lognormal(40ms,0.5)", "lognormal(40ms,0.5)"},
		{"pareto(10ms,1.5)", "pareto(10ms,1.5)"},
		{"exp(20ms)", "exp(20ms)"},
		{"exponential(90s)", "exp(1m30s)"},
		{"0", "0s"},
		{"1500us", "1.5ms"},
		{"uniform(1ms,1ms)", "uniform(1ms,1ms)"},
		{"normal(0s,0s)", "normal(0s,0s)"},
		{"lognormal(1ms,0)", "lognormal(1ms,0)"},
		{"measured(0:10ms, 0.5:20ms, 0.90:50ms, 1:100ms)", "measured(0:10ms,0.5:20ms,0.9:50ms,1:100ms)"},
		{"Measured(0:1000us,1:1ms)", "measured(0:1ms,1:1ms)"},
	} {
		d, err := ParseDist(c.in)
		if err != nil {
			t.Errorf("ParseDist(%q): %v", c.in, err)
			continue
		}
		if got := d.String(); got != c.want {
			t.Errorf("ParseDist(%q).String() = %q, want %q", c.in, got, c.want)
		}
		d2, err := ParseDist(d.String())
		if err != nil || !d2.Equal(d) {
			t.Errorf("round trip of %q: %v, %v", c.in, d2, err)
		}
	}
}

func TestParseDistErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"foo(1ms)", `unknown distribution "foo" (want const, uniform, normal, lognormal, pareto, exp, measured)`},
		{"foo", `unknown distribution "foo" (want const, uniform, normal, lognormal, pareto, exp, measured)`},
		{"", "empty distribution"},
		{"-5ms", "negative latency -5ms"},
		{"const(-5ms)", "negative latency -5ms"},
		{"exp(-1s)", "exp: negative latency -1s"},
		{"uniform(50ms,10ms)", "uniform: min 50ms > max 10ms"},
		{"uniform(-1ms,10ms)", "uniform: negative latency -1ms"},
		{"uniform(10ms)", "uniform: want 2 argument(s) (min,max), got 1"},
		{"normal(40ms,-5ms)", "normal: negative stddev -5ms"},
		{"normal(-40ms,5ms)", "normal: negative mean -40ms"},
		{"lognormal(40ms,-1)", "lognormal: sigma must be a finite number ≥ 0, got -1"},
		{"lognormal(0s,1)", "lognormal: median must be > 0"},
		{"lognormal(40ms,abc)", `lognormal: sigma "abc" is not a number`},
		{"pareto(10ms,0)", "pareto: alpha must be > 0"},
		{"pareto(10ms,NaN)", "pareto: alpha must be > 0"},
		{"pareto(10ms,Inf)", "pareto: alpha must be > 0"},
		{"pareto(0s,2)", "pareto: scale must be > 0"},
		{"40", `duration "40" has no unit; add one`},
		{"exp(20)", `exp: mean "20" needs a unit`},
		{"uniform(1ms,2ms", "uniform: missing closing parenthesis"},
		{"normal(4xs,1ms)", "normal: mean: time: "},
		{"measured(0:1ms)", "measured: want at least 2 points, from 0:MIN to 1:MAX"},
		{"measured(0.1:1ms,1:2ms)", "measured: the first quantile must be 0 (the minimum), got 0.1"},
		{"measured(0:1ms,0.9:2ms)", "measured: the last quantile must be 1 (the maximum), got 0.9"},
		{"measured(0:1ms,0.5:3ms,0.5:4ms,1:5ms)", "measured: quantiles must rise: 0.5 after 0.5"},
		{"measured(0:5ms,1:1ms)", "measured: durations must not fall: 1ms at 1 after 5ms at 0"},
		{"measured(0:1ms,1.5:2ms)", "measured: quantile 1.5 is outside [0,1]"},
		{"measured(0:1ms,NaN:2ms,1:3ms)", "measured: quantile NaN is outside [0,1]"},
		{"measured(0-1ms,1:2ms)", `measured: point 1 "0-1ms": want QUANTILE:DURATION`},
		{"measured(0:1,1:2ms)", `measured: duration "1" needs a unit`},
		{"measured(x:1ms,1:2ms)", `measured: quantile "x" is not a number`},
		{"measured(0:-1ms,1:2ms)", "measured: negative duration -1ms at 0"},
		{"measured()", `measured: point 1 "": want QUANTILE:DURATION`},
	} {
		d, err := ParseDist(c.in)
		if err == nil {
			t.Errorf("ParseDist(%q) = %v, want error %q", c.in, d, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseDist(%q) error %q, want it to contain %q", c.in, err, c.want)
		}
	}
}

func FuzzParseDist(f *testing.F) {
	for _, s := range []string{"40ms", "const(40ms)", "uniform(10ms,50ms)", "normal(40ms,5ms)",
		"lognormal(40ms,0.5)", "pareto(10ms,1.5)", "exp(20ms)", "foo(1ms)", "-5ms", "uniform(50ms,10ms)",
		"pareto(1ns,1e-300)", "lognormal(1h,1e308)", "(", ")", "()", "exp(,)", "uniform(0s,2562047h47m16.854775807s)",
		"measured(0:10ms,0.5:20ms,0.9:50ms,1:100ms)", "measured(0:1ms,1e-300:1h,1:2h)", "measured(0:1ms,0.5:1ms,1:1ms)"} {
		f.Add(s)
	}
	r := NewRand(1, "fuzz")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDist(s)
		if err != nil {
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("ParseDist(%q) returned an invalid Dist: %v", s, err)
		}
		d2, err := ParseDist(d.String())
		if err != nil {
			t.Fatalf("ParseDist(%q).String() = %q does not parse: %v", s, d.String(), err)
		}
		if !d2.Equal(d) || d2.String() != d.String() {
			t.Fatalf("round trip %q -> %q -> %q", s, d.String(), d2.String())
		}
		if v := d.Sample(r); v < 0 {
			t.Fatalf("%q sampled %d", s, v)
		}
		_ = d.Mean()
	})
}
