package workload

import (
	"strconv"
	"time"

	"sigsim/bench"
	"sigsim/engine"
	"sigsim/sim"
)

// Race is 1:1 calls built to collide, on the reference call app (as Calls):
// the workload makes each phone's moves at the chosen instants (the app
// still follows its flow: rooms, busy answers, hang-ups, announcements). In
// a cancel-accept call the caller cancels about when the callee accepts, so
// that the two cross in the network; in an accept-timeout call the callee
// accepts at the edge of its timeout; the other calls are plain accepts.
// Two who talk do for RaceTalkTime. Run in both arbitration modes (the
// default), it counts what the legacy client mode lets through — the ghost
// calls (a callee alone in a room its caller left), the disagreements on
// whether a call happened, the crossings (cancel and accept both told they
// succeeded) — per 1,000 calls, and checks that there are none in server
// mode (a Failure otherwise). With the checkers on, the simulator's
// invariant violations are counted apart. Both modes draw the same calls
// (the caller is the first idle phone from a user drawn on); an arrival
// that finds every phone busy is counted, not placed. A call keeps its two
// phones busy while it rings (an accept-timeout call rings for about the
// timeout) and talks: a call to a busy phone is answered "busy" at once.
type Race struct {
	Options
	// Users is the number of users, one device each (0: 2,000).
	Users int
	// Arrivals is when calls arrive (nil: Poisson{Rate: 100}).
	Arrivals Arrivals
	// CancelAccept and AcceptTimeout are the shares of cancel-accept and
	// accept-timeout calls (summing to at most 1); the rest are plain
	// accepts.
	CancelAccept, AcceptTimeout float64
	// Spread is how far apart the colliding actions are (nil:
	// uniform(0, 2 × the mean latency)).
	Spread *sim.Dist
	// Timeout is the invitation timeout, in whole seconds (0: 10s).
	Timeout time.Duration

	spread sim.Dist
	hop    time.Duration // estimated one-way trip: device→shard→device is 2 hops
}

// Name is "race".
func (Race) Name() string { return "race" }

// WithDefaults returns r with each zero option that stands for a default
// set to it.
func (r Race) WithDefaults() Race {
	d := commonDefaults
	d.latency = sim.LogNormal(30*time.Millisecond, 1.5)
	d.modes = []engine.Mode{engine.ModeServer, engine.ModeClient}
	r.Duration = loadDuration(r.Arrivals, r.Duration)
	r.Options = r.Options.withDefaults(d)
	if r.Users == 0 {
		r.Users = 2000
	}
	if r.Arrivals == nil {
		r.Arrivals = Poisson{Rate: 100}
	}
	if r.Timeout == 0 {
		r.Timeout = 10 * time.Second
	}
	return r
}

// Validate reports every problem of the options.
func (r Race) Validate() error {
	_, err := r.prepare(false)
	return err
}

func (r Race) prepare(exact bool) (*Prepared, error) {
	if !exact {
		r = r.WithDefaults()
	}
	errs := r.Options.problems(true)
	if r.Users < 2 {
		errs = append(errs, optionErrorf("%s %d: need at least 2", Key("users"), r.Users))
	}
	errs = append(errs, validArrivals(r.Arrivals)...)
	if err := validProbs([]Key{"cancel-accept", "accept-timeout"}, []float64{r.CancelAccept, r.AcceptTimeout}); err != nil {
		errs = append(errs, err)
	}
	if err := validTimeout(r.Timeout); err != nil {
		errs = append(errs, err)
	}
	r.hop = time.Duration(r.Latency.Mean() + r.ServiceTime.Mean())
	if r.Spread != nil {
		r.spread = *r.Spread
		if err := r.spread.Validate(); err != nil {
			errs = append(errs, optionErrorf("%s: %v", Key("spread"), err))
		}
	} else {
		r.spread = sim.Uniform(0, time.Duration(2*r.Latency.Mean()))
	}
	return prepareSettled(&r, errs)
}

func (r *Race) name() string         { return r.Name() }
func (r *Race) options() *Options    { return &r.Options }
func (r *Race) population() int      { return r.Users }
func (r *Race) invitations() float64 { return r.Arrivals.Expected(r.Duration) }

// footprint: the users, and the calls alive for at most their timeout plus
// 30 s (a ghost call's wait and its checker's record; one mode at a time).
func (r *Race) footprint() sim.Footprint {
	return flowFootprint(&r.Options, r.Users, r.invitations(), r.Arrivals.Peak(), seconds(r.Timeout)+30)
}

func (r *Race) horizon(warmup int64) int64 {
	// Long latency tails hold messages for seconds: drain longer.
	return warmup + int64(r.Duration) + drainTime(r.Timeout) + int64(40*time.Second)
}

func (r *Race) describe() []bench.Option {
	l := []bench.Option{{Key: "users", Value: strconv.Itoa(r.Users)}}
	l = append(l, r.Arrivals.Describe()...)
	return append(l,
		bench.Option{Key: "cancel-accept", Value: fmtFloat(r.CancelAccept)},
		bench.Option{Key: "accept-timeout", Value: fmtFloat(r.AcceptTimeout)},
		bench.Option{Key: "spread", Value: r.spread.String()},
		bench.Option{Key: "timeout", Value: strconv.FormatInt(seconds(r.Timeout), 10) + "s"})
}

func (*Race) produces() produced {
	return callAppProduces().with("anomalies_per_million_calls")
}

