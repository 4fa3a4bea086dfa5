package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"sigsim/bench"
	"sigsim/engine"
	"sigsim/sim"
)

// workload is one benchmark workload: its own options and how to run it in
// one world.
type workload interface {
	name() string
	summary() string
	// defaults adjusts the defaults of common flags before they are
	// registered (e.g. race uses both arbitration modes).
	defaults(c *common)
	register(fs *pflag.FlagSet)
	// check validates the workload's options and derives the rest; c is
	// already checked.
	check(c *common) error
	// describe lists the workload's options, derived ones included.
	describe() []bench.Option
	// invitations estimates how many invitations a run makes (for --checks=auto).
	invitations(c *common) float64
	// footprint is what a run holds at its peak, for the memory estimate
	// checked before anything is allocated (--max-memory).
	footprint(c *common) sim.Footprint
	// horizon is the virtual time a run covers, warm-up and drain included.
	horizon(c *common) int64
	// simulate runs the workload in one world (one arbitration mode).
	simulate(e *env) error
	// produces lists the metrics and counters simulate records, before any
	// mode prefix, so that thresholds and SLOs are checked before a run
	// (TestNamesCoverReports keeps the lists honest).
	produces() produced
}

// rated is a workload whose load is an arrival rate (capacity sweeps it).
type rated interface {
	workload
	rate() float64
	setRate(r float64)
}

// autoChecksLimit: with --checks=auto the invariant checkers run when a run
// makes at most this many invitations. Their memory grows with every one, by
// about 100 B (BenchmarkCheckerMemory), and they cost about a quarter more
// wall time: a million invitations stay well within this machine.
const autoChecksLimit = 1_000_000

// common holds the flags every workload has.
type common struct {
	seed         uint64
	duration     time.Duration
	warmup       time.Duration
	shards       int
	workers      int
	serviceTime  string
	latency      string
	shardLatency string
	loss         float64
	dup          float64
	reorder      float64
	bandwidth    int64
	arbiter      string
	faults       []string
	checks       string
	retention    time.Duration
	out          string
	json         bool
	thresholds   []string
	progress     bool
	cpuProfile   string
	memProfile   string
	maxMemory    string
	// memProfileDone: a workload wrote the heap profile at its peak.
	memProfileDone bool
	// ctx ends the run early when it is done (SIGINT, SIGTERM): the
	// simulation checks it between slices of events.
	ctx context.Context

	// derived by check
	serviceD  sim.Dist
	latencyD  sim.Dist
	shardLatD sim.Dist
	modes     []engine.Mode
	faultList []fault
	ths       []bench.Threshold
	checksOn  bool
	warmupNS  int64 // the warm-up actually used (auto or given)
	spreadNS  int64 // logins are spread over [0, spreadNS); they complete by warmupNS
	maxMemB   int64
	command   string
	names     bench.Names // what the run reports (thresholds are checked against it)
}

