package engine

import (
	"bytes"
	"fmt"
	"sigsim/internal/msgp"
	"strconv"
	"strings"

	"github.com/vmihailenco/msgpack/v5"
)

// BusinessID marks an IM custom message as signaling (Tencent's businessID 1).
const BusinessID = 1

// ActionType is what a signaling message does; the numbers are on the wire.
type ActionType uint8

// Action types, as in Tencent Cloud IM's signaling messages.
const (
	ActionInvite  ActionType = 1
	ActionCancel  ActionType = 2
	ActionAccept  ActionType = 3
	ActionReject  ActionType = 4
	ActionTimeout ActionType = 5
	ActionModify  ActionType = 6
	// ActionDrop (server mode, ours): the shard drops invitees of a group
	// invitation who left the group, or all of them when the inviter left or
	// the group was dismissed. Devices apply it without a callback: the app
	// hears OnMemberLeave or OnGroupDismissed, which comes first.
	ActionDrop ActionType = 7
)

// maxAction is the highest action type on the wire.
const maxAction = ActionDrop

var actionNames = [...]string{"?", "invite", "cancel", "accept", "reject", "timeout", "modify", "drop"}

func (a ActionType) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return "action(" + strconv.Itoa(int(a)) + ")"
}

// SignalingInfo is the body of a signaling message (V2TIMSignalingInfo).
type SignalingInfo struct {
	BusinessID     int
	InviteID       string
	GroupID        string // "" for a 1:1 invitation
	Inviter        string
	InviteeList    []string
	Data           string
	Timeout        int // seconds; 0 means never time out
	ActionType     ActionType
	OnlineUserOnly bool
}

// Describe is the canonical one-line text of the info, used by traces and golden files.
func (s *SignalingInfo) Describe() string {
	var b strings.Builder
	b.WriteString(s.ActionType.String())
	b.WriteByte(' ')
	b.WriteString(s.InviteID)
	b.WriteString(" inviter=")
	b.WriteString(s.Inviter)
	if s.GroupID != "" {
		b.WriteString(" group=")
		b.WriteString(s.GroupID)
	}
	b.WriteString(" invitees=")
	writeList(&b, s.InviteeList)
	if s.Timeout != 0 {
		fmt.Fprintf(&b, " timeout=%ds", s.Timeout)
	}
	if s.OnlineUserOnly {
		b.WriteString(" online-only")
	}
	if s.Data != "" {
		b.WriteString(" data=")
		b.WriteString(strconv.Quote(s.Data))
	}
	if s.BusinessID != BusinessID {
		fmt.Fprintf(&b, " business=%d", s.BusinessID)
	}
	return b.String()
}

func writeList(b *strings.Builder, l []string) {
	b.WriteByte('[')
	for i, s := range l {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s)
	}
	b.WriteByte(']')
}

func describeList(l []string) string {
	var b strings.Builder
	writeList(&b, l)
	return b.String()
}

// signalingFields is the number of array elements of an encoded SignalingInfo.
const signalingFields = 9

func appendSignaling(b []byte, s *SignalingInfo) []byte {
	b = append(b, 0x90|signalingFields)
	b = msgp.AppendInt(b, int64(s.BusinessID))
	b = msgp.AppendString(b, s.InviteID)
	b = msgp.AppendString(b, s.GroupID)
	b = msgp.AppendString(b, s.Inviter)
	b = msgp.AppendStrings(b, s.InviteeList)
	b = msgp.AppendString(b, s.Data)
	b = msgp.AppendInt(b, int64(s.Timeout))
	b = msgp.AppendUint(b, uint64(s.ActionType))
	return msgp.AppendBool(b, s.OnlineUserOnly)
}

func decodeSignaling(d *msgpack.Decoder, s *SignalingInfo) error {
	n, err := d.DecodeArrayLen()
	if err != nil {
		return err
	}
	if n != signalingFields {
		return fmt.Errorf("signaling info has %d fields, want %d", n, signalingFields)
	}
	var r fieldReader
	r.d = d
	s.BusinessID = int(r.int64("businessID", -1<<31, 1<<31-1))
	s.InviteID = r.string("inviteID")
	s.GroupID = r.string("groupID")
	s.Inviter = r.string("inviter")
	s.InviteeList = r.strings("inviteeList")
	s.Data = r.string("data")
	s.Timeout = int(r.int64("timeout", 0, 1<<31-1))
	s.ActionType = ActionType(r.int64("actionType", 1, int64(maxAction)))
	s.OnlineUserOnly = r.bool("onlineUserOnly")
	return r.err
}

// EncodeSignalingInfo returns the msgpack encoding of s: the custom data of a
// signaling message.
func EncodeSignalingInfo(s *SignalingInfo) []byte {
	var c sigCodec
	return c.encode(s)
}

