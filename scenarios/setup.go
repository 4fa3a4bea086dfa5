// Setup: the world built from the world, users and group commands, the
// memory guard, and every name a command refers to resolved before anything
// runs.

package scenarios

import (
	"fmt"
	"strconv"
	"time"

	"sigsim/engine"
	"sigsim/sim"
)

// setup builds the world from the setup commands (world, users, group,
// wherever they are in the file) and logs every device in at time 0 unless
// the file logs it in itself. Every command takes part through its entry in
// commands: scan before the world exists, build once it does, refs (and
// the checks its schema implies) before anything runs.
func (r *runner) setup() error {
	var o sim.Options
	o.Link.Latency = sim.Const(sim.DefaultLatency)
	all := r.f.cmds()
	if err := checkSchedule(all); err != nil {
		return err
	}
	for _, c := range all {
		if c.spec.scan != nil {
			c.spec.scan(r, c)
		}
	}
	r.stopOn = true
	wcmd := r.worldCmd
	if wcmd != nil {
		if err := r.worldOptions(wcmd, &o); err != nil {
			return err
		}
	}
	if r.rooms && o.Rooms == nil { // the file uses rooms: one node, unless rooms=N
		o.Rooms = &sim.RoomOptions{Nodes: 1}
	}
	if err := r.checkFootprint(r.userCmds, r.groupCmds, r.genCmds, o); err != nil {
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
	w.Hooks.Callback = func(at engine.Time, d *sim.Device, cb *engine.Callback) { r.callbacks[cb.Kind.String()]++ }
	w.Hooks.Result = func(at engine.Time, d *sim.Device, res *engine.Result) {
		r.results = append(r.results, resultRec{dev: d.Name, op: res.Op.String(), id: res.InviteID, code: res.Code, text: r.subst(res.Describe())})
	}
	// The setup commands' part of the world: the commands of one entry in
	// file order, the entries in table order (users before group).
	for _, s := range commands {
		if s.build == nil {
			continue
		}
		for _, c := range all {
			if c.spec != s {
				continue
			}
			if err := s.build(r, c); err != nil {
				return err
			}
		}
	}
	if err := r.checkReferences(); err != nil {
		return err
	}
	if r.opts.Swarm {
		if err := w.SetSwarm(sim.SwarmOptions{Until: engine.Time(30 * time.Second)}); err != nil {
			return err
		}
	}
	r.setupLogins = map[string]int{}
	for _, d := range w.Devices() {
		if !r.explicit[d.Name] {
			w.Login(d)
			r.setupLogins[d.Name] = 2 // its login call and result are setup, not output
		}
	}
	return nil
}

func (r *runner) worldOptions(c *Cmd, o *sim.Options) error {
	o.Seed = 1 // a scenario without seed= runs seed 1
	for _, a := range c.Args {
		if a.Key == "" || !sim.IsOption(a.Key) {
			continue
		}
		// One mapping from text to options, sim's, for scripts and sigbench alike.
		if err := o.Set(a.Key, a.Value); err != nil {
			return &Error{a.Pos, fmt.Sprintf("world: %s: %v", a.Key, err)}
		}
	}
	var err error
	r.stopOn = c.Str("stop", "on-violation") == "on-violation"
	if r.maxMemory, err = c.Size("max-memory", 0); err != nil {
		return err
	}
	if verr := o.Validate(); verr != nil {
		return c.Errorf("world: %v", verr)
	}
	return nil
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
		timeout, err3 := c.Dur("timeout", 30*time.Second)
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

// checkReferences resolves, before anything runs, every device, node and
// user a command names, and checks the values only the world can judge, so
// that a misspelt name is an input error at its file:line:col, not a
// failure found at its virtual time. The schema says what to resolve (a
// DEVICE, NODE or USER slot, a key of users); an entry's refs adds the rest.
func (r *runner) checkReferences() error {
	for _, c := range r.f.cmds() {
		if err := r.checkCmdReferences(c); err != nil {
			return err
		}
	}
	return nil
}

func (r *runner) checkCmdReferences(c *Cmd) error {
	s := c.spec
	slots := s.pos
	if s.device {
		slots = append([]posSpec{device}, slots...)
	}
	for i, a := range c.positionals() {
		if len(slots) == 0 {
			break
		}
		if err := r.checkRef(c, slots[min(i, len(slots)-1)], a); err != nil {
			return err
		}
	}
	for _, ks := range s.keys {
		if ks.kind == vUsers {
			if err := r.checkUsers(c, ks.name); err != nil {
				return err
			}
		}
	}
	if s.refs != nil {
		return s.refs(r, c)
	}
	return nil
}

// checkRef checks that the world has the device, node or user positional a
// names (ps its slot).
func (r *runner) checkRef(c *Cmd, ps posSpec, a Arg) error {
	switch ps.kind {
	case pDevice:
		if a.Value == "*" && ps.all {
			return nil
		}
		u, n, msg := parseDevice(a.Value)
		if msg != "" {
			return c.argErr(a, "device", msg)
		}
		if name := u + "/" + strconv.Itoa(n); r.w.Device(name) == nil {
			hint := "declare it with users"
			if r.w.Device(u) == nil {
				if g := suggest(u, r.userNames); g != "" {
					hint = fmt.Sprintf("did you mean %q?; ", g) + hint
				}
			}
			return &Error{a.Pos, fmt.Sprintf("%s: unknown device %s (%s)", c.Name, name, hint)}
		}
	case pNode:
		if _, err := r.w.Node(a.Value); err != nil {
			if _, _, msg := parseDevice(a.Value); msg == "" {
				return r.checkRef(c, posSpec{name: ps.name, kind: pDevice}, a) // a device: say so, with a suggestion
			}
			return &Error{a.Pos, c.Name + ": " + err.Error()}
		}
	case pUser:
		if r.w.Device(a.Value) == nil {
			return &Error{a.Pos, c.Name + ": " + r.unknownUser(a.Value)}
		}
	}
	return nil
}

// declareUsers records at parse time the users a users line declares, so
// that later lines can tell a device from a misspelt command.
func declareUsers(p *parser, c *Cmd) *Error {
	for _, a := range c.positionals() {
		if e, msg := parseUsers(a.Value); msg == "" {
			p.users = append(p.users, e.items...)
		}
	}
	return nil
}

// addUsers adds the devices of a users line to the world.
func (r *runner) addUsers(c *Cmd) error {
	us, err := c.Users()
	if err != nil {
		return err
	}
	for _, u := range us {
		if len(r.userNames) < maxSuggest {
			r.userNames = append(r.userNames, u.Name)
		}
		for d := 1; d <= max(1, u.Devices); d++ {
			if _, err := r.w.AddDevice(u.Name, strconv.Itoa(d)); err != nil {
				return c.Errorf("users: %v", err)
			}
		}
	}
	if c.Has("app") {
		return r.attachCalls(c, us)
	}
	return nil
}

// loadGroup loads a group line's group into the world, its owner and
// members declared users.
func (r *runner) loadGroup(c *Cmd) error {
	id, _ := c.Positional(0)
	members, err := c.List("members")
	if err != nil {
		return err
	}
	owner := c.Str("owner", "")
	for _, m := range append([]string{owner}, members...) {
		if r.w.Device(m) == nil {
			return c.Errorf("group %s: %s", id, r.unknownUser(m))
		}
	}
	if err := r.w.LoadGroup(id, owner, members); err != nil {
		return c.Errorf("group %s: %v", id, err)
	}
	r.noteMembers(id, append([]string{owner}, members...)...)
	if c.Has("app") {
		return r.attachClass(c, id, owner, members)
	}
	return nil
}
