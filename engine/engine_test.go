package engine

import (
	"testing"
)

func TestOneToOneAcceptServerMode(t *testing.T) {
	n := newNet(t, ModeServer, 1, "alice/1", "bob/1")
	n.loginAll()
	id := n.invite("alice/1", "bob", "room=42", 30)
	n.flush()
	wantLog(t, n.take(),
		"bob/1: OnReceiveNewInvitation(alice/1.0-1, inviter=alice, group=, invitees=[bob], data=\"room=42\")",
		"alice/1: invite alice/1.0-1 -> ok")
	n.do("bob/1", func(c *Client, now Time) { c.Accept(now, id, "") })
	n.flush()
	wantLog(t, n.take(),
		"alice/1: OnInviteeAccepted(alice/1.0-1, invitee=bob, data=\"\")",
		"bob/1: accept alice/1.0-1 -> ok")
	if live := n.liveOnServers(); live != 0 {
		t.Errorf("%d invitations left on the server after the last invitee answered", live)
	}
	for _, d := range []string{"alice/1", "bob/1"} {
		if v := n.dev(d).Invitations(); len(v) != 0 {
			t.Errorf("%s still lists %v", d, v)
		}
	}
}
