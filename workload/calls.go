package workload

import (
	"strconv"
	"time"

	"sigsim/bench"
	"sigsim/sim"
)

// Calls is 1:1 calls in an open model. Calls arrive (Poisson by default)
// whatever the system does (no coordinated omission), from idle users to
// random users; each callee accepts, rejects, is busy, does not answer, or
// the caller cancels, with the given probabilities. A caller or callee is
// engaged while its call rings and, after an accept, for the talk time: a
// call to an engaged user is rejected at once as busy, and an arrival that
// finds no idle caller (after 8 tries) is counted, not placed. Latencies
// are measured from the intended time of each action.
//
// It records the metrics ring (invite to the callee's ring), accept,
// reject, cancel (the answer to the other party learning it), timeout_late
// and timeout_skew, and the counters calls, outcome.*, anomaly.*, plan.*,
// errors.*, api.*, callbacks.*, arrivals.no_idle_caller.
type Calls struct {
	Options
	// Users is the number of users, one device each (0: 10,000).
	Users int
	// Arrivals is when calls arrive (nil: Poisson{Rate: 50}).
	Arrivals Arrivals
	// Accept, Reject, Busy (rejects at once with data "busy"), NoAnswer
	// and Cancel (the caller cancels before an answer) are the
	// probabilities of what a call does; they sum to at most 1, and a call
	// that none of them takes goes unanswered as NoAnswer's do.
	Accept, Reject, Busy, NoAnswer, Cancel float64
	// RingTime is how long a callee lets it ring before it answers,
	// CancelAfter when a caller cancels after its invite, TalkTime how
	// long an accepted call lasts, both users busy meanwhile (zero: none).
	RingTime, CancelAfter, TalkTime sim.Dist
	// Timeout is the invitation timeout, in whole seconds (0: 30s).
	Timeout time.Duration
}

// Name is "calls".
func (Calls) Name() string { return "calls" }

// WithDefaults returns c with each zero option that stands for a default
// set to it.
func (c Calls) WithDefaults() Calls {
	c.Duration = loadDuration(c.Arrivals, c.Duration)
	c.Options = c.Options.withDefaults(commonDefaults)
	if c.Users == 0 {
		c.Users = 10_000
	}
	if c.Arrivals == nil {
		c.Arrivals = Poisson{Rate: 50}
	}
	if c.Timeout == 0 {
		c.Timeout = 30 * time.Second
	}
	return c
}

// Validate reports every problem of the options.
func (c Calls) Validate() error {
	_, err := c.prepare(false)
	return err
}

func (c Calls) prepare(exact bool) (*Prepared, error) {
	if !exact {
		c = c.WithDefaults()
	}
	errs := c.Options.problems(false)
	if c.Users < 2 {
		errs = append(errs, optionErrorf("%s %d: need at least 2", Key("users"), c.Users))
	}
	errs = append(errs, validArrivals(c.Arrivals)...)
	if err := validProbs([]Key{"accept", "reject", "busy", "no-answer", "cancel"},
		[]float64{c.Accept, c.Reject, c.Busy, c.NoAnswer, c.Cancel}); err != nil {
		errs = append(errs, err)
	}
	if err := validTimeout(c.Timeout); err != nil {
		errs = append(errs, err)
	}
	return prepareSettled(&c, errs)
}

// validArrivals checks a workload's arrival process.
func validArrivals(a Arrivals) []error {
	if a == nil {
		return []error{optionErrorf("%s: no arrival process", Key("rate"))}
	}
	if err := a.Validate(); err != nil {
		return []error{err}
	}
	return nil
}

func (c *Calls) name() string         { return c.Name() }
func (c *Calls) options() *Options    { return &c.Options }
func (c *Calls) population() int      { return c.Users }
func (c *Calls) invitations() float64 { return c.Arrivals.Expected(c.Duration) }

// footprint: the users, and the calls alive for at most their timeout plus
// the 10 s the dialer keeps a call after it ended.
func (c *Calls) footprint() sim.Footprint {
	return flowFootprint(&c.Options, c.Users, c.invitations(), c.Arrivals.Peak(), seconds(c.Timeout)+10)
}

