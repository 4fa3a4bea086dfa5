// Faults: partitions, link faults, crashes, pauses, clock skew, and swarm
// mode's random faults. Every fault command's mapping from its arguments to
// the world's fault calls is here.

package scenarios

import (
	"fmt"
	"time"

	"sigsim/engine"
	"sigsim/sim"
)

// node resolves positional i as a node of the world (a shard or a device).
func (r *runner) node(c *Cmd, i int) (engine.Addr, bool) {
	s, err := c.Positional(i)
	if err != nil {
		r.fail(c, "%v", err)
		return 0, false
	}
	a, err := r.w.Node(s)
	if err != nil {
		r.fail(c, "%s: %v", c.Name, err)
		return 0, false
	}
	return a, true
}

// checkPartition checks the sides' shape at parse time; partitionRefs
// checks their nodes once the world is built.
func checkPartition(p *parser, c *Cmd) *Error {
	_, err := c.sides(false)
	return err
}

func (r *runner) partitionRefs(c *Cmd) error {
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
	return nil
}

func (r *runner) partition(c *Cmd) {
	w := r.w
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
}

func (r *runner) heal(c *Cmd) {
	if c.NPositional() == 0 {
		r.w.HealAll()
	} else {
		r.w.Heal()
	}
}

func (r *runner) link(c *Cmd) {
	d := r.device(c, 0)
	if d == nil {
		return
	}
	o, ok := r.linkOptions(c, r.w.Options().Link)
	if !ok {
		return
	}
	if err := r.w.SetLink(d, o); err != nil {
		r.fail(c, "link: %v", err)
	}
}

// linkOptions reads the link keys of link and room-link over o.
func (r *runner) linkOptions(c *Cmd, o sim.LinkOptions) (sim.LinkOptions, bool) {
	var err error
	if s := c.Str("latency", ""); s != "" {
		if o.Latency, err = sim.ParseDist(s); err != nil {
			r.fail(c, "%s: latency: %v", c.Name, err)
			return o, false
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
			return o, false
		}
	}
	return o, true
}

func (r *runner) crash(c *Cmd) {
	if a, ok := r.node(c, 0); ok {
		r.w.Crash(a)
	}
}

func (r *runner) restart(c *Cmd) {
	if a, ok := r.node(c, 0); ok {
		r.w.Restart(a)
	}
}

func (r *runner) pause(c *Cmd) {
	a, ok := r.node(c, 0)
	dur, err := c.Dur("for", 0)
	if ok && err == nil {
		r.w.Pause(a, dur)
	}
}

// skewRefs checks the drift, which the world bounds, before anything runs;
// a room node keeps no clock of its own (the room service's decisions use
// none).
func (r *runner) skewRefs(c *Cmd) error {
	a := c.positionals()[0]
	if _, ok := roomNodeIndex(a.Value); ok {
		return &Error{a.Pos, "skew: " + a.Value + " is a room node, which keeps no clock of its own"}
	}
	if drift, err := c.Float("drift", 0); err == nil && (drift <= -1 || drift >= 1) {
		a, _ := c.arg("drift")
		return &Error{a.Pos, fmt.Sprintf("skew: drift %g out of range (-1,1)", drift)}
	}
	return nil
}

func (r *runner) skew(c *Cmd) {
	a, ok := r.node(c, 0)
	off, err := c.Dur("offset", 0)
	drift, err2 := c.Float("drift", 0)
	if ok && err == nil && err2 == nil {
		if err := r.w.Skew(a, off, drift); err != nil {
			r.fail(c, "skew: %v", err)
		}
	}
}

func (r *runner) disconnect(c *Cmd) {
	if d := r.device(c, 0); d != nil {
		r.w.Disconnect(d)
	}
}

func (r *runner) reconnect(c *Cmd) {
	if d := r.device(c, 0); d != nil {
		r.w.Reconnect(d)
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
