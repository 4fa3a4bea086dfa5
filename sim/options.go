package sim

import (
	"errors"
	"fmt"
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
	// RTO and Retention are passed to the engine (0 = its defaults).
	RTO, Retention int64
	// LivenessBound: once every fault is healed, every invitation with a timeout
	// must be final at every observer within its timeout plus this bound
	// (default 10 s).
	LivenessBound int64
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
		o.LivenessBound = int64(10 * time.Second)
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
	if o.RTO < 0 || o.Retention < 0 || o.LivenessBound < 0 {
		errs = append(errs, errors.New("rto, retention and liveness bound must not be negative"))
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

// Describe lists every option, derived ones included, one "key=value" each, in a
// fixed order: the header of every run.
func (o Options) Describe() []string {
	o.fill()
	l := []string{
		fmt.Sprintf("seed=%d", o.Seed),
		"mode=" + o.Mode.String(),
		fmt.Sprintf("shards=%d", o.Shards),
		"link=" + o.Link.String(),
		"shard-latency=" + o.ShardLatency.String(),
	}
	if o.Service != (Dist{}) {
		l = append(l, "service="+o.Service.String(), fmt.Sprintf("workers=%d", o.Workers))
	}
	if o.RTO != 0 {
		l = append(l, "rto="+time.Duration(o.RTO).String())
	}
	if o.Retention != 0 {
		l = append(l, "retention="+time.Duration(o.Retention).String())
	}
	l = append(l, "liveness-bound="+time.Duration(o.LivenessBound).String())
	if o.Swarm != nil {
		l = append(l, "swarm="+o.Swarm.String())
	}
	if o.Rooms != nil {
		l = append(l, "rooms="+o.Rooms.String())
	}
	return l
}

// String is Describe on one line.
func (o Options) String() string { return strings.Join(o.Describe(), " ") }
