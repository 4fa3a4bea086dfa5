package workload

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"sigsim/bench"
)

// Capacity sweeps the arrival rate of a workload (and, if asked, the shard
// count) and finds the knee where a service-level objective on a p99
// breaks. Each point is an independent run of the workload with the same
// seed; the shard counts are swept in parallel (between runs, never inside
// one). Without Rates, each shard count starts at the workload's rate and
// multiplies or divides it by Factor until the SLO changes verdict (at
// most Steps runs), then bisects Refine times between the last good and
// the first bad rate.
//
// Its Result's Metrics are those of the run at the highest rate per shard
// that met the SLO (none if no run did), with the counters
// capacity.points, capacity.max_rate_per_shard, capacity.knee_rate (when
// the SLO broke somewhere) and per shard count N
// capacity.shards_N.held_rate, .max_rate_per_shard and .knee_rate; its
// Capacity holds every point and the verdict per shard count.
type Capacity struct {
	// Workload is the workload swept (nil: Calls{}): Calls or Race with
	// Poisson arrivals, or MassTimeout (whose Invitations then follow the
	// rate over its window). Its Shards is the shard count swept unless
	// ShardsList is set; its Progress and AtLoadEnd are not called.
	Workload Workload
	// SLO is the objective, METRIC.p99<DURATION or METRIC.p99<=DURATION
	// ("": ring.p99<200ms).
	SLO string
	// Rates are the rates to run, per second, instead of a search.
	Rates []float64
	// Factor is the rate multiplier between two steps of the search, > 1
	// (0: 2); Steps the most rates tried before the SLO changes verdict
	// (0: 12); Refine the bisections after it did (zero: none).
	Factor float64
	Steps  int
	Refine int
	// ShardsList are the shard counts to sweep (nil: the workload's).
	ShardsList []int
	// Progress, if set, is told when the sweep starts (Done 0, no
	// Point) and of each point measured. It is called from the sweep of
	// each shard count, one call at a time.
	Progress func(CapacityStep)
}

// CapacityStep is a point of a sweep just measured.
type CapacityStep struct {
	// Point is the point measured (none when Done is 0).
	Point bench.CapacityPoint
	// Done is the number of points measured so far over every shard
	// count, Most the most a sweep with these options measures.
	Done, Most int
	// Wall is the wall time the point took.
	Wall time.Duration
}

// Name is "capacity:" and the swept workload's name.
func (c Capacity) Name() string {
	if c.Workload == nil {
		return "capacity:calls"
	}
	return "capacity:" + c.Workload.Name()
}

// WithDefaults returns c with each zero option that stands for a default
// set to it (the workload's are its own).
func (c Capacity) WithDefaults() Capacity {
	if c.Workload == nil {
		c.Workload = Calls{}
	}
	if c.SLO == "" {
		c.SLO = "ring.p99<200ms"
	}
	if c.Factor == 0 {
		c.Factor = 2
	}
	if c.Steps == 0 {
		c.Steps = 12
	}
	return c
}

// Validate reports every problem of the options and the workload's.
func (c Capacity) Validate() error {
	_, err := c.prepare(false)
	return err
}

// rated is a settled workload whose load is an arrival rate.
type rated interface {
	settled
	// rate is the workload's rate, and whether a sweep can change it.
	rate() (float64, bool)
	// withRate returns a copy of the workload at rate r.
	withRate(r float64) Workload
}

// sweep is a capacity sweep whose options are settled.
type sweep struct {
	c      Capacity
	base   rated
	metric string // the SLO's metric, e.g. "ring"
	sloNS  int64  // the highest p99 that meets it
	// pointNS and warmupNS are the load and the warm-up of each point.
	pointNS, warmupNS int64
}

