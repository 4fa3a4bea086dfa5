package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"sigsim/bench"
)

// runCompare: sigbench compare OLD.json NEW.json [--threshold EXPR]...
// [--percentiles LIST] [--allow-option-diff]. Reports of runs that
// measured different things (another workload, other options) are refused
// with the list of what differs, unless --allow-option-diff.
func runCompare(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sigbench compare")
	var thresholds []string
	var pcts string
	var allow bool
	fs.StringArrayVar(&thresholds, "threshold", nil, "pass/fail condition on NEW, such as 'ring.p(99)<250ms' or 'anomalies==0'; repeatable")
	fs.StringVar(&pcts, "percentiles", "50,90,99,99.9", "percentiles to compare, any from 0 to 100 (read from the reports' HDR histograms)")
	fs.BoolVar(&allow, "allow-option-diff", false, "compare reports whose workload or options differ (the differences are listed first)")
	const synopsis = "sigbench compare OLD.json NEW.json [--threshold EXPR]... [--percentiles 50,95,99.9] [--allow-option-diff]"
	if st := parseFlags(fs, args, synopsis, stdout, stderr); st >= 0 {
		return st
	}
	if fs.NArg() != 2 {
		return usageError(fs, synopsis, stderr, "want two reports, OLD.json and NEW.json; got %d arguments", fs.NArg())
	}
	ths, err := parseThresholds(thresholds)
	if err != nil {
		fmt.Fprintf(stderr, "sigbench compare: %v\n", err)
		return exitUsage
	}
	o := bench.CompareOptions{Thresholds: ths}
	for _, s := range strings.Split(pcts, ",") {
		p, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || !(p >= 0 && p <= 100) {
			return usageError(fs, synopsis, stderr, "--percentiles: %q is not a percentile in 0..100", s)
		}
		o.Percentiles = append(o.Percentiles, p)
	}
	reps, st := readReports(fs.Args(), stderr, "compare")
	if st >= 0 {
		return st
	}
	old, cur := reps[0], reps[1]
	if err := checkThresholds(ths, bench.NamesOf(cur)); err != nil {
		fmt.Fprintf(stderr, "sigbench compare: %v (in %s)\n", err, fs.Arg(1))
		return exitUsage
	}
	if diff := bench.OptionDiff(old, cur); len(diff) > 0 && !allow {
		fmt.Fprintf(stderr, "sigbench compare: the two reports measured different things, so their numbers do not compare:\n")
		for _, d := range diff {
			fmt.Fprintf(stderr, "  %s\n", d)
		}
		fmt.Fprintf(stderr, "Run NEW with OLD's command (report.md, \"Reproduce with\"), or add --allow-option-diff to compare them anyway.\n")
		return exitUsage
	}
	text, failed := bench.Compare(old, cur, o)
	fmt.Fprint(stdout, text)
	if failed {
		return exitFail
	}
	return exitOK
}

// runMerge: sigbench merge REPORT.json... [--out DIR] [--json]: the report
// of several seeds of one experiment, their histograms merged.
func runMerge(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sigbench merge")
	var out string
	var thresholds []string
	fs.StringVar(&out, "out", "", "write the merged report.json and report.md into this directory")
	fs.StringArrayVar(&thresholds, "threshold", nil, "pass/fail condition on the merged report, such as 'ring.p(99.9)<1s'; repeatable")
	const synopsis = "sigbench merge REPORT.json REPORT.json... [--out DIR] [--threshold EXPR]...   (runs of one experiment with different seeds)"
	if st := parseFlags(fs, args, synopsis, stdout, stderr); st >= 0 {
		return st
	}
	if fs.NArg() < 2 {
		return usageError(fs, synopsis, stderr, "want at least two reports; got %d", fs.NArg())
	}
	ths, err := parseThresholds(thresholds)
	if err == nil && out != "" {
		err = checkOutDir(out)
	}
	if err != nil {
		fmt.Fprintf(stderr, "sigbench merge: %v\n", err)
		return exitUsage
	}
	reps, st := readReports(fs.Args(), stderr, "merge")
	if st >= 0 {
		return st
	}
	m, err := bench.MergeReports(reps)
	if err == nil {
		err = checkThresholds(ths, bench.NamesOf(m))
	}
	if err != nil {
		fmt.Fprintf(stderr, "sigbench merge: %v\n", err)
		return exitUsage
	}
	if out != "" {
		if err := bench.WriteReport(out, m, nil); err != nil {
			fmt.Fprintf(stderr, "sigbench merge: --out: %v\n", err)
			return exitUsage
		}
	}
	js, err := m.JSON()
	if err != nil {
		fmt.Fprintf(stderr, "sigbench merge: %v\n", err)
		return exitUsage
	}
	if out == "" {
		stdout.Write(js)
	}
	if printThresholds(stderr, ths, func(th bench.Threshold) (bool, string, error) { return th.Eval(m) }) {
		return exitFail
	}
	return exitOK
}

// readReports reads the reports a command compares or merges; a partial
// one, or one whose folder is marked INCOMPLETE, is an input error.
func readReports(paths []string, stderr io.Writer, cmd string) ([]*bench.Report, int) {
	var reps []*bench.Report
	for _, p := range paths {
		r, err := bench.ReadReport(p)
		switch {
		case err != nil:
		case bench.Incomplete(p):
			err = fmt.Errorf("%s: its folder is marked %s: sigbench stopped while writing it, so its files may not belong together", p, bench.ReportIncomplete)
		case r.Interrupted != nil:
			err = fmt.Errorf("%s is a partial report (%s): its numbers cover part of a run and compare with nothing", p, r.Interrupted)
		}
		if err != nil {
			fmt.Fprintf(stderr, "sigbench %s: %v\n", cmd, err)
			return nil, exitUsage
		}
		reps = append(reps, r)
	}
	return reps, -1
}
