package apps

import (
	"fmt"
	"slices"
	"time"

	"sigsim/engine"
	"sigsim/room"
	"sigsim/sim"
)

// The call-level invariants (docs/DESIGN.md §4.9), checked as the call app runs.
const (
	// InvGhostCall: nobody stays alone in a call's room longer than the ghost
	// bound after the other party's outcome is final (it ended the call, and
	// did not crash). Counted from the later of that end, the entry, and the
	// end of the faults (sim.World.FaultsEnd).
	InvGhostCall = "ghost-call"
	// InvCallAgreement: both parties end up "talked" or both "did not talk",
	// and "talked" iff the callee's accept succeeded and was not overtaken by
	// a cancel (in server mode, the server's decision; in client mode, the
	// callee was told its accept succeeded and the caller was not told its
	// cancel did). A party that never rang did not talk. A party whose
	// device crashed, or was logged out, before the call was decided for it
	// has no verdict (it can no longer learn how the call ended): the other
	// party's verdict alone is judged, against the truth.
	InvCallAgreement = "call-agreement"
	// InvCallDuration: the duration announced at the end of a call is the room
	// overlap of the two parties at the room node, to within the duration
	// bound (the rounding to seconds) plus the delivery delays of the two
	// callbacks the announcer measured it between (each measured, neither
	// negative: no phone hears of a room change before the node makes it).
	InvCallDuration = "call-duration"
	// InvTwoRooms: no phone is in two call rooms at once (from its EnterRoom
	// call to its ExitRoom call, or the room's loss).
	InvTwoRooms = "two-rooms"
	// InvBusyRing: a phone in a call (calling, ringing or talking) never
	// rings for another; it answers "busy".
	InvBusyRing = "busy-ring"
	// InvCallEnd: no phone keeps calling, ringing or answering a call once
	// its SDK has ended the invitation: by the invitation's timeout plus the
	// ghost bound after its dial or ring (counted, like the ghost bound,
	// from the end of the faults that may hold it up), a phone still in
	// those states must find its SDK still listing the invitation (its end
	// is on its way). A phone that never hears how its invitation ended
	// (its SDK takes the end for its own doing, say) rings forever, and is
	// busy for every later call.
	InvCallEnd = "call-end"
)

// CallInvariants lists the call-level invariants.
var CallInvariants = []string{InvGhostCall, InvCallAgreement, InvCallDuration, InvTwoRooms, InvBusyRing, InvCallEnd}

// CallChecker checks the call-level invariants of a call app's phones. It
// keeps a record per call, from the dial (or the ring, when the caller runs no
// app) until both parties are done with it, and forgets it a ghost bound
// later. Its findings go to the world as violations (when the world has
// checkers) and to its own list and the app's Stats either way.
type CallChecker struct {
	c          *Calls
	w          *sim.World
	ghostBound time.Duration
	durBound   time.Duration
	recs       []callRec
	free       []int32
	byID       map[string]int32
	byRoom     map[string]int32
	users      map[string]*userCalls
	violations []sim.Violation
}

type callRec struct {
	live      bool
	gen       uint32
	judged    bool // agreement judged
	retiring  bool
	ghost     bool        // a ghost call was reported
	checkAt   engine.Time // a ghost check is scheduled then (0: none)
	quiet     engine.Time // ghost checks: since when no fault was seen (see ghostCheck)
	faults    int64       // ghost checks: the world's fault count then
	id, room  string
	p         [2]party          // caller, callee
	node      [2][maxStays]span // each party's latest stays at the room node, oldest first
	invitedAt engine.Time       // the dial (0: the caller runs no app)
	acceptOK  bool              // the callee was told its accept succeeded
	cancelOK  bool              // the caller was told its cancel succeeded
	crossed   bool              // both were: counted in Crossings
	setupSeen bool
	// Measurements (Calls.Observe): when the callee answered and the caller
	// cancelled (0: not), when each party heard the timeout, the
	// invitation's timeout in seconds.
	answerAt, cancelAt engine.Time
	toAt               [2]engine.Time
	timeout            int
	heard              [2]bool // the other party's answer or cancel was measured
}

