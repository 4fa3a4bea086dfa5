// Generators: workloads of invitations from a rate and answer weights.

package scenarios

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"sigsim/engine"
	"sigsim/sim"
)

// checkGenerate checks at parse time that group= goes with group-invites,
// and that calls takes only what the call app does not decide.
func checkGenerate(p *parser, c *Cmd) *Error {
	kind, _ := c.Positional(0)
	if kind == "calls" {
		for _, key := range []string{"group", "timeout", "data", "answer", "online-only"} {
			if a, ok := c.arg(key); ok || c.Bool(key) {
				if !ok {
					a = c.positionals()[0]
				}
				return &Error{a.Pos, fmt.Sprintf("generate calls: %s= is the call app's to decide (its options on the users line)", key)}
			}
		}
		return checkGeneratorValues(c)
	}
	switch {
	case kind == "group-invites" && !c.Has("group"):
		return &Error{c.Pos, "generate group-invites: missing required group=GROUP"}
	case kind == "invites" && c.Has("group"):
		a, _ := c.arg("group")
		return &Error{a.Pos, "generate invites: group= only applies to group-invites"}
	}
	return checkGeneratorValues(c)
}

// noteGenerator records a generator before the world is built, for the
// memory guard; a large one turns off the trace.
func noteGenerator(r *runner, c *Cmd) {
	r.genCmds = append(r.genCmds, c)
	if n, _ := c.Int("count", 1); n > 20000 {
		r.record = false
	}
}

// generate schedules a workload of invitations: arrivals at a rate (Poisson,
// from the seed), senders and receivers taken round-robin from the lists, and
// invitees that answer with the given probabilities 0.5–3 s after they ring.
func (r *runner) generate(c *Cmd) {
	kind, _ := c.Positional(0)
	if kind == "calls" {
		r.generateCalls(c)
		return
	}
	count, err1 := c.Int("count", 1)
	from, err2 := c.List("from")
	to, err3 := c.List("to")
	rate, err4 := c.Rate("rate", 100)
	start, err5 := c.Time("start", r.w.Now())
	timeout, err6 := c.Dur("timeout", 30*time.Second)
	answers, err7 := c.Weights("answer")
	for _, e := range []error{err1, err2, err3, err4, err5, err6, err7} {
		if e != nil {
			r.fail(c, "%v", e)
			return
		}
	}
	group := c.Str("group", "")
	if len(from) == 0 || (len(to) == 0 && kind == "invites") || rate <= 0 || count <= 0 {
		r.fail(c, "generate: needs from= and to= users, a positive rate and count")
		return
	}
	total := 0.0
	for _, a := range answers {
		total += a.P
		if a.Name != "accept" && a.Name != "reject" && a.Name != "cancel" {
			r.fail(c, "generate: answer %q is not accept, reject or cancel", a.Name)
			return
		}
	}
	if total > 1+1e-9 {
		r.fail(c, "generate: answer probabilities sum to %g > 1", total)
		return
	}
	var devs, tos []*sim.Device
	for _, u := range from {
		d := r.w.Device(u)
		if d == nil {
			r.fail(c, "generate: unknown user %s", u)
			return
		}
		devs = append(devs, d)
	}
	for _, u := range to {
		d := r.w.Device(u)
		if d == nil {
			r.fail(c, "generate: unknown user %s", u)
			return
		}
		tos = append(tos, d)
	}
	r.gen++
	name := "generate/" + strconv.Itoa(r.gen)
	rng := sim.NewRand(r.w.Options().Seed, name)
	secs := int(timeout / time.Second)
	data, online := c.Str("data", ""), c.Bool("online-only")
	onlineShare := 0.0
	if !c.Has("answer") && !online {
		// Swarm mode chooses what the file leaves open, per seed.
		if mix, ok := r.w.SwarmMix(name); ok {
			answers = []Weight{{"accept", mix.Accept}, {"reject", mix.Reject}, {"cancel", mix.Cancel}}
			onlineShare = mix.OnlineOnly
		}
	}
	mine := map[string]bool{}
	r.answerHook(rng, answers, mine)
	i := int64(0)
	var next func()
	next = func() {
		from := devs[int(i)%len(devs)]
		var id string
		online := online || (onlineShare > 0 && rng.Float64() < onlineShare)
		if kind == "invites" {
			id, _ = r.w.Invite(from, tos[int(i)%len(tos)].User, data, online, nil, secs)
		} else {
			var inv []string
			if len(tos) > 0 {
				inv = []string{tos[int(i)%len(tos)].User}
			}
			id, _ = r.w.InviteInGroup(from, group, inv, data, online, secs)
		}
		if id != "" && len(answers) > 0 {
			mine[id] = true
		}
		i++
		if i < count {
			gap := time.Duration(rng.ExpFloat64() / rate * 1e9)
			r.w.At(r.w.Now().Add(max(gap, 0)), next)
		}
	}
	r.w.At(max(start, r.w.Now()), next)
}

