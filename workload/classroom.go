package workload

import (
	"strconv"
	"strings"
	"time"

	"sigsim/bench"
	"sigsim/engine"
	"sigsim/sim"
)

// Classroom is the raise-hand flow of an online class, in Groups groups of
// Members members (a teacher and Members-1 students), repeated every
// round: the teacher invites all students to raise hands (InviteInGroup,
// data "raise-hand"); each accepts with probability Raise after a think
// time, and every member sees each accept; after Collect the teacher
// invites the first student who raised a hand to speak (data "speak"), who
// accepts. The students who did not raise a hand let the invitation time
// out. The classes start spread over one RoundInterval.
//
// It records the metrics ring, speak_ring, accept and timeout_skew (the
// spread of one invitation's timeout callbacks over its members), and the
// counters rounds, outcome.raised_hand, outcome.no_hand_timeout,
// outcome.invited_to_speak, outcome.spoke, errors.*, callbacks.*.
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
		metrics: []string{"ring", "speak_ring", "accept", "timeout_skew"},
		counts: []string{"rounds", "outcome.raised_hand", "outcome.no_hand_timeout", "outcome.invited_to_speak",
			"outcome.spoke", "callbacks.earlier_round"},
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

// class is one group's state in the current round.
type class struct {
	id       string
	round    int32
	raiseID  string
	speakID  string
	raiseAt  int64
	speakAt  int64
	first    int32   // the first student whose raised hand the teacher saw (-1: none)
	speaker  int32   // the student invited to speak (-1: none)
	acceptAt []int64 // per member: when it accepted in this round
	toMin    int64   // first and last timeout callback of the raise-hand invitation
	toMax    int64
}

type classroomRun struct {
	cw      *Classroom
	e       *env
	w       *sim.World
	r       *sim.Rand
	users   []string
	devs    []*sim.Device
	classes []class
	nshards int

	hRing, hSpeakRing, hAccept, hSkew *bench.Hist
	rounds, raised, speakers, raiseTO int64
	speakAccepted, missed             int64
	cbKinds                           [16]int64
	errs                              map[errKey]int64
}

func (cw *Classroom) simulate(e *env) error {
	j := e.j
	w, err := e.newWorld()
	if err != nil {
		return err
	}
	cr := &classroomRun{cw: cw, e: e, w: w, r: sim.NewRand(cw.Seed, "workload/classroom"), nshards: w.NumShards(),
		errs: map[errKey]int64{}}
	m := cw.Members
	cr.users = make([]string, 0, cw.Groups*m)
	cr.devs = make([]*sim.Device, 0, cw.Groups*m)
	cr.classes = make([]class, cw.Groups)
	for g := range cw.Groups {
		gid := "g" + strconv.Itoa(g)
		for k := range m {
			name := gid + "t"
			if k > 0 {
				name = gid + "s" + strconv.Itoa(k)
			}
			d, err := w.AddDevice(name, "1")
			if err != nil {
				return err
			}
			cr.users = append(cr.users, name)
			cr.devs = append(cr.devs, d)
		}
		base := g * m
		if err := w.LoadGroup(gid, cr.users[base], cr.users[base+1:base+m]); err != nil {
			return err
		}
		cr.classes[g] = class{id: gid, first: -1, speaker: -1, acceptAt: make([]int64, m)}
	}
	cr.hRing = e.metric("ring")
	cr.hSpeakRing = e.metric("speak_ring")
	cr.hAccept = e.metric("accept")
	cr.hSkew = e.metric("timeout_skew")
	w.Hooks.Callback = cr.onCallback
	e.watchResults(cr.onResult)

	start := j.warmupNS
	horizon := cw.horizon(j.warmupNS)
	loginSpread(w, cr.devs, j.spreadNS)
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
		cr.startRound(int32(i % G))
		i++
		if i < total {
			w.At(when(i), next)
		}
	}
	w.At(when(0), next)
	e.runTo(horizon, horizon)
	for g := range cr.classes {
		cr.flushSkew(&cr.classes[g])
	}
	cr.close()
	return nil
}

func (cr *classroomRun) startRound(g int32) {
	cl := &cr.classes[g]
	cr.flushSkew(cl)
	m := cr.cw.Members
	base := int(g) * m
	w := cr.w
	cl.round++
	cl.first, cl.speaker, cl.speakID = -1, -1, ""
	clear(cl.acceptAt)
	cl.raiseAt = w.Now()
	id, _ := w.InviteInGroup(cr.devs[base], cl.id, cr.users[base+1:base+m], "raise-hand", false, int(seconds(cr.cw.Timeout)))
	cl.raiseID = id
	if id == "" {
		return
	}
	cr.rounds++
	cr.e.invited()
	round := cl.round
	w.At(w.Now()+int64(cr.cw.Collect), func() { cr.pick(g, round) })
}

func (cr *classroomRun) flushSkew(cl *class) {
	if cl.toMax > 0 {
		cr.hSkew.RecordAt(cl.toMax, cl.toMax-cl.toMin)
	}
	cl.toMin, cl.toMax = 0, 0
}