func (c *common) register(fs *pflag.FlagSet, wl workload) {
	c.seed = 1
	c.duration = 60 * time.Second
	c.shards = 1
	c.workers = 1
	c.serviceTime = "exp(100us)"
	c.latency = "20ms"
	c.shardLatency = "1ms"
	c.arbiter = "server"
	c.checks = "auto"
	c.progress = true
	c.maxMemory = sim.FormatSize(float64(sim.DefaultMaxMemory))
	wl.defaults(c)
	fs.Uint64Var(&c.seed, "seed", c.seed, "master seed: same seed and options, same virtual metrics")
	fs.DurationVar(&c.duration, "duration", c.duration, "virtual time during which load arrives (after the warm-up)")
	fs.DurationVar(&c.warmup, "warmup", 0, "virtual time for logins before load starts (0 = enough for every login at half the shards' capacity, at least 1s)")
	fs.IntVar(&c.shards, "shards", c.shards, "number of server shards")
	fs.StringVar(&c.serviceTime, "service-time", c.serviceTime, "per-frame service time at a shard: a distribution (see --latency), or @FILE of measured times, one per line (0 = none)")
	fs.IntVar(&c.workers, "workers", c.workers, "frames a shard serves at once (c of M/M/c)")
	fs.StringVar(&c.arbiter, "arbiter", c.arbiter, "arbitration mode: server or client")
	fs.StringVar(&c.latency, "latency", c.latency, "device<->shard one-way latency distribution: 20ms, uniform(10ms,50ms), normal(40ms,5ms), lognormal(40ms,0.5), pareto(10ms,1.5), exp(20ms), measured(0:5ms,0.5:20ms,0.99:80ms,1:300ms) (quantile:duration points), or @FILE of measured durations, one per line")
	fs.StringVar(&c.shardLatency, "shard-latency", c.shardLatency, "shard<->shard bus latency distribution")
	fs.Float64Var(&c.loss, "loss", 0, "probability a device<->shard frame is lost")
	fs.Float64Var(&c.dup, "dup", 0, "probability a frame is delivered twice")
	fs.Float64Var(&c.reorder, "reorder", 0, "probability a frame may overtake earlier ones")
	fs.Int64Var(&c.bandwidth, "bandwidth", 0, "link bandwidth in bytes per second (0 = unlimited)")
	fs.StringArrayVar(&c.faults, "fault", nil, "fault KIND:NODE@START+DURATION, KIND crash|pause|partition|disconnect, NODE s0.. or a device, START from the end of the warm-up; repeatable")
	fs.StringVar(&c.checks, "checks", c.checks, "invariant checkers: on, off, or auto (on up to 1M invitations)")
	fs.DurationVar(&c.retention, "retention", 0, "how long shards keep history of ended invitations (0 = engine default, 10m)")
	fs.StringVar(&c.out, "out", "", "write report.json, report.md and SVG charts into this directory")
	fs.BoolVar(&c.json, "json", false, "print the report as JSON on stdout")
	fs.StringArrayVar(&c.thresholds, "threshold", nil, "pass/fail condition such as 'ring.p99<200ms' or 'anomalies==0'; repeatable; exit 1 if one fails")
	fs.BoolVar(&c.progress, "progress", c.progress, "progress bar on stderr when it is a terminal")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof)")
	fs.StringVar(&c.memProfile, "memprofile", "", "write a heap profile, taken at the end of the run, to this file")
	fs.StringVar(&c.maxMemory, "max-memory", c.maxMemory, "refuse, before allocating anything, a run whose estimated peak memory is larger (e.g. 64GiB)")
}

// check validates the common flags and derives their values.
func (c *common) check(wl workload) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.duration <= 0 {
		bad("--duration %s must be positive", c.duration)
	}
	if c.warmup < 0 {
		bad("--warmup %s must not be negative", c.warmup)
	}
	if c.shards < 1 || c.shards > 1<<16 {
		bad("--shards %d out of range [1,65536]", c.shards)
	}
	if c.workers < 1 {
		bad("--workers %d must be at least 1", c.workers)
	}
	var err error
	if c.serviceTime == "" {
		c.serviceD = sim.Dist{}
	} else if c.serviceD, err = parseDistFlag("service-time", &c.serviceTime); err != nil {
		errs = append(errs, err)
	}
	if c.latencyD, err = parseDistFlag("latency", &c.latency); err != nil {
		errs = append(errs, err)
	} else if c.latencyD == (sim.Dist{}) {
		c.latencyD = sim.Const(0) // an explicit 0 stays 0 (the zero Dist means "default")
		bad("--latency must be positive (the simulator takes a zero latency as its 20ms default)")
	}
	if c.shardLatD, err = parseDistFlag("shard-latency", &c.shardLatency); err != nil {
		errs = append(errs, err)
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"loss", c.loss}, {"dup", c.dup}, {"reorder", c.reorder}} {
		if !(p.v >= 0 && p.v <= 1) {
			bad("--%s %v is not a probability in [0,1]", p.name, p.v)
		}
	}
	if c.bandwidth < 0 {
		bad("--bandwidth %d must not be negative", c.bandwidth)
	}
	if c.retention < 0 {
		bad("--retention %s must not be negative", c.retention)
	}
	if c.modes, err = parseArbiter(c.arbiter, wl.name() == "race"); err != nil {
		bad("--arbiter: %v", err)
	}
	c.faultList = nil
	for _, s := range c.faults {
		f, err := parseFault(s)
		if err != nil {
			bad("--fault %q: %v", s, err)
			continue
		}
		c.faultList = append(c.faultList, f)
	}
	c.ths = nil
	for _, s := range c.thresholds {
		th, err := bench.ParseThreshold(s)
		if err != nil {
			bad("--threshold: %v", err)
			continue
		}
		c.ths = append(c.ths, th)
	}
	switch c.checks {
	case "on", "off", "auto":
	default:
		bad("--checks %q: want on, off or auto", c.checks)
	}
	if c.maxMemB, err = sim.ParseSize(strings.ReplaceAll(c.maxMemory, " ", "")); err != nil {
		bad("--max-memory: %v", err)
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if err := c.simOptions(c.modes[0]).Validate(); err != nil {
		return err
	}
	return nil
}