type party struct {
	user          string
	dev           *sim.Device
	engaged       bool // dialled, or rang
	ended         bool
	talked        bool
	crashed       bool // its device crashed during the call: it has no verdict
	out           bool // its device was logged out before the call was decided for it: no verdict either
	lost          bool // its device crashed after it ended, maybe before its last word went out
	inRoom        bool
	announced     bool
	endAt         engine.Time
	inSince       engine.Time
	sawAt         engine.Time // when it saw the other in the room (0: never)
	announcedSecs int64
	why           string
	since         engine.Time // when it dialled or rang
	on            bool        // the call is on for it (connected)
	stuck         bool        // a call-end violation was reported
	endCheckAt    engine.Time // a call-end check is scheduled then (0: none)
	quiet         engine.Time
	faults        int64 // call-end checks: as callRec's, for this party
}

// span is a party's stay in the room, at the room node.
type span struct {
	entered, left bool
	in, out       engine.Time
}

// maxStays is how many stays of each party a record keeps: a party may
// enter, leave and, in a later life of its device, enter again.
const maxStays = 3

// stay returns a party's latest stay that began by before (any, if before
// is 0).
func (r *callRec) stay(side int, before engine.Time) span {
	l := &r.node[side]
	for i := len(l) - 1; i >= 0; i-- {
		if l[i].entered && (before == 0 || l[i].in <= before) {
			return l[i]
		}
	}
	return span{}
}

// userCalls is what a user's phone is engaged in: calls, and call rooms.
type userCalls struct {
	active []int32
	rooms  []string
}

func newCallChecker(c *Calls) *CallChecker {
	o := c.opts
	cc := &CallChecker{c: c, w: c.w, ghostBound: o.GhostBound, durBound: o.DurationBound,
		byID: map[string]int32{}, byRoom: map[string]int32{}, users: map[string]*userCalls{}}
	if cc.ghostBound == 0 {
		cc.ghostBound = c.w.Options().LivenessBound
	}
	if cc.durBound == 0 {
		cc.durBound = time.Second
	}
	return cc
}

// Violations lists what the checker found, whether or not the world records
// violations.
func (cc *CallChecker) Violations() []sim.Violation { return cc.violations }

// Live is the number of calls it keeps a record of.
func (cc *CallChecker) Live() int { return len(cc.recs) - len(cc.free) }

func (cc *CallChecker) violate(inv string, d *sim.Device, format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	node := "-"
	if d != nil {
		node = d.Name
	}
	cc.violations = append(cc.violations, sim.Violation{Invariant: inv, At: cc.w.Now(), Event: cc.w.Events(), Node: node, Text: text})
	s := &cc.c.Stats
	switch inv {
	case InvGhostCall:
		s.Ghosts++
	case InvCallAgreement:
		s.Disagreements++
	case InvCallDuration:
		s.DurationErrors++
	case InvTwoRooms:
		s.TwoRooms++
	case InvBusyRing:
		s.BusyRings++
	case InvCallEnd:
		s.Stuck++
	}
	cc.w.Report(inv, d, text)
}

func (cc *CallChecker) rec(h int32) *callRec {
	if h < 0 {
		return nil
	}
	return &cc.recs[h]
}

func (cc *CallChecker) add() int32 {
	var h int32
	if n := len(cc.free); n > 0 {
		h = cc.free[n-1]
		cc.free = cc.free[:n-1]
	} else {
		h = int32(len(cc.recs))
		cc.recs = append(cc.recs, callRec{})
	}
	r := &cc.recs[h]
	*r = callRec{live: true, gen: r.gen + 1}
	return h
}

func (cc *CallChecker) user(u string) *userCalls {
	uc := cc.users[u]
	if uc == nil {
		uc = &userCalls{}
		cc.users[u] = uc
	}
	return uc
}

func (cc *CallChecker) done(u string, h int32) {
	uc := cc.users[u]
	if uc == nil {
		return
	}
	if i := slices.Index(uc.active, h); i >= 0 {
		uc.active = slices.Delete(uc.active, i, i+1)
	}
	if len(uc.active) == 0 && len(uc.rooms) == 0 {
		delete(cc.users, u)
	}
}

