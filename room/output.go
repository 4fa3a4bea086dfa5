package room

import (
	"strconv"
	"strings"

	"sigsim/engine"
)

// TimerKind says what a room timer is for.
type TimerKind uint8

// Timer kinds.
const (
	// TimerRetransmit: a node resends the items a session has not
	// acknowledged (Ref names the session), a device the requests a node has
	// not answered (Ref names the node and session).
	TimerRetransmit TimerKind = 1
	// TimerAck: a device acknowledges the items it received.
	TimerAck TimerKind = 2
)

func (k TimerKind) String() string {
	switch k {
	case TimerRetransmit:
		return "room-retransmit"
	case TimerAck:
		return "room-ack"
	}
	return "room-timer(" + strconv.Itoa(int(k)) + ")"
}

// Timer asks the driver to call Fire(now, timer) at the node's local time At.
// A node ignores a timer that no longer applies.
type Timer struct {
	Kind TimerKind
	Ref  uint64
	At   int64
}

// Call numbers a room API call on one device; the events that answer it carry
// the same number.
type Call uint64

// EventKind names a TRTC callback.
type EventKind uint8

// Events, named after TRTCCloudListener's callbacks.
const (
	// OnEnterRoom: the result of EnterRoom (Code 0: the device is in the room).
	OnEnterRoom EventKind = iota + 1
	// OnExitRoom: the device is out of the room: its ExitRoom completed
	// (Reason exit, Code 0, or CodeNotInRoom if it was in no such room), or the
	// room was taken from it (Reason kicked or lost).
	OnExitRoom
	// OnRemoteUserEnterRoom: User is in the room (it entered, or was there when
	// this device entered).
	OnRemoteUserEnterRoom
	// OnRemoteUserLeaveRoom: User left the room, for Reason.
	OnRemoteUserLeaveRoom
	// OnUserVideoAvailable: User's video is available (Available) or not.
	OnUserVideoAvailable
)

var eventNames = [...]string{"?", "OnEnterRoom", "OnExitRoom", "OnRemoteUserEnterRoom", "OnRemoteUserLeaveRoom", "OnUserVideoAvailable"}

func (k EventKind) String() string {
	if int(k) < len(eventNames) {
		return eventNames[k]
	}
	return "event(" + strconv.Itoa(int(k)) + ")"
}

// Event is one callback a device's room SDK fires.
type Event struct {
	Kind      EventKind
	Room      string
	User      string // the remote user (OnRemoteUser…, OnUserVideoAvailable)
	Code      Code   // OnEnterRoom, OnExitRoom
	Reason    Reason // OnExitRoom, OnRemoteUserLeaveRoom
	Available bool   // OnUserVideoAvailable
	Call      Call   // OnEnterRoom, OnExitRoom after ExitRoom: the call answered
}

// Describe is the canonical text of the event, e.g.
// "OnRemoteUserLeaveRoom(c1, user=alice, reason=exit)".
func (e *Event) Describe() string {
	var b strings.Builder
	b.WriteString(e.Kind.String())
	b.WriteByte('(')
	b.WriteString(e.Room)
	switch e.Kind {
	case OnEnterRoom:
		b.WriteString(", ")
		b.WriteString(e.Code.String())
	case OnExitRoom:
		b.WriteString(", reason=")
		b.WriteString(e.Reason.String())
		if e.Code != OK {
			b.WriteString(", ")
			b.WriteString(e.Code.String())
		}
	case OnRemoteUserEnterRoom:
		b.WriteString(", user=")
		b.WriteString(e.User)
	case OnRemoteUserLeaveRoom:
		b.WriteString(", user=")
		b.WriteString(e.User)
		b.WriteString(", reason=")
		b.WriteString(e.Reason.String())
	case OnUserVideoAvailable:
		b.WriteString(", user=")
		b.WriteString(e.User)
		b.WriteString(", available=")
		b.WriteString(strconv.FormatBool(e.Available))
	}
	b.WriteByte(')')
	return b.String()
}

// ChangeKind names a decision of a room node.
type ChangeKind uint8

// Changes.
const (
	Entered  ChangeKind = iota + 1 // User became a member of Room (of the audience if Audience)
	Left                           // User stopped being a member of Room, for Reason
	Video                          // User's video in Room turned on or off (On)
	Switched                       // User switched role in Room: to the audience if Audience, else anchor
)

// Change is a room node's decision about its membership, reported so that
// checkers can compare what devices learn with what the node decided (like
// engine.Transition).
type Change struct {
	Kind     ChangeKind
	Room     string
	User     string
	Device   engine.Addr // the member's device
	Reason   Reason      // Left
	On       bool        // Video
	Audience bool        // Entered, Switched
}

// Describe is the canonical text of the change, e.g. "room c1 left alice reason=lost".
func (c *Change) Describe() string {
	switch c.Kind {
	case Entered:
		if c.Audience {
			return "room " + c.Room + " entered " + c.User + " audience"
		}
		return "room " + c.Room + " entered " + c.User
	case Switched:
		if c.Audience {
			return "room " + c.Room + " role " + c.User + " audience"
		}
		return "room " + c.Room + " role " + c.User + " anchor"
	case Left:
		return "room " + c.Room + " left " + c.User + " reason=" + c.Reason.String()
	case Video:
		return "room " + c.Room + " video " + c.User + onOff(c.On)
	}
	return "room " + c.Room + " change(" + strconv.Itoa(int(c.Kind)) + ") " + c.User
}

// Output is what a room node or a device's room SDK produced since the last
// Advance. The slices belong to it and are reused after Advance.
type Output struct {
	Msgs    []engine.Envelope
	Timers  []Timer
	Events  []Event  // a device's callbacks
	Changes []Change // a node's membership decisions, in the order it made them
}

// Empty tells whether there is nothing to act on.
func (o *Output) Empty() bool {
	return len(o.Msgs) == 0 && len(o.Timers) == 0 && len(o.Events) == 0 && len(o.Changes) == 0
}

func (o *Output) reset() {
	clear(o.Msgs)
	o.Msgs = o.Msgs[:0]
	o.Timers = o.Timers[:0]
	clear(o.Events)
	o.Events = o.Events[:0]
	clear(o.Changes)
	o.Changes = o.Changes[:0]
}
