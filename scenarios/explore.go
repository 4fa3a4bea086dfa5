package scenarios

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// ExploreOptions: run one scenario under many seeds.
type ExploreOptions struct {
	From, To  uint64 // the seed range, inclusive
	Jobs      int    // seeds run at once (each run single-threaded); 0 = 1
	Swarm     bool   // force swarm mode
	Shard     int    // run the Shard-th of Shards disjoint slices of the range
	Shards    int    // 0 or 1 = the whole range
	KeepGoing bool   // run every seed even after a failure
	// Progress, if set, is called after each seed (from any goroutine).
	Progress func()
	// Command is how the user ran the scenario, for the replay lines
	// ("sigsim run FILE"); seed and swarm flags are appended.
	Command string
}

// SeedFailure is one failing seed.
type SeedFailure struct {
	Seed   uint64 `json:"seed"`
	Reason string `json:"reason"`
	Replay string `json:"replay"`
}

// Summary is what an exploration found; summaries of disjoint shards merge.
type Summary struct {
	File        string        `json:"file"`
	From        uint64        `json:"from"`
	To          uint64        `json:"to"`
	Shard       string        `json:"shard,omitempty"`
	Seeds       int           `json:"seeds"`
	Failed      int           `json:"failed"`
	Failures    []SeedFailure `json:"failures"`
	WallSeconds float64       `json:"wall_s"`
	SeedsPerSec float64       `json:"seeds_per_s"`
}

// Slice returns the seeds of shard i of n: contiguous, disjoint, covering the range.
func Slice(from, to uint64, i, n int) (uint64, uint64, bool) {
	if n <= 1 {
		return from, to, from <= to
	}
	total := to - from + 1
	lo := from + total*uint64(i)/uint64(n)
	hi := from + total*uint64(i+1)/uint64(n)
	if hi == lo {
		return 0, 0, false
	}
	return lo, hi - 1, true
}

// Explore runs the scenario once per seed, in parallel across seeds.
func Explore(f *File, o ExploreOptions) Summary {
	s := Summary{File: f.Name, From: o.From, To: o.To}
	lo, hi, ok := Slice(o.From, o.To, o.Shard, o.Shards)
	if o.Shards > 1 {
		s.Shard = fmt.Sprintf("%d/%d", o.Shard, o.Shards)
	}
	start := time.Now()
	if !ok {
		return s
	}
	jobs := max(o.Jobs, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(jobs)
	var mu sync.Mutex
	var done atomic.Int64
	for seed := lo; seed <= hi && seed >= lo; seed++ {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if ctx.Err() != nil {
				return nil
			}
			reason := runSeed(f, seed, o.Swarm)
			done.Add(1)
			if o.Progress != nil {
				o.Progress()
			}
			if reason == "" {
				return nil
			}
			cmd := o.Command + fmt.Sprintf(" --seed %d", seed)
			if o.Swarm {
				cmd += " --swarm"
			}
			mu.Lock()
			s.Failures = append(s.Failures, SeedFailure{Seed: seed, Reason: reason, Replay: cmd})
			mu.Unlock()
			if !o.KeepGoing {
				cancel()
			}
			return nil
		})
		if seed == hi {
			break
		}
	}
	_ = g.Wait()
	sort.Slice(s.Failures, func(i, j int) bool { return s.Failures[i].Seed < s.Failures[j].Seed })
	s.Seeds = int(done.Load())
	s.Failed = len(s.Failures)
	s.WallSeconds = time.Since(start).Seconds()
	if s.WallSeconds > 0 {
		s.SeedsPerSec = float64(s.Seeds) / s.WallSeconds
	}
	return s
}

// runSeed runs one seed and says why it failed ("" if it passed): an invariant
// violation not announced by the file, or a failed expectation.
func runSeed(f *File, seed uint64, swarm bool) string {
	res, err := Run(f, RunOptions{Seed: seed, HasSeed: true, Swarm: swarm, NoRecord: true})
	if err != nil {
		return err.Error()
	}
	if res.Unexpected {
		return res.Violations[0].String()
	}
	if len(res.Failures) > 0 {
		return strings.Join(res.Failures, "; ")
	}
	return ""
}

// Merge adds up summaries of disjoint shards of one exploration.
func Merge(parts []Summary) (Summary, error) {
	var s Summary
	for i, p := range parts {
		if i == 0 {
			s.File, s.From, s.To = p.File, p.From, p.To
		} else if p.File != s.File || p.From != s.From || p.To != s.To {
			return s, fmt.Errorf("summary %d is of %s seeds %d..%d, not %s seeds %d..%d", i+1, p.File, p.From, p.To, s.File, s.From, s.To)
		}
		s.Seeds += p.Seeds
		s.Failed += p.Failed
		s.Failures = append(s.Failures, p.Failures...)
		s.WallSeconds = max(s.WallSeconds, p.WallSeconds)
	}
	sort.Slice(s.Failures, func(i, j int) bool { return s.Failures[i].Seed < s.Failures[j].Seed })
	if s.WallSeconds > 0 {
		s.SeedsPerSec = float64(s.Seeds) / s.WallSeconds
	}
	return s, nil
}
