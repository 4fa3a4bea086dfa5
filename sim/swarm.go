package sim

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"sigsim/engine"
	"sigsim/sim/trace"
)

// SwarmKinds are the fault kinds swarm mode can choose from (docs/DESIGN.md §3: every
// fault the scenario language can script):
//
//   - loss, dup, reorder, latency: every device link's loss, duplication,
//     reordering or latency distribution;
//   - partition: a device cut from its shard, both ways or one way (either way);
//   - shard-partition: two shards cut from each other, or one from all the
//     others, both ways or one way;
//   - crash, shard-crash: a device, or a shard, down and restarted;
//   - pause: a device or a shard frozen;
//   - disconnect: a device's connection reset and restored;
//   - skew: the offset and drift of a device's clock, or of a shard's;
//   - login-churn: a device logs out, sometimes flaps (logs in and out again
//     at once, crossing its own login), and logs in again;
//   - group-churn: a member quits a loaded group and joins it again, a
//     non-member joins and quits, or the owner dismisses the group.
//
// Shard faults (shard-partition, shard-crash, a shard's pause) start, on half
// of the episodes, at the first cross-shard frame after their time, so that
// they catch shard-to-shard traffic in flight. Every fault ends by Until.
var SwarmKinds = []string{"loss", "dup", "reorder", "latency", "partition", "shard-partition", "crash", "shard-crash",
	"pause", "disconnect", "skew", "login-churn", "group-churn"}

// SwarmOptions lets the seed decide which faults are on and how strong, as in
// FoundationDB's and TigerBeetle's swarm testing: each seed explores a different
// corner instead of every seed the same average.
type SwarmOptions struct {
	// Until is when every fault heals (HealAll); faults happen before it.
	Until engine.Time
	// Kinds are the fault kinds to choose from; empty means all of SwarmKinds.
	Kinds []string
	// Intensity scales how often and how hard faults hit, in (0,1]; 0 means 0.5.
	Intensity float64
}

// Validate reports invalid swarm options.
func (s SwarmOptions) Validate() error {
	var errs []error
	if s.Until <= 0 {
		errs = append(errs, errors.New("until must be positive (when do faults heal?)"))
	}
	if s.Intensity < 0 || s.Intensity > 1 {
		errs = append(errs, fmt.Errorf("intensity %g out of range (0,1]", s.Intensity))
	}
	for _, k := range s.Kinds {
		if !slices.Contains(SwarmKinds, k) {
			errs = append(errs, fmt.Errorf("unknown fault kind %q (want %s)", k, strings.Join(SwarmKinds, ", ")))
		}
	}
	return errors.Join(errs...)
}

func (s SwarmOptions) String() string {
	kinds := "all"
	if len(s.Kinds) > 0 {
		kinds = strings.Join(s.Kinds, ",")
	}
	return fmt.Sprintf("until=%s,kinds=%s,intensity=%g", time.Duration(s.Until), kinds, s.intensity())
}

// Line is the options as a scenario's swarm line ("swarm intensity=0.8
// until=20s", the kinds as faults= unless all), Until taken as from the start.
func (s SwarmOptions) Line() string {
	l := "swarm"
	if len(s.Kinds) > 0 {
		l += " faults=" + strings.Join(s.Kinds, ",")
	}
	return l + " intensity=" + strconv.FormatFloat(s.intensity(), 'g', -1, 64) + " until=" + time.Duration(s.Until).String()
}

func (s SwarmOptions) intensity() float64 {
	if s.Intensity == 0 {
		return 0.5
	}
	return s.Intensity
}

// PlanLine is one line of a swarm plan: what swarm mode chose to do at a
// virtual time, in the scenario language, so that a plan reads (and, but for
// its notes, pastes) as a script: a fault, or a device operation of its login
// and membership churn.
type PlanLine struct {
	At    engine.Time
	Fault *Fault // a fault; nil for an operation
	Op    string // an operation, as a script line ("alice/1 logout", "bob quit-group team")
	// Note says how the line departs from its script form, e.g. "waits for
	// cross-shard traffic" (it starts at the first such frame after At).
	Note string
	// Text, if set, is a line that is no script line: a workload's
	// operation mix (SwarmMix).
	Text string
}

// String is the line as a script line: "at 1.5s crash s0 for=3s".
func (p PlanLine) String() string {
	if p.Text != "" {
		return p.Text
	}
	s := "at " + fmtDur(time.Duration(p.At)) + " "
	if p.Fault != nil {
		s += p.Fault.String()
	} else {
		s += p.Op
	}
	if p.Note != "" {
		s += "  # " + p.Note
	}
	return s
}

