package main

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/pflag"

	"sigsim/bench"
	"sigsim/sim"
)

// callsWorkload: 1:1 calls in an open model. Calls arrive as a Poisson
// process at --rate whatever the system does (no coordinated omission), from
// idle users to random users; each callee accepts, rejects, is busy, does not
// answer, or the caller cancels, with the given probabilities. Latencies are
// measured from the intended time of each action.
type callsWorkload struct {
	users     int
	arrivals  float64
	pAccept   float64
	pReject   float64
	pBusy     float64
	pNoAnswer float64
	pCancel   float64
	ringTime  string
	cancelAt  string
	talkTime  string
	timeout   int

	ringD, cancelD, talkD sim.Dist
}

func (*callsWorkload) name() string { return "calls" }
func (*callsWorkload) summary() string {
	return "1:1 calls, open model: Poisson arrivals, accept/reject/busy/no-answer/cancel mix"
}
func (*callsWorkload) defaults(c *common) {}

func (cw *callsWorkload) register(fs *pflag.FlagSet) {
	fs.IntVar(&cw.users, "users", 10_000, "number of users (one device each), up to 1,000,000 and beyond")
	fs.Float64Var(&cw.arrivals, "rate", 50, "call arrival rate, calls per second of virtual time (Poisson)")
	fs.Float64Var(&cw.pAccept, "accept", 0.6, "probability the callee accepts")
	fs.Float64Var(&cw.pReject, "reject", 0.1, "probability the callee rejects")
	fs.Float64Var(&cw.pBusy, "busy", 0.05, "probability the callee is busy elsewhere and rejects at once with data \"busy\"")
	fs.Float64Var(&cw.pNoAnswer, "no-answer", 0.15, "probability nobody answers (the invitation times out); it also takes whatever the five leave")
	fs.Float64Var(&cw.pCancel, "cancel", 0.1, "probability the caller cancels before an answer")
	fs.StringVar(&cw.ringTime, "ring-time", "lognormal(3s,0.6)", "how long the callee lets it ring before accepting or rejecting")
	fs.StringVar(&cw.cancelAt, "cancel-after", "uniform(2s,15s)", "when the caller cancels, after the invite")
	fs.StringVar(&cw.talkTime, "talk-time", "exp(20s)", "talk time after an accept; both users are busy meanwhile (0 = none)")
	secondsVar(fs, &cw.timeout, "timeout", 30, "invitation timeout in whole seconds: 30 or 30s (> 0)")
}

