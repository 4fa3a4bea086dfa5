package sim

import (
	"fmt"
	"slices"
	"strings"

	"sigsim/engine"
	"sigsim/sim/trace"
)

// The invariants of DESIGN §4, checked as the run goes.
const (
	InvReceiveFirst   = "receive-first"   // nothing about an invitation precedes its arrival
	InvExactlyOnce    = "exactly-once"    // no callback repeats
	InvAgreement      = "agreement"       // every observer learns the same outcome, the server's
	InvValidity       = "validity"        // outcomes only from the calls and times that justify them
	InvScope          = "scope"           // callbacks reach the right users, online-only never late
	InvNoResurrection = "no-resurrection" // nothing about an invitee after its final state
	InvTermination    = "termination"     // once healed, everything ends within the bound
)

// Violation is one broken invariant, with the event that broke it.
type Violation struct {
	Invariant string
	At        int64 // virtual time
	Event     int64 // index of the trace event
	Node      string
	Text      string
}

func (v Violation) String() string {
	return fmt.Sprintf("%s violated at %s (event %d) on %s: %s", v.Invariant, trace.FormatTime(v.At), v.Event, v.Node, v.Text)
}

// Checker holds what the invariants need: per invitation what was called and
// decided, per observer (device incarnation) what it learned.
//
// It keeps something for every invitation of a run, so it is laid out for runs
// of hundreds of thousands of live ones (sigbench mass-timeout): an invitation
// is a value in one slice, found through one map from its ID to its handle (its
// index there); what is known of each invitee sits at the invitee's position in
// the invitation's list, inline for the lone invitee of a 1:1 call; and an
// observer keeps one map entry per invitation it received, with what it learned
// of a lone invitee in the entry itself. Nothing that grows with a group is
// scanned per callback: long invitee lists get an index, member lists are sorted.
type Checker struct {
	w    *World
	ids  map[string]int32 // invite ID → handle, the invitation's index in invs
	invs []invCheck
	// Lone invitees are interned: a 1:1 invitation holds a 4-byte handle where
	// a string would take 16.
	userIDs    map[string]int32 // user → handle, its index in users
	users      []string
	obs        []observer          // by device index
	members    map[string][]string // group → the members the checker knows of, sorted
	violations []Violation
}

// invCheck is one invitation. A 1:1 invitation fits in it alone; more holds
// what only some invitations need.
type invCheck struct {
	due     int64        // the invite call's time plus the timeout: it may not time out before
	more    *invMore     // nil for a 1:1 invitation that is not online-only
	invitee int32        // its invitee (in Checker.users), if it lists one only (else more.invitees)
	inviter int32        // the inviting device's index in the world; its user is the inviter
	timeout int32        // seconds (the engine refuses more than 2³¹-1)
	one     inviteeCheck // its lone invitee's record (else more.per)
	flags   invFlags
}

type invFlags uint8

const (
	invInvited    invFlags = 1 << iota // an invite call made it; without, it was only heard of (AddInvitedSignaling)
	invOnlineOnly                      // online-only
	invCancelled                       // its inviter called cancel
	invDecided                         // server mode: the server created it
)

// invMore is what some invitations need beyond invCheck: a group, a list of
// several invitees, when an online-only one reached each user, and the records
// of users it never invited who answered it or were decided by the server —
// which a correct engine never produces, but which must be checked all the same.
type invMore struct {
	group     string
	invitees  []string                 // as the invite call listed them, repeats included; nil if it listed one
	per       []inviteeCheck           // by position in invitees
	index     map[string]int32         // each invitee's first position, for lists longer than indexAbove
	reached   map[string]int64         // online-only: when it reached each user's home shard
	strangers map[string]*inviteeCheck // users it does not list
}

// indexAbove is the length above which an invitee list gets an index: a short
// one is scanned faster than a map is hashed, a long one (a classroom's 200)
// would make each callback cost its length.
const indexAbove = 8

// inviteeCheck is what is known of one invitee of an invitation.
type inviteeCheck struct {
	server   maybeState // server mode: the server's decision
	learned  maybeState // the first outcome any observer learned
	answered bool       // the user called accept or reject
}

// maybeState is an engine.InviteeState or none, in one byte: 0 is none, s+1
// is state s (states are small).
type maybeState uint8

