// The reference apps in a scenario: the call app on users (users ...
// app=call), the classroom app on groups (group ... app=classroom), and the
// moves a script makes through them (dial, answer, cancel-call, hang-up,
// ask-hands, raise-hand, pick-speaker). The apps run on the world's room
// service (rooms.go).

package scenarios

import (
	"fmt"
	"slices"
	"time"

	"sigsim/apps"
	"sigsim/engine"
	"sigsim/sim"
)

// The call app's options as keys of a users line (apps.CallOptions).
var (
	callKeys = []keySpec{enum("app", "call"), k("timeout", vSecs),
		k("accept", vProb), k("reject", vProb), k("busy", vProb), k("late-accept", vProb), k("ring-time", vDist),
		k("cancel", vProb), k("cancel-after", vDist), k("talk-time", vDist), k("caller-hangs-up", vProb),
		enum("busy-policy", "reject", "ring"), k("join-timeout", vDur), enum("count-from", "enter", "accept")}
	callFlags = []string{"manual", "keep-announcements"}
)

// The classroom app's options as keys of a group line (apps.ClassOptions),
// and when its members enter the class room (start).
var (
	classKeys = []keySpec{enum("app", "classroom"), k("timeout", vSecs), k("raise", vProb), k("late-raise", vProb),
		k("think-time", vDist), k("collect", vDur), enum("pick", "first", "random", "anyone"), k("speak-time", vDist),
		k("rounds", vCount), k("interval", vDur), k("start", vDur)}
	classFlags = []string{"manual"}
)

// checkAppKeys checks at parse time that the app's options come with app=:
// an option of an app no line runs would do nothing.
func checkAppKeys(c *Cmd, app string, own []string) *Error {
	if c.Has("app") {
		return nil
	}
	for _, a := range c.Args {
		name := a.Key
		if name == "" && c.isFlag(a) {
			name = a.Value
		}
		if name != "" && !slices.Contains(own, name) {
			return &Error{a.Pos, fmt.Sprintf("%s: %s is an option of the %s app: add app=%s", c.Name, name, app, app)}
		}
	}
	return nil
}

// checkUsersLine: the users a line declares, and its call app options.
func checkUsersLine(p *parser, c *Cmd) *Error {
	if e := checkAppKeys(c, "call", nil); e != nil {
		return e
	}
	return declareUsers(p, c)
}

func checkGroupLine(p *parser, c *Cmd) *Error {
	if e := checkGroup(p, c); e != nil {
		return e
	}
	return checkAppKeys(c, "classroom", []string{"owner", "members"})
}

// noteUsers records a users line before the world is built; an app needs
// the room service.
func noteUsers(r *runner, c *Cmd) {
	r.userCmds = append(r.userCmds, c)
	r.rooms = r.rooms || c.Has("app")
}

func noteGroup(r *runner, c *Cmd) {
	r.groupCmds = append(r.groupCmds, c)
	r.rooms = r.rooms || c.Has("app")
}

// host returns the apps' host on the world, made at the first app.
func (r *runner) host() *apps.Host {
	if r.appHost == nil {
		r.appHost = apps.NewHost(r.w)
	}
	return r.appHost
}

// callOptions reads a users line's call app options. In a scenario a
// phone decides only what the line says: the shares not given (accept,
// reject, busy, late-accept, cancel) are 0, so that a call rings out unless
// the line or the script answers it; the times not given are the app's
// defaults (apps.DefaultCallOptions).
func callOptions(c *Cmd) (apps.CallOptions, error) {
	o := apps.DefaultCallOptions()
	var errs []error
	get := func(e error) {
		if e != nil {
			errs = append(errs, e)
		}
	}
	t, e := c.Dur("timeout", engine.TimeoutDuration(o.Timeout))
	get(e)
	o.Timeout = int(t / time.Second)
	for _, p := range []struct {
		key  string
		into *float64
		def  float64
	}{{"accept", &o.Accept, 0}, {"reject", &o.Reject, 0}, {"busy", &o.Busy, 0}, {"late-accept", &o.LateAccept, 0},
		{"cancel", &o.Cancel, 0}, {"caller-hangs-up", &o.CallerHangsUp, o.CallerHangsUp}} {
		*p.into, e = c.Float(p.key, p.def)
		get(e)
	}
	for _, d := range []struct {
		key  string
		into *sim.Dist
	}{{"ring-time", &o.RingTime}, {"cancel-after", &o.CancelAfter}, {"talk-time", &o.TalkTime}} {
		get(distKey(c, d.key, d.into))
	}
	if c.Str("busy-policy", "reject") == "ring" {
		o.BusyPolicy = apps.BusyRing
	}
	o.JoinTimeout, e = c.Dur("join-timeout", 0)
	get(e)
	o.Manual, o.KeepAnnouncements = c.Bool("manual"), c.Bool("keep-announcements")
	o.CountFromAccept = c.Str("count-from", "enter") == "accept"
	if len(errs) > 0 {
		return o, errs[0]
	}
	if err := o.Validate(); err != nil {
		return o, c.Errorf("%s: app=call: %v", c.Name, err)
	}
	return o, nil
}

