package scenarios

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/bits"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"sigsim/sim"

	"sigsim/engine"
)

// ExploreOptions: run one scenario under many seeds.
type ExploreOptions struct {
	From, To  uint64 // the seed range, inclusive
	Jobs      int    // seeds run at once (each run single-threaded); 0 = 1
	Swarm     bool   // force swarm mode
	Mode      engine.Mode
	HasMode   bool // override the scenario's arbitration mode with Mode
	Shard     int  // run the Shard-th of Shards disjoint slices of the range
	Shards    int  // 0 or 1 = the whole range
	KeepGoing bool // run every seed even after a failure
	// Progress, if set, is called after each seed (from any goroutine).
	Progress func()
	// Command is how the user ran the scenario, for the replay lines
	// ("sigsim run FILE"); seed and swarm flags are appended.
	Command string
	// ResumeCommand is how to run the rest of the range after an interrupt
	// ("sigsim explore FILE"); the seed range is appended.
	ResumeCommand string
	// BeforeSeed, if set, is called in the seed's goroutine before it runs; a
	// panic in it is that seed's panic (tests inject one this way).
	BeforeSeed func(seed uint64)
}

// SeedFailure is one failing seed. A seed whose run panicked (an engine or
// simulator bug, not an invariant violation) carries the panic's stack.
type SeedFailure struct {
	Seed   uint64 `json:"seed"`
	Reason string `json:"reason"`
	Replay string `json:"replay"`
	Panic  bool   `json:"panic,omitempty"`
	Stack  string `json:"stack,omitempty"`
}

// Summary is what an exploration found; summaries of disjoint shards merge.
type Summary struct {
	File string `json:"file"`
	// Flags are the flags that changed how every seed ran ("--mode client
	// --swarm"), as the replay lines carry them; shards merge only if theirs
	// agree.
	Flags       string        `json:"flags,omitempty"`
	From        uint64        `json:"from"`
	To          uint64        `json:"to"`
	Shard       string        `json:"shard,omitempty"`
	Seeds       int           `json:"seeds"`
	Failed      int           `json:"failed"`
	Panicked    int           `json:"panicked"`
	Failures    []SeedFailure `json:"failures"`
	WallSeconds float64       `json:"wall_s"`
	SeedsPerSec float64       `json:"seeds_per_s"`
	// Paths counts, by name, every rare path (engine.Path) the seeds took,
	// summed over the sweep; NeverHit lists those no seed took: branches the
	// sweep cannot have found a bug in.
	Paths    map[string]int64 `json:"paths"`
	NeverHit []string         `json:"never_hit"`
	// MissingPaths are the paths a list of expected ones names that no seed
	// took (see CheckPaths).
	MissingPaths []string `json:"missing_paths,omitempty"`
	// Interrupted: the sweep was stopped (Ctrl-C) before its end; the seeds
	// in Resume ("A..B") were not run, and Next is the command that runs them.
	Interrupted bool   `json:"interrupted,omitempty"`
	Resume      string `json:"resume,omitempty"`
	Next        string `json:"next,omitempty"`
}

// Slice returns the seeds of shard i of n: contiguous, disjoint, covering the
// range; ok is false if the slice is empty (more shards than seeds). It is
// exact for any range, the whole of uint64 included.
func Slice(from, to uint64, i, n int) (lo, hi uint64, ok bool) {
	if from > to || n < 1 || i < 0 || i >= n {
		return 0, 0, false
	}
	if n == 1 {
		return from, to, true
	}
	// The range holds span+1 seeds, up to 2⁶⁴: offsets are computed in 128 bits.
	span := to - from
	offset := func(k uint64) uint64 { // ⌊(span+1)·k/n⌋, for k < n
		h, l := bits.Mul64(span, k)
		l, c := bits.Add64(l, k, 0)
		q, _ := bits.Div64(h+c, l, uint64(n))
		return q
	}
	a := offset(uint64(i))
	if i+1 == n {
		return from + a, to, true
	}
	b := offset(uint64(i + 1))
	if a == b {
		return 0, 0, false
	}
	return from + a, from + b - 1, true
}

