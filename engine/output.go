package engine

import (
	"fmt"
	"strconv"
	"strings"
)

// Envelope is a frame to send and its destination. The signaling nodes send
// Frame, a decoded frame the driver may carry as it is (a simulator) or encode
// (EncodeFrame, AppendFrame: a real transport); its encoded length is the size
// the network model charges. Other nodes (the room service) send Bytes, a frame
// already encoded.
//
// Frame is the driver's from the node's Ready on: the node keeps no pointer to
// it, and nobody may change it (nor the slices and messages it refers to,
// which the node may share with other frames and keep). A receiver copies
// what it keeps. A driver done with it may give it back to the nodes' FramePool
// (the Frames of their config), for a node to reuse.
type Envelope struct {
	To    Addr
	Frame *Frame
	Bytes []byte
}

// TimerKind says what a timer is for.
type TimerKind uint8

// Timer kinds.
const (
	// TimerRetransmit: resend unanswered requests (device) or unacknowledged pushes
	// (shard; Ref is the session's slot).
	TimerRetransmit TimerKind = 1
	// TimerInviteTimeout: server mode, the invitations of deadline queue Ref (one
	// per timeout value) whose time has come time out.
	TimerInviteTimeout TimerKind = 2
	// TimerInviteeTimeout: client mode, an invitee's local timer (Ref = local invitation).
	TimerInviteeTimeout TimerKind = 3
	// TimerInviterTimeout: client mode, the inviter's timeout + 5 s timer.
	TimerInviterTimeout TimerKind = 4
	// TimerPrune: the shard drops history past its retention.
	TimerPrune TimerKind = 5
	// TimerForget: server mode, an invitation added from an offline push whose
	// invite never arrived is forgotten once it must have ended.
	TimerForget TimerKind = 6
	// TimerAck: a device acks the pushes it holds unacknowledged.
	TimerAck TimerKind = 7
	// TimerBusRetransmit: a shard resends its bus frames to peer shard Ref
	// that are not acknowledged yet.
	TimerBusRetransmit TimerKind = 8
	// TimerBusAck: a shard acks the bus frames of peer shard Ref that no
	// frame of its own has acked on the way back.
	TimerBusAck TimerKind = 9
)

var timerNames = [...]string{"?", "retransmit", "invite-timeout", "invitee-timeout", "inviter-timeout", "prune", "forget", "ack",
	"bus-retransmit", "bus-ack"}

func (k TimerKind) String() string {
	if int(k) < len(timerNames) {
		return timerNames[k]
	}
	return "timer(" + strconv.Itoa(int(k)) + ")"
}

// Timer asks the driver to call Fire(At, timer) at the node's local time At. A
// node ignores a timer that no longer applies, which also settles a firing that
// races the event that made it moot. With Cancel set, the node tells the driver
// it no longer needs the timer of that Kind (and, at a shard, Ref) it asked for
// before: the driver may drop it to save the event, or fire it anyway.
type Timer struct {
	Kind   TimerKind
	Ref    uint64
	At     Time // node-local time, ns
	Cancel bool
}

// CallbackKind names a listener callback.
type CallbackKind uint8

// Callbacks of V2TIMSignalingListener, then of V2TimGroupListener.
const (
	OnReceiveNewInvitation CallbackKind = iota + 1
	OnInviteeAccepted
	OnInviteeRejected
	OnInvitationCancelled
	OnInvitationTimeout
	OnInvitationModified
	OnMemberEnter
	OnMemberLeave
	OnGroupDismissed
)

var callbackNames = [...]string{"?", "OnReceiveNewInvitation", "OnInviteeAccepted", "OnInviteeRejected",
	"OnInvitationCancelled", "OnInvitationTimeout", "OnInvitationModified", "OnMemberEnter", "OnMemberLeave", "OnGroupDismissed"}

func (k CallbackKind) String() string {
	if int(k) < len(callbackNames) {
		return callbackNames[k]
	}
	return "callback(" + strconv.Itoa(int(k)) + ")"
}

// Callback is one listener callback fired on a device.
type Callback struct {
	Kind     CallbackKind
	InviteID string
	Inviter  string   // OnReceiveNewInvitation, OnInvitationCancelled
	GroupID  string   // OnReceiveNewInvitation and the group callbacks
	Invitee  string   // OnInviteeAccepted, OnInviteeRejected
	Invitees []string // new invitation: the invitee list; timeout: who timed out; cancel: who was cancelled (our addition); member events: who
	Data     string
}

