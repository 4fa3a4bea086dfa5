package sim

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"sigsim/engine"
	"sigsim/room"
	"sigsim/sim/trace"
)

// The room service: the TRTC stand-in of package room, wired into the world.
// Room nodes are network nodes like shards, with addresses of their own
// (RoomAddrBase + k, named "r0", "r1", …); each device gets a link to each
// room node it talks to, made at its first frame there. Frames, timers, API
// calls, callbacks, membership decisions and faults are trace events with a
// canonical text, hashed like every other event.
//
// Faults: a room node crashes (its rooms are lost, and every device that had a
// session there learns it: OnExitRoom with reason lost), restarts empty,
// pauses (what arrives waits), and is partitioned from devices like any node
// (Crash, Restart, Pause, Partition with its address). A device's crash or
// disconnection resets its room connections too: the nodes drop its
// memberships and the other members hear it left (reason lost). Message rules
// (Hold, DropNext, DupNext) act on signaling frames only.

// RoomAddrBase is the address of room node 0; node k is RoomAddrBase + k,
// far above any device's.
const RoomAddrBase engine.Addr = 1 << 30

// RoomOptions configure the room service.
type RoomOptions struct {
	// Nodes is the number of room nodes (default 1); room r lives on node
	// room.NodeOf(r, Nodes).
	Nodes int
	// Link, if set, is every device's link to the room nodes (each direction
	// drawn apart). Unset, a device's room links follow its own link to its
	// shard, whatever it is at the time (swarm's link faults included), each
	// with its own random stream.
	Link *LinkOptions
	// RTO and AckDelay are passed to the room nodes and SDKs (0 = their
	// defaults).
	RTO, AckDelay time.Duration
}

// Validate reports every invalid option.
func (o RoomOptions) Validate() error {
	var errs []error
	if o.Nodes < 0 || o.Nodes > 1<<16 {
		errs = append(errs, fmt.Errorf("room nodes %d out of range [1,65536]", o.Nodes))
	}
	if o.RTO < 0 || o.AckDelay < 0 {
		errs = append(errs, errors.New("room rto and ack delay must not be negative"))
	}
	if o.Link != nil {
		if err := o.Link.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("room link: %w", err))
		}
	}
	return errors.Join(errs...)
}

func (o *RoomOptions) fill() {
	if o.Nodes <= 0 {
		o.Nodes = 1
	}
}

// String is the options' canonical form, e.g. "nodes=2,link=device".
func (o RoomOptions) String() string {
	o.fill()
	s := "nodes=" + strconv.Itoa(o.Nodes) + ",link="
	if o.Link == nil {
		s += "device"
	} else {
		s += "(" + o.Link.String() + ")"
	}
	if o.RTO != 0 {
		s += ",rto=" + time.Duration(o.RTO).String()
	}
	if o.AckDelay != 0 {
		s += ",ack-delay=" + time.Duration(o.AckDelay).String()
	}
	return s
}

// RoomHooks observe the room service, as Hooks observe the signaling. They
// are called after the output that produced them has been carried out, so
// they may call the API; nil hooks cost nothing.
type RoomHooks struct {
	// Event is a callback of a device's room SDK.
	Event func(at engine.Time, d *Device, ev *room.Event)
	// Change is a membership decision of room node k.
	Change func(at engine.Time, node int, ch *room.Change)
	// DeviceDown: the device crashed, and every app on it lost its state.
	// DeviceUp: it restarted, a new process (before it logs in again). Both
	// are called as the fault happens, for every device, rooms or not.
	DeviceDown, DeviceUp func(at engine.Time, d *Device)
}

// RoomCounts are running totals of the room service's events.
type RoomCounts struct {
	Sends, Delivers, Drops, Dups, Timers, Calls, Events, Changes int64
}

type roomNet struct {
	opts     RoomOptions
	addrs    []engine.Addr // node k at addrs[k]
	nodes    []*roomNode
	devs     []*devRooms // by device index, made at the device's first room call or frame
	linkOpts *LinkOptions
	hooks    RoomHooks
	hookQ    []roomHookCall
	inHooks  bool
	counts   RoomCounts
	bufs     []roomBuf // room frames in flight, by their events' x
	freeBufs []int32
}