func maybe(st engine.InviteeState) maybeState { return maybeState(st) + 1 }

// get returns the state and true, or Pending and false if there is none: a
// missing state reads, and prints, as pending, as a map's zero value would.
func (m maybeState) get() (engine.InviteeState, bool) {
	if m == 0 {
		return engine.Pending, false
	}
	return engine.InviteeState(m - 1), true
}

func (inv *invCheck) is(f invFlags) bool { return inv.flags&f != 0 }

// extra returns inv.more, making it if need be.
func (inv *invCheck) extra() *invMore {
	if inv.more == nil {
		inv.more = &invMore{}
	}
	return inv.more
}

func (inv *invCheck) group() string {
	if inv.more == nil {
		return ""
	}
	return inv.more.group
}

// size is the length of the invitee list, repeats included.
func (inv *invCheck) size() int {
	if inv.more == nil || inv.more.invitees == nil {
		return 1
	}
	return len(inv.more.invitees)
}

// position is where u first appears in the invitee list of inv, -1 if it does not.
func (c *Checker) position(inv *invCheck, u string) int {
	m := inv.more
	switch {
	case m == nil || m.invitees == nil:
		if u == c.users[inv.invitee] {
			return 0
		}
		return -1
	case m.index != nil:
		if i, ok := m.index[u]; ok {
			return int(i)
		}
		return -1
	default:
		return slices.Index(m.invitees, u)
	}
}

// at returns the record of the invitee at position i.
func (inv *invCheck) at(i int) *inviteeCheck {
	if inv.more == nil || inv.more.invitees == nil {
		return &inv.one
	}
	return &inv.more.per[i]
}

// record returns the record of user u in inv, listed or not. For a user inv
// does not list it makes one if add, else it may return nil.
func (c *Checker) record(inv *invCheck, u string, add bool) *inviteeCheck {
	if i := c.position(inv, u); i >= 0 {
		return inv.at(i)
	}
	if inv.more != nil {
		if r := inv.more.strangers[u]; r != nil {
			return r
		}
	}
	if !add {
		return nil
	}
	m := inv.extra()
	if m.strangers == nil {
		m.strangers = map[string]*inviteeCheck{}
	}
	r := &inviteeCheck{}
	m.strangers[u] = r
	return r
}

// decision is the server's decision on inv for user u.
func (c *Checker) decision(inv *invCheck, u string) maybeState {
	if r := c.record(inv, u, false); r != nil {
		return r.server
	}
	return 0
}

// reachedAt is when an online-only invitation reached u's home shard.
func (inv *invCheck) reachedAt(u string) (int64, bool) {
	if inv.more == nil {
		return 0, false
	}
	at, ok := inv.more.reached[u]
	return at, ok
}

// observer is what one device incarnation learned. Each invitation it received
// (by handle) has an entry in known, which for an invitation of one invitee is
// also the final state it learned of that invitee; for an invitation of
// several, the states are in many, by the invitees' positions.
type observer struct {
	since int64 // last login call, reconnect or restart: when its session may have opened
	known map[int32]maybeState
	many  map[int32][]maybeState // made at the first state learned
}

func (o *observer) received(h int32) bool {
	_, ok := o.known[h]
	return ok
}

// receive records that invitation h arrived, with nothing learned of it yet.
func (o *observer) receive(h int32) {
	if o.known == nil {
		o.known = map[int32]maybeState{}
	}
	o.known[h] = 0
	delete(o.many, h)
}

// learned is the final state it learned of the invitee at position i of
// invitation h, whose list has n invitees.
func (o *observer) learned(h int32, n, i int) maybeState {
	if n == 1 {
		return o.known[h]
	}
	if l := o.many[h]; l != nil {
		return l[i]
	}
	return 0
}

func (o *observer) learn(h int32, n, i int, st engine.InviteeState) {
	if n == 1 {
		o.known[h] = maybe(st)
		return
	}
	l := o.many[h]
	if l == nil {
		if o.many == nil {
			o.many = map[int32][]maybeState{}
		}
		l = make([]maybeState, n)
		o.many[h] = l
	}
	l[i] = maybe(st)
}

// learnedAll tells whether it learned a final state for every invitee of h,
// whose list has n. Never if the list repeats an invitee: the repeat counts in
// n, but its state is learned at its first position only.
func (o *observer) learnedAll(h int32, n int) bool {
	if n == 1 {
		return o.known[h] != 0
	}
	l := o.many[h]
	return len(l) == n && !slices.Contains(l, 0)
}

