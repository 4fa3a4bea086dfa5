package engine

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// tnet is a minimal hand-driven network for engine tests: messages wait in flight
// until a test delivers them, in the order it chooses, and timers fire when the
// test advances the clock. The real simulator lives in package sim.
type tnet struct {
	t        testing.TB
	mode     Mode
	now      Time
	shards   []*Server
	devs     map[string]*Client
	addr     map[string]Addr
	name     map[Addr]string
	inflight []tmsg
	timers   []ttimer
	log      []string // callbacks and results, "dev: text", in the order they happened
	results  map[string][]Result
	pushes   []OfflinePush
	notes    []string
	rng      *rand.Rand // for lossy delivery; nil means perfect
	loss     float64
	dup      float64
	nextAddr Addr
	frames   []string // every frame sent, "from->to: FRAME", when record is set
	record   bool
	shared   *SharedClientState // given to every device added, if set
	check    func()             // called after every delivery and timer, if set
	paths    [NumPaths]int      // the rare paths the nodes took
	// busAnyOrder lets shard-to-shard frames arrive in any order (deliverOne
	// delivers the one asked for); by default the bus is FIFO, like the
	// simulator's. A lossy network (rng) reorders, loses and duplicates them
	// as it does the device links'.
	busAnyOrder bool
	// lose, if set, loses every frame it returns true for, on delivery.
	lose func(m tmsg) bool
	// wire: frames travel as bytes (Receive), as over a real transport; by
	// default they travel decoded (ReceiveFrame), as in the simulator, each
	// checked to decode from its bytes to itself (WireCheck).
	wire bool
	wc   WireCheck
}

// tmsg is a frame in flight: its bytes and, unless the network is on the wire
// (tnet.wire), the decoded frame the receiver gets.
type tmsg struct {
	from, to Addr
	b        []byte
	f        *Frame
}

type ttimer struct {
	node Addr
	t    Timer
}

func newNet(t testing.TB, mode Mode, shards int, devices ...string) *tnet {
	n := &tnet{t: t, mode: mode, devs: map[string]*Client{}, addr: map[string]Addr{}, name: map[Addr]string{},
		results: map[string][]Result{}, nextAddr: Addr(shards)}
	for k := 0; k < shards; k++ {
		n.shards = append(n.shards, NewServer(ServerConfig{Shard: k, Shards: shards, Mode: mode}))
		n.name[Addr(k)] = fmt.Sprintf("s%d", k)
	}
	for _, d := range devices {
		n.addDevice(d, 0)
	}
	return n
}

func (n *tnet) addDevice(d string, incarnation uint32) *Client {
	user, dev, _ := strings.Cut(d, "/")
	a, ok := n.addr[d]
	if !ok {
		a = n.nextAddr
		n.nextAddr++
		n.addr[d], n.name[a] = a, d
	}
	c := NewClient(ClientConfig{User: user, Device: dev, Home: Addr(ShardOf(user, len(n.shards))), Mode: n.mode,
		Incarnation: incarnation, IDPrefix: fmt.Sprintf("%s.%d-", d, incarnation), Shared: n.shared})
	n.devs[d] = c
	return c
}

func (n *tnet) dev(d string) *Client {
	c := n.devs[d]
	if c == nil {
		n.t.Fatalf("no device %s", d)
	}
	return c
}

// collect moves a node's output into the network, timers and logs.
func (n *tnet) collect(a Addr) {
	var out *Output
	if int(a) < len(n.shards) {
		out = n.shards[a].Ready()
	} else {
		out = n.devs[n.name[a]].Ready()
	}
	who := n.name[a]
	for _, p := range out.Paths {
		n.paths[p]++
	}
	for _, m := range out.Msgs {
		b := EncodeFrame(m.Frame)
		msg := tmsg{from: a, to: m.To, b: b}
		if !n.wire {
			if err := n.wc.Check(m.Frame, b); err != nil {
				n.t.Fatalf("%s->%s: wire check: %v", who, n.name[m.To], err)
			}
			f := *m.Frame
			msg.f = &f
		}
		n.inflight = append(n.inflight, msg)
		if n.record {
			n.frames = append(n.frames, who+"->"+n.name[m.To]+": "+m.Frame.Describe())
		}
	}
	for _, t := range out.Timers {
		if t.Cancel {
			n.timers = slices.DeleteFunc(n.timers, func(o ttimer) bool {
				return o.node == a && o.t.Kind == t.Kind && o.t.Ref == t.Ref && o.t.At == t.At
			})
			continue
		}
		n.timers = append(n.timers, ttimer{node: a, t: t})
	}
	out.EachReport(func(cb *Callback) { n.log = append(n.log, who+": "+cb.Describe()) }, func(r *Result) {
		n.log = append(n.log, who+": "+r.Describe())
		n.results[who] = append(n.results[who], *r)
	})
	n.pushes = append(n.pushes, out.Pushes...)
	for _, no := range out.Notes {
		n.notes = append(n.notes, who+": "+no.Text)
	}
	if int(a) < len(n.shards) {
		n.shards[a].Advance()
	} else {
		n.devs[who].Advance()
	}
	if n.check != nil {
		n.check()
	}
}

