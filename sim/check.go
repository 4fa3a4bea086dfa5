package sim

import (
	"fmt"
	"slices"
	"strings"
	"unsafe"

	"sigsim/engine"
	"sigsim/sim/trace"
)

// The invariants of docs/DESIGN.md §4, checked as the run goes.
const (
	InvReceiveFirst   = "receive-first"   // nothing about an invitation precedes its arrival
	InvExactlyOnce    = "exactly-once"    // no callback repeats
	InvAgreement      = "agreement"       // every observer learns the same outcome, the server's
	InvValidity       = "validity"        // outcomes only from the calls and times that justify them
	InvScope          = "scope"           // callbacks reach the right users, online-only never late
	InvNoResurrection = "no-resurrection" // nothing about an invitee after its final state
	InvTermination    = "termination"     // once healed, everything ends within the bound
	InvOrder          = "order"           // a device hears of an invitation in the shard's order
	InvRequestOrder   = "request-order"   // a device's requests take effect in the order it made them
)

// invariants lists the invariants in the order summaries print them.
var invariants = []string{InvReceiveFirst, InvExactlyOnce, InvAgreement, InvValidity, InvScope, InvNoResurrection, InvTermination, InvOrder, InvRequestOrder}

// Violation is one broken invariant, with the event that broke it.
type Violation struct {
	Invariant string
	At        engine.Time // virtual time
	Event     int64       // index of the trace event
	Node      string
	Text      string
}

func (v Violation) String() string {
	return fmt.Sprintf("%s violated at %s (event %d) on %s: %s", v.Invariant, fmtTime(v.At), v.Event, v.Node, v.Text)
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
	w   *World
	ids map[string]int32 // invite ID → handle, the invitation's index in invs
	// recent caches ids by the ID string's memory: the engine hands every
	// event of an invitation the same string, so most lookups find it here
	// without hashing it into a map as large as the run's history.
	recent [recentIDs]recentID
	invs   []invCheck
	// Lone invitees are interned: a 1:1 invitation holds a 4-byte handle where
	// a string would take 16.
	userIDs map[string]int32 // user → handle, its index in users
	users   []string
	obs     []observer             // by device index
	groups  map[string]*groupCheck // membership over time (membership.go)
	// decisions numbers the shards' decisions (engine.Transition), from 1, in
	// the order they were made: a shard's are in its own order.
	decisions uint32
	// marks is, per device (index) and shard, where the device's app is in
	// that shard's order (server mode): marks[device*shards+shard].
	marks []orderMark
	// tips is, per device and group, the shard decision of the last group
	// tip its app heard. Unlike marks it survives a logout: the device never
	// hears a tip twice, so the next session's tips come after it. A crash
	// (a new SDK incarnation, which hears them all again) clears it.
	tips       map[tipKey]uint32
	violations []Violation
}

// orderMark is where a device's app is in one shard's decisions: the latest
// decision it heard of in a callback, and the latest one a result it was told
// depended on (with that result's op and invitation, to name it).
type orderMark struct {
	cb, res uint32
	resOp   engine.Op
	resID   string
}

// invCheck is one invitation. A 1:1 invitation fits in it alone; more holds
// what only some invitations need.
type invCheck struct {
	due     engine.Time  // the invite call's time plus the timeout: it may not time out before
	ended   engine.Time  // server mode: when its last invitee became final; 0 while live
	more    *invMore     // nil for a 1:1 invitation that is not online-only
	invitee int32        // its invitee (in Checker.users), if it lists one only (else more.invitees)
	inviter int32        // the inviting device's index in the world; its user is the inviter
	timeout int32        // seconds (the engine refuses more than 2³¹-1)
	created uint32       // server mode: the decision index of its creation
	one     inviteeCheck // its lone invitee's record (else more.per)
	shard   uint16       // server mode: the shard that decides it
	life    uint16       // the inviting device's life (observer.life) when it invited
	flags   invFlags
}

type invFlags uint8

const (
	invInvited          invFlags = 1 << iota // an invite call made it; without, it was only heard of (AddInvitedSignaling)
	invOnlineOnly                            // online-only
	invCancelled                             // its inviter called cancel
	invDecided                               // server mode: the server created it
	invRefusedUncreated                      // server mode: its inviter's cancel or modify was refused as invalid before the server created it
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
	reached   map[string]engine.Time   // online-only: when it reached each user's home shard
	strangers map[string]*inviteeCheck // users it does not list
	modified  []uint32                 // the decision indexes of its modifications
	modifier  []string                 // the device that made each (it hears a result, no callback)
	modLife   []uint16                 // that device's life (observer.life) when it made it: a later life hears it as a callback
	// request-order, server mode: the inviting device's successful cancel
	// and its earliest cancel or modify refused as invalid, in its life of
	// the invite (API call numbers; 0 for none).
	cancelCall, refusedCall engine.APICall
	open                    int32 // invitees (each once) the server has not decided yet
}