func newChecker(w *World) *Checker {
	return &Checker{w: w, ids: map[string]int32{}, userIDs: map[string]int32{}, members: map[string][]string{}}
}

func (c *Checker) violate(inv string, d *Device, format string, args ...any) {
	node := "-"
	if d != nil {
		node = d.Name
	}
	v := Violation{Invariant: inv, At: c.w.now, Event: c.w.nevents, Node: node, Text: fmt.Sprintf(format, args...)}
	c.violations = append(c.violations, v)
	c.w.textEvent(trace.Violation, -1, -1, v.Invariant+" on "+node+": "+v.Text)
	if c.w.violation == nil {
		c.w.violation = &c.violations[len(c.violations)-1]
	}
	if !c.w.opts.KeepGoing {
		c.w.stopped = true
	}
}

// devIndex is a device's index in the world, and of its observer.
func (c *Checker) devIndex(d *Device) int { return int(d.Addr) - len(c.w.shards) }

func (c *Checker) observer(d *Device) *observer {
	i := c.devIndex(d)
	for len(c.obs) <= i {
		c.obs = append(c.obs, observer{})
	}
	return &c.obs[i]
}

// online notes that a device may open a new session from now on.
func (c *Checker) online(d *Device) { c.observer(d).since = c.w.now }

// reset starts a new observer for a device whose SDK state is gone.
func (c *Checker) reset(d *Device) {
	o := c.observer(d)
	*o = observer{since: c.w.now}
}

// lookup returns the invitation an invite call made under id, and its handle;
// nil if none did.
func (c *Checker) lookup(id string) (int32, *invCheck) {
	if h, ok := c.ids[id]; ok && c.invs[h].is(invInvited) {
		return h, &c.invs[h]
	}
	return -1, nil
}

// add gives id a new handle, for an invitation not made yet.
func (c *Checker) add(id string) int32 {
	h := int32(len(c.invs))
	c.invs = append(c.invs, invCheck{})
	c.ids[id] = h
	return h
}

func (c *Checker) inviter(inv *invCheck) string { return c.w.devs[inv.inviter].User }

// intern returns user u's handle, making one for a new user.
func (c *Checker) intern(u string) int32 {
	h, ok := c.userIDs[u]
	if !ok {
		h = int32(len(c.users))
		c.users = append(c.users, u)
		c.userIDs[u] = h
	}
	return h
}

func (c *Checker) loadGroup(id, owner string, members []string) {
	l := append(append(make([]string, 0, len(members)+1), members...), owner)
	slices.Sort(l)
	c.members[id] = slices.Compact(l)
}

func (c *Checker) isMember(group, user string) bool {
	_, ok := slices.BinarySearch(c.members[group], user)
	return ok
}

func (c *Checker) addMember(group, user string) {
	l := c.members[group]
	if i, ok := slices.BinarySearch(l, user); !ok {
		c.members[group] = slices.Insert(l, i, user)
	}
}

func (c *Checker) invited(d *Device, id, group string, invitees []string, timeout int, onlineOnly bool) {
	h, ok := c.ids[id]
	if !ok || c.invs[h].is(invInvited) {
		// A repeated ID (the engine makes none: an ID names its device and
		// incarnation) would start afresh, unknown to every observer.
		h = c.add(id)
	}
	inv := &c.invs[h]
	*inv = invCheck{due: c.w.now + int64(timeout)*1e9, inviter: int32(c.devIndex(d)), timeout: int32(timeout), flags: invInvited}
	if onlineOnly {
		inv.flags |= invOnlineOnly
	}
	if group != "" {
		inv.extra().group = group
	}
	if len(invitees) == 1 {
		inv.invitee = c.intern(invitees[0])
	} else {
		m := inv.extra()
		m.invitees = append(make([]string, 0, len(invitees)), invitees...)
		m.per = make([]inviteeCheck, len(invitees))
		if len(invitees) > indexAbove {
			m.index = make(map[string]int32, len(invitees))
			for i, u := range slices.Backward(invitees) { // a repeated invitee keeps its first position
				m.index[u] = int32(i)
			}
		}
	}
	c.observer(d).receive(h)
}

