package bench

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
)

// Names lists what a report can hold, so that a threshold or an SLO can be
// checked before a run instead of failing after minutes of simulation: the
// metrics (latency histograms, named in thresholds as "metric.stat"), the
// counters, and the counter families whose members depend on what happened
// (e.g. "errors." followed by a code and an operation).
type Names struct {
	// Metrics are the latency metrics, in the order to show them.
	Metrics []string
	// Counts are the counters always there.
	Counts []string
	// Families are counter-name prefixes, each ending in ".": any name
	// longer than the prefix may be a counter of the run.
	Families []string
	// Wall tells whether the wall metrics (events_per_sec, ...) are there.
	Wall bool
	// Hints explain names the run lacks on purpose, keyed by a name or a
	// family prefix (e.g. "violations": "the invariant checkers are off").
	Hints map[string]string
}

// NamesOf returns the names a report holds.
func NamesOf(r *Report) Names {
	if r == nil {
		return Names{}
	}
	return Names{
		Metrics: slices.Sorted(maps.Keys(r.Virtual.Metrics)),
		Counts:  slices.Sorted(maps.Keys(r.Virtual.Counts)),
		Wall:    r.Wall != nil,
	}
}

// HasMetric tells whether name is one of the metrics.
func (n Names) HasMetric(name string) bool { return slices.Contains(n.Metrics, name) }

// InFamily tells whether name is a member of a counter family (and not one
// of the always-there counters).
func (n Names) InFamily(name string) bool {
	if slices.Contains(n.Counts, name) {
		return false
	}
	for _, f := range n.Families {
		if len(name) > len(f) && strings.HasPrefix(name, f) {
			return true
		}
	}
	return false
}

// Check tells whether a threshold's left side names something in n, the
// way Threshold.Eval looks it up. The error names what is wrong and lists
// the close names and the valid ones.
func (n Names) Check(name string) error {
	base, stat, _, err := SplitStat(name)
	if err != nil {
		return err
	}
	if stat != "" && n.HasMetric(base) {
		return nil
	}
	if stat == "count" || stat == "rate" {
		if slices.Contains(n.Counts, base) || n.InFamily(base) {
			return nil
		}
	}
	if stat != "" && (slices.Contains(n.Counts, base) || n.InFamily(base)) && !slices.Contains(n.Counts, name) {
		return fmt.Errorf("%q is a counter: it has count and rate, not %s", base, name[len(base)+1:])
	}
	if n.HasMetric(name) {
		return fmt.Errorf("%q is a latency metric: name a statistic, e.g. %s.p(99) (%s)", name, name, StatNames)
	}
	if slices.Contains(n.Counts, name) || n.InFamily(name) || name == "duration_ns" {
		return nil
	}
	if isWallField(name) {
		if n.Wall {
			return nil
		}
		return fmt.Errorf("%q: the report has no wall metrics", name)
	}
	if i := strings.LastIndexByte(name, '.'); i >= 0 && n.HasMetric(name[:i]) {
		return fmt.Errorf("unknown statistic %q of metric %q (want %s)", name[i+1:], name[:i], StatNames)
	}
	for key, hint := range n.Hints {
		if name == key || strings.HasPrefix(name, key+".") {
			return fmt.Errorf("no metric or counter %q: %s", name, hint)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "no metric or counter %q", name)
	if close := n.closeTo(name); len(close) > 0 {
		fmt.Fprintf(&b, " (did you mean %s?)", strings.Join(close, ", "))
	}
	fmt.Fprintf(&b, "; metrics (as METRIC.STAT, STAT one of %s): %s", StatNames, orNone(n.Metrics))
	fmt.Fprintf(&b, "; counters: %s", orNone(n.Counts))
	if len(n.Families) > 0 {
		fam := make([]string, len(n.Families))
		for i, f := range n.Families {
			fam[i] = f + "*"
		}
		fmt.Fprintf(&b, "; counter families: %s", strings.Join(fam, ", "))
	}
	return fmt.Errorf("%s", b.String())
}

func orNone(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}

// closeTo returns the valid names a misspelt or unprefixed name probably
// meant: those ending in "."+name (the mode-prefixed "server.ring.p99" for
// "ring.p99"), and those within a small edit distance; at most five.
func (n Names) closeTo(name string) []string {
	metric, stat := name, "p99"
	if base, st, _, err := SplitStat(name); err == nil && st != "" {
		metric, stat = base, name[len(base)+1:]
	}
	type cand struct {
		s string
		d int
	}
	var cands []cand
	consider := func(full, base, want string) {
		d := editDistance(base, want)
		switch {
		case strings.HasSuffix(base, "."+want):
			cands = append(cands, cand{full, 0})
		case d <= max(2, len(want)/3):
			cands = append(cands, cand{full, d})
		}
	}
	for _, m := range n.Metrics {
		consider(m+"."+stat, m, metric)
	}
	for _, c := range n.Counts {
		consider(c, c, name)
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].d < cands[j].d })
	var out []string
	for _, c := range cands {
		if len(out) < 5 && !slices.Contains(out, c.s) {
			out = append(out, c.s)
		}
	}
	return out
}

// editDistance is the Levenshtein distance of a and b, by bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
