package engine

import (
	"fmt"
	"slices"
	"testing"
)

// TestInvStore checks sharing, chaining and release in the store itself.
func TestInvStore(t *testing.T) {
	var st invStore
	info := func(id, data string) *SignalingInfo {
		return &SignalingInfo{BusinessID: BusinessID, InviteID: id, Inviter: "alice", InviteeList: []string{"bob"},
			Data: data, Timeout: 30, ActionType: ActionInvite}
	}
	a1 := st.acquire(info("x", "a"))
	a2 := st.acquire(info("x", "a"))
	if a1 != a2 || a1.refs != 2 {
		t.Fatalf("an identical invitation is not shared: %p %p refs %d", a1, a2, a1.refs)
	}
	b := st.acquire(info("x", "b")) // another version of the same ID (a modify)
	c := st.acquire(info("x", "c"))
	if b == a1 || c == b || st.acquire(info("x", "b")) != b {
		t.Fatal("versions of one ID are not told apart, or not found again")
	}
	if s := b.signaling(); s.Data != "b" || s.ActionType != ActionInvite || s.BusinessID != BusinessID {
		t.Errorf("signaling() = %+v", s)
	}
	if id, ok := st.id([]byte("x")); !ok || id != "x" {
		t.Errorf("id(x) = %q, %v", id, ok)
	}
	l := info("x", "a")
	l.InviteeList = []string{"bob", "carol"}
	if st.acquire(l) == a1 {
		t.Error("a different invitee list is shared")
	}
	st.release(st.bodies[len(st.bodies)-1])
	// Release the head of the chain while others remain, then the middle, then the rest.
	for _, p := range []*invInfo{a1, a2, b, c, b} {
		st.release(p)
	}
	if st.ids.Len() != 0 || slices.ContainsFunc(st.bodies, func(p *invInfo) bool { return p != nil }) {
		t.Errorf("store not empty after every release: %d IDs, bodies %v", st.ids.Len(), st.bodies)
	}
	if len(st.free) != len(st.bodies) {
		t.Errorf("%d free slots of %d", len(st.free), len(st.bodies))
	}
	if p := st.acquire(info("y", "")); p.slot != st.free[0]+1 && len(st.free) == 0 {
		t.Error("a freed slot is not reused")
	}
	var nilStore *invStore
	p := nilStore.acquire(info("x", "a"))
	if p.slot != 0 || nilStore.acquire(info("x", "a")) == p {
		t.Error("without a store every invitation must be the device's own")
	}
	nilStore.release(p)
}

// checkStore checks that every device's invitation points at a body of the
// store with the right count, and that the store holds nothing else.
func checkStore(t *testing.T, n *tnet) {
	t.Helper()
	st := &n.shared.invs
	held := map[*invInfo]int32{}
	for d, c := range n.devs {
		if c.invs == nil {
			continue
		}
		for i := range c.invs.inv {
			p := c.invs.inv[i].info
			if p.slot == 0 || st.bodies[p.slot-1] != p {
				t.Fatalf("%s holds %s outside the store", d, p.id)
			}
			held[p]++
		}
	}
	for i, p := range st.bodies {
		if p == nil {
			continue
		}
		if held[p] != p.refs || p.refs <= 0 {
			t.Fatalf("body %d (%s data %q) has refs %d, held by %d devices", i, p.id, p.data, p.refs, held[p])
		}
		found := false
		head, ok := st.ids.get(p.id)
		for j := head; ok; j = st.bodies[j].next - 1 {
			found = found || st.bodies[j] == p
			ok = st.bodies[j].next != 0
		}
		if !found {
			t.Fatalf("body %d (%s) is not reachable by its ID", i, p.id)
		}
		delete(held, p)
	}
	if len(held) != 0 {
		t.Fatalf("devices hold %d bodies not in the store", len(held))
	}
}

// TestSharedInvitations runs invitations with every kind of ending, a modify
// delivered to one device at a time (copy on write) and an added invitation
// that differs from the one invited, once with the devices sharing a world's
// SharedClientState and once without: the outputs must be the same, the store
// consistent after every step and empty at the end.
func TestSharedInvitations(t *testing.T) {
	for _, mode := range []Mode{ModeServer, ModeClient} {
		run := func(shared bool) ([]string, []string) {
			n := newNet(t, mode, 2)
			var group string
			versions := 0 // the most versions of the group invitation held at once
			if shared {
				n.shared = NewSharedClientState()
				n.check = func() {
					checkStore(t, n)
					st := &n.shared.invs
					k := 0
					head, ok := st.ids.get(group)
					for i := head; ok; i = st.bodies[i].next - 1 {
						k++
						ok = st.bodies[i].next != 0
					}
					versions = max(versions, k)
				}
			}
			for _, d := range []string{"alice/1", "bob/1", "bob/2", "carol/1", "dave/1"} {
				n.addDevice(d, 0)
			}
			n.loadGroup("team", "alice", "bob", "carol", "dave")
			n.loginAll()
			call := n.invite("alice/1", "bob", "x", 30)
			group = n.inviteGroup("alice/1", "team", []string{"bob", "carol", "dave"}, "g", 30)
			n.flush()
			if shared {
				if p := n.dev("carol/1").lookup(group).info; p.refs != 5 {
					t.Errorf("%s: group invitation held by %d devices, want 5", mode, p.refs)
				}
			}
			n.do("alice/1", func(c *Client, now int64) { c.Modify(now, group, "g2") })
			for len(n.inflight) > 0 {
				n.deliverOne(len(n.inflight) - 1) // newest first: the modify reaches devices one by one
			}
			n.do("bob/1", func(c *Client, now int64) { c.Accept(now, call, "") })
			n.do("carol/1", func(c *Client, now int64) { c.Reject(now, group, "") })
			n.flush()
			n.do("alice/1", func(c *Client, now int64) { c.Cancel(now, group, "") })
			later := n.invite("carol/1", "dave", "", 1)
			other := n.invite("alice/1", "bob", "o", 20)
			n.flush()
			sig := SignalingInfo{BusinessID: BusinessID, InviteID: other, Inviter: "alice", InviteeList: []string{"dave"},
				Data: "not the same", Timeout: 20, ActionType: ActionInvite}
			n.do("dave/1", func(c *Client, now int64) { c.AddInvitedSignaling(now, sig) })
			n.do("bob/2", func(c *Client, now int64) { c.Modify(now, later, "not mine") })
			n.advance(60e9)
			for d, c := range n.devs {
				if v := c.Invitations(); len(v) != 0 {
					t.Errorf("%s: %s still holds %d invitations", mode, d, len(v))
				}
			}
			if shared && versions != 2 {
				t.Errorf("%s: at most %d versions of the modified invitation held at once, want 2", mode, versions)
			}
			if shared {
				if st := &n.shared.invs; st.ids.Len() != 0 {
					t.Errorf("%s: the store still holds %d invitations", mode, st.ids.Len())
				}
			}
			return n.log, n.notes
		}
		log, notes := run(false)
		slog, snotes := run(true)
		if len(log) < 20 {
			t.Fatalf("%s: only %d log lines", mode, len(log))
		}
		wantLog(t, slog, log...)
		wantLog(t, snotes, notes...)
		if testing.Verbose() {
			fmt.Println(mode, len(log), "log lines,", len(notes), "notes")
		}
	}
}
