package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sync/errgroup"

	"sigsim/bench"
)

// capacityOptions: sweep the arrival rate of a rated workload (and
// optionally the shard count) and find the knee where an SLO on a p99
// breaks. Each point is an independent run with the same seed; shard counts
// run in parallel (parallelism between runs, never inside one).
type capacityOptions struct {
	workload string
	slo      string
	rates    string
	factor   float64
	steps    int
	refine   int
	shards   string

	metric     string
	sloNS      int64
	rateList   []float64
	shardsList []int
}

// capacityWorkloads are the workloads capacity can sweep.
var capacityWorkloads = []string{"calls", "mass-timeout", "race"}

// cloner is a rated workload that can be copied for an independent run.
func cloneRated(wl rated) rated {
	switch w := wl.(type) {
	case *callsWorkload:
		cp := *w
		return &cp
	case *massTimeoutWorkload:
		cp := *w
		return &cp
	case *raceWorkload:
		cp := *w
		return &cp
	}
	panic("capacity: workload cannot be cloned")
}

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

func runCapacity(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	name := scanWorkload(args)
	found := false
	for _, n := range capacityWorkloads {
		found = found || n == name
	}
	if !found {
		fmt.Fprintf(stderr, "sigbench capacity: --workload %q: want one of %s\n\n", name, strings.Join(capacityWorkloads, ", "))
		usage(stderr)
		return exitUsage
	}
	wl := findWorkload(name).(rated)
	c := &common{ctx: ctx}
	o := &capacityOptions{}
	fs := newFlagSet("sigbench capacity")
	// The flags below depend on the workload: --help shows the swept one's.
	fs.StringVar(&o.workload, "workload", name, "the workload to sweep: "+strings.Join(capacityWorkloads, ", ")+" (its flags apply; default calls)")
	fs.StringVar(&o.slo, "slo", "ring.p99<200ms", "the objective: METRIC.p99<DURATION")
	fs.StringVar(&o.rates, "rates", "", "comma-separated rates to run (default: from --rate, times --factor until the SLO breaks, then --refine bisections)")
	fs.Float64Var(&o.factor, "factor", 2, "rate multiplier between sweep steps (> 1)")
	fs.IntVar(&o.steps, "steps", 12, "most rates tried before the SLO breaks")
	fs.IntVar(&o.refine, "refine", 4, "bisection steps between the last good and the first bad rate")
	fs.StringVar(&o.shards, "shards-list", "", "comma-separated shard counts to sweep (default: --shards)")
	c.register(fs, wl)
	wl.register(fs)
	synopsis := "sigbench capacity [--workload " + name + "] [--slo 'ring.p99<200ms'] [--rates R1,R2,...] [--shards-list 1,2,4] [" + name + " flags]"
	if st := parseWorkloadFlags(fs, args, synopsis, c, wl, stdout, stderr); st >= 0 {
		return st
	}
	if err := o.check(c); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", fs.Name(), err)
		return exitUsage
	}
	c.names = capacityNames(wl, c)
	if !c.names.HasMetric(o.metric) {
		fmt.Fprintf(stderr, "%s: --slo: workload %s has no metric %q; it has %s\n", fs.Name(), wl.name(), o.metric, strings.Join(c.names.Metrics, ", "))
		return exitUsage
	}
	if err := checkThresholds(c.ths, c.names); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", fs.Name(), err)
		return exitUsage
	}
	if err := c.checkOutputs(); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", fs.Name(), err)
		return exitUsage
	}
	c.command = commandLine("capacity", fs)
	hdr := header(wl, c)
	hdr.Workload = "capacity:" + wl.name()
	hdr.Options = append(hdr.Options,
		bench.Option{Key: "slo", Value: o.slo},
		bench.Option{Key: "rates", Value: orAuto(o.rates)},
		bench.Option{Key: "factor", Value: fmtFloat(o.factor)},
		bench.Option{Key: "steps", Value: strconv.Itoa(o.steps)},
		bench.Option{Key: "refine", Value: strconv.Itoa(o.refine)},
		bench.Option{Key: "shards-list", Value: intList(o.shardsList)})
	fmt.Fprintf(stderr, "sigbench capacity: %s\n", describeOptions(hdr.Options))

	stop, err := startProfile(c)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", fs.Name(), err)
		return exitUsage
	}
	capa, best, wall, violation, interrupted, err := o.sweep(wl, c, stderr)
	if perr := stop(); err == nil && perr != nil {
		err = perr
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", fs.Name(), err)
		return exitUsage
	}
	res := best
	if res == nil {
		res = &result{m: bench.NewMetrics()}
	}
	res.violation = violation
	res.interrupted = interrupted
	rep := res.m.Report(hdr)
	rep.Capacity = capa
	capacityCounts(rep.Virtual.Counts, capa)
	w := wall.Wall()
	rep.Wall = &w
	res.notes = append(capacityNotes(capa, o.slo, best != nil), res.notes...)
	return finish(rep, res, c, stdout, stderr)
}

