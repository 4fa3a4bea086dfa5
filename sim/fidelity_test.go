package sim

import (
	"strings"
	"testing"
	"time"

	"sigsim/engine"
	"sigsim/sim/trace"
)

// The checks that follow the shards' order and membership over time, each
// fed the bad behaviour it exists to catch (forged events standing for a
// broken node, as in check_test.go), and each silent on the good one.

// violations returns the texts of w's violations of invariant inv.
func violations(w *World, inv string) []string {
	var l []string
	for _, v := range w.Violations() {
		if v.Invariant == inv {
			l = append(l, v.Text)
		}
	}
	return l
}

// TestResultComesAfterTheCallbackItWaitedFor: alice cancels as bob accepts
// and the cancel's push to bob is lost; bob's 8010 waits for it, and when the
// resent push arrives the two come out of one step. The app hears the
// callback first (the world reported every result of a step before its
// callbacks).
func TestResultComesAfterTheCallbackItWaitedFor(t *testing.T) {
	w := newTestWorld(t, Options{Seed: 1, Record: true, Link: LinkOptions{Latency: Const(30 * time.Millisecond)}}, "alice/1", "bob/1")
	loginAll(w)
	alice, bob := w.Device("alice"), w.Device("bob")
	id, _ := w.Invite(alice, "bob", "", false, nil, 30)
	w.RunUntil(w.Now().Add(time.Second))
	w.DropNext("to=bob cancel")
	w.Answer(alice, engine.OpCancel, id, "")
	w.RunUntil(w.Now().Add(10 * time.Millisecond))
	w.Answer(bob, engine.OpAccept, id, "")
	w.RunUntil(w.Now().Add(3 * time.Second))
	var heard []string
	for _, e := range w.Trace() {
		if e.Node == "bob/1" && (e.Kind == trace.Callback && strings.Contains(e.Text, "Cancel") || e.Kind == trace.Result && strings.HasPrefix(e.Text, "accept")) {
			heard = append(heard, e.Text)
		}
	}
	if len(heard) != 2 || !strings.HasPrefix(heard[0], "OnInvitationCancelled") || !strings.HasPrefix(heard[1], "accept") {
		t.Fatalf("bob's app heard %q, want the cancel, then the refused accept", heard)
	}
	if v := w.Violation(); v != nil {
		t.Fatal(v)
	}
}

// orderWorld is alice's group invitation g of carol and dave, modified and
// then rejected by carol, with the shard's decisions forged in that order.
func orderWorld(t *testing.T) (*World, string) {
	w := newTestWorld(t, Options{Seed: 1, KeepGoing: true}, "alice/1", "carol/1", "dave/1")
	if err := w.LoadGroup("team", "alice", []string{"carol", "dave"}); err != nil {
		t.Fatal(err)
	}
	c, carol := w.check, w.Device("carol")
	c.invited(w.Device("alice"), "g", "team", []string{"carol", "dave"}, 30, false)
	c.transition(0, &engine.Transition{InviteID: "g", Inviter: "alice", GroupID: "team", Invitees: []string{"carol", "dave"}, Timeout: 30})
	c.callback(carol, &engine.Callback{Kind: engine.OnReceiveNewInvitation, InviteID: "g", Inviter: "alice", GroupID: "team"})
	c.transition(0, &engine.Transition{InviteID: "g", Modified: true})
	c.answered(carol, engine.OpReject, "g")
	c.transition(0, &engine.Transition{InviteID: "g", Invitee: "carol", State: engine.Rejected})
	return w, "g"
}

// TestOrderBrokenByResultBeforeCallback: a device told "reject ok" before the
// callback of a modification the shard decided before the reject (the world
// before Result.After, or a device that does not wait for the pushes sent
// before a response) breaks invariant 8; told in the shard's order, nothing.
func TestOrderBrokenByResultBeforeCallback(t *testing.T) {
	w, id := orderWorld(t)
	carol := w.Device("carol")
	w.check.result(carol, &engine.Result{Op: engine.OpReject, InviteID: id, Code: engine.OK})
	w.check.callback(carol, &engine.Callback{Kind: engine.OnInvitationModified, InviteID: id, Data: "v2"})
	if l := violations(w, InvOrder); len(l) != 1 || !strings.Contains(l[0], "after the result of reject g") {
		t.Fatalf("order violations %q", l)
	}
	if got := w.ViolationSummary(); got != "order=1" {
		t.Errorf("summary %q", got)
	}

	w, id = orderWorld(t)
	carol = w.Device("carol")
	w.check.callback(carol, &engine.Callback{Kind: engine.OnInvitationModified, InviteID: id, Data: "v2"})
	w.check.result(carol, &engine.Result{Op: engine.OpReject, InviteID: id, Code: engine.OK})
	if vs := w.Violations(); len(vs) != 0 {
		t.Fatalf("in the shard's order: %v", vs)
	}
}