// finishCheck settles what depends on the workload's own options, and
// refuses a run that would not fit in --max-memory, before anything is
// allocated.
func (c *common) finishCheck(wl workload) error {
	switch c.checks {
	case "on":
		c.checksOn = true
	case "off":
		c.checksOn = false
	default:
		c.checksOn = wl.invitations(c) <= autoChecksLimit
	}
	f := wl.footprint(c)
	f.Checks = c.checksOn
	if err := sim.CheckMemory(f, c.maxMemB); err != nil {
		return fmt.Errorf("this run %v; if the machine has that much, raise --max-memory (the figures per device and invitation are measured: sim/footprint.go)", err)
	}
	return nil
}

// flowFootprint is the footprint of devices and a flow of invitations
// (sim.Flow) held for at most hold seconds.
func (c *common) flowFootprint(devices int, invitations, rate, hold float64) sim.Footprint {
	f := sim.Footprint{Devices: float64(devices), Invitations: invitations}
	f.LiveInvitations, f.Ended = sim.Flow(invitations, rate, hold, int64(c.retention))
	return f
}

func parseArbiter(s string, both bool) ([]engine.Mode, error) {
	if s == "both" {
		if !both {
			return nil, errors.New(`"both" is for the race workload; want server or client`)
		}
		return []engine.Mode{engine.ModeServer, engine.ModeClient}, nil
	}
	m, err := engine.ParseMode(s)
	if err != nil {
		return nil, err
	}
	return []engine.Mode{m}, nil
}

// autoWarmup sets the warm-up (c.warmupNS) and the logins' spread
// (c.spreadNS) for n devices. The logins are spread so that they load the
// shards to half their capacity, over at least 1 s; then the warm-up waits
// until the last one has surely completed (loginSettle). A --warmup given by
// the user is kept, the logins spread over what it leaves after the settle
// time; if it is too short, the calls that fail for it are counted and
// reported (env.watchResults), never silently.
func (c *common) autoWarmup(devices int) {
	settle := c.loginSettle()
	if c.warmup > 0 {
		c.warmupNS = int64(c.warmup)
		c.spreadNS = max(0, c.warmupNS-settle)
		return
	}
	spread := int64(0)
	if mean := c.serviceD.Mean(); mean > 0 {
		spread = int64(2 * float64(devices) * mean / float64(c.shards*c.workers))
	}
	c.spreadNS = roundUp(max(spread, int64(time.Second)), int64(time.Millisecond))
	c.warmupNS = c.spreadNS + settle
}

