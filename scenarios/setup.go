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
