package sim

import (
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"time"

	"sigsim/engine"
)

// LinkOptions configure one direction of a simulated network link.
type LinkOptions struct {
	Latency   Dist    // one-way propagation delay
	Loss      float64 // probability a message is dropped
	Dup       float64 // probability a message is delivered twice
	Reorder   float64 // probability a message may overtake earlier ones
	Bandwidth int64   // bytes per second; 0 = unlimited
}

// Validate reports the first invalid option, or nil.
func (o LinkOptions) Validate() error {
	if err := o.Latency.Validate(); err != nil {
		return fmt.Errorf("latency: %w", err)
	}
	for _, p := range [...]struct {
		name string
		v    float64
	}{{"loss", o.Loss}, {"dup", o.Dup}, {"reorder", o.Reorder}} {
		if !(p.v >= 0 && p.v <= 1) { // also NaN
			return fmt.Errorf("%s %v is not a probability in [0,1]", p.name, p.v)
		}
	}
	if o.Bandwidth < 0 {
		return fmt.Errorf("bandwidth %d is negative (bytes per second, 0 = unlimited)", o.Bandwidth)
	}
	return nil
}

// String returns the canonical form, every field always present, e.g.
// "latency=uniform(10ms,50ms) loss=0.01 dup=0 reorder=0 bandwidth=0"
// (bandwidth in bytes per second, 0 = unlimited); a run prints it so the
// options are part of the record.
func (o LinkOptions) String() string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	return "latency=" + o.Latency.String() +
		" loss=" + f(o.Loss) +
		" dup=" + f(o.Dup) +
		" reorder=" + f(o.Reorder) +
		" bandwidth=" + FormatBandwidth(o.Bandwidth)
}

// Link is one direction of a network link: it decides, for each message
// sent, whether and when it arrives. It keeps the state that makes a link
// a queue (busy until the last message is serialized) and FIFO (no message
// arrives before an earlier non-reordered one).
type Link struct {
	opts    *LinkOptions // never written through: links with equal options may share them
	r       *Rand
	busy    engine.Time // time the last message finishes serializing
	lastArr engine.Time // latest arrival of a non-reordered message
}

// NewLink returns a link drawing from r (the link's own stream, so its draws
// never shift other components). opts should have passed Validate; invalid
// values never panic (probabilities act clamped to [0,1], a negative
// bandwidth as unlimited).
func NewLink(opts LinkOptions, r *Rand) *Link {
	l := new(Link)
	l.init(&opts, r)
	return l
}

// init sets up a link in place (a world's devices hold theirs inline) with
// options it may share with other links.
func (l *Link) init(opts *LinkOptions, r *Rand) {
	*l = Link{opts: opts, r: r, busy: math.MinInt64, lastArr: math.MinInt64}
}

// Options returns the link's current options.
func (l *Link) Options() LinkOptions { return *l.opts }

// SetOptions changes the options from now on, e.g. when a fault starts or
// heals; messages already sent keep their arrival times, and the queue and
// FIFO state carry over.
func (l *Link) SetOptions(opts LinkOptions) { l.opts = &opts }

// share is SetOptions with options shared with other links.
func (l *Link) share(opts *LinkOptions) { l.opts = opts }

// Heal sets the options a healed link goes back to and gives it a fresh path:
// frames still in flight keep their arrival times, but later ones no longer
// queue behind them (a frame stalled in a long latency tail would otherwise hold
// the link FIFO long after the fault healed).
func (l *Link) Heal(opts LinkOptions) { l.heal(&opts) }

// heal is Heal with options shared with other links.
func (l *Link) heal(opts *LinkOptions) {
	l.opts = opts
	l.lastArr = 0
}

// Send decides the fate of a message of size bytes handed to the link at
// time now. It returns n arrival times in arrivals[:n]: n = 0 if the message
// is lost, 1 normally, 2 if it is duplicated (the copy gets its own
// latency). A message waits for the previous one to finish serializing
// (size/Bandwidth), then travels for a Latency sample. Unless it is chosen
// to reorder, its arrival is clamped to no earlier than the previous
// non-reordered arrival, so with Reorder = 0 the link is FIFO whatever the
// latency distribution.
//
// The draws are always loss, reorder, dup, then one latency per copy, so a
// run is reproducible and a probability changed from 0 to p shifts no
// draws but the link's own.
func (l *Link) Send(now engine.Time, size int) (arrivals [2]engine.Time, n int) {
	start := max(now, l.busy)
	done := addSat(start, serialize(size, l.opts.Bandwidth))
	l.busy = done // a lost message still occupied the wire
	lost := l.r.Bool(l.opts.Loss)
	reorder := l.r.Bool(l.opts.Reorder)
	dup := l.r.Bool(l.opts.Dup)
	if lost {
		return arrivals, 0
	}
	n = 1
	if dup {
		n = 2
	}
	for i := 0; i < n; i++ {
		at := addSat(done, l.opts.Latency.Sample(l.r))
		if !reorder {
			at = max(at, l.lastArr)
			l.lastArr = at
		}
		arrivals[i] = at
	}
	return arrivals, n
}

// serialize returns the nanoseconds size bytes take at bw bytes per second,
// rounded up so every byte costs time; 0 if bw ≤ 0 (unlimited).
func serialize(size int, bw int64) time.Duration {
	if bw <= 0 || size <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(size), 1e9)
	if hi >= uint64(bw) {
		return math.MaxInt64 // quotient overflows: saturate
	}
	q, rem := bits.Div64(hi, lo, uint64(bw))
	if rem != 0 {
		q++
	}
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return time.Duration(q)
}

// addSat returns a+b (b ≥ 0) saturated at MaxInt64, so an extreme latency
// never wraps into the past.
func addSat(a engine.Time, b time.Duration) engine.Time {
	if s := a.Add(b); s >= a {
		return s
	}
	return math.MaxInt64
}