// SwarmPlan lists what swarm mode chose for this seed, in time order of
// planning (a line per fault or churn operation; a mix is a line of its own,
// PlanLine.Op, for a workload's operation mix).
func (w *World) SwarmPlan() []PlanLine { return w.swarmPlan }

// planLine records a line of the plan, printed and recorded with the run.
func (w *World) planLine(p PlanLine) {
	w.swarmPlan = append(w.swarmPlan, p)
	w.textEvent(trace.Note, -1, -1, "swarm plan: "+p.String())
}

// planFault plans fault f at time at: injected then, or, if onTraffic, at
// the first cross-shard frame after (see startFault).
func (w *World) planFault(at, until engine.Time, onTraffic bool, f Fault) {
	p := PlanLine{At: at, Fault: &f}
	if onTraffic {
		p.Note = "waits for cross-shard traffic"
	}
	w.planLine(p)
	w.startFault(at, until, onTraffic, func() {
		if err := w.Inject(f); err != nil {
			panic("sim: a swarm fault the world refuses: " + err.Error()) // swarm names only nodes it has
		}
	})
}

// planSwarm draws this seed's faults once the population exists (at the first
// step), from its own random stream. Every fault it plans ends by s.Until, when
// HealAll ends what is left; what is not a fault but the app's state (a device
// the swarm logged out, a member it made quit or join) is put back by then too,
// so that termination can be judged after the heal. A dismissed group stays
// dismissed: later invitations in it fail (10010), as they would for an app.
func (w *World) planSwarm(s SwarmOptions) {
	r := NewRand(w.opts.Seed, "swarm")
	in := s.intensity()
	kinds := s.Kinds
	if len(kinds) == 0 {
		kinds = SwarmKinds
	}
	kinds = slices.DeleteFunc(slices.Clone(kinds), func(k string) bool { return !w.swarmApplies(k) })
	defer w.At(s.Until, w.HealAll)
	if len(kinds) == 0 {
		return
	}
	var on []string
	for _, k := range kinds {
		if r.Bool(0.5) {
			on = append(on, k)
		}
	}
	if len(on) == 0 {
		on = append(on, kinds[r.IntN(len(kinds))])
	}
	link := Fault{Kind: FaultLink, Node: "*"}
	episodes := 1 + r.IntN(1+int(6*in))
	when := func() engine.Time { return engine.Time(r.Int64N(int64(max(1, s.Until*4/5)))) }
	length := func() time.Duration {
		return time.Second + time.Duration(r.Int64N(max(1, int64(in*float64(s.Until)/3))))
	}
	pick := func() *Device { return w.devs[r.IntN(len(w.devs))] }
	// A shard fault waits, on half of the episodes, for cross-shard traffic.
	traffic := func() bool { return len(w.shards) > 1 && r.Bool(0.5) }
	for _, k := range on {
		switch k {
		case "loss":
			link.Link.Loss, link.Given = r.Float64()*0.3*in, link.Given|LinkLoss
		case "dup":
			link.Link.Dup, link.Given = r.Float64()*0.2*in, link.Given|LinkDup
		case "reorder":
			link.Link.Reorder, link.Given = r.Float64()*0.5*in, link.Given|LinkReorder
		case "latency":
			choices := []Dist{Uniform(5*time.Millisecond, 200*time.Millisecond), LogNormal(40*time.Millisecond, 0.8),
				Pareto(10*time.Millisecond, 1.5), Normal(80*time.Millisecond, 30*time.Millisecond)}
			link.Link.Latency, link.Given = choices[r.IntN(len(choices))], link.Given|LinkLatency
		}
	}
	if link.Given != 0 {
		// At once, before the first event: every frame of the run goes on
		// the swarm's links.
		w.planLine(PlanLine{At: w.now, Fault: &link})
		if err := w.Inject(link); err != nil {
			panic("sim: swarm's link fault refused: " + err.Error())
		}
	}
	churn := &groupChurn{dismissed: map[string]bool{}, current: map[[2]string]int{}}
	for _, k := range on {
		for e := 0; e < episodes; e++ {
			at, dur := when(), length()
			switch k {
			case "partition":
				d := pick()
				a, b := []string{d.Name}, []string{w.shards[d.Home].name}
				oneWay := r.Bool(0.3)
				if oneWay && r.Bool(0.5) {
					a, b = b, a // shard to device only
				}
				w.planFault(at, s.Until, false, Fault{Kind: FaultPartition, Sides: [][]string{a, b}, OneWay: oneWay, For: dur})
			case "shard-partition":
				a, b := w.shardSides(r)
				oneWay := r.Bool(0.3)
				w.planFault(at, s.Until, traffic(), Fault{Kind: FaultPartition, Sides: [][]string{w.nameList(a), w.nameList(b)}, OneWay: oneWay, For: dur})
			case "crash":
				w.planFault(at, s.Until, false, Fault{Kind: FaultCrash, Node: pick().Name, For: dur})
			case "shard-crash":
				k := r.IntN(len(w.shards))
				w.planFault(at, s.Until, traffic(), Fault{Kind: FaultCrash, Node: w.shards[k].name, For: dur})
			case "pause":
				if r.Bool(0.5) {
					k := r.IntN(len(w.shards))
					w.planFault(at, s.Until, traffic(), Fault{Kind: FaultPause, Node: w.shards[k].name, For: dur})
				} else {
					w.planFault(at, s.Until, false, Fault{Kind: FaultPause, Node: pick().Name, For: dur})
				}
			case "disconnect":
				w.planFault(at, s.Until, false, Fault{Kind: FaultDisconnect, Node: pick().Name, For: dur})
			case "skew":
				// A device's clock, or one time in four a shard's: a shard
				// decides timeouts by its own clock (docs/DESIGN.md §1.6).
				node := pick().Name
				if r.Bool(0.25) {
					node = w.shards[r.IntN(len(w.shards))].name
				}
				off := time.Duration(r.Int64N(int64(20*time.Second)) - int64(10*time.Second))
				drift := (r.Float64() - 0.5) * 0.02 * in
				w.planFault(0, s.Until, false, Fault{Kind: FaultSkew, Node: node, Offset: off, Drift: drift})
			case "login-churn":
				d := pick()
				end := min(at.Add(dur), s.Until)
				var flap, flapOut engine.Time = -1, -1
				if r.Bool(0.3) {
					// Log in and out again at once: the logout crosses the login
					// still in flight.
					flap = at.Add(time.Duration(r.Int64N(int64(max(1, end.Sub(at)/2)))))
					flapOut = flap.Add(time.Duration(r.Int64N(int64(100 * time.Millisecond))))
				}
				w.planLine(PlanLine{At: at, Op: d.Name + " logout"})
				if flap >= 0 {
					w.planLine(PlanLine{At: flap, Op: d.Name + " login"})
					w.planLine(PlanLine{At: flapOut, Op: d.Name + " logout"})
				}
				w.planLine(PlanLine{At: end, Op: d.Name + " login", Note: "once its logout is done"})
				w.loginChurn(d, at, flap, flapOut, end)
			case "group-churn":
				w.planGroupChurn(r, churn, at, min(at.Add(dur), s.Until), s.Until)
			}
			if k == "skew" {
				break
			}
		}
	}
}

