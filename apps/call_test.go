package apps

import (
	"slices"
	"strings"
	"testing"
	"time"

	"sigsim/engine"
	"sigsim/sim"
)

// auto are options that make every call go one way: the callee answers after
// 2 s, they talk 60 s.
func auto(accept, reject float64, callerHangsUp float64) CallOptions {
	o := DefaultCallOptions()
	o.Accept, o.Reject, o.Busy, o.Cancel = accept, reject, 0, 0
	o.RingTime = sim.Const(2 * time.Second)
	o.TalkTime = sim.Const(60 * time.Second)
	o.CallerHangsUp = callerHangsUp
	return o
}

// The source document's flow, the caller hanging up: the callee sees it leave
// and announces the end with the duration; the caller's phone closes the
// announcement.
func TestCallAcceptCallerHangsUp(t *testing.T) {
	w, c := callWorld(t, sim.Options{Seed: 1}, auto(1, 0, 1), "alice", "bob")
	w.At(sec(1), func() {
		if _, err := c.Dial("alice", "bob"); err != nil {
			t.Error(err)
		}
	})
	w.RunQuiet(sec(300))
	noViolation(t, w, c)
	l := story(w)
	for _, want := range [][]string{
		{"1000.000ms call", "alice/1  enter-room alice.1"},
		{"1000.000ms call", "alice/1  invite bob timeout=30s", `roomID\":\"alice.1`},
		{"1080.000ms callback bob/1  OnReceiveNewInvitation(alice/1.0-1"},
		{"3080.000ms call", "bob/1  accept alice/1.0-1"},
		{"3080.000ms call", "bob/1  enter-room alice.1"},
		{"3160.000ms result   bob/1  accept alice/1.0-1 -> ok"},
		{"3160.000ms callback bob/1  OnRemoteUserEnterRoom(alice.1, user=alice)"},
		{"3160.000ms callback alice/1  OnRemoteUserEnterRoom(alice.1, user=bob)"},
		{"3240.000ms callback alice/1  OnUserVideoAvailable(alice.1, user=bob, available=true)"},
		{"63160.000ms call", "alice/1  exit-room alice.1"},
		{"63240.000ms callback bob/1  OnRemoteUserLeaveRoom(alice.1, user=alice, reason=exit)"},
		{"63240.000ms call", "bob/1  invite alice timeout=0s", `cmd\":\"hangup`, `duration\":60}`},
		{"63240.000ms call", "bob/1  exit-room alice.1"},
		{"63320.000ms call", "alice/1  accept bob/1.0-1"},
	} {
		mustHave(t, l, want...)
	}
	s := c.Stats
	if s.Dialed != 1 || s.Rang != 1 || s.Connected != 1 || s.HungUp != 1 || s.Announced != 1 {
		t.Errorf("stats %+v", s)
	}
	if !c.Idle("alice") || !c.Idle("bob") {
		t.Errorf("not idle: %s / %s", c.State("alice"), c.State("bob"))
	}
	if n := w.Shard(0).Stats().Invitations; n != 0 {
		t.Errorf("%d invitations left on the shard (the announcement is accepted)", n)
	}
	if c.Checker().Live() != 0 {
		t.Errorf("%d call records left", c.Checker().Live())
	}
}

// The callee hangs up: the caller announces.
func TestCallCalleeHangsUp(t *testing.T) {
	w, c := callWorld(t, sim.Options{Seed: 2}, auto(1, 0, 0), "alice", "bob")
	var talk, derr []time.Duration
	c.Observe = func(name string, at engine.Time, v time.Duration) {
		switch name {
		case "talk":
			talk = append(talk, v)
		case "duration_error":
			derr = append(derr, v)
		}
	}
	w.At(sec(1), func() { c.Dial("alice", "bob") })
	w.RunQuiet(sec(300))
	noViolation(t, w, c)
	l := story(w)
	mustHave(t, l, "call", "bob/1  exit-room alice.1")
	mustHave(t, l, "callback alice/1  OnRemoteUserLeaveRoom(alice.1, user=bob, reason=exit)")
	mustHave(t, l, "call", "alice/1  invite bob timeout=0s", `duration\":60}`)
	// The room overlap at the node: bob entered at 3.2 s, left at 63.28 s.
	if len(talk) != 1 || talk[0] != ms(60080) || len(derr) != 1 || derr[0] != ms(80) {
		t.Errorf("talk %v, duration error %v", talk, derr)
	}
}

