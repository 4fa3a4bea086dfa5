package engine

import (
	"encoding/binary"
	"sigsim/internal/msgp"
)

// msgBody is an IM message as the shards build it and the frames carry it,
// without its Seq (which is per recipient): never changed once built, shared by
// the frames that push it, the timelines that store it and, through its
// SignalingInfo, the devices that hold the invitation. A signaling message
// keeps its info decoded with its sender and time: the rest of the message
// follows from them (signalingMessage). Any other message — a group tip, or a
// message decoded from bytes — is kept as the Message it is (other).
type msgBody struct {
	sig    *SignalingInfo // a signaling message's info (BusinessID 1); nil for other
	other  *Message       // the message, if not kept as sig (its Seq is 0)
	sender string
	device string
	time   Time
	dig    uint64 // its digest, once computed (digest); not part of the message
}

// otherMessage is the body of a message that is not kept as signaling info.
func otherMessage(m *Message) *msgBody {
	o := *m
	o.Seq = 0
	return &msgBody{other: &o, sender: m.Sender, device: m.SenderDevice, time: m.Time}
}

// conv, receiver: what a signaling message's other fields are. A group
// invitation's messages go to the group; a one-to-one one's from the inviter to
// the invitee, or to the inviter.
func (b *msgBody) conv() (ConvType, string) {
	s := b.sig
	switch {
	case s.GroupID != "":
		return ConvGroup, ""
	case b.sender == s.Inviter && len(s.InviteeList) > 0:
		return ConvC2C, s.InviteeList[0]
	}
	return ConvC2C, s.Inviter
}

// groupID is the message's GroupID.
func (b *msgBody) groupID() string {
	if b.sig != nil {
		return b.sig.GroupID
	}
	return b.other.GroupID
}

// onlineOnly tells whether the message is delivered to online users only.
func (b *msgBody) onlineOnly() bool {
	if b.sig != nil {
		return b.sig.OnlineUserOnly
	}
	return b.other.OnlineOnly
}

// message is the message as a Message, with its Seq: what the wire carries.
func (b *msgBody) message(seq uint64) Message {
	if b.other != nil {
		m := *b.other
		m.Seq = seq
		return m
	}
	conv, rcv := b.conv()
	return Message{Seq: seq, Conv: conv, Sender: b.sender, SenderDevice: b.device, Receiver: rcv, GroupID: b.sig.GroupID,
		Time: b.time, OnlineOnly: b.sig.OnlineUserOnly, Elem: ElemCustom, Custom: EncodeSignalingInfo(b.sig)}
}

// signal returns the signaling info the message carries, nil if it is not
// signaling. The info is never changed by anyone: a device may keep it.
func (b *msgBody) signal(in *interner) *SignalingInfo {
	if b.sig != nil || b.other.Elem != ElemCustom {
		return b.sig
	}
	var c sigCodec
	c.in = in
	s := new(SignalingInfo)
	if c.decode(b.other.Custom, s) != nil || s.BusinessID != BusinessID {
		return nil
	}
	return s
}

// appendTo appends the message's encoding with its Seq: the bytes
// appendMessage gives for b.message(seq).
func (b *msgBody) appendTo(dst []byte, seq uint64) []byte {
	if b.other != nil {
		dst = append(dst, 0x90|messageFields)
		dst = msgp.AppendUint(dst, seq)
		return appendMessageTail(dst, b.other)
	}
	conv, rcv := b.conv()
	dst = append(dst, 0x90|messageFields)
	dst = msgp.AppendUint(dst, seq)
	dst = msgp.AppendUint(dst, uint64(conv))
	dst = msgp.AppendString(dst, b.sender)
	dst = msgp.AppendString(dst, b.device)
	dst = msgp.AppendString(dst, rcv)
	dst = msgp.AppendString(dst, b.sig.GroupID)
	dst = msgp.AppendInt(dst, int64(b.time))
	dst = msgp.AppendBool(dst, b.sig.OnlineUserOnly)
	dst = msgp.AppendUint(dst, uint64(ElemCustom))
	dst = appendSignalingBin(dst, b.sig)
	dst = msgp.AppendString(dst, "")
	dst = msgp.AppendUint(dst, 0)
	return msgp.AppendArrayLen(dst, 0)
}