// capacityCounts adds the sweep's verdict to the counters, where
// thresholds find it: capacity.points, capacity.max_rate_per_shard,
// capacity.knee_rate (only when the SLO broke somewhere), and per shard
// count N capacity.shards_N.held_rate, .max_rate_per_shard and .knee_rate
// (only when it broke there). Rates are floored to whole invitations/s.
func capacityCounts(counts map[string]int64, capa *bench.Capacity) {
	counts["capacity.points"] = int64(len(capa.Points))
	counts["capacity.max_rate_per_shard"] = int64(math.Floor(capa.MaxRatePerShard))
	if capa.KneeRate > 0 {
		counts["capacity.knee_rate"] = int64(math.Floor(capa.KneeRate))
	}
	for _, s := range capa.PerShards {
		pfx := "capacity.shards_" + strconv.Itoa(s.Shards) + "."
		counts[pfx+"held_rate"] = int64(math.Floor(s.HeldTo))
		counts[pfx+"max_rate_per_shard"] = int64(math.Floor(s.MaxRatePerShard))
		if k := s.Knee(); k > 0 {
			counts[pfx+"knee_rate"] = int64(math.Floor(k))
		}
	}
}

// capacityNotes states the verdict per shard count, and which run the
// latency and counts of the report are of.
func capacityNotes(capa *bench.Capacity, slo string, haveBest bool) []string {
	var notes []string
	for _, s := range capa.PerShards {
		notes = append(notes, "SLO "+slo+", "+s.Verdict())
	}
	if haveBest {
		notes = append(notes, "the latency and counts of this report are those of the run at the highest rate per shard that met the SLO")
	} else {
		notes = append(notes, "no run met the SLO: the report has no latency or counts of a run")
	}
	return notes
}

// capacityNames is what a capacity report holds: the swept workload's
// names (its latency and counts are those of one run) and the capacity
// counters.
func capacityNames(wl workload, c *common) bench.Names {
	n := names(wl, c)
	n.Counts = append(n.Counts, "capacity.points", "capacity.max_rate_per_shard")
	n.Families = append(n.Families, "capacity.")
	return n
}

func orAuto(s string) string {
	if s == "" {
		return "auto"
	}
	return s
}

func intList(l []int) string {
	s := make([]string, len(l))
	for i, v := range l {
		s[i] = strconv.Itoa(v)
	}
	return strings.Join(s, ",")
}

func (o *capacityOptions) check(c *common) error {
	var errs []error
	th, err := bench.ParseThreshold(o.slo)
	switch {
	case err != nil:
		errs = append(errs, fmt.Errorf("--slo: %v", err))
	case !strings.HasSuffix(th.Metric, ".p99") || !th.Duration || (th.Op != "<" && th.Op != "<="):
		errs = append(errs, fmt.Errorf("--slo %q: want METRIC.p99<DURATION (or <=), e.g. ring.p99<200ms", o.slo))
	default:
		o.metric = strings.TrimSuffix(th.Metric, ".p99")
		o.sloNS = int64(th.Value)
		if th.Op == "<" {
			o.sloNS--
		}
	}
	if !(o.factor > 1) {
		errs = append(errs, fmt.Errorf("--factor %v must be > 1", o.factor))
	}
	if o.steps < 1 || o.refine < 0 {
		errs = append(errs, fmt.Errorf("--steps %d must be >= 1 and --refine %d >= 0", o.steps, o.refine))
	}
	if o.rates != "" {
		for _, s := range strings.Split(o.rates, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil || !(v > 0) {
				errs = append(errs, fmt.Errorf("--rates: %q is not a rate > 0", s))
				continue
			}
			o.rateList = append(o.rateList, v)
		}
	}
	o.shardsList = nil
	if o.shards == "" {
		o.shardsList = []int{c.shards}
	} else {
		for _, s := range strings.Split(o.shards, ",") {
			v, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || v < 1 || v > 1<<16 {
				errs = append(errs, fmt.Errorf("--shards-list: %q is not a shard count in 1..65536", s))
				continue
			}
			o.shardsList = append(o.shardsList, v)
		}
	}
	return errors.Join(errs...)
}