func TestCallRejected(t *testing.T) {
	w, c := callWorld(t, sim.Options{Seed: 3}, auto(0, 1, 0), "alice", "bob")
	w.At(sec(1), func() { c.Dial("alice", "bob") })
	w.RunQuiet(sec(300))
	noViolation(t, w, c)
	l := story(w)
	mustHave(t, l, "3080.000ms call", `bob/1  reject alice/1.0-1 data="declined"`)
	mustHave(t, l, "3160.000ms callback alice/1  OnInviteeRejected(alice/1.0-1, invitee=bob, data=\"declined\")")
	mustHave(t, l, "3160.000ms call", "alice/1  exit-room alice.1")
	if has(l, "bob/1  enter-room") {
		t.Error("bob entered the room of a call he rejected")
	}
	if s := c.Stats; s.Rejected != 1 || s.Connected != 0 {
		t.Errorf("stats %+v", s)
	}
}

// Busy: bob is in a call with carol; alice's call gets "busy" at once.
func TestCallBusy(t *testing.T) {
	w, c := callWorld(t, sim.Options{Seed: 4}, auto(1, 0, 1), "alice", "bob", "carol")
	w.At(sec(1), func() { c.Dial("carol", "bob") })
	w.At(sec(10), func() { c.Dial("alice", "bob") })
	w.At(sec(11), func() {
		if got := c.State("alice"); got != "idle" {
			t.Errorf("alice: %s", got)
		}
		if got := c.State("bob"); got != "in a call with carol in carol.1" {
			t.Errorf("bob: %s", got)
		}
	})
	w.RunQuiet(sec(300))
	noViolation(t, w, c)
	l := story(w)
	mustHave(t, l, "10080.000ms call", `bob/1  reject alice/1.0-1 data="busy"`)
	mustHave(t, l, "10160.000ms callback alice/1  OnInviteeRejected(alice/1.0-1, invitee=bob, data=\"busy\")")
	mustHave(t, l, "10160.000ms call", "alice/1  exit-room alice.1")
	if s := c.Stats; s.BusyRejects != 1 || s.Connected != 1 || s.Rang != 1 {
		t.Errorf("stats %+v", s)
	}
}

// Busy while ringing too, and the callee's own "busy elsewhere" share.
func TestCallBusyWhileRingingAndElsewhere(t *testing.T) {
	o := auto(0, 0, 1)
	o.RingTime = sim.Const(20 * time.Second)
	w, c := callWorld(t, sim.Options{Seed: 5}, o, "alice", "bob", "carol")
	w.At(sec(1), func() { c.Dial("carol", "bob") }) // rings out
	w.At(sec(5), func() { c.Dial("alice", "bob") }) // while ringing: busy
	w.RunQuiet(sec(300))
	noViolation(t, w, c)
	mustHave(t, story(w), "5080.000ms call", `bob/1  reject alice/1.0-1 data="busy"`)

	o = auto(0, 0, 1)
	o.Busy = 1
	w, c = callWorld(t, sim.Options{Seed: 5}, o, "alice", "bob")
	w.At(sec(1), func() { c.Dial("alice", "bob") })
	w.RunQuiet(sec(300))
	noViolation(t, w, c)
	mustHave(t, story(w), "1080.000ms call", `bob/1  reject alice/1.0-1 data="busy"`)
	if s := c.Stats; s.BusyRejects != 1 || s.Rejected != 1 {
		t.Errorf("stats %+v", s)
	}
}

// Nobody answers: the invitation times out and the caller leaves the room.
func TestCallNoAnswer(t *testing.T) {
	w, c := callWorld(t, sim.Options{Seed: 6}, auto(0, 0, 1), "alice", "bob")
	w.At(sec(1), func() { c.Dial("alice", "bob") })
	w.RunQuiet(sec(300))
	noViolation(t, w, c)
	l := story(w)
	mustHave(t, l, "31080.000ms callback", "OnInvitationTimeout(alice/1.0-1, invitees=[bob])")
	mustHave(t, l, "call", "alice/1  exit-room alice.1")
	if s := c.Stats; s.TimedOut != 1 || s.Connected != 0 || !c.Idle("bob") || !c.Idle("alice") {
		t.Errorf("stats %+v, %s / %s", s, c.State("alice"), c.State("bob"))
	}
}

