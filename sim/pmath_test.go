package sim

import (
	"math"
	"testing"
)

// The portable functions agree with the math package to a few ulps.
func TestPortableMath(t *testing.T) {
	r := NewRand(1, "pmath")
	rel := func(a, b float64) float64 {
		if a == b {
			return 0
		}
		return math.Abs(a-b) / math.Max(math.Abs(a), math.Abs(b))
	}
	for i := 0; i < 200000; i++ {
		x := (r.Float64() - 0.5) * 80 // exp over [-40, 40]
		if e := rel(pexp(x), math.Exp(x)); e > 1e-14 {
			t.Fatalf("pexp(%g) = %g, math.Exp %g (rel %g)", x, pexp(x), math.Exp(x), e)
		}
		y := math.Ldexp(r.Float64()+0.5, r.IntN(120)-60) // log over 2^-60 .. 2^60
		if e := rel(plog(y), math.Log(y)); e > 1e-14 && math.Abs(plog(y)-math.Log(y)) > 1e-15 {
			t.Fatalf("plog(%g) = %g, math.Log %g (rel %g)", y, plog(y), math.Log(y), e)
		}
	}
	for _, c := range []struct{ got, want float64 }{
		{pexp(0), 1}, {plog(1), 0}, {ppow(2, 10), 1024}, {pexp(-1000), 0},
	} {
		if rel(c.got, c.want) > 1e-14 {
			t.Errorf("got %g, want %g", c.got, c.want)
		}
	}
	if !math.IsInf(pexp(1000), 1) || !math.IsInf(plog(0), -1) || !math.IsNaN(plog(-1)) {
		t.Error("special values")
	}
}
