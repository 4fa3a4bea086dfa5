package scenarios

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"sigsim/apps"
	"sigsim/engine"
	"sigsim/sim"
	"sigsim/sim/trace"
)

// show prints part of the world's state into the block's output.
func (r *runner) show(c *Cmd) {
	what, _ := c.Positional(0)
	filter, _ := c.Positional(1)
	text := c.Str("filter", "")
	out := r.out
	w := r.w
	traceOf := func(keep func(e trace.Event) bool) {
		if !r.record {
			r.fail(c, "show %s: this run keeps no trace (a large generated workload)", what)
			return
		}
		for _, e := range w.Trace() {
			if keep(e) && (filter == "" || e.Node == filter || e.Node == filter+"/1" || e.Peer == filter || e.Peer == filter+"/1") &&
				(text == "" || strings.Contains(r.subst(e.Text), text)) {
				e.Text = r.subst(e.Text)
				*out = append(*out, e.String()) // with its kind, and arrows that say which way
			}
		}
	}
	switch what {
	case "trace":
		traceOf(func(trace.Event) bool { return true })
	case "callbacks":
		traceOf(func(e trace.Event) bool { return e.Kind == trace.Callback })
	case "results":
		traceOf(func(e trace.Event) bool { return e.Kind == trace.Result })
	case "pushes":
		for _, p := range w.Pushes() {
			*out = append(*out, r.subst(p.Describe()))
		}
	case "invitations":
		if filter != "" && filter != "server" && w.Device(filter) == nil {
			r.fail(c, "show invitations: unknown device %s (or say server)", filter)
			return
		}
		before := len(*out)
		for _, d := range w.Devices() {
			if filter != "" && filter != "server" && d.Name != filter && d.Name != filter+"/1" {
				continue
			}
			if filter == "server" || d.Down() {
				continue
			}
			for _, v := range d.Client().Invitations() {
				*out = append(*out, d.Name+": "+r.subst(v.Describe()))
			}
		}
		if filter == "" || filter == "server" {
			for k := 0; k < w.NumShards(); k++ {
				for _, v := range w.Shard(k).Invitations() {
					*out = append(*out, "s"+strconv.Itoa(k)+": "+r.subst(v.Describe()))
				}
			}
		}
		if len(*out) == before {
			*out = append(*out, "no live invitations")
		}
	case "signaling":
		if filter == "" {
			r.fail(c, "show signaling USER: whose stored messages?")
			return
		}
		d := w.Device(filter)
		if d == nil {
			r.fail(c, "show signaling: unknown user %s", filter)
			return
		}
		msgs := w.Shard(d.Home).Timeline(d.User)
		for i := range msgs {
			m := &msgs[i]
			line := fmt.Sprintf("seq=%d ", m.Seq)
			if info := engine.GetSignalingInfo(m); info != nil {
				line += "GetSignalingInfo: " + r.subst(info.Describe())
			} else {
				line += "GetSignalingInfo: nil (not signaling: " + r.subst(m.Describe()) + ")"
			}
			*out = append(*out, line)
		}
		if len(msgs) == 0 {
			*out = append(*out, "no stored messages for "+d.User)
		}
	case "server":
		for k := 0; k < w.NumShards(); k++ {
			st := w.Shard(k).Stats()
			*out = append(*out, fmt.Sprintf("s%d: users=%d sessions=%d invitations=%d stored=%d tracked=%d groups=%d unacked=%d",
				k, st.Users, st.Sessions, st.Invitations, st.Stored, st.Tracked, st.Groups, st.Unacked))
		}
	case "calls":
		if r.calls == nil {
			r.fail(c, "show calls: no user runs the call app (users ... app=call)")
			return
		}
		for _, d := range w.Devices() {
			if st := r.calls.State(d.User); st != "no app" && (filter == "" || d.User == filter) {
				*out = append(*out, d.User+": "+r.subst(st))
			}
		}
		*out = append(*out, "calls: "+r.calls.Stats.Describe())
	case "hands":
		if r.class == nil {
			r.fail(c, "show hands: no group runs the classroom app (group ... app=classroom)")
			return
		}
		for _, d := range w.Devices() {
			if g, _, ok := r.class.Member(d.User); ok && (filter == "" || g == filter || d.User == filter) {
				*out = append(*out, fmt.Sprintf("%s %s: %v", g, d.User, r.class.Raised(d.User)))
			}
		}
		*out = append(*out, "classes: "+r.class.Stats.Describe())
	case "rooms":
		if w.RoomNodes() == 0 {
			r.fail(c, "show rooms: the world has no room service")
			return
		}
		before := len(*out)
		for k := range w.RoomNodes() {
			if w.RoomNodeDown(k) {
				*out = append(*out, fmt.Sprintf("r%d: down", k))
				continue
			}
			n := w.RoomNode(k)
			for _, id := range n.Rooms() {
				if filter != "" && id != filter {
					continue
				}
				anchors := n.Anchors(id)
				var audience []string
				for _, u := range n.Members(id) {
					if !slices.Contains(anchors, u) {
						audience = append(audience, u)
					}
				}
				line := fmt.Sprintf("r%d: %s anchors=%v", k, id, anchors)
				if len(audience) > 0 {
					line += fmt.Sprintf(" audience=%v", audience)
				}
				*out = append(*out, line)
			}
		}
		if len(*out) == before {
			*out = append(*out, "no rooms")
		}
	case "counts":
		cn := w.Counts
		*out = append(*out, fmt.Sprintf("events=%d sends=%d delivers=%d drops=%d dups=%d timers=%d calls=%d results=%d callbacks=%d faults=%d violations=%d",
			cn.Events, cn.Sends, cn.Delivers, cn.Drops, cn.Dups, cn.Timers, cn.Calls, cn.Results, cn.Callbacks, cn.Faults, len(w.Violations())))
	}
}

