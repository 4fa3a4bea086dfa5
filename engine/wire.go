package engine

import (
	"bytes"
	"errors"
	"fmt"
	"sigsim/internal/msgp"
	"strconv"
	"strings"

	"github.com/vmihailenco/msgpack/v5"
)

// Addr names a node on the network. By convention shard k has address k
// (0 ≤ k < number of shards); devices get the addresses above, handed out by
// whoever builds the world.
type Addr int32

// FrameType is the kind of a frame on a device link or between shards.
type FrameType uint8

// Frame types. Device → shard: Login, Logout, Request, Ack. Shard → device:
// LoginOK, Response, Push. Shard → shard (the bus): Forward, Reply, Deliver,
// BusAck.
const (
	FrameLogin    FrameType = 1
	FrameLoginOK  FrameType = 2
	FrameLogout   FrameType = 3
	FrameRequest  FrameType = 4
	FrameResponse FrameType = 5
	FramePush     FrameType = 6
	FrameAck      FrameType = 7
	FrameForward  FrameType = 8
	FrameReply    FrameType = 9
	FrameDeliver  FrameType = 10
	FrameBusAck   FrameType = 11
)

// NumFrameTypes bounds the frame types: every FrameType is below it.
const NumFrameTypes = FrameBusAck + 1

var frameNames = [...]string{"?", "LOGIN", "LOGIN-OK", "LOGOUT", "REQ", "RESP", "PUSH", "ACK", "FWD", "REPLY", "DELIVER", "BUS-ACK"}

// onBus tells whether frames of the type travel between shards: each carries a
// BusAck, and each but BusAck itself a BusSeq.
func (t FrameType) onBus() bool { return t >= FrameForward && t <= FrameBusAck }

// WireType returns the type of an encoded frame from its first bytes,
// without decoding it; 0 if they are not a frame's.
func WireType(b []byte) FrameType {
	if len(b) < 2 || b[0] != 0x93 || b[1] == 0 || b[1] >= byte(NumFrameTypes) {
		return 0
	}
	return FrameType(b[1])
}

func (t FrameType) String() string {
	if int(t) < len(frameNames) {
		return frameNames[t]
	}
	return "frame(" + strconv.Itoa(int(t)) + ")"
}

// Op is an API operation, carried by requests and named by results.
type Op uint8

// Operations.
const (
	OpLogin Op = iota + 1
	OpLogout
	OpInvite
	OpInviteInGroup
	OpCancel
	OpAccept
	OpReject
	OpModify
	OpTimeout // client mode: a device announces a timeout it decided locally
	OpAddInvitedSignaling
	OpCreateGroup
	OpJoinGroup
	OpQuitGroup
	OpDismissGroup
	OpGetGroupMembers
	opMax
)

var opNames = [...]string{"?", "login", "logout", "invite", "invite-group", "cancel", "accept", "reject", "modify", "timeout", "add-invited", "create-group", "join-group", "quit-group", "dismiss-group", "group-members"}

func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return "op(" + strconv.Itoa(int(o)) + ")"
}

// OfflinePushInfo is what an offline push notification shows (V2TIMOfflinePushInfo).
type OfflinePushInfo struct {
	Title string
	Desc  string
}

