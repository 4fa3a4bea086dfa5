package engine

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// The device link's economy: a request's echo rides on its response, acks ride
// on requests or wait a little to cover several pushes, and a result is reported
// only after the pushes the shard sent before it.

// inflightFrames describes the frames in flight, "from->to: FRAME".
func (n *tnet) inflightFrames() []string {
	var l []string
	for _, m := range n.inflight {
		l = append(l, n.name[m.from]+"->"+n.name[m.to]+": "+DescribeWire(m.b))
	}
	return l
}

// dropMatching removes the first in-flight frame whose description contains s.
func (n *tnet) dropMatching(s string) {
	n.t.Helper()
	for i, m := range n.inflight {
		if strings.Contains(DescribeWire(m.b), s) {
			n.inflight = slices.Delete(n.inflight, i, i+1)
			return
		}
	}
	n.t.Fatalf("no frame %q in flight", s)
}

func TestEchoRidesOnResponse(t *testing.T) {
	n := newNet(t, ModeServer, 1, "alice/1", "bob/1")
	n.loginAll()
	n.invite("alice/1", "bob", "", 30)
	if !n.deliverMatching("REQ #1 invite") {
		t.Fatal("no invite request")
	}
	wantLog(t, n.inflightFrames(),
		"s0->bob/1: PUSH s=1 seq=1 from=alice/1 to=bob invite alice/1.0-1 inviter=alice invitees=[bob] timeout=30s",
		"s0->alice/1: RESP #1 ok + s=1 seq=1 from=alice/1 to=bob invite alice/1.0-1 inviter=alice invitees=[bob] timeout=30s")
	n.flush()
	wantLog(t, sortedLog(n.take()),
		"alice/1: invite alice/1.0-1 -> ok",
		"bob/1: OnReceiveNewInvitation(alice/1.0-1, inviter=alice, group=, invitees=[bob], data=\"\")")
	// The carried push is acknowledged like any other: nothing is sent again.
	n.advance(5 * time.Second)
	if l := n.take(); len(l) != 0 {
		t.Fatalf("after the acks: %q", l)
	}
	if got := n.shards[0].sessions[0].unacked; len(got) != 0 {
		t.Fatalf("alice's session still holds %d unacked pushes", len(got))
	}
}

func TestAckRidesOnRequest(t *testing.T) {
	n := newNet(t, ModeServer, 1, "alice/1", "bob/1")
	n.loginAll()
	id := n.invite("alice/1", "bob", "", 30)
	n.flush()
	// bob answers before his ack timer fires: the ack rides on the request.
	n.do("bob/1", func(c *Client, now Time) { c.Accept(now, id, "") })
	wantLog(t, n.inflightFrames(), "bob/1->s0: REQ #1 accept accept alice/1.0-1 inviter=alice invitees=[] timeout=30s ack=1")
	n.flush()
	// Then alice holds two pushes (the echo of her invite and bob's accept) and
	// bob one; when their timers fire, one ACK each covers everything.
	n.record = true
	n.advance(3 * time.Second)
	wantLog(t, sortedLog(n.frames), "alice/1->s0: ACK s=2", "bob/1->s0: ACK s=2")
}

// bobMissesAModify: alice invites bob and modifies the invitation; bob loses
// the modify's push and rejects. His reject is in flight when it returns.
func bobMissesAModify(t *testing.T) *tnet {
	n := newNet(t, ModeServer, 1, "alice/1", "bob/1")
	n.loginAll()
	id := n.invite("alice/1", "bob", "", 30)
	n.flush()
	n.take()
	n.do("alice/1", func(c *Client, now Time) { c.Modify(now, id, "v2") })
	n.deliverMatching("REQ #2 modify")
	n.dropMatching("PUSH s=2")
	n.do("bob/1", func(c *Client, now Time) { c.Reject(now, id, "") })
	return n
}

func TestResultWaitsForEarlierPushes(t *testing.T) {
	n := bobMissesAModify(t)
	n.flush()
	// bob's answer came, carrying the echo of his reject (s=3), but s=2 is
	// missing: the result waits, so bob's app does not hear of the modify after
	// being told its reject ended the invitation.
	if l := outcome(n.take(), "bob/1"); len(l) != 0 {
		t.Fatalf("bob heard before the lost push came back: %q", l)
	}
	n.advance(DefaultRTO + time.Millisecond)
	wantLog(t, outcome(n.take(), "bob/1"),
		"OnInvitationModified(alice/1.0-1, data=\"v2\")",
		"reject alice/1.0-1 -> ok")
}

func TestAnswerOfOldSessionWaitsForSync(t *testing.T) {
	n := bobMissesAModify(t)
	n.deliverMatching("REQ #1 reject")
	n.dropMatching("RESP #1 ok") // and the answer that carried his echo
	// bob's connection breaks and comes back: a new session, synced from his
	// cursor; his retransmitted reject is answered from the shard's memory.
	n.do("bob/1", func(c *Client, now Time) { c.Disconnected(now) })
	n.shards[0].Disconnected(n.now, n.addr["bob/1"])
	n.inflight = nil
	n.do("bob/1", func(c *Client, now Time) { c.Connected(now) })
	n.advance(3 * time.Second)
	wantLog(t, outcome(n.take(), "bob/1"),
		"OnInvitationModified(alice/1.0-1, data=\"v2\")",
		"reject alice/1.0-1 -> ok")
}

