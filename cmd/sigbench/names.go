package main

import (
	"fmt"
	"slices"
	"strings"

	"sigsim/bench"
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

// names lists what a run of wl with c reports: the workload's own metrics
// and counters and those of every world (queue, net.*, violations when the
// checkers are on), under each mode's prefix ("server.", "client." when
// a run has both). c must be checked (modes and checksOn are set).
func names(wl workload, c *common) bench.Names {
	p := wl.produces()
	metrics := append([]string{}, p.metrics...)
	metrics = append(metrics, "queue")
	counts := append(append([]string{}, p.counts...), worldCounts...)
	families := append([]string{"net.sends."}, p.families...)
	if c.checksOn {
		counts = append(counts, "violations")
		families = append(families, "violations.")
	}
	var n bench.Names
	n.Wall = true
	for _, pfx := range modePrefixes(c) {
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
	if !c.checksOn {
		n.Hints = map[string]string{}
		for _, pfx := range modePrefixes(c) {
			n.Hints[pfx+"violations"] = "the invariant checkers are off (--checks=on turns them on)"
		}
	}
	return n
}

// modePrefixes are the metric prefixes of a run: "" for one mode, one per
// mode otherwise (see execute).
func modePrefixes(c *common) []string {
	if len(c.modes) <= 1 {
		return []string{""}
	}
	l := make([]string, len(c.modes))
	for i, m := range c.modes {
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

// checkThresholds tells which thresholds name nothing the run will report.
func checkThresholds(ths []bench.Threshold, n bench.Names) error {
	var errs []string
	for _, th := range ths {
		if err := n.Check(th.Metric); err != nil {
			errs = append(errs, fmt.Sprintf("--threshold %q: %v", th.String(), err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return nil
}

// evalThreshold evaluates th on a run's report. A counter of a family the
// run declares but never wrote (no such error happened) counts 0; a metric
// it declares but never sampled is an error that says so.
func evalThreshold(th bench.Threshold, rep *bench.Report, n bench.Names) (ok bool, actual string, err error) {
	if _, there := rep.Virtual.Counts[th.Metric]; !there && n.InFamily(th.Metric) {
		zero := *rep
		zero.Virtual.Counts = map[string]int64{th.Metric: 0}
		return th.Eval(&zero)
	}
	if i := strings.LastIndexByte(th.Metric, '.'); i >= 0 && n.HasMetric(th.Metric[:i]) {
		if _, there := rep.Virtual.Metrics[th.Metric[:i]]; !there {
			return false, "", fmt.Errorf("threshold %q: metric %q has no sample in this run", th.String(), th.Metric[:i])
		}
	}
	return th.Eval(rep)
}