// The caller cancels before an answer: the callee stops ringing.
func TestCallCancelled(t *testing.T) {
	o := auto(1, 0, 1)
	o.RingTime = sim.Const(10 * time.Second)
	o.Cancel, o.CancelAfter = 1, sim.Const(3*time.Second)
	w, c := callWorld(t, sim.Options{Seed: 7}, o, "alice", "bob")
	w.At(sec(1), func() { c.Dial("alice", "bob") })
	w.RunQuiet(sec(300))
	noViolation(t, w, c)
	l := story(w)
	mustHave(t, l, "4000.000ms call", "alice/1  cancel alice/1.0-1")
	mustHave(t, l, "4080.000ms callback bob/1  OnInvitationCancelled(alice/1.0-1")
	mustHave(t, l, "4080.000ms result   alice/1  cancel alice/1.0-1 -> ok")
	mustHave(t, l, "4080.000ms call", "alice/1  exit-room alice.1")
	if has(l, "bob/1  accept") {
		t.Error("bob answered a cancelled call")
	}
}

// A late accept races the timeout; in server mode one of them wins and both
// phones agree.
func TestCallLateAccept(t *testing.T) {
	o := auto(0, 0, 1)
	o.LateAccept = 1
	o.Timeout = 10
	o.RingTime = sim.Const(40 * time.Millisecond)
	w, c := callWorld(t, sim.Options{Seed: 8}, o, "alice", "bob")
	w.At(sec(1), func() { c.Dial("alice", "bob") })
	w.RunQuiet(sec(300))
	noViolation(t, w, c)
	mustHave(t, story(w), "11040.000ms call", "bob/1  accept alice/1.0-1")
}

// Scripted moves, with phones that decide nothing themselves.
func TestCallScripted(t *testing.T) {
	w, c := callWorld(t, sim.Options{Seed: 9}, manual(), "alice", "bob")
	var id string
	w.At(sec(1), func() {
		var err error
		if id, err = c.Dial("alice", "bob"); err != nil || id == "" {
			t.Errorf("dial: %q %v", id, err)
		}
		if _, err := c.Dial("alice", "bob"); err == nil {
			t.Error("a busy phone dialled")
		}
	})
	w.At(sec(3), func() {
		if got := c.State("bob"); got != "ringing from alice in alice.1" {
			t.Errorf("bob: %s", got)
		}
		if err := c.HangUp("bob"); err == nil {
			t.Error("hung up a call not yet on")
		}
		if err := c.Answer("bob", true); err != nil {
			t.Error(err)
		}
	})
	w.At(sec(20), func() {
		if err := c.HangUp("bob"); err != nil {
			t.Error(err)
		}
	})
	w.RunQuiet(sec(300))
	noViolation(t, w, c)
	l := story(w)
	mustHave(t, l, "20000.000ms call", "bob/1  exit-room alice.1")
	mustHave(t, l, "call", "alice/1  invite bob timeout=0s", `duration\":17}`)
	for _, err := range []error{c.Answer("carol", true), c.Cancel("alice"), c.HangUp("alice")} {
		if err == nil {
			t.Error("a move on a phone with no such call succeeded")
		}
	}
}

// Glare: both call each other at the same instant; each is busy for the other.
func TestCallGlare(t *testing.T) {
	w, c := callWorld(t, sim.Options{Seed: 10}, auto(1, 0, 1), "alice", "bob")
	w.At(sec(1), func() { c.Dial("alice", "bob"); c.Dial("bob", "alice") })
	w.RunQuiet(sec(300))
	noViolation(t, w, c)
	if s := c.Stats; s.BusyRejects != 2 || s.Connected != 0 {
		t.Errorf("stats %+v", s)
	}
}

