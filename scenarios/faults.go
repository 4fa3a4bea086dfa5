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
	var args []Arg // the sides as written, for positions
	for _, a := range c.positionals() {
		if a.Value != "|" {
			args = append(args, a)
		}
	}
	side := map[engine.Addr]int{} // node → the first side that names it
	for k, s := range sides {
		for _, name := range s {
			if name == "*" {
				continue
			}
			a, err := r.w.Node(name)
			if err != nil {
				return c.Errorf("partition: %v", err)
			}
			if first, ok := side[a]; ok && first != k {
				return &Error{args[k].Pos, fmt.Sprintf("partition: %s is on two sides (%s and %s): a node cannot be cut from itself", name, args[first].Value, args[k].Value)}
			}
			side[a] = k
		}
	}
	return nil
}

// inject carries out a fault command: the command is a sim.Fault, the one
// vocabulary of faults that swarm plans and sigbench's --fault share.
func (r *runner) inject(c *Cmd, f sim.Fault) {
	if err := r.w.Inject(f); err != nil {
		r.fail(c, "%v", err)
	}
}

// forArg is a command's for= duration (0 without one).
func forArg(c *Cmd) time.Duration {
	d, _ := c.Dur("for", 0) // checked at parse time
	return time.Duration(d)
}

func (r *runner) partition(c *Cmd) {
	sides, err := c.Sides()
	if err != nil {
		r.fail(c, "%v", err)
		return
	}
	r.inject(c, sim.Fault{Kind: sim.FaultPartition, Sides: sides, OneWay: c.Bool("oneway"), For: forArg(c)})
}

func (r *runner) heal(c *Cmd) {
	r.inject(c, sim.Fault{Kind: sim.FaultHeal, Partitions: c.NPositional() > 0})
}

func (r *runner) link(c *Cmd) {
	f, ok := r.linkFault(c)
	if !ok {
		return
	}
	f.Node, _ = c.Positional(0)
	if f.Given == 0 {
		f.Given = sim.LinkLatency // a bare `link DEVICE`: back to the world's latency
		f.Link.Latency = r.w.Options().Link.Latency
	}
	r.inject(c, f)
}

// linkFault reads the link keys of link and room-link: a link fault with the
// options they set (Given), its node left to the caller.
func (r *runner) linkFault(c *Cmd) (sim.Fault, bool) {
	f := sim.Fault{Kind: sim.FaultLink}
	if s := c.Str("latency", ""); s != "" {
		d, err := sim.ParseDist(s)
		if err != nil {
			r.fail(c, "%s: latency: %v", c.Name, err)
			return f, false
		}
		f.Link.Latency, f.Given = d, f.Given|sim.LinkLatency
	}
	for _, p := range []struct {
		key  string
		bit  sim.LinkFields
		into *float64
	}{{"loss", sim.LinkLoss, &f.Link.Loss}, {"dup", sim.LinkDup, &f.Link.Dup}, {"reorder", sim.LinkReorder, &f.Link.Reorder}} {
		if c.Has(p.key) {
			*p.into, _ = c.Float(p.key, 0) // checked at parse time
			f.Given |= p.bit
		}
	}
	if c.Has("bandwidth") {
		f.Link.Bandwidth, _ = c.Bandwidth("bandwidth", 0)
		f.Given |= sim.LinkBandwidth
	}
	return f, true
}

// linkOptions reads the link keys of room-link over o.
func (r *runner) linkOptions(c *Cmd, o sim.LinkOptions) (sim.LinkOptions, bool) {
	f, ok := r.linkFault(c)
	if !ok {
		return o, false
	}
	return f.LinkOver(o), true
}

func (r *runner) crash(c *Cmd) {
	f := sim.Fault{Kind: sim.FaultCrash, For: forArg(c)}
	f.Node, _ = c.Positional(0)
	r.inject(c, f)
}

func (r *runner) restart(c *Cmd) {
	f := sim.Fault{Kind: sim.FaultRestart}
	f.Node, _ = c.Positional(0)
	r.inject(c, f)
}

func (r *runner) pause(c *Cmd) {
	f := sim.Fault{Kind: sim.FaultPause, For: forArg(c)}
	f.Node, _ = c.Positional(0)
	r.inject(c, f)
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
	f := sim.Fault{Kind: sim.FaultSkew}
	f.Node, _ = c.Positional(0)
	off, _ := c.Dur("offset", 0)
	f.Offset = time.Duration(off)
	f.Drift, _ = c.Float("drift", 0)
	r.inject(c, f)
}

func (r *runner) disconnect(c *Cmd) {
	f := sim.Fault{Kind: sim.FaultDisconnect, For: forArg(c)}
	f.Node, _ = c.Positional(0)
	r.inject(c, f)
}

func (r *runner) reconnect(c *Cmd) {
	f := sim.Fault{Kind: sim.FaultReconnect}
	f.Node, _ = c.Positional(0)
	r.inject(c, f)
}

func (r *runner) swarm(c *Cmd) {
	until, err := c.Dur("until", 30*time.Second)
	intensity, err2 := c.Float("intensity", 0.5)
	kinds, err3 := c.List("faults")
	if err != nil || err2 != nil || err3 != nil {
		r.fail(c, "swarm: bad option")
		return
	}
	if err := r.w.SetSwarm(sim.SwarmOptions{Until: r.w.Now().Add(until), Kinds: kinds, Intensity: intensity}); err != nil {
		r.fail(c, "swarm: %v", err)
	}
}

// checkPause refuses a pause of no time (for= is required, and must freeze
// the node for some time).
func checkPause(p *parser, c *Cmd) *Error {
	a, _ := c.arg("for")
	if d, msg := parseDuration(a.Value); msg == "" && d <= 0 {
		return &Error{a.Pos, "pause: for= must be more than 0 (how long the node is frozen)"}
	}
	return nil
}