// Frame is everything that crosses a link. One struct for all types keeps the codec
// and the traces in one place; each type encodes only the fields it uses.
type Frame struct {
	Type  FrameType
	Epoch uint64 // device session number; frames of an older session are dropped
	// Seq — Push: its session sequence. Ack: the highest in-order push received.
	// Response, LoginOK: the last push sent on the session before it, which the
	// device applies before it reports the result (or, after a login, the last
	// push of the sync); a carried push (HasMsg) has this sequence.
	Seq uint64
	Ack uint64 // Request: highest in-order push received (an ack riding on the request), 0 if none
	// Low — Request: the device's lowest request still awaiting its answer
	// (this one's ReqID if none is older). The shard may forget the results of
	// the device's requests below it, and drops a late copy of one unanswered:
	// exact deduplication, however long a request is retransmitted.
	Low     uint64
	ReqID   uint64 // Request, Response, Forward, Reply
	Op      Op     // Request, Forward
	Code    Code   // Response, Reply
	User    string // Login; Forward: the requesting user
	Device  string // Login; Forward: the requesting device
	Cursor  uint64 // Login: highest timeline seq the device has processed
	Origin  Addr   // Forward, Reply: the requesting device's address at its home shard
	Info    SignalingInfo
	GroupID string          // group operations
	Members []string        // group operations; Response: member list; Deliver: recipients
	Push    OfflinePushInfo // Request/Forward of an invite; Deliver: push if offline
	HasPush bool
	// Msg — Push, Deliver; Response with HasMsg: the message carried (a push
	// riding on a response). A frame decoded from bytes has it here; one a node
	// sends has it in msg instead, shared with the shard's storage, with its
	// Seq (in the recipient's timeline) in msgSeq.
	Msg    *Message
	HasMsg bool
	// Ended — Deliver: the shard that sends it decided that no more messages
	// follow for the invitation.
	Ended bool
	Text  string // Response, Reply: error detail
	// BusSeq — Forward, Reply, Deliver: the frame's sequence number on the bus
	// from its shard to the receiving one (1, 2, …; never 0). A shard applies
	// each peer's frames once, in this order, and resends what is not acked.
	BusSeq uint64
	// BusAck — every bus frame: the highest BusSeq of the receiver's frames
	// the sender has applied, in order (cumulative, riding on the frame).
	BusAck uint64

	msg    *msgBody // the message of a frame a node sent (see Msg), never changed
	msgSeq uint64
	// info — a request a device sent: its Info as the device keeps it (the
	// invitation it made), never changed: a shard may share it rather than
	// copy it. Always equal to Info (WireCheck checks it).
	info *SignalingInfo
}

// carriesInfo tells whether a request op carries signaling info.
func (o Op) carriesInfo() bool { return o >= OpInvite && o <= OpTimeout }

// carriesGroup tells whether a request op names a group with a member list.
func (o Op) carriesGroup() bool { return o >= OpCreateGroup && o <= OpGetGroupMembers }

// AppendFrame appends the wire bytes of f to b.
func AppendFrame(b []byte, f *Frame) []byte { return appendFrame(b, f) }

func appendFrame(b []byte, f *Frame) []byte {
	b = append(b, 0x93)
	b = msgp.AppendUint(b, uint64(f.Type))
	b = msgp.AppendUint(b, f.Epoch)
	switch f.Type {
	case FrameLogin:
		b = append(b, 0x93)
		b = msgp.AppendString(b, f.User)
		b = msgp.AppendString(b, f.Device)
		b = msgp.AppendUint(b, f.Cursor)
	case FrameLoginOK:
		b = append(b, 0x91)
		b = msgp.AppendUint(b, f.Seq)
	case FrameLogout:
		b = append(b, 0x90)
	case FrameRequest, FrameForward:
		b = append(b, 0x9b)
		b = msgp.AppendUint(b, f.ReqID)
		b = msgp.AppendUint(b, uint64(f.Op))
		b = msgp.AppendString(b, f.User)
		b = msgp.AppendString(b, f.Device)
		b = msgp.AppendInt(b, int64(f.Origin))
		if f.Op.carriesInfo() {
			b = appendSignaling(b, &f.Info)
		} else {
			b = append(b, 0xc0)
		}
		b = msgp.AppendString(b, f.GroupID)
		b = msgp.AppendStrings(b, f.Members)
		if f.HasPush {
			b = append(b, 0x92)
			b = msgp.AppendString(b, f.Push.Title)
			b = msgp.AppendString(b, f.Push.Desc)
		} else {
			b = append(b, 0xc0)
		}
		if f.Type == FrameRequest {
			b = msgp.AppendUint(b, f.Ack)
			b = msgp.AppendUint(b, f.Low)
		} else { // a forward carries the bus's sequence and ack in their places
			b = msgp.AppendUint(b, f.BusSeq)
			b = msgp.AppendUint(b, f.BusAck)
		}
	case FrameResponse:
		b = appendResponseHead(b, f)
		b = msgp.AppendUint(b, f.Seq)
		if f.HasMsg {
			b = appendFrameMsg(b, f)
		} else {
			b = append(b, 0xc0)
		}
	case FrameReply: // a response's head, then the bus's sequence and ack
		b = appendResponseHead(b, f)
		b = msgp.AppendUint(b, f.BusSeq)
		b = msgp.AppendUint(b, f.BusAck)
	case FramePush:
		b = append(b, 0x92)
		b = msgp.AppendUint(b, f.Seq)
		b = appendFrameMsg(b, f)
	case FrameAck:
		b = append(b, 0x91)
		b = msgp.AppendUint(b, f.Seq)
	case FrameDeliver:
		b = append(b, 0x97)
		b = msgp.AppendStrings(b, f.Members)
		b = appendFrameMsg(b, f)
		b = msgp.AppendBool(b, f.Ended)
		b = msgp.AppendBool(b, f.HasPush)
		b = append(b, 0x92)
		b = msgp.AppendString(b, f.Push.Title)
		b = msgp.AppendString(b, f.Push.Desc)
		b = msgp.AppendUint(b, f.BusSeq)
		b = msgp.AppendUint(b, f.BusAck)
	case FrameBusAck:
		b = append(b, 0x91)
		b = msgp.AppendUint(b, f.BusAck)
	}
	return b
}

