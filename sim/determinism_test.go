package sim

import (
	"runtime"
	"testing"

	"golang.org/x/sync/errgroup"

	"sigsim/engine"
)

// TestDeterminism: the same seed gives the same hash under GOMAXPROCS=1 and 8,
// run alone or concurrently with other seeds: parallelism lives only between
// worlds. The first seed is one fault-heavy swarm run of 4,000 invitations;
// fifteen smaller ones run beside it.
func TestDeterminism(t *testing.T) {
	const seeds = 16
	invitations := func(i int) int {
		if i == 0 {
			return 4000
		}
		return 250
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	want := make([]uint64, seeds)
	runtime.GOMAXPROCS(1)
	for i := range want {
		w := swarmRun(t, uint64(100+i), engine.ModeServer, invitations(i))
		want[i] = w.Hash()
		if i == 0 {
			if created := w.Counts.SendsByType[engine.FrameRequest]; created < 4000 || len(w.SwarmPlan()) < 5 {
				t.Fatalf("the big run sent %d requests under %d planned faults: not a heavy enough run", created, len(w.SwarmPlan()))
			}
			if v := w.Violation(); v != nil {
				t.Fatalf("the big run: %v", v)
			}
		}
	}
	for _, procs := range []int{1, 8} {
		runtime.GOMAXPROCS(procs)
		got := make([]uint64, seeds)
		var g errgroup.Group
		for i := range got {
			g.Go(func() error {
				got[i] = swarmRun(t, uint64(100+i), engine.ModeServer, invitations(i)).Hash()
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
