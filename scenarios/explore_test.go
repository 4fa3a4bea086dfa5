package scenarios

import (
	"context"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sigsim/engine"
)

// parseAs parses src under a file name (replay lines and merges name it).
func parseAs(t *testing.T, name, src string) *File {
	t.Helper()
	f, err := Parse(name, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func readScenario(t *testing.T, path string) *File {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parseAs(t, path, string(src))
}

// TestSliceCoversTheRange: the n slices of a range are contiguous, disjoint
// and cover it exactly, for any range (the whole of uint64 too, whose size
// does not fit in 64 bits); a slice with no seed says so.
func TestSliceCoversTheRange(t *testing.T) {
	ranges := [][2]uint64{{1, 1}, {1, 3}, {0, 99}, {5, 2004}, {math.MaxUint64 - 10, math.MaxUint64}, {0, math.MaxUint64}, {1, math.MaxUint64}}
	for _, r := range ranges {
		for n := 1; n <= 7; n++ {
			next, empty := r[0], 0
			for i := 0; i < n; i++ {
				lo, hi, ok := Slice(r[0], r[1], i, n)
				if !ok {
					empty++
					continue
				}
				if lo != next || hi < lo {
					t.Fatalf("%d..%d shard %d/%d = %d..%d, want it to start at %d", r[0], r[1], i, n, lo, hi, next)
				}
				next = hi + 1
			}
			if next-1 != r[1] {
				t.Fatalf("%d..%d in %d shards ends at %d", r[0], r[1], n, next-1)
			}
			if size := r[1] - r[0]; size < uint64(n) && size+1 < uint64(n) && empty != n-int(size+1) {
				t.Fatalf("%d..%d in %d shards: %d empty, want %d", r[0], r[1], n, empty, n-int(size+1))
			}
		}
	}
	if _, _, ok := Slice(3, 1, 0, 1); ok {
		t.Fatal("a reversed range has seeds")
	}
	if _, _, ok := Slice(1, 3, 5, 10); ok {
		t.Fatal("shard 5 of 10 of three seeds has seeds")
	}
}

const twoRaces = `world seed=3 mode=client latency=30ms stop=never
users alice bob carol dave

at 100ms alice invite bob timeout=30s as call
at 1s alice cancel call
at 1s bob accept call
at 2s skew dave offset=0s
at 3s carol invite dave timeout=30s as call2
at 4s carol cancel call2
at 4s dave accept call2
run until quiet
`

const quiet = `world seed=1 mode=server latency=uniform(10ms,60ms) loss=20%
users alice bob

at 100ms alice invite bob timeout=5s as c
at 1s bob accept c
run 30s
check
`

// TestExplorePanicIsAFailingSeed: a panic in one seed's run is that seed's
// failure, with its replay line and stack; the sweep runs every other seed,
// even without KeepGoing.
func TestExplorePanicIsAFailingSeed(t *testing.T) {
	f := parseAs(t, "quiet.sig", quiet)
	s := Explore(context.Background(), f, ExploreOptions{From: 1, To: 20, Jobs: 2, Command: "sigsim run quiet.sig",
		BeforeSeed: func(seed uint64) {
			if seed == 7 {
				panic("injected: the engine broke")
			}
		}})
	if s.Seeds != 20 || s.Failed != 1 || s.Panicked != 1 || s.Interrupted {
		t.Fatalf("seeds=%d failed=%d panicked=%d interrupted=%v, want 20 1 1 false", s.Seeds, s.Failed, s.Panicked, s.Interrupted)
	}
	fl := s.Failures[0]
	if fl.Seed != 7 || !fl.Panic || fl.Reason != "panic: injected: the engine broke" || fl.Replay != "sigsim run quiet.sig --seed 7" ||
		!strings.Contains(fl.Stack, "TestExplorePanicIsAFailingSeed") {
		t.Fatalf("failure %+v", fl)
	}
}

// TestExploreInterrupted: a cancelled context (Ctrl-C) stops the sweep from
// starting seeds; the summary says how many ran, keeps the failures found,
// and names the range left, contiguous with what ran, and how to run it.
func TestExploreInterrupted(t *testing.T) {
	f := parseAs(t, "two.sig", twoRaces)
	for _, jobs := range []int{1, 2} {
		ctx, cancel := context.WithCancel(context.Background())
		s := Explore(ctx, f, ExploreOptions{From: 1, To: 100, Jobs: jobs, KeepGoing: true, Command: "sigsim run two.sig",
			ResumeCommand: "sigsim explore two.sig --keep-going", BeforeSeed: func(seed uint64) {
				if seed == 10 {
					cancel()
				}
			}})
		cancel()
		// Seed 10 cancels when it starts; with -j 2 the other slot may run a
		// few more seeds before the sweep notices (the scheduler decides
		// when seed 10's goroutine gets to cancel), never the whole range.
		if !s.Interrupted || s.Seeds < 10 || s.Seeds >= 100 {
			t.Fatalf("-j %d: interrupted=%v after %d seeds, want true after at least 10 and not all", jobs, s.Interrupted, s.Seeds)
		}
		want := strconv.Itoa(s.Seeds+1) + "..100"
		if s.Resume != want || s.Next != "sigsim explore two.sig --keep-going --seeds "+want {
			t.Fatalf("-j %d: resume %q next %q, want %q", jobs, s.Resume, s.Next, want)
		}
		if s.Failed != s.Seeds { // every seed of the client-mode races fails
			t.Fatalf("-j %d: %d failures kept of %d seeds", jobs, s.Failed, s.Seeds)
		}
	}
}

// TestExploreCountsPaths: the summary's paths are the sum over its seeds of
// what each run counted, every path named, those at zero never hit.
func TestExploreCountsPaths(t *testing.T) {
	f := parseAs(t, "quiet.sig", quiet)
	s := Explore(context.Background(), f, ExploreOptions{From: 1, To: 6, Jobs: 2})
	var want [engine.NumPaths]int64
	for seed := uint64(1); seed <= 6; seed++ {
		res, err := Run(f, RunOptions{Seed: seed, HasSeed: true, NoRecord: true})
		if err != nil {
			t.Fatal(err)
		}
		for p, n := range res.World.Counts.Paths {
			want[p] += n
		}
	}
	if len(s.Paths) != int(engine.NumPaths)-1 {
		t.Fatalf("%d paths in the summary, want every one (%d)", len(s.Paths), engine.NumPaths-1)
	}
	hit := 0
	for p := engine.Path(1); p < engine.NumPaths; p++ {
		if s.Paths[p.String()] != want[p] {
			t.Errorf("%s: %d, want %d", p, s.Paths[p.String()], want[p])
		}
		if want[p] > 0 {
			hit++
		} else if !slices.Contains(s.NeverHit, p.String()) {
			t.Errorf("%s never hit but not in never_hit %v", p, s.NeverHit)
		}
	}
	if hit == 0 || s.Paths["push-resent"] == 0 {
		t.Fatalf("20%% loss hit no path, or never resent a push: %v", s.Paths)
	}
	if missing := s.CheckPaths([]engine.Path{engine.PathPushResent, engine.PathBusResend}); !slices.Equal(missing, []string{"bus-resend"}) {
		t.Fatalf("missing %v, want [bus-resend]", missing)
	}
}

func TestParsePathList(t *testing.T) {
	l, err := ParsePathList("p.paths", []byte("# expected\npush-resent\n\n  request-from-log  # retransmissions\npush-resent\n"))
	if err != nil || !slices.Equal(l, []engine.Path{engine.PathPushResent, engine.PathRequestFromLog}) {
		t.Fatalf("%v %v", l, err)
	}
	_, err = ParsePathList("p.paths", []byte("push-resent\n  push-resnt\n"))
	if err == nil || !strings.Contains(err.Error(), `p.paths:2:3: unknown path "push-resnt", did you mean "push-resent"?`) {
		t.Fatalf("a misspelt path: %v", err)
	}
	if _, err := ParsePathList("p.paths", []byte("# nothing\n")); err == nil {
		t.Fatal("an empty list is fine")
	}
}

// TestMerge: shards of one sweep add up (paths too); a shard missing or
// repeated, a mixed split, another range or an interrupted shard is an
// error that names it.
func TestMerge(t *testing.T) {
	f := parseAs(t, "quiet.sig", quiet)
	var parts []Summary
	for i := 0; i < 3; i++ {
		parts = append(parts, Explore(context.Background(), f, ExploreOptions{From: 1, To: 9, Shard: i, Shards: 3}))
	}
	whole := Explore(context.Background(), f, ExploreOptions{From: 1, To: 9})
	m, err := Merge(parts, []string{"a.json", "b.json", "c.json"})
	if err != nil || m.Seeds != 9 || !maps.Equal(m.Paths, whole.Paths) || !slices.Equal(m.NeverHit, whole.NeverHit) {
		t.Fatalf("merge: %v seeds=%d paths %v, want %v", err, m.Seeds, m.Paths, whole.Paths)
	}
	if _, err := Merge([]Summary{whole}, nil); err != nil {
		t.Fatalf("one whole summary: %v", err)
	}
	interrupted := parts[1]
	interrupted.Interrupted, interrupted.Resume = true, "5..6"
	other := parts[2]
	other.To = 10
	for _, c := range []struct {
		parts []Summary
		want  string
	}{
		{[]Summary{parts[0], parts[1], parts[1], parts[2]}, "shard 1/3 appears twice: in b.json and in c.json"},
		{[]Summary{parts[0], parts[2]}, "shard 1/3 missing"},
		{[]Summary{parts[0], whole}, "b.json is shard (the whole range), but a.json is shard 0/3"},
		{[]Summary{parts[0], parts[1], other}, "c.json is of quiet.sig seeds 1..10, not quiet.sig seeds 1..9"},
		{[]Summary{parts[0], interrupted, parts[2]}, "b.json (shard 1/3) was interrupted: seeds 5..6 were not run"},
	} {
		_, err := Merge(c.parts, []string{"a.json", "b.json", "c.json", "d.json"})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("merge: %v, want %q", err, c.want)
		}
	}
}

// TestExploreLibrary: the explore scenarios parse and run, and their lists
// of expected paths name real paths.
func TestExploreLibrary(t *testing.T) {
	sigs, _ := filepath.Glob(filepath.Join("explore", "*.sig"))
	paths, _ := filepath.Glob(filepath.Join("explore", "*.paths"))
	if len(sigs) < 2 || len(paths) < 2 {
		t.Fatalf("explore scenarios %v, path lists %v", sigs, paths)
	}
	for _, p := range sigs {
		f := readScenario(t, p)
		res, err := Run(f, RunOptions{NoRecord: true})
		if err != nil || len(res.Failures) > 0 {
			t.Errorf("%s: %v %v", p, err, res.Failures)
		}
		// The sweeps of server mode let swarm choose the faults; a client-mode
		// file is a field report whose seeds vary only the network's timing.
		if len(res.SwarmPlan) == 0 && !strings.HasSuffix(p, ".client.sig") {
			t.Errorf("%s: no swarm plan", p)
		}
	}
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParsePathList(p, src); err != nil {
			t.Error(err)
		}
	}
}

