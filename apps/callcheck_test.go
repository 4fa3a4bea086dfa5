package apps

import (
	"slices"
	"strings"
	"testing"
	"time"

	"sigsim/engine"
	"sigsim/room"
	"sigsim/sim"
)

// The checker fed forged events, each breaking one invariant: what the
// reference app never does, a buggy app (or a wrong room service) would.

// forged returns a world with alice and bob, a call app (whose phones stay
// out of it: the test talks to the checker) and its checker, with a call
// from alice to bob in room r1, invitation i1, rung at 1 s.
func forged(t *testing.T) (*sim.World, *CallChecker, int32) {
	w, c := callWorld(t, sim.Options{Seed: 30, KeepGoing: true}, manual(), "alice", "bob")
	cc := c.Checker()
	alice, bob := w.Device("alice"), w.Device("bob")
	h := cc.dial(alice, "bob", "r1", 0, 30)
	cc.invited(h, "i1")
	w.RunUntil(sec(1))
	if g := cc.ring(bob, "alice", "i1", "r1", w.Now()); g != h {
		t.Fatalf("ring made record %d, dial %d", g, h)
	}
	cc.on(h, 0) // the call is on (call-end is tested apart)
	cc.on(h, 1)
	return w, cc, h
}

func onlyViolation(t *testing.T, w *sim.World, cc *CallChecker, inv, text string) {
	t.Helper()
	v := cc.Violations()
	if len(v) != 1 || v[0].Invariant != inv || !strings.Contains(v[0].Text, text) {
		t.Fatalf("violations %v, want one %s with %q", v, inv, text)
	}
	if !slices.ContainsFunc(w.Violations(), func(x sim.Violation) bool { return x.Invariant == inv }) {
		t.Errorf("the world did not record it: %v", w.Violations())
	}
}

func nodeChange(cc *CallChecker, w *sim.World, kind room.ChangeKind, user string) {
	cc.change(w.Now(), 0, &room.Change{Kind: kind, Room: "r1", User: user})
}

// Announced durations: the right one passes, a wrong one does not, nor one
// measured from a start the room never had.
func TestForgedDuration(t *testing.T) {
	w, cc, h := forged(t)
	nodeChange(cc, w, room.Entered, "alice")
	w.RunUntil(sec(2))
	nodeChange(cc, w, room.Entered, "bob")
	w.RunUntil(sec(2).Add(ms(40)))
	cc.sawPeer(h, 0)
	w.RunUntil(sec(62))
	nodeChange(cc, w, room.Left, "bob")
	w.RunUntil(sec(62).Add(ms(40)))
	cc.announced(h, 0, 60, w.Now()) // right: 60 s overlap, 80 ms of lags
	if v := cc.Violations(); len(v) != 0 {
		t.Fatalf("a right duration: %v", v)
	}
	w, cc, h = forged(t)
	nodeChange(cc, w, room.Entered, "alice")
	nodeChange(cc, w, room.Entered, "bob")
	cc.sawPeer(h, 0)
	w.RunUntil(sec(10))
	nodeChange(cc, w, room.Left, "bob")
	cc.announced(h, 0, 95, w.Now())
	onlyViolation(t, w, cc, InvCallDuration, "alice announced 95s for i1; the room overlap was 9s")

	// The callee left and, in a later life, entered again: the duration is
	// that of the stay the caller saw.
	w, cc, h = forged(t)
	nodeChange(cc, w, room.Entered, "alice")
	w.RunUntil(sec(2))
	nodeChange(cc, w, room.Entered, "bob")
	w.RunUntil(sec(2).Add(ms(40)))
	cc.sawPeer(h, 0)
	w.RunUntil(sec(5))
	nodeChange(cc, w, room.Left, "bob")
	w.RunUntil(sec(10))
	nodeChange(cc, w, room.Entered, "bob")
	w.RunUntil(sec(11))
	cc.announced(h, 0, 3, sec(5).Add(ms(40)))
	if v := cc.Violations(); len(v) != 0 {
		t.Fatalf("a right duration of an earlier stay: %v", v)
	}

	// A start recorded before the callee was in the room (say, at the accept).
	w, cc, h = forged(t)
	nodeChange(cc, w, room.Entered, "alice")
	cc.sawPeer(h, 0)
	w.RunUntil(sec(3))
	nodeChange(cc, w, room.Entered, "bob")
	w.RunUntil(sec(10))
	nodeChange(cc, w, room.Left, "bob")
	cc.announced(h, 0, 9, w.Now())
	onlyViolation(t, w, cc, InvCallDuration, "alice saw bob in room r1 at 1s, before the room had both (3s)")
}

