package room

import (
	"slices"

	"sigsim/engine"
)

// ClientConfig configures a device's room SDK.
type ClientConfig struct {
	User, Device string
	// Incarnation numbers the device's process lives: sessions of a new life
	// never pass for an old one's.
	Incarnation uint32
	// Nodes are the room nodes' addresses: room r lives on
	// Nodes[NodeOf(r, len(Nodes))]. The slice is read, never written.
	Nodes    []engine.Addr
	RTO      int64 // 0 means DefaultRTO
	AckDelay int64 // 0 means DefaultAckDelay; keep it well under the nodes' RTO
}

// Client is the room SDK on one device (the part of TRTCCloud this model
// needs): it enters and exits rooms, opens and closes the camera, and reports
// the TRTC callbacks. It opens a session with a room node at its first request
// there and keeps it until the connection breaks (Disconnected) or the node
// says it lost it (a Reset frame): then every room on that node is lost, and
// the app is told (OnExitRoom with ReasonLost; OnEnterRoom with CodeLost for an
// entry still pending). It does not re-enter by itself: the app decides.
//
// A device may be in several rooms at once (as with TRTC's sub-clouds); an
// app that must not be is checked for it (the call invariants).
type Client struct {
	cfg    ClientConfig
	sess   []csession // by node
	views  []view     // the rooms the device is in or entering, in call order
	calls  Call
	epochs uint32
	out    Output
}

// csession is the device's session with one room node.
type csession struct {
	epoch    uint64 // 0: none open
	nextReq  uint64
	pending  []pending // unanswered requests, in order
	recv     uint64    // the last item applied
	ackOwed  bool      // an item was received since the last ack sent
	ackArmed bool
	rtoArmed bool
}

type pending struct {
	reqID uint64
	call  Call
	op    Op
	room  string
	flag  bool
}

type viewState uint8

const (
	entering viewState = iota + 1
	inRoom
)

// view is a room the device is in or entering, as far as its app knows.
type view struct {
	room    string
	node    int
	state   viewState
	enter   Call
	remotes []remote // who else is there, in the order the device learned it
}

type remote struct {
	user  string
	video bool
}

// NewClient returns a device's room SDK, in no room.
func NewClient(cfg ClientConfig) *Client {
	if cfg.RTO <= 0 {
		cfg.RTO = DefaultRTO
	}
	if cfg.AckDelay <= 0 {
		cfg.AckDelay = DefaultAckDelay
	}
	return &Client{cfg: cfg, sess: make([]csession, len(cfg.Nodes))}
}

// Ready returns what the SDK produced since the last Advance.
func (c *Client) Ready() *Output { return &c.out }

// Advance tells the SDK its output was carried out.
func (c *Client) Advance() { c.out.reset() }

// Rooms lists the rooms the device is in (entered, not exited), in the order
// it entered them.
func (c *Client) Rooms() []string {
	var l []string
	for _, v := range c.views {
		if v.state == inRoom {
			l = append(l, v.room)
		}
	}
	return l
}

// Entering tells whether the device called EnterRoom for room and has had no
// answer yet.
func (c *Client) Entering(room string) bool {
	i := c.find(room)
	return i >= 0 && c.views[i].state == entering
}

// Remotes lists the anchors other than itself the device knows are in room,
// in the order it learned of them.
func (c *Client) Remotes(room string) []string {
	i := c.find(room)
	if i < 0 {
		return nil
	}
	l := make([]string, len(c.views[i].remotes))
	for k, r := range c.views[i].remotes {
		l[k] = r.user
	}
	return l
}

// VideoAvailable tells whether the device was told user's video in room is on.
func (c *Client) VideoAvailable(room, user string) bool {
	if i := c.find(room); i >= 0 {
		for _, r := range c.views[i].remotes {
			if r.user == user {
				return r.video
			}
		}
	}
	return false
}

// Pending is the number of requests not answered yet, over all nodes.
func (c *Client) Pending() int {
	k := 0
	for i := range c.sess {
		k += len(c.sess[i].pending)
	}
	return k
}

func (c *Client) find(room string) int {
	return slices.IndexFunc(c.views, func(v view) bool { return v.room == room })
}

func (c *Client) nextCall() Call {
	c.calls++
	return c.calls
}

func (c *Client) event(e Event) { c.out.Events = append(c.out.Events, e) }

// EnterRoom enters a room as an anchor; OnEnterRoom answers. Entering a room
// the device is in or entering already, or an empty room ID, fails at once
// (CodeInvalid).
func (c *Client) EnterRoom(now int64, room string) Call { return c.EnterRoomAs(now, room, RoleAnchor) }

// EnterRoomAs enters a room in a role: an anchor is seen by the others, a
// member of the audience is not (it sees the anchors).
func (c *Client) EnterRoomAs(now int64, room string, role Role) Call {
	call := c.nextCall()
	if room == "" || c.find(room) >= 0 || len(c.cfg.Nodes) == 0 {
		c.event(Event{Kind: OnEnterRoom, Room: room, Code: CodeInvalid, Call: call})
		return call
	}
	node := NodeOf(room, len(c.cfg.Nodes))
	c.views = append(c.views, view{room: room, node: node, state: entering, enter: call})
	c.request(now, node, pending{call: call, op: OpEnter, room: room, flag: role == RoleAudience})
	return call
}

