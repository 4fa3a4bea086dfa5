package main

import (
	"fmt"
	"strings"

	"sigsim/bench"
)

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
