package main

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/pflag"

	"sigsim/bench"
	"sigsim/engine"
	"sigsim/sim"
)

// raceWorkload: 1:1 calls built to collide. A cancel-accept call has the
// caller cancel about when the callee accepts, so the two cross in the
// network; an accept-timeout call has the callee accept at the edge of its
// timeout. Run in both arbitration modes, it counts the anomalies the legacy
// client mode lets through (per 1,000 calls) and proves there are none in
// server mode.
//
// Anomalies are found by comparing, per call, what the inviter and the
// invitee learned (see dialer): views that disagree, an outcome learned twice,
// an outcome of a call that never rang, a call left without an outcome, a
// callback long after the end. With --checks the simulator's invariant
// checkers run too (KeepGoing) and their violations are counted apart.
type raceWorkload struct {
	users         int
	arrivals      float64
	pCancelAccept float64
	pAcceptTO     float64
	spread        string
	timeout       int

	spreadD sim.Dist
	hop     int64 // estimated one-way trip: device→shard→device is 2 hops
}

func (*raceWorkload) name() string { return "race" }
func (*raceWorkload) summary() string {
	return "cancel/accept and accept/timeout collisions, anomalies per 1,000 calls by mode"
}
func (*raceWorkload) defaults(c *common) {
	c.arbiter = "both"
	c.latency = "lognormal(30ms,1.5)"
}

func (rw *raceWorkload) register(fs *pflag.FlagSet) {
	fs.IntVar(&rw.users, "users", 2000, "number of users (one device each)")
	fs.Float64Var(&rw.arrivals, "rate", 100, "call arrival rate per second of virtual time (Poisson)")
	fs.Float64Var(&rw.pCancelAccept, "cancel-accept", 0.5, "share of calls where the caller's cancel crosses the callee's accept")
	fs.Float64Var(&rw.pAcceptTO, "accept-timeout", 0.5, "share of calls where the callee accepts at the edge of the timeout (the rest are plain accepts)")
	fs.StringVar(&rw.spread, "spread", "auto", "how far apart the colliding actions are, a distribution (auto = uniform(0, 2 x mean latency))")
	secondsVar(fs, &rw.timeout, "timeout", 10, "invitation timeout in whole seconds: 30 or 30s (> 0)")
}