// do runs an API call on a device and collects its output.
func (n *tnet) do(d string, f func(c *Client, now Time)) {
	f(n.dev(d), n.now)
	n.collect(n.addr[d])
}

func (n *tnet) deliverOne(i int) {
	m := n.inflight[i]
	shardLink := int(m.from) < len(n.shards) && int(m.to) < len(n.shards)
	if shardLink && n.rng == nil && !n.busAnyOrder {
		// A FIFO link between shards: deliver the oldest frame of this pair.
		for j, o := range n.inflight[:i] {
			if o.from == m.from && o.to == m.to {
				i, m = j, o
				break
			}
		}
	}
	n.inflight = slices.Delete(n.inflight, i, i+1)
	if n.lose != nil && n.lose(m) {
		return
	}
	if n.rng != nil {
		if n.rng.Float64() < n.loss {
			return
		}
		if n.rng.Float64() < n.dup {
			n.inflight = append(n.inflight, m)
		}
	}
	if m.f != nil {
		desc := m.f.Describe()
		defer func() {
			// The receiver must neither change a frame nor keep it: the same
			// one may be delivered again (a duplicate).
			if got := m.f.Describe(); got != desc || string(EncodeFrame(m.f)) != string(m.b) {
				n.t.Fatalf("frame changed by its receiver %s: %s, now %s", n.name[m.to], desc, got)
			}
		}()
	}
	switch {
	case int(m.to) < len(n.shards) && m.f != nil:
		n.shards[m.to].ReceiveFrame(n.now, m.from, m.f)
	case int(m.to) < len(n.shards):
		n.shards[m.to].Receive(n.now, m.from, m.b)
	default:
		d, ok := n.name[m.to]
		switch {
		case !ok:
		case m.f != nil:
			n.devs[d].ReceiveFrame(n.now, m.from, m.f)
		default:
			n.devs[d].Receive(n.now, m.from, m.b)
		}
	}
	n.collect(m.to)
}

// flush delivers everything in flight, FIFO (or in random order when lossy), until
// nothing is left.
func (n *tnet) flush() {
	for steps := 0; len(n.inflight) > 0; steps++ {
		if steps > 1_000_000 {
			n.t.Fatal("flush does not converge")
		}
		i := 0
		if n.rng != nil {
			i = n.rng.IntN(len(n.inflight))
		}
		n.deliverOne(i)
	}
}

// deliverMatching delivers the first in-flight message whose description contains
// s, and reports whether there was one.
func (n *tnet) deliverMatching(s string) bool {
	for i, m := range n.inflight {
		if strings.Contains(DescribeWire(m.b), s) {
			n.deliverOne(i)
			return true
		}
	}
	return false
}

// advance moves time forward by d, firing due timers in time order and flushing
// the network after each.
func (n *tnet) advance(d time.Duration) {
	end := n.now.Add(d)
	for {
		n.flush()
		sort.SliceStable(n.timers, func(i, j int) bool { return n.timers[i].t.At < n.timers[j].t.At })
		if len(n.timers) == 0 || n.timers[0].t.At > end {
			break
		}
		tm := n.timers[0]
		n.timers = n.timers[1:]
		if tm.t.At > n.now {
			n.now = tm.t.At
		}
		if int(tm.node) < len(n.shards) {
			n.shards[tm.node].Fire(n.now, tm.t)
		} else {
			n.devs[n.name[tm.node]].Fire(n.now, tm.t)
		}
		n.collect(tm.node)
	}
	n.now = end
}

func (n *tnet) loginAll() {
	names := make([]string, 0, len(n.devs))
	for d := range n.devs {
		names = append(names, d)
	}
	slices.Sort(names)
	for _, d := range names {
		n.do(d, func(c *Client, now Time) { c.Login(now) })
	}
	n.flush()
	n.log = nil
}

func (n *tnet) loadGroup(id, owner string, members ...string) {
	k := ShardOf(id, len(n.shards))
	if err := n.shards[k].LoadGroup(id, owner, members); err != nil {
		n.t.Fatal(err)
	}
}

// take returns and clears the log.
func (n *tnet) take() []string {
	l := n.log
	n.log = nil
	return l
}

// lastResult is the most recent result on a device.
func (n *tnet) lastResult(d string) Result {
	r := n.results[d]
	if len(r) == 0 {
		n.t.Fatalf("%s has no result", d)
	}
	return r[len(r)-1]
}

func (n *tnet) liveOnServers() int {
	total := 0
	for _, s := range n.shards {
		total += s.Stats().Invitations
	}
	return total
}

func (n *tnet) invite(from, to, data string, timeout int) string {
	var id string
	n.do(from, func(c *Client, now Time) { id, _ = c.Invite(now, to, data, false, nil, timeout) })
	return id
}

func (n *tnet) inviteGroup(from, group string, to []string, data string, timeout int) string {
	var id string
	n.do(from, func(c *Client, now Time) { id, _ = c.InviteInGroup(now, group, to, data, false, timeout) })
	return id
}

func wantLog(t testing.TB, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("log:\n  got:\n    %s\n  want:\n    %s", strings.Join(got, "\n    "), strings.Join(want, "\n    "))
	}
}

// sortedLog sorts a log so tests of fan-out need not depend on delivery order.
func sortedLog(l []string) []string {
	l = slices.Clone(l)
	slices.Sort(l)
	return l
}