// classOptions reads a group line's classroom options: as for the call
// app, the shares not given (raise, late-raise) are 0 and so is rounds (the
// script opens them); the rest are the app's defaults.
func classOptions(c *Cmd) (apps.ClassOptions, error) {
	o := apps.DefaultClassOptions()
	var errs []error
	get := func(e error) {
		if e != nil {
			errs = append(errs, e)
		}
	}
	t, e := c.Dur("timeout", engine.TimeoutDuration(o.Timeout))
	get(e)
	o.Timeout = int(t / time.Second)
	o.Raise, e = c.Float("raise", 0)
	get(e)
	o.LateRaise, e = c.Float("late-raise", 0)
	get(e)
	get(distKey(c, "think-time", &o.ThinkTime))
	get(distKey(c, "speak-time", &o.SpeakTime))
	o.Collect, e = c.Dur("collect", o.Collect)
	get(e)
	switch c.Str("pick", "first") {
	case "random":
		o.Pick = apps.PickRandom
	case "anyone":
		o.Pick = apps.PickAnyone
	}
	rounds, e := c.Int("rounds", 0)
	get(e)
	o.Rounds = int(rounds)
	o.Interval, e = c.Dur("interval", o.Interval)
	get(e)
	o.Manual = c.Bool("manual")
	if len(errs) > 0 {
		return o, errs[0]
	}
	if err := o.Validate(); err != nil {
		return o, c.Errorf("%s: app=classroom: %v", c.Name, err)
	}
	return o, nil
}

func distKey(c *Cmd, key string, into *sim.Dist) error {
	s := c.Str(key, "")
	if s == "" {
		return nil
	}
	d, err := sim.ParseDist(s)
	if err != nil {
		a, _ := c.arg(key)
		return &Error{a.Pos, fmt.Sprintf("%s: %s: %v", c.Name, key, err)}
	}
	*into = d
	return nil
}

// attachCalls runs the call app on the users of a users line, one device
// each, with the line's options.
func (r *runner) attachCalls(c *Cmd, us []User) error {
	o, err := callOptions(c)
	if err != nil {
		return err
	}
	if r.calls == nil {
		if r.calls, err = apps.NewCalls(r.host(), o); err != nil {
			return c.Errorf("users: app=call: %v", err)
		}
	}
	for _, u := range us {
		if u.Devices > 1 {
			return c.Errorf("users: app=call runs on one device per user; %s has %d", u.Name, u.Devices)
		}
		if err := r.calls.AttachWith(r.w.Device(u.Name), o); err != nil {
			return c.Errorf("users: app=call: %v", err)
		}
	}
	return nil
}

// attachClass runs the classroom app on a group line's class: its owner
// the teacher, its other members the students.
func (r *runner) attachClass(c *Cmd, id, owner string, members []string) error {
	o, err := classOptions(c)
	if err != nil {
		return err
	}
	if r.class == nil {
		if r.class, err = apps.NewClassroom(r.host(), o); err != nil {
			return c.Errorf("group %s: app=classroom: %v", id, err)
		}
	} else if !slices.Equal(r.class.Options().Describe(), o.Describe()) {
		return c.Errorf("group %s: app=classroom: every class runs with the options of the first (%v)", id, r.class.Options().Describe())
	}
	var students []*sim.Device
	for _, m := range members {
		if m != owner {
			students = append(students, r.w.Device(m))
		}
	}
	if len(students) == 0 {
		return c.Errorf("group %s: app=classroom: a class needs students besides its teacher %s", id, owner)
	}
	start, err := c.Time("start", 0)
	if err != nil {
		return err
	}
	if err := r.class.AddClass(id, r.w.Device(owner), students, start); err != nil {
		return c.Errorf("group %s: app=classroom: %v", id, err)
	}
	return nil
}

