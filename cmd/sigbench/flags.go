package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"sigsim/bench"
	"sigsim/sim"
	"sigsim/workload"
)

// A command is a workload command: its name and summary for the usage, the
// workload's defaults of the options every workload has, and its own
// flags.
type command struct {
	name, summary string
	defaults      func() workload.Options
	// flags registers the workload's own flags and returns what makes the
	// workload from their values and the common options (with the flags
	// that do not parse).
	flags func(fs *pflag.FlagSet) func(workload.Options) (workload.Workload, []error)
	// sweepable: capacity can sweep its rate.
	sweepable bool
}

// commands lists the workload commands in usage order.
var commands = []command{
	{name: "calls", summary: "1:1 calls, open model: Poisson arrivals (or a --stages profile), accept/reject/busy/no-answer/cancel mix",
		defaults: func() workload.Options { return workload.Calls{}.WithDefaults().Options }, flags: callsFlags, sweepable: true},
	{name: "classroom", summary: "G groups x M members: teacher invites all to raise hands, then one to speak; repeated",
		defaults: func() workload.Options { return workload.Classroom{}.WithDefaults().Options }, flags: classroomFlags},
	{name: "mass-timeout", summary: "N invitations created within a window and left to time out together",
		defaults: func() workload.Options { return workload.MassTimeout{}.WithDefaults().Options }, flags: massTimeoutFlags, sweepable: true},
	{name: "race", summary: "cancel/accept and accept/timeout collisions, anomalies per 1,000 calls by mode",
		defaults: func() workload.Options { return workload.Race{}.WithDefaults().Options }, flags: raceFlags, sweepable: true},
}

func findCommand(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

// runFlags are the flags every workload command has: the world, the run,
// and what to do with the result.
type runFlags struct {
	seed         uint64
	duration     time.Duration
	warmup       time.Duration
	shards       int
	workers      int
	serviceTime  string
	latency      string
	shardLatency string
	loss         string
	dup          string
	reorder      string
	bandwidth    string
	mode         string
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

	ths []bench.Threshold // parsed by options
}

// register defines the flags, with the workload's defaults d where it has
// them.
func (f *runFlags) register(fs *pflag.FlagSet, d workload.Options) {
	f.seed = 1
	f.serviceTime = "exp(100us)"
	f.checks = "auto"
	f.progress = true
	fs.Uint64Var(&f.seed, "seed", f.seed, "master seed: same seed and options, same virtual metrics")
	fs.DurationVar(&f.duration, "duration", d.Duration, "virtual time during which load arrives (after the warm-up)")
	fs.DurationVar(&f.warmup, "warmup", 0, "virtual time for logins before load starts (0 = enough for every login at half the shards' capacity, at least 1s)")
	fs.IntVar(&f.shards, "shards", d.Shards, "number of server shards")
	// The world's options have the names they have in a scenario's world
	// line and in every run's header (sim.Options.Set): --mode, --service.
	// The older --arbiter and --service-time still work, with a notice.
	fs.StringVar(&f.serviceTime, "service", f.serviceTime, "per-frame service time at a shard: a distribution (see --latency), or @FILE of measured times, one per line (0 = none)")
	fs.StringVar(&f.serviceTime, "service-time", f.serviceTime, "")
	_ = fs.MarkDeprecated("service-time", "use --service (the world line's name)")
	fs.IntVar(&f.workers, "workers", d.Workers, "frames a shard serves at once (c of M/M/c)")
	fs.StringVar(&f.mode, "mode", workload.FormatModes(d.Modes), "arbitration mode: server or client")
	fs.StringVar(&f.mode, "arbiter", workload.FormatModes(d.Modes), "")
	_ = fs.MarkDeprecated("arbiter", "use --mode (the world line's name)")
	fs.StringVar(&f.latency, "latency", d.Latency.String(), "device<->shard one-way latency distribution: 20ms, uniform(10ms,50ms), normal(40ms,5ms), lognormal(40ms,0.5), pareto(10ms,1.5), exp(20ms), measured(0:5ms,0.5:20ms,0.99:80ms,1:300ms) (quantile:duration points), or @FILE of measured durations, one per line")
	fs.StringVar(&f.shardLatency, "shard-latency", "1ms", "shard<->shard bus latency distribution")
	fs.StringVar(&f.loss, "loss", "0", "probability a device<->shard frame is lost (0.01 or 1%)")
	fs.StringVar(&f.dup, "dup", "0", "probability a frame is delivered twice")
	fs.StringVar(&f.reorder, "reorder", "0", "probability a frame may overtake earlier ones")
	fs.StringVar(&f.bandwidth, "bandwidth", "0", "device link bandwidth with its unit: 10Mbps, 1MB/s, 512KiB/s (0 = unlimited)")
	fs.StringArrayVar(&f.faults, "fault", nil, "a fault, as the scenario line that does it: 'at START FAULT for=DURATION', FAULT one of "+strings.Join(workload.FaultKinds, ", ")+
		" (e.g. 'at 30s pause s0 for=2s', 'at 1m partition s0 | * for=10s'), START from the end of the warm-up, at most --duration; KIND:NODE@START+DURATION is read too; repeatable")
	fs.StringVar(&f.checks, "checks", f.checks, "invariant checkers: on, off, or auto (on up to 1M invitations)")
	fs.DurationVar(&f.retention, "retention", 0, "how long shards keep history of ended invitations (0 = engine default, 10m)")
	fs.StringVar(&f.out, "out", "", "write report.json, report.md and SVG charts into this directory")
	fs.BoolVar(&f.json, "json", false, "print the report as JSON on stdout")
	fs.StringArrayVar(&f.thresholds, "threshold", nil, "pass/fail condition, k6's way: 'ring.p(95)<200ms', 'ring.avg<80ms', 'calls.rate>=19/s', 'anomalies==0' (a latency needs its unit); repeatable; exit 1 if one fails")
	fs.BoolVar(&f.progress, "progress", f.progress, "progress bar on stderr when it is a terminal")
	fs.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof)")
	fs.StringVar(&f.memProfile, "memprofile", "", "write a heap profile, taken at the end of the run, to this file")
	fs.StringVar(&f.maxMemory, "max-memory", sim.FormatSize(float64(sim.DefaultMaxMemory)), "refuse, before allocating anything, a run whose estimated peak memory is larger (e.g. 64GiB)")
}

