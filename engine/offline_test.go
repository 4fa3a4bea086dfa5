package engine

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestOfflineInviteeLogsInWhileLive(t *testing.T) {
	for _, mode := range []Mode{ModeServer, ModeClient} {
		t.Run(mode.String(), func(t *testing.T) {
			n := newNet(t, mode, 2, "alice/1", "bob/1")
			n.do("alice/1", func(c *Client, now Time) { c.Login(now) })
			n.flush()
			n.take()
			var id string
			n.do("alice/1", func(c *Client, now Time) {
				id, _ = c.Invite(now, "bob", "room=7", false, &OfflinePushInfo{Title: "alice calls"}, 30)
			})
			n.flush()
			if len(n.pushes) != 1 || n.pushes[0].User != "bob" || n.pushes[0].Info.Title != "alice calls" || n.pushes[0].Sig.InviteID != id {
				t.Fatalf("offline push: %+v", n.pushes)
			}
			n.advance(10e9)
			n.do("bob/1", func(c *Client, now Time) { c.Login(now) })
			n.flush()
			wantLog(t, outcome(n.take(), "bob/1"), "login -> ok",
				"OnReceiveNewInvitation(alice/1.0-1, inviter=alice, group=, invitees=[bob], data=\"room=7\")")
			// The push also lets the app add the invitation itself: a duplicate.
			n.do("bob/1", func(c *Client, now Time) { c.AddInvitedSignaling(now, n.pushes[0].Sig) })
			if r := n.lastResult("bob/1"); r.Code != CodeInviteExists {
				t.Errorf("AddInvitedSignaling of a known invitation: %s", r.Describe())
			}
			n.do("bob/1", func(c *Client, now Time) { c.Accept(now, id, "") })
			n.flush()
			if r := n.lastResult("bob/1"); r.Code != OK {
				t.Errorf("accept after late login: %s", r.Describe())
			}
		})
	}
}

func TestOfflineInviteeLogsInAfterExpiry(t *testing.T) {
	for _, mode := range []Mode{ModeServer, ModeClient} {
		t.Run(mode.String(), func(t *testing.T) {
			n := newNet(t, mode, 1, "alice/1", "bob/1")
			n.do("alice/1", func(c *Client, now Time) { c.Login(now) })
			n.flush()
			n.invite("alice/1", "bob", "", 30)
			n.flush()
			n.advance(60e9)
			n.take()
			n.do("bob/1", func(c *Client, now Time) { c.Login(now) })
			n.flush()
			got := outcome(n.take(), "bob/1")
			if mode == ModeServer {
				// Only live invitations are delivered at login.
				wantLog(t, got, "login -> ok")
			} else {
				// The relay sends the history; the legacy SDK drops the stale invite
				// but reports the timeout announcement without checking.
				wantLog(t, got, "login -> ok", "OnInvitationTimeout(alice/1.0-1, invitees=[bob])")
			}
			if len(n.dev("bob/1").Invitations()) != 0 {
				t.Error("bob lists an expired invitation")
			}
		})
	}
}

func TestOnlineOnlyNeverDeliveredLate(t *testing.T) {
	for _, mode := range []Mode{ModeServer, ModeClient} {
		t.Run(mode.String(), func(t *testing.T) {
			n := newNet(t, mode, 1, "alice/1", "bob/1")
			n.do("alice/1", func(c *Client, now Time) { c.Login(now) })
			n.flush()
			n.do("alice/1", func(c *Client, now Time) { c.Invite(now, "bob", "", true, nil, 30) })
			n.flush()
			if len(n.pushes) != 0 {
				t.Errorf("online-only invitation made an offline push: %+v", n.pushes)
			}
			n.take()
			n.do("bob/1", func(c *Client, now Time) { c.Login(now) })
			n.advance(5e9)
			wantLog(t, outcome(n.take(), "bob/1"), "login -> ok")
			// And it cannot be modified.
			id := ""
			n.do("alice/1", func(c *Client, now Time) { id, _ = c.Invite(now, "bob", "", true, nil, 30) })
			n.flush()
			n.do("alice/1", func(c *Client, now Time) { c.Modify(now, id, "x") })
			n.flush()
			if r := n.lastResult("alice/1"); r.Code != CodeOnlineOnlyModify {
				t.Errorf("modify online-only: %s", r.Describe())
			}
		})
	}
}

