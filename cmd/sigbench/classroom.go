package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"sigsim/bench"
	"sigsim/engine"
	"sigsim/sim"
)

// classroomWorkload is the source document's raise-hand flow, in G groups of
// M members (a teacher and M-1 students), repeated every round: the teacher
// invites all students to raise hands (InviteInGroup, data "raise-hand");
// a share of them accept after a think time, and every member sees each
// accept; after --collect the teacher invites the first student who raised a
// hand to speak (data "speak"), who accepts. The students who did not raise
// a hand let the invitation time out.
type classroomWorkload struct {
	groups   int
	members  int
	raise    float64
	interval time.Duration
	collect  time.Duration
	think    string
	timeout  int

	thinkD sim.Dist
	rounds int
}

func (*classroomWorkload) name() string { return "classroom" }
func (*classroomWorkload) summary() string {
	return "G groups x M members: teacher invites all to raise hands, then one to speak; repeated"
}
func (*classroomWorkload) defaults(c *common) {}

func (cw *classroomWorkload) register(fs *pflag.FlagSet) {
	fs.IntVar(&cw.groups, "groups", 100, "number of classes (groups)")
	fs.IntVar(&cw.members, "members", 50, "members per group, the teacher included")
	fs.Float64Var(&cw.raise, "raise", 0.05, "probability a student raises a hand (accepts the raise-hand invitation)")
	fs.DurationVar(&cw.interval, "round-interval", 30*time.Second, "time between rounds of a class; rounds = duration / interval, classes start spread over one interval")
	fs.DurationVar(&cw.collect, "collect", 3*time.Second, "how long the teacher collects raised hands before inviting one to speak")
	fs.StringVar(&cw.think, "think-time", "lognormal(1500ms,0.5)", "how long a student takes to answer after the ring")
	secondsVar(fs, &cw.timeout, "timeout", 10, "timeout of both invitations in whole seconds: 10 or 10s (> 0)")
}

func (cw *classroomWorkload) check(c *common) error {
	var errs []error
	if cw.groups < 1 {
		errs = append(errs, fmt.Errorf("--groups %d must be at least 1", cw.groups))
	}
	if cw.members < 2 {
		errs = append(errs, fmt.Errorf("--members %d: need a teacher and at least one student", cw.members))
	}
	if !(cw.raise >= 0 && cw.raise <= 1) {
		errs = append(errs, fmt.Errorf("--raise %v is not a probability in [0,1]", cw.raise))
	}
	if cw.timeout <= 0 || cw.timeout > 3600 {
		errs = append(errs, fmt.Errorf("--timeout %d must be in 1..3600 seconds", cw.timeout))
	}
	if cw.collect <= 0 {
		errs = append(errs, fmt.Errorf("--collect %s must be positive", cw.collect))
	}
	if min := cw.collect + time.Duration(cw.timeout)*time.Second; cw.interval <= min {
		errs = append(errs, fmt.Errorf("--round-interval %s must exceed --collect + --timeout (%s): a round must end before the next", cw.interval, min))
	}
	var err error
	if cw.thinkD, err = parseDistFlag("think-time", &cw.think); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	cw.rounds = max(1, int(c.duration/cw.interval))
	c.autoWarmup(cw.groups * cw.members)
	return nil
}

// footprint: every member of every class, each holding the class's two
// group invitations of a round.
func (cw *classroomWorkload) footprint(c *common) sim.Footprint {
	live := 2 * float64(cw.groups)
	return sim.Footprint{Devices: float64(cw.groups) * float64(cw.members), LiveInvitations: live,
		GroupMembers: live * float64(cw.members), Invitations: cw.invitations(c)}
}

func (*classroomWorkload) produces() produced {
	return produced{
		metrics: []string{"ring", "speak_ring", "accept", "timeout_skew"},
		counts: []string{"rounds", "outcome.raised_hand", "outcome.no_hand_timeout", "outcome.invited_to_speak",
			"outcome.spoke", "callbacks.earlier_round"},
		families: []string{"errors.", "callbacks."},
	}
}