// roomBuf is a room frame in flight, shared by the events that deliver it.
type roomBuf struct {
	b    []byte
	refs int32
}

// newBuf keeps b for the arrivals about to be scheduled (each takes a
// reference) and returns its index.
func (rn *roomNet) newBuf(b []byte) int32 {
	if n := len(rn.freeBufs); n > 0 {
		i := rn.freeBufs[n-1]
		rn.freeBufs = rn.freeBufs[:n-1]
		rn.bufs[i] = roomBuf{b: b}
		return i
	}
	rn.bufs = append(rn.bufs, roomBuf{b: b})
	return int32(len(rn.bufs) - 1)
}

// frame returns the bytes of a room frame's deliver event.
func (rn *roomNet) frame(ev *event) []byte { return rn.bufs[ev.x].b }

// done lets go of a room frame's deliver event, delivered or dropped.
func (rn *roomNet) done(ev *event) {
	i := int32(ev.x)
	if rn.bufs[i].refs--; rn.bufs[i].refs == 0 {
		rn.bufs[i] = roomBuf{}
		rn.freeBufs = append(rn.freeBufs, i)
	}
}

type roomNode struct {
	addr        engine.Addr
	name        string
	node        *room.Node
	down        bool
	incarnation uint32 // timers of an earlier life do not fire
	pause       pause
}

// devRooms is a device's side of the room service: its SDK and its links.
type devRooms struct {
	client *room.Client // nil until the first room call, and after a crash
	links  []roomLink   // by node; never grows (links hold pointers into it)
}

type roomLink struct {
	made     bool
	epoch    uint32       // a connection reset makes frames in flight of an earlier one stale
	own      *LinkOptions // its own options; nil: follow the device's link
	up, dn   Link
	upR, dnR Rand
}

type roomHookCall struct {
	d      *Device
	node   int
	ev     room.Event
	ch     room.Change
	change bool
}

// EnableRooms sets up the room service before the run starts (New does it
// when Options.Rooms is set; the first room call does it with the defaults).
// Enabling it again with the same options changes nothing.
func (w *World) EnableRooms(o RoomOptions) error {
	if err := o.Validate(); err != nil {
		return err
	}
	o.fill()
	if w.rooms != nil {
		if w.rooms.opts.String() == o.String() {
			return nil
		}
		return fmt.Errorf("the room service is already set up with %s", w.rooms.opts)
	}
	if w.started {
		return errors.New("the room service must be set up before the run starts")
	}
	w.enableRooms(o)
	return nil
}

func (w *World) enableRooms(o RoomOptions) {
	o.fill()
	rn := &roomNet{opts: o}
	if o.Link != nil {
		l := *o.Link
		rn.linkOpts = &l
	}
	for k := range o.Nodes {
		a := RoomAddrBase + engine.Addr(k)
		rn.addrs = append(rn.addrs, a)
		rn.nodes = append(rn.nodes, &roomNode{addr: a, name: "r" + strconv.Itoa(k), node: room.NewNode(room.NodeConfig{RTO: int64(o.RTO)})})
	}
	w.rooms = rn
}

// roomNet returns the room service, set up with the defaults if it was not.
func (w *World) roomNet() *roomNet {
	if w.rooms == nil {
		w.enableRooms(RoomOptions{})
	}
	return w.rooms
}

// RoomHooks returns the room service's hooks, to set (it sets the service up
// with the defaults if need be).
func (w *World) RoomHooks() *RoomHooks { return &w.roomNet().hooks }

// RoomCounts returns the room service's running totals.
func (w *World) RoomCounts() RoomCounts {
	if w.rooms == nil {
		return RoomCounts{}
	}
	return w.rooms.counts
}

// RoomNodes is the number of room nodes (0 before the service is set up).
func (w *World) RoomNodes() int {
	if w.rooms == nil {
		return 0
	}
	return len(w.rooms.nodes)
}

// RoomNode returns room node k's state machine, for inspection.
func (w *World) RoomNode(k int) *room.Node { return w.roomNet().nodes[k].node }

// RoomNodeAddr is room node k's address.
func (w *World) RoomNodeAddr(k int) engine.Addr { return RoomAddrBase + engine.Addr(k) }

// RoomNodeOf is the room node that holds a room.
func (w *World) RoomNodeOf(roomID string) int { return room.NodeOf(roomID, len(w.roomNet().nodes)) }

