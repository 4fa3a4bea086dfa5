package apps

import (
	"runtime"
	"testing"

	"golang.org/x/sync/errgroup"

	"sigsim/engine"
)

// TestDeterminism: runs with the apps attached give the same hash under
// GOMAXPROCS=1 and 8, alone or concurrently with other seeds — the apps draw
// from their own streams and keep no map order.
func TestDeterminism(t *testing.T) {
	type run struct {
		seed  uint64
		mode  engine.Mode
		class bool
	}
	var runs []run
	for i := range 6 {
		runs = append(runs, run{uint64(500 + i), engine.Mode(i % 2), i >= 4})
	}
	hash := func(r run) (uint64, int64) {
		if r.class {
			w, _ := swarmClass(t, r.seed, r.mode)
			return w.Hash(), w.Events()
		}
		w, _ := swarmCalls(t, r.seed, r.mode, false)
		return w.Hash(), w.Events()
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(1)
	want := make([]uint64, len(runs))
	for i, r := range runs {
		h, n := hash(r)
		if n < 500 {
			t.Fatalf("run %+v: only %d events", r, n)
		}
		want[i] = h
	}
	for _, procs := range []int{1, 8} {
		runtime.GOMAXPROCS(procs)
		got := make([]uint64, len(runs))
		var g errgroup.Group
		for i, r := range runs {
			g.Go(func() error {
				got[i], _ = hash(r)
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			t.Fatal(err)
		}
		for i := range runs {
			if got[i] != want[i] {
				t.Errorf("GOMAXPROCS=%d: run %+v hash %x, alone %x", procs, runs[i], got[i], want[i])
			}
		}
	}
}
