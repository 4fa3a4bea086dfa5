package engine

import (
	"fmt"
	"testing"
)

// TestSharedInvitations runs invitations with every kind of ending, a modify
// delivered to one device at a time (copy on write) and an added invitation
// that differs from the one invited, over the wire (frames as bytes) and with
// decoded frames, with and without a SharedClientState: the outputs must be
// the same. With decoded frames the devices share the invitation a message
// brought them: one copy of the group invitation, two versions at most while
// its modify reaches the devices one by one.
func TestSharedInvitations(t *testing.T) {
	for _, mode := range []Mode{ModeServer, ModeClient} {
		run := func(wire, shared bool) ([]string, []string) {
			n := newNet(t, mode, 2)
			n.wire = wire
			var group string
			versions := 0 // the most versions of the group invitation held at once
			if shared {
				n.shared = NewSharedClientState()
			}
			n.check = func() {
				held := map[*SignalingInfo]bool{}
				for _, c := range n.devs {
					if inv := c.lookup(group); inv != nil && group != "" {
						held[inv.info] = true
					}
				}
				versions = max(versions, len(held))
			}
			for _, d := range []string{"alice/1", "bob/1", "bob/2", "carol/1", "dave/1"} {
				n.addDevice(d, 0)
			}
			n.loadGroup("team", "alice", "bob", "carol", "dave")
			n.loginAll()
			call := n.invite("alice/1", "bob", "x", 30)
			group = n.inviteGroup("alice/1", "team", []string{"bob", "carol", "dave"}, "g", 30)
			n.flush()
			if !wire && mode == ModeServer {
				p := n.dev("carol/1").lookup(group).info
				for _, d := range []string{"alice/1", "bob/1", "bob/2", "dave/1"} {
					if n.dev(d).lookup(group).info != p {
						t.Errorf("%s: %s does not share the group invitation", mode, d)
					}
				}
			}
			n.do("alice/1", func(c *Client, now Time) { c.Modify(now, group, "g2") })
			for len(n.inflight) > 0 {
				n.deliverOne(len(n.inflight) - 1) // newest first: the modify reaches devices one by one
			}
			n.do("bob/1", func(c *Client, now Time) { c.Accept(now, call, "") })
			n.do("carol/1", func(c *Client, now Time) { c.Reject(now, group, "") })
			n.flush()
			n.do("alice/1", func(c *Client, now Time) { c.Cancel(now, group, "") })
			later := n.invite("carol/1", "dave", "", 1)
			other := n.invite("alice/1", "bob", "o", 20)
			n.flush()
			sig := SignalingInfo{BusinessID: BusinessID, InviteID: other, Inviter: "alice", InviteeList: []string{"dave"},
				Data: "not the same", Timeout: 20, ActionType: ActionInvite}
			n.do("dave/1", func(c *Client, now Time) { c.AddInvitedSignaling(now, sig) })
			n.do("bob/2", func(c *Client, now Time) { c.Modify(now, later, "not mine") })
			n.advance(60e9)
			for d, c := range n.devs {
				if v := c.Invitations(); len(v) != 0 {
					t.Errorf("%s: %s still holds %d invitations", mode, d, len(v))
				}
			}
			if !wire && mode == ModeServer && versions != 2 {
				t.Errorf("%s: at most %d versions of the modified invitation held at once, want 2", mode, versions)
			}
			return n.log, n.notes
		}
		log, notes := run(true, false)
		if len(log) < 20 {
			t.Fatalf("%s: only %d log lines", mode, len(log))
		}
		for _, c := range []struct{ wire, shared bool }{{true, true}, {false, false}, {false, true}} {
			l, no := run(c.wire, c.shared)
			wantLog(t, l, log...)
			wantLog(t, no, notes...)
		}
		if testing.Verbose() {
			fmt.Println(mode, len(log), "log lines,", len(notes), "notes")
		}
	}
}