// RoomNodeDown tells whether room node k is crashed.
func (w *World) RoomNodeDown(k int) bool { return w.roomNet().nodes[k].down }

// RoomClient returns a device's room SDK: nil if it never made a room call
// since it last started, or while it is crashed.
func (w *World) RoomClient(d *Device) *room.Client {
	if w.rooms == nil || d.down {
		return nil
	}
	if dr := w.rooms.dev(w, d, false); dr != nil {
		return dr.client
	}
	return nil
}

// roomIndex returns the index of the room node at a, if a is one.
func (rn *roomNet) index(a engine.Addr) (int, bool) {
	if rn == nil || a < RoomAddrBase || int(a-RoomAddrBase) >= len(rn.nodes) {
		return 0, false
	}
	return int(a - RoomAddrBase), true
}

// isRoomNode tells whether a is a room node's address.
func (w *World) isRoomNode(a engine.Addr) bool {
	_, ok := w.rooms.index(a)
	return ok
}

// dev returns a device's room state, making it if make.
func (rn *roomNet) dev(w *World, d *Device, make bool) *devRooms {
	i := int(d.Addr) - len(w.shards)
	if i >= len(rn.devs) {
		if !make {
			return nil
		}
		rn.devs = slices.Grow(rn.devs, i+1-len(rn.devs))[:i+1]
	}
	dr := rn.devs[i]
	if dr == nil && make {
		dr = &devRooms{links: newLinks(len(rn.nodes))}
		rn.devs[i] = dr
	}
	return dr
}

func newLinks(n int) []roomLink { return make([]roomLink, n) }

// client returns a device's room SDK, starting one for its current process.
func (rn *roomNet) client(w *World, d *Device) *room.Client {
	dr := rn.dev(w, d, true)
	if dr.client == nil {
		dr.client = room.NewClient(room.ClientConfig{User: d.User, Device: d.Name[len(d.User)+1:], Incarnation: d.incarnation,
			Nodes: rn.addrs, RTO: int64(rn.opts.RTO), AckDelay: int64(rn.opts.AckDelay)})
	}
	return dr.client
}

// link returns a device's link with node k, making it at first use.
func (rn *roomNet) link(w *World, d *Device, k int) *roomLink {
	dr := rn.dev(w, d, true)
	l := &dr.links[k]
	if !l.made {
		l.made = true
		name := "roomlink/" + d.Name + "/" + rn.nodes[k].name
		l.upR.init(w.opts.Seed, name+"/up")
		l.dnR.init(w.opts.Seed, name+"/down")
		l.own = rn.linkOpts
		opts := l.own
		if opts == nil {
			opts = d.up.opts
		}
		l.up.init(opts, &l.upR)
		l.dn.init(opts, &l.dnR)
	}
	return l
}

// SetRoomLink sets a device's links to every room node (both directions),
// until HealAll.
func (w *World) SetRoomLink(d *Device, o LinkOptions) error {
	if err := o.Validate(); err != nil {
		return err
	}
	rn := w.roomNet()
	for k := range rn.nodes {
		l := rn.link(w, d, k)
		l.own = &o
		l.up.share(&o)
		l.dn.share(&o)
	}
	w.fault(d.Addr, "room-link "+o.String())
	return nil
}

// The API of the room SDK, called at the current virtual time. Each call is a
// trace event; what answers it comes later as an Event.

// EnterRoom enters a room as an anchor (as both parties of a call do);
// OnEnterRoom answers.
func (w *World) EnterRoom(d *Device, roomID string) room.Call {
	return w.EnterRoomAs(d, roomID, room.RoleAnchor)
}

// EnterRoomAs enters a room in a role (room.RoleAudience: unseen by the
// others); OnEnterRoom answers.
func (w *World) EnterRoomAs(d *Device, roomID string, role room.Role) room.Call {
	text := "enter-room " + roomID
	if role == room.RoleAudience {
		text += " audience"
	}
	if !w.roomCall(d, text) {
		return 0
	}
	c := w.rooms.client(w, d).EnterRoomAs(int64(w.local(d)), roomID, role)
	w.roomCollectDev(d)
	return c
}

