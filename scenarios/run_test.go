package scenarios

import (
	"errors"
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
	src := "world seed=1\nusers alice bob\ngroup g owner=alice members=zed\nrun 1s\n"
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
		{"at 200ms crash nobody", `t.sig:3:16: crash: unknown device nobody/1 (declare it with users)`},
		{"at 200ms restart s3", `t.sig:3:18: restart: no shard s3 (shards s0..s0)`},
		{"pause bob/2 for=1s", `t.sig:3:7: pause: unknown device bob/2 (declare it with users)`},
		{"at 1s skew alice drift=5", `t.sig:3:18: skew: drift 5 out of range (-1,1)`},
		{"at 1s partition alice | zed", `t.sig:3:1: partition: no node "zed"`},
		{"at 1s carol invite bob", "t.sig:3:7: invite: unknown device carol/1 (declare it with users)"},
		{"disconnect alice/3", "t.sig:3:12: disconnect: unknown device alice/3 (declare it with users)"},
		{"at 1s alcie invite bob", `t.sig:3:7: invite: unknown device alcie/1 (did you mean "alice"?; declare it with users)`},
		// an undeclared invitee is an input error, not an offline push to nobody
		{"at 100ms alice invite bobb", `t.sig:3:23: invite: unknown user "bobb" (did you mean "bob"?); declare it with users`},
		{"at 100ms alice invite zed", `t.sig:3:23: invite: unknown user "zed"; declare it with users`},
		{"at 100ms alice create-group g members=bob,bobby", `t.sig:3:31: create-group: members: unknown user "bobby" (did you mean "bob"?); declare it with users`},
		{"group g owner=alice members=bob\nat 1s alice invite-group g invitees=bob,alise", `t.sig:4:28: invite-group: invitees: unknown user "alise" (did you mean "alice"?); declare it with users`},
		{"generate invites count=3 from=alice to=bob,u1..u3", `t.sig:3:37: generate: to: unknown user "u1"; declare it with users`},
		// the apps' moves need the app, the room nodes a room service
		{"at 1s alice dial bob", `t.sig:3:7: dial: alice runs no call app (declare it with users alice app=call)`},
		{"bob hang-up", `t.sig:3:1: hang-up: bob runs no call app (declare it with users bob app=call)`},
		{"alice raise-hand", `t.sig:3:1: raise-hand: alice is in no class (declare one with group ... app=classroom)`},
		{"crash r2", `t.sig:3:7: crash: no room node r2 (room nodes r0..r0)`},
		{"at 1s skew r0 offset=1s", `t.sig:3:12: skew: r0 is a room node, which keeps no clock of its own`},
		{"users carol/2 app=call", `t.sig:3:1: users: app=call runs on one device per user; carol has 2`},
		{"users carol app=call accept=0.8 reject=0.5", `t.sig:3:1: users: app=call: accept+reject+busy+late-accept = 1.3 exceeds 1`},
		{"group g owner=alice members=bob app=classroom\nat 1s bob ask-hands g", `t.sig:4:7: ask-hands: bob is not the teacher of class g`},
		{"group g owner=alice members=bob app=classroom\nat 1s alice ask-hands h", `t.sig:4:23: ask-hands: alice teaches class g, not h`},
		{"group g owner=alice members=bob app=classroom\nalice raise-hand", `t.sig:4:1: raise-hand: alice is the teacher of class g, not a student`},
		{"group g owner=alice app=classroom", `t.sig:3:1: group g: app=classroom: a class needs students besides its teacher alice`},
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

// TestSwallowedCommandsAreInputErrors: when a blank line is missing after an
// expected output, the script lines after it are part of that output. They
// never run, and a rewrite would delete them: Run refuses the file, naming
// the first such line, unless the run really prints it.
func TestSwallowedCommandsAreInputErrors(t *testing.T) {
	src := "world seed=1\nusers alice bob\n\nat 100ms alice invite bob timeout=30s as call\nrun 1s\n----\n" +
		"# then bob answers\nat 2s bob accept call\nrun 5s\n"
	f, err := Parse("s.sig", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(f, RunOptions{})
	var l ErrorList
	if !errors.As(err, &l) || len(l) != 3 {
		t.Fatalf("want 3 errors, got %v", err)
	}
	for i, want := range []string{"s.sig:7:1: this line reads as a comment", "s.sig:8:1: this line reads as a command", "s.sig:9:1: this line reads as a command"} {
		if !strings.HasPrefix(l[i].Error(), want) || !strings.Contains(l[i].Error(), "block at line 4") || !strings.Contains(l[i].Error(), "put a blank line before it") {
			t.Errorf("error %d: %v, want %q...", i, l[i], want)
		}
	}
	// With the blank line, the same lines run.
	fixed := strings.Replace(src, "----\n#", "----\n\n#", 1)
	f, err = Parse("s.sig", []byte(fixed))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(f, RunOptions{}); err != nil {
		t.Fatalf("fixed file: %v", err)
	}
}

// TestMemoryGuard: a scenario whose estimated memory exceeds the world's
// max-memory (16 GiB by default) is refused before anything is allocated,
// with the estimate and the key that raises the limit; the same scenario
// runs with the limit raised (here: a small one, made to fit).
func TestMemoryGuard(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"world seed=1\nusers u1..u10\ngenerate invites count=100000000000 from=u1..u5 to=u6..u10 rate=10000/s timeout=30s\nrun until quiet\n",
			"g.sig:3:18: generate: the scenario needs about 11.8 TiB of memory (10 devices × 2100 B + 300000 live invitations × 1650 B + 6000000 ended invitations kept × 1000 B + 100000000000 checked invitations × 130 B), more than the limit of 16 GiB; if the machine has that much, raise the limit with world max-memory=SIZE"},
		{"world seed=1 max-memory=1MiB\nusers u1..u1000\nrun 1s\n",
			"g.sig:2:1: users: the scenario needs about 2 MiB of memory (1000 devices × 2100 B), more than the limit of 1 MiB; if the machine has that much, raise the limit with world max-memory=SIZE"},
	} {
		f, err := Parse("g.sig", []byte(tc.src))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Run(f, RunOptions{}); err == nil || err.Error() != tc.want {
			t.Errorf("error:\n got %v\nwant %s", err, tc.want)
		}
	}
	f, err := Parse("g.sig", []byte("world seed=1 max-memory=3MiB\nusers u1..u1000\nrun 1s\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(f, RunOptions{}); err != nil {
		t.Errorf("with the limit raised: %v", err)
	}
}