// Describe is the canonical text of the callback, e.g.
// `OnInviteeAccepted(c1, invitee=bob, data="")`.
func (c *Callback) Describe() string {
	var b strings.Builder
	b.WriteString(c.Kind.String())
	b.WriteByte('(')
	switch c.Kind {
	case OnReceiveNewInvitation:
		fmt.Fprintf(&b, "%s, inviter=%s, group=%s, invitees=%s, data=%q", c.InviteID, c.Inviter, c.GroupID, describeList(c.Invitees), c.Data)
	case OnInviteeAccepted, OnInviteeRejected:
		fmt.Fprintf(&b, "%s, invitee=%s, data=%q", c.InviteID, c.Invitee, c.Data)
	case OnInvitationCancelled:
		fmt.Fprintf(&b, "%s, inviter=%s, data=%q, cancelled=%s", c.InviteID, c.Inviter, c.Data, describeList(c.Invitees))
	case OnInvitationTimeout:
		fmt.Fprintf(&b, "%s, invitees=%s", c.InviteID, describeList(c.Invitees))
	case OnInvitationModified:
		fmt.Fprintf(&b, "%s, data=%q", c.InviteID, c.Data)
	case OnMemberEnter, OnMemberLeave:
		fmt.Fprintf(&b, "%s, members=%s", c.GroupID, describeList(c.Invitees))
	case OnGroupDismissed:
		b.WriteString(c.GroupID)
	}
	b.WriteByte(')')
	return b.String()
}

// APICall numbers an API call on one device (Login, Invite, Accept, ...); its
// Result carries the same number. It is not the wire's request number
// (Frame.ReqID), which logins, retransmissions and sessions also consume.
type APICall uint64

// Result is the success or error callback of one API call.
type Result struct {
	Call     APICall
	Op       Op
	InviteID string // the invitation the call was about, if any
	Code     Code
	Text     string   // error detail
	Members  []string // OpGetGroupMembers
	// After is how many of the same Output's Callbacks fired before this
	// result: the app hears those first. A result that waited for a push is
	// released by it, after its callback, in the same output (docs/DESIGN.md §4.8);
	// a driver reports the two slices merged in this order (see EachReport).
	After int32
	// Unanswered: the request was sent but its answer never came (the device
	// logged out without a connection): it may still take effect. Any other
	// failure is definite: the request had no effect.
	Unanswered bool
	// Local: the device refused the call itself, from what it knows (its
	// list, its session, the call's arguments); nothing was sent.
	Local bool
}

// Err returns the result as an error, nil on success.
func (r *Result) Err() error {
	if r.Code == OK {
		return nil
	}
	return &Error{Code: r.Code, Msg: r.Text}
}

// Describe is the canonical text of the result, e.g. `accept c1 -> 8010 invitation
// invalid (already accepted)`.
func (r *Result) Describe() string {
	var b strings.Builder
	b.WriteString(r.Op.String())
	if r.InviteID != "" {
		b.WriteByte(' ')
		b.WriteString(r.InviteID)
	}
	b.WriteString(" -> ")
	b.WriteString(r.Code.String())
	if r.Text != "" {
		b.WriteString(" (")
		b.WriteString(r.Text)
		b.WriteByte(')')
	}
	if r.Op == OpGetGroupMembers && r.Code == OK {
		b.WriteByte(' ')
		writeList(&b, r.Members)
	}
	return b.String()
}

// OfflinePush is a push notification the server recorded for a user with no online
// device: what the vendor push channel would show, with the signaling info the app
// passes to AddInvitedSignaling when the user taps it.
type OfflinePush struct {
	User string
	Info OfflinePushInfo
	Sig  SignalingInfo
}

// Describe is the canonical text of the push.
func (p *OfflinePush) Describe() string {
	return fmt.Sprintf("offline-push to=%s title=%q %s", p.User, p.Info.Title, p.Sig.Describe())
}

// Note is something a node did silently that an observer of the run must know, such
// as a client-mode device dropping a stale invitation.
type Note struct {
	InviteID string
	Text     string
}

// Transition is a decision of a shard, reported so that checkers can compare
// what every device learns with what the shard decided, in the shard's order:
// in server mode, each invitation's creation, modifications and each
// invitee's final state; in both modes, each change of a group's membership.
type Transition struct {
	InviteID string
	Invitee  string       // "" when the invitation was created
	State    InviteeState // the invitee's new (final) state
	// Set when the invitation was created:
	Inviter    string
	GroupID    string
	Invitees   []string
	Timeout    int
	OnlineOnly bool
	// Modified: the inviter changed the invitation's data, from device By
	// ("user/device"), which hears it as its result, not as a callback.
	Modified bool
	By       string
	// Reached: an online-only invitation reached the home shard of Invitees (users
	// placed there), which pushed it to the sessions open at this moment and no
	// others.
	Reached bool
	// Tip, with GroupID (and no InviteID), is a change of a group's
	// membership: Invitees entered it (its creation too) or left it, or it was
	// dismissed. Its members hear it as a group tip.
	Tip TipType
}