// SwitchRole switches a device's role in a room (TRTC's switchRole).
func (w *World) SwitchRole(d *Device, roomID string, role room.Role) room.Call {
	if !w.roomCall(d, "switch-role "+roomID+" "+role.String()) {
		return 0
	}
	c := w.rooms.client(w, d).SwitchRole(int64(w.local(d)), roomID, role)
	w.roomCollectDev(d)
	return c
}

// ExitRoom leaves a room; OnExitRoom answers.
func (w *World) ExitRoom(d *Device, roomID string) room.Call {
	if !w.roomCall(d, "exit-room "+roomID) {
		return 0
	}
	c := w.rooms.client(w, d).ExitRoom(int64(w.local(d)), roomID)
	w.roomCollectDev(d)
	return c
}

// RoomVideo opens (on) or closes the device's camera in a room: the other
// members hear OnUserVideoAvailable.
func (w *World) RoomVideo(d *Device, roomID string, on bool) room.Call {
	text := "video " + roomID + " off"
	if on {
		text = "video " + roomID + " on"
	}
	if !w.roomCall(d, text) {
		return 0
	}
	c := w.rooms.client(w, d).Video(int64(w.local(d)), roomID, on)
	w.roomCollectDev(d)
	return c
}

func (w *World) roomCall(d *Device, text string) bool {
	rn := w.roomNet()
	if !w.call(d, text) {
		return false
	}
	rn.counts.Calls++
	return true
}

// roomCollectDev carries out a device's room SDK output.
func (w *World) roomCollectDev(d *Device) {
	rn := w.rooms
	dr := rn.dev(w, d, false)
	if dr == nil || dr.client == nil {
		return
	}
	out := dr.client.Ready()
	for i := range out.Events {
		ev := &out.Events[i]
		rn.counts.Events++
		w.begin(trace.Callback, d.Addr, -1)
		w.hash.AddUint64(uint64(ev.Kind)<<32 | uint64(uint32(ev.Code)))
		w.hash.AddUint64(uint64(ev.Reason)<<1 | b2u(ev.Available))
		w.hash.AddString(ev.Room)
		w.hash.AddString(ev.User)
		if w.opts.Record {
			w.events = append(w.events, trace.Event{At: int64(w.now), Kind: trace.Callback, Node: d.Name, Text: ev.Describe()})
		}
		if rn.hooks.Event != nil {
			rn.hookQ = append(rn.hookQ, roomHookCall{d: d, ev: *ev})
		}
	}
	for _, m := range out.Msgs {
		w.roomSend(d.Addr, m.To, m.Bytes)
	}
	for _, t := range out.Timers {
		at := max(d.clock.global(engine.Time(t.At)), w.now)
		w.q.Push(at, event{kind: evRoomTimer, tkind: engine.TimerKind(t.Kind), to: d.Addr, epoch: d.incarnation, x: t.Ref, at: int64(t.At)})
	}
	dr.client.Advance()
	w.runRoomHooks()
}