// point runs the workload once at a rate on a shard count. stop, if set,
// says why the sweep cannot go on past this point (no sample of the SLO's
// metric, or the user population ran out).
func (o *capacityOptions) point(wl rated, c *common, shards int, rate float64) (p bench.CapacityPoint, res *result, stop string, err error) {
	cc := *c
	cc.shards = shards
	cc.out, cc.json, cc.ths = "", false, nil
	cc.progress = false
	cc.memProfile = "" // runs in parallel: the profile is the whole sweep's
	w := cloneRated(wl)
	w.setRate(rate)
	if err := w.check(&cc); err != nil {
		return bench.CapacityPoint{}, nil, "", err
	}
	if err := cc.finishCheck(w); err != nil {
		return bench.CapacityPoint{}, nil, "", fmt.Errorf("at %s/s on %s: %w", fmtFloat(rate), bench.ShardsLabel(shards), err)
	}
	res, err = execute(w, &cc, io.Discard)
	if err != nil {
		return bench.CapacityPoint{}, nil, "", err
	}
	p = bench.CapacityPoint{Rate: rate, Shards: shards}
	if s, ok := res.m.Summary(o.metric); ok && s.Count > 0 {
		p.P99NS = s.P99NS
		p.OK = s.P99NS <= o.sloNS
	} else {
		// No sample: nothing to judge the SLO by. Not a latency, and not
		// a broken SLO either.
		p.NoData = true
		return p, res, fmt.Sprintf("%s had no sample at %s/s", o.metric, fmtFloat(rate)), nil
	}
	// Callers stay engaged while the system is slow: past the knee, idle
	// callers run out. Within the SLO that means the population, not the
	// system, limits the rate: the sweep cannot go on.
	if dropped, ok := res.m.Counter(prefixOf(o.metric) + "arrivals.no_idle_caller"); ok && p.OK {
		placed, _ := res.m.Counter(prefixOf(o.metric) + "calls")
		if float64(dropped) > 0.01*float64(dropped+placed) {
			return p, res, fmt.Sprintf("the user population ran out at %s/s: %d of %d arrivals found no idle caller (raise --users or lower --talk-time)",
				fmtFloat(rate), dropped, dropped+placed), nil
		}
	}
	return p, res, "", nil
}