// SwitchRole switches the device's role in a room it is in or entering (TRTC's
// switchRole): becoming an anchor, the others see it enter; going back to
// the audience, they see its camera go off and it leave (ReasonRole). It
// reports nothing back; in a room the device is not in it does nothing.
func (c *Client) SwitchRole(now int64, room string, role Role) Call {
	call := c.nextCall()
	if i := c.find(room); i >= 0 {
		c.request(now, c.views[i].node, pending{call: call, op: OpRole, room: room, flag: role == RoleAudience})
	}
	return call
}

// ExitRoom leaves a room (or gives up entering it): from now on the app hears
// nothing more of it but OnExitRoom, once the node has taken the device out
// (ReasonExit; at once with CodeNotInRoom if it was in no such room).
func (c *Client) ExitRoom(now int64, room string) Call {
	call := c.nextCall()
	i := c.find(room)
	if i < 0 {
		c.event(Event{Kind: OnExitRoom, Room: room, Reason: ReasonExit, Code: CodeNotInRoom, Call: call})
		return call
	}
	node := c.views[i].node
	c.views = slices.Delete(c.views, i, i+1)
	c.request(now, node, pending{call: call, op: OpExit, room: room})
	return call
}

// Video opens (on) or closes the camera in a room the device is in or
// entering, as an anchor: the other members get OnUserVideoAvailable. Like
// TRTC's startLocalPreview, it reports nothing back; in a room the device is
// not in, or as a member of the audience, it does nothing.
func (c *Client) Video(now int64, room string, on bool) Call {
	call := c.nextCall()
	if i := c.find(room); i >= 0 {
		c.request(now, c.views[i].node, pending{call: call, op: OpVideo, room: room, flag: on})
	}
	return call
}

// request sends a request on the session with node, opening one if need be.
func (c *Client) request(now int64, node int, p pending) {
	s := &c.sess[node]
	if s.epoch == 0 {
		c.epochs++
		*s = csession{epoch: uint64(c.cfg.Incarnation)<<32 | uint64(c.epochs), nextReq: 1, pending: s.pending[:0]}
	}
	p.reqID = s.nextReq
	s.nextReq++
	s.pending = append(s.pending, p)
	c.sendRequest(node, s, &s.pending[len(s.pending)-1])
	if !s.rtoArmed {
		s.rtoArmed = true
		c.out.Timers = append(c.out.Timers, Timer{Kind: TimerRetransmit, Ref: c.ref(node, s), At: now + c.cfg.RTO})
	}
}

func (c *Client) ref(node int, s *csession) uint64 { return uint64(node)<<32 | uint64(uint32(s.epoch)) }

func (c *Client) sendRequest(node int, s *csession, p *pending) {
	f := Frame{Type: FrameRequest, Epoch: s.epoch, Seq: s.recv, ReqID: p.reqID, Low: s.pending[0].reqID,
		Op: p.op, Room: p.room, User: c.cfg.User, Device: c.cfg.Device, Flag: p.flag}
	s.ackOwed = false // the ack rides on the request
	c.out.Msgs = append(c.out.Msgs, engine.Envelope{To: c.cfg.Nodes[node], Bytes: Encode(&f)})
}

// Receive hands the SDK a frame from a room node.
func (c *Client) Receive(now int64, from engine.Addr, b []byte) {
	node := slices.Index(c.cfg.Nodes, from)
	if node < 0 {
		return
	}
	var f Frame
	if Decode(b, &f) != nil {
		return
	}
	s := &c.sess[node]
	if s.epoch == 0 || f.Epoch != s.epoch {
		return // of a session that is over
	}
	switch f.Type {
	case FrameReset:
		c.lose(node)
	case FrameItem:
		switch {
		case f.Seq <= s.recv: // a copy, or resent because the ack was lost
			c.owe(now, node, s)
		case f.Seq > s.recv+1: // one before it is missing: it will be resent, and this after it
		default:
			s.recv = f.Seq
			c.owe(now, node, s)
			c.apply(node, &f)
		}
	}
}

// owe notes that an ack is owed and arms the timer that sends it.
func (c *Client) owe(now int64, node int, s *csession) {
	s.ackOwed = true
	if !s.ackArmed {
		s.ackArmed = true
		c.out.Timers = append(c.out.Timers, Timer{Kind: TimerAck, Ref: c.ref(node, s), At: now + c.cfg.AckDelay})
	}
}