// appendSignalingBin appends the encoding of s as a msgpack binary: the custom
// data of the message that carries it (appendBytes of EncodeSignalingInfo(s)).
func appendSignalingBin(b []byte, s *SignalingInfo) []byte {
	p := len(b)
	b = append(b, 0xc4, 0)
	b = appendSignaling(b, s)
	n := len(b) - p - 2
	switch {
	case n < 256:
		b[p+1] = byte(n)
	case n <= 0xffff:
		b = append(b, 0)
		copy(b[p+3:], b[p+2:p+2+n])
		b[p], b[p+1], b[p+2] = 0xc5, byte(n>>8), byte(n)
	default:
		b = append(b, 0, 0, 0)
		copy(b[p+5:], b[p+2:p+2+n])
		b[p] = 0xc6
		binary.BigEndian.PutUint32(b[p+1:], uint32(n))
	}
	return b
}

// message is the frame's message (Push, Deliver, Response with HasMsg).
func (f *Frame) message() Message {
	switch {
	case f.msg != nil:
		return f.msg.message(f.msgSeq)
	case f.Msg != nil:
		return *f.Msg
	}
	return Message{}
}

// body is the frame's message as a msgBody, and its Seq.
func (f *Frame) body() (*msgBody, uint64) {
	if f.msg != nil {
		return f.msg, f.msgSeq
	}
	m := f.message()
	return otherMessage(&m), m.Seq
}

func appendFrameMsg(b []byte, f *Frame) []byte {
	switch {
	case f.msg != nil:
		return f.msg.appendTo(b, f.msgSeq)
	case f.Msg != nil:
		return appendMessage(b, f.Msg)
	}
	var m Message
	return appendMessage(b, &m)
}

// storedMsg is a message as a shard stores it, once for all its recipients:
// each timeline entry points at it, with the recipient's Seq, and the frames
// that push it point at its body.
type storedMsg struct {
	msgBody
	storedAt Time
	track    int32 // server mode, signaling messages: the invitation's track + 1; 0 if none
	invite   bool  // the invitation's invite message
}

// storedSig is a stored message with its own copy of its signaling info: one
// allocation for both.
type storedSig struct {
	storedMsg
	sigv SignalingInfo
}

// newStored is a message built, or received, by a shard: signaling info sig
// (copied into it) or another message (other, kept as it is), sent by
// sender/device at time. It is never changed once its storage is set
// (storedAt, track, invite).
func newStored(sig *SignalingInfo, other *Message, sender, device string, time Time) *storedMsg {
	if sig == nil {
		return &storedMsg{msgBody: msgBody{other: other, sender: sender, device: device, time: time}}
	}
	m := &storedSig{storedMsg: storedMsg{msgBody: msgBody{sender: sender, device: device, time: time}}, sigv: *sig}
	m.sig = &m.sigv
	return &m.storedMsg
}

// newStoredShared is newStored of signaling info that is already shared and
// never changed (a request's, as its sender keeps it: Frame.info): the
// message points at it.
func newStoredShared(sig *SignalingInfo, sender, device string, time Time) *storedMsg {
	return &storedMsg{msgBody: msgBody{sig: sig, sender: sender, device: device, time: time}}
}

// sentBy tells whether the message was sent by user's device.
func (sm *storedMsg) sentBy(user, device string) bool {
	return sm.sender == user && sm.device == device
}

// inGroup tells whether the message belongs to group (a group message of it).
func (sm *storedMsg) inGroup(group string) bool { return sm.groupID() == group }