// DecodeSignalingInfo parses custom data produced by EncodeSignalingInfo. Malformed
// bytes give an error, never a panic.
func DecodeSignalingInfo(b []byte) (*SignalingInfo, error) {
	var c sigCodec
	s := new(SignalingInfo)
	if err := c.decode(b, s); err != nil {
		return nil, err
	}
	return s, nil
}

// sigCodec encodes and decodes signaling info with a reused buffer and decoder,
// so the hot path does not build new ones per message.
type sigCodec struct {
	buf []byte
	rd  bytes.Reader
	dec *msgpack.Decoder
	in  *interner
	r   mpReader
}

// encode returns a fresh slice: it becomes a message's custom data.
func (c *sigCodec) encode(s *SignalingInfo) []byte {
	c.buf = appendSignaling(c.buf[:0], s)
	return bytes.Clone(c.buf)
}

func (c *sigCodec) decode(b []byte, s *SignalingInfo) error {
	c.r = mpReader{b: b, ok: true}
	c.r.signaling(s, c.in)
	if c.r.ok && c.r.p == len(b) {
		return nil
	}
	*s = SignalingInfo{}
	c.rd.Reset(b)
	if c.dec == nil {
		c.dec = msgpack.NewDecoder(&c.rd)
	} else {
		c.dec.Reset(&c.rd)
	}
	if err := decodeSignaling(c.dec, s); err != nil {
		return fmt.Errorf("signaling info: %w", err)
	}
	if c.rd.Len() != 0 {
		return fmt.Errorf("signaling info: trailing bytes")
	}
	return nil
}

// signaling is GetSignalingInfo with a reused codec; the result is valid until
// the next call.
func (c *sigCodec) signaling(m *Message, s *SignalingInfo) bool {
	if m == nil || m.Elem != ElemCustom {
		return false
	}
	*s = SignalingInfo{}
	return c.decode(m.Custom, s) == nil && s.BusinessID == BusinessID
}

// ConvType tells a one-to-one conversation from a group one.
type ConvType uint8

// Conversation types.
const (
	ConvC2C   ConvType = 1
	ConvGroup ConvType = 2
)

// ElemType is the kind of content an IM message carries.
type ElemType uint8

// Element types: custom data (signaling and other business messages), text, and
// group tips (membership events).
const (
	ElemCustom   ElemType = 1
	ElemText     ElemType = 2
	ElemGroupTip ElemType = 3
)

// TipType is the kind of a group tip.
type TipType uint8

// Group tips: the events of V2TimGroupListener.
const (
	TipMemberEnter    TipType = 1
	TipMemberLeave    TipType = 2
	TipGroupDismissed TipType = 3
)

var tipNames = [...]string{"?", "member-enter", "member-leave", "group-dismissed"}

func (t TipType) String() string {
	if int(t) < len(tipNames) {
		return tipNames[t]
	}
	return "tip(" + strconv.Itoa(int(t)) + ")"
}

// Message is an IM message as stored on the server and pushed to devices.
type Message struct {
	Seq          uint64 // position in the recipient's timeline; 0 if online-only
	Conv         ConvType
	Sender       string
	SenderDevice string // the device that sent it; "" for server-generated messages
	Receiver     string // the peer of a one-to-one message
	GroupID      string
	Time         Time // server's local clock when it accepted the message, ns
	OnlineOnly   bool
	Elem         ElemType
	Custom       []byte   // ElemCustom: business data (signaling info when businessID is 1)
	Text         string   // ElemText
	Tip          TipType  // ElemGroupTip
	TipMembers   []string // ElemGroupTip: who entered or left
}

// GetSignalingInfo parses a stored IM message back into signaling info. It returns
// nil when the message is not signaling (not custom data, undecodable, or
// businessID != 1), as the SDK does.
func GetSignalingInfo(m *Message) *SignalingInfo {
	if m == nil || m.Elem != ElemCustom {
		return nil
	}
	s, err := DecodeSignalingInfo(m.Custom)
	if err != nil || s.BusinessID != BusinessID {
		return nil
	}
	return s
}

// Describe is the canonical one-line text of the message.
func (m *Message) Describe() string {
	var b strings.Builder
	if m.Seq != 0 {
		fmt.Fprintf(&b, "seq=%d ", m.Seq)
	}
	b.WriteString("from=")
	b.WriteString(m.Sender)
	if m.SenderDevice != "" {
		b.WriteByte('/')
		b.WriteString(m.SenderDevice)
	}
	if m.Conv == ConvGroup {
		b.WriteString(" group=")
		b.WriteString(m.GroupID)
	} else if m.Receiver != "" {
		b.WriteString(" to=")
		b.WriteString(m.Receiver)
	}
	b.WriteByte(' ')
	switch m.Elem {
	case ElemCustom:
		if s, err := DecodeSignalingInfo(m.Custom); err == nil {
			b.WriteString(s.Describe())
		} else {
			fmt.Fprintf(&b, "custom(%d bytes)", len(m.Custom))
		}
	case ElemText:
		b.WriteString("text ")
		b.WriteString(strconv.Quote(m.Text))
	case ElemGroupTip:
		b.WriteString(m.Tip.String())
		b.WriteByte(' ')
		writeList(&b, m.TipMembers)
	default:
		fmt.Fprintf(&b, "elem(%d)", m.Elem)
	}
	return b.String()
}

