package workload

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"sigsim/bench"
	"sigsim/engine"
	"sigsim/sim"
)

// Options are what every workload has: the simulated world it runs in and
// the run around it. A zero field that could not mean itself (a duration, a
// shard count, a latency) takes the default its comment gives; elsewhere
// zero is zero (no service time, no loss, seed 0).
type Options struct {
	// Seed is the master seed: the same seed and options give the same
	// virtual metrics, on any machine.
	Seed uint64
	// Duration is the virtual time during which load arrives, after the
	// warm-up (0: 60s; with Stages, their end; MassTimeout: 1s).
	Duration time.Duration
	// Warmup is the virtual time for the logins before the load starts
	// (0: enough for every login at half the shards' capacity, at least
	// 1s; see Prepared.Warmup).
	Warmup time.Duration
	// Shards is the number of server shards (0: 1), Workers the frames a
	// shard serves at once, the c of M/M/c (0: 1).
	Shards, Workers int
	// ServiceTime is a shard's service time per frame (zero: none, frames
	// are served at once and never queue).
	ServiceTime sim.Dist
	// Latency is the one-way device<->shard latency (zero: 20ms; Race:
	// lognormal(30ms,1.5)), ShardLatency the shard<->shard bus latency
	// (zero: 1ms).
	Latency, ShardLatency sim.Dist
	// Loss, Dup and Reorder are the probabilities that a device<->shard
	// frame is lost, delivered twice, or may overtake earlier ones.
	Loss, Dup, Reorder float64
	// Bandwidth is the links' bandwidth in bytes per second (0: unlimited).
	Bandwidth int64
	// Modes are the arbitration modes to run the workload in, one world
	// each, in turn (nil: server; Race: server, then client). More than one
	// is for Race, whose metrics are then prefixed by mode ("server.ring").
	Modes []engine.Mode
	// Faults are node faults, each over a period after the warm-up.
	Faults []Fault
	// Checks says whether the invariant checkers run (zero: ChecksAuto).
	Checks Checks
	// Retention is how long shards keep the history of ended invitations
	// (0: the engine's default, 10m).
	Retention time.Duration
	// MaxMemory refuses, before anything is allocated, a run whose
	// estimated peak memory is larger (0: sim.DefaultMaxMemory).
	MaxMemory int64

	// Progress, if set, is told how far the run is, between slices of
	// events (about every 0.5% of its virtual time, never in the middle of
	// the simulation's work). It must not touch the world.
	Progress func(Progress)
	// AtLoadEnd, if set, is called once when the load has ended (MassTimeout:
	// again at the peak of live invitations), with the world still whole:
	// the moment for a heap profile, which at exit would find it gone. An
	// error at MassTimeout's peak ends the run with it; elsewhere the call
	// is simply counted as not made, and the next chance tries again.
	AtLoadEnd func() error
	// Spell, if set, writes the name of an option in the run's findings
	// ("raise --warmup" in sigbench); nil writes its Key.
	Spell func(Key) string
}

// Progress is how far a run is, for a progress bar.
type Progress struct {
	// Mode is the arbitration mode of the world running (a workload of
	// several modes runs one after the other).
	Mode engine.Mode
	// Now is the virtual time reached, Horizon the virtual time the world
	// will run to (warm-up and drain included).
	Now, Horizon time.Duration
	// Done: the world of this mode is finished (or was interrupted).
	Done bool
}

// Checks says whether the invariant checkers run.
type Checks uint8

const (
	// ChecksAuto runs them when a run makes at most AutoChecksLimit
	// invitations.
	ChecksAuto Checks = iota
	ChecksOn
	ChecksOff
)

var checksNames = [...]string{"auto", "on", "off"}

func (c Checks) String() string {
	if int(c) < len(checksNames) {
		return checksNames[c]
	}
	return fmt.Sprintf("Checks(%d)", uint8(c))
}

// ParseChecks reads "auto", "on" or "off".
func ParseChecks(s string) (Checks, error) {
	for i, n := range checksNames {
		if s == n {
			return Checks(i), nil
		}
	}
	return 0, fmt.Errorf("%q: want on, off or auto", s)
}

// AutoChecksLimit: with ChecksAuto the invariant checkers run when a run
// makes at most this many invitations. Their memory grows with every one,
// by about 100 B (sim's BenchmarkCheckerMemory), and they cost about a
// quarter more wall time: a million invitations stay well within a laptop.
const AutoChecksLimit = 1_000_000

// ParseModes reads an arbitration mode, "server" or "client", or "both"
// (server, then client: for Race).
func ParseModes(s string) ([]engine.Mode, error) {
	if s == "both" {
		return []engine.Mode{engine.ModeServer, engine.ModeClient}, nil
	}
	m, err := engine.ParseMode(s)
	if err != nil {
		return nil, err
	}
	return []engine.Mode{m}, nil
}

// FormatModes writes modes as ParseModes reads them.
func FormatModes(ms []engine.Mode) string {
	if len(ms) > 1 {
		return "both"
	}
	return ms[0].String()
}

// defaults are the values a workload gives the zero Options fields that
// stand for a default.
type defaults struct {
	duration time.Duration
	latency  sim.Dist
	modes    []engine.Mode
}

var commonDefaults = defaults{duration: 60 * time.Second, latency: sim.Const(sim.DefaultLatency),
	modes: []engine.Mode{engine.ModeServer}}