// flowFootprint is the footprint of devices and a flow of invitations
// (sim.Flow) held for at most hold seconds.
func flowFootprint(o *Options, devices int, invitations, rate float64, hold int64) sim.Footprint {
	f := sim.Footprint{Devices: float64(devices), Invitations: invitations}
	f.LiveInvitations, f.Ended = sim.Flow(invitations, rate, float64(hold), int64(o.Retention))
	return f
}

func (c *Calls) horizon(warmup int64) int64 {
	return warmup + int64(c.Duration) + drainTime(c.Timeout)
}

// drainTime is how long after the last arrival every call has surely ended.
func drainTime(timeout time.Duration) int64 {
	return int64(timeout) + int64(20*time.Second)
}

// seconds is a timeout in whole seconds, as the API takes it.
func seconds(t time.Duration) int64 { return int64(t / time.Second) }

func (c *Calls) describe() []bench.Option {
	l := []bench.Option{{Key: "users", Value: strconv.Itoa(c.Users)}}
	l = append(l, c.Arrivals.Describe()...)
	return append(l,
		bench.Option{Key: "accept", Value: fmtFloat(c.Accept)},
		bench.Option{Key: "reject", Value: fmtFloat(c.Reject)},
		bench.Option{Key: "busy", Value: fmtFloat(c.Busy)},
		bench.Option{Key: "no-answer", Value: fmtFloat(1 - c.Accept - c.Reject - c.Busy - c.Cancel)},
		bench.Option{Key: "cancel", Value: fmtFloat(c.Cancel)},
		bench.Option{Key: "ring-time", Value: c.RingTime.String()},
		bench.Option{Key: "cancel-after", Value: c.CancelAfter.String()},
		bench.Option{Key: "talk-time", Value: c.TalkTime.String()},
		bench.Option{Key: "timeout", Value: strconv.FormatInt(seconds(c.Timeout), 10) + "s"})
}

func (*Calls) produces() produced {
	return dialerProduces().with("arrivals.no_idle_caller", "calls")
}

// rate and withRate let a Capacity sweep a Poisson rate.
func (c *Calls) rate() (float64, bool) { return poissonRate(c.Arrivals) }
func (c *Calls) withRate(r float64) Workload {
	cp := *c
	cp.Arrivals = Poisson{Rate: r}
	return &cp
}

func poissonRate(a Arrivals) (float64, bool) {
	p, ok := a.(Poisson)
	return p.Rate, ok
}

func (c *Calls) simulate(e *env) error {
	j := e.j
	w, err := e.newWorld()
	if err != nil {
		return err
	}
	devs, users, err := population(w, "u", c.Users)
	if err != nil {
		return err
	}
	d, err := newDialer(e, devs, users, int(seconds(c.Timeout)))
	if err != nil {
		return err
	}
	d.engaged = make([]int32, c.Users)
	d.busyUntil = make([]int64, c.Users)
	start := j.warmupNS
	end := start + int64(c.Duration)
	horizon := c.horizon(j.warmupNS)
	loginSpread(w, devs, j.spreadNS)
	if err := e.begin(start); err != nil {
		return err
	}

	r := sim.NewRand(c.Seed, "workload/calls")
	n := int64(c.Users)
	cum := [5]float64{}
	for i, p := range []float64{c.Accept, c.Reject, c.Busy, c.Cancel, c.NoAnswer} {
		cum[i] = p
		if i > 0 {
			cum[i] += cum[i-1]
		}
	}
	var noIdle int64
	arrive(w, c.Arrivals, r, start, end, func() {
		now := w.Now()
		// Every arrival draws the same numbers, whatever happens to it.
		u := r.Float64()
		delay := c.RingTime.Sample(r)
		cancelAfter := c.CancelAfter.Sample(r)
		talk := c.TalkTime.Sample(r)
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
	d.note()
	return nil
}