// pathCounts are the coverage counters of one seed or a sweep.
type pathCounts [engine.NumPaths]int64

// seedResult is what one seed's run found.
type seedResult struct {
	fl    *SeedFailure
	paths pathCounts
}

// Explore runs the scenario once per seed, in parallel across seeds, until the
// range is done, a seed fails (unless KeepGoing), or ctx is cancelled (an
// interrupt): then it starts no more seeds, lets the running ones finish, and
// says which seeds are left. A seed whose run panics is a failure with its
// stack, and the sweep goes on (even without KeepGoing: the panic is a bug in
// sigsim, not what the sweep looks for, and must not hide the other seeds).
func Explore(ctx context.Context, f *File, o ExploreOptions) (s Summary) {
	s = Summary{File: f.Name, Flags: strings.TrimSpace(o.flags()), From: o.From, To: o.To}
	lo, hi, ok := Slice(o.From, o.To, o.Shard, max(o.Shards, 1))
	if o.Shards > 1 {
		s.Shard = fmt.Sprintf("%d/%d", o.Shard, o.Shards)
	}
	start := time.Now()
	var paths pathCounts
	defer func() { s.setPaths(&paths) }()
	if !ok {
		return s
	}
	g := new(errgroup.Group)
	g.SetLimit(max(o.Jobs, 1))
	// Seeds run in parallel but their results are taken in seed order, as
	// they become contiguous: the summary (counts, failures, coverage, and
	// where a sweep without KeepGoing stops: its first failing seed) is the
	// same under any -j. Only the results of the seeds in flight wait.
	var mu sync.Mutex
	waiting := map[uint64]seedResult{}
	taken := lo // the next seed whose result is to be taken
	var stopped atomic.Bool
	take := func(seed uint64, r seedResult) {
		mu.Lock()
		defer mu.Unlock()
		waiting[seed] = r
		for !stopped.Load() {
			r, ok := waiting[taken]
			if !ok {
				return
			}
			delete(waiting, taken)
			s.Seeds++
			for p, n := range r.paths {
				paths[p] += n
			}
			if r.fl != nil {
				s.Failures = append(s.Failures, *r.fl)
				if !r.fl.Panic && !o.KeepGoing {
					stopped.Store(true) // a panic is sigsim's bug, not the scenario's: the sweep goes on
				}
			}
			taken++
		}
	}
	next, finished := lo, false
	for !stopped.Load() && ctx.Err() == nil {
		seed := next
		g.Go(func() error {
			if stopped.Load() {
				return nil
			}
			fl, seen := runSeed(f, seed, o)
			if o.Progress != nil {
				o.Progress()
			}
			take(seed, seedResult{fl, seen})
			return nil
		})
		if seed == hi {
			finished = true
			break
		}
		next = seed + 1
	}
	_ = g.Wait()
	if !finished && !stopped.Load() {
		// Interrupted: every seed below next was started and has finished,
		// so every one was taken.
		s.Interrupted = true
		s.Resume = strconv.FormatUint(next, 10) + ".." + strconv.FormatUint(hi, 10)
		if o.ResumeCommand != "" {
			s.Next = o.ResumeCommand + " --seeds " + s.Resume + o.flags()
		}
	}
	sort.Slice(s.Failures, func(i, j int) bool { return s.Failures[i].Seed < s.Failures[j].Seed })
	s.count()
	s.WallSeconds = time.Since(start).Seconds()
	if s.WallSeconds > 0 {
		s.SeedsPerSec = float64(s.Seeds) / s.WallSeconds
	}
	return s
}

// flags are the command-line flags that make a run of one seed the
// sweep's: the mode override and swarm mode, each with a leading space.
func (o ExploreOptions) flags() string {
	s := ""
	if o.HasMode {
		s += " --mode " + o.Mode.String()
	}
	if o.Swarm {
		s += " --swarm"
	}
	return s
}

// count sets Failed and Panicked from Failures.
func (s *Summary) count() {
	s.Failed, s.Panicked = len(s.Failures), 0
	for _, fl := range s.Failures {
		if fl.Panic {
			s.Panicked++
		}
	}
}

