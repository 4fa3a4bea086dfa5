package scenarios

import (
	"context"
	"strconv"
	"strings"
	"testing"
)

// runText runs a script's text alone, with no options, and returns its failure.
func runText(t *testing.T, text []byte) (Failure, bool) {
	t.Helper()
	g, err := Parse("shrunk.sig", text)
	if err != nil {
		t.Fatalf("the shrunk script does not parse: %v\n%s", err, text)
	}
	r, err := Run(g, RunOptions{NoRecord: true})
	if err != nil {
		t.Fatal(err)
	}
	return r.Failure()
}

// TestShrinkKeepsTheFailure: two client-mode races both break agreement; the
// first one seen (on alice, invitation "call") is the failure, and shrinking
// keeps it, never drifting to the other race, which is another failure (on
// carol, "call2") of the same invariant.
func TestShrinkKeepsTheFailure(t *testing.T) {
	f := parseAs(t, "two.sig", twoRaces)
	s, err := Shrink(f, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := Failure{Invariant: "agreement", Node: "alice/1", Handle: "call"}
	if !s.Failure.Same(want) {
		t.Fatalf("shrunk to %s, want %s", s.Failure, want)
	}
	text := string(s.Text)
	if strings.Contains(text, "call2") || !strings.Contains(text, "alice cancel call") || !strings.Contains(text, "bob accept call") || s.Lines != 6 {
		t.Fatalf("%d lines, not the minimal script of the first race:\n%s", s.Lines, text)
	}
	if got, ok := runText(t, s.Text); !ok || !got.Same(want) {
		t.Fatalf("the shrunk script alone fails with %v (%v)", got, ok)
	}
}

// TestFailureNamesNodeAndHandle: a failure's identity is its invariant, its
// node (the shard a shard-side violation names) and its invitation's handle.
func TestFailureNamesNodeAndHandle(t *testing.T) {
	res, err := Run(parseAs(t, "two.sig", twoRaces), RunOptions{NoRecord: true})
	if err != nil {
		t.Fatal(err)
	}
	f, ok := res.Failure()
	if !ok || f.Invariant != "agreement" || f.Node != "alice/1" || f.Handle != "call" || !strings.Contains(f.Text, "call: bob learned accepted") {
		t.Fatalf("failure %+v", f)
	}
	for len(res.Violations) > 0 && res.Violations[0].Node != "carol/1" {
		res.Violations = res.Violations[1:]
	}
	g, ok := res.Failure()
	if !ok {
		t.Fatal("want the second race's violation too")
	}
	if g.Handle != "call2" || g.Node != "carol/1" || g.Same(f) {
		t.Fatalf("the second race's failure %+v is the first's", g)
	}
}

// clientSwarm is a client-mode script that passes as written (its seed, no
// faults) and fails under swarm faults for some seeds.
const clientSwarm = `world seed=1 mode=client latency=uniform(10ms,80ms) shards=2
users alice bob carol dave

at 100ms alice invite bob timeout=5s as c1
at +500ms bob accept c1
at 1s carol invite dave timeout=4s as c2
at +1s dave reject c2
at 2s dave invite alice timeout=6s as c3
at +2s alice accept c3
at +100ms dave cancel c3
generate invites count=10 from=alice,carol to=bob,dave rate=1/s start=3s timeout=5s
run 60s
check
`

// TestShrinkWritesItsOptions: a failure found with --seed and --swarm on a
// file that has neither shrinks to a script that carries them (world seed=,
// a swarm line) and fails alone, as the original did; relative times are
// made absolute, so removing a line moves no other.
func TestShrinkWritesItsOptions(t *testing.T) {
	f := parseAs(t, "client.sig", clientSwarm)
	if res, err := Run(f, RunOptions{NoRecord: true}); err != nil || len(res.Violations) > 0 {
		t.Fatalf("the file fails without swarm: %v %v", err, res.Violations)
	}
	sum := Explore(context.Background(), f, ExploreOptions{From: 1, To: 300, Swarm: true})
	if sum.Failed == 0 {
		t.Fatal("no seed of 300 fails under swarm in client mode")
	}
	seed := sum.Failures[0].Seed
	opts := RunOptions{Seed: seed, HasSeed: true, Swarm: true}
	res, _ := Run(f, opts)
	want, _ := res.Failure()
	s, err := Shrink(f, opts)
	if err != nil {
		t.Fatalf("seed %d: %v", seed, err)
	}
	text := string(s.Text)
	if !strings.Contains(text, "world seed="+strconv.FormatUint(seed, 10)+" mode=client") || !strings.Contains(text, "\nswarm until=30s intensity=0.5\n") {
		t.Fatalf("seed %d: the options are not in the script:\n%s", seed, text)
	}
	if strings.Contains(text, "at +") {
		t.Fatalf("seed %d: a relative time is left:\n%s", seed, text)
	}
	if got, ok := runText(t, s.Text); !ok || !got.Same(want) {
		t.Fatalf("seed %d: the shrunk script alone fails with %v (%v), want %s:\n%s", seed, got, ok, want, text)
	}
}

func TestShrinkNothingToShrink(t *testing.T) {
	if _, err := Shrink(parseAs(t, "quiet.sig", quiet), RunOptions{}); err != ErrNoFailure {
		t.Fatalf("a passing scenario: %v", err)
	}
}

func TestAbsoluteTimes(t *testing.T) {
	f := parseAs(t, "t.sig", "users alice bob\nat 1s alice invite bob as c\n  at +250ms bob accept c\nat +1.5s alice cancel c\n")
	var got []string
	for _, c := range f.Items[0].Block.Cmds {
		got = append(got, absolute(c))
	}
	want := "users alice bob|at 1s alice invite bob as c|at 1.25s bob accept c|at 2.75s alice cancel c"
	if strings.Join(got, "|") != want {
		t.Fatalf("got %q\nwant %q", strings.Join(got, "|"), want)
	}
}
