package scenarios

import (
	"os"
	"path/filepath"
	"testing"

	"sigsim/engine"
)

// TestLibraryCoversEveryPath: every rare path the engine names is taken by
// some scenario of the library, so each has a regression script (the explore
// sweeps of CI check their own lists: scenarios/explore/*.paths).
func TestLibraryCoversEveryPath(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole library")
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.sig"))
	var hit [engine.NumPaths]int64
	for _, p := range files {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Parse(p, src)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Run(f, RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for i, n := range res.World.Counts.Paths {
			hit[i] += n
		}
	}
	for p := engine.Path(1); p < engine.NumPaths; p++ {
		if hit[p] == 0 {
			t.Errorf("no library scenario takes path %s: write one", p)
		}
	}
}