// withDefaults returns o with every zero field that stands for a default
// set to it.
func (o Options) withDefaults(d defaults) Options {
	if o.Duration == 0 {
		o.Duration = d.duration
	}
	if o.Shards == 0 {
		o.Shards = 1
	}
	if o.Workers == 0 {
		o.Workers = 1
	}
	if o.Latency == (sim.Dist{}) {
		o.Latency = d.latency
	}
	if o.Modes == nil {
		o.Modes = d.modes
	}
	return o
}

// problems lists every invalid option; several modes are an error unless
// several is true.
func (o *Options) problems(several bool) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, optionErrorf(format, args...)) }
	if o.Duration <= 0 {
		bad("%s %s must be positive", Key("duration"), o.Duration)
	}
	if o.Warmup < 0 {
		bad("%s %s must not be negative", Key("warmup"), o.Warmup)
	}
	if o.Shards < 1 || o.Shards > 1<<16 {
		bad("%s %d out of range [1,65536]", Key("shards"), o.Shards)
	}
	if o.Workers < 1 {
		bad("%s %d must be at least 1", Key("workers"), o.Workers)
	}
	if o.Latency == (sim.Dist{}) {
		bad("%s must be positive (the simulator takes a zero latency as its 20ms default)", Key("latency"))
	}
	for _, p := range []struct {
		name Key
		v    float64
	}{{"loss", o.Loss}, {"dup", o.Dup}, {"reorder", o.Reorder}} {
		if !(p.v >= 0 && p.v <= 1) {
			bad("%s %v is not a probability in [0,1]", p.name, p.v)
		}
	}
	if o.Bandwidth < 0 {
		bad("%s %d must not be negative", Key("bandwidth"), o.Bandwidth)
	}
	if o.Retention < 0 {
		bad("%s %s must not be negative", Key("retention"), o.Retention)
	}
	switch {
	case len(o.Modes) == 0:
		bad("%s: no arbitration mode; want server or client", Key("mode"))
	case len(o.Modes) > 1 && !several:
		bad(`%s: "both" is for the race workload; want server or client`, Key("mode"))
	case len(o.Modes) > 2 || len(o.Modes) == 2 && (o.Modes[0] != engine.ModeServer || o.Modes[1] != engine.ModeClient):
		bad("%s: want server, client, or both (server, then client)", Key("mode"))
	}
	for _, m := range o.Modes {
		if m != engine.ModeServer && m != engine.ModeClient {
			bad("%s: unknown arbitration mode %s", Key("mode"), m)
		}
	}
	for _, f := range o.Faults {
		if err := f.validate(); err != nil {
			bad("%s %q: %v", Key("fault"), f.String(), err)
		}
	}
	if o.Checks > ChecksOff {
		bad("%s %s: want on, off or auto", Key("checks"), o.Checks)
	}
	if o.MaxMemory < 0 {
		bad("%s %d must not be negative", Key("max-memory"), o.MaxMemory)
	}
	if len(errs) > 0 {
		return errs
	}
	if err := o.simOptions(o.Modes[0], false).Validate(); err != nil {
		return []error{err}
	}
	return nil
}

// simOptions returns the simulator options of one mode's world.
func (o *Options) simOptions(mode engine.Mode, checks bool) sim.Options {
	return sim.Options{
		Seed:         o.Seed,
		Mode:         mode,
		Shards:       o.Shards,
		Link:         sim.LinkOptions{Latency: o.Latency, Loss: o.Loss, Dup: o.Dup, Reorder: o.Reorder, Bandwidth: o.Bandwidth},
		ShardLatency: o.ShardLatency,
		Service:      o.ServiceTime,
		Workers:      o.Workers,
		Retention:    o.Retention,
		NoChecks:     !checks,
		KeepGoing:    true,
	}
}

// describe lists the options for a report header: the simulator's (with
// the modes as "mode=both" when there are two), then those it leaves out.
func (o *Options) describe(warmup int64, checks bool) []bench.Option {
	var l []bench.Option
	for _, kv := range o.simOptions(o.Modes[0], checks).Describe() {
		k, v, _ := strings.Cut(kv, "=")
		if k == "mode" {
			v = FormatModes(o.Modes)
		}
		l = append(l, bench.Option{Key: k, Value: v})
	}
	l = append(l,
		bench.Option{Key: "duration", Value: o.Duration.String()},
		bench.Option{Key: "warmup", Value: time.Duration(warmup).String()},
		bench.Option{Key: "checks", Value: onOff(checks)})
	for _, f := range o.Faults {
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

// validProbs checks named probabilities: each in [0,1], summing to at most 1.
func validProbs(names []Key, ps []float64) error {
	sum := 0.0
	for i, p := range ps {
		if !(p >= 0 && p <= 1) {
			return optionErrorf("%s %v is not a probability in [0,1]", names[i], p)
		}
		sum += p
	}
	if sum > 1+1e-9 {
		format, args := "probabilities sum to %g, more than 1: ", []any{sum}
		for i := range names {
			if i > 0 {
				format += " + "
			}
			format += "%s %g"
			args = append(args, names[i], ps[i])
		}
		return optionErrorf(format, args...)
	}
	return nil
}

// validTimeout checks an invitation timeout: whole seconds (the API's
// timeout is an integer number of seconds), 1s..1h.
func validTimeout(t time.Duration) error {
	if t%time.Second != 0 {
		return optionErrorf("%s %s is not a whole number of seconds: the API's timeout is an integer number of seconds", Key("timeout"), t)
	}
	if t <= 0 || t > time.Hour {
		return optionErrorf("%s %d must be in 1..3600 seconds", Key("timeout"), int64(t/time.Second))
	}
	return nil
}

// fmtFloat writes an option's number: an integer without a point.
func fmtFloat(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'g', 12, 64)
}