// nameList names nodes.
func (w *World) nameList(l []engine.Addr) []string {
	names := make([]string, len(l))
	for i, a := range l {
		names[i] = w.nodeName(a)
	}
	return names
}

// swarmApplies tells whether fault kind k can happen in this world.
func (w *World) swarmApplies(k string) bool {
	switch k {
	case "shard-partition":
		return len(w.shards) > 1
	case "shard-crash", "pause":
		return true
	case "group-churn":
		return len(w.groupIDs) > 0 && len(w.devs) > 0
	}
	return len(w.devs) > 0
}

// shardSides draws the sides of a shard partition: two shards, or (with three
// or more, on a third of the draws) one shard and all the others.
func (w *World) shardSides(r *Rand) ([]engine.Addr, []engine.Addr) {
	n := len(w.shards)
	x := engine.Addr(r.IntN(n))
	if n > 2 && r.Bool(1.0/3) {
		var rest []engine.Addr
		for k := range n {
			if engine.Addr(k) != x {
				rest = append(rest, engine.Addr(k))
			}
		}
		if r.Bool(0.5) {
			return rest, []engine.Addr{x}
		}
		return []engine.Addr{x}, rest
	}
	y := engine.Addr(r.IntN(n - 1))
	if y >= x {
		y++
	}
	return []engine.Addr{x}, []engine.Addr{y}
}

