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
	w.Hooks.Callback = func(at int64, d *Device, cb *engine.Callback) {
		if d == bob && cb.Kind == engine.OnReceiveNewInvitation {
			w.Answer(bob, engine.OpAccept, cb.InviteID, "")
		}
	}
	w.At(int64(100*time.Millisecond), func() { w.Invite(alice, "bob", "", false, nil, 30) })
	w.RunQuiet(int64(time.Hour))
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