// answerHook makes invitees of generated invitations answer after they ring.
func (r *runner) answerHook(rng *sim.Rand, answers []Weight, mine map[string]bool) {
	if len(answers) == 0 {
		return
	}
	prev := r.w.Hooks.Callback
	r.w.Hooks.Callback = func(at engine.Time, d *sim.Device, cb *engine.Callback) {
		if prev != nil {
			prev(at, d, cb)
		}
		if cb.Kind != engine.OnReceiveNewInvitation || !mine[cb.InviteID] || d.User == cb.Inviter {
			return
		}
		delete(mine, cb.InviteID) // one device answers
		x := rng.Float64()
		for _, a := range answers {
			if x < a.P {
				id, op := cb.InviteID, answerOps[a.Name]
				dev := d
				if op == engine.OpCancel {
					dev = r.w.Device(cb.Inviter)
				}
				delay := 500*time.Millisecond + time.Duration(rng.Int64N(int64(2500*time.Millisecond)))
				r.w.At(at.Add(delay), func() { r.w.Answer(dev, op, id, "") })
				return
			}
			x -= a.P
		}
	}
}

// generateCalls schedules calls through the call app: arrivals at a rate
// (Poisson, from the seed), each from a user of from= chosen at random to
// one of to= (not the caller); a caller whose phone is not idle lets its
// turn pass, as a person in a call would.
func (r *runner) generateCalls(c *Cmd) {
	count, err1 := c.Int("count", 1)
	from, err2 := c.List("from")
	to, err3 := c.List("to")
	rate, err4 := c.Rate("rate", 1)
	start, err5 := c.Time("start", r.w.Now())
	for _, e := range []error{err1, err2, err3, err4, err5} {
		if e != nil {
			r.fail(c, "%v", e)
			return
		}
	}
	if r.calls == nil {
		r.fail(c, "generate calls: no user runs the call app (users ... app=call)")
		return
	}
	for _, u := range append(slices.Clone(from), to...) {
		if r.calls.State(u) == "no app" {
			r.fail(c, "generate calls: %s runs no call app", u)
			return
		}
	}
	if len(from) == 0 || len(to) == 0 || rate <= 0 || count <= 0 || len(to) == 1 && slices.Equal(from, to) {
		r.fail(c, "generate calls: needs from= and to= users (someone to call), a positive rate and count")
		return
	}
	r.gen++
	rng := sim.NewRand(r.w.Options().Seed, "generate/"+strconv.Itoa(r.gen))
	i := int64(0)
	var next func()
	next = func() {
		// Every arrival draws the same numbers, whatever becomes of it.
		caller, callee := from[rng.IntN(len(from))], to[rng.IntN(len(to))]
		gap := time.Duration(rng.ExpFloat64() / rate * 1e9)
		if caller != callee && r.calls.Idle(caller) {
			r.calls.Dial(caller, callee)
		}
		i++
		if i < count {
			r.w.At(r.w.Now().Add(max(gap, 0)), next)
		}
	}
	r.w.At(max(start, r.w.Now()), next)
}

// checkGeneratorValues checks what a generator's values must be: a positive
// count and rate, from= (and to= but for group-invites) given, answers that
// are accept, reject or cancel with probabilities summing to at most 1.
func checkGeneratorValues(c *Cmd) *Error {
	if a, ok := c.arg("count"); ok {
		if n, msg := parseInt(a.Value); msg == "" && n <= 0 {
			return &Error{a.Pos, "generate: count= must be at least 1 (a generator of no invitation does nothing)"}
		}
	}
	if a, ok := c.arg("rate"); ok {
		if x, msg := parseRate(a.Value); msg == "" && x <= 0 {
			return &Error{a.Pos, "generate: rate= must be more than 0 (at rate 0 nothing is ever generated)"}
		}
	}
	if a, ok := c.arg("answer"); ok {
		ws, msg := parseWeights(a.Value)
		if msg != "" {
			return nil // checkValue said it
		}
		total := 0.0
		for _, w := range ws {
			if w.Name != "accept" && w.Name != "reject" && w.Name != "cancel" {
				m := fmt.Sprintf("generate: answer %q is not accept, reject or cancel", w.Name)
				if g := suggest(w.Name, []string{"accept", "cancel", "reject"}); g != "" {
					m += fmt.Sprintf(" (did you mean %q?)", g)
				}
				return &Error{a.Pos, m}
			}
			total += w.P
		}
		if total > 1+1e-9 {
			return &Error{a.Pos, fmt.Sprintf("generate: answer probabilities sum to %g > 1", total)}
		}
	}
	return nil
}

// generateRefs checks, before anything runs, that a generator has someone
// to invite and someone to invite: from= (and to=, but for group-invites).
func (r *runner) generateRefs(c *Cmd) error {
	kind, _ := c.Positional(0)
	if !c.Has("from") {
		return &Error{c.Pos, "generate: missing required from=LIST (who invites)"}
	}
	if kind != "group-invites" && !c.Has("to") {
		return &Error{c.Pos, "generate: missing required to=LIST (who is invited)"}
	}
	return nil
}
