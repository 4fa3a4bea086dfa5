package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"sigsim/bench"
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
	bar := &sweepBar{}
	w, st := r.build(func(o workload.Options) (workload.Workload, []error) {
		r.hooks(&o)
		if file, ok := stderr.(*os.File); ok && r.f.progress {
			bar.file = file
		}
		wl, errs := build(o)
		sweep := d
		sweep.Workload, sweep.Progress = wl, bar.step
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
	bar.end(stderr)
	if st >= 0 {
		return st
	}
	return r.finish(rep, res)
}

// sweepBar draws a sweep's progress on a terminal: the points measured of
// the most the sweep may measure, the last one, their rate and the time
// left; anywhere else it stays silent but for its last line.
type sweepBar struct {
	file *os.File // the terminal, if any
	bar  *bench.Progress
	t0   time.Time
	done int
}

func (b *sweepBar) step(s workload.CapacityStep) {
	if b.bar == nil {
		b.t0 = time.Now()
		b.bar = bench.NewProgressOf(int64(s.Most), fmt.Sprintf("capacity: at most %d points", s.Most), "points", b.file)
	}
	if s.Done == 0 {
		return
	}
	b.done = s.Done
	p := s.Point
	verdict := "no data"
	switch {
	case p.NoData:
	case p.OK:
		verdict = "p99 " + time.Duration(p.P99NS).Round(time.Millisecond).String() + " ok"
	default:
		verdict = "p99 " + time.Duration(p.P99NS).Round(time.Millisecond).String() + " broke the SLO"
	}
	b.bar.Describe(fmt.Sprintf("capacity: %s at %s/s %s", bench.ShardsLabel(p.Shards), bench.FormatRate(p.Rate), verdict))
	b.bar.Add(1)
}

// end clears the bar and prints, terminal or not, how many points the
// sweep measured in how long.
func (b *sweepBar) end(w io.Writer) {
	if b.bar == nil {
		return
	}
	b.bar.Finish()
	fmt.Fprintf(w, "sigbench capacity: %d points in %s\n", b.done, time.Since(b.t0).Round(time.Millisecond))
}