// dial: a phone places a call (its invitation, of timeout seconds, comes
// next: invited).
func (cc *CallChecker) dial(d *sim.Device, callee, roomID string, at engine.Time, timeout int) int32 {
	h := cc.add()
	r := &cc.recs[h]
	r.room, r.invitedAt, r.timeout = roomID, at, timeout
	r.p[0] = party{user: d.User, dev: d, engaged: true, since: at}
	r.p[1] = party{user: callee}
	cc.byRoom[roomID] = h
	uc := cc.user(d.User)
	uc.active = append(uc.active, h)
	cc.endCheck(h, 0)
	return h
}

func (cc *CallChecker) invited(h int32, id string) {
	if r := cc.rec(h); r != nil && id != "" {
		r.id = id
		cc.byID[id] = h
	}
}

// ring: a phone rings for a call. It returns the call's record, -1 if it
// keeps none (a call already ringing there).
func (cc *CallChecker) ring(d *sim.Device, inviter, id, roomID string, at engine.Time) int32 {
	h, ok := cc.byID[id]
	if !ok {
		h = cc.add()
		r := &cc.recs[h]
		r.id, r.room = id, roomID
		r.p[0] = party{user: inviter}
		cc.byID[id] = h
		if _, taken := cc.byRoom[roomID]; !taken {
			cc.byRoom[roomID] = h
		}
	}
	r := &cc.recs[h]
	if p := &r.p[1]; p.engaged {
		if !p.ended && !p.gone() {
			return -1 // ringing already
		}
		// It rings again: a new life of the callee's device, or its next
		// login, learned the invitation again, which is still on for it
		// (whatever the phone's earlier end of it, say an accept refused
		// while it was being logged out). Its verdict now is the one that
		// counts.
		r.judged = false
	}
	uc := cc.user(d.User)
	if len(uc.active) > 0 {
		o := cc.rec(uc.active[0])
		cc.violate(InvBusyRing, d, "%s rings for %s from %s while in call %s with %s", d.User, id, inviter, o.room, o.peerOf(d.User))
	}
	uc.active = append(uc.active, h)
	r.p[1] = party{user: d.User, dev: d, engaged: true, since: at}
	if r.invitedAt > 0 {
		cc.c.observe("ring", at, at.Sub(r.invitedAt))
	}
	cc.endCheck(h, 1)
	return h
}

// sdkHas tells whether device d's SDK lists invitation id (a device down,
// or not logged in, lists none: its phone gave its calls up).
func (cc *CallChecker) sdkHas(d *sim.Device, id string) bool {
	cl := d.Client()
	if d.Down() || cl == nil || id == "" {
		return false
	}
	return slices.ContainsFunc(cl.Invitations(), func(v engine.InvitationView) bool { return v.InviteID == id })
}

// on: the call is on for a phone (it is connected).
func (cc *CallChecker) on(h int32, side int) {
	if r := cc.rec(h); r != nil {
		r.p[side].on = true
	}
}

// endCheck looks for a phone still calling, ringing or answering a call
// after its invitation must have ended (call-end), and schedules itself for
// when it would be.
func (cc *CallChecker) endCheck(h int32, side int) {
	r := &cc.recs[h]
	p := &r.p[side]
	if !p.engaged || p.ended || p.gone() || p.on || p.stuck {
		return
	}
	w := cc.w
	now := w.Now()
	var due engine.Time
	switch {
	case cc.faultOn(r):
		p.quiet, p.faults = 0, w.Counts.Faults
		due = now.Add(time.Second)
	default:
		if p.quiet == 0 || p.faults != w.Counts.Faults {
			p.quiet, p.faults = now, w.Counts.Faults
		}
		due = max(p.since, p.quiet, w.FaultsEnd()).Add(engine.TimeoutDuration(cc.c.opts.Timeout)).Add(cc.ghostBound)
		if now >= due && cc.sdkHas(p.dev, r.id) {
			// Its SDK still has the invitation: the end is on its way (a
			// slow link's frames, resent), not lost. Look again soon.
			due = now.Add(time.Second)
		} else if now >= due {
			p.stuck = true
			what := "ringing for"
			if side == 0 {
				what = "calling " + r.p[1].user + " in"
			}
			cc.violate(InvCallEnd, p.dev, "%s still %s call %s (%s) since %s, %s later, its SDK done with the invitation (timeout %ds)",
				p.user, what, r.id, r.room, atSecs(p.since), durSecs(now.Sub(p.since)), cc.c.opts.Timeout)
			return
		}
	}
	if p.endCheckAt != 0 && p.endCheckAt <= due {
		return
	}
	p.endCheckAt = due
	gen := r.gen
	user := p.user
	cc.w.At(due, func() {
		r := &cc.recs[h]
		if r.gen != gen || !r.live || r.p[side].user != user || r.p[side].endCheckAt != due {
			return
		}
		r.p[side].endCheckAt = 0
		cc.endCheck(h, side)
	})
}

