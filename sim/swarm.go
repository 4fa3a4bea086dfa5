package sim

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"sigsim/engine"
	"sigsim/sim/trace"
)

// SwarmKinds are the fault kinds swarm mode can choose from.
var SwarmKinds = []string{"loss", "dup", "reorder", "latency", "partition", "crash", "shard-crash", "pause", "disconnect", "skew"}

// SwarmOptions lets the seed decide which faults are on and how strong, as in
// FoundationDB's and TigerBeetle's swarm testing: each seed explores a different
// corner instead of every seed the same average.
type SwarmOptions struct {
	// Until is when every fault heals (HealAll); faults happen before it.
	Until int64
	// Kinds are the fault kinds to choose from; empty means all of SwarmKinds.
	Kinds []string
	// Intensity scales how often and how hard faults hit, in (0,1]; 0 means 0.5.
	Intensity float64
}

// Validate reports invalid swarm options.
func (s SwarmOptions) Validate() error {
	var errs []error
	if s.Until <= 0 {
		errs = append(errs, errors.New("until must be positive (when do faults heal?)"))
	}
	if s.Intensity < 0 || s.Intensity > 1 {
		errs = append(errs, fmt.Errorf("intensity %g out of range (0,1]", s.Intensity))
	}
	for _, k := range s.Kinds {
		if !slices.Contains(SwarmKinds, k) {
			errs = append(errs, fmt.Errorf("unknown fault kind %q (want %s)", k, strings.Join(SwarmKinds, ", ")))
		}
	}
	return errors.Join(errs...)
}

func (s SwarmOptions) String() string {
	kinds := "all"
	if len(s.Kinds) > 0 {
		kinds = strings.Join(s.Kinds, ",")
	}
	return fmt.Sprintf("until=%s,kinds=%s,intensity=%g", time.Duration(s.Until), kinds, s.intensity())
}

func (s SwarmOptions) intensity() float64 {
	if s.Intensity == 0 {
		return 0.5
	}
	return s.Intensity
}

// SwarmPlan lists what swarm mode chose for this seed, one fault a line.
func (w *World) SwarmPlan() []string { return w.swarmPlan }

