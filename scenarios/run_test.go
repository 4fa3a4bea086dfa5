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

// TestUnknownReferencesAreInputErrors: a misspelt node or device, or a skew
// the world refuses, is an input error at its place before anything runs.
func TestUnknownReferencesAreInputErrors(t *testing.T) {
	for _, c := range []struct{ line, want string }{
		{"at 200ms crash nobody", `t.sig:3:16: crash: no node "nobody"`},
		{"at 200ms restart s3", `t.sig:3:18: restart: no shard s3 (shards s0..s0)`},
		{"pause bob/2 for=1s", `t.sig:3:7: pause: no node "bob/2"`},
		{"at 1s skew alice drift=5", `t.sig:3:18: skew: drift 5 out of range (-1,1)`},
		{"at 1s partition alice | zed", `t.sig:3:1: partition: no node "zed"`},
		{"at 1s carol invite bob", "t.sig:3:7: invite: unknown device carol/1 (declare it with users)"},
		{"disconnect alice/3", "t.sig:3:12: disconnect: unknown device alice/3 (declare it with users)"},
	} {
		src := "world seed=1\nusers alice bob\n" + c.line + "\nrun 2s\n"
		f, err := Parse("t.sig", []byte(src))
		if err != nil {
			t.Fatalf("%s: %v", c.line, err)
		}
		if _, err := Run(f, RunOptions{}); err == nil || err.Error() != c.want {
			t.Errorf("%s: error %v, want %q", c.line, err, c.want)
		}
	}
}