// TestExploreFailuresSpeakHandles: a failing seed's reason names the
// invitation by the script's handle, as the run's output does.
func TestExploreFailuresSpeakHandles(t *testing.T) {
	f := parseAs(t, "two.sig", twoRaces)
	s := Explore(context.Background(), f, ExploreOptions{From: 1, To: 3, Jobs: 1, KeepGoing: true, Command: "sigsim run two.sig"})
	if s.Failed == 0 {
		t.Fatal("the client-mode races did not fail")
	}
	for _, fl := range s.Failures {
		if strings.Contains(fl.Reason, "alice/1.0-1") || !strings.Contains(fl.Reason, "call") {
			t.Errorf("seed %d: %s", fl.Seed, fl.Reason)
		}
	}
}

// TestExploreFailsWhenSwarmLeavesAFault: termination not judged because a
// fault outlived the swarm's heal is a failing seed (the simulator must heal
// what it planned; otherwise termination would pass unseen); without swarm
// mode, a scripted fault left active is the script's choice.
func TestExploreFailsWhenSwarmLeavesAFault(t *testing.T) {
	const script = `world seed=1 latency=20ms
users alice bob
%s
at 100ms alice invite bob timeout=3s as call
at 6s partition alice | s0
run 20s
check
`
	swarm := parseAs(t, "swarm.sig", fmt.Sprintf(script, "swarm faults=loss intensity=0.2 until=5s"))
	s := Explore(context.Background(), swarm, ExploreOptions{From: 1, To: 3, Jobs: 1, KeepGoing: true, Command: "sigsim run swarm.sig"})
	if s.Failed != 3 || !strings.Contains(s.Failures[0].Reason, "termination not judged: partition alice/1 <-> s0 still active after the swarm healed everything") {
		t.Fatalf("with swarm: %+v", s)
	}
	plain := parseAs(t, "plain.sig", fmt.Sprintf(script, ""))
	if s := Explore(context.Background(), plain, ExploreOptions{From: 1, To: 3, Jobs: 1, KeepGoing: true}); s.Failed != 0 {
		t.Fatalf("without swarm: %+v", s.Failures)
	}
}

// TestExploreSameUnderAnyJobs: without KeepGoing a sweep stops at its first
// failing seed, and its summary (seeds, failures, coverage) is the same
// under any -j: results are taken in seed order.
func TestExploreSameUnderAnyJobs(t *testing.T) {
	f := readScenario(t, filepath.Join("explore", "ringing_after_cancel.client.sig"))
	var first Summary
	for _, jobs := range []int{1, 2, 3, 8} {
		s := Explore(context.Background(), f, ExploreOptions{From: 1, To: 200, Jobs: jobs})
		if s.Failed != 1 || s.Seeds != int(s.Failures[0].Seed) {
			t.Fatalf("-j %d: %d seeds, failures %+v: want the sweep to stop at its first failing seed", jobs, s.Seeds, s.Failures)
		}
		if jobs == 1 {
			first = s
			continue
		}
		if s.Seeds != first.Seeds || s.Failures[0] != first.Failures[0] || !maps.Equal(s.Paths, first.Paths) {
			t.Errorf("-j %d: %d seeds, %+v; -j 1: %d seeds, %+v", jobs, s.Seeds, s.Failures[0], first.Seeds, first.Failures[0])
		}
	}
}