// TestLateRetransmissionIsNotAppliedTwice: alice's invite is applied but its
// answer is lost; forty more requests go by before her retransmission comes
// back, after the invitation has timed out. The shard still holds the first
// result (alice's Low pins it), so it answers again instead of creating the
// invitation a second time; and once alice has her answer, a late copy of the
// old request is dropped.
func TestLateRetransmissionIsNotAppliedTwice(t *testing.T) {
	n := newNet(t, ModeServer, 1, "alice/1", "bob/1", "carol/1")
	n.loginAll()
	n.take()
	id := n.invite("alice/1", "bob", "", 5)
	var first []byte
	for _, m := range n.inflight {
		if strings.Contains(DescribeWire(m.b), "REQ #1 invite") {
			first = slices.Clone(m.b)
		}
	}
	n.deliverMatching("REQ #1 invite")
	n.dropMatching("RESP #1")
	n.flush()
	for i := 0; i < 40; i++ {
		n.do("alice/1", func(c *Client, now Time) { c.Invite(now, "carol", "", false, nil, 0) })
		n.flush()
	}
	for _, f := range n.inflightFrames() {
		t.Errorf("left in flight: %s", f)
	}
	if s := n.shards[0].Stats(); s.Invitations != 41 {
		t.Fatalf("%d live invitations, want 41", s.Invitations)
	}
	n.advance(6 * time.Second) // the invite times out; alice's retransmission arrives
	rang := 0
	for _, l := range n.take() {
		if strings.Contains(l, "bob/1: OnReceiveNewInvitation("+id) {
			rang++
		}
	}
	answered := 0
	for _, r := range n.results["alice/1"] {
		if r.InviteID == id && r.Code == OK {
			answered++
		}
	}
	if rang != 1 || answered != 1 {
		t.Fatalf("bob rang %d times, alice was answered %d times (want 1 and 1)", rang, answered)
	}
	if live := n.shards[0].Stats().Invitations; live != 40 {
		t.Fatalf("%d live invitations after the timeout, want the 40 without a timeout", live)
	}
	// alice's next request tells the shard she has every earlier answer; then a
	// copy of the first request, delayed in the network until now, arrives.
	n.do("alice/1", func(c *Client, now Time) { c.Invite(now, "carol", "", false, nil, 0) })
	n.flush()
	if n.shards[0].Stats().Invitations != 41 {
		t.Fatal("the next invite was not applied")
	}
	n.inflight = append(n.inflight, tmsg{from: n.addr["alice/1"], to: 0, b: first})
	n.record = true
	n.flush()
	if len(n.frames) != 0 || n.shards[0].Stats().Invitations != 41 {
		t.Fatalf("a stale copy was answered or applied: %v", n.frames)
	}
}

// TestLogoutEndsTheSessionBeingOpened: a device that logs out while its login
// is in flight hears nothing of that session, and the shard keeps no session
// for it, whichever of LOGIN and LOGOUT arrives first, and even when the LOGOUT
// is lost (the device answers the session's next frame with LOGOUT). After a
// new login the device learns the invitation still live.
func TestLogoutEndsTheSessionBeingOpened(t *testing.T) {
	for _, tc := range []struct {
		name string
		up   bool // the login completes before the logout
		run  func(t *testing.T, n *tnet)
	}{
		{"login first", false, func(t *testing.T, n *tnet) { n.flush() }},
		{"logout overtakes login", false, func(t *testing.T, n *tnet) {
			if !n.deliverMatching("LOGOUT") {
				t.Fatal("no LOGOUT in flight")
			}
			n.flush()
			if !slices.ContainsFunc(n.notes, func(s string) bool { return strings.Contains(s, "the device logged out of it") }) {
				t.Errorf("the late login was not dropped: notes %q", n.notes)
			}
		}},
		{"logout lost before login-ok", false, func(t *testing.T, n *tnet) {
			n.dropMatching("LOGOUT")
			n.flush() // the LOGIN-OK is answered with LOGOUT
		}},
		{"logout lost", true, func(t *testing.T, n *tnet) {
			n.dropMatching("LOGOUT")
			n.flush()
			if got := n.shards[0].Stats().Sessions; got != 2 {
				t.Fatalf("the shard should still believe in bob's session: %d sessions", got)
			}
			// Its next push is answered with LOGOUT.
			n.do("alice/1", func(c *Client, now Time) { c.Modify(now, n.dev("alice/1").Invitations()[0].InviteID, "v2") })
			n.flush()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := newNet(t, ModeServer, 1, "alice/1", "bob/1")
			n.do("alice/1", func(c *Client, now Time) { c.Login(now) })
			n.flush()
			n.invite("alice/1", "bob", "", 30)
			n.flush()
			n.do("bob/1", func(c *Client, now Time) { c.Login(now) })
			if tc.up {
				n.flush()
			}
			n.take()
			n.do("bob/1", func(c *Client, now Time) { c.Logout(now) })
			tc.run(t, n)
			n.advance(5 * time.Second)
			var bob []string
			for _, l := range n.take() {
				if strings.HasPrefix(l, "bob/1") {
					bob = append(bob, l)
				}
			}
			want := []string{"bob/1: login -> 6014 not logged in (logged out)", "bob/1: logout -> ok"}
			if tc.up {
				want = want[1:]
			}
			wantLog(t, bob, want...)
			if st := n.shards[0].Stats(); st.Sessions != 1 || st.Unacked != 0 {
				t.Errorf("the shard holds %d sessions (want alice's alone) and %d unacked pushes", st.Sessions, st.Unacked)
			}
			// Logged in again, bob learns the invitation, still live.
			n.do("bob/1", func(c *Client, now Time) { c.Login(now) })
			n.flush()
			if l := n.dev("bob/1").Invitations(); len(l) != 1 {
				t.Errorf("after a new login bob lists %d invitations, want the live one", len(l))
			}
		})
	}
}
