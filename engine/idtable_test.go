package engine

import (
	"math/rand/v2"
	"strconv"
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

// TestPushBytes checks that a push built from a stored message's tail is the
// frame appendFrame gives, and that the stored form decodes back.
func TestPushBytes(t *testing.T) {
	msgs := []Message{
		{Conv: ConvC2C, Sender: "alice", SenderDevice: "1", Receiver: "bob", Time: 123456789012, Elem: ElemCustom, Custom: []byte("xyz")},
		{Conv: ConvGroup, Sender: "carol", GroupID: "g1", Time: -5, OnlineOnly: true, Elem: ElemGroupTip, Tip: 2, TipMembers: []string{"a", "b"}},
		{Conv: ConvC2C, Sender: "d", Elem: ElemText, Text: "hello"},
	}
	for i := range msgs {
		m := &msgs[i]
		for _, seq := range []uint64{0, 1, 300, 1 << 40} {
			s := NewServer(ServerConfig{})
			s.sessions = append(s.sessions, session{live: true, addr: 7, epoch: 1 << 33, nextSeq: 70000})
			s.pushTo(0, 0, appendMessageTail(nil, m), seq)
			f := Frame{Type: FramePush, Epoch: 1 << 33, Seq: 70000, Msg: *m}
			f.Msg.Seq = seq
			if got, want := s.out.Msgs[0].Bytes, EncodeFrame(&f); string(got) != string(want) {
				t.Fatalf("msg %d seq %d: push\n%x, want\n%x", i, seq, got, want)
			}
			sm := storedMsg{enc: string(appendMessageTail(nil, m))}
			got := sm.message(seq)
			want := *m
			want.Seq = seq
			if got.Describe() != want.Describe() || string(got.Custom) != string(want.Custom) || got.Time != want.Time {
				t.Fatalf("msg %d: stored form decodes to %+v, want %+v", i, got, want)
			}
			if !sm.sentBy(m.Sender, m.SenderDevice) || sm.sentBy(m.Sender, "zz") {
				t.Fatalf("msg %d: sentBy", i)
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