// setPaths fills Paths and NeverHit from counters.
func (s *Summary) setPaths(c *pathCounts) {
	s.Paths = make(map[string]int64, engine.NumPaths-1)
	s.NeverHit = []string{}
	for p := engine.Path(1); p < engine.NumPaths; p++ {
		s.Paths[p.String()] = c[p]
		if c[p] == 0 {
			s.NeverHit = append(s.NeverHit, p.String())
		}
	}
}

// counters reads Paths back (a summary from JSON): unknown names are an error.
func (s *Summary) counters() (pathCounts, error) {
	var c pathCounts
	for _, name := range slices.Sorted(maps.Keys(s.Paths)) {
		p, ok := engine.ParsePath(name)
		if !ok {
			return c, fmt.Errorf("unknown path %q (not one of this sigsim's)", name)
		}
		c[p] = s.Paths[name]
	}
	return c, nil
}

// runSeed runs one seed. It returns its failure (nil if it passed: no
// invariant violation the file does not announce, no failed expectation) and
// the rare paths it took. A panic in the run is a failure too, with its stack.
func runSeed(f *File, seed uint64, o ExploreOptions) (fl *SeedFailure, paths pathCounts) {
	replay := o.Command + fmt.Sprintf(" --seed %d", seed) + o.flags()
	defer func() {
		if v := recover(); v != nil {
			fl = &SeedFailure{Seed: seed, Reason: fmt.Sprintf("panic: %v", v), Replay: replay, Panic: true, Stack: string(debug.Stack())}
		}
	}()
	if o.BeforeSeed != nil {
		o.BeforeSeed(seed)
	}
	res, err := Run(f, RunOptions{Seed: seed, HasSeed: true, Swarm: o.Swarm, Mode: o.Mode, HasMode: o.HasMode, NoRecord: true})
	if err != nil {
		return &SeedFailure{Seed: seed, Reason: err.Error(), Replay: replay}, paths
	}
	paths = res.World.Counts.Paths
	reason := ""
	switch {
	case res.Unexpected:
		reason = res.Rename()(res.Violations[res.FirstUnexpected].String()) // the script's handles, as its output shows them
	case len(res.Failures) > 0:
		reason = strings.Join(res.Failures, "; ")
	case len(res.Unjudged) > 0 && swarmHealed(res):
		// Swarm heals every fault it planned by its until: one still active
		// at a later check is the simulator's bug, and termination, which
		// the check could not judge, would pass unseen.
		reason = "termination not judged: " + sim.DescribeFaults(res.Unjudged) + " after the swarm healed everything"
	default:
		return nil, paths
	}
	return &SeedFailure{Seed: seed, Reason: reason, Replay: replay}, paths
}

// CheckPaths sets MissingPaths to the expected paths no seed took, and
// returns them.
func (s *Summary) CheckPaths(expected []engine.Path) []string {
	s.MissingPaths = nil
	for _, p := range expected {
		if s.Paths[p.String()] == 0 {
			s.MissingPaths = append(s.MissingPaths, p.String())
		}
	}
	return s.MissingPaths
}