// options makes the options every workload has from the flags (and parses
// the thresholds); the errors are those of the flags that do not parse.
func (f *runFlags) options() (workload.Options, []error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	o := workload.Options{Seed: f.seed, Duration: f.duration, Warmup: f.warmup, Shards: f.shards, Workers: f.workers,
		Retention: f.retention, Spell: flagName}
	// Probabilities and bandwidths in the grammar every input shares.
	for _, p := range []struct {
		name string
		text string
		into *float64
	}{{"loss", f.loss, &o.Loss}, {"dup", f.dup, &o.Dup}, {"reorder", f.reorder, &o.Reorder}} {
		x, err := sim.ParseProbability(p.text)
		if err != nil {
			bad("--%s: %v", p.name, err)
		}
		*p.into = x
	}
	if b, err := sim.ParseBandwidth(f.bandwidth); err != nil {
		bad("--bandwidth: %v", err)
	} else {
		o.Bandwidth = b
	}
	if f.serviceTime != "" {
		o.ServiceTime = parseDistFlag(&errs, "service", &f.serviceTime)
	}
	o.Latency = parseDistFlag(&errs, "latency", &f.latency)
	o.ShardLatency = parseDistFlag(&errs, "shard-latency", &f.shardLatency)
	var err error
	if o.Modes, err = workload.ParseModes(f.mode); err != nil {
		bad("--mode: %v", err)
	}
	for _, s := range f.faults {
		flt, err := workload.ParseFault(s)
		if err != nil {
			bad("--fault %q: %v", s, err)
			continue
		}
		o.Faults = append(o.Faults, flt)
	}
	f.ths = nil
	for _, s := range f.thresholds {
		th, err := bench.ParseThreshold(s)
		if err != nil {
			bad("--threshold: %v", err)
			continue
		}
		f.ths = append(f.ths, th)
	}
	if o.Checks, err = workload.ParseChecks(f.checks); err != nil {
		bad("--checks %v", err)
	}
	if o.MaxMemory, err = sim.ParseSize(strings.ReplaceAll(f.maxMemory, " ", "")); err != nil {
		bad("--max-memory: %v", err)
	}
	return o, errs
}

// flagName spells an option the way the command line does.
func flagName(k workload.Key) string { return "--" + string(k) }