// check reports the violations so far and runs the termination check: after it,
// every invitation with a timeout must be final on every device and shard.
func (r *runner) check(*Cmd) {
	_, active := r.w.CheckLiveness()
	if len(active) == 0 {
		r.w.CheckRooms() // the room views have converged (recorded with the others)
	}
	vs := r.w.Violations()
	for i, v := range vs {
		if i == 20 {
			*r.out = append(*r.out, fmt.Sprintf("... and %d more", len(vs)-20))
			break
		}
		*r.out = append(*r.out, r.subst(v.String()))
	}
	r.res.Unjudged, r.res.UnjudgedAt = active, r.w.Now()
	if len(active) > 0 {
		*r.out = append(*r.out, "termination not judged: "+sim.DescribeFaults(active))
	}
	switch {
	case len(vs) > 0:
	case len(active) > 0:
		*r.out = append(*r.out, "ok: every other invariant holds")
	default:
		*r.out = append(*r.out, "ok: every invariant holds")
	}
}

// expectKinds are the words an expect line may start with, besides an
// invitation handle.
var expectKinds = []string{"count", "result", "violation", "violations"}

// countNames are the fixed names of expect count (besides callbacks On...
// and the call app's call.STAT).
var countNames = []string{"calls", "callbacks", "drops", "dups", "events", "pushes", "results", "violations"}

// outcomeNames are the states an invitee can be in.
var outcomeNames = []string{"pending", "accepted", "rejected", "cancelled", "timed-out", "dropped"}

