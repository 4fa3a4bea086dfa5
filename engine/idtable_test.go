package engine

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// TestIDTable checks the open-addressing table against a map through random
// inserts and deletes (deletes shift entries back, which is where it can go wrong).
func TestIDTable(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var keys []string
	var tab idTable
	tab.key = func(slot int32) string { return keys[slot] }
	ref := map[string]int32{}
	var free []int32
	for step := 0; step < 200_000; step++ {
		k := "inv-" + strconv.Itoa(r.IntN(5000))
		if slot, ok := ref[k]; ok {
			if r.IntN(2) == 0 {
				got, ok := tab.del(k)
				if !ok || got != slot {
					t.Fatalf("step %d: del %s = %d %v, want %d", step, k, got, ok, slot)
				}
				delete(ref, k)
				keys[slot] = ""
				free = append(free, slot)
			}
		} else {
			var slot int32
			if n := len(free); n > 0 {
				slot, free = free[n-1], free[:n-1]
			} else {
				slot = int32(len(keys))
				keys = append(keys, "")
			}
			keys[slot] = k
			tab.put(k, slot)
			ref[k] = slot
		}
		if tab.Len() != len(ref) {
			t.Fatalf("step %d: len %d, want %d", step, tab.Len(), len(ref))
		}
		if step%1000 == 0 {
			for k, slot := range ref {
				if got, ok := tab.getBytes([]byte(k)); !ok || got != slot {
					t.Fatalf("step %d: get %s = %d %v, want %d", step, k, got, ok, slot)
				}
			}
			for i := 0; i < 100; i++ {
				k := "missing-" + strconv.Itoa(i)
				if _, ok := tab.get(k); ok {
					t.Fatalf("found %s", k)
				}
			}
		}
	}
}

// TestPushBytes checks that a push of a message body — a signaling one, kept
// as its info, and others kept as they are — encodes as the push of the
// message it stands for, and that the body gives that message back.
func TestPushBytes(t *testing.T) {
	sig := &SignalingInfo{BusinessID: 1, InviteID: "c1", Inviter: "alice", InviteeList: []string{"bob"}, Data: strings.Repeat("d", 300),
		Timeout: 30, ActionType: ActionInvite}
	group := *sig
	group.GroupID, group.InviteeList, group.Data = "g1", []string{"bob", "carol"}, "x"
	bodies := []msgBody{
		newStored(sig, nil, "alice", "1", 123456789012).msgBody, // to bob
		newStored(sig, nil, "bob", "2", 5).msgBody,              // to alice
		newStored(&group, nil, "alice", "", -5).msgBody,
		*otherMessage(&Message{Conv: ConvC2C, Sender: "alice", SenderDevice: "1", Receiver: "bob", Time: 123456789012, Elem: ElemCustom, Custom: []byte("xyz")}),
		*otherMessage(&Message{Conv: ConvGroup, Sender: "carol", GroupID: "g1", Time: -5, OnlineOnly: true, Elem: ElemGroupTip, Tip: 2, TipMembers: []string{"a", "b"}}),
		*otherMessage(&Message{Conv: ConvC2C, Sender: "d", Elem: ElemText, Text: "hello"}),
	}
	for i := range bodies {
		b := &bodies[i]
		for _, seq := range []uint64{0, 1, 300, 1 << 40} {
			s := NewServer(ServerConfig{})
			s.sessions = append(s.sessions, session{live: true, addr: 7, epoch: 1 << 33, nextSeq: 70000})
			s.pushTo(0, 0, b, seq)
			m := b.message(seq)
			want := Frame{Type: FramePush, Epoch: 1 << 33, Seq: 70000, Msg: &m}
			if got, want := EncodeFrame(s.out.Msgs[0].Frame), EncodeFrame(&want); string(got) != string(want) {
				t.Fatalf("body %d seq %d: push\n%x, want\n%x", i, seq, got, want)
			}
			if got := s.out.Msgs[0].Frame.Describe(); got != want.Describe() {
				t.Fatalf("body %d: push describes as %s, want %s", i, got, want.Describe())
			}
			var wc WireCheck
			if err := wc.Check(s.out.Msgs[0].Frame, EncodeFrame(&want)); err != nil {
				t.Fatalf("body %d: %v", i, err)
			}
			sm := storedMsg{msgBody: *b}
			if !sm.sentBy(m.Sender, m.SenderDevice) || sm.sentBy(m.Sender, "zz") || !sm.inGroup(m.GroupID) {
				t.Fatalf("body %d: sentBy or inGroup", i)
			}
			if m.Elem == ElemCustom && b.sig != nil {
				if got := GetSignalingInfo(&m); got == nil || diffSignaling(got, b.sig) != "" {
					t.Fatalf("body %d: message carries %+v, want %+v", i, got, b.sig)
				}
			}
		}
	}
}

func TestIDTableSet(t *testing.T) {
	keys := []string{}
	var tab idTable
	tab.key = func(s int32) string { return keys[s] }
	for i := range 100 {
		keys = append(keys, "k"+strconv.Itoa(i))
		tab.put(keys[i], int32(i))
	}
	// Move key 99 into slot 3 (as a dense slab's drop does), dropping key 3.
	if s, ok := tab.del("k3"); !ok || s != 3 {
		t.Fatalf("del k3 = %d, %v", s, ok)
	}
	keys[3] = keys[99]
	tab.set("k99", 3)
	keys = keys[:99]
	for i, k := range keys {
		if s, ok := tab.get(k); !ok || s != int32(i) {
			t.Errorf("get(%s) = %d, %v, want %d", k, s, ok, i)
		}
	}
	if _, ok := tab.get("k3"); ok {
		t.Error("k3 still present")
	}
}