func (r *callRec) peerOf(u string) string {
	if r.p[0].user == u {
		return r.p[1].user
	}
	return r.p[0].user
}

func (cc *CallChecker) acceptOK(h int32) {
	if r := cc.rec(h); r != nil {
		r.acceptOK = true
		cc.crossing(r)
	}
}

func (cc *CallChecker) cancelOK(h int32) {
	if r := cc.rec(h); r != nil {
		r.cancelOK = true
		cc.crossing(r)
	}
}

// crossing counts a call whose callee's accept and caller's cancel were
// both told they succeeded (the legacy SDK's crossing).
func (cc *CallChecker) crossing(r *callRec) {
	if r.acceptOK && r.cancelOK && !r.crossed {
		r.crossed = true
		cc.c.Stats.Crossings++
	}
}

// answered: the callee answers (accepts or rejects) now.
func (cc *CallChecker) answered(h int32) {
	if r := cc.rec(h); r != nil && r.answerAt == 0 {
		r.answerAt = cc.w.Now()
	}
}

// cancelling: the caller cancels now.
func (cc *CallChecker) cancelling(h int32) {
	if r := cc.rec(h); r != nil && r.cancelAt == 0 {
		r.cancelAt = cc.w.Now()
	}
}

// heardOther: a party heard the other's answer (the caller: "accept",
// "reject") or cancel (the callee: "cancel"): the latency is measured from
// the other's move.
func (cc *CallChecker) heardOther(h int32, side int, what string) {
	r := cc.rec(h)
	if r == nil || r.heard[side] {
		return
	}
	from := r.answerAt
	if side == 1 {
		from = r.cancelAt
	}
	if from > 0 {
		r.heard[side] = true
		now := cc.w.Now()
		cc.c.observe(what, now, now.Sub(from))
	}
}

// timedOut: a party heard the invitation time out. The caller's lateness
// against the invitation's deadline, and once both heard it, the skew
// between them, are measured.
func (cc *CallChecker) timedOut(h int32, side int) {
	r := cc.rec(h)
	if r == nil || r.toAt[side] != 0 {
		return
	}
	now := cc.w.Now()
	r.toAt[side] = now
	if side == 0 && r.invitedAt > 0 {
		cc.c.observe("timeout_late", now, now.Sub(r.invitedAt)-engine.TimeoutDuration(r.timeout))
	}
	if r.toAt[0] != 0 && r.toAt[1] != 0 {
		cc.c.observe("timeout_skew", now, abs(r.toAt[0].Sub(r.toAt[1])))
	}
}

// enter: a phone calls EnterRoom for a call's room.
func (cc *CallChecker) enter(h int32, side int, user, roomID string) {
	r := cc.rec(h)
	if r == nil {
		return
	}
	uc := cc.user(user)
	if len(uc.rooms) > 0 && !slices.Contains(uc.rooms, roomID) {
		cc.violate(InvTwoRooms, r.p[side].dev, "%s enters call room %s while in %v", user, roomID, uc.rooms)
	}
	if !slices.Contains(uc.rooms, roomID) {
		uc.rooms = append(uc.rooms, roomID)
	}
}

// inRoom: the phone's entry succeeded.
func (cc *CallChecker) inRoom(h int32, side int) {
	r := cc.rec(h)
	if r == nil {
		return
	}
	r.p[side].inRoom, r.p[side].inSince = true, cc.w.Now()
	cc.ghostCheck(h)
}

