package workload

import (
	"context"
	"errors"
	"maps"
	"slices"
	"time"

	"sigsim/bench"
	"sigsim/sim"
)

// Workload is a benchmark workload with its options: one of Calls,
// Classroom, MassTimeout and Race (or a pointer to one), or a Capacity
// sweep of one of them.
type Workload interface {
	// Name is the workload's name in reports ("calls", "capacity:calls").
	Name() string
	// Validate reports every problem of the options, zero options taken as
	// their defaults.
	Validate() error
	// prepare validates and settles the options (exact: zeros are taken
	// as given, not as defaults).
	prepare(exact bool) (*Prepared, error)
}

// ValidateExact is Validate with every zero taken as given rather than as
// its field's default: for a front end in which every option always has a
// value (a command line that shows each flag's default), where a rate of 0
// is a mistake, not a request for the default rate.
func ValidateExact(w Workload) error {
	_, err := w.prepare(true)
	return err
}

// Prepared is a workload whose options are checked and settled: each
// default and derived value is set (the warm-up, whether the checkers
// run), and the run is known to fit in memory. It tells what the run will
// report before it runs, so that a caller can check its thresholds first.
type Prepared struct {
	header bench.Header
	names  bench.Names
	run    func(ctx context.Context) (*Result, error)
	warmup time.Duration
	job    *job // the simulated workload's (nil for a sweep)
}

// Prepare checks and settles w's options; the error reports every problem
// (an OptionError each), or that the run would not fit in its MaxMemory.
func Prepare(w Workload) (*Prepared, error) { return w.prepare(false) }

// Run prepares w and runs it. ctx stops it early, between two slices of
// events: the Result then covers the run up to there, and its Interrupted
// says where it stopped.
func Run(ctx context.Context, w Workload) (*Result, error) {
	p, err := Prepare(w)
	if err != nil {
		return nil, err
	}
	return p.Run(ctx)
}

// Header is what a report's header says of the run: the workload, the seed
// and every option, derived ones included (the Command is the caller's).
func (p *Prepared) Header() bench.Header {
	h := p.header
	h.Options = append([]bench.Option(nil), h.Options...)
	return h
}

// Names lists the metrics and counters the run will report, under each
// mode's prefix.
func (p *Prepared) Names() bench.Names { return p.names }

// Warmup is the warm-up the run will use, given or automatic.
func (p *Prepared) Warmup() time.Duration { return p.warmup }

// Run runs the workload (see the package function Run).
func (p *Prepared) Run(ctx context.Context) (*Result, error) { return p.run(ctx) }

// Result is what a run measured. Its Metrics are virtual-time
// measurements, the same for the same seed and options on any machine;
// Wall and WallNotes are not.
type Result struct {
	// Metrics holds the latency histograms and their series, the counters
	// (the workload's own, then those of every world: net.*, api.*,
	// events, violations, ...) and the fault periods, each name prefixed
	// by the mode when the run has several ("server.ring").
	Metrics *bench.Metrics
	// Wall is what the wall clock measured.
	Wall bench.WallInput
	// Notes are deterministic findings for people ("server mode: 1195
	// calls, 0 with anomalies"), WallNotes findings measured on the wall
	// clock.
	Notes, WallNotes []string
	// Failures are the workload's own checks that failed (Race: an anomaly
	// in server mode; any workload: calls failed because the warm-up was
	// too short): the run did not show what it should.
	Failures []string
	// Violation names the first invariant violation in server mode, where
	// the engine promises every invariant: a bug, not a measurement.
	Violation string
	// Interrupted says where the run stopped when its context ended.
	Interrupted *bench.Interrupted
	// Capacity is a Capacity sweep's result (its Metrics are those of the
	// run at the highest rate per shard that met the SLO).
	Capacity *bench.Capacity
	// Load is the offered rate over virtual time, when the arrivals
	// followed a load profile (Stages).
	Load *bench.Load
}

// Report returns the report of the run under header h: the virtual part
// from Metrics, the wall part, the findings and the capacity curve.
// bench.WriteReport writes it.
func (r *Result) Report(h bench.Header) *bench.Report {
	rep := r.Metrics.Report(h)
	wall := r.Wall.Wall()
	wall.Notes = r.WallNotes
	rep.Wall = &wall
	rep.Environment = bench.CurrentEnvironment()
	rep.Capacity = r.Capacity
	rep.Load = r.Load
	rep.Definitions = definitions(h.Workload, r.Metrics, slices.Sorted(maps.Keys(rep.Virtual.Counts)))
	if len(r.Notes)+len(r.Failures) > 0 || r.Violation != "" {
		rep.Findings = &bench.Findings{Notes: r.Notes, Failures: r.Failures, Violation: r.Violation}
	}
	rep.Interrupted = r.Interrupted
	return rep
}