// ParsePathList reads a list of expected paths: one name a line, blank lines
// and # comments ignored. A name that is no path is an error at its line.
func ParsePathList(name string, src []byte) ([]engine.Path, error) {
	var l []engine.Path
	var errs []error
	for i, line := range strings.Split(string(src), "\n") {
		text, _, _ := strings.Cut(line, "#")
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		p, ok := engine.ParsePath(text)
		if !ok {
			col := strings.Index(line, text) + 1
			errs = append(errs, &Error{Pos{File: name, Line: i + 1, Col: col},
				fmt.Sprintf("unknown path %q%s (paths: %s)", text, suggestPath(text), strings.Join(pathNames(), ", "))})
			continue
		}
		if !slices.Contains(l, p) {
			l = append(l, p)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(l) == 0 {
		return nil, fmt.Errorf("%s: lists no path", name)
	}
	return l, nil
}

func pathNames() []string {
	var l []string
	for p := engine.Path(1); p < engine.NumPaths; p++ {
		l = append(l, p.String())
	}
	return l
}

func suggestPath(s string) string {
	if m := suggest(s, pathNames()); m != "" {
		return fmt.Sprintf(", did you mean %q?", m)
	}
	return ""
}

// Merge adds up the summaries of the shards of one exploration: all of one
// file and seed range, and either one summary of the whole range or every
// shard i/n of one n exactly once. names name the parts in errors (their
// files); nil means "summary 1", "summary 2", ...
func Merge(parts []Summary, names []string) (Summary, error) {
	var s Summary
	if len(parts) == 0 {
		return s, errors.New("nothing to merge")
	}
	name := func(i int) string {
		if i < len(names) {
			return names[i]
		}
		return "summary " + strconv.Itoa(i+1)
	}
	var total pathCounts
	n := -1
	seen := map[int]int{} // shard index → part
	for i, p := range parts {
		if i == 0 {
			s.File, s.Flags, s.From, s.To = p.File, p.Flags, p.From, p.To
		} else if p.File != s.File || p.From != s.From || p.To != s.To {
			return s, fmt.Errorf("%s is of %s seeds %d..%d, not %s seeds %d..%d like %s", name(i), p.File, p.From, p.To, s.File, s.From, s.To, name(0))
		} else if p.Flags != s.Flags {
			return s, fmt.Errorf("%s ran with flags %q, %s with %q: not one exploration", name(i), p.Flags, name(0), s.Flags)
		}
		if p.Interrupted {
			return s, fmt.Errorf("%s (shard %s) was interrupted: seeds %s were not run; finish it before merging", name(i), orWhole(p.Shard), p.Resume)
		}
		k, m, err := parseShard(p.Shard)
		if err != nil {
			return s, fmt.Errorf("%s: %v", name(i), err)
		}
		switch {
		case n == -1:
			n = m
		case m != n:
			return s, fmt.Errorf("%s is shard %s, but %s is shard %s: not one split of the range", name(i), orWhole(p.Shard), name(0), orWhole(parts[0].Shard))
		}
		if j, dup := seen[k]; dup {
			return s, fmt.Errorf("shard %s appears twice: in %s and in %s", orWhole(p.Shard), name(j), name(i))
		}
		seen[k] = i
		c, err := p.counters()
		if err != nil {
			return s, fmt.Errorf("%s: %v", name(i), err)
		}
		for q := range c {
			total[q] += c[q]
		}
		s.Seeds += p.Seeds
		s.Failures = append(s.Failures, p.Failures...)
		s.WallSeconds = max(s.WallSeconds, p.WallSeconds)
	}
	var missing []string
	for k := 0; k < n; k++ {
		if _, ok := seen[k]; !ok {
			missing = append(missing, fmt.Sprintf("%d/%d", k, n))
		}
	}
	if len(missing) > 0 {
		return s, fmt.Errorf("shard %s missing: the merged summaries do not cover seeds %d..%d", strings.Join(missing, ", "), s.From, s.To)
	}
	sort.Slice(s.Failures, func(i, j int) bool { return s.Failures[i].Seed < s.Failures[j].Seed })
	s.count()
	s.setPaths(&total)
	if s.WallSeconds > 0 {
		s.SeedsPerSec = float64(s.Seeds) / s.WallSeconds
	}
	return s, nil
}

func orWhole(shard string) string {
	if shard == "" {
		return "(the whole range)"
	}
	return shard
}

// parseShard reads a summary's shard, "i/n" or "" (the whole range: 0/1).
func parseShard(s string) (int, int, error) {
	if s == "" {
		return 0, 1, nil
	}
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("bad shard %q (want i/n with 0 ≤ i < n)", s)
	}
	return i, n, nil
}

// swarmHealed tells whether swarm mode ran and healed before the run's last check.
func swarmHealed(res *Result) bool {
	sw := res.World.Options().Swarm
	return sw != nil && res.UnjudgedAt >= sw.Until
}