// loginSettle is how long a login takes at worst, rounded up to 1 ms and at
// least 1 s: a frame each way at the latency's 99.9th percentile, the
// service time's 99.9th percentile plus the queueing at half load (about 20
// mean service times at its own 99.9th percentile), and with loss as many
// retransmission timeouts as make a login that still fails rarer than 1 in
// 10,000. The percentiles are read off 20,000 draws from the distributions
// with a stream of their own and a fixed seed: the warm-up depends on the
// options only, not on --seed (two seeds' runs differ by their randomness
// alone), and no stream of the run moves.
func (c *common) loginSettle() int64 {
	q := func(d sim.Dist, name string) int64 {
		if d == (sim.Dist{}) {
			return 0
		}
		r := sim.NewRand(0, "warmup/"+name)
		xs := make([]int64, 20_000)
		for i := range xs {
			xs[i] = d.Sample(r)
		}
		slices.Sort(xs)
		return xs[len(xs)*999/1000]
	}
	t := 2*q(c.latencyD, "latency") + q(c.serviceD, "service") + int64(20*c.serviceD.Mean())
	if p := c.loss; p > 0 {
		tries := 1
		for f := p; f > 1e-4 && tries < 20; f *= p {
			tries++
		}
		t += int64(tries) * int64(time.Second) // engine.DefaultRTO, each way
	}
	return max(int64(time.Second), roundUp(t, int64(time.Millisecond)))
}

func roundUp(v, unit int64) int64 { return (v + unit - 1) / unit * unit }

// simOptions returns the simulator options for one mode.
func (c *common) simOptions(mode engine.Mode) sim.Options {
	return sim.Options{
		Seed:         c.seed,
		Mode:         mode,
		Shards:       c.shards,
		Link:         sim.LinkOptions{Latency: c.latencyD, Loss: c.loss, Dup: c.dup, Reorder: c.reorder, Bandwidth: c.bandwidth},
		ShardLatency: c.shardLatD,
		Service:      c.serviceD,
		Workers:      c.workers,
		Retention:    int64(c.retention),
		NoChecks:     !c.checksOn,
		KeepGoing:    true,
	}
}

