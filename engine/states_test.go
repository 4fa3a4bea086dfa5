package engine

import (
	"fmt"
	"testing"
)

// TestOperationByState runs every operation against an invitation in every state,
// in both modes, and checks the result code.
func TestOperationByState(t *testing.T) {
	type setup func(n *tnet, id string)
	states := []struct {
		name string
		to   setup
	}{
		{"pending", func(n *tnet, id string) {}},
		{"accepted", func(n *tnet, id string) { n.do("bob/1", func(c *Client, now Time) { c.Accept(now, id, "") }) }},
		{"rejected", func(n *tnet, id string) { n.do("bob/1", func(c *Client, now Time) { c.Reject(now, id, "") }) }},
		{"cancelled", func(n *tnet, id string) { n.do("alice/1", func(c *Client, now Time) { c.Cancel(now, id, "") }) }},
		{"timed-out", func(n *tnet, id string) { n.advance(40e9) }},
		{"unknown", nil},
	}
	ops := []struct {
		name string
		dev  string
		call func(c *Client, now Time, id string)
		// want code for each state, in the order of states above
		want [6]Code
	}{
		{"invitee accepts", "bob/1", func(c *Client, now Time, id string) { c.Accept(now, id, "") },
			[6]Code{OK, CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid}},
		{"invitee rejects", "bob/1", func(c *Client, now Time, id string) { c.Reject(now, id, "busy") },
			[6]Code{OK, CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid}},
		{"inviter cancels", "alice/1", func(c *Client, now Time, id string) { c.Cancel(now, id, "") },
			[6]Code{OK, CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid}},
		{"inviter modifies", "alice/1", func(c *Client, now Time, id string) { c.Modify(now, id, "v2") },
			[6]Code{OK, CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid}},
		{"invitee cancels", "bob/1", func(c *Client, now Time, id string) { c.Cancel(now, id, "") },
			[6]Code{CodeNotInviter, CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid}},
		{"invitee modifies", "bob/1", func(c *Client, now Time, id string) { c.Modify(now, id, "x") },
			[6]Code{CodeNotInviter, CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid}},
		{"stranger accepts", "carol/1", func(c *Client, now Time, id string) { c.Accept(now, id, "") },
			[6]Code{CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid}},
		{"inviter accepts", "alice/1", func(c *Client, now Time, id string) { c.Accept(now, id, "") },
			[6]Code{CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid, CodeInviteInvalid}},
	}
	for _, mode := range []Mode{ModeServer, ModeClient} {
		for si, st := range states {
			for _, op := range ops {
				t.Run(fmt.Sprintf("%s/%s/%s", mode, st.name, op.name), func(t *testing.T) {
					n := newNet(t, mode, 1, "alice/1", "bob/1", "carol/1")
					n.loginAll()
					id := "no-such-invitation"
					if st.to != nil {
						id = n.invite("alice/1", "bob", "", 30)
						n.flush()
						st.to(n, id)
						n.flush()
					}
					n.do(op.dev, func(c *Client, now Time) { op.call(c, now, id) })
					n.flush()
					if got := n.lastResult(op.dev); got.Code != op.want[si] {
						t.Errorf("%s: got %s, want %s", got.Describe(), got.Code, op.want[si])
					}
				})
			}
		}
	}
}

// TestWhoGetsWhichCallback checks the recipients of every callback of a 1:1
// invitation, with a second device per user and an outsider.
func TestWhoGetsWhichCallback(t *testing.T) {
	for _, mode := range []Mode{ModeServer, ModeClient} {
		t.Run(mode.String(), func(t *testing.T) {
			n := newNet(t, mode, 1, "alice/1", "alice/2", "bob/1", "bob/2", "carol/1")
			n.loginAll()
			id := n.invite("alice/1", "bob", "d", 30)
			n.flush()
			wantLog(t, sortedLog(n.take()),
				"alice/1: invite alice/1.0-1 -> ok",
				"alice/2: OnReceiveNewInvitation(alice/1.0-1, inviter=alice, group=, invitees=[bob], data=\"d\")",
				"bob/1: OnReceiveNewInvitation(alice/1.0-1, inviter=alice, group=, invitees=[bob], data=\"d\")",
				"bob/2: OnReceiveNewInvitation(alice/1.0-1, inviter=alice, group=, invitees=[bob], data=\"d\")")
			n.do("alice/1", func(c *Client, now Time) { c.Modify(now, id, "d2") })
			n.flush()
			wantLog(t, sortedLog(n.take()),
				"alice/1: modify alice/1.0-1 -> ok",
				"alice/2: OnInvitationModified(alice/1.0-1, data=\"d2\")",
				"bob/1: OnInvitationModified(alice/1.0-1, data=\"d2\")",
				"bob/2: OnInvitationModified(alice/1.0-1, data=\"d2\")")
			n.do("bob/2", func(c *Client, now Time) { c.Reject(now, id, "line_busy") })
			n.flush()
			wantLog(t, sortedLog(n.take()),
				"alice/1: OnInviteeRejected(alice/1.0-1, invitee=bob, data=\"line_busy\")",
				"alice/2: OnInviteeRejected(alice/1.0-1, invitee=bob, data=\"line_busy\")",
				"bob/1: OnInviteeRejected(alice/1.0-1, invitee=bob, data=\"line_busy\")",
				"bob/2: reject alice/1.0-1 -> ok")
			// Cancel and timeout of a second invitation.
			id2 := n.invite("alice/2", "bob", "", 10)
			n.flush()
			n.take()
			n.do("alice/2", func(c *Client, now Time) { c.Cancel(now, id2, "hang-up") })
			n.flush()
			wantLog(t, sortedLog(n.take()),
				"alice/1: OnInvitationCancelled(alice/2.0-1, inviter=alice, data=\"hang-up\", cancelled=[bob])",
				"alice/2: cancel alice/2.0-1 -> ok",
				"bob/1: OnInvitationCancelled(alice/2.0-1, inviter=alice, data=\"hang-up\", cancelled=[bob])",
				"bob/2: OnInvitationCancelled(alice/2.0-1, inviter=alice, data=\"hang-up\", cancelled=[bob])")
			n.invite("alice/1", "bob", "", 10)
			n.flush()
			n.take()
			n.advance(20e9)
			got := sortedLog(n.take())
			// Both modes report the timeout once everywhere here. In client mode that is
			// luck of timing: bob/1's timer fires first and its announcement reaches
			// bob/2 before bob/2's own timer, which then finds nothing pending.
			wantLog(t, got,
				"alice/1: OnInvitationTimeout(alice/1.0-2, invitees=[bob])",
				"alice/2: OnInvitationTimeout(alice/1.0-2, invitees=[bob])",
				"bob/1: OnInvitationTimeout(alice/1.0-2, invitees=[bob])",
				"bob/2: OnInvitationTimeout(alice/1.0-2, invitees=[bob])")
			for _, d := range []string{"carol/1"} {
				for _, l := range n.log {
					if len(l) > len(d) && l[:len(d)] == d {
						t.Errorf("outsider got %s", l)
					}
				}
			}
		})
	}
}