func (cw *callsWorkload) check(c *common) error {
	var errs []error
	if cw.users < 2 {
		errs = append(errs, fmt.Errorf("--users %d: need at least 2", cw.users))
	}
	if !(cw.arrivals > 0) || cw.arrivals > 1e9 {
		errs = append(errs, fmt.Errorf("--rate %v must be > 0 (calls per second) and at most 1e9", cw.arrivals))
	}
	if err := validProb([]string{"accept", "reject", "busy", "no-answer", "cancel"},
		[]float64{cw.pAccept, cw.pReject, cw.pBusy, cw.pNoAnswer, cw.pCancel}); err != nil {
		errs = append(errs, err)
	}
	var err error
	if cw.ringD, err = parseDistFlag("ring-time", &cw.ringTime); err != nil {
		errs = append(errs, err)
	}
	if cw.cancelD, err = parseDistFlag("cancel-after", &cw.cancelAt); err != nil {
		errs = append(errs, err)
	}
	if cw.talkD, err = parseDistFlag("talk-time", &cw.talkTime); err != nil {
		errs = append(errs, err)
	}
	if cw.timeout <= 0 || cw.timeout > 3600 {
		errs = append(errs, fmt.Errorf("--timeout %d must be in 1..3600 seconds", cw.timeout))
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	c.autoWarmup(cw.users)
	return nil
}

// footprint: the users, and the calls alive for at most their timeout plus
// the 10 s the dialer keeps a call after it ended.
func (cw *callsWorkload) footprint(c *common) sim.Footprint {
	return c.flowFootprint(cw.users, cw.invitations(c), cw.arrivals, float64(cw.timeout+10))
}

func (cw *callsWorkload) describe() []bench.Option {
	return []bench.Option{
		{Key: "users", Value: strconv.Itoa(cw.users)},
		{Key: "rate", Value: fmtFloat(cw.arrivals)},
		{Key: "accept", Value: fmtFloat(cw.pAccept)},
		{Key: "reject", Value: fmtFloat(cw.pReject)},
		{Key: "busy", Value: fmtFloat(cw.pBusy)},
		{Key: "no-answer", Value: fmtFloat(1 - cw.pAccept - cw.pReject - cw.pBusy - cw.pCancel)},
		{Key: "cancel", Value: fmtFloat(cw.pCancel)},
		{Key: "ring-time", Value: cw.ringD.String()},
		{Key: "cancel-after", Value: cw.cancelD.String()},
		{Key: "talk-time", Value: cw.talkD.String()},
		{Key: "timeout", Value: strconv.Itoa(cw.timeout) + "s"},
	}
}

func (*callsWorkload) produces() produced {
	return dialerProduces().with("arrivals.no_idle_caller", "calls")
}

func (cw *callsWorkload) rate() float64     { return cw.arrivals }
func (cw *callsWorkload) setRate(r float64) { cw.arrivals = r }

func (cw *callsWorkload) invitations(c *common) float64 {
	return cw.arrivals * c.duration.Seconds()
}

// drain is how long after the last arrival every call has surely ended.
func drainTime(timeout int) int64 {
	return int64(timeout)*int64(time.Second) + int64(20*time.Second)
}

func (cw *callsWorkload) horizon(c *common) int64 {
	return c.warmupNS + int64(c.duration) + drainTime(cw.timeout)
}

// population adds n users u0..u(n-1) with one device each.
func population(w *sim.World, prefix string, n int) ([]*sim.Device, []string, error) {
	devs := make([]*sim.Device, n)
	users := make([]string, n)
	for i := range n {
		users[i] = prefix + strconv.Itoa(i)
		d, err := w.AddDevice(users[i], "1")
		if err != nil {
			return nil, nil, err
		}
		devs[i] = d
	}
	return devs, users, nil
}

func (cw *callsWorkload) simulate(e *env) error {
	c := e.c
	w, err := e.newWorld()
	if err != nil {
		return err
	}
	devs, users, err := population(w, "u", cw.users)
	if err != nil {
		return err
	}
	d, err := newDialer(e, devs, users, cw.timeout)
	if err != nil {
		return err
	}
	d.engaged = make([]int32, cw.users)
	d.busyUntil = make([]int64, cw.users)
	start := c.warmupNS
	end := start + int64(c.duration)
	horizon := cw.horizon(c)
	loginSpread(w, devs, c.spreadNS)
	if err := e.begin(start); err != nil {
		return err
	}

	r := sim.NewRand(c.seed, "workload/calls")
	n := int64(cw.users)
	cum := [5]float64{}
	for i, p := range []float64{cw.pAccept, cw.pReject, cw.pBusy, cw.pCancel, cw.pNoAnswer} {
		cum[i] = p
		if i > 0 {
			cum[i] += cum[i-1]
		}
	}
	var noIdle int64
	poissonArrivals(w, r, cw.arrivals, start, end, func() {
		now := w.Now()
		// Every arrival draws the same numbers, whatever happens to it.
		u := r.Float64()
		delay := cw.ringD.Sample(r)
		cancelAfter := cw.cancelD.Sample(r)
		talk := cw.talkD.Sample(r)
		callee := int32(r.Int64N(n))
		caller := int32(-1)
		for range 8 {
			x := int32(r.Int64N(n))
			if caller < 0 && x != callee && d.idle(x, now) {
				caller = x
			}
		}
		if caller >= 0 {
			plan := planNoAnswer
			switch {
			case u < cum[0]:
				plan = planAccept
			case u < cum[1]:
				plan = planReject
			case u < cum[2]:
				plan, delay = planBusy, 0
			case u < cum[3]:
				plan = planCancel
			}
			if !d.idle(callee, now) {
				plan, delay = planBusyAuto, 0
			}
			cancelAt := int64(0)
			if plan == planCancel {
				cancelAt = now + cancelAfter
			}
			d.dial(caller, callee, plan, delay, talk, cancelAt)
		} else {
			noIdle++
		}
	})
	d.sweepEvery(int64(time.Second), horizon)
	e.runTo(horizon, horizon)
	d.close()
	e.count("arrivals.no_idle_caller", noIdle)
	e.count("calls", d.placed())
	e.res.notes = append(e.res.notes, callNotes(e, d)...)
	return nil
}

// poissonArrivals calls arrive at the arrival times of a Poisson process of the
// given rate (per second) in (start, end). Each gap is drawn from r after the
// previous arrival's own draws, and only one closure is pending at a time.
func poissonArrivals(w *sim.World, r *sim.Rand, rate float64, start, end int64, arrive func()) {
	at := start
	var next func()
	schedule := func() {
		at += int64(r.ExpFloat64() / rate * 1e9)
		if at < end {
			w.At(at, next)
		}
	}
	next = func() {
		arrive()
		schedule()
	}
	schedule()
}

// callNotes summarizes a dialer's run for people.
func callNotes(e *env, d *dialer) []string {
	placed := d.placed()
	anom := d.anomCalls + d.anomalies[anLate]
	s := fmt.Sprintf("%s mode: %d calls, %d with anomalies (%s per 1,000 calls)", e.mode, placed, anom, perThousand(anom, placed))
	return []string{s}
}
