package sim

import (
	"math"
	"testing"
)

// TestRandKnownAnswer pins the derivation of streams: if it changes, every
// recorded trace hash changes, so this must fail loudly.
func TestRandKnownAnswer(t *testing.T) {
	r := NewRand(1, "net")
	want := []uint64{0x205327c3d1699ea0, 0x5601372a1eab9f9a, 0xe4a3aff2605f3230, 0x7a0aa1cdda11a7fb}
	for i, w := range want {
		if got := r.Uint64(); got != w {
			t.Fatalf("NewRand(1, \"net\") draw %d = %#x, want %#x", i, got, w)
		}
	}
	if got := r.Float64(); got != 0.7443468028303658 {
		t.Errorf("Float64 = %v", got)
	}
	if got := r.IntN(1000); got != 336 {
		t.Errorf("IntN = %v", got)
	}
	if got := r.Int64N(1e9); got != 268397848 {
		t.Errorf("Int64N = %v", got)
	}
	if got := r.ExpFloat64(); got != 0.9917613187573674 {
		t.Errorf("ExpFloat64 = %v", got)
	}
	if got := r.NormFloat64(); got != -0.25773660654922326 {
		t.Errorf("NormFloat64 = %v", got)
	}
}

func TestRandStreams(t *testing.T) {
	draw := func(seed uint64, name string) [8]uint64 {
		r := NewRand(seed, name)
		var out [8]uint64
		for i := range out {
			out[i] = r.Uint64()
		}
		return out
	}
	if draw(7, "client/3") != draw(7, "client/3") {
		t.Fatal("same (seed, name) gave different streams")
	}
	seen := map[[8]uint64]string{}
	for _, c := range []struct {
		seed uint64
		name string
	}{{7, "client/3"}, {7, "client/4"}, {8, "client/3"}, {7, ""}, {0, ""}, {0, "a"}, {1, "net"}, {2, "net"}} {
		s := draw(c.seed, c.name)
		if prev, ok := seen[s]; ok {
			t.Fatalf("(%d, %q) repeats the stream of %s", c.seed, c.name, prev)
		}
		seen[s] = c.name
	}
	// Draws in one stream never shift another.
	a, b := NewRand(3, "a"), NewRand(3, "b")
	want := draw(3, "b")
	for i := 0; i < 1000; i++ {
		a.Uint64()
	}
	for i, w := range want {
		if b.Uint64() != w {
			t.Fatalf("stream b shifted at draw %d", i)
		}
	}
}

func TestRandRanges(t *testing.T) {
	r := NewRand(5, "ranges")
	const n = 100000
	trues, sum := 0, 0.0
	for i := 0; i < n; i++ {
		if v := r.IntN(10); v < 0 || v >= 10 {
			t.Fatalf("IntN(10) = %d", v)
		}
		if v := r.Int64N(3); v < 0 || v >= 3 {
			t.Fatalf("Int64N(3) = %d", v)
		}
		if v := r.Uint64N(7); v >= 7 {
			t.Fatalf("Uint64N(7) = %d", v)
		}
		f := r.Float64()
		if f < 0 || f >= 1 {
			t.Fatalf("Float64 = %v", f)
		}
		sum += f
		if r.Bool(0.25) {
			trues++
		}
	}
	if p := float64(trues) / n; math.Abs(p-0.25) > 0.01 {
		t.Errorf("Bool(0.25) rate %v", p)
	}
	if m := sum / n; math.Abs(m-0.5) > 0.01 {
		t.Errorf("Float64 mean %v", m)
	}
	if r.Bool(0) || !r.Bool(1) {
		t.Error("Bool(0) or Bool(1) wrong")
	}
	xs := []int{0, 1, 2, 3, 4, 5}
	r.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
	total := 0
	for _, x := range xs {
		total += x
	}
	if total != 15 {
		t.Fatalf("Shuffle lost elements: %v", xs)
	}
}

func TestRandNoAllocs(t *testing.T) {
	r := NewRand(1, "alloc")
	if a := testing.AllocsPerRun(1000, func() {
		r.Uint64()
		r.Float64()
		r.IntN(10)
		r.ExpFloat64()
		r.NormFloat64()
		r.Bool(0.5)
	}); a != 0 {
		t.Fatalf("%v allocs per draw set", a)
	}
}