// describe lists the common options that sim.Options.Describe leaves out.
func (c *common) describe() []bench.Option {
	l := []bench.Option{
		{Key: "duration", Value: c.duration.String()},
		{Key: "warmup", Value: time.Duration(c.warmupNS).String()},
		{Key: "checks", Value: onOff(c.checksOn)},
	}
	for _, f := range c.faultList {
		l = append(l, bench.Option{Key: "fault", Value: f.String()})
	}
	return l
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// env is one run of a workload in one world.
type env struct {
	c      *common
	mode   engine.Mode
	pfx    string // metric and counter prefix: "" or "server." / "client."
	m      *bench.Metrics
	res    *result
	stderr io.Writer
	w      *sim.World

	prog        *bench.Progress
	progAt      int64
	start       int64 // when load starts (end of warm-up)
	profileAt   int64 // when to write --memprofile (end of the load)
	queue       *bench.Hist
	wallNS      int64
	loadWallNS  int64 // wall time of the slices after the warm-up
	peakHeap    uint64
	live        int64
	peakLive    int64
	invitations int64

	// loggedIn marks the devices (by address) whose first login completed;
	// a call that fails with 6014 on a device not yet marked failed because
	// the warm-up was too short: a setup failure, never a silent one.
	loggedIn      []bool
	setupFailures map[engine.Op]int64
}

// execute runs a workload once per arbitration mode and gathers the result.
// When c.ctx is done (an interrupt) it stops between slices of events, and
// res.interrupted says where: what ran so far is in the result.
func execute(wl workload, c *common, stderr io.Writer) (*result, error) {
	res := &result{m: bench.NewMetrics()}
	res.m.SetSeriesInterval(seriesInterval(wl.horizon(c)))
	for _, mode := range c.modes {
		e := &env{c: c, mode: mode, m: res.m, res: res, stderr: stderr}
		if len(c.modes) > 1 {
			e.pfx = mode.String() + "."
		}
		if err := wl.simulate(e); err != nil {
			return nil, err
		}
		e.close()
		if res.interrupted != nil {
			if len(c.modes) > 1 {
				res.interrupted.Detail = mode.String() + " mode"
			}
			break
		}
	}
	return res, nil
}

// watchResults installs the world's result hook: next (the workload's), after
// the setup check: a call that fails with 6014 (not logged in) on a device
// whose first login has not completed yet is a setup failure (the warm-up
// was too short), counted and reported by close.
func (e *env) watchResults(next func(at int64, d *sim.Device, r *engine.Result)) {
	e.loggedIn = make([]bool, e.w.NumShards()+len(e.w.Devices()))
	e.w.Hooks.Result = func(at int64, d *sim.Device, r *engine.Result) {
		switch {
		case r.Op == engine.OpLogin && r.Code == engine.OK:
			e.loggedIn[d.Addr] = true
		case r.Code == engine.CodeNotLoggedIn && !e.loggedIn[d.Addr]:
			if e.setupFailures == nil {
				e.setupFailures = map[engine.Op]int64{}
			}
			e.setupFailures[r.Op]++
		}
		next(at, d, r)
	}
}

// seriesInterval is a whole number of seconds giving at most ~300 points.
func seriesInterval(horizon int64) int64 {
	s := int64(time.Second)
	return max(s, roundUp(horizon/300, s))
}

// newWorld builds the world of this run and hooks queueing delay in.
func (e *env) newWorld() (*sim.World, error) {
	w, err := sim.New(e.c.simOptions(e.mode))
	if err != nil {
		return nil, err
	}
	e.w = w
	e.queue = e.m.Metric(e.pfx + "queue")
	if e.c.serviceD != (sim.Dist{}) {
		w.Hooks.Queued = func(at int64, shard int, wait int64) {
			if at >= e.start {
				e.queue.RecordAt(at, wait)
			}
		}
	}
	return w, nil
}

// begin marks the end of the warm-up and schedules the faults.
func (e *env) begin(start int64) error {
	e.start = start
	e.profileAt = start + int64(e.c.duration)
	for _, f := range e.c.faultList {
		if err := f.schedule(e, start); err != nil {
			return err
		}
	}
	return nil
}

func (e *env) metric(name string) *bench.Hist { return e.m.Metric(e.pfx + name) }

// count adds to a counter; outcome counters keep "outcome." first (the
// outcome chart draws those), e.g. "outcome.server.accepted".
func (e *env) count(name string, delta int64) {
	if rest, ok := strings.CutPrefix(name, "outcome."); ok && e.pfx != "" {
		e.m.Count("outcome."+e.pfx+rest, delta)
		return
	}
	e.m.Count(e.pfx+name, delta)
}

// invited notes an invitation sent and alive.
func (e *env) invited() {
	e.invitations++
	e.live++
	if e.live > e.peakLive {
		e.peakLive = e.live
	}
}

// ended notes that an invitation ended.
func (e *env) ended() { e.live-- }

// sliceEvents is how many events run between two looks at the interrupt
// (about 10 ms of wall time): the run stays single-threaded and is stopped
// only between events.
const sliceEvents = 1 << 14

// runTo advances the world to virtual time t in slices, sampling the heap
// between slices and measuring the wall time spent in the simulator. It
// returns early, with e.res.interrupted set, when c.ctx is done; after that
// every runTo returns at once, so a workload finishes its bookkeeping on
// what ran.
func (e *env) runTo(t int64, horizon int64) {
	if e.res.interrupted != nil {
		return
	}
	if e.prog == nil {
		var f *os.File
		if file, ok := e.stderr.(*os.File); ok && e.c.progress {
			f = file
		}
		e.prog = bench.NewProgress(horizon/int64(time.Millisecond), "sigbench "+e.mode.String()+" (virtual ms)", f)
	}
	step := max(horizon/200, int64(10*time.Millisecond))
	for e.w.Now() < t && !e.w.Stopped() {
		next := min(e.w.Now()+step, t)
		t0 := time.Now()
		for !e.w.RunUntilAtMost(next, sliceEvents) {
			if e.interrupt() {
				break
			}
		}
		d := time.Since(t0).Nanoseconds()
		e.wallNS += d
		if e.start > 0 && next > e.start {
			e.loadWallNS += d
		}
		e.sampleHeap()
		if e.c.memProfile != "" && !e.c.memProfileDone && e.profileAt > 0 && e.w.Now() >= e.profileAt {
			// The heap when the load ends, with the world alive: where the
			// bytes go (the default, at exit, would find the world gone).
			if err := writeHeapProfile(e.c.memProfile); err == nil {
				e.c.memProfileDone = true
			}
		}
		if now := e.w.Now() / int64(time.Millisecond); now > e.progAt {
			e.prog.Add(now - e.progAt)
			e.progAt = now
		}
		if e.res.interrupted != nil || e.interrupt() {
			return
		}
	}
}

// interrupt tells whether the run must stop (c.ctx is done), and if so
// records where it stopped.
func (e *env) interrupt() bool {
	if e.res.interrupted != nil {
		return true
	}
	ctx := e.c.ctx
	if ctx == nil || ctx.Err() == nil {
		return false
	}
	sig := "interrupt"
	if cause := context.Cause(ctx); cause != nil && cause != ctx.Err() {
		sig = cause.Error()
	}
	e.res.interrupted = &bench.Interrupted{AtNS: e.w.Now(), Signal: sig}
	return true
}

func (e *env) sampleHeap() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if ms.HeapAlloc > e.peakHeap {
		e.peakHeap = ms.HeapAlloc
	}
}