// roomCollectNode carries out room node k's output.
func (w *World) roomCollectNode(k int) {
	rn := w.rooms
	n := rn.nodes[k]
	out := n.node.Ready()
	for i := range out.Changes {
		ch := &out.Changes[i]
		rn.counts.Changes++
		w.begin(trace.Note, n.addr, -1)
		w.hash.AddUint64(uint64(ch.Kind)<<16 | uint64(ch.Reason)<<2 | b2u(ch.Audience)<<1 | b2u(ch.On))
		w.hash.AddString(ch.Room)
		w.hash.AddString(ch.User)
		if w.opts.Record {
			w.events = append(w.events, trace.Event{At: int64(w.now), Kind: trace.Note, Node: n.name, Text: ch.Describe()})
		}
		if rn.hooks.Change != nil {
			rn.hookQ = append(rn.hookQ, roomHookCall{node: k, ch: *ch, change: true})
		}
	}
	for _, m := range out.Msgs {
		w.roomSend(n.addr, m.To, m.Bytes)
	}
	for _, t := range out.Timers {
		w.q.Push(max(engine.Time(t.At), w.now), event{kind: evRoomTimer, tkind: engine.TimerKind(t.Kind), to: n.addr, epoch: n.incarnation, x: t.Ref, at: int64(t.At)})
	}
	n.node.Advance()
	w.runRoomHooks()
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func (w *World) runRoomHooks() {
	rn := w.rooms
	drainHooks(&rn.hookQ, &rn.inHooks, func(h *roomHookCall) {
		if h.change {
			rn.hooks.Change(w.now, h.node, &h.ch)
		} else {
			rn.hooks.Event(w.now, h.d, &h.ev)
		}
	})
}

// roomSend puts a room frame on the link between its device and its node.
func (w *World) roomSend(from, to engine.Addr, b []byte) {
	rn := w.rooms
	rn.counts.Sends++
	digest := frameDigest(b)
	w.roomFrameEvent(trace.Send, from, to, b, digest)
	var d *Device
	var link *Link
	var l *roomLink
	if k, ok := rn.index(to); ok {
		if d = w.device(from); d != nil {
			l = rn.link(w, d, k)
			link = &l.up
			if l.own == nil {
				link.share(d.up.opts)
			}
		}
	} else if k, ok := rn.index(from); ok {
		if d = w.device(to); d != nil {
			l = rn.link(w, d, k)
			link = &l.dn
			if l.own == nil {
				link.share(d.dn.opts)
			}
		}
	}
	if d == nil {
		w.roomDrop(from, to, b, "no such node")
		return
	}
	if !d.connected || d.down {
		w.roomDrop(from, to, b, "not connected")
		return
	}
	arrivals, k := link.Send(w.now, len(b))
	if k == 0 {
		w.roomDrop(from, to, b, "lost")
		return
	}
	if k == 2 {
		rn.counts.Dups++
		w.roomFrameEvent(trace.Dup, from, to, b, digest)
	}
	buf := rn.newBuf(b)
	for i := 0; i < k; i++ {
		rn.bufs[buf].refs++
		w.q.Push(arrivals[i], event{kind: evRoomDeliver, to: to, from: from, epoch: l.epoch, x: uint64(buf), at: int64(digest)})
	}
}

func (w *World) roomFrameEvent(k trace.Kind, node, peer engine.Addr, b []byte, digest uint64) {
	w.begin(k, node, peer)
	w.hash.AddUint64(digest)
	if w.opts.Record {
		w.events = append(w.events, trace.Event{At: int64(w.now), Kind: k, Node: w.nodeName(node), Peer: w.nodeName(peer), Text: room.DescribeWire(b)})
	}
}

func (w *World) roomDrop(from, to engine.Addr, b []byte, why string) {
	w.rooms.counts.Drops++
	w.begin(trace.Drop, from, to)
	w.hash.AddString(why)
	if w.opts.Record {
		w.events = append(w.events, trace.Event{At: int64(w.now), Kind: trace.Drop, Node: w.nodeName(from), Peer: w.nodeName(to),
			Text: why + ": " + room.DescribeWire(b)})
	}
}

// roomDeliver is a room frame's arrival.
func (w *World) roomDeliver(ev *event) {
	if !w.roomArrive(ev) {
		w.rooms.done(ev)
	}
}

// roomArrive delivers or drops a room frame: false, unless a pause keeps it.
func (w *World) roomArrive(ev *event) bool {
	rn := w.rooms
	to, from := ev.to, ev.from
	if k, ok := rn.index(to); ok {
		d := w.device(from)
		switch {
		case ev.epoch != rn.link(w, d, k).epoch:
			w.roomDrop(from, to, rn.frame(ev), "connection reset")
			return false
		case rn.nodes[k].down:
			w.roomDrop(from, to, rn.frame(ev), "room node down")
			return false
		case w.frozen(to, ev):
			return true
		}
	} else {
		k, _ := rn.index(from)
		d := w.device(to)
		switch {
		case d.down:
			w.roomDrop(from, to, rn.frame(ev), "device down")
			return false
		case ev.epoch != rn.link(w, d, k).epoch:
			w.roomDrop(from, to, rn.frame(ev), "connection reset")
			return false
		case w.frozen(to, ev):
			return true
		}
	}
	if w.partitioned(from, to) {
		w.roomDrop(from, to, rn.frame(ev), "partition")
		return false
	}
	rn.counts.Delivers++
	w.roomFrameEvent(trace.Deliver, to, from, rn.frame(ev), uint64(ev.at))
	if k, ok := rn.index(to); ok {
		rn.nodes[k].node.Receive(int64(w.now), from, rn.frame(ev))
		w.roomCollectNode(k)
		return false
	}
	d := w.device(to)
	rn.client(w, d).Receive(int64(w.local(d)), from, rn.frame(ev))
	w.roomCollectDev(d)
	return false
}

// roomFire runs a room timer.
func (w *World) roomFire(ev *event) {
	rn := w.rooms
	t := room.Timer{Kind: room.TimerKind(ev.tkind), Ref: ev.x, At: ev.at}
	if k, ok := rn.index(ev.to); ok {
		n := rn.nodes[k]
		if n.down || ev.epoch != n.incarnation {
			return // the timer died with the process
		}
		if w.frozen(ev.to, ev) {
			return
		}
		w.roomTimerEvent(ev.to, t)
		n.node.Fire(int64(w.now), t)
		w.roomCollectNode(k)
		return
	}
	d := w.device(ev.to)
	if d.down || ev.epoch != d.incarnation {
		return
	}
	if w.frozen(ev.to, ev) {
		return
	}
	dr := rn.dev(w, d, false)
	if dr == nil || dr.client == nil {
		return
	}
	w.roomTimerEvent(ev.to, t)
	dr.client.Fire(int64(w.local(d)), t)
	w.roomCollectDev(d)
}

func (w *World) roomTimerEvent(node engine.Addr, t room.Timer) {
	w.rooms.counts.Timers++
	w.Counts.Timers++
	w.begin(trace.Timer, node, -1)
	w.hash.AddUint64(uint64(t.Kind) | 0x100) // apart from the engine's timer kinds
	w.hash.AddUint64(t.Ref)
	if w.opts.Record {
		w.events = append(w.events, trace.Event{At: int64(w.now), Kind: trace.Timer, Node: w.nodeName(node), Text: t.Kind.String()})
	}
}

// Faults of room nodes and what device faults do to the room service; the
// fault functions of the world (Crash, Restart, Disconnect, HealAll) call
// these.

func (w *World) crashRoomNode(k int) {
	rn := w.rooms
	n := rn.nodes[k]
	if n.down {
		return
	}
	w.fault(n.addr, "crash")
	n.down = true
	n.incarnation++
	n.node.Crash()
	for _, e := range n.pause.backlog {
		if e.kind == evRoomDeliver {
			w.roomDrop(e.from, n.addr, rn.frame(&e), "room node down")
			rn.done(&e)
		}
	}
	n.pause.backlog = nil
	// Every connection to it is reset: its devices learn their rooms there are lost.
	for i, dr := range rn.devs {
		if dr == nil || !dr.links[k].made {
			continue
		}
		dr.links[k].epoch++
		d := w.devs[i]
		if dr.client != nil && !d.down {
			dr.client.Disconnected(int64(w.local(d)), n.addr)
			w.roomCollectDev(d)
		}
	}
}

func (w *World) restartRoomNode(k int) {
	n := w.rooms.nodes[k]
	if !n.down {
		return
	}
	w.fault(n.addr, "restart")
	n.down = false
}

// roomsDeviceDown: a device crashed. Its room SDK is gone, its connections
// reset; the nodes drop its memberships.
func (w *World) roomsDeviceDown(d *Device) {
	rn := w.rooms
	if rn == nil {
		return
	}
	if dr := rn.dev(w, d, false); dr != nil {
		dr.client = nil
		w.roomsReset(d, dr)
	}
	if rn.hooks.DeviceDown != nil {
		rn.hooks.DeviceDown(w.now, d)
	}
}

// roomsDeviceUp: a device restarted, a new process.
func (w *World) roomsDeviceUp(d *Device) {
	if rn := w.rooms; rn != nil && rn.hooks.DeviceUp != nil {
		rn.hooks.DeviceUp(w.now, d)
	}
}

// roomsDisconnect: a device lost its network. Its room SDK and the nodes both
// see their connections reset.
func (w *World) roomsDisconnect(d *Device) {
	rn := w.rooms
	if rn == nil {
		return
	}
	dr := rn.dev(w, d, false)
	if dr == nil {
		return
	}
	if dr.client != nil {
		for k := range rn.nodes {
			dr.client.Disconnected(int64(w.local(d)), rn.addrs[k])
		}
		w.roomCollectDev(d)
	}
	w.roomsReset(d, dr)
}

// roomsReset resets a device's room connections and tells the nodes.
func (w *World) roomsReset(d *Device, dr *devRooms) {
	rn := w.rooms
	for k := range dr.links {
		if !dr.links[k].made {
			continue
		}
		dr.links[k].epoch++
		if n := rn.nodes[k]; !n.down {
			n.node.Disconnected(int64(w.now), d.Addr)
			w.roomCollectNode(k)
		}
	}
}

// healRooms ends the room service's faults (HealAll): crashed nodes restart,
// paused ones resume, device room links get their default options back and a
// fresh path.
func (w *World) healRooms() {
	rn := w.rooms
	if rn == nil {
		return
	}
	for k, n := range rn.nodes {
		n.pause.until = min(n.pause.until, w.now)
		if n.down {
			w.restartRoomNode(k)
		}
	}
	for i, dr := range rn.devs {
		if dr == nil {
			continue
		}
		d := w.devs[i]
		for k := range dr.links {
			l := &dr.links[k]
			if !l.made {
				continue
			}
			l.own = rn.linkOpts
			up, dn := l.own, l.own
			if l.own == nil {
				up, dn = d.up.opts, d.dn.opts
			}
			l.up.heal(up)
			l.dn.heal(dn)
		}
	}
}

// roomNodeByName resolves "r0", "r1", … to a room node's address.
func (w *World) roomNodeByName(name string) (engine.Addr, bool, error) {
	if len(name) < 2 || name[0] != 'r' {
		return 0, false, nil
	}
	k, err := strconv.Atoi(name[1:])
	if err != nil {
		return 0, false, nil
	}
	if w.rooms == nil || k < 0 || k >= len(w.rooms.nodes) {
		return 0, true, fmt.Errorf("no room node %s (room nodes r0..r%d)", name, w.RoomNodes()-1)
	}
	return w.rooms.addrs[k], true, nil
}

// planRoomSwarm draws this seed's room faults, from its own stream so that
// the signaling faults' draws do not shift: crashes and pauses of room nodes
// and partitions of a device from a room node. They ride on the swarm's
// kinds: "shard-crash" allows room node crashes, "pause" pauses, "partition"
// partitions (all of them when Kinds is empty). Link faults need nothing
// here: a device's room links follow its link.
func (w *World) planRoomSwarm(s SwarmOptions) {
	rn := w.rooms
	if rn == nil {
		return
	}
	r := NewRand(w.opts.Seed, "swarm/rooms")
	in := s.intensity()
	allowed := func(k string) bool { return len(s.Kinds) == 0 || slices.Contains(s.Kinds, k) }
	var on []string
	for _, k := range []string{"shard-crash", "pause", "partition"} {
		if r.Bool(0.5) && allowed(k) {
			on = append(on, k)
		}
	}
	episodes := 1 + r.IntN(1+int(4*in))
	when := func() engine.Time { return engine.Time(r.Int64N(int64(max(1, s.Until*4/5)))) }
	length := func() time.Duration {
		return time.Second + time.Duration(r.Int64N(max(1, int64(in*float64(s.Until)/4))))
	}
	for _, kind := range on {
		for range episodes {
			at, dur := when(), length()
			a := rn.addrs[r.IntN(len(rn.addrs))]
			switch kind {
			case "shard-crash":
				w.planFault(at, s.Until, false, Fault{Kind: FaultCrash, Node: w.nodeName(a), For: dur})
			case "pause":
				w.planFault(at, s.Until, false, Fault{Kind: FaultPause, Node: w.nodeName(a), For: dur})
			case "partition":
				if len(w.devs) == 0 {
					continue
				}
				d := w.devs[r.IntN(len(w.devs))]
				oneWay := r.Bool(0.3)
				w.planFault(at, s.Until, false, Fault{Kind: FaultPartition, Sides: [][]string{{d.Name}, {w.nodeName(a)}}, OneWay: oneWay, For: dur})
			}
		}
	}
}

// FaultsEnd is when the faults of the run end, as far as the world knows:
// the last HealAll, or the swarm's Until if that is later (its HealAll is
// still to come). Checks with a bound "after the faults" count from it.
// Scripted faults healed one by one (Heal, Restart) do not move it.
func (w *World) FaultsEnd() engine.Time {
	end := w.healedAt
	if w.opts.Swarm != nil {
		end = max(end, w.opts.Swarm.Until)
	}
	return end
}

// FaultOn tells whether a fault that delays or loses the frames of the given
// nodes is in force now: a partition that cuts one of them off, one of them
// crashed, paused or (a device) disconnected, any shard crashed or paused
// (the shards talk over one bus), or frames held by a message rule. Link
// options (latency, loss) do not count: frames still get through, resent.
// Checks with a bound "after the faults" (the call apps' ghost calls) wait
// while it holds.
func (w *World) FaultOn(nodes ...engine.Addr) bool {
	for i := range w.partitions {
		p := &w.partitions[i]
		for _, a := range nodes {
			if contains(p.a, a) || contains(p.b, a) {
				return true
			}
		}
	}
	for _, s := range w.shards {
		if s.down || s.pause.until > w.now || len(s.pause.backlog) > 0 {
			return true
		}
	}
	for _, r := range w.rules {
		if r.action == "hold" {
			return true
		}
	}
	for _, a := range nodes {
		if k, ok := w.rooms.index(a); ok {
			n := w.rooms.nodes[k]
			if n.down || n.pause.until > w.now || len(n.pause.backlog) > 0 {
				return true
			}
		} else if d := w.device(a); d != nil && (d.down || !d.connected || d.pause.until > w.now || len(d.pause.backlog) > 0) {
			return true
		}
	}
	return false
}

// Report records a violation of an invariant checked outside package sim
// (the reference apps' call-level invariants), like the built-in checkers'
// violations: in Violations, in the trace, and stopping the run unless
// KeepGoing. It returns false, recording nothing, when the world runs
// without checkers (Options.NoChecks).
func (w *World) Report(invariant string, d *Device, text string) bool {
	if w.check == nil {
		return false
	}
	w.check.violate(invariant, d, "%s", text)
	return true
}

// InvRoomView: once healed and quiet, every device's view of its rooms is the
// room nodes' (CheckRooms).
const InvRoomView = "room-view"

// CheckRooms judges the room service's convergence: every device that is up
// and connected sees itself in exactly the rooms its nodes hold it in (those
// on nodes that are up), with the same other members. Call it when the world
// is quiet after the faults healed; it records and returns the violations.
func (w *World) CheckRooms() []Violation {
	rn := w.rooms
	if rn == nil || w.check == nil {
		return nil
	}
	n := len(w.check.violations)
	for i, dr := range rn.devs {
		d := w.devs[i]
		if dr == nil || dr.client == nil || d.down || !d.connected {
			continue
		}
		c := dr.client
		if p := c.Pending(); p > 0 {
			w.check.violate(InvRoomView, d, "%d room requests still unanswered", p)
			continue
		}
		for _, id := range c.Rooms() {
			k := room.NodeOf(id, len(rn.nodes))
			members := rn.nodes[k].node.Members(id)
			if !slices.Contains(members, d.User) {
				w.check.violate(InvRoomView, d, "thinks it is in room %s; %s has %v", id, rn.nodes[k].name, members)
				continue
			}
			others := slices.DeleteFunc(rn.nodes[k].node.Anchors(id), func(u string) bool { return u == d.User })
			seen := slices.Clone(c.Remotes(id))
			slices.Sort(others)
			slices.Sort(seen)
			if !slices.Equal(seen, others) {
				w.check.violate(InvRoomView, d, "sees %v in room %s; %s has %v besides it", seen, id, rn.nodes[k].name, others)
			}
		}
	}
	for k, nd := range rn.nodes {
		if nd.down {
			continue
		}
		for _, id := range nd.node.Rooms() {
			for _, u := range nd.node.Members(id) {
				if !w.roomHolds(u, id) {
					w.check.violate(InvRoomView, nil, "%s holds %s in room %s, but none of its devices is there", rn.nodes[k].name, u, id)
				}
			}
		}
	}
	return w.check.violations[n:]
}

// roomHolds tells whether some device of user that is up and connected is in room id.
func (w *World) roomHolds(user, id string) bool {
	for i, dr := range w.rooms.devs {
		d := w.devs[i]
		if dr != nil && dr.client != nil && d.User == user && !d.down && slices.Contains(dr.client.Rooms(), id) {
			return true
		}
	}
	return false
}
