package sim

import (
	"strings"
	"testing"
	"time"

	"sigsim/engine"
)

// Each invariant has a run that breaks it (legacy client mode, or a forged
// callback standing for a broken node), so a checker that never fires fails here.

func legacyWorld(t *testing.T, devices ...string) *World {
	t.Helper()
	return newTestWorld(t, Options{Seed: 1, Mode: engine.ModeClient, KeepGoing: true, Link: LinkOptions{Latency: Const(30 * time.Millisecond)}}, devices...)
}

func hasViolation(w *World, inv string) bool {
	for _, v := range w.Violations() {
		if v.Invariant == inv {
			return true
		}
	}
	return false
}

func loginAll(w *World) {
	for _, d := range w.Devices() {
		w.Login(d)
	}
	w.RunUntil(w.Now().Add(time.Second))
}

func TestAgreementBrokenByLegacyCancelCrossingAccept(t *testing.T) {
	w := legacyWorld(t, "alice/1", "bob/1")
	loginAll(w)
	id, _ := w.Invite(w.Device("alice"), "bob", "", false, nil, 30)
	w.RunUntil(w.Now().Add(time.Second))
	w.Answer(w.Device("alice"), engine.OpCancel, id, "")
	w.Answer(w.Device("bob"), engine.OpAccept, id, "")
	w.RunQuiet(w.Now().Add(time.Minute))
	if !hasViolation(w, InvAgreement) {
		t.Fatalf("no agreement violation: %s", w.ViolationSummary())
	}
}

func TestExactlyOnceBrokenByLegacyDoubleAccept(t *testing.T) {
	w := legacyWorld(t, "alice/1", "bob/1")
	loginAll(w)
	id, _ := w.Invite(w.Device("alice"), "bob", "", false, nil, 30)
	w.RunUntil(w.Now().Add(time.Second))
	w.Answer(w.Device("bob"), engine.OpAccept, id, "")
	w.Answer(w.Device("bob"), engine.OpAccept, id, "")
	w.RunQuiet(w.Now().Add(time.Minute))
	if !hasViolation(w, InvExactlyOnce) {
		t.Fatalf("no exactly-once violation: %s", w.ViolationSummary())
	}
}

func TestNoResurrectionBrokenByLegacyAcceptThenReject(t *testing.T) {
	w := legacyWorld(t, "alice/1", "bob/1")
	loginAll(w)
	id, _ := w.Invite(w.Device("alice"), "bob", "", false, nil, 30)
	w.RunUntil(w.Now().Add(time.Second))
	w.Answer(w.Device("bob"), engine.OpAccept, id, "")
	w.Answer(w.Device("bob"), engine.OpReject, id, "")
	w.RunQuiet(w.Now().Add(time.Minute))
	if !hasViolation(w, InvNoResurrection) {
		t.Fatalf("no no-resurrection violation: %s", w.ViolationSummary())
	}
}

func TestReceiveFirstBrokenByLegacyStaleInvite(t *testing.T) {
	w := legacyWorld(t, "alice/1", "bob/1")
	loginAll(w)
	// bob's clock runs 40 s ahead: the invite looks stale and is dropped, but the
	// cancel that follows is reported anyway.
	if err := w.Skew(w.Device("bob").Addr, 40*time.Second, 0); err != nil {
		t.Fatal(err)
	}
	id, _ := w.Invite(w.Device("alice"), "bob", "", false, nil, 30)
	w.RunUntil(w.Now().Add(time.Second))
	w.Answer(w.Device("alice"), engine.OpCancel, id, "")
	w.RunQuiet(w.Now().Add(time.Minute))
	if !hasViolation(w, InvReceiveFirst) {
		t.Fatalf("no receive-first violation: %s", w.ViolationSummary())
	}
}

func TestValidityBrokenByLegacyFastClock(t *testing.T) {
	w := legacyWorld(t, "alice/1", "bob/1")
	loginAll(w)
	// bob's clock runs 50 % fast: his local 30 s timer fires after 20 s.
	if err := w.Skew(w.Device("bob").Addr, 0, 0.5); err != nil {
		t.Fatal(err)
	}
	w.Invite(w.Device("alice"), "bob", "", false, nil, 30)
	w.RunQuiet(w.Now().Add(time.Minute))
	if !hasViolation(w, InvValidity) {
		t.Fatalf("no validity violation: %s", w.ViolationSummary())
	}
}

