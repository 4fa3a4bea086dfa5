package workload

import (
	"slices"
	"strings"

	"sigsim/bench"
	"sigsim/engine"
)

// produced is what a workload records in one world, before any mode prefix.
type produced struct {
	metrics  []string // latency metrics
	counts   []string // counters always written
	families []string // counter prefixes ending in "." whose members depend on the run
}

// with returns p with more counters.
func (p produced) with(counts ...string) produced {
	p.counts = append(slices.Clip(p.counts), counts...)
	return p
}

// worldCounts are the counters env.close writes for every world.
var worldCounts = []string{"net.sends", "net.delivers", "net.drops", "net.dups", "timers",
	"api.calls", "api.results", "callbacks", "faults", "events", "setup_failures"}

// names lists what a run reports: the workload's own metrics and counters
// and those of every world (queue, net.*, violations when the checkers
// are on), under each mode's prefix ("server.", "client." when a run has
// both).
func names(p produced, o *Options, checksOn bool) bench.Names {
	modes := o.Modes
	metrics := append([]string{}, p.metrics...)
	metrics = append(metrics, "queue")
	counts := append(append([]string{}, p.counts...), worldCounts...)
	families := append([]string{"net.sends."}, p.families...)
	if checksOn {
		counts = append(counts, "violations")
		families = append(families, "violations.")
	}
	var n bench.Names
	n.Wall = true
	for _, pfx := range modePrefixes(modes) {
		for _, m := range metrics {
			n.Metrics = append(n.Metrics, pfx+m)
		}
		for _, k := range counts {
			n.Counts = append(n.Counts, prefixed(pfx, k))
		}
		for _, f := range families {
			n.Families = append(n.Families, prefixed(pfx, f))
		}
	}
	if !checksOn {
		n.Hints = map[string]string{}
		hint := optionErrorf("the invariant checkers are off (%s=on turns them on)", Key("checks")).Spell(o.Spell)
		for _, pfx := range modePrefixes(modes) {
			n.Hints[pfx+"violations"] = hint
		}
	}
	return n
}

// modePrefixes are the metric prefixes of a run: "" for one mode, one per
// mode otherwise.
func modePrefixes(modes []engine.Mode) []string {
	if len(modes) <= 1 {
		return []string{""}
	}
	l := make([]string, len(modes))
	for i, m := range modes {
		l[i] = m.String() + "."
	}
	return l
}

// prefixed is a counter's name under a mode prefix, the way env.count
// writes it: outcome counters keep "outcome." first.
func prefixed(pfx, name string) string {
	if rest, ok := strings.CutPrefix(name, "outcome."); ok && pfx != "" {
		return "outcome." + pfx + rest
	}
	return pfx + name
}
