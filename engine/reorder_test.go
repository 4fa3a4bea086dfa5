package engine

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// A device keeps pushes that arrive before their turn and applies them, in
// order, once the gap before them fills: reordering delays, it does not make
// the shard send anything twice.

func TestPushesAheadAreAppliedInOrder(t *testing.T) {
	n := newNet(t, ModeServer, 1, "alice/1", "bob/1")
	n.loginAll()
	var ids []string
	for i := 0; i < 3; i++ {
		ids = append(ids, n.invite("alice/1", "bob", fmt.Sprint(i), 30))
		n.deliverMatching("REQ")
	}
	n.deliverMatching("PUSH s=3")
	n.deliverMatching("PUSH s=2")
	if l := outcome(n.log, "bob/1"); len(l) != 0 {
		t.Fatalf("bob heard %q before push 1", l)
	}
	n.deliverMatching("PUSH s=1")
	var want []string
	for i, id := range ids {
		want = append(want, fmt.Sprintf(`OnReceiveNewInvitation(%s, inviter=alice, group=, invitees=[bob], data="%d")`, id, i))
	}
	wantLog(t, outcome(n.take(), "bob/1"), want...)
	if n.paths[PathPushFromReorderBuffer] != 2 {
		t.Errorf("push-from-reorder-buffer hit %d times, want 2", n.paths[PathPushFromReorderBuffer])
	}
	if n.dev("bob/1").ahead != nil {
		t.Error("the buffer is not released once empty")
	}
	// One cumulative ack covers all three: nothing is resent.
	n.record = true
	n.advance(3 * time.Second)
	for _, f := range n.frames {
		if strings.Contains(f, "s0->bob/1") {
			t.Errorf("sent to bob again: %s", f)
		}
	}
}

// A response that carries its echo ahead of an earlier push waits for it: bob
// hears of c2 first, then that his accept of c1 succeeded.
func TestCarriedPushAheadWaits(t *testing.T) {
	n := newNet(t, ModeServer, 1, "alice/1", "bob/1")
	n.loginAll()
	c1 := n.invite("alice/1", "bob", "", 30)
	n.flush()
	n.take()
	c2 := n.invite("alice/1", "bob", "", 30)
	n.deliverMatching("REQ")
	n.do("bob/1", func(c *Client, now Time) { c.Accept(now, c1, "") })
	n.deliverMatching("REQ")
	n.deliverMatching("RESP #1 ok + s=3") // overtakes PUSH s=2 (c2)
	if l := outcome(n.log, "bob/1"); len(l) != 0 {
		t.Fatalf("bob heard %q before push 2", l)
	}
	n.flush()
	wantLog(t, outcome(n.take(), "bob/1"),
		`OnReceiveNewInvitation(`+c2+`, inviter=alice, group=, invitees=[bob], data="")`,
		"accept "+c1+" -> ok")
	if n.paths[PathPushFromReorderBuffer] != 1 {
		t.Errorf("push-from-reorder-buffer hit %d times, want 1", n.paths[PathPushFromReorderBuffer])
	}
}

// The sync that follows a login may overtake its LOGIN-OK: it waits for it, so
// the app is not told of invitations while not logged in yet (and could not
// answer them). (Within the step that applies both, the order of the login's
// result and the callbacks is the Output's, not this test's concern.)
func TestSyncAheadOfLoginOK(t *testing.T) {
	n := newNet(t, ModeServer, 1, "alice/1", "bob/1")
	n.do("alice/1", func(c *Client, now Time) { c.Login(now) })
	n.flush()
	id := n.invite("alice/1", "bob", "", 30)
	n.flush()
	n.take()
	n.do("bob/1", func(c *Client, now Time) { c.Login(now) })
	n.deliverMatching("LOGIN bob")
	n.deliverMatching("PUSH s=1")
	if l := outcome(n.log, "bob/1"); len(l) != 0 {
		t.Fatalf("bob heard %q before his LOGIN-OK", l)
	}
	n.flush()
	wantLog(t, sortedLog(outcome(n.take(), "bob/1")),
		`OnReceiveNewInvitation(`+id+`, inviter=alice, group=, invitees=[bob], data="")`, "login -> ok")
	if n.paths[PathPushFromReorderBuffer] != 1 {
		t.Errorf("push-from-reorder-buffer hit %d times, want 1", n.paths[PathPushFromReorderBuffer])
	}
}

// At most pushAheadMax pushes wait ahead; the shard resends the rest, and
// every invitation reaches bob once.
func TestPushesAheadAreBounded(t *testing.T) {
	n := newNet(t, ModeServer, 1, "alice/1", "bob/1")
	n.loginAll()
	const k = pushAheadMax + 6
	for i := 0; i < k; i++ {
		n.invite("alice/1", "bob", "", 0)
		n.deliverMatching("REQ")
	}
	n.dropMatching("PUSH s=1 ")
	for n.deliverMatching("PUSH") {
	}
	if got := len(*n.dev("bob/1").ahead); got != pushAheadMax {
		t.Fatalf("%d pushes kept ahead, want %d", got, pushAheadMax)
	}
	n.advance(5 * time.Second)
	got := 0
	for _, l := range n.take() {
		if strings.HasPrefix(l, "bob/1: OnReceiveNewInvitation(") {
			got++
		}
	}
	if got != k {
		t.Fatalf("bob received %d invitations, want %d", got, k)
	}
	if n.dev("bob/1").ahead != nil {
		t.Error("pushes still kept ahead")
	}
}
