package bench

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MergeReports merges the reports of several runs of one experiment,
// differing only in their seeds, into the report of all their samples:
// each metric's HDR histograms merged (MergeSummaries), counters added,
// virtual and load durations added (so a rate stays per second of load).
// The series, faults, wall-clock figures and environment are left out:
// they belong to one run each. The header is the first report's, with
// every seed (Seeds, and the "seed" option) and, as its command, every
// run's command. Reports of different workloads or options, of the same seed,
// capacity sweeps and partial reports do not merge.
func MergeReports(reps []*Report) (*Report, error) {
	if len(reps) < 2 {
		return nil, errors.New("merge needs at least two reports")
	}
	first := reps[0]
	seen := map[uint64]int{}
	var seeds, cmds []string
	out := &Report{SchemaVersion: ReportSchema, Header: first.Header, Definitions: first.Definitions, Load: first.Load,
		Virtual: Virtual{Metrics: map[string]Summary{}, Counts: map[string]int64{}}}
	out.Header.Options = append([]Option(nil), first.Header.Options...)
	byMetric := map[string][]Summary{}
	var findings Findings
	for i, r := range reps {
		n := i + 1
		switch {
		case r.Capacity != nil:
			return nil, fmt.Errorf("report %d is a capacity sweep: sweeps do not merge (their points are runs of their own)", n)
		case r.Interrupted != nil:
			return nil, fmt.Errorf("report %d is partial (%s)", n, r.Interrupted)
		}
		if d := OptionDiff(first, r); len(d) > 0 {
			return nil, fmt.Errorf("report %d measured something else than report 1 (%s): only runs that differ in their seed merge", n, strings.Join(d, "; "))
		}
		if j, ok := seen[r.Header.Seed]; ok {
			return nil, fmt.Errorf("reports %d and %d are of the same seed %d: the same run twice would count its samples twice", j, n, r.Header.Seed)
		}
		seen[r.Header.Seed] = n
		seeds = append(seeds, strconv.FormatUint(r.Header.Seed, 10))
		out.Header.Seeds = append(out.Header.Seeds, r.Header.Seed)
		cmds = append(cmds, r.Header.Command)
		for name, s := range r.Virtual.Metrics {
			byMetric[name] = append(byMetric[name], s)
		}
		for name, v := range r.Virtual.Counts {
			out.Virtual.Counts[name] += v
		}
		out.Virtual.DurationNS += r.Virtual.DurationNS
		out.Virtual.LoadNS += r.Virtual.LoadNS
		if f := r.Findings; f != nil {
			pfx := "seed " + strconv.FormatUint(r.Header.Seed, 10) + ": "
			for _, x := range f.Notes {
				findings.Notes = append(findings.Notes, pfx+x)
			}
			for _, x := range f.Failures {
				findings.Failures = append(findings.Failures, pfx+x)
			}
			if findings.Violation == "" && f.Violation != "" {
				findings.Violation = pfx + f.Violation
			}
		}
	}
	for name, l := range byMetric {
		s, err := MergeSummaries(l)
		if err != nil {
			return nil, fmt.Errorf("metric %s: %w", name, err)
		}
		out.Virtual.Metrics[name] = s
	}
	for i, o := range out.Header.Options {
		if o.Key == "seed" {
			out.Header.Options[i].Value = strings.Join(seeds, ",")
		}
	}
	out.Header.Command = strings.Join(cmds, "\n")
	if len(findings.Notes)+len(findings.Failures) > 0 || findings.Violation != "" {
		out.Findings = &findings
	}
	return out, nil
}
