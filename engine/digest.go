package engine

import (
	"encoding/binary"
	"unsafe"
)

// Digest is the frame's fingerprint, which a simulator's trace hashes for every
// frame sent and delivered: a 64-bit hash of every field its encoding carries
// (AppendFrame), in the encoding's order, so two frames that differ on the
// wire differ here (but for a 2⁻⁶⁴ chance). It costs no encoding: a message's
// part is hashed once per message and kept with it, as its frames (a push to
// each recipient, each resend) share it.
//
// It is a function of the frame's content, the same on every platform; not of
// its bytes: a message kept as its signaling info hashes the info's fields,
// one decoded from bytes the bytes of its custom data.
func (f *Frame) Digest() uint64 {
	d := digester{acc: dPrime2 ^ uint64(f.Type)}
	d.u64(f.Epoch)
	switch f.Type {
	case FrameLogin:
		d.str(f.User)
		d.str(f.Device)
		d.u64(f.Cursor)
	case FrameLoginOK, FrameAck:
		d.u64(f.Seq)
	case FrameRequest, FrameForward:
		d.u64(f.ReqID)
		d.u64(uint64(f.Op))
		d.str(f.User)
		d.str(f.Device)
		d.u64(uint64(int64(f.Origin)))
		if f.Op.carriesInfo() {
			d.sig(&f.Info)
		}
		d.str(f.GroupID)
		d.strs(f.Members)
		d.push(f.HasPush, &f.Push)
		if f.Type == FrameRequest {
			d.u64(f.Ack)
			d.u64(f.Low)
		} else {
			d.u64(f.BusSeq)
			d.u64(f.BusAck)
		}
	case FrameResponse, FrameReply:
		d.u64(f.ReqID)
		d.u64(uint64(int64(f.Code)))
		d.str(f.Text)
		d.strs(f.Members)
		d.u64(uint64(int64(f.Origin)))
		d.u64(uint64(f.Op))
		d.str(f.User)
		d.str(f.Device)
		if f.Type == FrameReply {
			d.u64(f.BusSeq)
			d.u64(f.BusAck)
			break
		}
		d.u64(f.Seq)
		d.bool(f.HasMsg)
		if f.HasMsg {
			d.msg(f)
		}
	case FramePush:
		d.u64(f.Seq)
		d.msg(f)
	case FrameDeliver:
		d.strs(f.Members)
		d.msg(f)
		d.bool(f.Ended)
		d.push(f.HasPush, &f.Push)
		d.u64(f.BusSeq)
		d.u64(f.BusAck)
	case FrameBusAck:
		d.u64(f.BusAck)
	}
	return d.sum()
}

// digester folds words into a fingerprint: acc = (acc ^ word) · prime, a
// bijection of acc for each word and of the word for each acc, so two
// sequences of words that differ in one word differ in the end; the sum
// avalanches (xxHash64's). Strings are their length, then little-endian words,
// the last zero-padded. One multiply per word keeps the chain short: frames
// are hashed as they are sent.
type digester struct{ acc uint64 }

const (
	dPrime1 uint64 = 0x9E3779B185EBCA87
	dPrime2 uint64 = 0xC2B2AE3D27D4EB4F
	dPrime3 uint64 = 0x165667B19E3779F9
)

func (d *digester) u64(v uint64) { d.acc = (d.acc ^ v) * dPrime1 }

func (d *digester) bool(v bool) {
	if v {
		d.u64(1)
	} else {
		d.u64(0)
	}
}

func (d *digester) str(s string) {
	d.u64(uint64(len(s)))
	for len(s) >= 8 {
		d.u64(binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s), 8)))
		s = s[8:]
	}
	if len(s) > 0 {
		var t uint64
		for i := 0; i < len(s); i++ {
			t |= uint64(s[i]) << (8 * i)
		}
		d.u64(t)
	}
}

func (d *digester) bytes(b []byte) {
	if b == nil {
		d.u64(1 << 63) // nil is not empty on the wire
		return
	}
	d.str(unsafe.String(unsafe.SliceData(b), len(b)))
}

func (d *digester) strs(l []string) {
	d.u64(uint64(len(l)))
	for _, s := range l {
		d.str(s)
	}
}

func (d *digester) push(has bool, p *OfflinePushInfo) {
	d.bool(has)
	if has {
		d.str(p.Title)
		d.str(p.Desc)
	}
}

func (d *digester) sig(s *SignalingInfo) {
	d.u64(uint64(int64(s.BusinessID)))
	d.str(s.InviteID)
	d.str(s.GroupID)
	d.str(s.Inviter)
	d.strs(s.InviteeList)
	d.str(s.Data)
	d.u64(uint64(int64(s.Timeout)))
	d.u64(uint64(s.ActionType))
	d.bool(s.OnlineUserOnly)
}

func (d *digester) sum() uint64 {
	x := d.acc
	x ^= x >> 33
	x *= dPrime2
	x ^= x >> 29
	x *= dPrime3
	x ^= x >> 32
	return x
}

// msg folds in the frame's message: its Seq, then its digest (kept with a
// message body once computed).
func (d *digester) msg(f *Frame) {
	switch {
	case f.msg != nil:
		d.u64(f.msgSeq)
		d.u64(f.msg.digest())
	case f.Msg != nil:
		d.u64(f.Msg.Seq)
		d.u64(messageDigest(f.Msg))
	default:
		var m Message
		d.u64(0)
		d.u64(messageDigest(&m))
	}
}

// digest is the body's fingerprint, computed once: a body never changes.
func (b *msgBody) digest() uint64 {
	if b.dig != 0 {
		return b.dig
	}
	var x uint64
	if b.other != nil {
		x = messageDigest(b.other)
	} else {
		conv, rcv := b.conv()
		d := digester{acc: dPrime2 ^ uint64(conv)}
		d.str(b.sender)
		d.str(b.device)
		d.str(rcv)
		d.str(b.sig.GroupID)
		d.u64(uint64(b.time))
		d.bool(b.sig.OnlineUserOnly)
		d.u64(uint64(ElemCustom))
		d.u64(2) // custom data kept as signaling info
		d.sig(b.sig)
		d.str("")
		d.u64(0)
		d.strs(nil)
		x = d.sum()
	}
	b.dig = x | 1 // never 0, which means "not computed"
	return b.dig
}

// messageDigest is the fingerprint of a message's fields but its Seq.
func messageDigest(m *Message) uint64 {
	d := digester{acc: dPrime2 ^ uint64(m.Conv)}
	d.str(m.Sender)
	d.str(m.SenderDevice)
	d.str(m.Receiver)
	d.str(m.GroupID)
	d.u64(uint64(m.Time))
	d.bool(m.OnlineOnly)
	d.u64(uint64(m.Elem))
	d.u64(3) // custom data as bytes
	d.bytes(m.Custom)
	d.str(m.Text)
	d.u64(uint64(m.Tip))
	d.strs(m.TipMembers)
	return d.sum() | 1
}
