package workload

import (
	"slices"
	"strconv"
	"time"

	"sigsim/apps"
	"sigsim/bench"
	"sigsim/engine"
	"sigsim/sim"
)

// Classroom is the raise-hand flow of an online class on the reference
// classroom app (apps.Classroom, the one scenarios and the apps' sweeps
// run), in Groups groups of Members members (a teacher and Members-1
// students), all in the class's room from the start of the load. A round:
// the teacher invites all students to raise hands (InviteInGroup); each
// raises one (accepts) with probability Raise after a think time, and every
// member sees each accept and keeps the list; after Collect the teacher
// invites the first student whose hand it saw to speak, who accepts and
// goes on mic (switches to anchor, opens its camera) for 10 s. The students
// who did not raise a hand let the invitation time out. Round r of class g
// starts at r + g/Groups round intervals into the load.
//
// It records the metrics ring, speak_ring, accept (a raise to the teacher
// seeing it), on_mic (the speak invitation to a member seeing the
// speaker's video) and timeout_skew (the spread of one invitation's
// timeout callbacks over its members), and the counters rounds,
// outcome.raised_hand, outcome.no_hand_timeout, outcome.invited_to_speak,
// outcome.spoke, anomaly.wrong_speaker and anomaly.hands_disagree (the
// classroom's invariants' violations), anomalies, callbacks.earlier_round,
// errors.*, callbacks.*.
type Classroom struct {
	Options
	// Groups is the number of classes (0: 100), Members the members of
	// each, the teacher included (0: 50).
	Groups, Members int
	// Raise is the probability that a student raises a hand (accepts the
	// raise-hand invitation).
	Raise float64
	// RoundInterval is the time between two rounds of a class (0: 30s):
	// a run has Duration / RoundInterval rounds, at least one.
	RoundInterval time.Duration
	// Collect is how long the teacher collects raised hands before
	// inviting one to speak (0: 3s).
	Collect time.Duration
	// ThinkTime is how long a student takes to answer after the ring
	// (zero: no time).
	ThinkTime sim.Dist
	// Timeout is the timeout of both invitations, in whole seconds (0: 10s).
	Timeout time.Duration

	rounds int
}

// Name is "classroom".
func (Classroom) Name() string { return "classroom" }

// WithDefaults returns c with each zero option that stands for a default
// set to it.
func (c Classroom) WithDefaults() Classroom {
	c.Options = c.Options.withDefaults(commonDefaults)
	if c.Groups == 0 {
		c.Groups = 100
	}
	if c.Members == 0 {
		c.Members = 50
	}
	if c.RoundInterval == 0 {
		c.RoundInterval = 30 * time.Second
	}
	if c.Collect == 0 {
		c.Collect = 3 * time.Second
	}
	if c.Timeout == 0 {
		c.Timeout = 10 * time.Second
	}
	return c
}

// Validate reports every problem of the options.
func (c Classroom) Validate() error {
	_, err := c.prepare(false)
	return err
}

func (c Classroom) prepare(exact bool) (*Prepared, error) {
	if !exact {
		c = c.WithDefaults()
	}
	errs := c.Options.problems(false)
	bad := func(format string, args ...any) { errs = append(errs, optionErrorf(format, args...)) }
	if c.Groups < 1 {
		bad("%s %d must be at least 1", Key("groups"), c.Groups)
	}
	if c.Members < 2 {
		bad("%s %d: need a teacher and at least one student", Key("members"), c.Members)
	}
	if !(c.Raise >= 0 && c.Raise <= 1) {
		bad("%s %v is not a probability in [0,1]", Key("raise"), c.Raise)
	}
	if err := validTimeout(c.Timeout); err != nil {
		errs = append(errs, err)
	}
	if c.Collect <= 0 {
		bad("%s %s must be positive", Key("collect"), c.Collect)
	}
	if least := c.Collect + c.Timeout; c.RoundInterval <= least {
		bad("%s %s must exceed %s + %s (%s): a round must end before the next",
			Key("round-interval"), c.RoundInterval, Key("collect"), Key("timeout"), least)
	}
	if len(errs) == 0 {
		c.rounds = max(1, int(c.Duration/c.RoundInterval))
	}
	return prepareSettled(&c, errs)
}

