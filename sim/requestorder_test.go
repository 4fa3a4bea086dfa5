package sim

import (
	"testing"
	"time"

	"sigsim/engine"
)

// request-order: the inviting device's requests about its invitation take
// effect in the order it made them. Each rule of the check is fed the bad
// behaviour it exists to catch (a shard applying a device's requests out of
// order, forged), and is silent on the good one.

// requestOrderWorld is alice's invitation c of bob, invited by alice's device
// (call 1) but not yet created.
func requestOrderWorld(t *testing.T) (*World, *Device) {
	w := newTestWorld(t, Options{Seed: 1, KeepGoing: true}, "alice/1", "bob/1")
	w.RunUntil(engine.Time(time.Second)) // the checker's times are not 0, which means "not yet"
	alice := w.Device("alice")
	w.check.invited(alice, "c", "", []string{"bob"}, 30, false)
	return w, alice
}

func create(w *World) {
	w.check.transition(0, &engine.Transition{InviteID: "c", Inviter: "alice", Invitees: []string{"bob"}, Timeout: 30})
}

func refused(w *World, d *Device, op engine.Op, call engine.APICall) {
	w.check.result(d, &engine.Result{Call: call, Op: op, InviteID: "c", Code: engine.CodeInviteInvalid, Text: "unknown invitation c"})
}

// A cancel refused as unknown, then the invite made before it creates the
// invitation: the cancel was applied first.
func TestRequestOrderCancelBeforeItsInvite(t *testing.T) {
	w, alice := requestOrderWorld(t)
	refused(w, alice, engine.OpCancel, 2)
	create(w)
	if v := violations(w, InvRequestOrder); len(v) != 1 {
		t.Fatalf("violations %q, want one", v)
	}
}

// Refused while the invitation is live: the shard did not apply the invite
// (made first) before it, or refused what it should have applied.
func TestRequestOrderRefusedWhileLive(t *testing.T) {
	w, alice := requestOrderWorld(t)
	create(w)
	refused(w, alice, engine.OpModify, 2)
	if v := violations(w, InvRequestOrder); len(v) != 1 {
		t.Fatalf("violations %q, want one", v)
	}
}

// modify (call 2) and cancel (call 3): the cancel applied first ends the
// invitation, and the modify is refused after it.
func TestRequestOrderModifyAfterLaterCancel(t *testing.T) {
	for _, cancelFirst := range []bool{true, false} {
		w, alice := requestOrderWorld(t)
		create(w)
		cancel := func() {
			w.check.transition(0, &engine.Transition{InviteID: "c", Invitee: "bob", State: engine.Cancelled})
			w.check.result(alice, &engine.Result{Call: 3, Op: engine.OpCancel, InviteID: "c"})
		}
		if cancelFirst {
			cancel()
			refused(w, alice, engine.OpModify, 2)
		} else {
			w.check.transition(0, &engine.Transition{InviteID: "c", Invitee: "bob", State: engine.Cancelled})
			refused(w, alice, engine.OpModify, 2)
			w.check.result(alice, &engine.Result{Call: 3, Op: engine.OpCancel, InviteID: "c"})
		}
		if v := violations(w, InvRequestOrder); len(v) != 1 {
			t.Fatalf("cancel result first %v: violations %q, want one", cancelFirst, v)
		}
	}
}

// In order: a cancel after the invitation ended (it timed out) is refused,
// and that is no violation; nor is a refusal after a logout, when the device
// starts afresh and an unanswered invite may take effect at any time.
func TestRequestOrderSilentInOrder(t *testing.T) {
	w, alice := requestOrderWorld(t)
	create(w)
	w.check.transition(0, &engine.Transition{InviteID: "c", Invitee: "bob", State: engine.TimedOut})
	refused(w, alice, engine.OpCancel, 2)
	refused(w, alice, engine.OpModify, 3)
	if v := violations(w, InvRequestOrder); len(v) != 0 {
		t.Fatalf("violations %q, want none", v)
	}
	w, alice = requestOrderWorld(t)
	w.check.result(alice, &engine.Result{Call: 2, Op: engine.OpLogout})
	refused(w, alice, engine.OpCancel, 1)
	create(w)
	if v := violations(w, InvRequestOrder); len(v) != 0 {
		t.Fatalf("after a logout: violations %q, want none", v)
	}
}

// The run the check was written for: alice's invite is lost once and her
// cancel, made 50 ms later, reaches the shard first. The shard keeps the
// cancel until the resent invite comes and applies both in order: bob hears
// of the invitation and of its cancellation, alice's cancel succeeds.
func TestCancelOvertakingItsInvite(t *testing.T) {
	w := newTestWorld(t, Options{Seed: 1, Link: LinkOptions{Latency: Const(20 * time.Millisecond)}}, "alice/1", "bob/1")
	loginAll(w)
	alice := w.Device("alice")
	w.DropNext("REQ #1 invite")
	id, _ := w.Invite(alice, "bob", "", false, nil, 30)
	w.RunUntil(w.Now().Add(50 * time.Millisecond))
	w.Answer(alice, engine.OpCancel, id, "")
	w.RunUntil(w.Now().Add(5 * time.Second))
	if st, ok := w.Outcome(id, "bob"); !ok || st != engine.Cancelled {
		t.Fatalf("bob's outcome %v (%v), want cancelled", st, ok)
	}
	if w.Counts.Paths[engine.PathRequestAhead] == 0 {
		t.Error("the cancel was not kept ahead of its invite")
	}
	if v := w.Violation(); v != nil {
		t.Fatal(v)
	}
}

// The end of an invitation must reach the app that received it: bob's app is
// told of alice's invitation, the shard times it out, and nothing tells bob's
// app. The termination check finds it a bound after the end; with the
// timeout's callback, nothing.
func TestTerminationAppNeverHearsTheEnd(t *testing.T) {
	for _, told := range []bool{false, true} {
		w := newTestWorld(t, Options{Seed: 1, KeepGoing: true}, "alice/1", "bob/1")
		loginAll(w)
		w.RunUntil(engine.Time(time.Second))
		c, bob := w.check, w.Device("bob")
		c.invited(w.Device("alice"), "c", "", []string{"bob"}, 5, false)
		create(w)
		c.callback(bob, &engine.Callback{Kind: engine.OnReceiveNewInvitation, InviteID: "c", Inviter: "alice", Invitees: []string{"bob"}})
		w.RunUntil(engine.Time(6 * time.Second))
		c.transition(0, &engine.Transition{InviteID: "c", Invitee: "bob", State: engine.TimedOut})
		if told {
			c.callback(bob, &engine.Callback{Kind: engine.OnInvitationTimeout, InviteID: "c", Invitees: []string{"bob"}})
		}
		w.RunUntil(engine.Time(20 * time.Second))
		vs, _ := w.CheckLiveness()
		if got := len(vs); told && got != 0 || !told && got != 1 {
			t.Errorf("told %v: violations %v", told, vs)
		}
	}
}