// close adds the world's totals to the result.
func (e *env) close() {
	e.prog.Finish()
	w := e.w
	if w == nil {
		return
	}
	e.m.SetDuration(w.Now())
	for _, kv := range []struct {
		k string
		v int64
	}{
		{"net.sends", w.Counts.Sends}, {"net.delivers", w.Counts.Delivers}, {"net.drops", w.Counts.Drops},
		{"net.dups", w.Counts.Dups}, {"timers", w.Counts.Timers}, {"api.calls", w.Counts.Calls},
		{"api.results", w.Counts.Results}, {"callbacks", w.Counts.Callbacks}, {"faults", w.Counts.Faults},
		{"events", w.Events()},
	} {
		e.count(kv.k, kv.v)
	}
	for t, n := range w.Counts.SendsByType {
		if name := engine.FrameType(t).String(); n > 0 {
			if t == 0 {
				name = "other"
			}
			e.count("net.sends."+name, n)
		}
	}
	if e.c.checksOn {
		e.noteViolations(w.Violations())
	}
	e.noteSetupFailures()
	if e.loadWallNS > 0 && e.invitations > 0 {
		e.res.wallNote = append(e.res.wallNote, fmt.Sprintf("%s: %d invitations in %s of wall time after the warm-up (%.0f invitations per wall second; warm-up with logins took %s)",
			e.mode, e.invitations, time.Duration(e.loadWallNS).Round(time.Millisecond),
			float64(e.invitations)/(float64(e.loadWallNS)/1e9), time.Duration(e.wallNS-e.loadWallNS).Round(time.Millisecond)))
	}
	wi := &e.res.wall
	wi.WallNS += e.wallNS
	wi.VirtualNS += w.Now()
	wi.Events += w.Events()
	wi.Invitations += e.invitations
	wi.PeakHeapBytes = max(wi.PeakHeapBytes, e.peakHeap)
	wi.PeakLiveInvitations = max(wi.PeakLiveInvitations, e.peakLive)
}

// noteViolations counts a world's invariant violations. In server mode the
// first one is kept as the run's verdict (exit 3): the engine promises every
// invariant there, so a violation is a bug, not a measurement. In client
// mode the legacy SDK's violations are what the run measures (race counts
// them) and only make a note.
func (e *env) noteViolations(vs []sim.Violation) {
	e.count("violations", int64(len(vs)))
	for _, v := range vs {
		e.count("violations."+v.Invariant, 1)
	}
	if len(vs) == 0 {
		return
	}
	first := fmt.Sprintf("%s mode: first invariant violation: %s", e.mode, vs[0])
	e.res.notes = append(e.res.notes, first)
	if e.mode == engine.ModeServer && e.res.violation == "" {
		e.res.violation = fmt.Sprintf("%s (%d in all)", first, len(vs))
	}
}