// checkExpect checks at parse time everything an expect line says that the
// text can tell: its form, its numbers, its invariant, its handle (an
// invitation defined above) and the states it expects.
func checkExpect(p *parser, c *Cmd) *Error {
	ps := c.positionals()
	if len(ps) == 0 {
		return &Error{c.Pos, "expect needs something to check (e.g. expect violations 0)"}
	}
	w0 := ps[0]
	noKeys := func() *Error {
		for _, a := range c.Args {
			if a.Key != "" {
				return &Error{a.Pos, fmt.Sprintf("expect %s takes no key=value (%s=%s)", w0.Value, a.Key, a.Value)}
			}
		}
		return nil
	}
	switch w0.Value {
	case "violations":
		if e := noKeys(); e != nil {
			return e
		}
		if len(ps) != 2 {
			return &Error{w0.Pos, "expect violations N: want one number (expect violations 0)"}
		}
		if n, err := strconv.Atoi(ps[1].Value); err != nil || n < 0 {
			return &Error{ps[1].Pos, fmt.Sprintf("expect violations N: %q is not a number of violations", ps[1].Value)}
		}
	case "violation":
		if e := noKeys(); e != nil {
			return e
		}
		if len(ps) != 2 || !slices.Contains(invariants, ps[1].Value) {
			pos := w0.Pos
			m := "expect violation INVARIANT"
			if len(ps) > 1 {
				pos = ps[1].Pos
				m += fmt.Sprintf(": unknown invariant %q", ps[1].Value)
				if g := suggest(ps[1].Value, invariants); g != "" {
					m += fmt.Sprintf(" (did you mean %q?)", g)
				}
			}
			if len(ps) > 2 {
				pos, m = ps[2].Pos, "expect violation INVARIANT: one invariant a line (write a line for each)"
			}
			return &Error{pos, m + "; one of " + strings.Join(invariants, ", ")}
		}
	case "count":
		if e := noKeys(); e != nil {
			return e
		}
		if len(ps) != 4 {
			return &Error{w0.Pos, "expect count NAME OP N (OP one of = != < <= > >=), e.g. expect count OnInvitationTimeout = 2"}
		}
		name := ps[1].Value
		if !slices.Contains(countNames, name) && !strings.HasPrefix(name, "On") && !strings.HasPrefix(name, "call.") {
			return &Error{ps[1].Pos, fmt.Sprintf("expect count: unknown name %q (a callback such as OnInvitationTimeout, or %s, or a counter of the call app such as call.ghosts)", name, strings.Join(countNames, ", "))}
		}
		if _, ok := compare(0, ps[2].Value, 0); !ok {
			return &Error{ps[2].Pos, fmt.Sprintf("expect count: unknown operator %q (one of = != < <= > >=)", ps[2].Value)}
		}
		if _, err := strconv.ParseInt(ps[3].Value, 10, 64); err != nil {
			return &Error{ps[3].Pos, fmt.Sprintf("expect count: %q is not a number", ps[3].Value)}
		}
	case "result":
		if e := noKeys(); e != nil {
			return e
		}
		words := ps[1:]
		eq := -1
		for i, w := range words {
			if w.Value == "=" || w.Value == "==" {
				eq = i
			}
		}
		if eq < 1 || eq != len(words)-2 || eq > 3 {
			return &Error{w0.Pos, "expect result [DEVICE] [OP] H = CODE (e.g. expect result bob accept call = ok)"}
		}
		if e := p.invitationHandle(c, words[eq-1]); e != nil {
			return e
		}
		if code := words[eq+1]; code.Value != "ok" {
			if _, err := strconv.Atoi(code.Value); err != nil {
				return &Error{code.Pos, fmt.Sprintf("expect result: code %q is not ok nor a number", code.Value)}
			}
		}
	default:
		if e := p.invitationHandle(c, w0); e != nil {
			m := fmt.Sprintf("expect: %q is not an invitation handle (defined above with as NAME) nor %s", w0.Value, strings.Join(expectKinds, ", "))
			if g := suggest(w0.Value, expectKinds); g != "" {
				m += fmt.Sprintf(" (did you mean %q?)", g)
			}
			if d, ok := p.handles[w0.Value]; ok {
				m = fmt.Sprintf("expect: handle %q names %s (defined at %s), not an invitation", w0.Value, article(d.kind), d.pos)
			}
			return &Error{w0.Pos, m}
		}
		if len(ps) > 1 {
			return &Error{ps[1].Pos, fmt.Sprintf("expect %s: unexpected %q (write USER=STATE, e.g. bob=accepted)", w0.Value, ps[1].Value)}
		}
		n := 0
		for _, a := range c.Args {
			if a.Key == "" {
				continue
			}
			n++
			if !slices.Contains(outcomeNames, a.Value) {
				m := fmt.Sprintf("expect %s: %s=%s: unknown state %q", w0.Value, a.Key, a.Value, a.Value)
				if g := suggest(a.Value, outcomeNames); g != "" {
					m += fmt.Sprintf(" (did you mean %q?)", g)
				}
				return &Error{a.Pos, m + "; one of " + strings.Join(outcomeNames, ", ")}
			}
		}
		if n == 0 {
			return &Error{w0.Pos, fmt.Sprintf("expect %s: say what each invitee should be, e.g. expect %s bob=accepted", w0.Value, w0.Value)}
		}
	}
	return nil
}

// invitationHandle checks that a names an invitation handle defined above.
func (p *parser) invitationHandle(c *Cmd, a Arg) *Error {
	d, ok := p.handles[a.Value]
	if !ok || d.kind != "invitation" {
		return &Error{a.Pos, fmt.Sprintf("expect: %q is not an invitation handle defined above (with as NAME)", a.Value)}
	}
	return nil
}

// noteExpect records, before the world is built, the violations the file
// expects: a violation of an invariant it names (expect violation X) is not
// unexpected, nor is any violation when it expects a number of them (expect
// violations N, N > 0, which the count then checks). A violation of any
// other invariant still fails the file. Expecting a violation does not keep
// the run going: with stop=on-violation (the default) it stops at the first
// violating event, whatever its invariant (world stop=never runs on).
func noteExpect(r *runner, c *Cmd) {
	switch p, _ := c.Positional(0); p {
	case "violation":
		inv, _ := c.Positional(1)
		r.expectsViolation[inv] = true
	case "violations":
		if n, _ := c.Positional(1); n != "0" {
			r.expectsViolations = true
		}
	}
}

