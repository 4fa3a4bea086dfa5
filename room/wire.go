package room

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sigsim/internal/msgp"
	"strconv"
	"strings"
)

// FrameType is the kind of a frame between a device and a room node.
type FrameType uint8

// Frame types. Device → node: Request, Ack. Node → device: Item, Reset.
const (
	FrameRequest  FrameType = 1 // an API request, carrying the device's ack of items
	FrameAck      FrameType = 2 // a cumulative ack of items, alone
	FrameItem     FrameType = 3 // one item of the node's sequenced stream to the session
	FrameReset    FrameType = 4 // the node has no such session: it is lost
	numFrameTypes FrameType = 5
)

var frameNames = [...]string{"?", "REQ", "ACK", "ITEM", "RESET"}

func (t FrameType) String() string {
	if int(t) < len(frameNames) {
		return frameNames[t]
	}
	return "frame(" + strconv.Itoa(int(t)) + ")"
}

// Op is a room API operation.
type Op uint8

// Operations.
const (
	OpEnter Op = 1 // enterRoom
	OpExit  Op = 2 // exitRoom
	OpVideo Op = 3 // open or close the camera in a room (publish video)
	OpRole  Op = 4 // switch role in a room: anchor, or audience (switchRole)
	numOps  Op = 5
)

var opNames = [...]string{"?", "enter", "exit", "video", "role"}

func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return "op(" + strconv.Itoa(int(o)) + ")"
}

// ItemKind is what an item of the node's stream to a session says.
type ItemKind uint8

// Item kinds.
const (
	ItemResponse ItemKind = 1 // the answer to request ReqID
	ItemEntered  ItemKind = 2 // User is in Room (entered, or was there when the session entered)
	ItemLeft     ItemKind = 3 // User left Room, for Reason
	ItemVideo    ItemKind = 4 // User's video in Room is available (Flag) or not
	ItemKicked   ItemKind = 5 // the session is no longer in Room: its user entered it from another session
	numItems     ItemKind = 6
)

var itemNames = [...]string{"?", "RESP", "ENTERED", "LEFT", "VIDEO", "KICKED"}

func (k ItemKind) String() string {
	if int(k) < len(itemNames) {
		return itemNames[k]
	}
	return "item(" + strconv.Itoa(int(k)) + ")"
}

// Reason says why a member left a room.
type Reason uint8

// Reasons.
const (
	ReasonExit   Reason = 0 // it called ExitRoom
	ReasonKicked Reason = 1 // its user entered the room from another session
	ReasonLost   Reason = 2 // its session was lost: disconnected, crashed, or the room node crashed
	ReasonRole   Reason = 3 // it switched to audience: it is still there, unseen
	numReasons   Reason = 4
)

var reasonNames = [...]string{"exit", "kicked", "lost", "role"}

func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return "reason(" + strconv.Itoa(int(r)) + ")"
}

// Code is the result of a room API call: 0 is success.
type Code int32

// Codes. TRTC reports errors as negative numbers; these are ours.
const (
	OK Code = 0
	// CodeInvalid: an empty room ID, or a call the SDK refuses locally
	// (entering a room it is already in or entering).
	CodeInvalid Code = -1001
	// CodeNotInRoom: exit or video in a room the device is not in.
	CodeNotInRoom Code = -3302
	// CodeLost: the session with the room node was lost before the answer
	// came (the node crashed, or the device's connection was reset).
	CodeLost Code = -3301
	// CodeNotAnchor: video from a member of the audience.
	CodeNotAnchor Code = -3303
)

// Role is a member's role in a room, as in TRTC's live scenes: anchors are
// seen — the others hear when they enter and leave, and of their cameras —
// the audience is not (a room of a teacher and two hundred students is not
// forty thousand announcements). In a call both parties are anchors.
type Role uint8

// Roles.
const (
	RoleAnchor   Role = 0
	RoleAudience Role = 1
)

func (r Role) String() string {
	if r == RoleAudience {
		return "audience"
	}
	return "anchor"
}

func (c Code) String() string {
	switch c {
	case OK:
		return "ok"
	case CodeInvalid:
		return "-1001 invalid"
	case CodeNotInRoom:
		return "-3302 not in room"
	case CodeLost:
		return "-3301 room server lost"
	case CodeNotAnchor:
		return "-3303 not an anchor"
	}
	return strconv.Itoa(int(c))
}