// busFrames counts the shard-to-shard frames sent so far.
func (w *World) busFrames() int64 {
	c := &w.Counts.SendsByType
	return c[engine.FrameForward] + c[engine.FrameReply] + c[engine.FrameDeliver]
}

// trafficWait is how long a shard fault waits for cross-shard traffic.
const trafficWait = 2 * time.Second

// startFault runs fault at time at or, if onTraffic, at the first cross-shard
// frame sent from then on (at most trafficWait later). The wait polls the
// count of bus frames every millisecond, no longer than the bus's latency, so
// the frame that started the fault is still in flight: a poll scheduled
// before the frame's delivery runs before it at the same instant. A fault
// never starts at or after until, when everything heals.
func (w *World) startFault(at, until engine.Time, onTraffic bool, fault func()) {
	if !onTraffic {
		w.At(at, fault)
		return
	}
	last := int64(-1)
	deadline := min(at.Add(trafficWait), until-1)
	var poll func()
	poll = func() {
		n := w.busFrames()
		if last >= 0 && n != last || w.now >= deadline {
			fault()
			return
		}
		last = n
		w.At(min(w.now.Add(time.Millisecond), deadline), poll)
	}
	w.At(at, poll)
}

// loginChurn logs device d out at at and in again at end (and, if flap ≥ 0, in
// at flap and out at flapOut between them), only if the app had it logged in
// at at. A device down at end gets its login back when it restarts.
func (w *World) loginChurn(d *Device, at, flap, flapOut, end engine.Time) {
	out := false
	w.At(at, func() {
		if d.down || !d.wantLogin {
			return // crashed, or logged out by the app: not the swarm's to touch
		}
		out = true
		w.Logout(d)
	})
	if flap >= 0 {
		w.At(flap, func() {
			if out && !d.down && !d.wantLogin {
				w.Login(d)
				w.At(flapOut, func() {
					if !d.down && d.wantLogin {
						w.Logout(d)
					}
				})
			}
		})
	}
	w.At(end, func() {
		if out && !d.wantLogin {
			w.loginWhenFree(d)
		}
	})
}

// loginWhenFree logs d in again for the app, once its logout (which waits
// for the answers of earlier requests, possibly behind a partition) is done:
// a login during it fails. A device down gets its login back at restart.
func (w *World) loginWhenFree(d *Device) {
	switch {
	case d.down:
		d.wantLogin = true // its restart logs it in
	case d.client.LoggingOut():
		w.At(w.now.Add(100*time.Millisecond), func() {
			if !d.wantLogin {
				w.loginWhenFree(d)
			}
		})
	default:
		w.Login(d)
	}
}

// groupChurn is what swarm's group churn planned so far in a run.
type groupChurn struct {
	dismissed map[string]bool // a dismissal is planned for the group
	episodes  int
	// current is, per group and user, the episode that started last: an
	// earlier one stops putting the membership back once a later one has
	// started (overlapping episodes would otherwise undo each other).
	current map[[2]string]int
}

// planGroupChurn plans one episode of membership churn on a loaded group,
// from at to end: a member (not the owner) quits and joins again, a user
// who is not a member joins and quits, or (rarely, once per group) the owner
// dismisses the group. Membership is put back from end on (see restoreMember).
func (w *World) planGroupChurn(r *Rand, c *groupChurn, at, end, until engine.Time) {
	g := w.groupIDs[r.IntN(len(w.groupIDs))]
	srv := w.shards[engine.ShardOf(g, len(w.shards))].srv
	members, owner, ok := srv.Group(g)
	if !ok {
		return
	}
	var users, others []string
	for _, d := range w.devs {
		if slices.Contains(users, d.User) || slices.Contains(others, d.User) {
			continue
		}
		if !slices.Contains(members, d.User) {
			others = append(others, d.User)
		} else if d.User != owner {
			users = append(users, d.User)
		}
	}
	switch x := r.Float64(); {
	case x < 0.15 && !c.dismissed[g] && w.userDevice(owner) != nil:
		c.dismissed[g] = true
		w.planLine(PlanLine{At: at, Op: owner + " dismiss-group " + g})
		w.At(at, func() { w.groupCall(owner, engine.OpDismissGroup, g) })
	case x < 0.6 && len(users) > 0:
		u := users[r.IntN(len(users))]
		w.planLine(PlanLine{At: at, Op: u + " quit-group " + g})
		w.planLine(PlanLine{At: end, Op: u + " join-group " + g, Note: "until a member again"})
		c.episode(w, g, u, at, end, until, engine.OpQuitGroup)
	case len(others) > 0:
		u := others[r.IntN(len(others))]
		w.planLine(PlanLine{At: at, Op: u + " join-group " + g})
		w.planLine(PlanLine{At: end, Op: u + " quit-group " + g, Note: "until no longer a member"})
		c.episode(w, g, u, at, end, until, engine.OpJoinGroup)
	}
}