// expect asserts; a failing expectation fails the file whatever its output.
//
//	expect H bob=accepted carol=cancelled   outcome per invitee (server decision, or what devices learned in client mode)
//	expect result [DEVICE] [OP] H = CODE     the last result matching, CODE a number or ok
//	expect count NAME OP N                   NAME a callback (OnInvitationTimeout), calls, results, callbacks, events, drops, pushes, violations, call.STAT (the call app's: call.ghosts)
//	expect violations N                      exactly N invariant violations
//	expect violation INVARIANT               at least one violation of that invariant
func (r *runner) expect(c *Cmd) {
	var words []string
	for i := 0; i < c.NPositional(); i++ {
		p, _ := c.Positional(i)
		words = append(words, p)
	}
	if len(words) == 0 {
		r.fail(c, "expect: what? (an invitation handle, result, count, violations or violation)")
		return
	}
	switch words[0] {
	case "violations":
		want, err := strconv.Atoi(strings.Join(words[1:], ""))
		if err != nil {
			r.fail(c, "expect violations N: %q is not a number", strings.Join(words[1:], " "))
			return
		}
		if got := len(r.w.Violations()); got != want {
			r.fail(c, "expect violations %d: got %d (%s)", want, got, r.w.ViolationSummary())
		}
	case "violation":
		if len(words) != 2 || !slices.Contains(invariants, words[1]) {
			r.fail(c, "expect violation INVARIANT (one of %s)", strings.Join(invariants, ", "))
			return
		}
		for _, v := range r.w.Violations() {
			if v.Invariant == words[1] {
				return
			}
		}
		r.fail(c, "expect violation %s: none (got: %s)", words[1], orNone(r.w.ViolationSummary()))
	case "count":
		r.expectCount(c, words[1:])
	case "result":
		r.expectResult(c, words[1:])
	default:
		r.expectOutcome(c, words)
	}
}

var invariants = slices.Concat([]string{sim.InvReceiveFirst, sim.InvExactlyOnce, sim.InvAgreement, sim.InvValidity, sim.InvScope,
	sim.InvNoResurrection, sim.InvTermination, sim.InvOrder, sim.InvRequestOrder, sim.InvRoomView}, apps.CallInvariants, apps.ClassInvariants)

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func compare(got int64, op string, want int64) (bool, bool) {
	switch op {
	case "=", "==":
		return got == want, true
	case "!=":
		return got != want, true
	case "<":
		return got < want, true
	case "<=":
		return got <= want, true
	case ">":
		return got > want, true
	case ">=":
		return got >= want, true
	}
	return false, false
}

func (r *runner) expectCount(c *Cmd, words []string) {
	if len(words) != 3 {
		r.fail(c, "expect count NAME OP N (OP one of = != < <= > >=)")
		return
	}
	want, err := strconv.ParseInt(words[2], 10, 64)
	if err != nil {
		r.fail(c, "expect count: %q is not a number", words[2])
		return
	}
	got, ok := r.count(words[0])
	if !ok {
		r.fail(c, "expect count: unknown name %q (a callback such as OnInvitationTimeout, or calls, results, callbacks, events, drops, dups, pushes, violations, or a counter of the call app such as call.ghosts)", words[0])
		return
	}
	if pass, ok := compare(got, words[1], want); !ok {
		r.fail(c, "expect count: unknown operator %q", words[1])
	} else if !pass {
		r.fail(c, "expect count %s %s %d: got %d", words[0], words[1], want, got)
	}
}

func (r *runner) count(name string) (int64, bool) {
	cn := r.w.Counts
	switch name {
	case "calls":
		return cn.Calls, true
	case "results":
		return cn.Results, true
	case "callbacks":
		return cn.Callbacks, true
	case "events":
		return cn.Events, true
	case "drops":
		return cn.Drops, true
	case "dups":
		return cn.Dups, true
	case "pushes":
		return int64(len(r.w.Pushes())), true
	case "violations":
		return int64(len(r.w.Violations())), true
	}
	if strings.HasPrefix(name, "On") {
		return r.callbacks[name], true
	}
	if stat, ok := strings.CutPrefix(name, "call."); ok && r.calls != nil {
		for _, c := range r.calls.Stats.Counts() {
			if c.Name == stat {
				return c.N, true
			}
		}
	}
	return 0, false
}