// noteSetupFailures counts the calls that failed because their device had
// not finished its first login (counter setup_failures, always written) and
// fails the run if there were any: it did not measure what was asked.
func (e *env) noteSetupFailures() {
	var n int64
	var parts []string
	for op := range engine.Op(16) {
		if k := e.setupFailures[op]; k > 0 {
			n += k
			parts = append(parts, fmt.Sprintf("%d %s", k, op))
		}
	}
	e.count("setup_failures", n)
	if n == 0 {
		return
	}
	e.res.failures = append(e.res.failures, fmt.Sprintf(
		"%s mode: %d calls (%s) failed with 6014 (not logged in) because their device had not finished logging in: the warm-up (%s) was too short for the logins; raise --warmup",
		e.mode, n, strings.Join(parts, ", "), time.Duration(e.c.warmupNS)))
}

// perThousand formats n per 1,000 of total.
func perThousand(n, total int64) string {
	if total == 0 {
		return "n/a"
	}
	return strconv.FormatFloat(float64(n)*1000/float64(total), 'f', 2, 64)
}

// fault is one --fault: a node fault over a period after the warm-up.
type fault struct {
	kind  string
	node  string
	start time.Duration
	dur   time.Duration
}

func (f fault) String() string {
	return f.kind + ":" + f.node + "@" + f.start.String() + "+" + f.dur.String()
}

var faultKinds = []string{"crash", "pause", "partition", "disconnect"}

func parseFault(s string) (fault, error) {
	kind, rest, ok := strings.Cut(s, ":")
	if !ok {
		return fault{}, errors.New("want KIND:NODE@START+DURATION, e.g. crash:s0@10s+5s")
	}
	known := false
	for _, k := range faultKinds {
		known = known || k == kind
	}
	if !known {
		return fault{}, fmt.Errorf("unknown fault kind %q (want %s)", kind, strings.Join(faultKinds, ", "))
	}
	node, when, ok := strings.Cut(rest, "@")
	if !ok || node == "" {
		return fault{}, errors.New("want KIND:NODE@START+DURATION, e.g. crash:s0@10s+5s")
	}
	at, length, ok := strings.Cut(when, "+")
	if !ok {
		return fault{}, errors.New("missing +DURATION after START")
	}
	start, err := time.ParseDuration(at)
	if err != nil || start < 0 {
		return fault{}, fmt.Errorf("bad START %q", at)
	}
	dur, err := time.ParseDuration(length)
	if err != nil || dur <= 0 {
		return fault{}, fmt.Errorf("bad DURATION %q (must be positive)", length)
	}
	return fault{kind: kind, node: node, start: start, dur: dur}, nil
}

// schedule puts the fault on the world's clock and notes its period.
func (f fault) schedule(e *env, base int64) error {
	w := e.w
	addr, err := w.Node(f.node)
	if err != nil {
		return fmt.Errorf("--fault %s: %v", f, err)
	}
	from, to := base+int64(f.start), base+int64(f.start+f.dur)
	isShard := int(addr) < w.NumShards()
	var devs []*sim.Device
	if f.kind == "disconnect" {
		for _, d := range w.Devices() {
			if (isShard && d.Home == int(addr)) || (!isShard && d.Addr == addr) {
				devs = append(devs, d)
			}
		}
	}
	switch f.kind {
	case "crash":
		w.At(from, func() { w.CrashFor(addr, int64(f.dur)) })
	case "pause":
		w.At(from, func() { w.Pause(addr, int64(f.dur)) })
	case "partition":
		var others []engine.Addr
		if isShard {
			for k := 0; k < w.NumShards(); k++ {
				if engine.Addr(k) != addr {
					others = append(others, engine.Addr(k))
				}
			}
			for _, d := range w.Devices() {
				others = append(others, d.Addr)
			}
		} else {
			for k := 0; k < w.NumShards(); k++ {
				others = append(others, engine.Addr(k))
			}
		}
		w.At(from, func() { w.PartitionFor([]engine.Addr{addr}, others, false, int64(f.dur)) })
	case "disconnect":
		w.At(from, func() {
			for _, d := range devs {
				w.DisconnectFor(d, int64(f.dur))
			}
		})
	}
	e.m.FaultPeriod(e.pfx+f.String(), from, to)
	return nil
}