// parseDistFlag parses a distribution flag, "0" meaning none. "@FILE" reads
// measured samples, one duration per line (sim.LoadMeasured), and replaces
// the flag's value by their table, so that the command printed to reproduce
// the run needs no file.
func parseDistFlag(errs *[]error, name string, s *string) sim.Dist {
	if *s == "0" {
		return sim.Dist{}
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
		*errs = append(*errs, fmt.Errorf("--%s: %v", name, err))
	}
	return d
}

func callsFlags(fs *pflag.FlagSet) func(workload.Options) (workload.Workload, []error) {
	d := workload.Calls{}.WithDefaults()
	w := &d
	rate := d.Arrivals.(workload.Poisson).Rate
	ring, cancelAfter, talk := "lognormal(3s,0.6)", "uniform(2s,15s)", "exp(20s)"
	fs.IntVar(&w.Users, "users", w.Users, "number of users (one device each), up to 1,000,000 and beyond")
	fs.Float64Var(&rate, "rate", rate, "call arrival rate, calls per second of virtual time (Poisson)")
	fs.Float64Var(&w.Accept, "accept", 0.6, "probability the callee accepts")
	fs.Float64Var(&w.Reject, "reject", 0.1, "probability the callee rejects")
	fs.Float64Var(&w.Busy, "busy", 0.05, "probability the callee is busy elsewhere and rejects at once with data \"busy\"")
	fs.Float64Var(&w.NoAnswer, "no-answer", 0.15, "probability nobody answers (the invitation times out); it also takes whatever the five leave")
	fs.Float64Var(&w.Cancel, "cancel", 0.1, "probability the caller cancels before an answer")
	fs.StringVar(&ring, "ring-time", ring, "how long the callee lets it ring before accepting or rejecting")
	fs.StringVar(&cancelAfter, "cancel-after", cancelAfter, "when the caller cancels, after the invite")
	fs.StringVar(&talk, "talk-time", talk, "talk time after an accept; both users are busy meanwhile (0 = none)")
	timeout := secondsVar(fs, "timeout", w.Timeout, "invitation timeout in whole seconds: 30 or 30s (> 0)")
	arrivals := stagesVar(fs)
	return func(o workload.Options) (workload.Workload, []error) {
		arr, errs := arrivals(rate, &o)
		w.Options, w.Arrivals, w.Timeout = o, arr, timeout()
		w.RingTime = parseDistFlag(&errs, "ring-time", &ring)
		w.CancelAfter = parseDistFlag(&errs, "cancel-after", &cancelAfter)
		w.TalkTime = parseDistFlag(&errs, "talk-time", &talk)
		return w, errs
	}
}

func classroomFlags(fs *pflag.FlagSet) func(workload.Options) (workload.Workload, []error) {
	d := workload.Classroom{}.WithDefaults()
	w := &d
	think := "lognormal(1500ms,0.5)"
	fs.IntVar(&w.Groups, "groups", w.Groups, "number of classes (groups)")
	fs.IntVar(&w.Members, "members", w.Members, "members per group, the teacher included")
	fs.Float64Var(&w.Raise, "raise", 0.05, "probability a student raises a hand (accepts the raise-hand invitation)")
	fs.DurationVar(&w.RoundInterval, "round-interval", w.RoundInterval, "time between rounds of a class; rounds = duration / interval, classes start spread over one interval")
	fs.DurationVar(&w.Collect, "collect", w.Collect, "how long the teacher collects raised hands before inviting one to speak")
	fs.StringVar(&think, "think-time", think, "how long a student takes to answer after the ring")
	timeout := secondsVar(fs, "timeout", w.Timeout, "timeout of both invitations in whole seconds: 10 or 10s (> 0)")
	return func(o workload.Options) (workload.Workload, []error) {
		var errs []error
		w.Options, w.Timeout = o, timeout()
		w.ThinkTime = parseDistFlag(&errs, "think-time", &think)
		return w, errs
	}
}