func TestScopeBrokenByForgedCallback(t *testing.T) {
	w := newTestWorld(t, Options{Seed: 1, KeepGoing: true}, "alice/1", "bob/1", "eve/1")
	loginAll(w)
	id, _ := w.Invite(w.Device("alice"), "bob", "", false, nil, 30)
	w.RunUntil(w.Now().Add(time.Second))
	// A broken node that tells eve about alice and bob's call.
	w.check.callback(w.Device("eve"), &engine.Callback{Kind: engine.OnReceiveNewInvitation, InviteID: id, Inviter: "alice", Invitees: []string{"bob"}})
	if !hasViolation(w, InvScope) {
		t.Fatalf("no scope violation: %s", w.ViolationSummary())
	}
}

// TestScopeBrokenByCallbackAfterLogout: a broken device (the engine before the
// fix: a logout with the login in flight left the session to open, and its
// pushes reached the app) reports a callback after its logout succeeded.
func TestScopeBrokenByCallbackAfterLogout(t *testing.T) {
	w := newTestWorld(t, Options{Seed: 1, KeepGoing: true}, "alice/1", "bob/1")
	loginAll(w)
	bob := w.Device("bob")
	id, _ := w.Invite(w.Device("alice"), "bob", "", false, nil, 30)
	w.RunUntil(w.Now().Add(time.Second))
	w.Logout(bob)
	w.check.callback(bob, &engine.Callback{Kind: engine.OnReceiveNewInvitation, InviteID: id, Inviter: "alice", Invitees: []string{"bob"}})
	if !hasViolation(w, InvScope) || !strings.Contains(w.Violations()[0].Text, "after its logout") {
		t.Fatalf("no scope violation: %v", w.Violations())
	}
	// Logged in again, the device hears of it legitimately.
	w.check.violations = nil
	w.Login(bob)
	w.RunUntil(w.Now().Add(time.Second))
	if vs := w.Violations(); len(vs) != 0 {
		t.Fatalf("after a new login: %v", vs)
	}
}

// TestTerminationNotJudgedWhileFaulted: with a partition still in force an
// invitation may rightly stay pending past its due time, so termination is not
// judged (a verdict would be a false alarm) and CheckLiveness says which fault
// is active; once it heals, the invitation ends within the bound and the
// verdict is clean.
func TestTerminationNotJudgedWhileFaulted(t *testing.T) {
	w := newTestWorld(t, Options{Seed: 1, KeepGoing: true}, "alice/1", "bob/1")
	loginAll(w)
	w.Invite(w.Device("alice"), "bob", "", false, nil, 5)
	w.RunUntil(w.Now().Add(time.Second))
	w.Partition([]engine.Addr{w.Device("bob").Addr}, []engine.Addr{0}, false)
	w.RunUntil(w.LivenessDeadline(w.Now()))
	vs, active := w.CheckLiveness()
	if len(vs) != 0 || len(active) != 1 || active[0] != "partition bob/1 <-> s0" {
		t.Fatalf("partitioned: violations %v, active %q; want none judged and the partition named", vs, active)
	}
	if got := DescribeFaults(active); got != "partition bob/1 <-> s0 still active" {
		t.Errorf("DescribeFaults = %q", got)
	}
	// Judged anyway (what check did before), bob's listing is a false alarm.
	if vs := w.check.judgeTermination(); len(vs) == 0 || !strings.Contains(vs[0].Text, "still listed") {
		t.Fatalf("the verdict under the partition should be the false alarm this guards against: %v", vs)
	}
	w.check.violations = nil
	w.Heal()
	w.RunUntil(w.LivenessDeadline(w.Now()))
	if vs, active := w.CheckLiveness(); len(vs) != 0 || len(active) != 0 {
		t.Fatalf("healed: violations %v, active %q", vs, active)
	}
}