// userDevice returns a device of user u that is up, logged in as far as the
// app knows, preferring one whose login completed; nil if none.
func (w *World) userDevice(u string) *Device {
	var found *Device
	for _, d := range w.devs {
		if d.User != u || d.down || !d.wantLogin {
			continue
		}
		if d.client.LoggedIn() {
			return d
		}
		if found == nil {
			found = d
		}
	}
	return found
}

// groupCall runs a group operation from a device of user u, if one is up.
func (w *World) groupCall(u string, op engine.Op, g string) {
	if d := w.userDevice(u); d != nil {
		w.Group(d, op, g, nil)
	}
}

// episode runs op (a quit or a join) for user u on group g at at, and from
// end on puts the membership back (see restoreMember).
func (c *groupChurn) episode(w *World, g, u string, at, end, until engine.Time, op engine.Op) {
	c.episodes++
	id, key := c.episodes, [2]string{g, u}
	w.At(at, func() {
		c.current[key] = id
		w.groupCall(u, op, g)
	})
	w.restoreMember(g, u, op == engine.OpQuitGroup, end, until, func() bool { return c.current[key] == id })
}

// restoreMember puts user u back in group g (member) or out of it (!member)
// from time from on: once a second, while the group's shard says otherwise, it
// asks from a device of u whose login completed. It watches until a while
// after the heal at until (a quit or join still in flight then lands within
// it) and gives up at until plus the liveness bound; a dismissed group ends
// it, and so does a later episode on the same membership (mine false).
func (w *World) restoreMember(g, u string, member bool, from, until engine.Time, mine func() bool) {
	srv := w.shards[engine.ShardOf(g, len(w.shards))].srv
	settled, deadline := until.Add(restoreSettle), until.Add(w.opts.LivenessBound)
	var try func()
	try = func() {
		members, _, ok := srv.Group(g)
		right := slices.Contains(members, u) == member
		if !ok || !mine() || right && w.now >= settled || w.now >= deadline {
			return
		}
		if d := w.userDevice(u); !right && d != nil && d.client.LoggedIn() {
			op := engine.OpJoinGroup
			if !member {
				op = engine.OpQuitGroup
			}
			w.Group(d, op, g, nil)
		}
		w.At(w.now.Add(time.Second), try)
	}
	w.At(from, try)
}

// restoreSettle is how long after the heal restoreMember keeps watching.
const restoreSettle = 3 * time.Second

// SwarmMix is an operation mix swarm mode chose for one workload of a run:
// the shares of invitations their invitee accepts, rejects, or their inviter
// cancels (the rest go unanswered and time out; the shares sum to at most
// 1), and the share invited online-only.
type SwarmMix struct {
	Accept, Reject, Cancel float64
	OnlineOnly             float64
}

func (m SwarmMix) String() string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) }
	return "accept=" + f(m.Accept) + " reject=" + f(m.Reject) + " cancel=" + f(m.Cancel) + " online-only=" + f(m.OnlineOnly)
}

// SwarmMix chooses the operation mix of the workload named name (say
// "generate/1") when swarm mode is on, so that seeds explore different mixes
// as they explore different faults: the answer shares uniformly over the
// simplex (no answer included), and, on half the seeds, some online-only
// invitations. The choice comes from the workload's own stream and is
// recorded in the swarm plan and the trace. ok is false when swarm mode is off.
func (w *World) SwarmMix(name string) (m SwarmMix, ok bool) {
	if w.opts.Swarm == nil {
		return SwarmMix{}, false
	}
	r := NewRand(w.opts.Seed, "swarm/mix/"+name)
	cuts := []float64{r.Float64(), r.Float64(), r.Float64()}
	slices.Sort(cuts)
	m.Accept, m.Reject, m.Cancel = cuts[0], cuts[1]-cuts[0], cuts[2]-cuts[1]
	if r.Bool(0.5) {
		m.OnlineOnly = r.Float64() * 0.5
	}
	w.planLine(PlanLine{Text: name + " mix " + m.String()})
	return m, true
}