// pick: the teacher invites the first student who raised a hand to speak.
func (cr *classroomRun) pick(g, round int32) {
	cl := &cr.classes[g]
	if cl.round != round || cl.first < 0 {
		return
	}
	m := cr.cw.Members
	base := int(g) * m
	cl.speaker = cl.first
	cl.speakAt = cr.w.Now()
	id, _ := cr.w.InviteInGroup(cr.devs[base], cl.id, cr.users[base+int(cl.first):base+int(cl.first)+1], "speak", false, int(seconds(cr.cw.Timeout)))
	cl.speakID = id
	if id == "" {
		return
	}
	cr.speakers++
	cr.e.invited()
}

func (cr *classroomRun) accept(g, round, k int32, speak bool) {
	cl := &cr.classes[g]
	if cl.round != round {
		return
	}
	id := cl.raiseID
	if speak {
		id = cl.speakID
	}
	cl.acceptAt[k] = cr.w.Now()
	cr.w.Answer(cr.devs[int(g)*cr.cw.Members+int(k)], engine.OpAccept, id, "")
}

// member returns the class and member index of a device.
func (cr *classroomRun) member(dv *sim.Device) (int32, int32) {
	u := int(dv.Addr) - cr.nshards
	return int32(u / cr.cw.Members), int32(u % cr.cw.Members)
}

// studentIndex is the member index in a student's name "g<G>s<k>".
func studentIndex(name string) int32 {
	i := strings.LastIndexByte(name, 's')
	k, err := strconv.Atoi(name[i+1:])
	if i < 0 || err != nil {
		return -1
	}
	return int32(k)
}

func (cr *classroomRun) onCallback(at int64, dv *sim.Device, cb *engine.Callback) {
	if int(cb.Kind) < len(cr.cbKinds) {
		cr.cbKinds[cb.Kind]++
	}
	g, k := cr.member(dv)
	cl := &cr.classes[g]
	raise := cb.InviteID == cl.raiseID
	speak := !raise && cb.InviteID == cl.speakID && cl.speakID != ""
	if !raise && !speak {
		cr.missed++ // about an earlier round's invitation
		return
	}
	switch cb.Kind {
	case engine.OnReceiveNewInvitation:
		if raise {
			cr.hRing.RecordAt(at, at-cl.raiseAt)
			if k > 0 && cr.r.Float64() < cr.cw.Raise {
				round, think := cl.round, cr.cw.ThinkTime.Sample(cr.r)
				cr.w.At(at+think, func() { cr.accept(g, round, k, false) })
			}
		} else {
			cr.hSpeakRing.RecordAt(at, at-cl.speakAt)
			if k == cl.speaker {
				round, think := cl.round, cr.cw.ThinkTime.Sample(cr.r)
				cr.w.At(at+think, func() { cr.accept(g, round, k, true) })
			}
		}
	case engine.OnInviteeAccepted:
		if k != 0 {
			return // every member sees it; the teacher is the inviter
		}
		s := studentIndex(cb.Invitee)
		if s <= 0 || int(s) >= cr.cw.Members {
			return
		}
		if t := cl.acceptAt[s]; t > 0 {
			cr.hAccept.RecordAt(at, at-t)
		}
		if raise {
			cr.raised++
			if cl.first < 0 {
				cl.first = s
			}
		} else {
			cr.speakAccepted++
			cr.e.ended()
		}
	case engine.OnInvitationTimeout:
		if raise {
			if cl.toMax == 0 {
				cl.toMin = at
			}
			cl.toMax = at
			if k == 0 {
				cr.raiseTO += int64(len(cb.Invitees))
				cr.e.ended()
			}
		} else if k == 0 {
			cr.e.ended()
		}
	}
}

func (cr *classroomRun) onResult(at int64, dv *sim.Device, r *engine.Result) {
	if r.Code != engine.OK {
		cr.errs[errKey{r.Op, r.Code}]++
	}
}

func (cr *classroomRun) close() {
	e := cr.e
	e.count("rounds", cr.rounds)
	e.count("outcome.raised_hand", cr.raised)
	e.count("outcome.no_hand_timeout", cr.raiseTO)
	e.count("outcome.invited_to_speak", cr.speakers)
	e.count("outcome.spoke", cr.speakAccepted)
	for k, n := range cr.errs {
		e.count("errors."+strconv.Itoa(int(k.code))+"."+k.op.String(), n)
	}
	e.count("callbacks.earlier_round", cr.missed)
	for kd, n := range cr.cbKinds {
		if n > 0 {
			e.count("callbacks."+engine.CallbackKind(kd).String(), n)
		}
	}
	e.note("%d groups x %d members, %d rounds: %d raised hands, %d invited to speak, %d spoke",
		cr.cw.Groups, cr.cw.Members, cr.rounds, cr.raised, cr.speakers, cr.speakAccepted)
}