// appendResponseHead appends a response or reply up to its last two fields: the
// session's last push sequence and the carried push's message (nil if none).
func appendResponseHead(b []byte, f *Frame) []byte {
	b = append(b, 0x9a)
	b = msgp.AppendUint(b, f.ReqID)
	b = msgp.AppendInt(b, int64(f.Code))
	b = msgp.AppendString(b, f.Text)
	b = msgp.AppendStrings(b, f.Members)
	b = msgp.AppendInt(b, int64(f.Origin))
	b = msgp.AppendUint(b, uint64(f.Op))
	b = msgp.AppendString(b, f.User)
	return msgp.AppendString(b, f.Device)
}

// EncodeFrame returns the wire bytes of f (a fresh slice).
func EncodeFrame(f *Frame) []byte {
	return appendFrame(nil, f)
}

// frameBodyLen is the number of body fields of each frame type.
var frameBodyLen = [...]int{FrameLogin: 3, FrameLoginOK: 1, FrameLogout: 0, FrameRequest: 11, FrameForward: 11,
	FrameResponse: 10, FrameReply: 10, FramePush: 2, FrameAck: 1, FrameDeliver: 7, FrameBusAck: 1}

// errNoBusSeq: a forward, reply or deliver must have its place on the bus.
var errNoBusSeq = errors.New("a bus frame without a sequence")

// frameDecoder decodes frames with a reused decoder.
type frameDecoder struct {
	rd  bytes.Reader
	dec *msgpack.Decoder
	in  *interner // names decoded before are not allocated again
	r   mpReader
	// msg, if set, is where a frame's message is decoded (a fresh one each
	// time otherwise).
	msg *Message
}

func (fd *frameDecoder) newMessage() *Message {
	if fd.msg != nil {
		*fd.msg = Message{}
		return fd.msg
	}
	return new(Message)
}

// DecodeFrame parses wire bytes. Malformed input gives an error naming what is
// wrong, never a panic.
func DecodeFrame(b []byte) (Frame, error) {
	var fd frameDecoder
	var f Frame
	err := fd.decode(b, &f)
	return f, err
}

func (fd *frameDecoder) decode(b []byte, f *Frame) error {
	*f = Frame{}
	if fd.fast(b, f) {
		return nil
	}
	fd.rd.Reset(b)
	if fd.dec == nil {
		fd.dec = msgpack.NewDecoder(&fd.rd)
	} else {
		fd.dec.Reset(&fd.rd)
	}
	*f = Frame{}
	err := fd.decodeInto(f)
	if err == nil && fd.rd.Len() != 0 {
		err = fmt.Errorf("%d trailing bytes", fd.rd.Len())
	}
	if err != nil {
		return fmt.Errorf("frame: %w", err)
	}
	return nil
}