func massTimeoutFlags(fs *pflag.FlagSet) func(workload.Options) (workload.Workload, []error) {
	d := workload.MassTimeout{}.WithDefaults()
	w := &d
	fs.IntVar(&w.Invitations, "invitations", w.Invitations, "number of invitations N (up to 1,000,000 and beyond)")
	fs.DurationVar(&w.Window, "window", 0, "virtual time over which the invitations are created (0 = --duration)")
	timeout := secondsVar(fs, "timeout", w.Timeout, "invitation timeout in whole seconds: 30 or 30s (> 0)")
	fs.IntVar(&w.Inviters, "inviters", w.Inviters, "inviting users (one device each); invitation i comes from inviter i mod inviters")
	fs.IntVar(&w.Invitees, "invitees", w.Invitees, "invited users (one device each)")
	fs.BoolVar(&w.Offline, "offline", false, "invitees never log in (offline push recorded, no ring)")
	fs.BoolVar(&w.OnlineOnly, "online-only", false, "invitations are online-only (nothing stored)")
	return func(o workload.Options) (workload.Workload, []error) {
		w.Options, w.Timeout = o, timeout()
		return w, nil
	}
}

func raceFlags(fs *pflag.FlagSet) func(workload.Options) (workload.Workload, []error) {
	d := workload.Race{}.WithDefaults()
	w := &d
	rate := d.Arrivals.(workload.Poisson).Rate
	spread := "auto"
	fs.IntVar(&w.Users, "users", w.Users, "number of users (one device each)")
	fs.Float64Var(&rate, "rate", rate, "call arrival rate per second of virtual time (Poisson)")
	fs.Float64Var(&w.CancelAccept, "cancel-accept", 0.5, "share of calls where the caller's cancel crosses the callee's accept")
	fs.Float64Var(&w.AcceptTimeout, "accept-timeout", 0.5, "share of calls where the callee accepts at the edge of the timeout (the rest are plain accepts)")
	fs.StringVar(&spread, "spread", spread, "how far apart the colliding actions are, a distribution (auto = uniform(0, 2 x mean latency))")
	timeout := secondsVar(fs, "timeout", w.Timeout, "invitation timeout in whole seconds: 30 or 30s (> 0)")
	arrivals := stagesVar(fs)
	return func(o workload.Options) (workload.Workload, []error) {
		arr, errs := arrivals(rate, &o)
		w.Options, w.Arrivals, w.Timeout = o, arr, timeout()
		w.Spread = nil
		if spread != "auto" {
			sd := parseDistFlag(&errs, "spread", &spread)
			w.Spread = &sd
		}
		return w, errs
	}
}

// stagesVar defines --stages, a load profile instead of a constant rate;
// the function it returns gives the arrivals (Poisson at rate without
// it) and sets the load's duration to the profile's end unless --duration
// is given (which must then agree).
func stagesVar(fs *pflag.FlagSet) func(rate float64, o *workload.Options) (workload.Arrivals, []error) {
	var s string
	fs.StringVar(&s, "stages", "", "load profile instead of --rate: TIME:RATE points with TIME from the start of the load and the rate linear in between, "+
		"e.g. 0s:100,5m:2000,10m:2000,12m:0 (unlike k6's stages, TIME is not a stage's duration); the load lasts until the last point")
	return func(rate float64, o *workload.Options) (workload.Arrivals, []error) {
		if s == "" {
			return workload.Poisson{Rate: rate}, nil
		}
		var errs []error
		if fs.Changed("rate") {
			errs = append(errs, errors.New("--rate and --stages: the stages give the rate over time; leave --rate out"))
		}
		st, err := workload.ParseStages(s)
		if err != nil {
			return workload.Poisson{Rate: rate}, append(errs, fmt.Errorf("--stages: %v", err))
		}
		if !fs.Changed("duration") {
			o.Duration = st.End()
		}
		return st, errs
	}
}

// secondsFlag is a timeout flag in whole seconds, as the API's timeout is an
// integer: it takes "30" (seconds) or a duration of whole seconds ("30s",
// "2m"). "1.5" or "1500ms" are usage errors, never a silent truncation to 1 s
// (or, under a second, to 0, which means "never times out").
type secondsFlag struct{ v *int }

// secondsVar defines a timeout flag in whole seconds; the function it
// returns gives its value.
func secondsVar(fs *pflag.FlagSet, name string, def time.Duration, usage string) func() time.Duration {
	v := int(def / time.Second)
	fs.Var(secondsFlag{&v}, name, usage)
	return func() time.Duration { return time.Duration(v) * time.Second }
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
		if n > math.MaxInt32 || n < math.MinInt32 {
			return fmt.Errorf("%s is out of range", s)
		}
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
