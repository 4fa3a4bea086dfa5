package scenarios

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"sigsim/engine"
	"sigsim/sim"
	"sigsim/sim/trace"
)

// RunOptions override a scenario's world for one run (the CLI's flags).
type RunOptions struct {
	Seed     uint64
	HasSeed  bool        // use Seed instead of the world's seed
	Mode     engine.Mode // used when HasMode
	HasMode  bool
	Swarm    bool // force swarm mode even if the file has no swarm command
	NoRecord bool // do not keep trace text (faster; show trace and traces unavailable)
}

// Result is what one run of a scenario produced.
type Result struct {
	File     *File
	Outputs  map[*Block][]string // actual output of every block
	Failures []string            // failed expectations and runtime errors, "file:line:col: what"
	// Violations are the invariant violations of the run; Unexpected tells
	// whether any of them was not announced by an `expect violation` line.
	Violations []sim.Violation
	Unexpected bool
	World      *sim.World
	Options    []string // the world's options, one "key=value" each
	SwarmPlan  []string // what swarm mode chose for this seed, if it was on
	// Unjudged are the faults still active at the last check, which left
	// termination unjudged (nil if it was judged, or no check ran), and
	// UnjudgedAt that check's virtual time.
	Unjudged   []string
	UnjudgedAt int64
	ids        map[string]string
}

// Mismatches lists the blocks whose actual output differs from the expected one.
func (r *Result) Mismatches() []*Block {
	var l []*Block
	for _, it := range r.File.Items {
		if b := it.Block; b != nil && !slices.Equal(r.Outputs[b], b.Expected) {
			l = append(l, b)
		}
	}
	return l
}

// Text is the scenario file with every block's expected output replaced by the
// actual one: what `run` prints and `--rewrite` writes.
func (r *Result) Text() []byte { return r.File.Format(r.Outputs) }

// Hash is the run's fingerprint.
func (r *Result) Hash() uint64 { return r.World.Hash() }

// runner executes one parsed file against one world.
type runner struct {
	f         *File
	opts      RunOptions
	w         *sim.World
	res       *Result
	out       *[]string // where output goes now: the current block's
	handles   map[string]string
	ids       map[string]string
	invites   map[string]engine.SignalingInfo // handle → the invitation as invited
	rendered  int                             // trace events already rendered
	expectV   bool
	stopOn    bool
	record    bool
	explicit  map[string]bool // devices with an explicit login command
	gen       int
	callbacks map[string]int64 // callbacks by kind
	results   []resultRec
	auto      map[string]int  // devices logged in by setup: lines of it still to hide
	attempted map[string]bool // invitation handles whose invite has run
	maxMemory int64           // the world's max-memory (0: sim.DefaultMaxMemory)
	userNames []string        // declared users, for "did you mean" (the first maxSuggest)
}

// maxSuggest bounds the names a "did you mean" compares with.
const maxSuggest = 100_000

// Run executes a parsed scenario.
func Run(f *File, opts RunOptions) (*Result, error) {
	r := &runner{f: f, opts: opts, handles: map[string]string{}, ids: map[string]string{},
		invites: map[string]engine.SignalingInfo{}, explicit: map[string]bool{}, record: !opts.NoRecord,
		callbacks: map[string]int64{}, attempted: map[string]bool{}}
	r.res = &Result{File: f, Outputs: map[*Block][]string{}}
	if err := r.setup(); err != nil {
		return nil, err
	}
	for _, it := range f.Items {
		b := it.Block
		if b == nil {
			continue
		}
		out := []string{}
		r.out = &out
		for _, c := range b.Cmds {
			if r.isSetup(c) {
				continue
			}
			if c.HasAt {
				c := c
				if c.At < r.w.Now() {
					out = append(out, fmt.Sprintf("warning: %s: at %s is in the past (the clock is at %s); it runs now",
						c.Pos, time.Duration(c.At), time.Duration(r.w.Now())))
				}
				r.w.At(c.At, func() { r.exec(c) })
				continue
			}
			r.exec(c)
		}
		if len(out) > 0 || b.HasExpected {
			r.res.Outputs[b] = out
		}
	}
	r.res.World = r.w
	r.res.SwarmPlan = r.w.SwarmPlan()
	r.res.ids = r.ids
	r.res.Violations = r.w.Violations()
	r.res.Unexpected = len(r.res.Violations) > 0 && !r.expectV
	if err := swallowed(r.res); err != nil {
		return nil, err
	}
	return r.res, nil
}

