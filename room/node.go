package room

import (
	"slices"
	"time"

	"sigsim/engine"
)

// Defaults.
const (
	// DefaultRTO is how long a node waits for a session to acknowledge its
	// items, and a device for a node to answer its requests, before resending.
	DefaultRTO = int64(time.Second)
	// DefaultAckDelay is how long a device may wait before acknowledging the
	// items it received, so that one ack covers several or rides on a request.
	DefaultAckDelay = int64(100 * time.Millisecond)
)

// NodeConfig configures a room node.
type NodeConfig struct {
	RTO int64 // 0 means DefaultRTO
}

// Node is one room server: the rooms whose IDs hash to it (NodeOf), with
// their members, and one session per device that talks to it. All of it is
// volatile: Crash loses it (a TRTC room lives as long as its server process
// and its members' connections).
//
// A session is a device's connection to the node. Within it requests are
// numbered from 1 and applied strictly in order, each exactly once; the node
// answers with items of one sequenced stream — the response to each request,
// then what the request changed, and what other members' requests changed —
// which the device takes strictly in order and acknowledges cumulatively, and
// which the node resends until acknowledged. Loss, duplication and reordering
// below the session change nothing above it.
type Node struct {
	cfg      NodeConfig
	sessions []session
	free     []int32
	byAddr   map[engine.Addr]int32
	rooms    map[string]*roomState
	out      Output
}

type session struct {
	live    bool
	armed   bool // a retransmit timer is pending
	gen     uint32
	addr    engine.Addr
	epoch   uint64
	user    string
	device  string
	nextReq uint64   // the next request to apply
	sent    uint64   // the last item's sequence
	unacked [][]byte // items sent-len(unacked)+1 .. sent, encoded
	rooms   []string // the rooms it is a member of, in the order it entered them
}

type roomState struct {
	members []member // in the order they entered
}

type member struct {
	user     string
	slot     int32
	video    bool
	audience bool
}

// NewNode returns an empty room node.
func NewNode(cfg NodeConfig) *Node {
	if cfg.RTO <= 0 {
		cfg.RTO = DefaultRTO
	}
	return &Node{cfg: cfg, byAddr: map[engine.Addr]int32{}, rooms: map[string]*roomState{}}
}

// NodeOf is the node, of n, that holds room: the rooms are spread by a hash of
// their IDs, as users over shards (engine.ShardOf).
func NodeOf(room string, n int) int { return engine.ShardOf(room, n) }

// Ready returns what the node produced since the last Advance.
func (n *Node) Ready() *Output { return &n.out }

// Advance tells the node its output was carried out.
func (n *Node) Advance() { n.out.reset() }

// Crash loses everything: rooms, members and sessions. The driver resets the
// devices' connections; they learn that their rooms are lost.
func (n *Node) Crash() {
	n.sessions, n.free = nil, nil
	clear(n.byAddr)
	clear(n.rooms)
	n.out.reset()
}

// Disconnected tells the node that a device's connection broke (it crashed,
// or lost its network): its session ends and its memberships with it, and the
// other members learn it left (ReasonLost).
func (n *Node) Disconnected(now int64, device engine.Addr) {
	if slot, ok := n.byAddr[device]; ok {
		n.drop(now, slot, ReasonLost)
	}
}

// Members lists the users in a room, in the order they entered.
func (n *Node) Members(room string) []string {
	r := n.rooms[room]
	if r == nil {
		return nil
	}
	l := make([]string, len(r.members))
	for i, m := range r.members {
		l[i] = m.user
	}
	return l
}

// Anchors lists the anchors in a room (the members others see), in the order
// they entered.
func (n *Node) Anchors(room string) []string {
	var l []string
	if r := n.rooms[room]; r != nil {
		for _, m := range r.members {
			if !m.audience {
				l = append(l, m.user)
			}
		}
	}
	return l
}

// Rooms lists the rooms the node holds, sorted.
func (n *Node) Rooms() []string {
	l := make([]string, 0, len(n.rooms))
	for id := range n.rooms {
		l = append(l, id)
	}
	slices.Sort(l)
	return l
}

// Sessions is the number of live sessions.
func (n *Node) Sessions() int { return len(n.byAddr) }

// Unacked is the number of items the node holds unacknowledged, over all its
// sessions (they are resent until acknowledged).
func (n *Node) Unacked() int {
	k := 0
	for i := range n.sessions {
		k += len(n.sessions[i].unacked)
	}
	return k
}