// left: the phone called ExitRoom, or its entry failed, or the room was lost.
func (cc *CallChecker) left(h int32, side int, user, roomID string) {
	if uc := cc.users[user]; uc != nil {
		if i := slices.Index(uc.rooms, roomID); i >= 0 {
			uc.rooms = slices.Delete(uc.rooms, i, i+1)
		}
		if len(uc.active) == 0 && len(uc.rooms) == 0 {
			delete(cc.users, user)
		}
	}
	if r := cc.rec(h); r != nil {
		r.p[side].inRoom = false
		cc.maybeRetire(h)
	}
}

// sawPeer: the phone saw the other party enter the room.
func (cc *CallChecker) sawPeer(h int32, side int) {
	r := cc.rec(h)
	if r == nil {
		return
	}
	now := cc.w.Now()
	r.p[side].sawAt = now
	if !r.setupSeen && r.p[0].sawAt > 0 && r.p[1].sawAt > 0 && r.invitedAt > 0 {
		r.setupSeen = true
		cc.c.observe("setup", now, now.Sub(r.invitedAt))
	}
}

// ended: a phone is done with a call, with its verdict.
func (cc *CallChecker) ended(h int32, side int, talked bool, why string) {
	r := cc.rec(h)
	if r == nil || r.p[side].ended {
		return
	}
	p := &r.p[side]
	p.ended, p.talked, p.endAt, p.why = true, talked, cc.w.Now(), why
	cc.done(p.user, h)
	cc.maybeJudge(h)
	cc.ghostCheck(h)
	cc.maybeRetire(h)
}

// gone tells whether the party has no verdict: its device crashed, or was
// logged out, while the call was still to be decided for it.
func (p *party) gone() bool { return p.crashed || p.out }

// loggedOut: a phone gave up a call not yet decided for it because its
// device was logged out (it left the room first): it has no verdict.
func (cc *CallChecker) loggedOut(h int32, side int, user string) {
	cc.done(user, h)
	r := cc.rec(h)
	if r == nil || r.p[side].ended {
		return
	}
	r.p[side].out = true
	cc.maybeJudge(h)
	cc.ghostCheck(h)
	cc.maybeRetire(h)
}

// crashed: a phone's device crashed during a call: it has no verdict.
func (cc *CallChecker) crashed(h int32, side int, user, roomID string) {
	if uc := cc.users[user]; uc != nil {
		uc.rooms = slices.DeleteFunc(uc.rooms, func(s string) bool { return s == roomID })
	}
	cc.done(user, h)
	r := cc.rec(h)
	if r == nil {
		return
	}
	r.p[side].crashed, r.p[side].inRoom = true, false
	cc.maybeJudge(h)
	cc.maybeRetire(h)
}

// deviceDown: a device crashed. A party on it that had ended a call the
// other party is still in may not have told it (its end-of-call invitation
// dies with it): its end no longer makes the other a ghost.
func (cc *CallChecker) deviceDown(d *sim.Device) {
	for h := range cc.recs {
		r := &cc.recs[h]
		if !r.live {
			continue
		}
		for i := range r.p {
			if p := &r.p[i]; p.dev == d && p.ended && !r.p[1-i].ended {
				p.lost = true
			}
		}
	}
}

// announced: a phone announces the end of a call with a duration, measured
// until end (when it saw the other leave, or now).
func (cc *CallChecker) announced(h int32, side int, secs int64, end engine.Time) {
	r := cc.rec(h)
	if r == nil || r.p[side].announced {
		return
	}
	me := &r.p[side]
	me.announced, me.announcedSecs = true, secs
	now := cc.w.Now()
	// The stays it saw the other in: those that had begun when it saw the
	// other enter (the latest, if it never did, or none had begun then).
	mine, peer := r.stay(side, me.sawAt), r.stay(1-side, me.sawAt)
	if !mine.entered || !peer.entered {
		mine, peer = r.stay(side, 0), r.stay(1-side, 0)
	}
	together := mine.entered && peer.entered
	var overlap time.Duration
	var from engine.Time
	if together {
		from = max(mine.in, peer.in)
		to := now
		if peer.left {
			to = peer.out
		}
		if mine.left {
			to = min(to, mine.out)
		}
		overlap = max(0, to.Sub(from))
	}
	got := time.Duration(secs) * time.Second
	cc.c.observe("duration_error", now, abs(got-overlap))
	if together {
		cc.c.observe("talk", now, overlap)
	}
	if me.sawAt == 0 {
		return // it never saw the other: it announces 0, which nothing contradicts
	}
	switch {
	case !together:
		cc.violate(InvCallDuration, me.dev, "%s announced %ds for %s, but the two were never in room %s together", me.user, secs, r.id, r.room)
		return
	case me.sawAt < from:
		cc.violate(InvCallDuration, me.dev, "%s saw %s in room %s at %s, before the room had both (%s)",
			me.user, r.peerOf(me.user), r.room, atSecs(me.sawAt), atSecs(from))
		return
	case peer.left && end < peer.out:
		cc.violate(InvCallDuration, me.dev, "%s heard %s left room %s before it did", me.user, r.peerOf(me.user), r.room)
		return
	}
	lag := me.sawAt.Sub(from)
	if peer.left {
		lag += end.Sub(peer.out)
	}
	if err := abs(got - overlap); err > cc.durBound+lag {
		cc.violate(InvCallDuration, me.dev, "%s announced %ds for %s; the room overlap was %s (allowed error %s)",
			me.user, secs, r.id, durSecs(overlap), durSecs(cc.durBound+lag))
	}
}