// Agreement: one says it talked, the other not.
func TestForgedAgreement(t *testing.T) {
	w, cc, h := forged(t)
	cc.acceptOK(h)
	cc.ended(h, 1, true, "hung up")
	cc.ended(h, 0, false, "rejected")
	onlyViolation(t, w, cc, InvCallAgreement, "alice did not talk (rejected), bob talked (hung up)")

	// Both say they talked, but nobody accepted (the server decided nothing:
	// the checker falls back to what the phones were told).
	w, cc, h = forged(t)
	cc.ended(h, 1, true, "x")
	cc.ended(h, 0, true, "y")
	onlyViolation(t, w, cc, InvCallAgreement, "both alice and bob say they talked, but the callee's accept did not succeed")
}

// A ghost: bob in the room, alice's call over; the bound passes.
func TestForgedGhost(t *testing.T) {
	w, cc, h := forged(t)
	cc.enter(h, 1, "bob", "r1")
	cc.inRoom(h, 1)
	cc.ended(h, 0, false, "cancelled")
	w.RunUntil(sec(10))
	if len(cc.Violations()) != 0 {
		t.Fatalf("a ghost before the bound: %v", cc.Violations())
	}
	w.RunUntil(sec(12))
	onlyViolation(t, w, cc, InvGhostCall, "bob alone in room r1 since 1s, 10s after alice's call i1 ended (cancelled)")
}

// Two rooms, and a ring while busy.
func TestForgedTwoRoomsAndBusyRing(t *testing.T) {
	w, cc, h := forged(t)
	cc.enter(h, 0, "alice", "r1")
	g := cc.dial(w.Device("alice"), "carol", "r2", w.Now(), 30)
	cc.enter(g, 0, "alice", "r2")
	onlyViolation(t, w, cc, InvTwoRooms, "alice enters call room r2 while in [r1]")

	w, cc, _ = forged(t)
	cc.ring(w.Device("bob"), "carol", "i2", "r2", w.Now())
	onlyViolation(t, w, cc, InvBusyRing, "bob rings for i2 from carol while in call r1 with alice")
}

// The world's summary counts the apps' invariants after its own.
func TestViolationSummary(t *testing.T) {
	w, c := cross(t, engine.ModeClient, ms(10), 500*time.Millisecond)
	_ = c
	got := w.ViolationSummary()
	if !strings.HasSuffix(got, "call-agreement=1 ghost-call=1") || !strings.HasPrefix(got, "agreement=") {
		t.Errorf("summary %q", got)
	}
}

// A phone that never hears how its call ended: still ringing after the
// invitation's timeout and the bound; the caller, answered, is not.
func TestForgedCallEnd(t *testing.T) {
	w, c := callWorld(t, sim.Options{Seed: 30, KeepGoing: true}, manual(), "alice", "bob")
	cc := c.Checker()
	h := cc.dial(w.Device("alice"), "bob", "r1", 0, 30)
	cc.invited(h, "i1")
	w.RunUntil(sec(1))
	cc.ring(w.Device("bob"), "alice", "i1", "r1", w.Now())
	cc.on(h, 0)
	w.RunUntil(sec(40))
	if v := cc.Violations(); len(v) != 0 {
		t.Fatalf("before the bound: %v", v)
	}
	w.RunUntil(sec(42))
	onlyViolation(t, w, cc, InvCallEnd, "bob still ringing for call i1 (r1) since 1s, 40s later, its SDK done with the invitation (timeout 30s)")
	if c.Stats.Stuck != 1 {
		t.Errorf("stats %+v", c.Stats)
	}
}