func TestAddInvitedSignaling(t *testing.T) {
	n := newNet(t, ModeServer, 1, "alice/1", "bob/1")
	n.do("alice/1", func(c *Client, now Time) { c.Login(now) })
	n.flush()
	n.invite("alice/1", "bob", "", 30)
	n.flush()
	sig := n.pushes[0].Sig
	n.do("bob/1", func(c *Client, now Time) { c.AddInvitedSignaling(now, sig) })
	if r := n.lastResult("bob/1"); r.Code != CodeNotLoggedIn {
		t.Errorf("before login: %s", r.Describe())
	}
	// Bob logs in; before the sync arrives, the app adds the invitation from the push.
	n.do("bob/1", func(c *Client, now Time) { c.Login(now) })
	n.deliverMatching("LOGIN bob")
	n.deliverMatching("LOGIN-OK")
	n.do("bob/1", func(c *Client, now Time) { c.AddInvitedSignaling(now, sig) })
	if r := n.lastResult("bob/1"); r.Code != OK {
		t.Errorf("first add: %s", r.Describe())
	}
	n.do("bob/1", func(c *Client, now Time) { c.AddInvitedSignaling(now, sig) })
	if r := n.lastResult("bob/1"); r.Code != CodeInviteExists {
		t.Errorf("second add: %s", r.Describe())
	}
	n.flush()
	// The synced invite confirms the added one silently: no second ring.
	for _, l := range n.take() {
		if strings.Contains(l, "OnReceiveNewInvitation") {
			t.Errorf("rang again after AddInvitedSignaling: %s", l)
		}
	}
	bad := sig
	bad.ActionType = ActionCancel
	n.do("bob/1", func(c *Client, now Time) { c.AddInvitedSignaling(now, bad) })
	if r := n.lastResult("bob/1"); r.Code != CodeInvalidParameters {
		t.Errorf("add of a cancel: %s", r.Describe())
	}
}

func TestDeviceCrashAndReconnect(t *testing.T) {
	n := newNet(t, ModeServer, 2, "alice/1", "bob/1", "bob/2")
	n.loginAll()
	id := n.invite("alice/1", "bob", "", 30)
	n.flush()
	n.take()
	// bob/2 crashes: volatile state lost; a new incarnation logs in and gets the
	// live invitation again.
	n.shards[ShardOf("bob", 2)].Disconnected(n.now, n.addr["bob/2"])
	n.addDevice("bob/2", 1)
	n.do("bob/2", func(c *Client, now Time) { c.Login(now) })
	n.flush()
	wantLog(t, outcome(n.take(), "bob/2"), "login -> ok",
		"OnReceiveNewInvitation(alice/1.0-1, inviter=alice, group=, invitees=[bob], data=\"\")")
	// bob/1 loses its link; while away, bob/2 accepts; bob/1 comes back and learns it.
	n.dev("bob/1").Disconnected(n.now)
	n.shards[ShardOf("bob", 2)].Disconnected(n.now, n.addr["bob/1"])
	n.do("bob/2", func(c *Client, now Time) { c.Accept(now, id, "") })
	n.flush()
	n.take()
	n.do("bob/1", func(c *Client, now Time) { c.Connected(now) })
	n.flush()
	wantLog(t, outcome(n.take(), "bob/1"), "OnInviteeAccepted(alice/1.0-1, invitee=bob, data=\"\")")
	for _, d := range []string{"alice/1", "bob/1", "bob/2"} {
		if v := n.dev(d).Invitations(); len(v) != 0 {
			t.Errorf("%s still lists %v", d, v[0].Describe())
		}
	}
}

func TestShardCrashKeepsDurableState(t *testing.T) {
	n := newNet(t, ModeServer, 1, "alice/1", "bob/1")
	n.loginAll()
	id := n.invite("alice/1", "bob", "", 30)
	n.flush()
	n.take()
	n.shards[0].Crash()
	// bob's accept meets a shard without sessions: bob logs in again and retries.
	n.do("bob/1", func(c *Client, now Time) { c.Accept(now, id, "") })
	// alice's connection was reset by the crash: she reconnects and syncs.
	n.do("alice/1", func(c *Client, now Time) { c.Disconnected(now); c.Connected(now) })
	n.advance(5e9)
	l := n.take()
	wantLog(t, sortedLog(l), "alice/1: OnInviteeAccepted(alice/1.0-1, invitee=bob, data=\"\")", "bob/1: accept alice/1.0-1 -> ok")
}