// RaceTalkTime is how long the two parties of a race's call talk.
const RaceTalkTime = time.Second

// RaceGhostBound is the ghost-call bound of a race: how long a phone may
// stay alone in a call's room after the other party's end. A race's
// latency has a long tail (lognormal, σ 1.5 by default), and one slow
// frame holds up a link's later frames behind it: a room's news of a
// hang-up may take many seconds. A ghost call of the legacy SDK's crossing
// lasts the callee's join timeout, 60 s.
const RaceGhostBound = 40 * time.Second

// A race call's plan: what the callee does when it rings, and when.
type racePlan struct {
	kind  uint8 // raceAccept, raceCancelAccept, raceAcceptTimeout
	delay time.Duration
}

const (
	raceAccept = iota
	raceCancelAccept
	raceAcceptTimeout
)

// rate and withRate let a Capacity sweep a Poisson rate.
func (r *Race) rate() (float64, bool) { return poissonRate(r.Arrivals) }
func (r *Race) withRate(x float64) Workload {
	cp := *r
	cp.Arrivals = Poisson{Rate: x}
	return &cp
}

func (r *Race) simulate(e *env) error {
	j := e.j
	w, err := e.newWorld()
	if err != nil {
		return err
	}
	devs, users, err := population(w, "u", r.Users)
	if err != nil {
		return err
	}
	// The phones answer, cancel and hang up only as the workload says: no
	// share of their own, a short talk.
	o := callOptions(r.Timeout, 0, 0, 0, 0, sim.Dist{}, sim.Dist{}, sim.Const(RaceTalkTime))
	o.GhostBound = RaceGhostBound
	plans := map[string]racePlan{}
	ca, err := newCallApp(e, devs, users, o)
	if err != nil {
		return err
	}
	// When the callee rings, its planned answer (the app rings first: the
	// world's hooks before the app's).
	hook := w.Hooks.Callback
	w.Hooks.Callback = func(at engine.Time, d *sim.Device, cb *engine.Callback) {
		hook(at, d, cb)
		p, ok := plans[cb.InviteID]
		if !ok || cb.Kind != engine.OnReceiveNewInvitation || d.User == cb.Inviter {
			return
		}
		delete(plans, cb.InviteID)
		t := at.Add(p.delay)
		if p.kind == raceAcceptTimeout {
			t = max(at, at.Add(r.Timeout).Add(-p.delay))
		}
		id, user := cb.InviteID, d.User
		w.At(t, func() { ca.calls.AnswerCall(user, id, true) })
	}
	start := j.warmupNS
	end := start + int64(r.Duration)
	horizon := r.horizon(j.warmupNS)
	loginSpread(w, devs, j.spreadNS)
	if err := e.begin(start); err != nil {
		return err
	}
	// The same draws in both modes: the same calls collide in each.
	rnd := sim.NewRand(r.Seed, "workload/race")
	n := int64(r.Users)
	arrive(w, r.Arrivals, rnd, start, end, func() {
		now := w.Now()
		u := rnd.Float64()
		a := r.spread.Sample(rnd)
		b := r.spread.Sample(rnd)
		// The caller: the first idle phone from a user drawn on (a call
		// keeps its two phones busy while it rings and talks, and a ghost
		// call its callee for its join timeout), so that both modes place
		// the same calls unless every phone is busy.
		callee := int32(rnd.Int64N(n))
		from := rnd.Int64N(n)
		caller := int32(-1)
		for i := range n {
			if x := int32((from + i) % n); x != callee && ca.calls.Idle(users[x]) {
				caller = x
				break
			}
		}
		if caller < 0 {
			ca.noIdle++
			return
		}
		p := racePlan{kind: raceAccept, delay: a}
		switch {
		case u < r.CancelAccept:
			p.kind = raceCancelAccept
		case u < r.CancelAccept+r.AcceptTimeout:
			p.kind = raceAcceptTimeout
		}
		id := ca.dial(caller, callee)
		if id == "" {
			return
		}
		plans[id] = p
		if p.kind == raceCancelAccept {
			// The callee accepts a after the ring; the caller cancels b
			// after its estimate of the ring: the two cross in flight.
			from := users[caller]
			w.At(now.Add(2*r.hop).Add(b), func() { ca.calls.CancelCall(from, id) })
		}
	})
	ca.endedEvery(int64(time.Second), horizon)
	e.runTo(horizon, horizon)
	placed, anom := ca.close()
	e.count("anomalies_per_million_calls", perMillion(anom, placed))
	for _, a := range callAnomalies {
		if n := a.n(&ca.calls.Stats); n > 0 {
			e.note("%s mode: %s %d (%s per 1,000 calls)", e.mode, a.name, n, perThousand(n, placed))
		}
	}
	if e.mode == engine.ModeServer {
		// Invariant violations are the run's verdict already (env.close:
		// Result.Violation); anomalies are this workload's own check.
		viol := int64(len(w.Violations()))
		switch {
		case anom > 0:
			e.res.Failures = append(e.res.Failures, "server mode must have no anomaly: "+strconv.FormatInt(anom, 10)+" anomalies")
		case viol > 0:
			e.note("server mode: no anomaly, but %d invariant violations", viol)
		case j.checksOn:
			e.note("server mode: no anomaly and no invariant violation in %d colliding calls", placed)
		default:
			e.note("server mode: no anomaly in %d colliding calls (invariant checkers off)", placed)
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