// Receive hands the node a frame from a device.
func (n *Node) Receive(now int64, from engine.Addr, b []byte) {
	var f Frame
	if Decode(b, &f) != nil {
		return // not ours; a real transport would close the connection
	}
	switch f.Type {
	case FrameRequest, FrameAck:
	default:
		return
	}
	slot, ok := n.byAddr[from]
	var s *session
	if ok {
		s = &n.sessions[slot]
	}
	switch {
	case ok && s.epoch == f.Epoch:
	case ok && s.epoch > f.Epoch:
		return // a late frame of a session it replaced
	case f.Type == FrameRequest && f.Low == 1:
		// A new session: no request of it answered yet. A newer session of
		// the same device (it restarted, or its connection was reset before
		// the node noticed) replaces the old one.
		if ok {
			n.drop(now, slot, ReasonLost)
		}
		slot = n.open(from, f.Epoch)
		s = &n.sessions[slot]
	default:
		// A session the node does not have, past its start: it was lost
		// (the node crashed and restarted, or dropped it). Say so.
		n.send(from, Encode(&Frame{Type: FrameReset, Epoch: f.Epoch}))
		return
	}
	n.ack(s, f.Seq)
	if f.Type != FrameRequest {
		return
	}
	switch {
	case f.ReqID < s.nextReq:
		return // applied already; its answer is in the stream until acknowledged
	case f.ReqID > s.nextReq:
		return // one before it is missing; the device resends them in order
	}
	s.nextReq++
	n.apply(now, slot, &f)
}

// Fire runs a timer the node asked for.
func (n *Node) Fire(now int64, t Timer) {
	if t.Kind != TimerRetransmit {
		return
	}
	slot := int32(t.Ref >> 32)
	if int(slot) >= len(n.sessions) {
		return
	}
	s := &n.sessions[slot]
	if !s.live || s.gen != uint32(t.Ref) {
		return
	}
	s.armed = false
	if len(s.unacked) == 0 {
		return
	}
	for _, b := range s.unacked {
		n.send(s.addr, b)
	}
	n.arm(now, slot)
}

func (n *Node) open(addr engine.Addr, epoch uint64) int32 {
	var slot int32
	if k := len(n.free); k > 0 {
		slot = n.free[k-1]
		n.free = n.free[:k-1]
	} else {
		slot = int32(len(n.sessions))
		n.sessions = append(n.sessions, session{})
	}
	s := &n.sessions[slot]
	*s = session{live: true, gen: s.gen + 1, addr: addr, epoch: epoch, nextReq: 1, unacked: s.unacked[:0], rooms: s.rooms[:0]}
	n.byAddr[addr] = slot
	return slot
}

// drop ends a session: it leaves every room it is in, for reason.
func (n *Node) drop(now int64, slot int32, reason Reason) {
	s := &n.sessions[slot]
	for len(s.rooms) > 0 {
		n.leave(now, slot, s.rooms[0], reason)
	}
	delete(n.byAddr, s.addr)
	clear(s.unacked)
	*s = session{gen: s.gen, unacked: s.unacked[:0], rooms: s.rooms[:0]}
	n.free = append(n.free, slot)
}

// ack drops the items a cumulative ack covers.
func (n *Node) ack(s *session, seq uint64) {
	if seq > s.sent {
		return // acks what was never sent: a confused device; ignore
	}
	first := s.sent - uint64(len(s.unacked)) + 1
	if seq < first {
		return
	}
	k := int(seq - first + 1)
	clear(s.unacked[:k])
	s.unacked = append(s.unacked[:0], s.unacked[k:]...)
}

func (n *Node) apply(now int64, slot int32, f *Frame) {
	s := &n.sessions[slot]
	resp := Frame{Type: FrameItem, Item: ItemResponse, ReqID: f.ReqID, Op: f.Op, Room: f.Room}
	switch {
	case f.Room == "" || f.User == "" || s.user != "" && (f.User != s.user || f.Device != s.device):
		resp.Code = CodeInvalid
		n.item(now, slot, resp)
		return
	case s.user == "":
		s.user, s.device = f.User, f.Device
	}
	switch f.Op {
	case OpEnter:
		n.item(now, slot, resp)
		n.enter(now, slot, f.Room, f.Flag)
	case OpExit:
		n.item(now, slot, resp)
		if slices.Contains(s.rooms, f.Room) {
			n.leave(now, slot, f.Room, ReasonExit)
		}
	case OpVideo, OpRole:
		r := n.rooms[f.Room]
		i := -1
		if r != nil {
			i = slices.IndexFunc(r.members, func(m member) bool { return m.slot == slot })
		}
		switch {
		case i < 0:
			resp.Code = CodeNotInRoom
		case f.Op == OpVideo && r.members[i].audience:
			resp.Code = CodeNotAnchor
		}
		n.item(now, slot, resp)
		if resp.Code != OK {
			return
		}
		if f.Op == OpVideo {
			n.video(now, r, i, f.Room, f.Flag)
			return
		}
		m := &r.members[i]
		if m.audience == f.Flag {
			return
		}
		if f.Flag { // to the audience: its camera goes off, and it is seen to leave
			n.video(now, r, i, f.Room, false)
			m = &r.members[i]
		}
		m.audience = f.Flag
		n.out.Changes = append(n.out.Changes, Change{Kind: Switched, Room: f.Room, User: s.user, Device: s.addr, Audience: f.Flag})
		it := Frame{Type: FrameItem, Item: ItemEntered, Room: f.Room, User: s.user}
		if f.Flag {
			it = Frame{Type: FrameItem, Item: ItemLeft, Room: f.Room, User: s.user, Reason: ReasonRole}
		}
		for _, o := range r.members {
			if o.slot != slot {
				n.item(now, o.slot, it)
			}
		}
	}
}