// TestOrderBrokenByCallbacksOutOfOrder: two callbacks of one shard heard in
// the reverse of the order it decided them.
func TestOrderBrokenByCallbacksOutOfOrder(t *testing.T) {
	w, id := orderWorld(t)
	dave := w.Device("dave")
	w.check.callback(dave, &engine.Callback{Kind: engine.OnReceiveNewInvitation, InviteID: id, Inviter: "alice", GroupID: "team"})
	w.check.callback(dave, &engine.Callback{Kind: engine.OnInviteeRejected, InviteID: id, Invitee: "carol"})
	w.check.callback(dave, &engine.Callback{Kind: engine.OnInvitationModified, InviteID: id, Data: "v2"})
	if l := violations(w, InvOrder); len(l) != 1 || !strings.Contains(l[0], "OnInvitationModified") {
		t.Fatalf("order violations %q", l)
	}
}

// memberWorld: team (alice owns; bob, carol, dave) and alice's invitation g
// of bob and carol, then bob quits, with the shard's decisions forged.
func memberWorld(t *testing.T) *World {
	w := newTestWorld(t, Options{Seed: 1, KeepGoing: true}, "alice/1", "bob/1", "carol/1", "dave/1")
	if err := w.LoadGroup("team", "alice", []string{"bob", "carol", "dave"}); err != nil {
		t.Fatal(err)
	}
	c := w.check
	c.invited(w.Device("alice"), "g", "team", []string{"bob", "carol"}, 30, false)
	c.transition(0, &engine.Transition{InviteID: "g", Inviter: "alice", GroupID: "team", Invitees: []string{"bob", "carol"}, Timeout: 30})
	for _, d := range []string{"bob", "carol", "dave"} {
		c.callback(w.Device(d), &engine.Callback{Kind: engine.OnReceiveNewInvitation, InviteID: "g", Inviter: "alice", GroupID: "team"})
	}
	c.transition(0, &engine.Transition{GroupID: "team", Tip: engine.TipMemberLeave, Invitees: []string{"dave"}})
	return w
}

// TestScopeFollowsMembershipAtTheDecision: dave quit; a callback of a
// decision made before reaches him rightly (it was on its way), one made
// after does not, and a member who joins gets nothing decided before.
func TestScopeFollowsMembershipAtTheDecision(t *testing.T) {
	w := memberWorld(t)
	c, dave := w.check, w.Device("dave")
	c.callback(dave, &engine.Callback{Kind: engine.OnMemberLeave, GroupID: "team", Invitees: []string{"dave"}})
	if vs := w.Violations(); len(vs) != 0 {
		t.Fatalf("the tip of his own quit reaches dave: %v", vs)
	}
	c.answered(w.Device("carol"), engine.OpAccept, "g")
	c.transition(0, &engine.Transition{InviteID: "g", Invitee: "carol", State: engine.Accepted})
	c.callback(dave, &engine.Callback{Kind: engine.OnInviteeAccepted, InviteID: "g", Invitee: "carol"})
	if l := violations(w, InvScope); len(l) != 1 || !strings.Contains(l[0], "reached dave, not a member of team when the shard decided it") {
		t.Fatalf("scope violations %q", l)
	}
	// erin joins: the accept decided before is not hers.
	w.check.violations = nil
	erin, err := w.AddDevice("erin", "1")
	if err != nil {
		t.Fatal(err)
	}
	c.transition(0, &engine.Transition{GroupID: "team", Tip: engine.TipMemberEnter, Invitees: []string{"erin"}})
	c.callback(erin, &engine.Callback{Kind: engine.OnReceiveNewInvitation, InviteID: "g", Inviter: "alice", GroupID: "team"})
	if l := violations(w, InvScope); len(l) != 1 || !strings.Contains(l[0], "reached erin, not a member") {
		t.Fatalf("scope violations %q", l)
	}
	// A tip of a change the shard never made.
	w.check.violations = nil
	c.callback(w.Device("carol"), &engine.Callback{Kind: engine.OnMemberEnter, GroupID: "team", Invitees: []string{"zoe"}})
	if l := violations(w, InvValidity); len(l) != 1 || !strings.Contains(l[0], "made no such change") {
		t.Fatalf("validity violations %q", l)
	}
}