func (r *runner) expectResult(c *Cmd, words []string) {
	// [DEVICE] [OP] H = CODE
	eq := -1
	for i, w := range words {
		if w == "=" || w == "==" {
			eq = i
		}
	}
	if eq < 1 || eq != len(words)-2 {
		r.fail(c, "expect result [DEVICE] [OP] H = CODE")
		return
	}
	want := words[eq+1]
	id, ok := r.inviteIDs[words[eq-1]]
	if !ok {
		r.fail(c, "expect result: invitation %q was never created", words[eq-1])
		return
	}
	var dev, op string
	for _, w := range words[:eq-1] {
		if _, isOp := answerOps[w]; isOp || w == "invite" || w == "invite-group" || w == "add-invited" {
			op = w
		} else {
			dev = w
		}
	}
	var last *resultRec
	for i := range r.results {
		rr := &r.results[i]
		if rr.id == id && (op == "" || rr.op == op) && (dev == "" || rr.dev == dev || rr.dev == dev+"/1") {
			last = rr
		}
	}
	if last == nil {
		r.fail(c, "expect result: no result for %s", strings.Join(words[:eq], " "))
		return
	}
	got := strconv.Itoa(int(last.code))
	if last.code == engine.OK {
		got = "ok"
	}
	if got != want && !(want == "0" && got == "ok") {
		r.fail(c, "expect result %s = %s: got %s", strings.Join(words[:eq], " "), want, last.text)
	}
}

type resultRec struct {
	dev, op, id string
	code        engine.Code
	text        string
}

func (r *runner) expectOutcome(c *Cmd, words []string) {
	id, ok := r.inviteIDs[words[0]]
	if !ok {
		r.fail(c, "expect %s: the invitation was never created (its invite failed, or runs later)", words[0])
		return
	}
	k, known := r.concerned[words[0]]
	if len(c.Args) == 0 {
		return
	}
	checked := 0
	for _, a := range c.Args {
		if a.Key == "" {
			continue
		}
		checked++
		if known && !slices.Contains(k.users, a.Key) && !r.members[k.group][a.Key] {
			what := fmt.Sprintf("%s invited %s", k.inviter, strings.Join(k.users[1:], ","))
			if k.group != "" {
				what += " in group " + k.group + ", which " + a.Key + " is not a member of"
			}
			r.fail(c, "expect %s %s=%s: %s is neither the inviter nor an invitee of %s (%s): it has no state there", words[0], a.Key, a.Value, a.Key, words[0], what)
			continue
		}
		st, decided := r.w.Outcome(id, a.Key)
		got := "pending"
		if decided {
			got = st.String()
		}
		if got != a.Value {
			r.fail(c, "expect %s %s=%s: got %s", words[0], a.Key, a.Value, got)
		}
	}
	if checked == 0 {
		r.fail(c, "expect %s: say what each invitee should be, e.g. bob=accepted", words[0])
	}
}

// expectRefs checks, once the world is built, the users an expect line
// names: each USER=STATE of an outcome, and the DEVICE of a result.
func (r *runner) expectRefs(c *Cmd) error {
	ps := c.positionals()
	switch ps[0].Value {
	case "violations", "violation":
		return nil
	case "count":
		if stat, ok := strings.CutPrefix(ps[1].Value, "call."); ok {
			if r.calls == nil {
				return &Error{ps[1].Pos, "expect count " + ps[1].Value + ": no user runs the call app (users ... app=call)"}
			}
			var names []string
			for _, n := range r.calls.Stats.Counts() {
				names = append(names, "call."+n.Name)
				if n.Name == stat {
					return nil
				}
			}
			m := fmt.Sprintf("expect count: the call app has no counter %q", stat)
			if g := suggest(ps[1].Value, names); g != "" {
				m += fmt.Sprintf(" (did you mean %q?)", g)
			}
			return &Error{ps[1].Pos, m}
		}
		return nil
	case "result":
		words := ps[1:]
		eq := 0
		for i, a := range words {
			if a.Value == "=" || a.Value == "==" {
				eq = i
			}
		}
		for _, a := range words[:max(eq-1, 0)] {
			if _, isOp := answerOps[a.Value]; isOp || a.Value == "invite" || a.Value == "invite-group" || a.Value == "add-invited" {
				continue
			}
			if err := r.checkRef(c, device, a); err != nil {
				return err
			}
		}
		return nil
	}
	for _, a := range c.Args {
		if a.Key == "" {
			continue
		}
		if r.w.Device(a.Key) == nil {
			return &Error{a.Pos, fmt.Sprintf("expect %s: %s", ps[0].Value, r.unknownUser(a.Key))}
		}
	}
	return nil
}
