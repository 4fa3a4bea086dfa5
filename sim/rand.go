package sim

import (
	"math"
	"math/rand/v2"
)

// Rand is a seeded deterministic random stream owned by one component. It
// is not safe for concurrent use; a run is single-threaded by design.
type Rand struct {
	src rand.PCG
	r   rand.Rand
}

// NewRand returns the stream of component name under the master seed. The
// stream depends only on (seed, name), so adding draws in one component
// never shifts another's.
func NewRand(seed uint64, name string) *Rand {
	r := &Rand{}
	r.init(seed, name)
	return r
}

// init seeds r in place, for a Rand held inline (it must not be copied after).
func (r *Rand) init(seed uint64, name string) {
	// FNV-1a 64 of the name, then SplitMix64 to spread (seed, name) over
	// the two PCG words: similar seeds or names give unrelated streams.
	h := uint64(14695981039346656037)
	for i := 0; i < len(name); i++ {
		h ^= uint64(name[i])
		h *= 1099511628211
	}
	st := seed
	st = splitMix64(&st) ^ h
	s1 := splitMix64(&st)
	s2 := splitMix64(&st)
	r.src.Seed(s1, s2)
	r.r = *rand.New(&r.src)
}

// splitMix64 advances *st and returns the next SplitMix64 output.
func splitMix64(st *uint64) uint64 {
	*st += 0x9e3779b97f4a7c15
	z := *st
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Uint64 returns a uniformly distributed 64-bit value.
func (r *Rand) Uint64() uint64 { return r.src.Uint64() }

// Uint64N returns a uniform value in [0, n); it panics if n == 0.
func (r *Rand) Uint64N(n uint64) uint64 { return r.r.Uint64N(n) }

// Float64 returns a uniform value in [0, 1).
func (r *Rand) Float64() float64 { return r.r.Float64() }

// IntN returns a uniform value in [0, n); it panics if n <= 0.
func (r *Rand) IntN(n int) int { return r.r.IntN(n) }

// Int64N returns a uniform value in [0, n); it panics if n <= 0.
func (r *Rand) Int64N(n int64) int64 { return r.r.Int64N(n) }

// Bool returns true with probability p. It always consumes exactly one
// draw, whatever p is, so turning a probability on or off does not shift
// the draws that follow.
func (r *Rand) Bool(p float64) bool { return r.r.Float64() < p }

// ExpFloat64 returns an exponential value with rate 1 (mean 1), by inversion
// with the portable logarithm, so it is the same on every CPU.
func (r *Rand) ExpFloat64() float64 { return -plog(1 - r.r.Float64()) }

// NormFloat64 returns a standard normal value (mean 0, stddev 1), by
// Marsaglia's polar method with the portable logarithm and the exact square
// root, so it is the same on every CPU.
func (r *Rand) NormFloat64() float64 {
	for {
		u := float64(2*r.r.Float64()) - 1
		v := float64(2*r.r.Float64()) - 1
		s := float64(u*u) + float64(v*v)
		if s > 0 && s < 1 {
			return float64(u * math.Sqrt(float64(-2*plog(s))/s))
		}
	}
}

// Shuffle pseudo-randomizes the order of n elements via swap.
func (r *Rand) Shuffle(n int, swap func(i, j int)) { r.r.Shuffle(n, swap) }