// TestActiveFaults: every kind of fault that lasts is reported while it lasts,
// and ends with its heal.
func TestActiveFaults(t *testing.T) {
	w := newTestWorld(t, Options{Seed: 1, Shards: 2}, "alice/1", "bob/1", "carol/1", "dave/1")
	loginAll(w)
	alice, bob, carol, dave := w.Device("alice"), w.Device("bob"), w.Device("carol"), w.Device("dave")
	w.Partition([]engine.Addr{0}, []engine.Addr{1}, true)
	w.Crash(alice.Addr)
	w.Crash(1)
	w.Pause(bob.Addr, time.Second)
	w.Disconnect(carol)
	if err := w.SetLink(dave, LinkOptions{Latency: Const(time.Second)}); err != nil {
		t.Fatal(err)
	}
	w.Hold("invite", "h")
	want := []string{"partition s0 -> s1", "s1 crashed", "alice/1 crashed", "bob/1 paused until 2s",
		"carol/1 disconnected", "dave/1 link latency=1s loss=0 dup=0 reorder=0 bandwidth=0", "hold h"}
	if got := w.ActiveFaults(); strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Fatalf("ActiveFaults:\n got %q\nwant %q", got, want)
	}
	if got := DescribeFaults(want); got != "7 faults still active: partition s0 -> s1, s1 crashed, alice/1 crashed, bob/1 paused until 2s and 3 more" {
		t.Errorf("DescribeFaults = %q", got)
	}
	w.RunUntil(w.Now().Add(2 * time.Second)) // the pause is over
	w.HealAll()
	if got := w.ActiveFaults(); len(got) != 0 {
		t.Fatalf("after HealAll: %q", got)
	}
}

// TestTerminationBrokenByLostTimer: a broken device that lost the timer
// bounding an invitation it added from a push keeps listing it; with every
// fault healed, termination is judged and flags it.
func TestTerminationBrokenByLostTimer(t *testing.T) {
	w := newTestWorld(t, Options{Seed: 1, KeepGoing: true}, "alice/1", "bob/1")
	loginAll(w)
	bob := w.Device("bob")
	bob.client.AddInvitedSignaling(w.Now(), engine.SignalingInfo{BusinessID: engine.BusinessID, InviteID: "ghost",
		Inviter: "alice", InviteeList: []string{"bob"}, Timeout: 5, ActionType: engine.ActionInvite})
	bob.client.Advance() // its result and its forget timer are lost
	w.RunUntil(w.LivenessDeadline(w.Now()).Add(5 * time.Second))
	vs, active := w.CheckLiveness()
	if len(active) != 0 || len(vs) == 0 || !strings.Contains(vs[0].Text, "ghost still listed") {
		t.Fatalf("no termination violation: %v (active %q)", vs, active)
	}
}

func TestServerModeHoldsWhereLegacyBreaks(t *testing.T) {
	// The anomalies above, replayed in server mode, break nothing.
	w := newTestWorld(t, Options{Seed: 1, Link: LinkOptions{Latency: Const(30 * time.Millisecond)}}, "alice/1", "bob/1")
	loginAll(w)
	_ = w.Skew(w.Device("bob").Addr, 40*time.Second, 0.5)
	id, _ := w.Invite(w.Device("alice"), "bob", "", false, nil, 30)
	w.RunUntil(w.Now().Add(time.Second))
	w.Answer(w.Device("alice"), engine.OpCancel, id, "")
	w.Answer(w.Device("bob"), engine.OpAccept, id, "")
	w.Answer(w.Device("bob"), engine.OpReject, id, "")
	w.RunQuiet(w.Now().Add(time.Minute))
	if v := w.Violation(); v != nil {
		t.Fatal(v)
	}
	if vs, active := w.CheckLiveness(); len(vs) != 0 || len(active) != 0 {
		t.Fatal(vs, active)
	}
}

func TestPartitionCatchesFramesInFlight(t *testing.T) {
	w := newTestWorld(t, Options{Seed: 1, Record: true, Link: LinkOptions{Latency: Const(100 * time.Millisecond)}}, "alice/1", "bob/1")
	loginAll(w)
	w.Invite(w.Device("alice"), "bob", "", false, nil, 30)
	w.RunUntil(w.Now().Add(50 * time.Millisecond)) // the request is half way
	w.Partition([]engine.Addr{w.Device("alice").Addr}, []engine.Addr{0}, true)
	w.RunUntil(w.Now().Add(100 * time.Millisecond))
	found := false
	for _, e := range w.Trace() {
		if e.Kind.String() == "drop" && strings.HasPrefix(e.Text, "partition: REQ") {
			found = true
		}
	}
	if !found {
		t.Fatal("the request in flight was not caught by the partition")
	}
}