// Describe is the canonical text of the transition.
func (t *Transition) Describe() string {
	if t.Tip != 0 {
		s := "group " + t.GroupID + " " + t.Tip.String()
		if t.Tip != TipGroupDismissed {
			s += " " + describeList(t.Invitees)
		}
		return s
	}
	if t.Modified {
		return "modified " + t.InviteID
	}
	if t.Reached {
		return "online-only " + t.InviteID + " reached " + describeList(t.Invitees)
	}
	if t.Invitee == "" {
		s := fmt.Sprintf("created %s inviter=%s invitees=%s timeout=%ds", t.InviteID, t.Inviter, describeList(t.Invitees), t.Timeout)
		if t.GroupID != "" {
			s += " group=" + t.GroupID
		}
		if t.OnlineOnly {
			s += " online-only"
		}
		return s
	}
	return t.InviteID + " " + t.Invitee + " " + t.State.String()
}

// Output is what a node produced since the last Advance: frames to send, timers to
// set, callbacks fired, API results, offline pushes recorded and notes. The slices
// belong to the node and are reused after Advance. Callbacks and Results are one
// stream to the app, kept in two slices: Result.After says where each result
// falls among the callbacks (EachReport walks them in that order).
type Output struct {
	Msgs      []Envelope
	Timers    []Timer
	Callbacks []Callback
	Results   []Result
	Pushes    []OfflinePush
	Notes     []Note
	// Transitions are a server-mode shard's decisions (created, and each invitee's
	// final state), in the order it made them.
	Transitions []Transition
	// Paths are the rare code paths the node took (see Path), for coverage.
	Paths []Path

	frames *FramePool // where the frames sent come from; nil: allocated
}

// FramePool holds frames for nodes to send, given back by the driver once it
// is done with them (Envelope): a simulator that delivers every frame sends
// millions without allocating one. Share one only among nodes driven by one
// goroutine. The zero value is ready.
type FramePool struct {
	free []*Frame
}

// Put gives back a frame the driver is done with.
func (p *FramePool) Put(f *Frame) { p.free = append(p.free, f) }

// Len is the number of frames the pool holds.
func (p *FramePool) Len() int { return len(p.free) }

// send appends a copy of f to the frames to send to to.
func (o *Output) send(to Addr, f *Frame) {
	*o.slot(to) = *f
}

// frame appends an empty frame to send to to and returns it, for the caller
// to fill in place (a frame built aside would be copied).
func (o *Output) frame(to Addr) *Frame {
	p := o.slot(to)
	*p = Frame{}
	return p
}

// slot appends a frame to send to to and returns it, its fields stale: the
// caller sets every one.
func (o *Output) slot(to Addr) *Frame {
	var p *Frame
	if fp := o.frames; fp != nil && len(fp.free) > 0 {
		p = fp.free[len(fp.free)-1]
		fp.free = fp.free[:len(fp.free)-1]
	} else {
		p = new(Frame)
	}
	o.Msgs = append(o.Msgs, Envelope{To: to, Frame: p})
	return p
}

// EachReport calls callback and result for the output's callbacks and results
// in the order the app hears them.
func (o *Output) EachReport(callback func(*Callback), result func(*Result)) {
	next := 0
	for i := range o.Results {
		r := &o.Results[i]
		for ; next < int(r.After) && next < len(o.Callbacks); next++ {
			callback(&o.Callbacks[next])
		}
		result(r)
	}
	for ; next < len(o.Callbacks); next++ {
		callback(&o.Callbacks[next])
	}
}

// Empty tells whether there is nothing to act on.
func (o *Output) Empty() bool {
	return len(o.Msgs) == 0 && len(o.Timers) == 0 && len(o.Callbacks) == 0 &&
		len(o.Results) == 0 && len(o.Pushes) == 0 && len(o.Notes) == 0 && len(o.Transitions) == 0
}

// reset empties the output for the next step. The slices of every step are
// not cleared (clearing pointers costs a write barrier each while the
// collector marks): the next outputs overwrite their entries, and until then
// what they refer to (frames back in the pool, names, IDs) is at most an
// output's worth of small objects kept alive a little longer.
func (o *Output) reset() {
	o.Msgs = o.Msgs[:0]
	o.Timers = o.Timers[:0]
	o.Callbacks = o.Callbacks[:0]
	o.Results = o.Results[:0]
	clear(o.Pushes)
	o.Pushes = o.Pushes[:0]
	o.Notes = o.Notes[:0]
	o.Transitions = o.Transitions[:0]
	o.Paths = o.Paths[:0]
}