func (fd *frameDecoder) decodeInto(f *Frame) error {
	d := fd.dec
	n, err := d.DecodeArrayLen()
	if err != nil {
		return err
	}
	if n != 3 {
		return fmt.Errorf("want 3 elements, got %d", n)
	}
	r := fieldReader{d: d}
	f.Type = FrameType(r.int64("type", 1, int64(NumFrameTypes)-1))
	f.Epoch = r.uint64("epoch")
	if r.err != nil {
		return r.err
	}
	n, err = d.DecodeArrayLen()
	if err != nil {
		return fmt.Errorf("%s body: %w", f.Type, err)
	}
	if want := frameBodyLen[f.Type]; n != want {
		return fmt.Errorf("%s body has %d fields, want %d", f.Type, n, want)
	}
	switch f.Type {
	case FrameLogin:
		f.User = r.string("user")
		f.Device = r.string("device")
		f.Cursor = r.uint64("cursor")
	case FrameLoginOK:
		f.Seq = r.uint64("seq")
	case FrameRequest, FrameForward:
		f.ReqID = r.uint64("reqID")
		f.Op = Op(r.int64("op", 1, int64(opMax)-1))
		f.User = r.string("user")
		f.Device = r.string("device")
		f.Origin = Addr(r.int64("origin", -1<<31, 1<<31-1))
		if r.err == nil {
			if f.Op.carriesInfo() {
				if err := decodeSignaling(d, &f.Info); err != nil {
					r.fail("info", err)
				}
			} else if err := d.DecodeNil(); err != nil {
				r.fail("info", err)
			}
		}
		f.GroupID = r.string("groupID")
		f.Members = r.strings("members")
		if r.err == nil {
			if c, err := d.PeekCode(); err != nil {
				r.fail("push", err)
			} else if c == 0xc0 {
				_ = d.DecodeNil()
			} else if k, err := d.DecodeArrayLen(); err != nil || k != 2 {
				r.fail("push", fmt.Errorf("want 2 fields, got %d (%v)", k, err))
			} else {
				f.HasPush = true
				f.Push.Title = r.string("push.title")
				f.Push.Desc = r.string("push.desc")
			}
		}
		if f.Type == FrameRequest {
			f.Ack = r.uint64("ack")
			f.Low = r.uint64("low")
		} else {
			f.BusSeq = r.uint64("busSeq")
			f.BusAck = r.uint64("busAck")
		}
	case FrameResponse, FrameReply:
		f.ReqID = r.uint64("reqID")
		f.Code = Code(r.int64("code", 0, 1<<31-1))
		f.Text = r.string("text")
		f.Members = r.strings("members")
		f.Origin = Addr(r.int64("origin", -1<<31, 1<<31-1))
		f.Op = Op(r.int64("op", 0, int64(opMax)-1))
		f.User = r.string("user")
		f.Device = r.string("device")
		if f.Type == FrameReply {
			f.BusSeq = r.uint64("busSeq")
			f.BusAck = r.uint64("busAck")
			break
		}
		f.Seq = r.uint64("seq")
		if r.err == nil {
			if c, err := d.PeekCode(); err != nil {
				r.fail("message", err)
			} else if c == 0xc0 {
				_ = d.DecodeNil()
			} else if f.Seq == 0 {
				r.fail("message", fmt.Errorf("a carried push without a sequence"))
			} else {
				f.HasMsg = true
				f.Msg = fd.newMessage()
				r.message(f.Msg)
			}
		}
	case FramePush:
		f.Seq = r.uint64("seq")
		f.Msg = fd.newMessage()
		r.message(f.Msg)
	case FrameAck:
		f.Seq = r.uint64("seq")
	case FrameDeliver:
		f.Members = r.strings("recipients")
		f.Msg = fd.newMessage()
		r.message(f.Msg)
		f.Ended = r.bool("ended")
		f.HasPush = r.bool("hasPush")
		if r.err == nil {
			if k, err := d.DecodeArrayLen(); err != nil || k != 2 {
				r.fail("push", fmt.Errorf("want 2 fields, got %d (%v)", k, err))
			}
		}
		f.Push.Title = r.string("push.title")
		f.Push.Desc = r.string("push.desc")
		f.BusSeq = r.uint64("busSeq")
		f.BusAck = r.uint64("busAck")
	case FrameBusAck:
		f.BusAck = r.uint64("busAck")
	}
	if r.err == nil && f.Type.onBus() && f.Type != FrameBusAck && f.BusSeq == 0 {
		r.fail("busSeq", errNoBusSeq)
	}
	return r.err
}

