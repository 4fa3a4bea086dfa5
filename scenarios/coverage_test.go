package scenarios

import (
	"os"
	"path/filepath"
	"strings"
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

// TestHeaderPastesAsWorldLine: the header of every run, the world line of
// the options it ran with, set up the same world: each library scenario,
// its world line replaced by its header's (the runner's own keys stop= and
// max-memory= kept), runs to the same hash.
func TestHeaderPastesAsWorldLine(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.sig"))
	for _, p := range files {
		if testing.Short() && strings.Contains(p, "mass") {
			continue
		}
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Parse(p, src)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Run(f, RunOptions{NoRecord: true})
		if err != nil {
			t.Fatal(err)
		}
		line := res.World.Options().WorldLine()
		var out []string
		replaced := false
		for _, l := range strings.Split(string(src), "\n") {
			if strings.HasPrefix(l, "world ") || l == "world" {
				for _, w := range strings.Fields(l)[1:] {
					if strings.HasPrefix(w, "stop=") || strings.HasPrefix(w, "max-memory=") {
						line += " " + w
					}
				}
				l, replaced = line, true
			}
			out = append(out, l)
		}
		if !replaced {
			out = append([]string{line}, out...)
		}
		g, err := Parse(p, []byte(strings.Join(out, "\n")))
		if err != nil {
			t.Errorf("%s: the header's world line does not parse: %v\n%s", p, err, line)
			continue
		}
		again, err := Run(g, RunOptions{NoRecord: true})
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if again.Hash() != res.Hash() {
			t.Errorf("%s: with its header as world line (%s) the hash is %x, not %x", p, line, again.Hash(), res.Hash())
		}
	}
}