// Frame is everything that crosses a device↔room-node link. Each type encodes
// only the fields it uses.
type Frame struct {
	Type  FrameType
	Epoch uint64 // the session: frames of another session are not its own
	// Seq — Item: its sequence in the session's stream (from 1). Request,
	// Ack: the highest item received in order (a cumulative ack), 0 if none.
	Seq   uint64
	ReqID uint64 // Request; Item (Response): the request answered
	// Low — Request: the device's lowest request still unanswered (this one's
	// ReqID if none is older). A node that has no such session tells a session
	// still waiting for its first answer (Low 1) from one it lost (Low > 1).
	Low    uint64
	Op     Op // Request; Item (Response): the op answered
	Item   ItemKind
	Code   Code // Item (Response)
	Room   string
	User   string // Request: the requesting user; Item: the member it is about
	Device string // Request: the requesting device
	// Flag — Request Video, Item Video: the camera is on. Request Enter,
	// Role: as a member of the audience.
	Flag   bool
	Reason Reason // Item (Left)
}

// number of msgpack array elements of each frame type, type and epoch included
var frameLen = [...]int{FrameRequest: 10, FrameAck: 3, FrameItem: 11, FrameReset: 2}

// Encode returns the msgpack bytes of f (a fresh slice, made once at its
// exact size: frames in flight keep theirs).
func Encode(f *Frame) []byte { return AppendFrame(make([]byte, 0, size(f)), f) }

// size is the length of f's encoding.
func size(f *Frame) int {
	n := 1 + msgp.SizeUint(uint64(f.Type)) + msgp.SizeUint(f.Epoch)
	switch f.Type {
	case FrameRequest:
		n += msgp.SizeUint(f.Seq) + msgp.SizeUint(f.ReqID) + msgp.SizeUint(f.Low) + msgp.SizeUint(uint64(f.Op)) +
			msgp.SizeString(f.Room) + msgp.SizeString(f.User) + msgp.SizeString(f.Device) + 1
	case FrameAck:
		n += msgp.SizeUint(f.Seq)
	case FrameItem:
		c := msgp.SizeUint(uint64(int64(f.Code)))
		if f.Code < 0 {
			c = len(msgp.AppendInt(nil, int64(f.Code)))
		}
		n += msgp.SizeUint(f.Seq) + msgp.SizeUint(uint64(f.Item)) + msgp.SizeUint(f.ReqID) + msgp.SizeUint(uint64(f.Op)) + c +
			msgp.SizeString(f.Room) + msgp.SizeString(f.User) + 1 + msgp.SizeUint(uint64(f.Reason))
	}
	return n
}

// AppendFrame appends the msgpack encoding of f to b: an array
// [type, epoch, fields...] whose fields depend on the type, every number in
// its smallest form.
func AppendFrame(b []byte, f *Frame) []byte {
	n := 2
	if int(f.Type) < len(frameLen) && f.Type != 0 {
		n = frameLen[f.Type]
	}
	b = append(b, 0x90|byte(n))
	b = msgp.AppendUint(b, uint64(f.Type))
	b = msgp.AppendUint(b, f.Epoch)
	switch f.Type {
	case FrameRequest:
		b = msgp.AppendUint(b, f.Seq)
		b = msgp.AppendUint(b, f.ReqID)
		b = msgp.AppendUint(b, f.Low)
		b = msgp.AppendUint(b, uint64(f.Op))
		b = msgp.AppendString(b, f.Room)
		b = msgp.AppendString(b, f.User)
		b = msgp.AppendString(b, f.Device)
		b = msgp.AppendBool(b, f.Flag)
	case FrameAck:
		b = msgp.AppendUint(b, f.Seq)
	case FrameItem:
		b = msgp.AppendUint(b, f.Seq)
		b = msgp.AppendUint(b, uint64(f.Item))
		b = msgp.AppendUint(b, f.ReqID)
		b = msgp.AppendUint(b, uint64(f.Op))
		b = msgp.AppendInt(b, int64(f.Code))
		b = msgp.AppendString(b, f.Room)
		b = msgp.AppendString(b, f.User)
		b = msgp.AppendBool(b, f.Flag)
		b = msgp.AppendUint(b, uint64(f.Reason))
	}
	return b
}