func (rw *raceWorkload) check(c *common) error {
	var errs []error
	if rw.users < 2 {
		errs = append(errs, fmt.Errorf("--users %d: need at least 2", rw.users))
	}
	if !(rw.arrivals > 0) || rw.arrivals > 1e9 {
		errs = append(errs, fmt.Errorf("--rate %v must be > 0 and at most 1e9", rw.arrivals))
	}
	if err := validProb([]string{"cancel-accept", "accept-timeout"}, []float64{rw.pCancelAccept, rw.pAcceptTO}); err != nil {
		errs = append(errs, err)
	}
	if rw.timeout <= 0 || rw.timeout > 3600 {
		errs = append(errs, fmt.Errorf("--timeout %d must be in 1..3600 seconds", rw.timeout))
	}
	rw.hop = int64(c.latencyD.Mean() + c.serviceD.Mean())
	if rw.spread == "auto" {
		rw.spreadD = sim.Uniform(0, time.Duration(2*c.latencyD.Mean()))
	} else {
		var err error
		if rw.spreadD, err = parseDistFlag("spread", &rw.spread); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	c.autoWarmup(rw.users)
	return nil
}

// footprint: the users, and the calls alive for at most their timeout plus
// the 30 s the dialer keeps a call after it ended (one mode at a time).
func (rw *raceWorkload) footprint(c *common) sim.Footprint {
	return c.flowFootprint(rw.users, rw.invitations(c), rw.arrivals, float64(rw.timeout+30))
}

func (rw *raceWorkload) describe() []bench.Option {
	return []bench.Option{
		{Key: "users", Value: strconv.Itoa(rw.users)},
		{Key: "rate", Value: fmtFloat(rw.arrivals)},
		{Key: "cancel-accept", Value: fmtFloat(rw.pCancelAccept)},
		{Key: "accept-timeout", Value: fmtFloat(rw.pAcceptTO)},
		{Key: "spread", Value: rw.spreadD.String()},
		{Key: "timeout", Value: strconv.Itoa(rw.timeout) + "s"},
	}
}

func (*raceWorkload) produces() produced {
	return dialerProduces().with("calls", "anomalies_per_million_calls")
}

func (rw *raceWorkload) rate() float64     { return rw.arrivals }
func (rw *raceWorkload) setRate(r float64) { rw.arrivals = r }

func (rw *raceWorkload) invitations(c *common) float64 {
	return rw.arrivals * c.duration.Seconds()
}

func (rw *raceWorkload) horizon(c *common) int64 {
	// Long latency tails hold messages for seconds: drain longer.
	return c.warmupNS + int64(c.duration) + drainTime(rw.timeout) + int64(40*time.Second)
}

func (rw *raceWorkload) simulate(e *env) error {
	c := e.c
	w, err := e.newWorld()
	if err != nil {
		return err
	}
	devs, users, err := population(w, "u", rw.users)
	if err != nil {
		return err
	}
	d, err := newDialer(e, devs, users, rw.timeout)
	if err != nil {
		return err
	}
	d.linger = int64(30 * time.Second)
	start := c.warmupNS
	end := start + int64(c.duration)
	horizon := rw.horizon(c)
	loginSpread(w, devs, c.spreadNS)
	if err := e.begin(start); err != nil {
		return err
	}
	// The same draws in both modes: the same calls collide in each.
	r := sim.NewRand(c.seed, "workload/race")
	n := int64(rw.users)
	poissonArrivals(w, r, rw.arrivals, start, end, func() {
		now := w.Now()
		u := r.Float64()
		a := rw.spreadD.Sample(r)
		b := rw.spreadD.Sample(r)
		caller := int32(r.Int64N(n))
		callee := int32(r.Int64N(n - 1))
		if callee >= caller {
			callee++
		}
		switch {
		case u < rw.pCancelAccept:
			// The callee accepts a after the ring; the caller cancels b
			// after its estimate of the ring: the two cross in flight.
			d.dial(caller, callee, planCancelAccept, a, 0, now+2*rw.hop+b)
		case u < rw.pCancelAccept+rw.pAcceptTO:
			d.dial(caller, callee, planAcceptTimeout, a, 0, 0)
		default:
			d.dial(caller, callee, planAccept, a, 0, 0)
		}
	})
	d.sweepEvery(int64(time.Second), horizon)
	e.runTo(horizon, horizon)
	d.close()
	placed := d.placed()
	e.count("calls", placed)
	anom := d.anomCalls + d.anomalies[anLate]
	e.count("anomalies_per_million_calls", perMillion(anom, placed))
	e.res.notes = append(e.res.notes, callNotes(e, d)...)
	for k := range nAnomalies {
		if n := d.anomalies[k]; n > 0 {
			e.res.notes = append(e.res.notes, fmt.Sprintf("%s mode: %s %d (%s per 1,000 calls)", e.mode, anomalyNames[k], n, perThousand(n, placed)))
		}
	}
	if e.mode == engine.ModeServer {
		// Invariant violations are the run's verdict already (env.close:
		// exit 3); anomalies are this workload's own check (exit 1).
		viol := int64(len(w.Violations()))
		if anom > 0 {
			e.res.failures = append(e.res.failures, fmt.Sprintf("server mode must have no anomaly: %d anomalies", anom))
		} else if viol > 0 {
			e.res.notes = append(e.res.notes, fmt.Sprintf("server mode: no anomaly, but %d invariant violations", viol))
		} else if c.checksOn {
			e.res.notes = append(e.res.notes, fmt.Sprintf("server mode: no anomaly and no invariant violation in %d colliding calls", placed))
		} else {
			e.res.notes = append(e.res.notes, fmt.Sprintf("server mode: no anomaly in %d colliding calls (invariant checkers off)", placed))
		}
	}
	return nil
}

func perMillion(n, total int64) int64 {
	if total == 0 {
		return 0
	}
	return n * 1_000_000 / total
}