// cross scripts the cancel/accept crossing of the field bug: alice cancels,
// and bob, not having heard of it, accepts (and enters the room); offset is
// how long after alice's cancel bob's accept goes (negative: before), and
// bobRoom, if not 0, the latency of bob's link to the room node.
func cross(t *testing.T, mode engine.Mode, offset time.Duration, bobRoom time.Duration) (*sim.World, *Calls) {
	w, c := callWorld(t, sim.Options{Seed: 11, Mode: mode, KeepGoing: true}, manual(), "alice", "bob")
	if bobRoom != 0 {
		if err := w.SetRoomLink(w.Device("bob"), sim.LinkOptions{Latency: sim.Const(bobRoom)}); err != nil {
			t.Fatal(err)
		}
	}
	w.At(sec(1), func() { c.Dial("alice", "bob") })
	w.At(sec(3), func() {
		if err := c.Cancel("alice"); err != nil {
			t.Error(err)
		}
	})
	w.At(sec(3).Add(offset), func() {
		if err := c.Answer("bob", true); err != nil {
			t.Error(err)
		}
	})
	w.RunQuiet(sec(300))
	return w, c
}

// Client mode, the field bug: alice's cancel and bob's accept both succeed.
// Bob, on a slow network, enters the room after alice left it and waits there
// alone — a ghost call — and the two disagree on whether the call happened.
func TestCancelAcceptCrossingGhostCall(t *testing.T) {
	w, c := cross(t, engine.ModeClient, ms(10), 500*time.Millisecond)
	got := invariants(c.Checker().Violations())
	if !slices.Equal(got, []string{InvCallAgreement, InvGhostCall}) {
		t.Fatalf("violations %v, want a ghost call and a disagreement; story:\n%s", c.Checker().Violations(), strings.Join(story(w), "\n"))
	}
	for _, inv := range got {
		if !slices.Contains(invariants(w.Violations()), inv) {
			t.Errorf("the world did not record %s: %v", inv, w.Violations())
		}
	}
	for _, v := range c.Checker().Violations() {
		switch v.Invariant {
		case InvGhostCall:
			if v.Node != "bob/1" || !strings.Contains(v.Text, "bob alone in room alice.1") {
				t.Errorf("ghost: %v", v)
			}
		case InvCallAgreement:
			if !strings.Contains(v.Text, "alice did not talk (cancelled), bob talked") || !strings.Contains(v.Text, "both succeeded") {
				t.Errorf("agreement: %v", v)
			}
		}
	}
	if c.Stats.Ghosts != 1 || c.Stats.Disagreements != 1 {
		t.Errorf("stats %+v", c.Stats)
	}
}

// Client mode, both on good networks: bob reaches the room before alice
// leaves it, sees her leave and ends the call — he is not stranded — but the
// two disagree on whether it happened.
func TestCancelAcceptCrossingDisagreement(t *testing.T) {
	w, c := cross(t, engine.ModeClient, ms(10), 0)
	got := invariants(c.Checker().Violations())
	if !slices.Equal(got, []string{InvCallAgreement}) {
		t.Fatalf("violations %v, want a disagreement only; story:\n%s", c.Checker().Violations(), strings.Join(story(w), "\n"))
	}
}

// Server mode: the same crossings, either way, break nothing: one of cancel
// and accept wins, and both phones agree.
func TestCancelAcceptCrossingServer(t *testing.T) {
	for _, off := range []time.Duration{-ms(60), -ms(10), 0, ms(10), ms(60)} {
		for _, slow := range []time.Duration{0, 500 * time.Millisecond} {
			w, c := cross(t, engine.ModeServer, off, slow)
			noViolation(t, w, c)
			acc, can := has(story(w), "result   bob/1  accept", "-> ok"), has(story(w), "result   alice/1  cancel", "-> ok")
			if acc == can {
				t.Errorf("offset %s: accept ok %v, cancel ok %v", time.Duration(off), acc, can)
			}
		}
	}
}

// A legacy phone that lets a second call ring breaks busy-ring, and, picking
// it up, two-rooms.
func TestBusyRingAndTwoRooms(t *testing.T) {
	o := auto(1, 0, 1)
	o.BusyPolicy = BusyRing
	w, c := callWorld(t, sim.Options{Seed: 12, KeepGoing: true}, o, "alice", "bob", "carol")
	w.At(sec(1), func() { c.Dial("carol", "bob") })
	w.At(sec(10), func() { c.Dial("alice", "bob") })
	w.RunQuiet(sec(300))
	got := invariants(c.Checker().Violations())
	if !slices.Equal(got, []string{InvBusyRing, InvTwoRooms}) {
		t.Fatalf("violations %v", c.Checker().Violations())
	}
	if s := c.Stats; s.BusyRings != 1 || s.TwoRooms != 1 {
		t.Errorf("stats %+v", s)
	}
}
