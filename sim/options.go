package sim

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"sigsim/engine"
)

// Options configures a world. Every fault is a field, as in TigerBeetle's VOPR; the
// zero value is a fault-free single shard in server mode with 20 ms links.
type Options struct {
	// Seed drives every random choice of the run; each component draws from its own
	// stream derived from (Seed, component name).
	Seed uint64
	// Mode is the arbitration mode: server (the correct engine) or client (legacy).
	Mode engine.Mode
	// Shards is the number of server shards (default 1).
	Shards int
	// Link is the default device↔shard link, each direction drawn independently.
	// A zero Latency means 20 ms constant.
	Link LinkOptions
	// ShardLatency is the one-way latency of the links between shards (default
	// 1 ms). They are FIFO, like TCP, but lose what a partition or a crashed
	// shard catches, like any link: the shards' own bus layer (sequence, ack,
	// resend, dedup) makes them reliable.
	ShardLatency Dist
	// Service is the virtual time a shard spends on each frame it receives; zero
	// means none. Frames queue while every worker is busy, so load makes delay.
	Service Dist
	// Workers is the number of frames a shard serves at once (c of M/M/c; default 1).
	Workers int
	// RTO, MaxRTO and Retention are passed to the engine (0 = its defaults):
	// RTO is the initial and least retransmission timeout of every reliable
	// sender, MaxRTO the most it adapts or backs off to.
	RTO, MaxRTO, Retention time.Duration
	// LivenessBound: once every fault is healed, every invitation with a timeout
	// must be final at every observer within its timeout plus this bound
	// (default 10 s).
	LivenessBound time.Duration
	// KeepGoing keeps running after an invariant violation (default: stop).
	KeepGoing bool
	// NoChecks turns the invariant checkers off (benchmarks of raw speed), and
	// with them the wire check.
	NoChecks bool
	// NoWireCheck turns the wire check (flight.go) off while the checkers are
	// on. It changes nothing else: a run's hash is the same either way.
	NoWireCheck bool
	// Record keeps every trace event in memory, with its text (for output, trace
	// files and replay); the hash is computed either way.
	Record bool
	// Swarm, if set, lets the seed choose which faults are on and how strong.
	Swarm *SwarmOptions
	// Rooms, if set, sets up the room service (rooms.go) with these options;
	// unset, the first room call sets it up with the defaults.
	Rooms *RoomOptions
}

// DefaultLatency is the device link latency when none is given.
const DefaultLatency = 20 * time.Millisecond

func (o *Options) fill() {
	if o.Shards <= 0 {
		o.Shards = 1
	}
	if o.Link.Latency == (Dist{}) {
		o.Link.Latency = Const(DefaultLatency)
	}
	if o.ShardLatency == (Dist{}) {
		o.ShardLatency = Const(time.Millisecond)
	}
	if o.Workers <= 0 {
		o.Workers = 1
	}
	if o.LivenessBound <= 0 {
		o.LivenessBound = 10 * time.Second
	}
}

// Validate reports every invalid option, never panicking.
func (o Options) Validate() error {
	var errs []error
	if o.Shards < 0 || o.Shards > 1<<16 {
		errs = append(errs, fmt.Errorf("shards %d out of range [1,65536]", o.Shards))
	}
	if o.Mode != engine.ModeServer && o.Mode != engine.ModeClient {
		errs = append(errs, fmt.Errorf("unknown mode %d", o.Mode))
	}
	// Zero means "the default"; a negative value is a mistake, checked before
	// fill replaces it.
	if o.Workers < 0 {
		errs = append(errs, fmt.Errorf("workers %d must not be negative (0 = 1)", o.Workers))
	}
	if o.RTO < 0 || o.MaxRTO < 0 || o.Retention < 0 || o.LivenessBound < 0 {
		errs = append(errs, errors.New("rto, max-rto, retention and liveness bound must not be negative"))
	}
	if rto := cmp.Or(o.RTO, engine.DefaultRTO); o.MaxRTO > 0 && o.MaxRTO < rto {
		errs = append(errs, fmt.Errorf("max-rto %v must not be below rto %v", time.Duration(o.MaxRTO), time.Duration(rto)))
	}
	o.fill()
	if err := o.Link.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("link: %w", err))
	}
	if err := o.ShardLatency.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("shard latency: %w", err))
	}
	if o.Service != (Dist{}) {
		if err := o.Service.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("service: %w", err))
		}
	}
	if o.Swarm != nil {
		if err := o.Swarm.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("swarm: %w", err))
		}
	}
	if o.Rooms != nil {
		if err := o.Rooms.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("rooms: %w", err))
		}
	}
	return errors.Join(errs...)
}

