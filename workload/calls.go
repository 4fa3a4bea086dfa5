package workload

import (
	"math"
	"strconv"
	"time"

	"sigsim/bench"
	"sigsim/sim"
)

// Calls is 1:1 calls in an open model, on the reference call app of the
// source document (apps.Calls, the phone scenarios and the apps' sweeps
// run): every user's device is a phone. Calls arrive (Poisson by default)
// whatever the system does (no coordinated omission), from idle phones to
// random users; an arrival that finds no idle caller (after 8 tries) is
// counted, not placed. The caller enters a room and invites; the callee
// rings and, with the given probabilities, accepts (and enters the room),
// rejects ("declined"), rejects at once as busy elsewhere, or lets it ring
// out; a phone already in a call rejects with "busy" at once. The caller
// cancels with probability Cancel, CancelAfter after dialling, if the call
// is still unanswered then (so a cancel is sometimes too late, and crosses
// an accept). Two who talk do for the talk time, counted from when each
// sees the other in the room; either hangs up, and the other announces the
// end with its duration. The options map onto apps.CallOptions (their
// defaults, sigbench's, are apps.DefaultCallOptions); NoAnswer is what the
// callee's three answers leave.
//
// It records the app's metrics ring (invite to the callee's ring), accept,
// reject (the callee's answer to the caller learning it), cancel (the
// caller's cancel to the callee learning it), setup (invite to both parties
// in the room), timeout_late, timeout_skew, talk (the room overlap of a
// call) and duration_error (the announced duration against the overlap);
// and the counters calls, outcome.* (how each call ended for its caller),
// anomaly.* and anomalies (the call-level invariants' violations: ghost
// calls, disagreements, ...; the crossings of client mode),
// ghosts_per_million_calls, disagreements_per_million_calls,
// busy_rejections, app.* (every counter of the app), errors.*, callbacks.*,
// arrivals.no_idle_caller.
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
// the 10 s the app's checker keeps a call after it ended.
func (c *Calls) footprint() sim.Footprint {
	return flowFootprint(&c.Options, c.Users, c.invitations(), c.Arrivals.Peak(), seconds(c.Timeout)+10)
}

// flowFootprint is the footprint of devices and a flow of invitations
// (sim.Flow) held for at most hold seconds.
func flowFootprint(o *Options, devices int, invitations, rate float64, hold int64) sim.Footprint {
	f := sim.Footprint{Devices: float64(devices), Invitations: invitations}
	f.LiveInvitations, f.Ended = sim.Flow(invitations, rate, float64(hold), o.Retention)
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
		// What the others leave, rounded: 1 - 0.8 - 0.2 is -5.6e-17, not a share.
		bench.Option{Key: "no-answer", Value: fmtFloat(math.Round((1-c.Accept-c.Reject-c.Busy-c.Cancel)*1e12) / 1e12)},
		bench.Option{Key: "cancel", Value: fmtFloat(c.Cancel)},
		bench.Option{Key: "ring-time", Value: c.RingTime.String()},
		bench.Option{Key: "cancel-after", Value: c.CancelAfter.String()},
		bench.Option{Key: "talk-time", Value: c.TalkTime.String()},
		bench.Option{Key: "timeout", Value: strconv.FormatInt(seconds(c.Timeout), 10) + "s"})
}

func (*Calls) produces() produced { return callAppProduces() }

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
	ca, err := newCallApp(e, devs, users, callOptions(c.Timeout, c.Accept, c.Reject, c.Busy, c.Cancel, c.RingTime, c.CancelAfter, c.TalkTime))
	if err != nil {
		return err
	}
	start := j.warmupNS
	end := start + int64(c.Duration)
	horizon := c.horizon(j.warmupNS)
	loginSpread(w, devs, j.spreadNS)
	if err := e.begin(start); err != nil {
		return err
	}

	r := sim.NewRand(c.Seed, "workload/calls")
	n := int64(c.Users)
	arrive(w, c.Arrivals, r, start, end, func() {
		// Every arrival draws the same numbers, whatever happens to it.
		callee := int32(r.Int64N(n))
		caller := int32(-1)
		for range 8 {
			x := int32(r.Int64N(n))
			if caller < 0 && x != callee && ca.calls.Idle(users[x]) {
				caller = x
			}
		}
		if caller < 0 {
			ca.noIdle++
			return
		}
		ca.dial(caller, callee)
	})
	ca.endedEvery(int64(time.Second), horizon)
	e.runTo(horizon, horizon)
	ca.close()
	return nil
}