// header starts a report header for a workload.
func header(name string, o *Options) bench.Header {
	return bench.Header{Workload: name, Version: sim.Version, Seed: o.Seed}
}

// settled is a simulated workload whose options are complete and valid.
type settled interface {
	name() string
	options() *Options
	// population is how many devices log in during the warm-up.
	population() int
	// invitations estimates how many invitations a run makes (for
	// ChecksAuto); the checkers keep state per (invitation, member).
	invitations() float64
	// footprint is what a run holds at its peak, for the memory estimate
	// checked before anything is allocated.
	footprint() sim.Footprint
	// horizon is the virtual time a run covers, warm-up and drain included.
	horizon(warmup int64) int64
	// describe lists the workload's own options, derived ones included.
	describe() []bench.Option
	// produces lists the metrics and counters simulate records, before
	// any mode prefix (TestNamesCoverReports keeps the lists honest).
	produces() produced
	// simulate runs the workload in one world (one arbitration mode).
	simulate(e *env) error
}

// job is a settled workload with the values derived from its options.
type job struct {
	w        settled
	o        *Options
	warmupNS int64 // the warm-up actually used (auto or given)
	spreadNS int64 // logins are spread over [0, spreadNS); they complete by warmupNS
	checksOn bool
}

// prepareSettled derives what a settled workload's run needs and checks
// that it fits in memory.
func prepareSettled(w settled, problems []error) (*Prepared, error) {
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	o := w.options()
	if s, ok := arrivalsOf(w).(Stages); ok && o.Duration != s.End() && len(s) > 0 {
		return nil, optionErrorf("%s %s: the load follows %s, which end at %s: leave %s out (it is the stages' end)",
			Key("duration"), o.Duration, Key("stages"), shortDuration(s.End()), Key("duration"))
	}
	j := &job{w: w, o: o}
	j.warmupNS, j.spreadNS = autoWarmup(o, w.population())
	switch o.Checks {
	case ChecksOn:
		j.checksOn = true
	case ChecksOff:
		j.checksOn = false
	default:
		j.checksOn = w.invitations() <= AutoChecksLimit
	}
	f := w.footprint()
	f.Checks = j.checksOn
	if err := sim.CheckMemory(f, o.MaxMemory); err != nil {
		return nil, optionErrorf("this run %v; if the machine has that much, raise %s (the figures per device and invitation are measured: sim/footprint.go)",
			err, Key("max-memory"))
	}
	h := header(w.name(), o)
	h.Options = append(o.describe(j.warmupNS, j.checksOn), w.describe()...)
	return &Prepared{header: h, names: names(w.produces(), o, j.checksOn), run: j.run,
		warmup: time.Duration(j.warmupNS), job: j}, nil
}

// run runs the workload once per arbitration mode and gathers the result.
// When ctx is done (an interrupt) it stops between slices of events, and
// the result's Interrupted says where: what ran so far is in the result.
func (j *job) run(ctx context.Context) (*Result, error) {
	t0 := time.Now()
	res := &Result{Metrics: bench.NewMetrics()}
	defer func() { res.Wall.WallNS = time.Since(t0).Nanoseconds() }()
	res.Metrics.SetSeriesInterval(seriesInterval(j.w.horizon(j.warmupNS)))
	if s, ok := arrivalsOf(j.w).(Stages); ok {
		res.Load = s.Profile(j.warmupNS)
	}
	modes := j.o.Modes
	profiled := false
	for _, mode := range modes {
		e := &env{j: j, ctx: ctx, mode: mode, m: res.Metrics, res: res, profiled: &profiled}
		if len(modes) > 1 {
			e.pfx = mode.String() + "."
		}
		if err := j.w.simulate(e); err != nil {
			return nil, err
		}
		e.close()
		if res.Interrupted != nil {
			if len(modes) > 1 {
				res.Interrupted.Detail = mode.String() + " mode"
			}
			break
		}
	}
	return res, nil
}

// seriesInterval is a whole number of seconds giving at most ~300 points.
func seriesInterval(horizon int64) int64 {
	s := int64(time.Second)
	return max(s, roundUp(horizon/300, s))
}
