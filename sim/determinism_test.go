package sim

import (
	"runtime"
	"testing"

	"golang.org/x/sync/errgroup"

	"sigsim/engine"
)

// TestDeterminism: the same seed gives the same hash under GOMAXPROCS=1 and 8,
// run alone or concurrently with other seeds: parallelism lives only between
// worlds.
func TestDeterminism(t *testing.T) {
	const seeds = 16
	const invitations = 250 // a fault-heavy swarm of several thousand invitations in all
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	want := make([]uint64, seeds)
	runtime.GOMAXPROCS(1)
	total := int64(0)
	for i := range want {
		w := swarmRun(t, uint64(100+i), engine.ModeServer, invitations)
		want[i] = w.Hash()
		total += w.Counts.Calls
	}
	if total < 2000 {
		t.Fatalf("only %d calls: not a heavy enough run", total)
	}
	for _, procs := range []int{1, 8} {
		runtime.GOMAXPROCS(procs)
		got := make([]uint64, seeds)
		var g errgroup.Group
		for i := range got {
			g.Go(func() error {
				got[i] = swarmRun(t, uint64(100+i), engine.ModeServer, invitations).Hash()
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("GOMAXPROCS=%d, concurrent: seed %d hash %x, alone %x", procs, 100+i, got[i], want[i])
			}
		}
	}
}