func (c *Classroom) name() string      { return c.Name() }
func (c *Classroom) options() *Options { return &c.Options }
func (c *Classroom) population() int   { return c.Groups * c.Members }

// invitations counts (invitation, member) pairs: the checkers keep state
// per pair.
func (c *Classroom) invitations() float64 {
	return float64(2*c.Groups*c.rounds) * float64(c.Members)
}

// footprint: every member of every class, each holding the class's two
// group invitations of a round.
func (c *Classroom) footprint() sim.Footprint {
	live := 2 * float64(c.Groups)
	return sim.Footprint{Devices: float64(c.Groups) * float64(c.Members), LiveInvitations: live,
		GroupMembers: live * float64(c.Members), Invitations: c.invitations()}
}

func (c *Classroom) horizon(warmup int64) int64 {
	return warmup + int64(c.rounds)*int64(c.RoundInterval) + int64(c.RoundInterval) + drainTime(c.Timeout)
}

func (*Classroom) produces() produced {
	return produced{
		metrics: []string{"ring", "speak_ring", "accept", "on_mic", "timeout_skew"},
		counts: []string{"rounds", "outcome.raised_hand", "outcome.no_hand_timeout", "outcome.invited_to_speak",
			"outcome.spoke", "callbacks.earlier_round", "anomaly.wrong_speaker", "anomaly.hands_disagree", "anomalies"},
		families: []string{"errors.", "callbacks."},
	}
}

func (c *Classroom) describe() []bench.Option {
	return []bench.Option{
		{Key: "groups", Value: strconv.Itoa(c.Groups)},
		{Key: "members", Value: strconv.Itoa(c.Members)},
		{Key: "raise", Value: fmtFloat(c.Raise)},
		{Key: "round-interval", Value: c.RoundInterval.String()},
		{Key: "rounds", Value: strconv.Itoa(c.rounds)},
		{Key: "collect", Value: c.Collect.String()},
		{Key: "think-time", Value: c.ThinkTime.String()},
		{Key: "timeout", Value: strconv.FormatInt(seconds(c.Timeout), 10) + "s"},
	}
}

// classroomRun measures a run of the classroom app.
type classroomRun struct {
	cw    *Classroom
	e     *env
	w     *sim.World
	class *apps.Classroom
	hists map[string]*bench.Hist
	// The first and last timeout callback of each group invitation, by ID
	// (its members' spread).
	skew    map[string]*[2]int64
	cbKinds [16]int64
	errs    map[errKey]int64
}

func (cw *Classroom) simulate(e *env) error {
	j := e.j
	w, err := e.newWorld()
	if err != nil {
		return err
	}
	cr := &classroomRun{cw: cw, e: e, w: w, hists: map[string]*bench.Hist{}, skew: map[string]*[2]int64{}, errs: map[errKey]int64{}}
	m := cw.Members
	devs := make([]*sim.Device, 0, cw.Groups*m)
	groups := make([]string, cw.Groups)
	for g := range cw.Groups {
		gid := "g" + strconv.Itoa(g)
		groups[g] = gid
		users := make([]string, m)
		for k := range m {
			users[k] = gid + "t"
			if k > 0 {
				users[k] = gid + "s" + strconv.Itoa(k)
			}
			d, err := w.AddDevice(users[k], "1")
			if err != nil {
				return err
			}
			devs = append(devs, d)
		}
		if err := w.LoadGroup(gid, users[0], users[1:]); err != nil {
			return err
		}
	}
	w.Hooks.Callback = cr.onCallback
	e.watchResults(cr.onResult)
	o := apps.DefaultClassOptions()
	o.Timeout, o.Raise, o.ThinkTime, o.Collect = int(seconds(cw.Timeout)), cw.Raise, cw.ThinkTime, cw.Collect
	if cr.class, err = apps.NewClassroom(apps.NewHost(w), o); err != nil {
		return err
	}
	cr.class.Observe = cr.observe

	start := j.warmupNS
	horizon := cw.horizon(j.warmupNS)
	for g := range cw.Groups {
		if err := cr.class.AddClass(groups[g], devs[g*m], devs[g*m+1:(g+1)*m], engine.Time(start)); err != nil {
			return err
		}
	}
	loginSpread(w, devs, j.spreadNS)
	if err := e.begin(start); err != nil {
		return err
	}
	// Round r of class g starts at start + interval*(r + g/G); one pending
	// closure walks through all of them in time order.
	total := int64(cw.rounds) * int64(cw.Groups)
	var i int64
	var next func()
	iv, G := int64(cw.RoundInterval), int64(cw.Groups)
	when := func(i int64) int64 { return start + iv*(i/G) + iv*(i%G)/G }
	next = func() {
		if _, err := cr.class.OpenRaiseHand(groups[i%G]); err == nil {
			// Live until its timeout at the latest (the gauge of live
			// invitations; the speak invitations are counted at the end).
			e.invited()
			w.At(w.Now().Add(cw.Timeout), e.ended)
		}
		i++
		if i < total {
			w.At(engine.Time(when(i)), next)
		}
	}
	w.At(engine.Time(when(0)), next)
	e.runTo(horizon, horizon)
	cr.close()
	return nil
}