func (c Capacity) prepare(exact bool) (*Prepared, error) {
	if !exact {
		c = c.WithDefaults()
	}
	if c.Workload == nil {
		return nil, optionErrorf("%s: none", Key("workload"))
	}
	base, err := c.Workload.prepare(exact)
	if err != nil {
		return nil, err
	}
	s := &sweep{c: c}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, optionErrorf(format, args...)) }
	if base.job == nil {
		return nil, optionErrorf("%s %s cannot be swept: it is a sweep", Key("workload"), c.Workload.Name())
	}
	if r, ok := base.job.w.(rated); !ok {
		bad("%s %s cannot be swept: it has no arrival rate", Key("workload"), c.Workload.Name())
	} else if _, ok := r.rate(); !ok {
		bad("%s %s follows a load profile (%s): a sweep changes a constant rate; leave the profile out", Key("workload"), c.Workload.Name(), Key("stages"))
	} else {
		s.base = r
	}
	th, err := bench.ParseThreshold(c.SLO)
	switch {
	case err != nil:
		bad("%s: %v", Key("slo"), err)
	case !strings.HasSuffix(th.Metric, ".p99") || !th.Duration || (th.Op != "<" && th.Op != "<="):
		bad("%s %q: want METRIC.p99<DURATION (or <=), e.g. ring.p99<200ms", Key("slo"), c.SLO)
	default:
		s.metric = strings.TrimSuffix(th.Metric, ".p99")
		s.sloNS = int64(th.Value)
		if th.Op == "<" {
			s.sloNS--
		}
	}
	if !(c.Factor > 1) {
		bad("%s %v must be > 1", Key("factor"), c.Factor)
	}
	if c.Steps < 1 || c.Refine < 0 {
		bad("%s %d must be >= 1 and %s %d >= 0", Key("steps"), c.Steps, Key("refine"), c.Refine)
	}
	for _, r := range c.Rates {
		if !(r > 0) || r > MaxRate {
			bad("%s: %q is not a rate > 0", Key("rates"), fmtFloat(r))
		}
	}
	if c.ShardsList == nil {
		c.ShardsList = []int{base.job.o.Shards}
	}
	for _, n := range c.ShardsList {
		if n < 1 || n > 1<<16 {
			bad("%s: %q is not a shard count in 1..65536", Key("shards-list"), strconv.Itoa(n))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	s.c = c
	n := base.Names()
	n.Counts = append(n.Counts, "capacity.points", "capacity.max_rate_per_shard")
	n.Families = append(n.Families, "capacity.")
	if !n.HasMetric(s.metric) {
		return nil, optionErrorf("%s: workload %s has no metric %q; it has %s", Key("slo"), c.Workload.Name(), s.metric, strings.Join(n.Metrics, ", "))
	}
	h := base.Header()
	h.Workload = c.Name()
	// The header describes the sweep, not one run of it: the swept
	// workload's rate is where the search starts (or nothing, with
	// Rates), and its shard count is the list swept.
	var opts []bench.Option
	for _, o := range h.Options {
		switch o.Key {
		case "shards":
			continue
		case "rate":
			if c.Rates != nil {
				continue
			}
			o.Key = "start-rate"
		case "duration":
			o.Key = "duration-per-point"
		}
		opts = append(opts, o)
	}
	h.Options = append(opts,
		bench.Option{Key: "slo", Value: c.SLO},
		bench.Option{Key: "rates", Value: rateList(c.Rates)},
		bench.Option{Key: "factor", Value: fmtFloat(c.Factor)},
		bench.Option{Key: "steps", Value: strconv.Itoa(c.Steps)},
		bench.Option{Key: "refine", Value: strconv.Itoa(c.Refine)},
		bench.Option{Key: "shards-list", Value: intList(c.ShardsList)})
	s.pointNS, s.warmupNS = int64(base.job.o.Duration), int64(base.warmup)
	return &Prepared{header: h, names: n, run: s.run, warmup: base.warmup}, nil
}

func rateList(l []float64) string {
	if l == nil {
		return "auto"
	}
	s := make([]string, len(l))
	for i, v := range l {
		s[i] = fmtFloat(v)
	}
	return strings.Join(s, ",")
}

func intList(l []int) string {
	s := make([]string, len(l))
	for i, v := range l {
		s[i] = strconv.Itoa(v)
	}
	return strings.Join(s, ",")
}

// point runs the workload once at a rate on a shard count. stop, if set,
// says why the sweep cannot go on past this point (no sample of the SLO's
// metric, or the user population ran out).
func (s *sweep) point(ctx context.Context, shards int, rate float64) (p bench.CapacityPoint, res *Result, stop string, err error) {
	w := s.base.withRate(rate)
	o := w.(settled).options()
	o.Shards = shards
	// Points run in parallel: a progress bar or a heap profile is the
	// whole sweep's.
	o.Progress, o.AtLoadEnd = nil, nil
	pr, err := w.prepare(true)
	if err != nil {
		return bench.CapacityPoint{}, nil, "", optionErrorf("at %s/s on %s: %v", fmtFloat(rate), bench.ShardsLabel(shards), err)
	}
	if res, err = pr.Run(ctx); err != nil {
		return bench.CapacityPoint{}, nil, "", err
	}
	p = bench.CapacityPoint{Rate: rate, Shards: shards}
	if sum, ok := res.Metrics.Summary(s.metric); ok && sum.Count > 0 {
		p.P99NS = sum.P99NS
		p.OK = sum.P99NS <= s.sloNS
	} else {
		// No sample: nothing to judge the SLO by. Not a latency, and not
		// a broken SLO either.
		p.NoData = true
		return p, res, fmt.Sprintf("%s had no sample at %s/s", s.metric, fmtFloat(rate)), nil
	}
	// Callers stay engaged while the system is slow: past the knee, idle
	// callers run out. Within the SLO that means the population, not the
	// system, limits the rate: the sweep cannot go on.
	pfx := modePrefix(s.metric)
	if dropped, ok := res.Metrics.Counter(pfx + "arrivals.no_idle_caller"); ok && p.OK {
		placed, _ := res.Metrics.Counter(pfx + "calls")
		if float64(dropped) > 0.01*float64(dropped+placed) {
			return p, res, optionErrorf("the user population ran out at %s/s: %d of %d arrivals found no idle caller (raise %s or lower %s)",
				fmtFloat(rate), dropped, dropped+placed, Key("users"), Key("talk-time")).Spell(s.base.options().Spell), nil
		}
	}
	return p, res, "", nil
}

// run sweeps every shard count's sequence of rates; shard counts in
// parallel. An interrupt (ctx done) ends every sequence: the point it cut
// short is left out, the points measured before it are kept, and the
// result's Interrupted says where it happened.
func (s *sweep) run(ctx context.Context) (*Result, error) {
	type run struct {
		points  []bench.CapacityPoint
		best    *Result
		bestR   float64
		wall    bench.WallInput
		limited string // why the sweep stopped short, if it did
		// violation is the first server-mode invariant violation of any
		// point (the report's run is only one of them).
		violation string
		// interrupted: an interrupt cut a point short (it is left out).
		interrupted *bench.Interrupted
	}
	t0 := time.Now()
	c := s.c
	runs := make([]run, len(c.ShardsList))
	var mu sync.Mutex
	done, most := 0, len(c.Rates)*len(c.ShardsList)
	if c.Rates == nil {
		most = (c.Steps + c.Refine) * len(c.ShardsList)
	}
	if c.Progress != nil {
		c.Progress(CapacityStep{Most: most})
	}
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, shards := range c.ShardsList {
		g.Go(func() error {
			r := &runs[i]
			// try measures one point; a point that ends the sweep (no
			// data, the population ran out) is kept, with the reason.
			try := func(rate float64) (bool, error) {
				t0 := time.Now()
				p, res, stop, err := s.point(ctx, shards, rate)
				if err != nil {
					return false, err
				}
				if res.Interrupted != nil {
					r.interrupted = res.Interrupted
					r.interrupted.Detail = fmt.Sprintf("in the point at %s/s on %s, left out of the sweep", fmtFloat(rate), bench.ShardsLabel(shards))
					return false, errStop
				}
				r.limited = stop
				if res.Violation != "" && r.violation == "" {
					r.violation = fmt.Sprintf("at %s/s on %s: %s", fmtFloat(rate), bench.ShardsLabel(shards), res.Violation)
				}
				r.points = append(r.points, p)
				addWall(&r.wall, res.Wall)
				if p.OK && rate > r.bestR {
					r.best, r.bestR = res, rate
				}
				if c.Progress != nil {
					mu.Lock()
					done++
					c.Progress(CapacityStep{Point: p, Done: done, Most: most, Wall: time.Since(t0)})
					mu.Unlock()
				}
				if stop != "" {
					return false, errStop
				}
				return p.OK, nil
			}
			if len(c.Rates) > 0 {
				for _, rate := range c.Rates {
					if _, err := try(rate); err == errStop {
						return nil
					} else if err != nil {
						return err
					}
				}
				return nil
			}
			good, bad := 0.0, 0.0
			rate, _ := s.base.rate()
			for range c.Steps {
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
					rate *= c.Factor
				} else {
					bad = rate
					if good > 0 {
						break
					}
					rate /= c.Factor
				}
			}
			for range c.Refine {
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
		return nil, err
	}
	capa := &bench.Capacity{Metric: s.metric, SLO: strings.TrimPrefix(c.SLO, s.metric+"."), SLONS: s.sloNS,
		PointDurationNS: s.pointNS, WarmupNS: s.warmupNS}
	var best *Result
	var wall bench.WallInput
	var violation string
	var interrupted *bench.Interrupted
	bestPerShard, bestShards := 0.0, 0
	for i, r := range runs {
		if violation == "" {
			violation = r.violation
		}
		if interrupted == nil {
			interrupted = r.interrupted
		}
		if r.limited != "" {
			capa.SetStopped(c.ShardsList[i], r.limited)
		}
		capa.Points = append(capa.Points, r.points...)
		addWall(&wall, r.wall)
		if r.best != nil && r.bestR/float64(c.ShardsList[i]) > bestPerShard {
			best, bestPerShard, bestShards = r.best, r.bestR/float64(c.ShardsList[i]), c.ShardsList[i]
		}
	}
	// The sweep's wall time is the elapsed time, not the sum of its
	// points: shard counts run at once. Their heap is shared.
	wall.WallNS = time.Since(t0).Nanoseconds()
	wall.Parallel = len(c.ShardsList) > 1 && runtime.GOMAXPROCS(0) > 1
	capa.Analyze()
	if best != nil {
		capa.RunRate, capa.RunShards = bestPerShard*float64(bestShards), bestShards
	}
	res := &Result{Metrics: bench.NewMetrics()}
	if best != nil {
		res = best
	}
	res.Wall, res.Violation, res.Interrupted, res.Capacity = wall, violation, interrupted, capa
	res.Notes = append(capacityNotes(capa, c.SLO, best != nil), res.Notes...)
	capacityCounts(res.Metrics, capa)
	return res, nil
}

// addWall adds a run's wall-clock measures to a sum.
func addWall(sum *bench.WallInput, w bench.WallInput) {
	sum.WallNS += w.WallNS
	sum.SimNS += w.SimNS
	sum.VirtualNS += w.VirtualNS
	sum.Events += w.Events
	sum.Invitations += w.Invitations
	sum.PeakHeapBytes = max(sum.PeakHeapBytes, w.PeakHeapBytes)
	sum.PeakLiveInvitations = max(sum.PeakLiveInvitations, w.PeakLiveInvitations)
	sum.Devices = max(sum.Devices, w.Devices)
}

// capacityCounts adds the sweep's verdict to the counters, where
// thresholds find it (see Capacity). Rates are floored to whole
// invitations per second.
func capacityCounts(m *bench.Metrics, capa *bench.Capacity) {
	m.Count("capacity.points", int64(len(capa.Points)))
	m.Count("capacity.max_rate_per_shard", int64(math.Floor(capa.MaxRatePerShard)))
	if capa.KneeRate > 0 {
		m.Count("capacity.knee_rate", int64(math.Floor(capa.KneeRate)))
	}
	for _, s := range capa.PerShards {
		pfx := "capacity.shards_" + strconv.Itoa(s.Shards) + "."
		m.Count(pfx+"held_rate", int64(math.Floor(s.HeldTo)))
		m.Count(pfx+"max_rate_per_shard", int64(math.Floor(s.MaxRatePerShard)))
		if k := s.Knee(); k > 0 {
			m.Count(pfx+"knee_rate", int64(math.Floor(k)))
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

// errStop ends a shard count's sweep early without failing it.
var errStop = errors.New("stop")

// modePrefix is the mode prefix of a metric name ("server." of "server.ring").
func modePrefix(metric string) string {
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