// An option key is a world option by the one name it has everywhere: a
// scenario's world line (key=value), sigbench's flags (--key=value), and the
// header of every run (Describe), which pastes back as a world line.
type optionKey struct {
	name string
	help string
	set  func(o *Options, v string) error
	get  func(o Options) string // "" when it is left out of the header (a default that says nothing)
}

func durOption(v string, into *time.Duration) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("invalid duration %q (want e.g. 100ms, 1.5s, 2m)", v)
	}
	if d < 0 {
		return fmt.Errorf("negative duration %q", v)
	}
	*into = d
	return nil
}

func intOption(v string, into *int) error {
	n, err := strconv.Atoi(strings.ReplaceAll(v, "_", ""))
	if err != nil {
		return fmt.Errorf("invalid integer %q", v)
	}
	*into = n
	return nil
}

func distOption(v string, into *Dist) error {
	d, err := ParseDist(v)
	if err != nil {
		return err
	}
	*into = d
	return nil
}

func probOption(v string, into *float64) error {
	p, err := ParseProbability(v)
	if err != nil {
		return err
	}
	*into = p
	return nil
}

func fmtFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

var optionKeys = []optionKey{
	{"seed", "the master seed: every random choice of the run derives from it",
		func(o *Options, v string) error {
			n, err := strconv.ParseUint(strings.ReplaceAll(v, "_", ""), 10, 64)
			if err != nil {
				return fmt.Errorf("invalid seed %q (want an unsigned integer)", v)
			}
			o.Seed = n
			return nil
		}, func(o Options) string { return strconv.FormatUint(o.Seed, 10) }},
	{"mode", "the arbitration mode: server (the correct engine) or client (the legacy SDKs)",
		func(o *Options, v string) (err error) { o.Mode, err = engine.ParseMode(v); return err },
		func(o Options) string { return o.Mode.String() }},
	{"shards", "the number of server shards",
		func(o *Options, v string) error { return intOption(v, &o.Shards) },
		func(o Options) string { return strconv.Itoa(o.Shards) }},
	{"latency", "the device links' one-way latency: a duration or a distribution",
		func(o *Options, v string) error { return distOption(v, &o.Link.Latency) },
		func(o Options) string { return o.Link.Latency.String() }},
	{"loss", "the probability a device link loses a frame (0.01 or 1%)",
		func(o *Options, v string) error { return probOption(v, &o.Link.Loss) },
		func(o Options) string { return fmtFloat(o.Link.Loss) }},
	{"dup", "the probability a device link delivers a frame twice",
		func(o *Options, v string) error { return probOption(v, &o.Link.Dup) },
		func(o Options) string { return fmtFloat(o.Link.Dup) }},
	{"reorder", "the probability a frame may overtake earlier ones on a device link",
		func(o *Options, v string) error { return probOption(v, &o.Link.Reorder) },
		func(o Options) string { return fmtFloat(o.Link.Reorder) }},
	{"bandwidth", "the device links' bandwidth, with a unit (10Mbps, 1MB/s; 0 = unlimited)",
		func(o *Options, v string) (err error) { o.Link.Bandwidth, err = ParseBandwidth(v); return err },
		func(o Options) string { return FormatBandwidth(o.Link.Bandwidth) }},
	{"shard-latency", "the shard-to-shard links' one-way latency",
		func(o *Options, v string) error { return distOption(v, &o.ShardLatency) },
		func(o Options) string { return o.ShardLatency.String() }},
	{"service", "the time a shard spends on each frame it receives: a duration or a distribution (0 = none)",
		func(o *Options, v string) error { return distOption(v, &o.Service) },
		func(o Options) string {
			if o.Service == (Dist{}) {
				return ""
			}
			return o.Service.String()
		}},
	{"workers", "the frames a shard serves at once (c of M/M/c)",
		func(o *Options, v string) error { return intOption(v, &o.Workers) },
		func(o Options) string {
			if o.Service == (Dist{}) {
				return ""
			}
			return strconv.Itoa(o.Workers)
		}},
	{"rto", "how long a frame first waits for its acknowledgement before it is resent, and the least the timeout adapts to (0 = the engine's 1s)",
		func(o *Options, v string) error { return durOption(v, &o.RTO) },
		func(o Options) string { return durOrEmpty(o.RTO) }},
	{"max-rto", "the most a retransmission timeout adapts or backs off to (0 = the engine's 4s)",
		func(o *Options, v string) error { return durOption(v, &o.MaxRTO) },
		func(o Options) string { return durOrEmpty(o.MaxRTO) }},
	{"retention", "how long shards keep the history of ended invitations (0 = the engine's 10m)",
		func(o *Options, v string) error { return durOption(v, &o.Retention) },
		func(o Options) string { return durOrEmpty(o.Retention) }},
	{"liveness-bound", "once every fault healed, each invitation with a timeout is final everywhere by its timeout plus this",
		func(o *Options, v string) error { return durOption(v, &o.LivenessBound) },
		func(o Options) string { return time.Duration(o.LivenessBound).String() }},
	{"rooms", "the number of room nodes of the room service (the TRTC stand-in), r0, r1, ...",
		func(o *Options, v string) error {
			n := 0
			if err := intOption(v, &n); err != nil {
				return err
			}
			o.Rooms = &RoomOptions{Nodes: n}
			return nil
		},
		func(o Options) string {
			if o.Rooms == nil {
				return ""
			}
			r := *o.Rooms
			r.fill()
			return strconv.Itoa(r.Nodes)
		}},
}