// video turns member i's camera in room r on or off; the others hear of it.
func (n *Node) video(now int64, r *roomState, i int, room string, on bool) {
	m := &r.members[i]
	if m.video == on {
		return
	}
	m.video = on
	s := &n.sessions[m.slot]
	n.out.Changes = append(n.out.Changes, Change{Kind: Video, Room: room, User: s.user, Device: s.addr, On: on})
	slot := m.slot
	for _, o := range r.members {
		if o.slot != slot {
			n.item(now, o.slot, Frame{Type: FrameItem, Item: ItemVideo, Room: room, User: s.user, Flag: on})
		}
	}
}

// enter makes session slot a member of room (its response already queued):
// the newcomer learns which anchors are there, and, if it is one, the others
// learn of it. A room has one member per user: the same user entering from
// another session takes the place of the earlier one, which is told it was
// kicked.
func (n *Node) enter(now int64, slot int32, room string, audience bool) {
	s := &n.sessions[slot]
	r := n.rooms[room]
	if r == nil {
		r = &roomState{}
		n.rooms[room] = r
	}
	for _, m := range r.members {
		if m.slot == slot {
			return // already in: entering again changes nothing
		}
	}
	if i := slices.IndexFunc(r.members, func(m member) bool { return m.user == s.user }); i >= 0 {
		old := r.members[i].slot
		n.item(now, old, Frame{Type: FrameItem, Item: ItemKicked, Room: room, User: s.user})
		n.leave(now, old, room, ReasonKicked)
		n.rooms[room] = r // leave deleted it if the kicked one was alone
	}
	for _, m := range r.members {
		if !m.audience {
			n.item(now, slot, Frame{Type: FrameItem, Item: ItemEntered, Room: room, User: m.user})
			if m.video {
				n.item(now, slot, Frame{Type: FrameItem, Item: ItemVideo, Room: room, User: m.user, Flag: true})
			}
		}
		if !audience {
			n.item(now, m.slot, Frame{Type: FrameItem, Item: ItemEntered, Room: room, User: s.user})
		}
	}
	r.members = append(r.members, member{user: s.user, slot: slot, audience: audience})
	s.rooms = append(s.rooms, room)
	n.out.Changes = append(n.out.Changes, Change{Kind: Entered, Room: room, User: s.user, Device: s.addr, Audience: audience})
}

// leave takes session slot out of room; the others learn it left, for reason.
func (n *Node) leave(now int64, slot int32, room string, reason Reason) {
	s := &n.sessions[slot]
	if i := slices.Index(s.rooms, room); i >= 0 {
		s.rooms = slices.Delete(s.rooms, i, i+1)
	}
	r := n.rooms[room]
	if r == nil {
		return
	}
	i := slices.IndexFunc(r.members, func(m member) bool { return m.slot == slot })
	if i < 0 {
		return
	}
	seen := !r.members[i].audience
	r.members = slices.Delete(r.members, i, i+1)
	n.out.Changes = append(n.out.Changes, Change{Kind: Left, Room: room, User: s.user, Device: s.addr, Reason: reason})
	for _, m := range r.members {
		if seen {
			n.item(now, m.slot, Frame{Type: FrameItem, Item: ItemLeft, Room: room, User: s.user, Reason: reason})
		}
	}
	if len(r.members) == 0 {
		delete(n.rooms, room)
	}
}

// item appends f to session slot's stream and sends it.
func (n *Node) item(now int64, slot int32, f Frame) {
	s := &n.sessions[slot]
	s.sent++
	f.Epoch, f.Seq = s.epoch, s.sent
	b := Encode(&f)
	s.unacked = append(s.unacked, b)
	n.send(s.addr, b)
	if !s.armed {
		n.arm(now, slot)
	}
}

func (n *Node) arm(now int64, slot int32) {
	s := &n.sessions[slot]
	s.armed = true
	n.out.Timers = append(n.out.Timers, Timer{Kind: TimerRetransmit, Ref: uint64(slot)<<32 | uint64(s.gen), At: now + n.cfg.RTO})
}

func (n *Node) send(to engine.Addr, b []byte) {
	n.out.Msgs = append(n.out.Msgs, engine.Envelope{To: to, Bytes: b})
}