func (c *Checker) addedInvitation(d *Device, id string) {
	h, ok := c.ids[id]
	if !ok {
		h = c.add(id) // heard of before it was made (or never made)
	}
	if o := c.observer(d); !o.received(h) {
		o.receive(h)
	}
}

func (c *Checker) answered(d *Device, op engine.Op, id string) {
	_, inv := c.lookup(id)
	if inv == nil {
		return
	}
	switch op {
	case engine.OpCancel:
		if d.User == c.inviter(inv) {
			inv.flags |= invCancelled
		}
	case engine.OpAccept, engine.OpReject:
		c.record(inv, d.User, true).answered = true
	}
}

func (c *Checker) transition(t *engine.Transition) {
	_, inv := c.lookup(t.InviteID)
	if inv == nil {
		return
	}
	switch {
	case t.Reached:
		if inv.is(invOnlineOnly) { // nothing reads when another one arrived
			m := inv.extra()
			if m.reached == nil {
				m.reached = map[string]int64{}
			}
			for _, u := range t.Invitees {
				m.reached[u] = c.w.now
			}
		}
	case t.Dropped:
		// Its group was dismissed: no invariant reads that (and it is no creation).
	case t.Invitee == "":
		inv.flags |= invDecided
	default:
		c.record(inv, t.Invitee, true).server = maybe(t.State)
	}
}

func (c *Checker) result(d *Device, r *engine.Result) {
	if r.Code != engine.OK {
		return
	}
	h, inv := c.lookup(r.InviteID)
	if inv != nil && (r.Op == engine.OpAccept || r.Op == engine.OpReject) {
		// Told its answer succeeded, the device has learned its own outcome.
		st := engine.Accepted
		if r.Op == engine.OpReject {
			st = engine.Rejected
		}
		if o := c.observer(d); o.received(h) {
			c.learn(d, o, h, inv, r.InviteID, d.User, st)
		}
	}
	if c.w.opts.Mode != engine.ModeServer {
		return
	}
	switch r.Op {
	case engine.OpInvite, engine.OpInviteInGroup:
		if inv != nil && !inv.is(invDecided) {
			c.violate(InvValidity, d, "%s told success for %s, which the server never created", r.Op, r.InviteID)
		}
	case engine.OpAccept, engine.OpReject:
		want := engine.Accepted
		if r.Op == engine.OpReject {
			want = engine.Rejected
		}
		if inv == nil {
			return
		}
		if dec, _ := c.decision(inv, d.User).get(); dec != want {
			c.violate(InvValidity, d, "%s of %s told success but the server has %s for %s", r.Op, r.InviteID, dec, d.User)
		}
	case engine.OpCancel:
		if inv == nil {
			return
		}
		for i := range inv.size() {
			if inv.at(i).server == maybe(engine.Cancelled) {
				return
			}
		}
		c.violate(InvValidity, d, "cancel of %s told success but the server cancelled nobody", r.InviteID)
	}
}

func (c *Checker) callback(d *Device, cb *engine.Callback) {
	switch cb.Kind {
	case engine.OnMemberEnter, engine.OnMemberLeave, engine.OnGroupDismissed:
		c.groupTip(cb)
		return
	}
	o := c.observer(d)
	id := cb.InviteID
	h, inv := c.lookup(id)
	if inv == nil {
		c.violate(InvValidity, d, "%s about %s, which nobody invited", cb.Kind, id)
		return
	}
	c.scope(d, inv, cb)
	if cb.Kind == engine.OnReceiveNewInvitation {
		if o.received(h) {
			c.violate(InvExactlyOnce, d, "received invitation %s again", id)
			return
		}
		o.receive(h)
		if at, ok := inv.reachedAt(d.User); inv.is(invOnlineOnly) && ok && o.since > at {
			c.violate(InvScope, d, "online-only invitation %s arrived late: it reached %s's shard at %s, the device came online at %s",
				id, d.User, trace.FormatTime(at), trace.FormatTime(o.since))
		}
		return
	}
	if !o.received(h) {
		c.violate(InvReceiveFirst, d, "%s before invitation %s arrived", cb.Kind, id)
		return
	}
	var who []string
	var st engine.InviteeState
	switch cb.Kind {
	case engine.OnInviteeAccepted, engine.OnInviteeRejected:
		who, st = []string{cb.Invitee}, engine.Accepted
		if cb.Kind == engine.OnInviteeRejected {
			st = engine.Rejected
		}
		if r := c.record(inv, cb.Invitee, false); r == nil || !r.answered {
			c.violate(InvValidity, d, "%s %s but %s never answered", id, st, cb.Invitee)
		}
	case engine.OnInvitationCancelled:
		who, st = cb.Invitees, engine.Cancelled
		if !inv.is(invCancelled) {
			c.violate(InvValidity, d, "%s cancelled but the inviter never called cancel", id)
		}
	case engine.OnInvitationTimeout:
		who, st = cb.Invitees, engine.TimedOut
		if inv.timeout == 0 {
			c.violate(InvValidity, d, "%s timed out but its timeout is 0", id)
		} else if c.w.now < inv.due {
			c.violate(InvValidity, d, "%s timed out at %s, before its time %s", id, trace.FormatTime(c.w.now), trace.FormatTime(inv.due))
		}
	case engine.OnInvitationModified:
		if o.learnedAll(h, inv.size()) {
			c.violate(InvNoResurrection, d, "modified %s after every invitee was final", id)
		}
		return
	default:
		return
	}
	for _, u := range who {
		c.learn(d, o, h, inv, id, u, st)
	}
}

