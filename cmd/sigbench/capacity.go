package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"sigsim/workload"
)

// scanWorkload finds --workload in args before the flags are defined (they
// depend on it).
func scanWorkload(args []string) string {
	name := "calls"
	for i, a := range args {
		if a == "--" {
			break
		}
		if v, ok := strings.CutPrefix(a, "--workload="); ok {
			name = v
		} else if a == "--workload" && i+1 < len(args) {
			name = args[i+1]
		}
	}
	return name
}

// runCapacity: sigbench capacity [--workload W] [capacity flags] [W's flags].
func runCapacity(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var sweepable []string
	for _, c := range commands {
		if c.sweepable {
			sweepable = append(sweepable, c.name)
		}
	}
	name := scanWorkload(args)
	c := findCommand(name)
	if c == nil || !c.sweepable {
		fmt.Fprintf(stderr, "sigbench capacity: --workload %q: want one of %s\n\n", name, strings.Join(sweepable, ", "))
		usage(stderr)
		return exitUsage
	}
	r := &runner{fs: newFlagSet("sigbench capacity"), f: &runFlags{}, stdout: stdout, stderr: stderr}
	fs := r.fs
	d := workload.Capacity{}.WithDefaults()
	var rates, shards string
	// The flags below depend on the workload: --help shows the swept one's.
	fs.StringVar(&name, "workload", name, "the workload to sweep: "+strings.Join(sweepable, ", ")+" (its flags apply; default calls)")
	fs.StringVar(&d.SLO, "slo", d.SLO, "the objective: METRIC.p99<DURATION")
	fs.StringVar(&rates, "rates", "", "comma-separated rates to run (default: from --rate, times --factor until the SLO breaks, then --refine bisections)")
	fs.Float64Var(&d.Factor, "factor", d.Factor, "rate multiplier between sweep steps (> 1)")
	fs.IntVar(&d.Steps, "steps", d.Steps, "most rates tried before the SLO breaks")
	fs.IntVar(&d.Refine, "refine", 4, "bisection steps between the last good and the first bad rate")
	fs.StringVar(&shards, "shards-list", "", "comma-separated shard counts to sweep (default: --shards)")
	r.f.register(fs, c.defaults())
	build := c.flags(fs)
	synopsis := "sigbench capacity [--workload " + name + "] [--slo 'ring.p99<200ms'] [--rates R1,R2,...] [--shards-list 1,2,4] [" + name + " flags]"
	if st := parseFlags(fs, args, synopsis, stdout, stderr); st >= 0 {
		return st
	}
	w, st := r.build(func(o workload.Options) (workload.Workload, []error) {
		r.hooks(&o)
		wl, errs := build(o)
		sweep := d
		sweep.Workload = wl
		if rates != "" {
			for _, s := range strings.Split(rates, ",") {
				v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
				if err != nil || !(v > 0) {
					errs = append(errs, fmt.Errorf("--rates: %q is not a rate > 0", s))
					continue
				}
				sweep.Rates = append(sweep.Rates, v)
			}
		}
		if shards != "" {
			for _, s := range strings.Split(shards, ",") {
				v, err := strconv.Atoi(strings.TrimSpace(s))
				if err != nil || v < 1 || v > 1<<16 {
					errs = append(errs, fmt.Errorf("--shards-list: %q is not a shard count in 1..65536", s))
					continue
				}
				sweep.ShardsList = append(sweep.ShardsList, v)
			}
		}
		return sweep, errs
	})
	if st >= 0 {
		return st
	}
	rep, res, st := r.execute(ctx, "capacity", w)
	if st >= 0 {
		return st
	}
	return r.finish(rep, res)
}