// indexAbove is the length above which an invitee list gets an index: a short
// one is scanned faster than a map is hashed, a long one (a classroom's 200)
// would make each callback cost its length.
const indexAbove = 8

// inviteeCheck is what is known of one invitee of an invitation.
type inviteeCheck struct {
	server  maybeState // server mode: the server's decision
	learned maybeState // the first outcome any observer learned
	calls   uint8      // the accept and reject calls the user made (at most 255 counted)
	refused uint8      // those told they failed, for certain (an unanswered one is not)
	at      uint32     // the decision index of the server's decision
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
func (inv *invCheck) reachedAt(u string) (engine.Time, bool) {
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
	since engine.Time // last login call, reconnect or restart: when its session may have opened
	known map[int32]maybeState
	many  map[int32][]maybeState // made at the first state learned
	// out: its logout succeeded and no login has since: no callback may reach it.
	out bool
	// added holds the invitations its app added (AddInvitedSignaling) before
	// any invite of them arrived: one whose invite never comes is forgotten
	// without a word (engine: added-invitation-forgotten).
	added map[int32]bool
	// life counts the device's logouts and crashes: its API call numbers,
	// its list of invitations and its pending requests start again at each.
	life uint16
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
	return &Checker{w: w, ids: map[string]int32{}, userIDs: map[string]int32{}, groups: map[string]*groupCheck{}}
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
	*o = observer{since: c.w.now, life: o.life + 1}
	c.resetOrder(d)
}

// tipKey names a device's place in a group's tips.
type tipKey struct {
	dev   int
	group string
}

// crashed starts a device afresh after a crash: its new incarnation knows
// nothing, group tips included.
func (c *Checker) crashed(d *Device) {
	c.reset(d)
	for k := range c.tips {
		if k.dev == c.devIndex(d) {
			delete(c.tips, k)
		}
	}
}

// resetOrder forgets where d's app is in the shards' orders: after a logout
// or a crash, a new session starts from nothing.
func (c *Checker) resetOrder(d *Device) {
	if n := len(c.w.shards); len(c.marks) >= (c.devIndex(d)+1)*n {
		clear(c.marks[c.devIndex(d)*n : (c.devIndex(d)+1)*n])
	}
}

// mark is where device d's app is in shard k's order.
func (c *Checker) mark(d *Device, k int) *orderMark {
	n := len(c.w.shards)
	i := c.devIndex(d)*n + k
	if i >= len(c.marks) {
		c.marks = append(c.marks, make([]orderMark, (c.devIndex(d)+1)*n-len(c.marks))...)
	}
	return &c.marks[i]
}

// lookup returns the invitation an invite call made under id, and its handle;
// nil if none did.
func (c *Checker) lookup(id string) (int32, *invCheck) {
	if h, ok := c.handle(id); ok && c.invs[h].is(invInvited) {
		return h, &c.invs[h]
	}
	return -1, nil
}

// recentIDs is the size of Checker.recent (a power of two).
const recentIDs = 1 << 12

// recentID is an ID and its handle. The entry keeps the string alive, so
// its memory is never another string's: the same memory is the same ID.
type recentID struct {
	id string
	h  int32
}

func recentSlot(id string) int {
	return int(uintptr(unsafe.Pointer(unsafe.StringData(id)))>>4) & (recentIDs - 1)
}

// handle returns id's handle, if it has one.
func (c *Checker) handle(id string) (int32, bool) {
	e := &c.recent[recentSlot(id)]
	if len(id) > 0 && unsafe.StringData(e.id) == unsafe.StringData(id) && len(e.id) == len(id) {
		return e.h, true
	}
	h, ok := c.ids[id]
	if ok && len(id) > 0 {
		*e = recentID{id, h}
	}
	return h, ok
}

// idOf is the ID of handle h (a scan: for messages only).
func (c *Checker) idOf(h int32) string {
	for id, x := range c.ids {
		if x == h {
			return id // one ID per handle: the order of the scan does not matter
		}
	}
	return "?"
}

// add gives id a new handle, for an invitation not made yet.
func (c *Checker) add(id string) int32 {
	h := int32(len(c.invs))
	c.invs = append(c.invs, invCheck{})
	if _, ok := c.ids[id]; ok {
		clear(c.recent[:]) // a repeated ID: its old handle may be cached under other strings
	}
	c.ids[id] = h
	if len(id) > 0 {
		c.recent[recentSlot(id)] = recentID{id, h}
	}
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

func (c *Checker) invited(d *Device, id, group string, invitees []string, timeout int, onlineOnly bool) {
	h, ok := c.handle(id)
	if !ok || c.invs[h].is(invInvited) {
		// A repeated ID (the engine makes none: an ID names its device and
		// incarnation) would start afresh, unknown to every observer.
		h = c.add(id)
	}
	inv := &c.invs[h]
	*inv = invCheck{due: c.w.now.Add(engine.TimeoutDuration(timeout)), inviter: int32(c.devIndex(d)), timeout: int32(timeout), flags: invInvited,
		life: c.observer(d).life}
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
			m.open = int32(len(m.index))
		} else {
			for i, u := range invitees {
				if slices.Index(invitees[:i], u) < 0 {
					m.open++
				}
			}
		}
	}
	c.observer(d).receive(h)
}