// learn checks and records that observer o (device d) learned state st of
// invitee u of invitation inv (handle h, ID id).
func (c *Checker) learn(d *Device, o *observer, h int32, inv *invCheck, id, u string, st engine.InviteeState) {
	i := c.position(inv, u)
	if i < 0 {
		c.violate(InvValidity, d, "%s %s for %s, who was not invited", id, st, u)
		return
	}
	n, r := inv.size(), inv.at(i)
	if prev, ok := o.learned(h, n, i).get(); ok {
		if prev == st {
			c.violate(InvExactlyOnce, d, "%s %s %s reported twice", id, u, st)
			return
		}
		c.violate(InvNoResurrection, d, "%s %s reported %s after %s", id, u, st, prev)
		if first, ok := r.learned.get(); ok && first != st {
			c.violate(InvAgreement, d, "%s: %s learned %s here, %s first", id, u, st, first)
		}
		return
	}
	o.learn(h, n, i, st)
	if first, ok := r.learned.get(); ok && first != st {
		c.violate(InvAgreement, d, "%s: %s learned %s here, %s elsewhere", id, u, st, first)
		return
	}
	r.learned = maybe(st)
	if c.w.opts.Mode == engine.ModeServer {
		if dec, ok := r.server.get(); !ok {
			c.violate(InvAgreement, d, "%s: %s learned %s, which the server never decided", id, u, st)
		} else if dec != st {
			c.violate(InvAgreement, d, "%s: %s learned %s, the server decided %s", id, u, st, dec)
		}
	}
}

func (c *Checker) scope(d *Device, inv *invCheck, cb *engine.Callback) {
	group := inv.group()
	if group == "" {
		if d.User != c.inviter(inv) && c.position(inv, d.User) < 0 {
			c.violate(InvScope, d, "%s of one-to-one %s reached %s, not a party", cb.Kind, cb.InviteID, d.User)
		}
		return
	}
	if c.isMember(group, d.User) {
		return
	}
	// Members the checker was not told of (added on the server) are learned
	// from it, once each.
	if m, _, ok := c.w.shards[engine.ShardOf(group, len(c.w.shards))].srv.Group(group); ok && slices.Contains(m, d.User) {
		c.addMember(group, d.User)
		return
	}
	c.violate(InvScope, d, "%s of group %s reached %s, never a member", cb.Kind, cb.InviteID, d.User)
}

func (c *Checker) groupTip(cb *engine.Callback) {
	if cb.Kind == engine.OnMemberEnter {
		for _, u := range cb.Invitees {
			c.addMember(cb.GroupID, u)
		}
	}
}

// Outcome is what became of an invitee of an invitation: in server mode the
// server's decision, in client mode the first outcome any device learned.
func (w *World) Outcome(inviteID, invitee string) (engine.InviteeState, bool) {
	if w.check == nil {
		return engine.Pending, false
	}
	_, inv := w.check.lookup(inviteID)
	if inv == nil {
		return engine.Pending, false
	}
	r := w.check.record(inv, invitee, false)
	if r == nil {
		return engine.Pending, false
	}
	if w.opts.Mode == engine.ModeServer {
		return r.server.get()
	}
	return r.learned.get()
}