// sweep runs every shard count's sequence of rates; shard counts in parallel.
// An interrupt (c.ctx done) ends every sequence: the point it cut short is
// left out, the points measured before it are kept, and interrupted says
// where it happened.
func (o *capacityOptions) sweep(wl rated, c *common, stderr io.Writer) (capa *bench.Capacity, best *result, wall bench.WallInput, violation string, interrupted *bench.Interrupted, err error) {
	type run struct {
		points  []bench.CapacityPoint
		best    *result
		bestR   float64
		wall    bench.WallInput
		limited string // why the sweep stopped short, if it did
		// violation is the first server-mode invariant violation of any
		// point (the report's run is only one of them).
		violation string
		// interrupted: an interrupt cut a point short (it is left out).
		interrupted *bench.Interrupted
	}
	runs := make([]run, len(o.shardsList))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, shards := range o.shardsList {
		g.Go(func() error {
			r := &runs[i]
			// try measures one point; a point that ends the sweep (no
			// data, the population ran out) is kept, with the reason.
			try := func(rate float64) (bool, error) {
				p, res, stop, err := o.point(wl, c, shards, rate)
				if err != nil {
					return false, err
				}
				if res.interrupted != nil {
					r.interrupted = res.interrupted
					r.interrupted.Detail = fmt.Sprintf("in the point at %s/s on %s, left out of the sweep", fmtFloat(rate), bench.ShardsLabel(shards))
					return false, errStop
				}
				r.limited = stop
				if res.violation != "" && r.violation == "" {
					r.violation = fmt.Sprintf("at %s/s on %s: %s", fmtFloat(rate), bench.ShardsLabel(shards), res.violation)
				}
				r.points = append(r.points, p)
				wi := res.wall
				r.wall.WallNS += wi.WallNS
				r.wall.VirtualNS += wi.VirtualNS
				r.wall.Events += wi.Events
				r.wall.Invitations += wi.Invitations
				r.wall.PeakHeapBytes = max(r.wall.PeakHeapBytes, wi.PeakHeapBytes)
				r.wall.PeakLiveInvitations = max(r.wall.PeakLiveInvitations, wi.PeakLiveInvitations)
				if p.OK && rate > r.bestR {
					r.best, r.bestR = res, rate
				}
				if stop != "" {
					return false, errStop
				}
				return p.OK, nil
			}
			if len(o.rateList) > 0 {
				for _, rate := range o.rateList {
					if _, err := try(rate); err == errStop {
						return nil
					} else if err != nil {
						return err
					}
				}
				return nil
			}
			good, bad := 0.0, 0.0
			rate := wl.rate()
			for range o.steps {
				ok, err := try(rate)
				if err == errStop {
					return nil
				} else if err != nil {
					return err
				}
				if ok {
					good = rate
					if bad > 0 {
						break
					}
					rate *= o.factor
				} else {
					bad = rate
					if good > 0 {
						break
					}
					rate /= o.factor
				}
			}
			for range o.refine {
				if good == 0 || bad == 0 {
					break
				}
				mid := roundSig((good+bad)/2, 3)
				if mid <= good || mid >= bad {
					break
				}
				ok, err := try(mid)
				if err == errStop {
					return nil
				} else if err != nil {
					return err
				}
				if ok {
					good = mid
				} else {
					bad = mid
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, bench.WallInput{}, "", nil, err
	}
	capa = &bench.Capacity{Metric: o.metric, SLO: strings.TrimPrefix(o.slo, o.metric+"."), SLONS: o.sloNS}
	bestPerShard := 0.0
	for i, r := range runs {
		if violation == "" {
			violation = r.violation
		}
		if interrupted == nil {
			interrupted = r.interrupted
		}
		if r.limited != "" {
			capa.SetStopped(o.shardsList[i], r.limited)
		}
		capa.Points = append(capa.Points, r.points...)
		wall.WallNS += r.wall.WallNS
		wall.VirtualNS += r.wall.VirtualNS
		wall.Events += r.wall.Events
		wall.Invitations += r.wall.Invitations
		wall.PeakHeapBytes = max(wall.PeakHeapBytes, r.wall.PeakHeapBytes)
		wall.PeakLiveInvitations = max(wall.PeakLiveInvitations, r.wall.PeakLiveInvitations)
		if r.best != nil && r.bestR/float64(o.shardsList[i]) > bestPerShard {
			best, bestPerShard = r.best, r.bestR/float64(o.shardsList[i])
		}
	}
	capa.Analyze()
	return capa, best, wall, violation, interrupted, nil
}

// errStop ends a shard count's sweep early without failing it.
var errStop = errors.New("stop")

// prefixOf is the mode prefix of a metric name ("server." of "server.ring").
func prefixOf(metric string) string {
	for _, p := range []string{"server.", "client."} {
		if strings.HasPrefix(metric, p) {
			return p
		}
	}
	return ""
}

// roundSig rounds v to n significant digits.
func roundSig(v float64, n int) float64 {
	if v == 0 {
		return 0
	}
	p := math.Pow(10, float64(n)-math.Ceil(math.Log10(math.Abs(v))))
	return math.Round(v*p) / p
}

// runCompare: sigbench compare OLD.json NEW.json [--threshold EXPR]...
func runCompare(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sigbench compare")
	var thresholds []string
	fs.StringArrayVar(&thresholds, "threshold", nil, "pass/fail condition on NEW, such as 'ring.p99<250ms' or 'anomalies==0'; repeatable")
	if st := parseFlags(fs, args, "sigbench compare OLD.json NEW.json [--threshold EXPR]...", stdout, stderr); st >= 0 {
		return st
	}
	if fs.NArg() != 2 {
		fmt.Fprintf(stderr, "sigbench compare: want two reports, OLD.json and NEW.json; got %d arguments\n", fs.NArg())
		return exitUsage
	}
	var ths []bench.Threshold
	for _, s := range thresholds {
		th, err := bench.ParseThreshold(s)
		if err != nil {
			fmt.Fprintf(stderr, "sigbench compare: --threshold: %v\n", err)
			return exitUsage
		}
		ths = append(ths, th)
	}
	var reps [2]*bench.Report
	for i := range reps {
		p := fs.Arg(i)
		r, err := bench.ReadReport(p)
		switch {
		case err != nil:
		case bench.Incomplete(p):
			err = fmt.Errorf("%s: its folder is marked %s: sigbench stopped while writing it, so its files may not belong together", p, bench.ReportIncomplete)
		case r.Interrupted != nil:
			err = fmt.Errorf("%s is a partial report (%s): its numbers cover part of a run and compare with nothing", p, r.Interrupted)
		}
		if err != nil {
			fmt.Fprintf(stderr, "sigbench compare: %v\n", err)
			return exitUsage
		}
		reps[i] = r
	}
	old, cur := reps[0], reps[1]
	if err := checkThresholds(ths, bench.NamesOf(cur)); err != nil {
		fmt.Fprintf(stderr, "sigbench compare: %v (in %s)\n", err, fs.Arg(1))
		return exitUsage
	}
	text, failed := bench.Compare(old, cur, ths)
	fmt.Fprint(stdout, text)
	if failed {
		return exitFail
	}
	return exitOK
}
