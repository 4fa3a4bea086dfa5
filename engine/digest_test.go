package engine

import (
	"testing"
)

// TestDigestTellsFramesApart: changing any one field a frame's encoding
// carries changes its digest, and a copy has the same one; a message kept as
// its signaling info hashes its info.
func TestDigestTellsFramesApart(t *testing.T) {
	info := SignalingInfo{BusinessID: 1, InviteID: "c1", Inviter: "alice", InviteeList: []string{"bob"}, Data: "d", Timeout: 30, ActionType: ActionInvite}
	body := newStored(&info, nil, "alice", "1", 5).msgBody
	frames := sampleFrames()
	frames = append(frames, Frame{Type: FramePush, Epoch: 3, Seq: 2, msg: &body, msgSeq: 9},
		Frame{Type: FrameResponse, Epoch: 3, Seq: 2, HasMsg: true, msg: &body, msgSeq: 9})
	changes := []func(f *Frame){
		func(f *Frame) { f.Epoch++ },
		func(f *Frame) { f.Seq++ },
		func(f *Frame) { f.ReqID++ },
		func(f *Frame) { f.Op++ },
		func(f *Frame) { f.Code++ },
		func(f *Frame) { f.User += "x" },
		func(f *Frame) { f.Device += "x" },
		func(f *Frame) { f.Cursor++ },
		func(f *Frame) { f.Origin++ },
		func(f *Frame) { f.Info.Data += "x" },
		func(f *Frame) { f.Info.InviteeList = append([]string{"z"}, f.Info.InviteeList...) },
		func(f *Frame) { f.GroupID += "x" },
		func(f *Frame) { f.Members = append([]string{"z"}, f.Members...) },
		func(f *Frame) { f.Push.Title += "x" },
		func(f *Frame) { f.Text += "x" },
		func(f *Frame) { f.Ack++ },
		func(f *Frame) { f.Low++ },
		func(f *Frame) { f.BusSeq++ },
		func(f *Frame) { f.BusAck++ },
		func(f *Frame) { f.Ended = !f.Ended },
		func(f *Frame) {
			if f.Msg != nil {
				m := *f.Msg
				m.Time++
				f.Msg = &m
			}
			f.msgSeq++
		},
	}
	for i := range frames {
		f := frames[i]
		d := f.Digest()
		if g := f; g.Digest() != d {
			t.Fatalf("%s: a copy has another digest", f.Describe())
		}
		for j, change := range changes {
			g := f
			change(&g)
			if string(EncodeFrame(&g)) == string(EncodeFrame(&f)) {
				continue // a field this type does not carry
			}
			if g.Digest() == d {
				t.Errorf("%s: change %d (%s) keeps the digest", f.Describe(), j, g.Describe())
			}
		}
	}
	other := info
	other.Data = "e"
	b2 := newStored(&other, nil, "alice", "1", 5).msgBody
	p1 := Frame{Type: FramePush, Epoch: 3, Seq: 2, msg: &body, msgSeq: 9}
	p2 := Frame{Type: FramePush, Epoch: 3, Seq: 2, msg: &b2, msgSeq: 9}
	if p1.Digest() == p2.Digest() {
		t.Error("messages with other data have one digest")
	}
	// Pinned: the trace hashes it, so a change shows in every run's hash.
	if got := (&Frame{Type: FrameAck, Epoch: 1 << 32, Seq: 7}).Digest(); got != 0x20c38a2efd9937e1 {
		t.Errorf("ACK digest %#x, pinned 0x20c38a2efd9937e1", got)
	}
}
