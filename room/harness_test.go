package room

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"sigsim/engine"
)

// rnet is a minimal hand-driven network for room tests: frames wait in flight
// until settle delivers them (in order, or shuffled, with loss and
// duplication), and timers fire when nothing is in flight. The real
// simulator lives in package sim.
type rnet struct {
	t        testing.TB
	now      int64
	nodes    []*Node
	addrs    []engine.Addr // node k at addrs[k]
	devs     []*Client
	names    []string // device names, by index
	inflight []rmsg
	timers   []rtimer
	log      []string // events and changes, "dev: text" / "rK: text", in order
	rng      *rand.Rand
	loss     float64
	dup      float64
	shuffle  bool
	cut      map[[2]engine.Addr]bool // frames from→to dropped
	frames   int
}

type rmsg struct {
	from, to engine.Addr
	b        []byte
}

type rtimer struct {
	node engine.Addr
	t    Timer
}

const devBase = 100

func newRnet(t testing.TB, nodes int, devices ...string) *rnet {
	n := &rnet{t: t, cut: map[[2]engine.Addr]bool{}}
	for k := range nodes {
		n.nodes = append(n.nodes, NewNode(NodeConfig{}))
		n.addrs = append(n.addrs, engine.Addr(k))
	}
	for _, d := range devices {
		n.add(d, 0)
	}
	return n
}

// add adds a device, or replaces its SDK with a new incarnation's.
func (n *rnet) add(d string, incarnation uint32) *Client {
	user, dev, _ := strings.Cut(d, "/")
	c := NewClient(ClientConfig{User: user, Device: dev, Incarnation: incarnation, Nodes: n.addrs})
	if i := slices.Index(n.names, d); i >= 0 {
		n.devs[i] = c
		return c
	}
	n.names = append(n.names, d)
	n.devs = append(n.devs, c)
	return c
}

func (n *rnet) addr(d string) engine.Addr {
	i := slices.Index(n.names, d)
	if i < 0 {
		n.t.Fatalf("no device %s", d)
	}
	return engine.Addr(devBase + i)
}

func (n *rnet) dev(d string) *Client { return n.devs[n.addr(d)-devBase] }

func (n *rnet) name(a engine.Addr) string {
	if a < devBase {
		return fmt.Sprintf("r%d", a)
	}
	return n.names[a-devBase]
}

func (n *rnet) collect(a engine.Addr) {
	var out *Output
	if a < devBase {
		out = n.nodes[a].Ready()
	} else {
		out = n.devs[a-devBase].Ready()
	}
	for _, c := range out.Changes {
		n.log = append(n.log, n.name(a)+": "+c.Describe())
	}
	for _, e := range out.Events {
		n.log = append(n.log, n.name(a)+": "+e.Describe())
	}
	for _, m := range out.Msgs {
		n.inflight = append(n.inflight, rmsg{from: a, to: m.To, b: m.Bytes})
	}
	for _, t := range out.Timers {
		n.timers = append(n.timers, rtimer{node: a, t: t})
	}
	if a < devBase {
		n.nodes[a].Advance()
	} else {
		n.devs[a-devBase].Advance()
	}
}

func (n *rnet) enter(d, room string) {
	n.dev(d).EnterRoom(n.now, room)
	n.collect(n.addr(d))
}

func (n *rnet) exit(d, room string) {
	n.dev(d).ExitRoom(n.now, room)
	n.collect(n.addr(d))
}

func (n *rnet) video(d, room string, on bool) {
	n.dev(d).Video(n.now, room, on)
	n.collect(n.addr(d))
}

