package engine

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTimeline: appends and in-place filtering keep the entries a plain
// slice would, in order, across chunk boundaries.
func TestTimeline(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var tl timeline
	var want []entry
	seq := uint64(0)
	for round := 0; round < 300; round++ {
		for k := rng.IntN(400); k > 0; k-- {
			seq++
			e := entry{seq: seq}
			tl.append(e)
			want = append(want, e)
		}
		mod := uint64(rng.IntN(4) + 1)
		keep := func(e entry) bool { return e.seq%mod != 0 || rng.IntN(3) == 0 }
		var kept []entry
		tl.keep(func(e entry) bool {
			k := keep(e)
			if k {
				kept = append(kept, e)
			}
			return k
		})
		want = kept
		got := slices.Collect(tl.all())
		if !slices.Equal(got, want) || tl.len() != len(want) {
			t.Fatalf("round %d: %d entries, want %d", round, tl.len(), len(want))
		}
	}
}