// planSwarm draws this seed's faults once the population exists (at the first
// step), from its own random stream.
func (w *World) planSwarm(s SwarmOptions) {
	r := NewRand(w.opts.Seed, "swarm")
	in := s.intensity()
	kinds := s.Kinds
	if len(kinds) == 0 {
		kinds = SwarmKinds
	}
	var on []string
	for _, k := range kinds {
		if r.Bool(0.5) {
			on = append(on, k)
		}
	}
	if len(on) == 0 {
		on = append(on, kinds[r.IntN(len(kinds))])
	}
	plan := func(format string, args ...any) {
		line := fmt.Sprintf(format, args...)
		w.swarmPlan = append(w.swarmPlan, line)
		w.textEvent(trace.Note, -1, -1, "swarm plan: "+line) // printed and recorded with the run
	}
	link := w.opts.Link
	episodes := 1 + r.IntN(1+int(6*in))
	when := func() int64 { return r.Int64N(max(1, s.Until*4/5)) }
	length := func() int64 { return int64(time.Second) + r.Int64N(max(1, int64(in*float64(s.Until)/3))) }
	pick := func() *Device { return w.devs[r.IntN(len(w.devs))] }
	for _, k := range on {
		switch k {
		case "loss":
			link.Loss = r.Float64() * 0.3 * in
			plan("loss=%.3f", link.Loss)
		case "dup":
			link.Dup = r.Float64() * 0.2 * in
			plan("dup=%.3f", link.Dup)
		case "reorder":
			link.Reorder = r.Float64() * 0.5 * in
			plan("reorder=%.3f", link.Reorder)
		case "latency":
			choices := []Dist{Uniform(5*time.Millisecond, 200*time.Millisecond), LogNormal(40*time.Millisecond, 0.8),
				Pareto(10*time.Millisecond, 1.5), Normal(80*time.Millisecond, 30*time.Millisecond)}
			link.Latency = choices[r.IntN(len(choices))]
			plan("latency=%s", link.Latency)
		}
	}
	if len(w.devs) == 0 {
		return
	}
	if link != w.opts.Link {
		for _, d := range w.devs {
			d.up.share(&link)
			d.dn.share(&link)
			d.linkDefault = false
		}
	}
	for _, k := range on {
		for e := 0; e < episodes; e++ {
			at, dur := when(), length()
			switch k {
			case "partition":
				d := pick()
				oneWay := r.Bool(0.3)
				plan("at %s partition %s|s%d oneway=%v for %s", fmtDur(at), d.Name, d.Home, oneWay, fmtDur(dur))
				w.At(at, func() { w.PartitionFor([]engine.Addr{d.Addr}, []engine.Addr{engine.Addr(d.Home)}, oneWay, dur) })
			case "crash":
				d := pick()
				plan("at %s crash %s for %s", fmtDur(at), d.Name, fmtDur(dur))
				w.At(at, func() { w.CrashFor(d.Addr, dur) })
			case "shard-crash":
				k := engine.Addr(r.IntN(len(w.shards)))
				plan("at %s crash s%d for %s", fmtDur(at), k, fmtDur(dur))
				w.At(at, func() { w.CrashFor(k, dur) })
			case "pause":
				var a engine.Addr
				if r.Bool(0.5) {
					a = engine.Addr(r.IntN(len(w.shards)))
				} else {
					a = pick().Addr
				}
				plan("at %s pause %s for %s", fmtDur(at), w.nodeName(a), fmtDur(dur))
				w.At(at, func() { w.Pause(a, dur) })
			case "disconnect":
				d := pick()
				plan("at %s disconnect %s for %s", fmtDur(at), d.Name, fmtDur(dur))
				w.At(at, func() { w.DisconnectFor(d, dur) })
			case "skew":
				d := pick()
				off := r.Int64N(int64(20*time.Second)) - int64(10*time.Second)
				drift := (r.Float64() - 0.5) * 0.02 * in
				plan("skew %s offset=%s drift=%s", d.Name, fmtDur(off), strconv.FormatFloat(drift, 'f', 5, 64))
				w.At(0, func() { _ = w.Skew(d.Addr, off, drift) })
			}
			if k == "skew" {
				break
			}
		}
	}
	w.At(s.Until, w.HealAll)
}

// SwarmMix is an operation mix swarm mode chose for one workload of a run:
// the shares of invitations their invitee accepts, rejects, or their inviter
// cancels (the rest go unanswered and time out; the shares sum to at most
// 1), and the share invited online-only.
type SwarmMix struct {
	Accept, Reject, Cancel float64
	OnlineOnly             float64
}

func (m SwarmMix) String() string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) }
	return "accept=" + f(m.Accept) + " reject=" + f(m.Reject) + " cancel=" + f(m.Cancel) + " online-only=" + f(m.OnlineOnly)
}

// SwarmMix chooses the operation mix of the workload named name (say
// "generate/1") when swarm mode is on, so that seeds explore different mixes
// as they explore different faults: the answer shares uniformly over the
// simplex (no answer included), and, on half the seeds, some online-only
// invitations. The choice comes from the workload's own stream and is
// recorded in the swarm plan and the trace. ok is false when swarm mode is off.
func (w *World) SwarmMix(name string) (m SwarmMix, ok bool) {
	if w.opts.Swarm == nil {
		return SwarmMix{}, false
	}
	r := NewRand(w.opts.Seed, "swarm/mix/"+name)
	cuts := []float64{r.Float64(), r.Float64(), r.Float64()}
	slices.Sort(cuts)
	m.Accept, m.Reject, m.Cancel = cuts[0], cuts[1]-cuts[0], cuts[2]-cuts[1]
	if r.Bool(0.5) {
		m.OnlineOnly = r.Float64() * 0.5
	}
	line := name + " mix " + m.String()
	w.swarmPlan = append(w.swarmPlan, line)
	w.textEvent(trace.Note, -1, -1, "swarm plan: "+line)
	return m, true
}