// TestLossyNetworkConverges drives many invitations through a network that loses,
// duplicates and reorders frames; in server mode every device must end with the
// server's outcome, each callback once.
func TestLossyNetworkConverges(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		n := newNet(t, ModeServer, 2, "alice/1", "alice/2", "bob/1", "bob/2", "carol/1")
		n.loadGroup("g", "alice", "bob", "carol")
		n.loginAll()
		n.rng = rand.New(rand.NewPCG(seed, 99))
		n.loss, n.dup = 0.2, 0.1
		var ids []string
		for i := 0; i < 6; i++ {
			ids = append(ids, n.invite("alice/1", "bob", "", 20))
			ids = append(ids, n.inviteGroup("alice/2", "g", []string{"bob", "carol"}, "", 20))
		}
		for i, id := range ids {
			switch i % 4 {
			case 0:
				n.do("bob/1", func(c *Client, now Time) { c.Accept(now, id, "") })
			case 1:
				n.do("bob/2", func(c *Client, now Time) { c.Reject(now, id, "") })
			case 2:
				n.do("alice/1", func(c *Client, now Time) { c.Cancel(now, id, "") })
			}
			n.advance(time.Duration(n.rng.IntN(500)) * time.Millisecond)
		}
		n.advance(120e9)
		n.rng = nil
		n.advance(120e9)
		if live := n.liveOnServers(); live != 0 {
			t.Errorf("seed %d: %d invitations live on the server", seed, live)
		}
		for d, c := range n.devs {
			if v := c.Invitations(); len(v) != 0 {
				t.Errorf("seed %d: %s still lists %s", seed, d, v[0].Describe())
			}
			if c.Outstanding() != 0 {
				t.Errorf("seed %d: %s has %d unanswered requests", seed, d, c.Outstanding())
			}
		}
		seen := map[string]bool{}
		for _, l := range n.log {
			if strings.Contains(l, ": On") {
				if seen[l] {
					t.Errorf("seed %d: callback repeated: %s", seed, l)
				}
				seen[l] = true
			}
		}
	}
}

// TestStaleLoginIgnored: a login that lingered in the network behind a newer one
// must not replace the newer session (found by explore: the device then ignored
// every push of the resurrected old session forever).
func TestStaleLoginIgnored(t *testing.T) {
	n := newNet(t, ModeServer, 1, "alice/1", "bob/1")
	n.loginAll()
	n.do("alice/1", func(c *Client, now Time) { c.Disconnected(now); c.Connected(now) }) // epoch 2 in flight
	n.do("alice/1", func(c *Client, now Time) { c.Disconnected(now); c.Connected(now) }) // epoch 3 in flight
	if !n.deliverMatching("epoch=3") || !n.deliverMatching("epoch=2") {
		t.Fatal("logins not in flight")
	}
	n.flush()
	n.take()
	n.invite("bob/1", "alice", "", 30)
	n.flush()
	wantLog(t, outcome(n.take(), "alice/1"), "OnReceiveNewInvitation(bob/1.0-1, inviter=bob, group=, invitees=[alice], data=\"\")")
}

// A device answers and crashes before its answer is applied (the shard that
// decides it, the inviter's, gets it late over the bus); its new incarnation
// logs in and learns the invitation again; then the old answer is applied.
// The new incarnation did not make it: in server mode it hears it as a
// callback, like any other device of its user would (the legacy SDK, which
// ignores every message its device's name sent, stays silent).
func TestAnswerOfEarlierIncarnation(t *testing.T) {
	for _, mode := range []Mode{ModeServer, ModeClient} {
		n := newNet(t, mode, 2, "alice/1", "bob/1") // alice on s1, bob on s0
		n.loginAll()
		id := n.invite("alice/1", "bob", "", 30)
		n.flush()
		n.take()
		n.do("bob/1", func(c *Client, now Time) { c.Reject(now, id, "busy") })
		if !n.deliverMatching("reject") {
			t.Fatalf("%s: no reject in flight", mode)
		}
		var held []tmsg // the bus from bob's shard to alice's
		n.inflight = slices.DeleteFunc(n.inflight, func(m tmsg) bool {
			if m.from == 0 && m.to == 1 {
				held = append(held, m)
				return true
			}
			return false
		})
		n.shards[0].Disconnected(n.now, n.addr["bob/1"])
		n.addDevice("bob/1", 1)
		n.do("bob/1", func(c *Client, now Time) { c.Login(now) })
		n.flush()
		wantLog(t, outcome(n.take(), "bob/1"), "login -> ok",
			`OnReceiveNewInvitation(alice/1.0-1, inviter=alice, group=, invitees=[bob], data="")`)
		n.inflight = append(n.inflight, held...)
		n.flush()
		l := n.take()
		want := []string{`OnInviteeRejected(alice/1.0-1, invitee=bob, data="busy")`}
		if mode == ModeClient {
			want = nil
		}
		wantLog(t, outcome(l, "bob/1"), want...)
		wantLog(t, outcome(l, "alice/1"), `OnInviteeRejected(alice/1.0-1, invitee=bob, data="busy")`)
		if mode == ModeServer && len(n.dev("bob/1").Invitations()) != 0 {
			t.Errorf("bob/1 still lists %v", n.dev("bob/1").Invitations()[0].Describe())
		}
	}
}