func (cw *classroomWorkload) describe() []bench.Option {
	return []bench.Option{
		{Key: "groups", Value: strconv.Itoa(cw.groups)},
		{Key: "members", Value: strconv.Itoa(cw.members)},
		{Key: "raise", Value: fmtFloat(cw.raise)},
		{Key: "round-interval", Value: cw.interval.String()},
		{Key: "rounds", Value: strconv.Itoa(cw.rounds)},
		{Key: "collect", Value: cw.collect.String()},
		{Key: "think-time", Value: cw.thinkD.String()},
		{Key: "timeout", Value: strconv.Itoa(cw.timeout) + "s"},
	}
}

func (cw *classroomWorkload) invitations(c *common) float64 {
	// The checkers keep state per (invitation, member): count those.
	return float64(2*cw.groups*cw.rounds) * float64(cw.members)
}

func (cw *classroomWorkload) horizon(c *common) int64 {
	return c.warmupNS + int64(cw.rounds)*int64(cw.interval) + int64(cw.interval) + drainTime(cw.timeout)
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
	cw      *classroomWorkload
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

func (cw *classroomWorkload) simulate(e *env) error {
	c := e.c
	w, err := e.newWorld()
	if err != nil {
		return err
	}
	cr := &classroomRun{cw: cw, e: e, w: w, r: sim.NewRand(c.seed, "workload/classroom"), nshards: w.NumShards(),
		errs: map[errKey]int64{}}
	m := cw.members
	cr.users = make([]string, 0, cw.groups*m)
	cr.devs = make([]*sim.Device, 0, cw.groups*m)
	cr.classes = make([]class, cw.groups)
	for g := range cw.groups {
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

	start := c.warmupNS
	horizon := cw.horizon(c)
	loginSpread(w, cr.devs, c.spreadNS)
	if err := e.begin(start); err != nil {
		return err
	}
	// Round r of class g starts at start + interval*(r + g/G); one pending
	// closure walks through all of them in time order.
	total := int64(cw.rounds) * int64(cw.groups)
	var i int64
	var next func()
	iv, G := int64(cw.interval), int64(cw.groups)
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
	m := cr.cw.members
	base := int(g) * m
	w := cr.w
	cl.round++
	cl.first, cl.speaker, cl.speakID = -1, -1, ""
	clear(cl.acceptAt)
	cl.raiseAt = w.Now()
	id, _ := w.InviteInGroup(cr.devs[base], cl.id, cr.users[base+1:base+m], "raise-hand", false, cr.cw.timeout)
	cl.raiseID = id
	if id == "" {
		return
	}
	cr.rounds++
	cr.e.invited()
	round := cl.round
	w.At(w.Now()+int64(cr.cw.collect), func() { cr.pick(g, round) })
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
	m := cr.cw.members
	base := int(g) * m
	cl.speaker = cl.first
	cl.speakAt = cr.w.Now()
	id, _ := cr.w.InviteInGroup(cr.devs[base], cl.id, cr.users[base+int(cl.first):base+int(cl.first)+1], "speak", false, cr.cw.timeout)
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
	cr.w.Answer(cr.devs[int(g)*cr.cw.members+int(k)], engine.OpAccept, id, "")
}

// member returns the class and member index of a device.
func (cr *classroomRun) member(dv *sim.Device) (int32, int32) {
	u := int(dv.Addr) - cr.nshards
	return int32(u / cr.cw.members), int32(u % cr.cw.members)
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
			if k > 0 && cr.r.Float64() < cr.cw.raise {
				round, think := cl.round, cr.cw.thinkD.Sample(cr.r)
				cr.w.At(at+think, func() { cr.accept(g, round, k, false) })
			}
		} else {
			cr.hSpeakRing.RecordAt(at, at-cl.speakAt)
			if k == cl.speaker {
				round, think := cl.round, cr.cw.thinkD.Sample(cr.r)
				cr.w.At(at+think, func() { cr.accept(g, round, k, true) })
			}
		}
	case engine.OnInviteeAccepted:
		if k != 0 {
			return // every member sees it; the teacher is the inviter
		}
		s := studentIndex(cb.Invitee)
		if s <= 0 || int(s) >= cr.cw.members {
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
	e.res.notes = append(e.res.notes, fmt.Sprintf("%d groups x %d members, %d rounds: %d raised hands, %d invited to speak, %d spoke",
		cr.cw.groups, cr.cw.members, cr.rounds, cr.raised, cr.speakers, cr.speakAccepted))
}