// swallowed reports the expected-output lines that read as commands or
// comments (a blank line is missing before them) and that the run does not
// print. The expected output of a block runs to the next blank line, so
// those lines were never run, and --rewrite, which replaces the expected
// output by the actual one, would delete them: a user's script lines must
// never be lost that way. A line the run does print is output, whatever it
// looks like.
func swallowed(res *Result) error {
	var errs ErrorList
	for _, it := range res.File.Items {
		b := it.Block
		if b == nil || len(b.cmdLike) == 0 {
			continue
		}
		var actual []string
		for _, o := range res.Outputs[b] {
			actual = append(actual, strings.Split(o, "\n")...)
		}
		for _, i := range b.cmdLike {
			line := b.Expected[i]
			if slices.Contains(actual, line) || len(errs) == maxErrors {
				continue
			}
			what := "a command"
			if isComment(line) {
				what = "a comment"
			}
			col := len(line) - len(strings.TrimLeftFunc(line, unicode.IsSpace)) + 1
			errs = append(errs, &Error{Pos{res.File.Name, b.ExpectedLine + i, col}, fmt.Sprintf(
				"this line reads as %s but is part of the expected output of the block at line %d, which runs to the next blank line: "+
					"it never ran, and --rewrite would delete it; put a blank line before it", what, b.Line)})
		}
	}
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return errs
}

func (r *runner) isSetup(c *Cmd) bool {
	return c.Name == "world" || c.Name == "users" || c.Name == "group"
}

func (r *runner) fail(c *Cmd, format string, args ...any) {
	msg := c.Pos.String() + ": " + fmt.Sprintf(format, args...)
	r.res.Failures = append(r.res.Failures, msg)
	if r.out != nil {
		*r.out = append(*r.out, "error: "+fmt.Sprintf(format, args...))
	}
}