// Decode parses wire bytes. Malformed input gives an error naming what is
// wrong, never a panic.
func Decode(b []byte, f *Frame) error {
	*f = Frame{}
	r := reader{b: b}
	n := r.arrayLen()
	if r.err != nil {
		return fmt.Errorf("room frame: %w", r.err)
	}
	if n < 2 {
		return fmt.Errorf("room frame: %d elements, want at least 2", n)
	}
	f.Type = FrameType(r.uint("type", uint64(numFrameTypes)-1))
	if r.err == nil && f.Type == 0 {
		r.err = errors.New("type: 0 is no frame type")
	}
	f.Epoch = r.uint("epoch", math.MaxUint64)
	if r.err != nil {
		return fmt.Errorf("room frame: %w", r.err)
	}
	if want := frameLen[f.Type]; n != want {
		return fmt.Errorf("room frame: %s has %d elements, want %d", f.Type, n, want)
	}
	switch f.Type {
	case FrameRequest:
		f.Seq = r.uint("ack", math.MaxUint64)
		f.ReqID = r.uint("reqID", math.MaxUint64)
		f.Low = r.uint("low", math.MaxUint64)
		f.Op = Op(r.uint("op", uint64(numOps)-1))
		f.Room = r.string("room")
		f.User = r.string("user")
		f.Device = r.string("device")
		f.Flag = r.bool("flag")
		if r.err == nil && f.Op == 0 {
			r.err = errors.New("op: 0 is no op")
		}
	case FrameAck:
		f.Seq = r.uint("ack", math.MaxUint64)
	case FrameItem:
		f.Seq = r.uint("seq", math.MaxUint64)
		f.Item = ItemKind(r.uint("item", uint64(numItems)-1))
		f.ReqID = r.uint("reqID", math.MaxUint64)
		f.Op = Op(r.uint("op", uint64(numOps)-1))
		f.Code = Code(r.int("code", math.MinInt32, math.MaxInt32))
		f.Room = r.string("room")
		f.User = r.string("user")
		f.Flag = r.bool("flag")
		f.Reason = Reason(r.uint("reason", uint64(numReasons)-1))
		if r.err == nil && f.Item == 0 {
			r.err = errors.New("item: 0 is no item kind")
		}
	}
	if r.err == nil && r.p != len(b) {
		r.err = fmt.Errorf("%d trailing bytes", len(b)-r.p)
	}
	if r.err != nil {
		return fmt.Errorf("room frame: %s: %w", f.Type, r.err)
	}
	return nil
}

// Describe is the canonical one-line text of a frame, used by traces, e.g.
// "REQ e=1 #1 enter room=c1 by=bob/1" or "ITEM e=1 s=2 ENTERED room=c1 user=alice".
func (f *Frame) Describe() string {
	var b strings.Builder
	b.WriteString(f.Type.String())
	b.WriteString(" e=")
	b.WriteString(strconv.FormatUint(f.Epoch, 10))
	switch f.Type {
	case FrameRequest:
		fmt.Fprintf(&b, " #%d %s room=%s by=%s/%s", f.ReqID, f.Op, f.Room, f.User, f.Device)
		switch {
		case f.Op == OpVideo:
			b.WriteString(onOff(f.Flag))
		case f.Op == OpRole && f.Flag, f.Op == OpEnter && f.Flag:
			b.WriteString(" audience")
		case f.Op == OpRole:
			b.WriteString(" anchor")
		}
		if f.Seq != 0 {
			fmt.Fprintf(&b, " ack=%d", f.Seq)
		}
		if f.Low != f.ReqID {
			fmt.Fprintf(&b, " low=%d", f.Low)
		}
	case FrameAck:
		fmt.Fprintf(&b, " s=%d", f.Seq)
	case FrameItem:
		fmt.Fprintf(&b, " s=%d %s", f.Seq, f.Item)
		switch f.Item {
		case ItemResponse:
			fmt.Fprintf(&b, " #%d %s room=%s %s", f.ReqID, f.Op, f.Room, f.Code)
		case ItemEntered, ItemKicked:
			fmt.Fprintf(&b, " room=%s user=%s", f.Room, f.User)
		case ItemLeft:
			fmt.Fprintf(&b, " room=%s user=%s reason=%s", f.Room, f.User, f.Reason)
		case ItemVideo:
			fmt.Fprintf(&b, " room=%s user=%s%s", f.Room, f.User, onOff(f.Flag))
		}
	}
	return b.String()
}

func onOff(on bool) string {
	if on {
		return " on"
	}
	return " off"
}

// DescribeWire decodes and describes wire bytes, or says why they do not decode.
func DescribeWire(b []byte) string {
	var f Frame
	if err := Decode(b, &f); err != nil {
		return "undecodable (" + err.Error() + ")"
	}
	return f.Describe()
}

// The encoder writes the smallest msgpack form of every value, as
// github.com/vmihailenco/msgpack/v5 does; the reader takes any valid form.

// reader reads msgpack values; the first error sticks and names the field.
type reader struct {
	b   []byte
	p   int
	err error
}

func (r *reader) fail(field string, format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...))
	}
}

