// Faults: partitions, link faults, crashes, pauses, clock skew, and swarm
// mode's random faults.

package scenarios

import (
	"time"

	"sigsim/engine"
	"sigsim/sim"
)

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
