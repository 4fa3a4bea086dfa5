package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"sigsim/bench"
)

// parseThresholds parses --threshold flags.
func parseThresholds(exprs []string) ([]bench.Threshold, error) {
	var ths []bench.Threshold
	for _, s := range exprs {
		th, err := bench.ParseThreshold(s)
		if err != nil {
			return nil, fmt.Errorf("--threshold: %w", err)
		}
		ths = append(ths, th)
	}
	return ths, nil
}

// printThresholds prints each threshold's verdict under a "thresholds"
// heading and tells whether any failed or could not be evaluated.
func printThresholds(w io.Writer, ths []bench.Threshold, eval func(bench.Threshold) (bool, string, error)) (failed bool) {
	if len(ths) == 0 {
		return false
	}
	fmt.Fprintln(w, "\nthresholds")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, th := range ths {
		ok, actual, err := eval(th)
		switch {
		case err != nil:
			failed = true
			fmt.Fprintf(tw, "ERROR\t%s\t%v\n", th, err)
		case ok:
			fmt.Fprintf(tw, "PASS\t%s\tactual %s\n", th, actual)
		default:
			failed = true
			fmt.Fprintf(tw, "FAIL\t%s\tactual %s\n", th, actual)
		}
	}
	tw.Flush()
	return failed
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
	counter := th.Metric
	if (th.Stat == "count" || th.Stat == "rate") && !n.HasMetric(th.Base) {
		counter = th.Base
	}
	if _, there := rep.Virtual.Counts[counter]; !there && n.InFamily(counter) {
		zero := *rep
		zero.Virtual.Counts = map[string]int64{counter: 0}
		return th.Eval(&zero)
	}
	if th.Stat != "" && n.HasMetric(th.Base) {
		if _, there := rep.Virtual.Metrics[th.Base]; !there {
			return false, "", fmt.Errorf("threshold %q: metric %q has no sample in this run", th.String(), th.Base)
		}
	}
	return th.Eval(rep)
}