// TestValidityOfAnswersAndDrops: the shard may apply an answer only from an
// invitee who is a member at that decision, and drop an invitee only when it
// (or the inviter) left; a dismissed group's invitees are dropped rightly.
func TestValidityOfAnswersAndDrops(t *testing.T) {
	w := memberWorld(t)
	c := w.check
	c.transition(0, &engine.Transition{GroupID: "team", Tip: engine.TipMemberLeave, Invitees: []string{"bob"}})
	c.answered(w.Device("bob"), engine.OpAccept, "g")
	c.transition(0, &engine.Transition{InviteID: "g", Invitee: "bob", State: engine.Accepted})
	if l := violations(w, InvValidity); len(l) != 1 || !strings.Contains(l[0], "bob is not a member of team") {
		t.Fatalf("validity violations %q", l)
	}
	// carol is still a member, and so is the inviter: she may not be dropped.
	w.check.violations = nil
	c.transition(0, &engine.Transition{InviteID: "g", Invitee: "carol", State: engine.Dropped})
	if l := violations(w, InvValidity); len(l) != 1 || !strings.Contains(l[0], "dropped carol from g while carol and the inviter are members") {
		t.Fatalf("validity violations %q", l)
	}
	// Once the group is dismissed, every pending invitee is dropped rightly.
	w = memberWorld(t)
	c = w.check
	c.transition(0, &engine.Transition{GroupID: "team", Tip: engine.TipGroupDismissed})
	c.transition(0, &engine.Transition{InviteID: "g", Invitee: "bob", State: engine.Dropped})
	c.transition(0, &engine.Transition{InviteID: "g", Invitee: "carol", State: engine.Dropped})
	c.transition(0, &engine.Transition{InviteID: "g", Invitee: "carol", State: engine.Dropped})
	if l := w.Violations(); len(l) != 1 || l[0].Invariant != InvNoResurrection {
		t.Fatalf("after the dismissal: %v; want only carol decided twice", l)
	}
}

// TestDeliveryBrokenByDeviceThatMissedAnInvitation: a device logged in (as
// it believes) that never got a live invitation of its user: what a logout
// followed by a login did when the device kept its cursor but not its list.
// Termination, judged with every fault healed, says so.
func TestDeliveryBrokenByDeviceThatMissedAnInvitation(t *testing.T) {
	w := newTestWorld(t, Options{Seed: 1, KeepGoing: true}, "alice/1", "bob/1")
	loginAll(w)
	id, _ := w.Invite(w.Device("alice"), "bob", "", false, nil, 0)
	w.RunUntil(w.Now().Add(time.Second))
	if vs, active := w.CheckLiveness(); len(vs) != 0 || len(active) != 0 {
		t.Fatalf("delivered: %v %q", vs, active)
	}
	// A fresh SDK on bob's device that logged in and heard nothing.
	bob := w.Device("bob")
	fresh := w.newClient(bob)
	fresh.Login(w.local(bob))
	fresh.Advance()
	fresh.Receive(w.local(bob), 0, engine.EncodeFrame(&engine.Frame{Type: engine.FrameLoginOK, Epoch: uint64(bob.incarnation)<<32 | 1}))
	fresh.Advance()
	bob.client = fresh
	w.RunUntil(w.Now().Add(w.opts.LivenessBound))
	vs, _ := w.CheckLiveness()
	if len(vs) != 1 || !strings.Contains(vs[0].Text, "live invitation "+id+" not delivered") {
		t.Fatalf("want a delivery violation: %v", vs)
	}
}