// Describe is the canonical one-line text of a frame, used by traces.
func (f *Frame) Describe() string {
	var b strings.Builder
	b.WriteString(f.Type.String())
	if f.Type.onBus() {
		if f.Type != FrameBusAck {
			fmt.Fprintf(&b, " bus=%d", f.BusSeq)
		}
		fmt.Fprintf(&b, " ack=%d", f.BusAck)
	}
	switch f.Type {
	case FrameLogin:
		fmt.Fprintf(&b, " %s/%s epoch=%d cursor=%d", f.User, f.Device, f.Epoch, f.Cursor)
	case FrameLoginOK:
		fmt.Fprintf(&b, " epoch=%d", f.Epoch)
		if f.Seq != 0 {
			fmt.Fprintf(&b, " synced=s%d", f.Seq)
		}
	case FrameLogout:
		fmt.Fprintf(&b, " epoch=%d", f.Epoch)
	case FrameRequest, FrameForward:
		fmt.Fprintf(&b, " #%d %s", f.ReqID, f.Op)
		if f.Type == FrameForward {
			fmt.Fprintf(&b, " by=%s/%s", f.User, f.Device)
		}
		if f.Op.carriesInfo() {
			b.WriteByte(' ')
			b.WriteString(f.Info.Describe())
		}
		if f.GroupID != "" {
			b.WriteString(" group=")
			b.WriteString(f.GroupID)
		}
		if len(f.Members) > 0 {
			b.WriteString(" members=")
			writeList(&b, f.Members)
		}
		if f.HasPush {
			fmt.Fprintf(&b, " push=%q", f.Push.Title)
		}
		if f.Type == FrameRequest && f.Ack != 0 {
			fmt.Fprintf(&b, " ack=%d", f.Ack)
		}
		if f.Type == FrameRequest && f.Low != 0 && f.Low != f.ReqID {
			fmt.Fprintf(&b, " low=%d", f.Low)
		}
	case FrameResponse, FrameReply:
		fmt.Fprintf(&b, " #%d %s", f.ReqID, f.Code)
		if f.Text != "" {
			b.WriteString(" (")
			b.WriteString(f.Text)
			b.WriteByte(')')
		}
		if len(f.Members) > 0 {
			b.WriteString(" members=")
			writeList(&b, f.Members)
		}
		if f.HasMsg {
			fmt.Fprintf(&b, " + s=%d ", f.Seq)
			m := f.message()
			b.WriteString(m.Describe())
		} else if f.Seq != 0 {
			fmt.Fprintf(&b, " after=s%d", f.Seq)
		}
	case FramePush:
		fmt.Fprintf(&b, " s=%d ", f.Seq)
		m := f.message()
		b.WriteString(m.Describe())
	case FrameAck:
		fmt.Fprintf(&b, " s=%d", f.Seq)
	case FrameDeliver:
		b.WriteString(" to=")
		writeList(&b, f.Members)
		b.WriteByte(' ')
		m := f.message()
		b.WriteString(m.Describe())
		if f.Ended {
			b.WriteString(" ended")
		}
		if f.HasPush {
			fmt.Fprintf(&b, " push=%q", f.Push.Title)
		}
	}
	return b.String()
}

// DescribeWire decodes and describes wire bytes, or says why they do not decode.
func DescribeWire(b []byte) string {
	f, err := DecodeFrame(b)
	if err != nil {
		return "undecodable (" + err.Error() + ")"
	}
	return f.Describe()
}
