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
type Checker struct {
	w          *World
	invs       map[string]*invCheck
	obs        []observer // by device index
	members    map[string][]string
	violations []Violation
}

type invCheck struct {
	inviter    string
	group      string
	invitees   []string
	timeout    int
	onlineOnly bool
	created    int64 // the invite call
	decidedAt  int64 // server mode: when the server created it (-1 if not yet)
	cancelled  bool  // the inviter called cancel
	answered   []string
	server     map[string]engine.InviteeState // server mode decisions
	learned    map[string]engine.InviteeState // first outcome any observer learned
	dropped    bool
	reached    map[string]int64 // online-only: when it reached each user's home shard
}

type observer struct {
	since int64                                     // last login call, reconnect or restart: when its session may have opened
	known map[string]map[string]engine.InviteeState // invitation → invitee → final state learned
}

func newChecker(w *World) *Checker {
	return &Checker{w: w, invs: map[string]*invCheck{}, members: map[string][]string{}}
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

func (c *Checker) observer(d *Device) *observer {
	i := int(d.Addr) - len(c.w.shards)
	for len(c.obs) <= i {
		c.obs = append(c.obs, observer{})
	}
	o := &c.obs[i]
	if o.known == nil {
		o.known = map[string]map[string]engine.InviteeState{}
	}
	return o
}

// online notes that a device may open a new session from now on.
func (c *Checker) online(d *Device) { c.observer(d).since = c.w.now }

// reset starts a new observer for a device whose SDK state is gone.
func (c *Checker) reset(d *Device) {
	o := c.observer(d)
	*o = observer{since: c.w.now}
}

func (c *Checker) loadGroup(id, owner string, members []string) {
	c.members[id] = append(slices.Clone(members), owner)
}

func (c *Checker) invited(d *Device, id, group string, invitees []string, timeout int, onlineOnly bool) {
	c.invs[id] = &invCheck{inviter: d.User, group: group, invitees: slices.Clone(invitees), timeout: timeout,
		onlineOnly: onlineOnly, created: c.w.now, decidedAt: -1,
	} // its maps are made on first write: most invitations of a big run need few
	c.observer(d).known[id] = map[string]engine.InviteeState{}
}

func (c *Checker) addedInvitation(d *Device, id string) {
	o := c.observer(d)
	if o.known[id] == nil {
		o.known[id] = map[string]engine.InviteeState{}
	}
}

func (c *Checker) answered(d *Device, op engine.Op, id string) {
	inv := c.invs[id]
	if inv == nil {
		return
	}
	switch op {
	case engine.OpCancel:
		if d.User == inv.inviter {
			inv.cancelled = true
		}
	case engine.OpAccept, engine.OpReject:
		if !slices.Contains(inv.answered, d.User) {
			inv.answered = append(inv.answered, d.User)
		}
	}
}

func (c *Checker) transition(t *engine.Transition) {
	inv := c.invs[t.InviteID]
	if inv == nil {
		return
	}
	switch {
	case t.Reached:
		if inv.reached == nil {
			inv.reached = map[string]int64{}
		}
		for _, u := range t.Invitees {
			inv.reached[u] = c.w.now
		}
	case t.Dropped:
		inv.dropped = true
	case t.Invitee == "":
		inv.decidedAt = c.w.now
	default:
		if inv.server == nil {
			inv.server = map[string]engine.InviteeState{}
		}
		inv.server[t.Invitee] = t.State
	}
}

func (c *Checker) result(d *Device, r *engine.Result) {
	if r.Code != engine.OK {
		return
	}
	inv := c.invs[r.InviteID]
	if inv != nil && (r.Op == engine.OpAccept || r.Op == engine.OpReject) {
		// Told its answer succeeded, the device has learned its own outcome.
		st := engine.Accepted
		if r.Op == engine.OpReject {
			st = engine.Rejected
		}
		if known := c.observer(d).known[r.InviteID]; known != nil {
			c.learn(d, inv, r.InviteID, known, d.User, st)
		}
	}
	if c.w.opts.Mode != engine.ModeServer {
		return
	}
	switch r.Op {
	case engine.OpInvite, engine.OpInviteInGroup:
		if inv != nil && inv.decidedAt < 0 {
			c.violate(InvValidity, d, "%s told success for %s, which the server never created", r.Op, r.InviteID)
		}
	case engine.OpAccept, engine.OpReject:
		want := engine.Accepted
		if r.Op == engine.OpReject {
			want = engine.Rejected
		}
		if inv != nil && inv.server[d.User] != want {
			c.violate(InvValidity, d, "%s of %s told success but the server has %s for %s", r.Op, r.InviteID, inv.server[d.User], d.User)
		}
	case engine.OpCancel:
		if inv == nil {
			return
		}
		for _, u := range inv.invitees {
			if inv.server[u] == engine.Cancelled {
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
	inv := c.invs[id]
	if inv == nil {
		c.violate(InvValidity, d, "%s about %s, which nobody invited", cb.Kind, id)
		return
	}
	c.scope(d, inv, cb)
	known := o.known[id]
	if cb.Kind == engine.OnReceiveNewInvitation {
		if known != nil {
			c.violate(InvExactlyOnce, d, "received invitation %s again", id)
			return
		}
		o.known[id] = map[string]engine.InviteeState{}
		if at, ok := inv.reached[d.User]; inv.onlineOnly && ok && o.since > at {
			c.violate(InvScope, d, "online-only invitation %s arrived late: it reached %s's shard at %s, the device came online at %s",
				id, d.User, trace.FormatTime(at), trace.FormatTime(o.since))
		}
		return
	}
	if known == nil {
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
		if !slices.Contains(inv.answered, cb.Invitee) {
			c.violate(InvValidity, d, "%s %s but %s never answered", id, st, cb.Invitee)
		}
	case engine.OnInvitationCancelled:
		who, st = cb.Invitees, engine.Cancelled
		if !inv.cancelled {
			c.violate(InvValidity, d, "%s cancelled but the inviter never called cancel", id)
		}
	case engine.OnInvitationTimeout:
		who, st = cb.Invitees, engine.TimedOut
		if inv.timeout == 0 {
			c.violate(InvValidity, d, "%s timed out but its timeout is 0", id)
		} else if c.w.now < inv.created+int64(inv.timeout)*1e9 {
			c.violate(InvValidity, d, "%s timed out at %s, before its time %s", id, trace.FormatTime(c.w.now),
				trace.FormatTime(inv.created+int64(inv.timeout)*1e9))
		}
	case engine.OnInvitationModified:
		if len(known) == len(inv.invitees) {
			c.violate(InvNoResurrection, d, "modified %s after every invitee was final", id)
		}
		return
	default:
		return
	}
	for _, u := range who {
		c.learn(d, inv, id, known, u, st)
	}
}

func (c *Checker) learn(d *Device, inv *invCheck, id string, known map[string]engine.InviteeState, u string, st engine.InviteeState) {
	if !slices.Contains(inv.invitees, u) {
		c.violate(InvValidity, d, "%s %s for %s, who was not invited", id, st, u)
		return
	}
	if prev, ok := known[u]; ok {
		if prev == st {
			c.violate(InvExactlyOnce, d, "%s %s %s reported twice", id, u, st)
			return
		}
		c.violate(InvNoResurrection, d, "%s %s reported %s after %s", id, u, st, prev)
		if first, ok := inv.learned[u]; ok && first != st {
			c.violate(InvAgreement, d, "%s: %s learned %s here, %s first", id, u, st, first)
		}
		return
	}
	known[u] = st
	if first, ok := inv.learned[u]; ok && first != st {
		c.violate(InvAgreement, d, "%s: %s learned %s here, %s elsewhere", id, u, st, first)
		return
	}
	if inv.learned == nil {
		inv.learned = map[string]engine.InviteeState{}
	}
	inv.learned[u] = st
	if c.w.opts.Mode == engine.ModeServer {
		if dec, ok := inv.server[u]; !ok {
			c.violate(InvAgreement, d, "%s: %s learned %s, which the server never decided", id, u, st)
		} else if dec != st {
			c.violate(InvAgreement, d, "%s: %s learned %s, the server decided %s", id, u, st, dec)
		}
	}
}

func (c *Checker) scope(d *Device, inv *invCheck, cb *engine.Callback) {
	if inv.group == "" {
		if d.User != inv.inviter && !slices.Contains(inv.invitees, d.User) {
			c.violate(InvScope, d, "%s of one-to-one %s reached %s, not a party", cb.Kind, cb.InviteID, d.User)
		}
		return
	}
	if slices.Contains(c.members[inv.group], d.User) {
		return
	}
	if m, _, ok := c.w.shards[engine.ShardOf(inv.group, len(c.w.shards))].srv.Group(inv.group); ok && slices.Contains(m, d.User) {
		c.members[inv.group] = append(c.members[inv.group], d.User)
		return
	}
	c.violate(InvScope, d, "%s of group %s reached %s, never a member", cb.Kind, cb.InviteID, d.User)
}

func (c *Checker) groupTip(cb *engine.Callback) {
	if cb.Kind == engine.OnMemberEnter {
		for _, u := range cb.Invitees {
			if !slices.Contains(c.members[cb.GroupID], u) {
				c.members[cb.GroupID] = append(c.members[cb.GroupID], u)
			}
		}
	}
}

// CheckLiveness is the liveness phase's verdict, to be called once every fault
// has healed and enough time has passed (see LivenessDeadline): no device may
// still list an invitation with a timeout, and in server mode no shard may hold
// one either. It returns the violations it found (also recorded).
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
			if v.Timeout > 0 {
				c.violate(InvTermination, d, "%s still listed: %s", v.InviteID, v.Describe())
				break
			}
		}
	}
	if w.opts.Mode == engine.ModeServer {
		for _, s := range w.shards {
			for _, v := range s.srv.Invitations() {
				if v.Timeout > 0 {
					c.violate(InvTermination, nil, "shard %s still holds %s", s.name, v.Describe())
					break
				}
			}
		}
	}
	return c.violations[n:]
}

// LivenessDeadline is when, after healing at healedAt, every invitation with a
// timeout must be final: the longest timeout invited so far, plus the bound.
func (w *World) LivenessDeadline(healedAt int64) int64 {
	maxTimeout := 0
	if w.check != nil {
		for _, inv := range w.check.invs {
			maxTimeout = max(maxTimeout, inv.timeout)
		}
	}
	return healedAt + int64(maxTimeout)*1e9 + w.opts.LivenessBound
}

// ViolationSummary counts violations by invariant, "agreement=2 validity=1".
func (w *World) ViolationSummary() string {
	counts := map[string]int{}
	for _, v := range w.Violations() {
		counts[v.Invariant]++
	}
	var l []string
	for _, k := range []string{InvReceiveFirst, InvExactlyOnce, InvAgreement, InvValidity, InvScope, InvNoResurrection, InvTermination} {
		if counts[k] > 0 {
			l = append(l, fmt.Sprintf("%s=%d", k, counts[k]))
		}
	}
	return strings.Join(l, " ")
}