func (cr *classroomRun) observe(name string, at engine.Time, v time.Duration) {
	h := cr.hists[name]
	if h == nil {
		h = cr.e.metric(name)
		cr.hists[name] = h
	}
	h.RecordAt(int64(at), int64(max(v, 0)))
}

func (cr *classroomRun) onCallback(at engine.Time, d *sim.Device, cb *engine.Callback) {
	if int(cb.Kind) < len(cr.cbKinds) {
		cr.cbKinds[cb.Kind]++
	}
	if cb.Kind == engine.OnInvitationTimeout && cb.GroupID != "" {
		s := cr.skew[cb.InviteID]
		if s == nil {
			s = &[2]int64{int64(at), int64(at)}
			cr.skew[cb.InviteID] = s
		}
		s[1] = int64(at)
	}
}

func (cr *classroomRun) onResult(at engine.Time, d *sim.Device, r *engine.Result) {
	if r.Code != engine.OK {
		cr.errs[errKey{r.Op, r.Code}]++
	}
}

func (cr *classroomRun) close() {
	e := cr.e
	s := &cr.class.Stats
	ids := make([]string, 0, len(cr.skew))
	for id := range cr.skew {
		ids = append(ids, id)
	}
	slices.Sort(ids) // the histogram does not care, its series does: a fixed order
	h := e.metric("timeout_skew")
	for _, id := range ids {
		sk := cr.skew[id]
		h.RecordAt(sk[1], sk[1]-sk[0])
	}
	e.count("rounds", s.Rounds)
	e.count("outcome.raised_hand", s.Raised)
	e.count("outcome.no_hand_timeout", s.NoHandTimeouts)
	e.count("outcome.invited_to_speak", s.Picked)
	e.count("outcome.spoke", s.Spoke)
	e.count("callbacks.earlier_round", s.EarlierRound)
	e.count("anomaly.wrong_speaker", s.WrongSpeakers)
	e.count("anomaly.hands_disagree", s.HandsDisagreements)
	e.count("anomalies", s.WrongSpeakers+s.HandsDisagreements)
	for k, n := range cr.errs {
		e.count("errors."+strconv.Itoa(int(k.code))+"."+k.op.String(), n)
	}
	for kd, n := range cr.cbKinds {
		if n > 0 {
			e.count("callbacks."+engine.CallbackKind(kd).String(), n)
		}
	}
	e.invitations += s.Picked
	e.note("%d groups x %d members, %d rounds: %d raised hands, %d invited to speak, %d spoke, %d on mic; %d wrong speakers, %d lists of hands that disagree",
		cr.cw.Groups, cr.cw.Members, s.Rounds, s.Raised, s.Picked, s.Spoke, s.OnMic, s.WrongSpeakers, s.HandsDisagreements)
}
