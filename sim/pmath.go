package sim

import "math"

// Portable exp, log and pow for the latency samplers. Go's math.Exp, math.Log
// and math.Pow have assembly versions on some architectures that may differ in
// the last bit, and a run must give the same trace on every machine. These use
// only IEEE-754 basic operations (each product wrapped in float64(), which keeps
// the compiler from fusing it into an FMA) and math.Ldexp/Frexp, which are exact.
// They are accurate to a few ulps, far below a nanosecond of latency.

const (
	ln2Hi = 6.93147180369123816490e-01 // the high bits of ln 2: k*ln2Hi is exact for |k| < 2^20
	ln2Lo = 1.90821492927058770002e-10 // ln 2 - ln2Hi
	log2e = 1.44269504088896338700e+00
)

// pexp returns e**x.
func pexp(x float64) float64 {
	switch {
	case x != x || x > 709.78:
		if x != x {
			return x
		}
		return math.Inf(1)
	case x < -745.2:
		return 0
	}
	// x = k ln2 + r, |r| ≤ ln2/2; e**r by its Taylor series.
	k := math.Floor(float64(x*log2e) + 0.5)
	r := float64(x-float64(k*ln2Hi)) - float64(k*ln2Lo)
	term, sum := 1.0, 1.0
	for i := 1; i <= 22; i++ {
		term = float64(term*r) / float64(i)
		sum += term
	}
	return math.Ldexp(sum, int(k))
}

// plog returns the natural logarithm of x.
func plog(x float64) float64 {
	switch {
	case x != x || x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	case math.IsInf(x, 1):
		return x
	}
	// x = m 2**e with m in [√2/2, √2); log(m) = 2 atanh(s), s = (m-1)/(m+1).
	m, e := math.Frexp(x) // m in [0.5, 1)
	if m < math.Sqrt2/2 {
		m, e = float64(m*2), e-1
	}
	s := (m - 1) / (m + 1)
	s2 := float64(s * s)
	term, sum := s, s
	for i := 3; i <= 41; i += 2 { // |s| ≤ 0.1716: 20 terms reach double precision
		term = float64(term * s2)
		sum += term / float64(i)
	}
	return float64(2*sum) + float64(float64(e)*ln2Hi) + float64(float64(e)*ln2Lo)
}

// ppow returns x**y for x > 0.
func ppow(x, y float64) float64 {
	if x == 1 || y == 0 {
		return 1
	}
	return pexp(float64(y * plog(x)))
}
