package engine

import (
	"testing"
)

func TestGroupManagement(t *testing.T) {
	for _, mode := range []Mode{ModeServer, ModeClient} {
		t.Run(mode.String(), func(t *testing.T) {
			n := newNet(t, mode, 3, "alice/1", "bob/1", "carol/1", "dave/1")
			n.loginAll()
			n.do("alice/1", func(c *Client, now Time) { c.CreateGroup(now, "g", []string{"bob", "carol"}) })
			n.flush()
			enter := "OnMemberEnter(g, members=[alice,bob,carol])"
			wantLog(t, sortedLog(n.take()), "alice/1: create-group -> ok", "bob/1: "+enter, "carol/1: "+enter)
			n.do("alice/1", func(c *Client, now Time) { c.CreateGroup(now, "g", nil) })
			n.flush()
			if r := n.lastResult("alice/1"); r.Code != CodeGroupExists {
				t.Errorf("create twice: %s", r.Describe())
			}
			n.take()
			n.do("dave/1", func(c *Client, now Time) { c.JoinGroup(now, "g") })
			n.flush()
			wantLog(t, sortedLog(n.take()), "alice/1: OnMemberEnter(g, members=[dave])", "bob/1: OnMemberEnter(g, members=[dave])",
				"carol/1: OnMemberEnter(g, members=[dave])", "dave/1: join-group -> ok")
			n.do("dave/1", func(c *Client, now Time) { c.JoinGroup(now, "g") })
			n.flush()
			if r := n.lastResult("dave/1"); r.Code != CodeAlreadyMember {
				t.Errorf("join twice: %s", r.Describe())
			}
			// A pending invitee who quits drops the invitation.
			id := n.inviteGroup("alice/1", "g", []string{"bob", "carol"}, "", 0)
			n.flush()
			n.take()
			n.do("carol/1", func(c *Client, now Time) { c.QuitGroup(now, "g") })
			n.flush()
			wantLog(t, sortedLog(n.take()), "alice/1: OnMemberLeave(g, members=[carol])", "bob/1: OnMemberLeave(g, members=[carol])",
				"carol/1: quit-group -> ok", "dave/1: OnMemberLeave(g, members=[carol])")
			if len(n.dev("carol/1").Invitations()) != 0 {
				t.Error("carol keeps an invitation of a group she left")
			}
			n.do("bob/1", func(c *Client, now Time) { c.GetGroupMemberList(now, "g") })
			n.flush()
			if r := n.lastResult("bob/1"); r.Describe() != "group-members -> ok [alice,bob,dave]" {
				t.Errorf("members: %s", r.Describe())
			}
			n.do("carol/1", func(c *Client, now Time) { c.GetGroupMemberList(now, "g") })
			n.do("alice/1", func(c *Client, now Time) { c.QuitGroup(now, "g") })
			n.do("bob/1", func(c *Client, now Time) { c.DismissGroup(now, "g") })
			n.do("bob/1", func(c *Client, now Time) { c.JoinGroup(now, "") })
			n.flush()
			for d, want := range map[string]Code{"carol/1": CodeNotGroupMember, "alice/1": CodeOwnerCannotQuit} {
				if r := n.lastResult(d); r.Code != want {
					t.Errorf("%s: %s, want %s", d, r.Describe(), want)
				}
			}
			if r := n.results["bob/1"]; r[len(r)-1].Code != CodeNotGroupOwner || r[len(r)-2].Code != CodeInvalidParameters {
				t.Errorf("bob: %s / %s", r[len(r)-2].Describe(), r[len(r)-1].Describe())
			}
			n.take()
			n.do("alice/1", func(c *Client, now Time) { c.DismissGroup(now, "g") })
			n.flush()
			wantLog(t, sortedLog(n.take()), "alice/1: dismiss-group -> ok", "bob/1: OnGroupDismissed(g)", "dave/1: OnGroupDismissed(g)")
			for _, d := range []string{"alice/1", "bob/1"} {
				if len(n.dev(d).Invitations()) != 0 {
					t.Errorf("%s keeps an invitation of a dismissed group", d)
				}
			}
			if mode == ModeServer && n.liveOnServers() != 0 {
				t.Error("a dismissed group's invitation is still live on the server")
			}
			n.do("bob/1", func(c *Client, now Time) { c.Accept(now, id, "") })
			n.do("bob/1", func(c *Client, now Time) { c.JoinGroup(now, "g") })
			n.flush()
			if r := n.lastResult("bob/1"); r.Code != CodeGroupNotFound {
				t.Errorf("join dismissed group: %s", r.Describe())
			}
		})
	}
}

func TestLoadGroupPlacement(t *testing.T) {
	s := NewServer(ServerConfig{Shard: 0, Shards: 4})
	for _, id := range []string{"a", "b", "c", "d", "e", "f"} {
		err := s.LoadGroup(id, "o", nil)
		if (ShardOf(id, 4) == 0) != (err == nil) {
			t.Errorf("LoadGroup(%s) on shard 0 of 4: %v (group's shard %d)", id, err, ShardOf(id, 4))
		}
	}
	if err := s.LoadGroup("", "o", nil); err == nil {
		t.Error("LoadGroup without ID succeeded")
	}
}