func (c *Checker) addedInvitation(d *Device, id string) {
	h, ok := c.handle(id)
	if !ok {
		h = c.add(id) // heard of before it was made (or never made)
	}
	if o := c.observer(d); !o.received(h) {
		o.receive(h)
		if o.added == nil {
			o.added = map[int32]bool{}
		}
		o.added[h] = true
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
		if r := c.record(inv, d.User, true); r.calls < 255 {
			r.calls++
		}
	}
}

// transition follows a decision of shard k.
func (c *Checker) transition(k int, t *engine.Transition) {
	c.decisions++
	at := c.decisions
	if t.Tip != 0 {
		c.groupDecided(t, at)
		return
	}
	_, inv := c.lookup(t.InviteID)
	if inv == nil {
		return
	}
	switch {
	case t.Reached:
		if inv.is(invOnlineOnly) { // nothing reads when another one arrived
			m := inv.extra()
			if m.reached == nil {
				m.reached = map[string]engine.Time{}
			}
			for _, u := range t.Invitees {
				m.reached[u] = c.w.now
			}
		}
	case t.Modified:
		m := inv.extra()
		m.modified = append(m.modified, at)
		m.modifier = append(m.modifier, t.By)
		var life uint16
		if d := c.w.byName[t.By]; d != nil {
			life = c.observer(d).life
		}
		m.modLife = append(m.modLife, life)
	case t.Invitee == "":
		inv.flags |= invDecided
		inv.created, inv.shard = at, uint16(k)
		if inv.is(invRefusedUncreated) {
			c.violate(InvRequestOrder, c.w.devs[inv.inviter], "%s was created after its inviter's cancel or modify of it was refused as invalid: the shard applied the invite, made first, after it",
				t.InviteID)
		}
	default:
		c.decided(inv, t, at)
	}
}

// decided checks and records the server's final state for one invitee,
// decision at: an invitee decided once, an answer only from an invitee that
// is a member of the invitation's group, a drop only of one who is no longer
// (or whose inviter is no longer).
func (c *Checker) decided(inv *invCheck, t *engine.Transition, at uint32) {
	u, st, group := t.Invitee, t.State, inv.group()
	r := c.record(inv, u, true)
	switch prev, ok := r.server.get(); {
	case c.position(inv, u) < 0:
		c.violate(InvValidity, nil, "the server decided %s %s for %s, who was not invited", t.InviteID, st, u)
	case ok:
		c.violate(InvNoResurrection, nil, "the server decided %s %s for %s after %s", t.InviteID, st, u, prev)
		return
	}
	r.server, r.at = maybe(st), at
	if st == engine.Accepted || st == engine.Rejected {
		c.appliedRefused(inv, t.InviteID, u, r)
	}
	if group != "" {
		switch st {
		case engine.Accepted, engine.Rejected:
			if !c.memberAt(group, u, at) {
				c.violate(InvValidity, nil, "the server applied %s's answer to %s (%s), but %s is not a member of %s",
					u, t.InviteID, st, u, group)
			}
		case engine.Dropped:
			if c.memberAt(group, u, at) && c.memberAt(group, c.inviter(inv), at) {
				c.violate(InvValidity, nil, "the server dropped %s from %s while %s and the inviter are members of %s",
					u, t.InviteID, u, group)
			}
		}
	} else if st == engine.Dropped {
		c.violate(InvValidity, nil, "the server dropped %s from one-to-one %s", u, t.InviteID)
	}
	if c.position(inv, u) < 0 {
		return
	}
	if inv.more != nil && inv.more.invitees != nil {
		if inv.more.open--; inv.more.open > 0 {
			return
		}
	}
	inv.ended = c.w.now
}