// setup builds the world from the world, users and group commands (wherever they
// are) and logs every device in at time 0 unless the file logs it in itself.
func (r *runner) setup() error {
	var o sim.Options
	o.Link.Latency = sim.Const(sim.DefaultLatency)
	var users, groups, gens []*Cmd
	var wcmd *Cmd
	for _, it := range r.f.Items {
		if it.Block == nil {
			continue
		}
		for _, c := range it.Block.Cmds {
			switch c.Name {
			case "world":
				wcmd = c
			case "users":
				users = append(users, c)
			case "group":
				groups = append(groups, c)
			case "login":
				if u, d, err := c.Device(0); err == nil {
					r.explicit[u+"/"+strconv.Itoa(d)] = true
				}
			case "expect":
				if p, _ := c.Positional(0); p == "violation" || p == "violations" {
					if n, _ := c.Positional(1); p == "violation" || n != "0" {
						r.expectV = true
					}
				}
			case "generate":
				gens = append(gens, c)
				if n, _ := c.Int("count", 1); n > 20000 {
					r.record = false
				}
			}
		}
	}
	r.stopOn = true
	if wcmd != nil {
		if err := r.worldOptions(wcmd, &o); err != nil {
			return err
		}
	}
	if err := r.checkFootprint(users, groups, gens, o); err != nil {
		return err
	}
	if r.opts.HasSeed {
		o.Seed = r.opts.Seed
	}
	if r.opts.HasMode {
		o.Mode = r.opts.Mode
	}
	o.KeepGoing = !r.stopOn
	o.Record = r.record
	w, err := sim.New(o)
	if err != nil {
		if wcmd != nil {
			return wcmd.Errorf("world: %v", err)
		}
		return err
	}
	r.w = w
	r.res.Options = o.Describe()
	w.Hooks.Callback = func(at int64, d *sim.Device, cb *engine.Callback) { r.callbacks[cb.Kind.String()]++ }
	w.Hooks.Result = func(at int64, d *sim.Device, res *engine.Result) {
		r.results = append(r.results, resultRec{dev: d.Name, op: res.Op.String(), id: res.InviteID, code: res.Code, text: r.subst(res.Describe())})
	}
	for _, c := range users {
		us, err := c.Users()
		if err != nil {
			return err
		}
		for _, u := range us {
			if len(r.userNames) < maxSuggest {
				r.userNames = append(r.userNames, u.Name)
			}
			for d := 1; d <= max(1, u.Devices); d++ {
				if _, err := w.AddDevice(u.Name, strconv.Itoa(d)); err != nil {
					return c.Errorf("users: %v", err)
				}
			}
		}
	}
	for _, c := range groups {
		id, _ := c.Positional(0)
		members, err := c.List("members")
		if err != nil {
			return err
		}
		owner := c.Str("owner", "")
		for _, m := range append([]string{owner}, members...) {
			if w.Device(m) == nil {
				return c.Errorf("group %s: %s", id, r.unknownUser(m))
			}
		}
		if err := w.LoadGroup(id, owner, members); err != nil {
			return c.Errorf("group %s: %v", id, err)
		}
	}
	if err := r.checkReferences(); err != nil {
		return err
	}
	if r.opts.Swarm {
		if err := w.SetSwarm(sim.SwarmOptions{Until: int64(30 * time.Second)}); err != nil {
			return err
		}
	}
	r.auto = map[string]int{}
	for _, d := range w.Devices() {
		if !r.explicit[d.Name] {
			w.Login(d)
			r.auto[d.Name] = 2 // its login call and result are setup, not output
		}
	}
	return nil
}

func (r *runner) worldOptions(c *Cmd, o *sim.Options) error {
	var err error
	dist := func(key string, into *sim.Dist) {
		if s := c.Str(key, ""); s != "" && err == nil {
			var d sim.Dist
			if d, err = sim.ParseDist(s); err != nil {
				err = c.Errorf("world: %s: %v", key, err)
				return
			}
			*into = d
		}
	}
	get := func(e error) {
		if err == nil && e != nil {
			err = e
		}
	}
	var e error
	o.Seed, e = c.Uint("seed", 1)
	get(e)
	if m := c.Str("mode", "server"); m != "" {
		o.Mode, e = engine.ParseMode(m)
		get(e)
	}
	shards, e := c.Int("shards", 1)
	get(e)
	o.Shards = int(shards)
	dist("latency", &o.Link.Latency)
	o.Link.Loss, e = c.Float("loss", 0)
	get(e)
	o.Link.Dup, e = c.Float("dup", 0)
	get(e)
	o.Link.Reorder, e = c.Float("reorder", 0)
	get(e)
	o.Link.Bandwidth, e = c.Bandwidth("bandwidth", 0)
	get(e)
	dist("shard-latency", &o.ShardLatency)
	dist("service", &o.Service)
	workers, e := c.Int("workers", 1)
	get(e)
	o.Workers = int(workers)
	o.RTO, e = c.Dur("rto", 0)
	get(e)
	o.Retention, e = c.Dur("retention", 0)
	get(e)
	o.LivenessBound, e = c.Dur("bound", 0)
	get(e)
	r.stopOn = c.Str("stop", "on-violation") == "on-violation"
	r.maxMemory, e = c.Size("max-memory", 0)
	get(e)
	if err == nil {
		if verr := o.Validate(); verr != nil {
			err = c.Errorf("world: %v", verr)
		}
	}
	return err
}