// loginSpread logs devices in at evenly spaced times over [0, spread).
func loginSpread(w *sim.World, devs []*sim.Device, spread int64) {
	n := int64(len(devs))
	if n == 0 {
		return
	}
	// One pending closure at a time: each login schedules the next.
	var i int64
	var next func()
	next = func() {
		w.Login(devs[i])
		i++
		if i < n {
			w.At(spread*i/n, next)
		}
	}
	w.At(0, next)
}

// validProb checks named probabilities: each in [0,1], summing to at most 1.
func validProb(names []string, ps []float64) error {
	sum := 0.0
	for i, p := range ps {
		if !(p >= 0 && p <= 1) {
			return fmt.Errorf("--%s %v is not a probability in [0,1]", names[i], p)
		}
		sum += p
	}
	if sum > 1+1e-9 {
		parts := make([]string, len(names))
		for i := range names {
			parts[i] = fmt.Sprintf("--%s %g", names[i], ps[i])
		}
		return fmt.Errorf("probabilities sum to %g, more than 1: %s", sum, strings.Join(parts, " + "))
	}
	return nil
}

// parseDistFlag parses a distribution flag, "0" meaning none. "@FILE" reads
// measured samples, one duration per line (sim.LoadMeasured), and replaces
// the flag's value by their table, so that the command printed to reproduce
// the run needs no file.
func parseDistFlag(name string, s *string) (sim.Dist, error) {
	if *s == "0" {
		return sim.Dist{}, nil
	}
	var d sim.Dist
	var err error
	if path, ok := strings.CutPrefix(*s, "@"); ok {
		if d, err = sim.LoadMeasured(path); err == nil {
			*s = d.String()
		}
	} else {
		d, err = sim.ParseDist(*s)
	}
	if err != nil {
		return sim.Dist{}, fmt.Errorf("--%s: %v", name, err)
	}
	return d, nil
}

func fmtFloat(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'g', 12, 64)
}

// secondsFlag is a timeout flag in whole seconds, as the API's timeout is an
// integer: it takes "30" (seconds) or a duration of whole seconds ("30s",
// "2m"). "1.5" or "1500ms" are usage errors, never a silent truncation to 1 s
// (or, under a second, to 0, which means "never times out").
type secondsFlag struct{ v *int }

// secondsVar defines a timeout flag in whole seconds.
func secondsVar(fs *pflag.FlagSet, p *int, name string, def int, usage string) {
	*p = def
	fs.Var(secondsFlag{p}, name, usage)
}

func (f secondsFlag) String() string {
	if f.v == nil {
		return "0"
	}
	return strconv.Itoa(*f.v)
}

func (secondsFlag) Type() string { return "seconds" }

func (f secondsFlag) Set(s string) error {
	if n, err := strconv.Atoi(s); err == nil {
		*f.v = n
		return nil
	}
	notWhole := func() error {
		return fmt.Errorf("%s is not a whole number of seconds: the API's timeout is an integer number of seconds", s)
	}
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		if _, ferr := strconv.ParseFloat(s, 64); ferr == nil {
			return notWhole()
		}
		return errors.New("want whole seconds, e.g. 30 or 30s")
	case d%time.Second != 0:
		return notWhole()
	case d/time.Second > math.MaxInt32 || d < 0:
		return fmt.Errorf("%s is out of range", s)
	}
	*f.v = int(d / time.Second)
	return nil
}
