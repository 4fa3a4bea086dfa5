package engine

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func sampleFrames() []Frame {
	info := SignalingInfo{BusinessID: 1, InviteID: "c1", GroupID: "g", Inviter: "alice", InviteeList: []string{"bob", "carol"},
		Data: "room=42", Timeout: 30, ActionType: ActionInvite, OnlineUserOnly: true}
	msg := Message{Seq: 7, Conv: ConvGroup, Sender: "alice", SenderDevice: "1", GroupID: "g", Time: 123,
		Elem: ElemCustom, Custom: EncodeSignalingInfo(&info)}
	tip := Message{Conv: ConvGroup, Sender: "bob", GroupID: "g", Elem: ElemGroupTip, Tip: TipMemberEnter, TipMembers: []string{"bob"}}
	return []Frame{
		{Type: FrameLogin, Epoch: 1<<32 | 3, User: "alice", Device: "1", Cursor: 9},
		{Type: FrameLoginOK, Epoch: 2},
		{Type: FrameLogout, Epoch: 2},
		{Type: FrameRequest, Epoch: 2, ReqID: 5, Op: OpInvite, Info: info, HasPush: true, Push: OfflinePushInfo{Title: "t", Desc: "d"}, Ack: 3, Low: 4},
		{Type: FrameRequest, Epoch: 2, ReqID: 6, Op: OpCreateGroup, GroupID: "g", Members: []string{"a", "b"}},
		{Type: FrameResponse, Epoch: 2, ReqID: 5, Op: OpInvite, Code: CodeInviteInvalid, Text: "why", Members: []string{"x"}},
		{Type: FrameResponse, Epoch: 2, ReqID: 5, Op: OpInvite, Code: OK, Seq: 4, Msg: &msg, HasMsg: true},
		{Type: FrameResponse, Epoch: 2, ReqID: 6, Op: OpAccept, Code: OK, Seq: 9},
		{Type: FrameLoginOK, Epoch: 3, Seq: 12},
		{Type: FramePush, Epoch: 2, Seq: 4, Msg: &msg},
		{Type: FramePush, Epoch: 2, Seq: 5, Msg: &tip},
		{Type: FrameAck, Epoch: 2, Seq: 4},
		{Type: FrameForward, ReqID: 5, Op: OpAccept, User: "bob", Device: "2", Origin: 9, Info: info, BusSeq: 3, BusAck: 2},
		{Type: FrameReply, ReqID: 5, Op: OpAccept, User: "bob", Device: "2", Origin: 9, Code: OK, BusSeq: 1},
		{Type: FrameDeliver, Members: []string{"bob"}, Msg: &msg, HasPush: true, Push: OfflinePushInfo{Title: "t"}, BusSeq: 4, BusAck: 1},
		{Type: FrameBusAck, BusAck: 7},
	}
}

func TestFrameRoundTrip(t *testing.T) {
	for _, f := range sampleFrames() {
		b := EncodeFrame(&f)
		got, err := DecodeFrame(b)
		if err != nil {
			t.Fatalf("%s: %v", f.Describe(), err)
		}
		if !reflect.DeepEqual(normalize(got), normalize(f)) {
			t.Errorf("round trip of %s:\n got  %+v\n want %+v", f.Describe(), got, f)
		}
		if got.Describe() != f.Describe() {
			t.Errorf("describe differs: %q vs %q", got.Describe(), f.Describe())
		}
		if wt := WireType(b); wt != f.Type {
			t.Errorf("WireType of %s = %s", f.Describe(), wt)
		}
	}
	for _, b := range [][]byte{nil, {0x93}, {0x92, 4}, {0x93, 0}, {0x93, byte(NumFrameTypes)}, {0x93, 0xcc}} {
		if wt := WireType(b); wt != 0 {
			t.Errorf("WireType(% x) = %s, want 0", b, wt)
		}
	}
}