// step delivers one frame in flight, or fires the earliest timer; false if
// there is neither.
func (n *rnet) step() bool {
	if len(n.inflight) > 0 {
		i := 0
		if n.shuffle {
			i = n.rng.IntN(len(n.inflight))
		}
		m := n.inflight[i]
		n.inflight = slices.Delete(n.inflight, i, i+1)
		n.frames++
		if n.cut[[2]engine.Addr{m.from, m.to}] {
			return true
		}
		if n.rng != nil {
			if n.rng.Float64() < n.loss {
				return true
			}
			if n.rng.Float64() < n.dup {
				n.inflight = append(n.inflight, m)
			}
		}
		if m.to < devBase {
			n.nodes[m.to].Receive(n.now, m.from, m.b)
		} else {
			n.devs[m.to-devBase].Receive(n.now, m.from, m.b)
		}
		n.collect(m.to)
		return true
	}
	if len(n.timers) == 0 {
		return false
	}
	k := 0
	for i, t := range n.timers {
		if t.t.At < n.timers[k].t.At {
			k = i
		}
	}
	t := n.timers[k]
	n.timers = slices.Delete(n.timers, k, k+1)
	n.now = max(n.now, t.t.At)
	if t.node < devBase {
		n.nodes[t.node].Fire(n.now, t.t)
	} else {
		n.devs[t.node-devBase].Fire(n.now, t.t)
	}
	n.collect(t.node)
	return true
}

// settle runs until nothing is in flight and no timer is left.
func (n *rnet) settle() {
	for i := 0; n.step(); i++ {
		if i > 1_000_000 {
			n.t.Fatalf("no quiet after a million steps: %d in flight, %d timers", len(n.inflight), len(n.timers))
		}
	}
}

// crashNode crashes node k and resets the connections of the devices that
// had a session with it, as the simulator does.
func (n *rnet) crashNode(k int) {
	n.nodes[k].Crash()
	n.dropTo(n.addrs[k])
	for i, c := range n.devs {
		if slices.Contains(c.Sessions(), k) {
			c.Disconnected(n.now, n.addrs[k])
			n.collect(engine.Addr(devBase + i))
		}
	}
}

// disconnect resets every connection of a device: it and the nodes learn it.
func (n *rnet) disconnect(d string) {
	a := n.addr(d)
	n.dropTo(a)
	for k, node := range n.nodes {
		node.Disconnected(n.now, a)
		n.collect(engine.Addr(k))
		n.dev(d).Disconnected(n.now, n.addrs[k])
	}
	n.collect(a)
}

// dropTo loses the frames in flight to or from a.
func (n *rnet) dropTo(a engine.Addr) {
	n.inflight = slices.DeleteFunc(n.inflight, func(m rmsg) bool { return m.to == a || m.from == a })
}

// take returns the log so far and clears it.
func (n *rnet) take() []string {
	l := n.log
	n.log = nil
	return l
}

// converged checks that every device's view of its rooms is what the nodes
// hold: the same rooms, the same other members, the same cameras.
func (n *rnet) converged() {
	n.t.Helper()
	for i, c := range n.devs {
		d := n.names[i]
		user, _, _ := strings.Cut(d, "/")
		for _, room := range c.Rooms() {
			node := n.nodes[NodeOf(room, len(n.nodes))]
			members := node.Members(room)
			anchors := node.Anchors(room)
			if !slices.Contains(members, user) {
				n.t.Errorf("%s thinks it is in %s; the node has %v", d, room, members)
				continue
			}
			others := slices.DeleteFunc(slices.Clone(anchors), func(u string) bool { return u == user })
			got := slices.Clone(c.Remotes(room))
			slices.Sort(got)
			slices.Sort(others)
			if !slices.Equal(got, others) {
				n.t.Errorf("%s sees %v in %s; the node has %v besides it", d, got, room, others)
			}
		}
	}
	for k, node := range n.nodes {
		if u := node.Unacked(); u != 0 {
			n.t.Errorf("r%d holds %d unacknowledged items after settling", k, u)
		}
	}
	for i, c := range n.devs {
		if p := c.Pending(); p != 0 {
			n.t.Errorf("%s has %d unanswered requests after settling", n.names[i], p)
		}
	}
}