func (r *reader) next(field string, k int) []byte {
	if r.err != nil {
		return nil
	}
	if k < 0 || len(r.b)-r.p < k {
		r.fail(field, "truncated")
		return nil
	}
	s := r.b[r.p : r.p+k]
	r.p += k
	return s
}

func (r *reader) byte1(field string) byte {
	s := r.next(field, 1)
	if s == nil {
		return 0xc1 // never used by msgpack
	}
	return s[0]
}

func (r *reader) arrayLen() int {
	c := r.byte1("array")
	switch {
	case r.err != nil:
		return 0
	case c&0xf0 == 0x90:
		return int(c & 0x0f)
	case c == 0xdc:
		if s := r.next("array", 2); s != nil {
			return int(binary.BigEndian.Uint16(s))
		}
	case c == 0xdd:
		if s := r.next("array", 4); s != nil {
			return int(min(binary.BigEndian.Uint32(s), math.MaxInt32))
		}
	default:
		r.fail("array", "code 0x%02x is not an array", c)
	}
	return 0
}

// int reads an integer in [lo, hi].
func (r *reader) int(field string, lo, hi int64) int64 {
	c := r.byte1(field)
	if r.err != nil {
		return 0
	}
	var v int64
	var big bool // a uint64 above MaxInt64
	switch {
	case c <= 0x7f:
		v = int64(c)
	case c >= 0xe0:
		v = int64(int8(c))
	case c == 0xcc:
		if s := r.next(field, 1); s != nil {
			v = int64(s[0])
		}
	case c == 0xcd:
		if s := r.next(field, 2); s != nil {
			v = int64(binary.BigEndian.Uint16(s))
		}
	case c == 0xce:
		if s := r.next(field, 4); s != nil {
			v = int64(binary.BigEndian.Uint32(s))
		}
	case c == 0xcf:
		if s := r.next(field, 8); s != nil {
			u := binary.BigEndian.Uint64(s)
			big = u > math.MaxInt64
			v = int64(u)
		}
	case c == 0xd0:
		if s := r.next(field, 1); s != nil {
			v = int64(int8(s[0]))
		}
	case c == 0xd1:
		if s := r.next(field, 2); s != nil {
			v = int64(int16(binary.BigEndian.Uint16(s)))
		}
	case c == 0xd2:
		if s := r.next(field, 4); s != nil {
			v = int64(int32(binary.BigEndian.Uint32(s)))
		}
	case c == 0xd3:
		if s := r.next(field, 8); s != nil {
			v = int64(binary.BigEndian.Uint64(s))
		}
	default:
		r.fail(field, "code 0x%02x is not an integer", c)
		return 0
	}
	if r.err == nil && (big || v < lo || v > hi) {
		r.fail(field, "%d out of range [%d,%d]", v, lo, hi)
		return 0
	}
	return v
}

// uint reads an unsigned integer up to hi.
func (r *reader) uint(field string, hi uint64) uint64 {
	save := r.p
	c := r.byte1(field)
	if r.err != nil {
		return 0
	}
	if c == 0xcf { // the one form an int64 cannot hold
		s := r.next(field, 8)
		if s == nil {
			return 0
		}
		u := binary.BigEndian.Uint64(s)
		if u > hi {
			r.fail(field, "%d out of range [0,%d]", u, hi)
			return 0
		}
		return u
	}
	r.p = save
	v := r.int(field, 0, math.MaxInt64)
	if r.err == nil && uint64(v) > hi {
		r.fail(field, "%d out of range [0,%d]", v, hi)
		return 0
	}
	return uint64(v)
}

func (r *reader) string(field string) string {
	c := r.byte1(field)
	if r.err != nil {
		return ""
	}
	var n int
	switch {
	case c&0xe0 == 0xa0:
		n = int(c & 0x1f)
	case c == 0xd9:
		if s := r.next(field, 1); s != nil {
			n = int(s[0])
		}
	case c == 0xda:
		if s := r.next(field, 2); s != nil {
			n = int(binary.BigEndian.Uint16(s))
		}
	case c == 0xdb:
		if s := r.next(field, 4); s != nil {
			n = int(min(binary.BigEndian.Uint32(s), math.MaxInt32))
		}
	default:
		r.fail(field, "code 0x%02x is not a string", c)
		return ""
	}
	return string(r.next(field, n))
}

func (r *reader) bool(field string) bool {
	c := r.byte1(field)
	if r.err != nil {
		return false
	}
	switch c {
	case 0xc2:
		return false
	case 0xc3:
		return true
	}
	r.fail(field, "code 0x%02x is not a bool", c)
	return false
}