// TestEndedInvitationArrivesAtALaterSession: a device that logs in long
// after an invitation ended is told of it as new (what a restarted inviter
// heard of its own ended invitations).
func TestEndedInvitationArrivesAtALaterSession(t *testing.T) {
	w := newTestWorld(t, Options{Seed: 1, KeepGoing: true}, "alice/1", "bob/1", "bob/2")
	loginAll(w)
	id, _ := w.Invite(w.Device("alice"), "bob", "", false, nil, 30)
	w.RunUntil(w.Now().Add(time.Second))
	w.Answer(w.Device("bob"), engine.OpAccept, id, "")
	w.RunUntil(w.Now().Add(time.Second))
	b2 := w.Device("bob/2")
	w.Logout(b2)
	w.RunUntil(w.Now().Add(w.opts.LivenessBound).Add(time.Second))
	w.Login(b2)
	w.RunUntil(w.Now().Add(time.Second))
	if vs := w.Violations(); len(vs) != 0 {
		t.Fatalf("a new session hears nothing of an ended invitation: %v", vs)
	}
	w.check.callback(b2, &engine.Callback{Kind: engine.OnReceiveNewInvitation, InviteID: id, Inviter: "alice", Invitees: []string{"bob"}})
	if l := violations(w, InvScope); len(l) != 1 || !strings.Contains(l[0], "after it ended") {
		t.Fatalf("scope violations %q", l)
	}
}

// TestValidityBrokenByAppliedAnswerToldFailed: an app told its accept failed
// while the shard applied it (what a logout did to the requests before it: it
// failed them at once, and the shard took them all the same). An unanswered
// call, told its outcome is unknown, is not a refusal.
func TestValidityBrokenByAppliedAnswerToldFailed(t *testing.T) {
	for _, unanswered := range []bool{false, true} {
		w := newTestWorld(t, Options{Seed: 1, KeepGoing: true}, "alice/1", "bob/1")
		c, bob := w.check, w.Device("bob")
		c.invited(w.Device("alice"), "c", "", []string{"bob"}, 30, false)
		c.transition(0, &engine.Transition{InviteID: "c", Inviter: "alice", Invitees: []string{"bob"}, Timeout: 30})
		c.answered(bob, engine.OpAccept, "c")
		c.result(bob, &engine.Result{Op: engine.OpAccept, InviteID: "c", Code: engine.CodeNotLoggedIn, Unanswered: unanswered})
		c.transition(0, &engine.Transition{InviteID: "c", Invitee: "bob", State: engine.Accepted})
		l := violations(w, InvValidity)
		if unanswered && len(l) != 0 || !unanswered && (len(l) != 1 || !strings.Contains(l[0], "every answer bob made was told it failed")) {
			t.Errorf("unanswered=%v: validity violations %q", unanswered, l)
		}
	}
}

// TestLogoutWaitsForTheAnswersBeforeIt: bob accepts and logs out at once; the
// accept is applied, so bob's app is told it succeeded, then that the logout
// did. Disconnected, bob's device cannot wait: the accept's outcome is unknown.
func TestLogoutWaitsForTheAnswersBeforeIt(t *testing.T) {
	for _, connected := range []bool{true, false} {
		w := newTestWorld(t, Options{Seed: 1, Record: true, Link: LinkOptions{Latency: Const(30 * time.Millisecond)}}, "alice/1", "bob/1")
		loginAll(w)
		bob := w.Device("bob")
		id, _ := w.Invite(w.Device("alice"), "bob", "", false, nil, 30)
		w.RunUntil(w.Now().Add(time.Second))
		w.Answer(bob, engine.OpAccept, id, "")
		if !connected {
			w.RunUntil(w.Now().Add(10 * time.Millisecond))
			w.Disconnect(bob)
		}
		w.Logout(bob)
		w.RunUntil(w.Now().Add(2 * time.Second))
		var heard []string
		for _, e := range w.Trace() {
			if e.Node == "bob/1" && e.Kind == trace.Result && !strings.HasPrefix(e.Text, "login") {
				heard = append(heard, e.Text)
			}
		}
		want := "accept " + id + " -> ok|logout -> ok"
		if !connected {
			want = "accept " + id + " -> 6014 not logged in (logged out before its answer: it may still take effect)|logout -> ok"
		}
		if strings.Join(heard, "|") != want {
			t.Errorf("connected=%v: bob heard %q, want %q", connected, heard, want)
		}
		if v := w.Violation(); v != nil {
			t.Errorf("connected=%v: %v", connected, v)
		}
	}
}