func (c *Checker) result(d *Device, r *engine.Result) {
	c.requestOrder(d, r)
	if r.Code != engine.OK {
		if (r.Op == engine.OpAccept || r.Op == engine.OpReject) && !r.Unanswered {
			if _, inv := c.lookup(r.InviteID); inv != nil {
				if rec := c.record(inv, d.User, false); rec != nil && rec.refused < 255 {
					rec.refused++
					c.appliedRefused(inv, r.InviteID, d.User, rec)
				}
			}
		}
		return
	}
	switch r.Op {
	case engine.OpLogout:
		// The device's list is cleared: the next session starts afresh, and
		// until it does no callback may reach the app.
		c.reset(d)
		c.observer(d).out = true
		return
	case engine.OpLogin:
		c.observer(d).out = false
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
	var at uint32 // the decision the result reports, once found valid
	switch r.Op {
	case engine.OpInvite, engine.OpInviteInGroup:
		if inv != nil && !inv.is(invDecided) {
			c.violate(InvValidity, d, "%s told success for %s, which the server never created", r.Op, r.InviteID)
		} else if inv != nil {
			at = inv.created
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
		} else {
			at = c.record(inv, d.User, false).at
		}
	case engine.OpCancel:
		if inv == nil {
			return
		}
		for i := range inv.size() {
			if inv.at(i).server == maybe(engine.Cancelled) {
				at = inv.at(i).at
				break
			}
		}
		if at == 0 {
			c.violate(InvValidity, d, "cancel of %s told success but the server cancelled nobody", r.InviteID)
		}
	}
	// The app heard of everything the shard decided before this, and must
	// hear nothing of it later (docs/DESIGN.md §4.8).
	if at == 0 {
		return
	}
	if m := c.mark(d, int(inv.shard)); at > m.res {
		m.res, m.resOp, m.resID = at, r.Op, r.InviteID
	}
}

// timedOutEarly reports whether inv is told timed out before its time. In
// server mode its shard decides by its own clock (docs/DESIGN.md §1.6: a
// skewed or drifting shard clock moves the instant in global time, not the
// rule), so the time is judged on that clock: its reading now against its
// reading at the invite call, plus the timeout. clk says so in the message.
func (c *Checker) timedOutEarly(inv *invCheck) (early bool, clk string) {
	if c.w.opts.Mode != engine.ModeServer || !inv.is(invDecided) || int(inv.shard) >= len(c.w.shards) {
		return c.w.now < inv.due, ""
	}
	sc := c.w.shards[inv.shard].clock
	if sc == (clock{}) {
		return c.w.now < inv.due, ""
	}
	made := inv.due.Add(-engine.TimeoutDuration(int(inv.timeout)))
	return sc.local(c.w.now) < sc.local(made).Add(engine.TimeoutDuration(int(inv.timeout))), " by the clock of its shard"
}

// requestOrder checks, in server mode, that the inviting device's requests
// about its invitation took effect in the order it made them (docs/DESIGN.md
// §4.9), from what its app is told: its cancel or modify is refused as invalid
// only once the invitation has ended, so never while it is live, never
// before its invite created it, and never when a later cancel of it succeeded.
// Only the shard's answers of the life of the invite count: a device may have
// forgotten an invitation (an online-only one after its session), a logout or
// a crash starts its list and its call numbers afresh, and an invite left
// unanswered by a logout may take effect after anything.
func (c *Checker) requestOrder(d *Device, r *engine.Result) {
	if c.w.opts.Mode != engine.ModeServer || r.Unanswered || r.Local || (r.Op != engine.OpCancel && r.Op != engine.OpModify) {
		return
	}
	if r.Code != engine.OK && r.Code != engine.CodeInviteInvalid {
		return
	}
	_, inv := c.lookup(r.InviteID)
	if inv == nil || !inv.is(invInvited) || int(inv.inviter) != c.devIndex(d) || inv.life != c.observer(d).life {
		return
	}
	if r.Code == engine.OK {
		if r.Op != engine.OpCancel {
			return
		}
		m := inv.extra()
		m.cancelCall = max(m.cancelCall, r.Call)
		if m.refusedCall != 0 && m.refusedCall < r.Call {
			c.violate(InvRequestOrder, d, "cancel of %s (call %d) succeeded, yet its %s made before it (call %d) was refused as invalid: the shard applied them out of order",
				r.InviteID, r.Call, "cancel or modify", m.refusedCall)
		}
		return
	}
	switch {
	case !inv.is(invDecided):
		inv.flags |= invRefusedUncreated
	case inv.ended == 0:
		c.violate(InvRequestOrder, d, "%s of %s refused as invalid while it is live (%s)", r.Op, r.InviteID, r.Text)
	default:
		m := inv.extra()
		if m.refusedCall == 0 || r.Call < m.refusedCall {
			m.refusedCall = r.Call
		}
		if m.cancelCall > r.Call {
			c.violate(InvRequestOrder, d, "%s of %s (call %d) refused as invalid after a cancel made later (call %d) ended it: the shard applied them out of order",
				r.Op, r.InviteID, r.Call, m.cancelCall)
		}
	}
}

// appliedRefused checks that the server applied no answer of u to inv (ID id)
// of which u's app was told, for every answer it made, that it failed
// (docs/DESIGN.md §4.4: accepted only if the invitee was told success; an unanswered
// call, whose outcome the app was told is unknown, does not count).
func (c *Checker) appliedRefused(inv *invCheck, id, u string, r *inviteeCheck) {
	if st, ok := r.server.get(); ok && (st == engine.Accepted || st == engine.Rejected) && r.calls > 0 && r.refused >= r.calls {
		c.violate(InvValidity, nil, "the server applied %s's answer to %s (%s), but every answer %s made was told it failed", u, id, st, u)
	}
}

// decisionOf finds the shard's decision a callback of invitation inv reports
// (server mode): its creation, an invitee's final state, or, for a
// modification, the first one the device has not heard yet. ok is false when
// there is none to find: the other checks say what is wrong then.
func (c *Checker) decisionOf(d *Device, inv *invCheck, cb *engine.Callback) (at uint32, ok bool) {
	if c.w.opts.Mode != engine.ModeServer || !inv.is(invDecided) {
		return 0, false
	}
	var u string
	switch cb.Kind {
	case engine.OnReceiveNewInvitation:
		return inv.created, true
	case engine.OnInviteeAccepted, engine.OnInviteeRejected:
		u = cb.Invitee
	case engine.OnInvitationCancelled, engine.OnInvitationTimeout:
		if len(cb.Invitees) == 0 {
			return 0, false
		}
		u = cb.Invitees[0] // one decision ended them all
	case engine.OnInvitationModified:
		var l []uint32
		if inv.more != nil {
			l = inv.more.modified
		}
		if len(l) == 0 {
			c.violate(InvValidity, d, "%s modified, but the shard never modified it", cb.InviteID)
			return 0, false
		}
		// The first the device has not heard yet, and made by another
		// device or by this one in an earlier life (before a logout or a
		// crash: its sync brings it as a callback; its own in this life it
		// hears as a result); if none is left, the last: then it hears it
		// again, or out of the shard's order.
		i, _ := slices.BinarySearch(l, c.mark(d, int(inv.shard)).cb+1)
		for i < len(l) && inv.more.modifier[i] == d.Name && inv.more.modLife[i] == c.observer(d).life {
			i++
		}
		return l[min(i, len(l)-1)], true
	default:
		return 0, false
	}
	if r := c.record(inv, u, false); r != nil && r.server != 0 {
		return r.at, true
	}
	return 0, false
}

// order checks that device d's app hears decision at of shard k, reported by
// callback cb, in the shard's order: after every decision it heard before in
// a callback, and not after a result of a later one (docs/DESIGN.md §4.8).
func (c *Checker) order(d *Device, k int, cb *engine.Callback, at uint32) {
	m := c.mark(d, k)
	switch {
	case at < m.res:
		c.violate(InvOrder, d, "%s reached the app after the result of %s %s, which the shard decided later",
			cb.Describe(), m.resOp, m.resID)
	case at < m.cb:
		c.violate(InvOrder, d, "%s reached the app after a callback the shard decided later", cb.Describe())
	case at == m.cb && cb.Kind == engine.OnInvitationModified:
		// The other callbacks have exactly-once of their own.
		c.violate(InvOrder, d, "%s reached the app again", cb.Describe())
	}
	m.cb = max(m.cb, at)
}

func (c *Checker) callback(d *Device, cb *engine.Callback) {
	if c.observer(d).out {
		c.violate(InvScope, d, "%s reached %s after its logout", cb.Describe(), d.Name)
		return
	}
	switch cb.Kind {
	case engine.OnMemberEnter, engine.OnMemberLeave, engine.OnGroupDismissed:
		c.groupTip(d, cb)
		return
	}
	o := c.observer(d)
	id := cb.InviteID
	h, inv := c.lookup(id)
	if inv == nil {
		c.violate(InvValidity, d, "%s about %s, which nobody invited", cb.Kind, id)
		return
	}
	at, decided := c.decisionOf(d, inv, cb)
	c.scope(d, inv, cb, at, decided)
	if decided {
		c.order(d, int(inv.shard), cb, at)
	}
	if cb.Kind == engine.OnReceiveNewInvitation {
		if o.received(h) {
			c.violate(InvExactlyOnce, d, "received invitation %s again", id)
			return
		}
		o.receive(h)
		if at, ok := inv.reachedAt(d.User); inv.is(invOnlineOnly) && ok && o.since > at {
			c.violate(InvScope, d, "online-only invitation %s arrived late: it reached %s's shard at %s, the device came online at %s",
				id, d.User, fmtTime(at), fmtTime(o.since))
		}
		if bound := c.w.opts.LivenessBound; inv.ended != 0 && o.since > inv.ended.Add(bound) && c.w.healedAt <= inv.ended && !c.w.shardFaultActive() {
			// A login syncs only what is live: the shards had a bound's time to
			// learn it had ended, and no fault held them back.
			c.violate(InvScope, d, "invitation %s arrived at a session opened at %s, after it ended at %s",
				id, fmtTime(o.since), fmtTime(inv.ended))
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
		if r := c.record(inv, cb.Invitee, false); r == nil || r.calls == 0 {
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
		} else if early, clk := c.timedOutEarly(inv); early {
			c.violate(InvValidity, d, "%s timed out at %s, before its time %s%s", id, fmtTime(c.w.now), fmtTime(inv.due), clk)
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

// scope checks that callback cb of inv reached a party (1:1) or a member of
// its group; in server mode a member as of the decision it reports (at, when
// decided), in client mode (where no decision is known) a member at any time.
func (c *Checker) scope(d *Device, inv *invCheck, cb *engine.Callback, at uint32, decided bool) {
	group := inv.group()
	if group == "" {
		if d.User != c.inviter(inv) && c.position(inv, d.User) < 0 {
			c.violate(InvScope, d, "%s of one-to-one %s reached %s, not a party", cb.Kind, cb.InviteID, d.User)
		}
		return
	}
	when := uint32(anyTime)
	if decided {
		when = at
	}
	switch {
	case c.memberAt(group, d.User, when):
	case decided && c.memberAt(group, d.User, anyTime):
		c.violate(InvScope, d, "%s of group %s reached %s, not a member of %s when the shard decided it", cb.Kind, cb.InviteID, d.User, group)
	default:
		c.violate(InvScope, d, "%s of group %s reached %s, never a member", cb.Kind, cb.InviteID, d.User)
	}
}

// groupTip checks a membership callback: it reports a membership decision of
// its group that the device's user was part of (a member at it), and, in
// server mode, in the shard's order.
func (c *Checker) groupTip(d *Device, cb *engine.Callback) {
	g := c.groups[cb.GroupID]
	if g == nil {
		return // a group the checker never heard of: nothing to judge against
	}
	server := c.w.opts.Mode == engine.ModeServer
	var after uint32
	key := tipKey{c.devIndex(d), cb.GroupID}
	if server {
		// The first matching tip after everything the app already heard of
		// this shard (callbacks, and results that depended on a decision):
		// after a relogin the same change (bob left again) may have been
		// decided twice, and the earlier one would look heard out of order.
		m := c.mark(d, g.shard)
		after = max(m.cb, m.res, c.tips[key])
	}
	at, ok, exists := c.tipDecision(cb.GroupID, d.User, cb, after)
	switch {
	case ok:
		if server {
			c.order(d, g.shard, cb, at)
			if c.tips == nil {
				c.tips = map[tipKey]uint32{}
			}
			c.tips[key] = at
		}
	case exists:
		c.violate(InvScope, d, "%s reached %s, not a member of %s when the shard decided it", cb.Describe(), d.User, cb.GroupID)
	default:
		if _, ok, _ := c.tipDecision(cb.GroupID, d.User, cb, 0); ok && server {
			c.violate(InvOrder, d, "%s reached the app after a callback the shard decided later", cb.Describe())
		} else {
			c.violate(InvValidity, d, "%s reached %s, but the shard made no such change", cb.Describe(), d.User)
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

// CheckLiveness is the liveness phase's verdict (docs/DESIGN.md §4.7), judged per
// invitation: one with a timeout must be final at every observer by its own
// due time, max(invited, healed) + its timeout + the liveness bound, where
// healed is when the last fault ended (0 if none did): an invite made during
// faults may reach the server, and start its timeout, only once they heal. A
// check at any time flags exactly the invitations already past due, whatever
// the others' timeouts. No device (that is up) may still list one past due,
// and in server mode no shard may hold one past due, nor hold an ended
// invitation (every invitee final) at all: an ended one leaves nothing but the
// bounded history that answers late retransmissions. It returns the
// violations it found (also recorded).
//
// Termination is judged only once every fault has healed: while one is still
// in force (ActiveFaults) an invitation may rightly be pending past its due
// time, and a verdict would be a false alarm. Then nothing is judged and
// active lists those faults.
func (w *World) CheckLiveness() (vs []Violation, active []string) {
	if w.check == nil {
		return nil, nil
	}
	if active := w.ActiveFaults(); len(active) > 0 {
		return nil, active
	}
	return w.check.judgeTermination(), nil
}

// judgeTermination is CheckLiveness's verdict, whatever the faults.
func (c *Checker) judgeTermination() []Violation {
	w := c.w
	n := len(c.violations)
	var flagged map[*Device]bool // one violation per device is enough
	for _, d := range w.devs {
		if d.down {
			continue
		}
		for _, v := range d.client.Invitations() {
			if due, ok := c.livenessDue(v.InviteID, v.Timeout); ok && w.now >= due {
				c.violate(InvTermination, d, "%s still listed at %s, final by %s at the latest: %s",
					v.InviteID, fmtTime(w.now), fmtTime(due), v.Describe())
				if flagged == nil {
					flagged = map[*Device]bool{}
				}
				flagged[d] = true
				break
			}
		}
	}
	if w.opts.Mode == engine.ModeServer {
		for _, d := range w.devs {
			if !d.down && d.connected && d.client.LoggedIn() && !flagged[d] {
				c.endUnheard(d)
			}
		}
		var devices map[string][]*Device // by user, made at the first live invitation
		for _, s := range w.shards {
			for _, v := range s.srv.Invitations() {
				if due, ok := c.livenessDue(v.InviteID, v.Timeout); ok && w.now >= due {
					c.violate(InvTermination, nil, "shard %s still holds %s at %s, final by %s at the latest",
						s.name, v.Describe(), fmtTime(w.now), fmtTime(due))
					break
				}
				if !slices.Contains(v.States, engine.Pending) {
					c.violate(InvTermination, nil, "shard %s still holds %s, which has ended", s.name, v.Describe())
					break
				}
				if devices == nil {
					devices = map[string][]*Device{}
					for _, d := range w.devs {
						devices[d.User] = append(devices[d.User], d)
					}
				}
				if c.undelivered(&v, devices) {
					break
				}
			}
		}
	}
	return c.violations[n:]
}

// endUnheard checks, in server mode, that the end of an invitation reaches a
// device logged in, a bound after the end (and after the last heal and the
// device's session): its SDK no longer lists it, and if its app received it
// and its user was an invitee decided by the shard (not dropped: a former
// member hears the group tip instead), its app learned that outcome. An
// online-only invitation whose session the device has since left, and one its
// app added before its invite came, are forgotten without a word, by design. It reports whether it found a
// violation.
func (c *Checker) endUnheard(d *Device) bool {
	w, bound, o := c.w, c.w.opts.LivenessBound, c.observer(d)
	due := func(inv *invCheck) bool { return w.now >= max(inv.ended, w.healedAt, o.since).Add(bound) }
	for _, v := range d.client.Invitations() {
		if _, inv := c.lookup(v.InviteID); inv != nil && inv.ended != 0 && due(inv) {
			c.violate(InvTermination, d, "%s still listed at %s, ended at %s: %s", v.InviteID, fmtTime(w.now), fmtTime(inv.ended), v.Describe())
			return true
		}
	}
	hs := make([]int32, 0, len(o.known))
	for h := range o.known {
		hs = append(hs, h)
	}
	slices.Sort(hs) // the first violation found must not depend on map order
	for _, h := range hs {
		inv := &c.invs[h]
		if !inv.is(invDecided) || inv.ended == 0 || !due(inv) {
			continue
		}
		i := c.position(inv, d.User)
		if i < 0 {
			continue
		}
		st, ok := inv.at(i).server.get()
		if !ok || st == engine.Dropped || st == engine.Pending {
			continue
		}
		if c.leftGroupSince(inv, d.User) {
			continue // a former member hears the group tip, not the invitation's end
		}
		if o.added[h] || inv.is(invOnlineOnly) && o.since > inv.due.Add(-engine.TimeoutDuration(int(inv.timeout))) {
			continue // it may have come on a session since left: forgotten without a word
		}
		if o.learned(h, inv.size(), i) == 0 {
			c.violate(InvTermination, d, "%s's app received %s but never heard %s's outcome (%s at the server, ended at %s)",
				d.Name, c.idOf(h), d.User, st, fmtTime(inv.ended))
			return true
		}
	}
	return false
}

// leftGroupSince reports whether user left the group of invitation inv (or it
// was dismissed) after it was made: the membership that made the user an
// invitee has ended.
func (c *Checker) leftGroupSince(inv *invCheck, user string) bool {
	g := c.groups[inv.group()]
	if g == nil {
		return false
	}
	for _, sp := range g.spans {
		if sp.user == user && sp.from <= inv.created && sp.to > inv.created && sp.to != openSpan {
			return true
		}
	}
	return false
}

// undelivered checks that a live invitation (server mode) is listed by every
// device that should know it: a device logged in, of a party to it (for a
// group invitation, a member since it was made), within the bound of the
// invite, of the device's login and of the last heal. A user who logs in while
// an invitation is live receives it then (docs/DESIGN.md §1). It reports whether it
// found a device that does not.
func (c *Checker) undelivered(v *engine.InvitationView, devices map[string][]*Device) bool {
	_, inv := c.lookup(v.InviteID)
	if inv == nil || v.OnlineOnly {
		return false // online-only invitations are never delivered late
	}
	w, bound := c.w, c.w.opts.LivenessBound
	made := inv.due.Add(-engine.TimeoutDuration(int(inv.timeout)))
	users := []string{v.Inviter, v.Invitees[0]}
	if v.GroupID != "" {
		g := c.groups[v.GroupID]
		if g == nil {
			return false
		}
		users = users[:0]
		for _, s := range g.spans {
			if s.to == openSpan && s.from <= inv.created {
				users = append(users, s.user)
			}
		}
	}
	for _, u := range users {
		for _, d := range devices[u] {
			if d.down || !d.connected || !d.client.LoggedIn() {
				continue
			}
			since := max(made, c.observer(d).since, w.healedAt)
			if w.now >= since.Add(bound) && !d.client.Knows(v.InviteID) {
				c.violate(InvTermination, d, "live invitation %s not delivered: %s has been logged in since %s and does not list it",
					v.InviteID, d.Name, fmtTime(c.observer(d).since))
				return true
			}
		}
	}
	return false
}

// livenessDue is when an invitation with a timeout must be final everywhere
// (see CheckLiveness). ok is false for an invitation without a timeout, which
// may stay pending forever.
func (c *Checker) livenessDue(id string, timeout int) (due engine.Time, ok bool) {
	if timeout <= 0 {
		return 0, false
	}
	from := c.w.healedAt // an invitation only heard of (AddInvitedSignaling): from the heal
	if _, inv := c.lookup(id); inv != nil && inv.flags&invInvited != 0 {
		from = max(inv.due.Add(-engine.TimeoutDuration(int(inv.timeout))), c.w.healedAt) // inv.due is the invite call + its timeout
	}
	return from.Add(engine.TimeoutDuration(timeout)).Add(c.w.opts.LivenessBound), true
}

// LivenessDeadline is when, after healing at healedAt, every invitation with a
// timeout invited so far must be final: the latest of their due times.
func (w *World) LivenessDeadline(healedAt engine.Time) engine.Time {
	last := healedAt.Add(w.opts.LivenessBound)
	if w.check != nil {
		for i := range w.check.invs {
			if inv := &w.check.invs[i]; inv.timeout > 0 {
				t := engine.TimeoutDuration(int(inv.timeout))
				last = max(last, max(inv.due.Add(-t), healedAt).Add(t).Add(w.opts.LivenessBound))
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
	for _, k := range invariants {
		if counts[k] > 0 {
			l = append(l, fmt.Sprintf("%s=%d", k, counts[k]))
		}
	}
	// Then those reported from outside (Report: the apps' invariants, the
	// room service's), by name.
	var others []string
	for k := range counts {
		if !slices.Contains(invariants, k) {
			others = append(others, k)
		}
	}
	slices.Sort(others)
	for _, k := range others {
		l = append(l, fmt.Sprintf("%s=%d", k, counts[k]))
	}
	return strings.Join(l, " ")
}