// CheckLiveness is the liveness phase's verdict (DESIGN §4.7), judged per
// invitation: one with a timeout must be final at every observer by its own
// due time, max(invited, healed) + its timeout + the liveness bound, where
// healed is the last HealAll (0 if none): an invite made during faults may
// reach the server, and start its timeout, only once they heal. A check at
// any time flags exactly the invitations already past due, whatever the
// others' timeouts. No device (that is up) may still list one past due, and
// in server mode no shard may hold one past due, nor hold an ended invitation
// (every invitee final) at all: an ended one leaves nothing but the bounded
// history that answers late retransmissions. It returns the violations it
// found (also recorded).
func (w *World) CheckLiveness() []Violation {
	if w.check == nil {
		return nil
	}
	c := w.check
	n := len(c.violations)
	for _, d := range w.devs {
		if d.down {
			continue
		}
		for _, v := range d.client.Invitations() {
			if due, ok := c.livenessDue(v.InviteID, v.Timeout); ok && w.now >= due {
				c.violate(InvTermination, d, "%s still listed at %s, final by %s at the latest: %s",
					v.InviteID, trace.FormatTime(w.now), trace.FormatTime(due), v.Describe())
				break
			}
		}
	}
	if w.opts.Mode == engine.ModeServer {
		for _, s := range w.shards {
			for _, v := range s.srv.Invitations() {
				if due, ok := c.livenessDue(v.InviteID, v.Timeout); ok && w.now >= due {
					c.violate(InvTermination, nil, "shard %s still holds %s at %s, final by %s at the latest",
						s.name, v.Describe(), trace.FormatTime(w.now), trace.FormatTime(due))
					break
				}
				if !slices.Contains(v.States, engine.Pending) {
					c.violate(InvTermination, nil, "shard %s still holds %s, which has ended", s.name, v.Describe())
					break
				}
			}
		}
	}
	return c.violations[n:]
}

// livenessDue is when an invitation with a timeout must be final everywhere
// (see CheckLiveness). ok is false for an invitation without a timeout, which
// may stay pending forever.
func (c *Checker) livenessDue(id string, timeout int) (due int64, ok bool) {
	if timeout <= 0 {
		return 0, false
	}
	from := c.w.healedAt // an invitation only heard of (AddInvitedSignaling): from the heal
	if _, inv := c.lookup(id); inv != nil && inv.flags&invInvited != 0 {
		from = max(inv.due-int64(inv.timeout)*1e9, c.w.healedAt) // inv.due is the invite call + its timeout
	}
	return from + int64(timeout)*1e9 + c.w.opts.LivenessBound, true
}

// LivenessDeadline is when, after healing at healedAt, every invitation with a
// timeout invited so far must be final: the latest of their due times.
func (w *World) LivenessDeadline(healedAt int64) int64 {
	last := healedAt + w.opts.LivenessBound
	if w.check != nil {
		for i := range w.check.invs {
			if inv := &w.check.invs[i]; inv.timeout > 0 {
				t := int64(inv.timeout) * 1e9
				last = max(last, max(inv.due-t, healedAt)+t+w.opts.LivenessBound)
			}
		}
	}
	return last
}

// ViolationSummary counts violations by invariant, "agreement=2 validity=1".
func (w *World) ViolationSummary() string {
	counts := map[string]int{}
	for _, v := range w.Violations() {
		counts[v.Invariant]++
	}
	var l []string
	known := []string{InvReceiveFirst, InvExactlyOnce, InvAgreement, InvValidity, InvScope, InvNoResurrection, InvTermination}
	for _, k := range known {
		if counts[k] > 0 {
			l = append(l, fmt.Sprintf("%s=%d", k, counts[k]))
		}
	}
	// Then those reported from outside (Report: the apps' invariants, the
	// room service's), by name.
	var others []string
	for k := range counts {
		if !slices.Contains(known, k) {
			others = append(others, k)
		}
	}
	slices.Sort(others)
	for _, k := range others {
		l = append(l, fmt.Sprintf("%s=%d", k, counts[k]))
	}
	return strings.Join(l, " ")
}
