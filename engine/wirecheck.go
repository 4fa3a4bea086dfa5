package engine

import (
	"fmt"
	"slices"
)

// WireCheck proves, frame by frame, that carrying a frame decoded changes
// nothing: the frame's wire bytes must decode to the frame itself, every
// field, so a receiver gets exactly what a real transport would hand it. A
// simulator that carries decoded frames (Envelope.Frame) runs it on every
// frame where its checkers are on. The zero value is ready; it allocates
// nothing in the steady state: the decoded frame's strings are views of the
// bytes checked.
type WireCheck struct {
	dec   frameDecoder
	in    interner
	views []string
	f     Frame
	m     Message
	buf   []byte
}

// Check decodes b, the encoding of f (AppendFrame), and reports the first
// field in which the decoded frame differs from f, nil if none.
func (w *WireCheck) Check(f *Frame, b []byte) error {
	w.views = w.views[:0]
	w.in.views = &w.views
	w.dec.in = &w.in
	w.dec.msg = &w.m
	if err := w.dec.decode(b, &w.f); err != nil {
		return fmt.Errorf("%s does not decode: %v", f.Type, err)
	}
	if field := w.diff(f, &w.f); field != "" {
		return fmt.Errorf("%s decodes with another %s (sent %s, decoded %s)", f.Type, field, f.Describe(), w.f.Describe())
	}
	return nil
}

// diff names the first field in which d, decoded, differs from f.
func (w *WireCheck) diff(f, d *Frame) string {
	switch {
	case f.Type != d.Type:
		return "type"
	case f.Epoch != d.Epoch:
		return "epoch"
	case f.Seq != d.Seq:
		return "seq"
	case f.Ack != d.Ack:
		return "ack"
	case f.Low != d.Low:
		return "low"
	case f.ReqID != d.ReqID:
		return "request ID"
	case f.Op != d.Op:
		return "op"
	case f.Code != d.Code:
		return "code"
	case f.User != d.User:
		return "user"
	case f.Device != d.Device:
		return "device"
	case f.Cursor != d.Cursor:
		return "cursor"
	case f.Origin != d.Origin:
		return "origin"
	case f.GroupID != d.GroupID:
		return "group"
	case !sameStrings(f.Members, d.Members):
		return "members"
	case f.Push != d.Push:
		return "push"
	case f.HasPush != d.HasPush:
		return "has-push"
	case f.HasMsg != d.HasMsg:
		return "has-message"
	case f.Ended != d.Ended:
		return "ended"
	case f.Text != d.Text:
		return "text"
	case f.BusSeq != d.BusSeq:
		return "bus seq"
	case f.BusAck != d.BusAck:
		return "bus ack"
	}
	if field := diffSignaling(&f.Info, &d.Info); field != "" {
		return "info " + field
	}
	if f.info != nil && diffSignaling(f.info, &f.Info) != "" {
		return "info (as its sender keeps it)"
	}
	carries := f.Type == FramePush || f.Type == FrameDeliver || f.Type == FrameResponse && f.HasMsg
	if !carries {
		if f.msg != nil || f.Msg != nil && !zeroMessage(f.Msg) {
			return "message (the frame carries none)"
		}
		return ""
	}
	dm := d.Msg
	if dm == nil {
		dm = &Message{}
	}
	if f.msg == nil || f.msg.other != nil {
		m := f.message()
		return diffMessage(&m, dm)
	}
	// A signaling message: its fields follow from its info and sender.
	b, m := f.msg, dm
	conv, rcv := b.conv()
	switch {
	case m.Seq != f.msgSeq:
		return "message seq"
	case m.Conv != conv:
		return "message conv"
	case m.Sender != b.sender:
		return "message sender"
	case m.SenderDevice != b.device:
		return "message sender device"
	case m.Receiver != rcv:
		return "message receiver"
	case m.GroupID != b.sig.GroupID:
		return "message group"
	case m.Time != b.time:
		return "message time"
	case m.OnlineOnly != b.sig.OnlineUserOnly:
		return "message online-only"
	case m.Elem != ElemCustom:
		return "message element"
	case m.Text != "" || m.Tip != 0 || len(m.TipMembers) != 0:
		return "message text or tip"
	}
	// Its custom data must be its info's encoding: what a device decodes
	// from it is what it keeps, and that decoding is the requests' (checked
	// on their Info, field by field).
	w.buf = appendSignaling(w.buf[:0], b.sig)
	if string(w.buf) != string(m.Custom) {
		return "message signaling info (custom data)"
	}
	return ""
}

func diffMessage(a, b *Message) string {
	switch {
	case a.Seq != b.Seq:
		return "message seq"
	case a.Conv != b.Conv:
		return "message conv"
	case a.Sender != b.Sender:
		return "message sender"
	case a.SenderDevice != b.SenderDevice:
		return "message sender device"
	case a.Receiver != b.Receiver:
		return "message receiver"
	case a.GroupID != b.GroupID:
		return "message group"
	case a.Time != b.Time:
		return "message time"
	case a.OnlineOnly != b.OnlineOnly:
		return "message online-only"
	case a.Elem != b.Elem:
		return "message element"
	case string(a.Custom) != string(b.Custom) || (a.Custom == nil) != (b.Custom == nil):
		return "message custom data"
	case a.Text != b.Text:
		return "message text"
	case a.Tip != b.Tip:
		return "message tip"
	case !sameStrings(a.TipMembers, b.TipMembers):
		return "message tip members"
	}
	return ""
}

// sameSignaling tells whether a and b are equal, every field.
func sameSignaling(a, b *SignalingInfo) bool { return a == b || diffSignaling(a, b) == "" }

func diffSignaling(a, b *SignalingInfo) string {
	switch {
	case a.BusinessID != b.BusinessID:
		return "business ID"
	case a.InviteID != b.InviteID:
		return "invite ID"
	case a.GroupID != b.GroupID:
		return "group"
	case a.Inviter != b.Inviter:
		return "inviter"
	case !sameStrings(a.InviteeList, b.InviteeList):
		return "invitees"
	case a.Data != b.Data:
		return "data"
	case a.Timeout != b.Timeout:
		return "timeout"
	case a.ActionType != b.ActionType:
		return "action"
	case a.OnlineUserOnly != b.OnlineUserOnly:
		return "online-only"
	}
	return ""
}

// sameStrings is slices.Equal: an empty list is nil on the wire.
func sameStrings(a, b []string) bool { return slices.Equal(a, b) }

func zeroMessage(m *Message) bool {
	return m.Seq == 0 && m.Conv == 0 && m.Sender == "" && m.SenderDevice == "" && m.Receiver == "" && m.GroupID == "" &&
		m.Time == 0 && !m.OnlineOnly && m.Elem == 0 && m.Custom == nil && m.Text == "" && m.Tip == 0 && m.TipMembers == nil
}