func (c *Client) apply(node int, f *Frame) {
	s := &c.sess[node]
	switch f.Item {
	case ItemResponse:
		if len(s.pending) == 0 || s.pending[0].reqID != f.ReqID {
			return // answers nothing pending: the node is confused; nothing to report
		}
		p := s.pending[0]
		s.pending = append(s.pending[:0], s.pending[1:]...)
		switch p.op {
		case OpEnter:
			i := c.find(p.room)
			if i < 0 || c.views[i].enter != p.call {
				return // exited (or entered again) since: the app hears no more of this entry
			}
			if f.Code != OK {
				c.views = slices.Delete(c.views, i, i+1)
			} else {
				c.views[i].state = inRoom
			}
			c.event(Event{Kind: OnEnterRoom, Room: p.room, Code: f.Code, Call: p.call})
		case OpExit:
			c.event(Event{Kind: OnExitRoom, Room: p.room, Reason: ReasonExit, Code: f.Code, Call: p.call})
		}
	case ItemEntered, ItemLeft, ItemVideo, ItemKicked:
		i := c.find(f.Room)
		if i < 0 || c.views[i].state != inRoom || c.views[i].node != node {
			return // about a room the app left (or an entry it has no answer to yet)
		}
		v := &c.views[i]
		k := slices.IndexFunc(v.remotes, func(r remote) bool { return r.user == f.User })
		switch f.Item {
		case ItemEntered:
			if k >= 0 {
				return
			}
			v.remotes = append(v.remotes, remote{user: f.User})
			c.event(Event{Kind: OnRemoteUserEnterRoom, Room: f.Room, User: f.User})
		case ItemLeft:
			if k < 0 {
				return
			}
			v.remotes = slices.Delete(v.remotes, k, k+1)
			c.event(Event{Kind: OnRemoteUserLeaveRoom, Room: f.Room, User: f.User, Reason: f.Reason})
		case ItemVideo:
			if k < 0 || v.remotes[k].video == f.Flag {
				return
			}
			v.remotes[k].video = f.Flag
			c.event(Event{Kind: OnUserVideoAvailable, Room: f.Room, User: f.User, Available: f.Flag})
		case ItemKicked:
			c.views = slices.Delete(c.views, i, i+1)
			c.event(Event{Kind: OnExitRoom, Room: f.Room, Reason: ReasonKicked})
		}
	}
}

// Fire runs a timer the SDK asked for.
func (c *Client) Fire(now int64, t Timer) {
	node := int(t.Ref >> 32)
	if node >= len(c.sess) {
		return
	}
	s := &c.sess[node]
	if s.epoch == 0 || uint32(s.epoch) != uint32(t.Ref) {
		return // of a session that is over
	}
	switch t.Kind {
	case TimerRetransmit:
		s.rtoArmed = false
		if len(s.pending) == 0 {
			return
		}
		for i := range s.pending {
			c.sendRequest(node, s, &s.pending[i])
		}
		s.rtoArmed = true
		c.out.Timers = append(c.out.Timers, Timer{Kind: TimerRetransmit, Ref: t.Ref, At: now + c.cfg.RTO})
	case TimerAck:
		s.ackArmed = false
		if s.ackOwed {
			s.ackOwed = false
			f := Frame{Type: FrameAck, Epoch: s.epoch, Seq: s.recv}
			c.out.Msgs = append(c.out.Msgs, engine.Envelope{To: c.cfg.Nodes[node], Bytes: Encode(&f)})
		}
	}
}

// Disconnected tells the SDK its connection to a room node broke (the node
// crashed, or the device lost its network): the session is over, and every
// room on that node with it.
func (c *Client) Disconnected(now int64, nodeAddr engine.Addr) {
	if node := slices.Index(c.cfg.Nodes, nodeAddr); node >= 0 && c.sess[node].epoch != 0 {
		c.lose(node)
	}
}

// Sessions lists the nodes (by index) the SDK has a session with.
func (c *Client) Sessions() []int {
	var l []int
	for k := range c.sess {
		if c.sess[k].epoch != 0 {
			l = append(l, k)
		}
	}
	return l
}

// lose ends the session with node: its pending requests are answered (an exit
// is done: the device is out; an entry failed, CodeLost), and every room the
// device was in there is lost (OnExitRoom, ReasonLost).
func (c *Client) lose(node int) {
	s := &c.sess[node]
	pend := s.pending
	*s = csession{pending: s.pending[:0]}
	for _, p := range pend {
		switch p.op {
		case OpExit:
			c.event(Event{Kind: OnExitRoom, Room: p.room, Reason: ReasonExit, Call: p.call})
		case OpEnter:
			if i := c.find(p.room); i >= 0 && c.views[i].enter == p.call {
				c.views = slices.Delete(c.views, i, i+1)
				c.event(Event{Kind: OnEnterRoom, Room: p.room, Code: CodeLost, Call: p.call})
			}
		}
	}
	clear(pend)
	for i := 0; i < len(c.views); {
		if v := &c.views[i]; v.node == node {
			room := v.room
			c.views = slices.Delete(c.views, i, i+1)
			c.event(Event{Kind: OnExitRoom, Room: room, Reason: ReasonLost})
			continue
		}
		i++
	}
}