func durOrEmpty(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return time.Duration(d).String()
}

// OptionNames lists the world options by name, in the header's order.
func OptionNames() []string {
	l := make([]string, len(optionKeys))
	for i, k := range optionKeys {
		l[i] = k.name
	}
	return l
}

// OptionHelp is the one-line description of an option.
func OptionHelp(name string) string {
	for _, k := range optionKeys {
		if k.name == name {
			return k.help
		}
	}
	return ""
}

// IsOption tells whether name is a world option.
func IsOption(name string) bool { return OptionHelp(name) != "" }

// Set sets option key to its text value, in the grammar every input shares
// (durations, distributions, probabilities, bandwidths with units).
func (o *Options) Set(key, value string) error {
	for _, k := range optionKeys {
		if k.name == key {
			return k.set(o, value)
		}
	}
	return fmt.Errorf("unknown option %q (want %s)", key, strings.Join(OptionNames(), ", "))
}

// Describe lists every option, derived ones included, one "key=value" each, in
// a fixed order: the header of every run. All but swarm= are world options:
// pasted after "world", they set up the same world.
func (o Options) Describe() []string {
	o.fill()
	var l []string
	for _, k := range optionKeys {
		if v := k.get(o); v != "" {
			l = append(l, k.name+"="+v)
		}
	}
	if o.Swarm != nil {
		l = append(l, "swarm="+o.Swarm.String())
	}
	return l
}

// WorldLine is the header's world options as a scenario's world line.
func (o Options) WorldLine() string {
	var l []string
	for _, kv := range o.Describe() {
		if k, _, _ := strings.Cut(kv, "="); IsOption(k) {
			l = append(l, kv)
		}
	}
	return "world " + strings.Join(l, " ")
}

// String is Describe on one line.
func (o Options) String() string { return strings.Join(o.Describe(), " ") }