// phoneRefs checks, before anything runs, that a call move's device runs
// the call app.
func (r *runner) phoneRefs(c *Cmd) error {
	u, _, err := c.Device(0)
	if err != nil {
		return err
	}
	if r.calls == nil || r.calls.State(u) == "no app" {
		a := c.positionals()[0]
		return &Error{a.Pos, fmt.Sprintf("%s: %s runs no call app (declare it with users %s app=call)", c.Name, u, u)}
	}
	return nil
}

// memberRefs checks that a classroom move's device is a member of a class
// (its teacher, if teacher).
func memberRefs(teacher bool) func(r *runner, c *Cmd) error {
	return func(r *runner, c *Cmd) error {
		u, _, err := c.Device(0)
		if err != nil {
			return err
		}
		a := c.positionals()[0]
		var g string
		var isTeacher, ok bool
		if r.class != nil {
			g, isTeacher, ok = r.class.Member(u)
		}
		switch {
		case !ok:
			return &Error{a.Pos, fmt.Sprintf("%s: %s is in no class (declare one with group ... app=classroom)", c.Name, u)}
		case teacher && !isTeacher:
			return &Error{a.Pos, fmt.Sprintf("%s: %s is not the teacher of class %s", c.Name, u, g)}
		case !teacher && isTeacher:
			return &Error{a.Pos, fmt.Sprintf("%s: %s is the teacher of class %s, not a student", c.Name, u, g)}
		}
		if teacher {
			if want, _ := c.Positional(1); want != g {
				b := c.positionals()[1]
				return &Error{b.Pos, fmt.Sprintf("%s: %s teaches class %s, not %s", c.Name, u, g, want)}
			}
		}
		return nil
	}
}

// The call app's moves: what a script makes a phone do. The phone still
// follows the flow (rooms, busy answers, announcements).

func (r *runner) dial(c *Cmd) {
	d := r.device(c, 0)
	to, _ := c.Positional(1)
	if d == nil {
		return
	}
	id, err := r.calls.Dial(d.User, to)
	if err != nil {
		r.fail(c, "dial: %v", err)
		return
	}
	r.nameInvitation(c, id)
}

func (r *runner) answerCall(c *Cmd) {
	d := r.device(c, 0)
	how, _ := c.Positional(1)
	if d == nil {
		return
	}
	if err := r.calls.Answer(d.User, how == "accept"); err != nil {
		r.fail(c, "answer: %v", err)
	}
}

// userMove makes the app move of command c for the user of its device,
// failing the scenario with the command's name if the app refuses it.
func (r *runner) userMove(c *Cmd, move func(user string) error) {
	if d := r.device(c, 0); d != nil {
		if err := move(d.User); err != nil {
			r.fail(c, "%s: %v", c.Name, err)
		}
	}
}

func (r *runner) cancelCall(c *Cmd) { r.userMove(c, r.calls.Cancel) }

func (r *runner) hangUp(c *Cmd) { r.userMove(c, r.calls.HangUp) }

// The classroom's moves.

func (r *runner) askHands(c *Cmd) {
	g, _ := c.Positional(1)
	id, err := r.class.OpenRaiseHand(g)
	if err != nil {
		r.fail(c, "ask-hands: %v", err)
	}
	r.nameInvitation(c, id)
}

func (r *runner) raiseHand(c *Cmd) { r.userMove(c, r.class.RaiseHand) }

func (r *runner) pickSpeaker(c *Cmd) {
	g, _ := c.Positional(1)
	who, _ := c.Positional(2)
	id, err := r.class.Pick(g, who)
	if err != nil {
		r.fail(c, "pick-speaker: %v", err)
	}
	r.nameInvitation(c, id)
}

// checkGroup refuses a second definition of a group: it would replace the
// first one silently.
func checkGroup(p *parser, c *Cmd) *Error {
	a := c.positionals()[0]
	if first, ok := p.groups[a.Value]; ok {
		return &Error{a.Pos, fmt.Sprintf("group %s is already defined at line %d (%s); a group is defined once", a.Value, first.Line, first)}
	}
	p.groups[a.Value] = a.Pos
	return nil
}