// normalize makes nil and empty slices compare equal.
func normalize(f Frame) Frame {
	if len(f.Members) == 0 {
		f.Members = nil
	}
	if len(f.Info.InviteeList) == 0 {
		f.Info.InviteeList = nil
	}
	if f.Msg == nil {
		f.Msg = &Message{}
	}
	m := *f.Msg
	if len(m.Custom) == 0 {
		m.Custom = nil
	}
	if len(m.TipMembers) == 0 {
		m.TipMembers = nil
	}
	f.Msg = &m
	return f
}

func TestDecodeFrameRejectsGarbage(t *testing.T) {
	for _, f := range sampleFrames() {
		b := EncodeFrame(&f)
		for i := 0; i < len(b); i++ {
			if _, err := DecodeFrame(b[:i]); err == nil {
				t.Errorf("%s truncated to %d bytes decoded", f.Type, i)
			}
		}
		if _, err := DecodeFrame(append(bytes.Clone(b), 0)); err == nil {
			t.Errorf("%s with a trailing byte decoded", f.Type)
		}
	}
	for _, b := range [][]byte{nil, {0xc1}, {0x93, 0x63, 0, 0x90}, {0x93, 0x01, 0, 0x90}} {
		if _, err := DecodeFrame(b); err == nil {
			t.Errorf("%x decoded", b)
		}
	}
}

func TestGetSignalingInfo(t *testing.T) {
	info := SignalingInfo{BusinessID: 1, InviteID: "c1", Inviter: "a", InviteeList: []string{"b"}, ActionType: ActionAccept}
	m := Message{Elem: ElemCustom, Custom: EncodeSignalingInfo(&info)}
	if got := GetSignalingInfo(&m); got == nil || !reflect.DeepEqual(*got, info) {
		t.Errorf("signaling message: %+v", got)
	}
	other := info
	other.BusinessID = 2
	for name, m := range map[string]*Message{
		"business 2": {Elem: ElemCustom, Custom: EncodeSignalingInfo(&other)},
		"text":       {Elem: ElemText, Text: "hi"},
		"tip":        {Elem: ElemGroupTip, Tip: TipMemberEnter},
		"garbage":    {Elem: ElemCustom, Custom: []byte("{json}")},
		"nil":        nil,
	} {
		if got := GetSignalingInfo(m); got != nil {
			t.Errorf("%s: got %+v, want nil", name, got)
		}
	}
}

func TestErrorsIs(t *testing.T) {
	r := Result{Code: CodeInviteInvalid, Text: "already accepted"}
	if err := r.Err(); !errors.Is(err, ErrInviteInvalid) || errors.Is(err, ErrNotInviter) {
		t.Errorf("errors.Is on %v", err)
	}
	if (&Result{}).Err() != nil {
		t.Error("OK result has an error")
	}
	if got := r.Err().Error(); got != "8010 invitation invalid: already accepted" {
		t.Errorf("error text %q", got)
	}
}

// FuzzDecodeFrame: no input makes the decoder panic, and whatever decodes
// re-encodes to bytes that decode to the same frame.
func FuzzDecodeFrame(f *testing.F) {
	for _, fr := range sampleFrames() {
		f.Add(EncodeFrame(&fr))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := DecodeFrame(b)
		if err != nil {
			return
		}
		again, err := DecodeFrame(EncodeFrame(&fr))
		if err != nil {
			t.Fatalf("re-encoded frame does not decode: %v", err)
		}
		if again.Describe() != fr.Describe() {
			t.Fatalf("re-encoded frame differs: %s vs %s", again.Describe(), fr.Describe())
		}
	})
}

var writeCorpus = flag.Bool("corpus", false, "rewrite the FuzzDecodeFrame seed corpus under testdata/")

// TestFuzzCorpusPresent checks the checked-in seed corpus exists; run with
// -run TestFuzzCorpusPresent -corpus to rewrite it from sampleFrames.
func TestFuzzCorpusPresent(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzDecodeFrame")
	if *writeCorpus {
		_ = os.MkdirAll(dir, 0o755)
		for _, f := range sampleFrames() {
			b := EncodeFrame(&f)
			body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)
			name := filepath.Join(dir, strings.ToLower(f.Type.String())+"-"+f.Op.String())
			if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		t.Fatalf("seed corpus missing in %s: %v", dir, err)
	}
}