// checkFootprint refuses, before anything is allocated, a scenario whose
// estimated peak memory (sim.Footprint: its devices and the invitations its
// generators keep live and as history) exceeds the world's max-memory. The
// error points at the generator, or the users line, that weighs most.
func (r *runner) checkFootprint(users, groups, gens []*Cmd, o sim.Options) error {
	f := sim.Footprint{Checks: !o.NoChecks}
	for _, c := range users {
		for _, a := range c.positionals() {
			if e, msg := parseUsers(a.Value); msg == "" {
				n := 0.0
				for _, it := range e.items {
					n += float64(it.count())
				}
				f.Devices += n * float64(max(1, e.devices))
			}
		}
	}
	members := map[string]float64{}
	for _, c := range groups {
		id, _ := c.Positional(0)
		items, _ := parseList(c.Str("members", ""))
		n := 1.0 // the owner
		for _, it := range items {
			n += float64(it.count())
		}
		members[id] = n
	}
	var big *Cmd
	bigBytes := 0.0
	for _, c := range gens {
		count, err1 := c.Int("count", 1)
		rate, err2 := c.Rate("rate", 100)
		timeout, err3 := c.Dur("timeout", int64(30*time.Second))
		if err1 != nil || err2 != nil || err3 != nil {
			continue // the generator reports it when it runs
		}
		g := sim.Footprint{Invitations: float64(count), Checks: f.Checks}
		g.LiveInvitations, g.Ended = sim.Flow(float64(count), rate, float64(timeout)/1e9, o.Retention)
		if kind, _ := c.Positional(0); kind == "group-invites" {
			g.GroupMembers = g.LiveInvitations * members[c.Str("group", "")]
		}
		if b := g.Bytes(); b > bigBytes {
			big, bigBytes = c, b
		}
		f.LiveInvitations += g.LiveInvitations
		f.Ended += g.Ended
		f.GroupMembers += g.GroupMembers
		f.Invitations += g.Invitations
	}
	err := sim.CheckMemory(f, r.maxMemory)
	if err == nil {
		return nil
	}
	var pos Pos
	what := "users"
	if len(users) > 0 {
		pos = users[0].Pos
	}
	if big != nil && (len(users) == 0 || bigBytes >= f.Devices*sim.DeviceBytes) {
		what, pos = "generate", big.Pos
		if a, ok := big.arg("count"); ok {
			pos = a.Pos
		}
	}
	return &Error{pos, fmt.Sprintf("%s: the scenario %v; if the machine has that much, raise the limit with world max-memory=SIZE", what, err)}
}

// unknownUser says that name is not a declared user, with the closest one.
func (r *runner) unknownUser(name string) string {
	m := fmt.Sprintf("unknown user %q", name)
	if g := suggest(name, r.userNames); g != "" {
		m += fmt.Sprintf(" (did you mean %q?)", g)
	}
	return m + "; declare it with users"
}

// checkUsers checks that every name of a list argument is a declared user.
func (r *runner) checkUsers(c *Cmd, key string) error {
	a, ok := c.arg(key)
	if !ok {
		return nil
	}
	l, err := c.List(key)
	if err != nil {
		return err
	}
	for _, u := range l {
		if r.w.Device(u) == nil {
			return &Error{a.Pos, fmt.Sprintf("%s: %s: %s", c.Name, key, r.unknownUser(u))}
		}
	}
	return nil
}

