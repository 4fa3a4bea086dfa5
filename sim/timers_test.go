package sim

import (
	"strings"
	"testing"
	"time"

	"sigsim/engine"
)

// Timers a node cancels never fire: on a clean network a 1:1 invite and accept
// leaves no retransmit timer to fire, only the lazy acks' timers (the
// invitee's, which its accept made moot, is cancelled too) and the shard's
// deadline-queue timer, which finds the invitation already ended.
func TestCancelledTimersDoNotFire(t *testing.T) {
	w, _ := New(Options{Seed: 1, Record: true, Link: LinkOptions{Latency: Const(20 * time.Millisecond)}})
	alice, _ := w.AddDevice("alice", "1")
	bob, _ := w.AddDevice("bob", "1")
	w.Login(alice)
	w.Login(bob)
	w.Hooks.Callback = func(at engine.Time, d *Device, cb *engine.Callback) {
		if d == bob && cb.Kind == engine.OnReceiveNewInvitation {
			w.Answer(bob, engine.OpAccept, cb.InviteID, "")
		}
	}
	w.At(engine.Time(100*time.Millisecond), func() { w.Invite(alice, "bob", "", false, nil, 30) })
	w.RunQuiet(engine.Time(time.Hour))
	var timers []string
	for _, e := range w.Trace() {
		if e.Kind.String() == "timer" && e.At >= int64(100*time.Millisecond) {
			timers = append(timers, e.Node+" "+e.Text)
		}
	}
	if got := strings.Join(timers, "; "); got != "alice/1 ack; bob/1 ack; s0 invite-timeout" {
		t.Fatalf("timers fired: %s", got)
	}
	if v := w.Violation(); v != nil {
		t.Fatal(v)
	}
}

// A drifting clock's timer fires at the first global instant its node's clock
// reads the timer's time: never a nanosecond short of it, which made a shard's
// deadline timer re-arm for the same instant forever (a shard with drift
// 0.0137 hung the run). The run keeps going past violations: the checker judges
// a timeout by the global clock, by which a fast shard clock times out early.
func TestDriftingTimerFiresOnTime(t *testing.T) {
	r := NewRand(1, "drift")
	for i := 0; i < 100_000; i++ {
		c := clock{offset: time.Duration(r.Uint64()%uint64(time.Hour)) - 30*time.Minute, drift: (r.Float64() - 0.5) * 0.2}
		l := engine.Time(r.Uint64() % uint64(100*time.Hour))
		g := c.global(l)
		if c.local(g) < l || c.local(g-1) >= l {
			t.Fatalf("clock %+v: global(%d) = %d, local there %d, a nanosecond before %d", c, l, g, c.local(g), c.local(g-1))
		}
	}
	w := newTestWorld(t, Options{Seed: 1, KeepGoing: true, Link: LinkOptions{Latency: Uniform(10*time.Millisecond, 30*time.Millisecond)}}, "alice/1", "bob/1")
	if err := w.Skew(0, 0, 0.0137); err != nil {
		t.Fatal(err)
	}
	loginAll(w)
	for i := 0; i < 300; i++ {
		w.At(w.Now().Add(time.Duration(i)*20*time.Millisecond), func() { w.Invite(w.Device("alice"), "bob", "", false, nil, 3) })
	}
	if !w.RunQuiet(w.Now().Add(time.Minute)) {
		t.Fatal("the run does not go quiet")
	}
	if n := w.Shard(0).Stats().Invitations; n != 0 {
		t.Fatalf("%d invitations left", n)
	}
	for _, d := range w.Devices() {
		if l := d.Client().Invitations(); len(l) != 0 {
			t.Fatalf("%s still lists %d invitations", d.Name, len(l))
		}
	}
}