// faultOn tells whether a fault is on that may hold up the call's parties.
func (cc *CallChecker) faultOn(r *callRec) bool {
	var nodes [5]engine.Addr
	n := 0
	for i := range r.p {
		if d := r.p[i].dev; d != nil {
			nodes[n] = d.Addr
			nodes[n+1] = engine.Addr(d.Home)
			n += 2
		}
	}
	if cc.w.RoomNodes() > 0 {
		nodes[n] = cc.w.RoomNodeAddr(cc.w.RoomNodeOf(r.room))
		n++
	}
	return cc.w.FaultOn(nodes[:n]...)
}

func abs(x time.Duration) time.Duration {
	if x < 0 {
		return -x
	}
	return x
}

// change: a room node's membership decision.
func (cc *CallChecker) change(at engine.Time, node int, ch *room.Change) {
	h, ok := cc.byRoom[ch.Room]
	if !ok {
		return
	}
	r := &cc.recs[h]
	side := -1
	for i := range r.p {
		if r.p[i].user == ch.User {
			side = i
		}
	}
	if side < 0 {
		return
	}
	l := &r.node[side]
	switch ch.Kind {
	case room.Entered:
		i := slices.IndexFunc(l[:], func(s span) bool { return !s.entered })
		if i < 0 {
			copy(l[:], l[1:])
			i = len(l) - 1
		}
		l[i] = span{entered: true, in: at}
	case room.Left:
		for i := len(l) - 1; i >= 0; i-- {
			if l[i].entered {
				if !l[i].left {
					l[i].left, l[i].out = true, at
				}
				break
			}
		}
	}
}

// truth is whether the call happened: the callee's accept succeeded and no
// cancel overtook it.
func (cc *CallChecker) truth(r *callRec) bool {
	if cc.w.Options().Mode == engine.ModeServer && r.id != "" {
		if st, ok := cc.w.Outcome(r.id, r.p[1].user); ok {
			return st == engine.Accepted
		}
	}
	return r.acceptOK && !r.cancelOK
}

// maybeJudge judges agreement once each party has ended or has no verdict
// (a callee that never rang is judged when the call is retired).
func (cc *CallChecker) maybeJudge(h int32) {
	r := &cc.recs[h]
	if (r.p[0].ended || r.p[0].gone()) && (r.p[1].ended || r.p[1].gone()) {
		cc.judge(h)
	}
}