func TestCrashedDeviceRecoversBySync(t *testing.T) {
	w := newTestWorld(t, Options{Seed: 1}, "alice/1", "bob/1")
	loginAll(w)
	bob := w.Device("bob")
	w.Crash(bob.Addr)
	w.Invite(w.Device("alice"), "bob", "", false, nil, 30)
	w.RunUntil(w.Now().Add(time.Second))
	if bob.Client() != nil {
		t.Fatal("a crashed device still has its SDK")
	}
	rang := false
	w.Hooks.Callback = func(at engine.Time, d *Device, cb *engine.Callback) {
		rang = rang || (d == bob && cb.Kind == engine.OnReceiveNewInvitation)
	}
	w.Restart(bob.Addr) // a new incarnation logs in again and syncs
	w.RunUntil(w.Now().Add(time.Second))
	if !rang || len(bob.Client().Invitations()) != 1 {
		t.Fatalf("after restart: rang=%v, list=%v", rang, bob.Client().Invitations())
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{Link: LinkOptions{Loss: 1.5}}, "not a probability"},
		{Options{Link: LinkOptions{Latency: Const(-5 * time.Millisecond)}}, "negative"},
		{Options{Shards: -1}, "shards"},
		{Options{Workers: -3}, "workers -3 must not be negative"},
		{Options{LivenessBound: -1}, "liveness bound must not be negative"},
		{Options{RTO: -1}, "rto, retention and liveness bound must not be negative"},
		{Options{Swarm: &SwarmOptions{}}, "until"},
		{Options{Swarm: &SwarmOptions{Until: 1, Kinds: []string{"meteor"}}}, `unknown fault kind "meteor"`},
	} {
		err := c.o.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.o, err, c.want)
		}
		if _, err := New(c.o); err == nil {
			t.Errorf("New accepted %+v", c.o)
		}
	}
	if _, err := ParseDist("zipf(3)"); err == nil || !strings.Contains(err.Error(), "unknown distribution") {
		t.Errorf("unknown distribution: %v", err)
	}
}

// TestHealAllReleasesHoldsInOrder: frames held under several handles go out in
// handle order when everything heals, the same on every run.
func TestHealAllReleasesHoldsInOrder(t *testing.T) {
	run := func() uint64 {
		w := newTestWorld(t, Options{Seed: 1, KeepGoing: true}, "alice/1", "bob/1", "carol/1")
		loginAll(w)
		w.Hold("invite", "h1")
		w.Hold("invite", "h2")
		w.Invite(w.Device("alice"), "bob", "", false, nil, 30)
		w.Invite(w.Device("carol"), "bob", "", false, nil, 30)
		w.Invite(w.Device("bob"), "alice", "", false, nil, 30)
		w.HealAll()
		w.RunQuiet(w.Now().Add(time.Minute))
		if w.Holding("h1") || w.Holding("h2") {
			t.Fatal("holds survived HealAll")
		}
		return w.Hash()
	}
	first := run()
	for i := 0; i < 20; i++ {
		if h := run(); h != first {
			t.Fatalf("run %d hash %x, first %x", i, h, first)
		}
	}
}

// TestTerminationIsJudgedPerInvitation: each invitation is due at its own
// time plus the bound, whatever the longest timeout of the run. bob, cut off
// after his 2 s invitation arrived, still lists it at 13 s: past its due
// (12 s), while carol's 60 s invitation is not due yet.
func TestTerminationIsJudgedPerInvitation(t *testing.T) {
	w := newTestWorld(t, Options{Seed: 1, KeepGoing: true}, "alice/1", "bob/1", "carol/1")
	loginAll(w)
	w.RunUntil(engine.Time(time.Second))
	start := w.Now()
	short, _ := w.Invite(w.Device("alice"), "bob", "", false, nil, 2)
	w.Invite(w.Device("alice"), "carol", "", false, nil, 60)
	w.RunUntil(start.Add(500 * time.Millisecond))
	w.Partition([]engine.Addr{w.Device("bob").Addr}, []engine.Addr{0}, false)
	w.RunUntil(start.Add(11900 * time.Millisecond))
	// The partition is still in force: CheckLiveness does not judge, so the
	// verdict's arithmetic is tested directly.
	if vs, active := w.CheckLiveness(); len(vs) != 0 || len(active) != 1 {
		t.Fatalf("judged under a partition: %v %q", vs, active)
	}
	if vs := w.check.judgeTermination(); len(vs) != 0 {
		t.Fatalf("violations before the short invitation's due time: %v", vs)
	}
	w.RunUntil(start.Add(13 * time.Second))
	vs := w.check.judgeTermination()
	if len(vs) != 1 || vs[0].Node != "bob/1" || !strings.Contains(vs[0].Text, short+" still listed") {
		t.Fatalf("want one termination violation for %s on bob/1, got %v", short, vs)
	}
	if d := w.LivenessDeadline(0); d != start.Add(70*time.Second) {
		t.Fatalf("LivenessDeadline = %d, want the 60 s invitation's due time %d", d, start.Add(70*time.Second))
	}
}