const messageFields = 13

func appendMessage(b []byte, m *Message) []byte {
	b = append(b, 0x90|messageFields)
	b = msgp.AppendUint(b, m.Seq)
	return appendMessageTail(b, m)
}

// appendMessageTail appends the encoding of a message's fields after Seq: what
// every recipient's copy shares.
func appendMessageTail(b []byte, m *Message) []byte {
	b = msgp.AppendUint(b, uint64(m.Conv))
	b = msgp.AppendString(b, m.Sender)
	b = msgp.AppendString(b, m.SenderDevice)
	b = msgp.AppendString(b, m.Receiver)
	b = msgp.AppendString(b, m.GroupID)
	b = msgp.AppendInt(b, int64(m.Time))
	b = msgp.AppendBool(b, m.OnlineOnly)
	b = msgp.AppendUint(b, uint64(m.Elem))
	b = msgp.AppendBytes(b, m.Custom)
	b = msgp.AppendString(b, m.Text)
	b = msgp.AppendUint(b, uint64(m.Tip))
	return msgp.AppendStrings(b, m.TipMembers)
}

func (r *fieldReader) message(m *Message) {
	if r.err != nil {
		return
	}
	n, err := r.d.DecodeArrayLen()
	if err != nil || n != messageFields {
		r.fail("message", fmt.Errorf("want %d fields, got %d (%v)", messageFields, n, err))
		return
	}
	m.Seq = r.uint64("seq")
	m.Conv = ConvType(r.int64("conv", 1, 2))
	m.Sender = r.string("sender")
	m.SenderDevice = r.string("senderDevice")
	m.Receiver = r.string("receiver")
	m.GroupID = r.string("groupID")
	m.Time = Time(r.int64("time", -1<<62, 1<<62))
	m.OnlineOnly = r.bool("onlineOnly")
	m.Elem = ElemType(r.int64("elem", 1, 3))
	m.Custom = r.bytes("custom")
	m.Text = r.string("text")
	m.Tip = TipType(r.int64("tip", 0, 3))
	m.TipMembers = r.strings("tipMembers")
}

// maxListLen bounds decoded lists so corrupt input cannot make us allocate much.
const maxListLen = 1 << 20

// fieldReader decodes fields in order and keeps the first error, naming the field.
type fieldReader struct {
	d   *msgpack.Decoder
	err error
}

func (r *fieldReader) fail(field string, err error) {
	if r.err == nil {
		r.err = fmt.Errorf("field %s: %w", field, err)
	}
}

func (r *fieldReader) string(field string) string {
	if r.err != nil {
		return ""
	}
	s, err := r.d.DecodeString()
	if err != nil {
		r.fail(field, err)
	}
	return s
}

func (r *fieldReader) bytes(field string) []byte {
	if r.err != nil {
		return nil
	}
	b, err := r.d.DecodeBytes()
	if err != nil {
		r.fail(field, err)
	}
	return b
}

func (r *fieldReader) bool(field string) bool {
	if r.err != nil {
		return false
	}
	v, err := r.d.DecodeBool()
	if err != nil {
		r.fail(field, err)
	}
	return v
}

func (r *fieldReader) uint64(field string) uint64 {
	if r.err != nil {
		return 0
	}
	v, err := r.d.DecodeUint64()
	if err != nil {
		r.fail(field, err)
	}
	return v
}

func (r *fieldReader) int64(field string, lo, hi int64) int64 {
	if r.err != nil {
		return 0
	}
	v, err := r.d.DecodeInt64()
	if err != nil {
		r.fail(field, err)
		return 0
	}
	if v < lo || v > hi {
		r.fail(field, fmt.Errorf("%d out of range [%d,%d]", v, lo, hi))
		return 0
	}
	return v
}

func (r *fieldReader) strings(field string) []string {
	if r.err != nil {
		return nil
	}
	n, err := r.d.DecodeArrayLen()
	if err != nil {
		r.fail(field, err)
		return nil
	}
	if n < 0 {
		return nil
	}
	if n > maxListLen {
		r.fail(field, fmt.Errorf("list of %d entries is too long", n))
		return nil
	}
	l := make([]string, n)
	for i := range l {
		if l[i], err = r.d.DecodeString(); err != nil {
			r.fail(field, err)
			return nil
		}
	}
	return l
}