// checkReferences resolves, before anything runs, every device and node a
// command names, and checks the values only the world can judge, so that a
// misspelt name is an input error at its file:line:col, not a failure found
// at its virtual time.
func (r *runner) checkReferences() error {
	for _, it := range r.f.Items {
		if it.Block == nil {
			continue
		}
		for _, c := range it.Block.Cmds {
			if err := r.checkCmdReferences(c); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *runner) checkCmdReferences(c *Cmd) error {
	nodeAt := func(i int) error {
		ps := c.positionals()
		if i >= len(ps) {
			return nil // the parser reported it
		}
		if _, err := r.w.Node(ps[i].Value); err != nil {
			return &Error{ps[i].Pos, c.Name + ": " + err.Error()}
		}
		return nil
	}
	switch {
	case c.spec != nil && c.spec.device, c.Name == "link", c.Name == "disconnect", c.Name == "reconnect":
		u, n, err := c.Device(0)
		if err != nil {
			return err
		}
		if name := u + "/" + strconv.Itoa(n); r.w.Device(name) == nil {
			hint := "declare it with users"
			if r.w.Device(u) == nil {
				if g := suggest(u, r.userNames); g != "" {
					hint = fmt.Sprintf("did you mean %q?; ", g) + hint
				}
			}
			return &Error{c.positionals()[0].Pos, fmt.Sprintf("%s: unknown device %s (%s)", c.Name, name, hint)}
		}
		switch c.Name {
		case "invite":
			ps := c.positionals()
			if len(ps) > 1 && r.w.Device(ps[1].Value) == nil {
				return &Error{ps[1].Pos, "invite: " + r.unknownUser(ps[1].Value)}
			}
		case "invite-group":
			return r.checkUsers(c, "invitees")
		case "create-group":
			return r.checkUsers(c, "members")
		}
	case c.Name == "generate":
		if err := r.checkUsers(c, "from"); err != nil {
			return err
		}
		return r.checkUsers(c, "to")
	case c.Name == "crash", c.Name == "restart", c.Name == "pause":
		return nodeAt(0)
	case c.Name == "skew":
		if err := nodeAt(0); err != nil {
			return err
		}
		if drift, err := c.Float("drift", 0); err == nil && (drift <= -1 || drift >= 1) {
			a, _ := c.arg("drift")
			return &Error{a.Pos, fmt.Sprintf("skew: drift %g out of range (-1,1)", drift)}
		}
	case c.Name == "partition":
		sides, err := c.Sides()
		if err != nil {
			return err
		}
		for _, side := range sides {
			for _, name := range side {
				if _, err := r.w.Node(name); err != nil {
					return c.Errorf("partition: %v", err)
				}
			}
		}
	}
	return nil
}

// device resolves positional i as a device of the world.
func (r *runner) device(c *Cmd, i int) *sim.Device {
	u, n, err := c.Device(i)
	if err != nil {
		r.fail(c, "%v", err)
		return nil
	}
	name := u + "/" + strconv.Itoa(n)
	d := r.w.Device(name)
	if d == nil {
		r.fail(c, "%s: unknown device %s (declare it with users)", c.Name, name)
	}
	return d
}

// handle resolves positional i as an invitation handle to its ID.
func (r *runner) handle(c *Cmd, i int) (string, bool) {
	h, err := c.Positional(i)
	if err != nil {
		r.fail(c, "%v", err)
		return "", false
	}
	id, ok := r.handles[h]
	switch {
	case ok:
	case r.attempted[h]:
		// Its invite ran and failed (a crashed device, a rejected call): a
		// consequence of the run, not a mistake in the file.
		*r.out = append(*r.out, fmt.Sprintf("%s %s skipped: the invite of %s failed", strings.TrimSpace(trace.FormatTime(r.w.Now())), c.Name, h))
	default:
		r.fail(c, "%s: invitation %q has not been created yet (its invite runs later, or never)", c.Name, h)
	}
	return id, ok
}

func (r *runner) name(c *Cmd, id string) {
	if c.Handle != "" {
		r.attempted[c.Handle] = true
	}
	if c.Handle != "" && id != "" {
		r.handles[c.Handle] = id
		r.ids[id] = c.Handle
	}
}

var answerOps = map[string]engine.Op{"cancel": engine.OpCancel, "accept": engine.OpAccept, "reject": engine.OpReject, "modify": engine.OpModify}

var groupOps = map[string]engine.Op{"create-group": engine.OpCreateGroup, "join-group": engine.OpJoinGroup,
	"quit-group": engine.OpQuitGroup, "dismiss-group": engine.OpDismissGroup, "group-members": engine.OpGetGroupMembers}

// exec runs one command now.
func (r *runner) exec(c *Cmd) {
	w := r.w
	switch c.Name {
	case "login", "logout":
		if d := r.device(c, 0); d != nil {
			if c.Name == "login" {
				w.Login(d)
			} else {
				w.Logout(d)
			}
		}
	case "invite":
		d := r.device(c, 0)
		to, _ := c.Positional(1)
		timeout, err := c.Dur("timeout", 30*int64(time.Second))
		if d == nil || err != nil {
			return
		}
		var push *engine.OfflinePushInfo
		if c.Has("push") {
			push = &engine.OfflinePushInfo{Title: c.Str("push", "")}
		}
		secs := int(timeout / int64(time.Second))
		id, _ := w.Invite(d, to, c.Str("data", ""), c.Bool("online-only"), push, secs)
		r.name(c, id)
		if c.Handle != "" && id != "" {
			r.invites[c.Handle] = engine.SignalingInfo{BusinessID: 1, InviteID: id, Inviter: d.User, InviteeList: []string{to},
				Data: c.Str("data", ""), Timeout: secs, ActionType: engine.ActionInvite, OnlineUserOnly: c.Bool("online-only")}
		}
	case "invite-group":
		d := r.device(c, 0)
		g, _ := c.Positional(1)
		invitees, err := c.List("invitees")
		timeout, err2 := c.Dur("timeout", 30*int64(time.Second))
		if d == nil || err != nil || err2 != nil {
			return
		}
		secs := int(timeout / int64(time.Second))
		id, _ := w.InviteInGroup(d, g, invitees, c.Str("data", ""), c.Bool("online-only"), secs)
		r.name(c, id)
		if c.Handle != "" && id != "" {
			r.invites[c.Handle] = engine.SignalingInfo{BusinessID: 1, InviteID: id, GroupID: g, Inviter: d.User, InviteeList: invitees,
				Data: c.Str("data", ""), Timeout: secs, ActionType: engine.ActionInvite, OnlineUserOnly: c.Bool("online-only")}
		}
	case "cancel", "accept", "reject", "modify":
		d := r.device(c, 0)
		id, ok := r.handle(c, 1)
		if d != nil && ok {
			w.Answer(d, answerOps[c.Name], id, c.Str("data", ""))
		}
	case "add-invited":
		d := r.device(c, 0)
		id, ok := r.handle(c, 1)
		if d == nil || !ok {
			return
		}
		h, _ := c.Positional(1)
		info := r.invites[h]
		for _, p := range w.Pushes() {
			if p.Sig.InviteID == id && p.User == d.User {
				info = p.Sig // what the push carried
			}
		}
		w.AddInvitedSignaling(d, info)
	case "create-group", "join-group", "quit-group", "dismiss-group", "group-members":
		d := r.device(c, 0)
		g, _ := c.Positional(1)
		members, err := c.List("members")
		if d != nil && err == nil {
			w.Group(d, groupOps[c.Name], g, members)
		}
	case "partition", "heal", "link", "crash", "restart", "pause", "skew", "disconnect", "reconnect":
		r.fault(c)
	case "hold":
		p, _ := c.Positional(0)
		w.Hold(p, c.Handle)
	case "release":
		h, _ := c.Positional(0)
		holding := w.Holding(h)
		if !w.Release(h) {
			if holding {
				*r.out = append(*r.out, fmt.Sprintf("%s release %s: nothing matched its pattern", strings.TrimSpace(trace.FormatTime(w.Now())), h))
			} else {
				r.fail(c, "release %s: already released", h)
			}
		}
	case "drop-next":
		p, _ := c.Positional(0)
		w.DropNext(p)
	case "dup-next":
		p, _ := c.Positional(0)
		w.DupNext(p)
	case "run":
		r.run(c)
	case "swarm":
		r.swarm(c)
	case "show":
		r.show(c)
	case "check":
		r.check()
	case "expect":
		r.expect(c)
	case "generate":
		r.generate(c)
	default:
		r.fail(c, "%s cannot run here", c.Name)
	}
}

func (r *runner) fault(c *Cmd) {
	w := r.w
	node := func(i int) (engine.Addr, bool) {
		s, err := c.Positional(i)
		if err != nil {
			r.fail(c, "%v", err)
			return 0, false
		}
		a, err := w.Node(s)
		if err != nil {
			r.fail(c, "%s: %v", c.Name, err)
			return 0, false
		}
		return a, true
	}
	switch c.Name {
	case "partition":
		sides, err := c.Sides()
		if err != nil {
			r.fail(c, "%v", err)
			return
		}
		var addrs [][]engine.Addr
		for _, s := range sides {
			var l []engine.Addr
			for _, n := range s {
				a, err := w.Node(n)
				if err != nil {
					r.fail(c, "partition: %v", err)
					return
				}
				l = append(l, a)
			}
			addrs = append(addrs, l)
		}
		for i := 1; i < len(addrs); i++ {
			w.Partition(addrs[0], addrs[i], c.Bool("oneway"))
		}
		for i := 1; i < len(addrs); i++ { // later sides are cut from each other too
			for j := i + 1; j < len(addrs); j++ {
				w.Partition(addrs[i], addrs[j], c.Bool("oneway"))
			}
		}
	case "heal":
		if c.NPositional() == 0 {
			w.HealAll()
		} else {
			w.Heal()
		}
	case "link":
		d := r.device(c, 0)
		if d == nil {
			return
		}
		o := w.Options().Link
		var err error
		if s := c.Str("latency", ""); s != "" {
			if o.Latency, err = sim.ParseDist(s); err != nil {
				r.fail(c, "link: latency: %v", err)
				return
			}
		}
		var e1, e2, e3, e4 error
		o.Loss, e1 = c.Float("loss", o.Loss)
		o.Dup, e2 = c.Float("dup", o.Dup)
		o.Reorder, e3 = c.Float("reorder", o.Reorder)
		o.Bandwidth, e4 = c.Bandwidth("bandwidth", o.Bandwidth)
		for _, e := range []error{e1, e2, e3, e4} {
			if e != nil {
				r.fail(c, "%v", e)
				return
			}
		}
		if err := w.SetLink(d, o); err != nil {
			r.fail(c, "link: %v", err)
		}
	case "crash", "restart":
		if a, ok := node(0); ok {
			if c.Name == "crash" {
				w.Crash(a)
			} else {
				w.Restart(a)
			}
		}
	case "pause":
		a, ok := node(0)
		dur, err := c.Dur("for", 0)
		if ok && err == nil {
			w.Pause(a, dur)
		}
	case "skew":
		a, ok := node(0)
		off, err := c.Dur("offset", 0)
		drift, err2 := c.Float("drift", 0)
		if ok && err == nil && err2 == nil {
			if err := w.Skew(a, off, drift); err != nil {
				r.fail(c, "skew: %v", err)
			}
		}
	case "disconnect", "reconnect":
		if d := r.device(c, 0); d != nil {
			if c.Name == "disconnect" {
				w.Disconnect(d)
			} else {
				w.Reconnect(d)
			}
		}
	}
}

func (r *runner) swarm(c *Cmd) {
	until, err := c.Dur("until", int64(30*time.Second))
	intensity, err2 := c.Float("intensity", 0.5)
	kinds, err3 := c.List("faults")
	if err != nil || err2 != nil || err3 != nil {
		r.fail(c, "swarm: bad option")
		return
	}
	if err := r.w.SetSwarm(sim.SwarmOptions{Until: r.w.Now() + until, Kinds: kinds, Intensity: intensity}); err != nil {
		r.fail(c, "swarm: %v", err)
	}
}

func (r *runner) run(c *Cmd) {
	w := r.w
	first, _ := c.Positional(0)
	if first == "until" {
		limit, _ := c.Dur("limit", int64(time.Hour))
		if !w.RunQuiet(w.Now()+limit) && !w.Stopped() {
			*r.out = append(*r.out, fmt.Sprintf("not quiet after %s", time.Duration(limit)))
		}
	} else {
		d, err := c.PositionalDur(0)
		if err != nil {
			r.fail(c, "%v", err)
			return
		}
		w.RunUntil(w.Now() + d)
	}
	r.render(r.out)
	if w.Stopped() {
		*r.out = append(*r.out, "stopped: "+r.subst(w.Violation().String()))
	}
}

// observable event kinds: what `run` prints (frames and timers are left to
// `show trace`).
func observable(k trace.Kind) bool {
	switch k {
	case trace.Call, trace.Result, trace.Callback, trace.Fault, trace.Note, trace.Violation:
		return true
	}
	return false
}

// maxRunLines is the most lines `run` prints; a busier run prints a summary.
const maxRunLines = 150

func (r *runner) render(out *[]string) {
	if !r.record {
		*out = append(*out, r.summary(nil)...)
		return
	}
	evs := r.w.Trace()[r.rendered:]
	r.rendered = len(r.w.Trace())
	var lines []string
	var kept []trace.Event
	for _, e := range evs {
		if observable(e.Kind) && !r.setupLine(e) {
			kept = append(kept, e)
		}
	}
	if len(kept) > maxRunLines {
		*out = append(*out, r.summary(kept)...)
		return
	}
	for _, e := range kept {
		lines = append(lines, r.line(e))
	}
	*out = append(*out, lines...)
}

// setupLine tells whether e is the automatic login of a device (hidden).
func (r *runner) setupLine(e trace.Event) bool {
	n := r.auto[e.Node]
	if n == 0 || !(e.Kind == trace.Call && e.Text == "login" || e.Kind == trace.Result && e.Text == "login -> ok") {
		return false
	}
	r.auto[e.Node] = n - 1
	return true
}

func (r *runner) line(e trace.Event) string {
	s := trace.FormatTime(e.At) + " " + e.Node
	if e.Peer != "" {
		s += " -> " + e.Peer
	}
	return s + ": " + r.subst(e.Text)
}

// summary counts events by kind and callback, for runs too busy to list.
func (r *runner) summary(evs []trace.Event) []string {
	counts := map[string]int{}
	if evs == nil {
		c := r.w.Counts
		counts["events"] = int(c.Events)
		counts["calls"] = int(c.Calls)
		counts["results"] = int(c.Results)
		counts["callbacks"] = int(c.Callbacks)
	}
	for _, e := range evs {
		key := e.Kind.String()
		if e.Kind == trace.Callback || e.Kind == trace.Result {
			name, _, _ := strings.Cut(e.Text, "(")
			if e.Kind == trace.Result {
				op, rest, _ := strings.Cut(e.Text, " ")
				_, code, _ := strings.Cut(rest, "-> ")
				code, _, _ = strings.Cut(code, " (")
				name = op + " -> " + code
			}
			key += " " + name
		}
		counts[key]++
	}
	keys := slices.Sorted(maps.Keys(counts))
	lines := []string{fmt.Sprintf("at %s: summary of a busy run", trace.FormatTime(r.w.Now()))}
	for _, k := range keys {
		lines = append(lines, fmt.Sprintf("  %-50s %d", k, counts[k]))
	}
	return lines
}

// subst writes invitation IDs as the handles the file gave them.
func (r *runner) subst(s string) string { return renamer(r.ids)(s) }