// judge judges agreement, once both parties are done (or the callee never
// rang): both verdicts agree with each other and with the truth; a party
// with no verdict is left out.
func (cc *CallChecker) judge(h int32) {
	r := &cc.recs[h]
	a, b := &r.p[0], &r.p[1]
	if r.judged || !a.engaged || a.gone() && b.gone() {
		return
	}
	r.judged = true
	verdict := func(p *party) string {
		if !p.engaged {
			return "never rang"
		}
		if p.talked {
			return "talked (" + p.why + ")"
		}
		return "did not talk (" + p.why + ")"
	}
	t := cc.truth(r)
	why := "the callee's accept did not succeed"
	if t {
		why = "the callee's accept succeeded"
	} else if r.acceptOK && r.cancelOK {
		why = "the callee's accept and the caller's cancel both succeeded"
	}
	switch {
	case a.gone() || b.gone():
		p, q := a, b // p has the verdict
		if a.gone() {
			p, q = b, a
		}
		how := "crashed"
		if q.out {
			how = "was logged out"
		}
		if p.talked != t {
			cc.violate(InvCallAgreement, p.dev, "call %s: %s %s (%s %s before the call was decided for it); %s", r.id, p.user, verdict(p), q.user, how, why)
		}
	case a.talked != b.talked:
		cc.violate(InvCallAgreement, a.dev, "call %s: %s %s, %s %s; %s", r.id, a.user, verdict(a), b.user, verdict(b), why)
	case a.talked != t:
		cc.violate(InvCallAgreement, a.dev, "call %s: both %s and %s say %v, but %s", r.id, a.user, b.user, map[bool]string{true: "they talked", false: "they did not talk"}[a.talked], why)
	}
}

// ghostCheck looks for a party alone in the room after the other's end, and
// schedules itself for when one would become a ghost. The bound counts from
// the faults' end: while a fault is on that may hold up what would tell the
// party (sim.World.FaultOn: its device, the other's, their shards, the room
// node), or the swarm's faults are still to heal (FaultsEnd), it waits, and
// a fault that started or ended since its last look (the world's fault
// count moved) restarts the count.
func (cc *CallChecker) ghostCheck(h int32) {
	r := &cc.recs[h]
	if r.ghost {
		return
	}
	w := cc.w
	now := w.Now()
	due := engine.Time(0)
	for q := range 2 {
		me, other := &r.p[q], &r.p[1-q]
		if !me.inRoom || !other.ended || other.gone() || other.lost || me.gone() {
			continue
		}
		switch {
		case cc.faultOn(r):
			r.quiet, r.faults = 0, w.Counts.Faults
			due = now.Add(time.Second) // look again soon
			continue
		case r.quiet == 0 || r.faults != w.Counts.Faults:
			r.quiet, r.faults = now, w.Counts.Faults
		}
		since := max(other.endAt, me.inSince)
		at := max(since, r.quiet, w.FaultsEnd()).Add(cc.ghostBound)
		if now >= at {
			r.ghost = true
			cc.violate(InvGhostCall, me.dev, "%s alone in room %s since %s, %s after %s's call %s ended (%s)",
				me.user, r.room, atSecs(since), durSecs(now.Sub(since)), other.user, r.id, other.why)
			return
		}
		if due == 0 || at < due {
			due = at
		}
	}
	if due != 0 && (r.checkAt == 0 || due < r.checkAt) {
		r.checkAt = due
		gen := r.gen
		cc.w.At(due, func() {
			r := &cc.recs[h]
			if r.gen != gen || !r.live {
				return
			}
			r.checkAt = 0
			cc.ghostCheck(h)
		})
	}
}

// maybeRetire forgets a call once both parties are done with it and out of
// its room, a ghost bound later (late callbacks about it are then ignored).
func (cc *CallChecker) maybeRetire(h int32) {
	r := &cc.recs[h]
	if r.retiring {
		return
	}
	for i := range r.p {
		p := &r.p[i]
		if p.engaged && !p.ended && !p.gone() || p.inRoom {
			return
		}
	}
	r.retiring = true
	gen := r.gen
	cc.w.At(cc.w.Now().Add(cc.ghostBound).Add(engine.TimeoutDuration(cc.c.opts.Timeout)), func() {
		r := &cc.recs[h]
		if r.gen != gen || !r.live {
			return
		}
		r.retiring = false
		for i := range r.p {
			if p := &r.p[i]; p.engaged && !p.ended && !p.gone() || p.inRoom {
				return // the callee rang after all: retire when it is done
			}
		}
		if r.p[0].ended {
			cc.judge(h) // the callee never rang: it did not talk
		}
		cc.forget(h)
	})
}

func (cc *CallChecker) forget(h int32) {
	r := &cc.recs[h]
	if r.id != "" && cc.byID[r.id] == h {
		delete(cc.byID, r.id)
	}
	if cc.byRoom[r.room] == h {
		delete(cc.byRoom, r.room)
	}
	*r = callRec{gen: r.gen}
	cc.free = append(cc.free, h)
}
