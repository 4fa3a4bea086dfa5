package scenarios

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the expected outputs of testdata/*.sig")

// TestLibrary runs every scenario of the library and compares each block's
// output with its golden; -rewrite regenerates them (review the diff).
func TestLibrary(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.sig"))
	if len(files) == 0 {
		t.Fatal("no scenarios in testdata/")
	}
	for _, p := range files {
		t.Run(filepath.Base(p), func(t *testing.T) {
			if testing.Short() && strings.Contains(p, "mass") {
				t.Skip("mass scenario in -short mode")
			}
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
			for _, fl := range res.Failures {
				t.Error(fl)
			}
			if res.Unexpected {
				t.Errorf("unexpected invariant violation: %s", res.Violations[0])
			}
			if *rewrite {
				if err := os.WriteFile(p, res.Text(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			for _, b := range res.Mismatches() {
				t.Errorf("%s:%d: output differs:\n--- expected\n%s\n--- actual\n%s", p, b.Line,
					strings.Join(b.Expected, "\n"), strings.Join(res.Outputs[b], "\n"))
			}
		})
	}
}

// TestRecordingDoesNotChangeTheRun: the hash is the same whether the trace text
// is kept (run, replay) or not (explore).
func TestRecordingDoesNotChangeTheRun(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("explore", "faulty20.sig"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse("faulty20.sig", src)
	if err != nil {
		t.Fatal(err)
	}
	for seed := uint64(1); seed <= 20; seed++ {
		a, err1 := Run(f, RunOptions{Seed: seed, HasSeed: true})
		b, err2 := Run(f, RunOptions{Seed: seed, HasSeed: true, NoRecord: true})
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if a.Hash() != b.Hash() || a.World.Events() != b.World.Events() {
			t.Fatalf("seed %d: recorded %x/%d, unrecorded %x/%d", seed, a.Hash(), a.World.Events(), b.Hash(), b.World.Events())
		}
	}
}

// TestRunErrors: runtime problems in a file are reported with their position.
func TestRunErrors(t *testing.T) {
	src := "world seed=1\nusers alice bob\ngroup g owner=alice members=zed\n"
	f, err := Parse("g.sig", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(f, RunOptions{}); err == nil || !strings.Contains(err.Error(), "g.sig:3:1") || !strings.Contains(err.Error(), "zed") {
		t.Errorf("unknown group member: %v", err)
	}
	src = "world seed=1\nusers alice bob\nalice accept later\nat 1s alice invite bob as later\nrun 2s\n"
	f, err = Parse("h.sig", []byte(src))
	if err == nil {
		res, err := Run(f, RunOptions{})
		if err != nil || len(res.Failures) == 0 || !strings.Contains(res.Failures[0], "h.sig:3:") {
			t.Errorf("use before create: %v %v", err, res)
		}
	}
}
