package sim

import (
	"strconv"
	"testing"
	"time"

	"sigsim/engine"
)

// BenchmarkInvitation is one full 1:1 invitation through the whole simulator,
// server mode: invite → shard → invitee rings → accept → shard → inviter
// notified, msgpack on every hop, 20 ms links, acks and all. ns/op is wall time
// per invitation; invitations overlap (1,000 pairs of users).
func BenchmarkInvitation(b *testing.B) {
	for _, checks := range []bool{false, true} {
		name := "raw"
		if checks {
			name = "checked"
		}
		b.Run(name, func(b *testing.B) {
			const pairs = 1000
			w, callers, callees := acceptingPairs(pairs, checks)
			b.ReportAllocs()
			b.ResetTimer()
			start := w.Now()
			for i := 0; i < b.N; i++ {
				k := i % pairs
				w.Invite(callers[k], callees[k].User, "", false, nil, 30)
				if k == pairs-1 {
					w.RunUntil(w.Now().Add(200 * time.Millisecond))
				}
			}
			w.RunQuiet(w.Now().Add(time.Hour))
			b.StopTimer()
			if v := w.Violation(); v != nil {
				b.Fatal(v)
			}
			b.ReportMetric(float64(w.Events())/float64(b.N), "events/inv")
			_ = start
		})
	}
}

// acceptingPairs is a world of n caller and callee pairs, logged in, whose
// callees accept every invitation as it rings (checks on or off).
func acceptingPairs(n int, checks bool) (w *World, callers, callees []*Device) {
	w, _ = New(Options{Seed: 1, NoChecks: !checks})
	for i := 0; i < n; i++ {
		a, _ := w.AddDevice("a"+strconv.Itoa(i), "1")
		c, _ := w.AddDevice("b"+strconv.Itoa(i), "1")
		callers, callees = append(callers, a), append(callees, c)
		w.Login(a)
		w.Login(c)
	}
	w.RunUntil(engine.Time(time.Second))
	w.Hooks.Callback = func(at engine.Time, d *Device, cb *engine.Callback) {
		if cb.Kind == engine.OnReceiveNewInvitation {
			w.Answer(d, engine.OpAccept, cb.InviteID, "")
		}
	}
	return w, callers, callees
}

// BenchmarkMassTimeout: 100,000 concurrent invitations with 30 s timeouts, all
// left to time out; reports the simulated/wall speedup.
func BenchmarkMassTimeout(b *testing.B) {
	const n = 100_000
	for i := 0; i < b.N; i++ {
		w, _ := New(Options{Seed: 1, NoChecks: true})
		var devs []*Device
		for u := 0; u < 2000; u++ {
			d, _ := w.AddDevice("u"+strconv.Itoa(u), "1")
			devs = append(devs, d)
			w.Login(d)
		}
		w.RunUntil(engine.Time(time.Second))
		wall := time.Now()
		for k := 0; k < n; k++ {
			w.Invite(devs[k%1000], devs[1000+k%1000].User, "", false, nil, 30)
		}
		w.RunQuiet(w.Now().Add(time.Hour))
		elapsed := time.Since(wall)
		b.ReportMetric(float64(w.Now().Add(-time.Second))/float64(elapsed.Nanoseconds()), "speedup")
		b.ReportMetric(float64(elapsed.Nanoseconds())/n, "ns/inv")
	}
}

// TestInvitationAllocs keeps allocations off the hot path: a 1:1 invitation,
// invited, rung and accepted through the whole simulator (checks off), takes
// at most 6 allocations (BenchmarkInvitation/raw's figure; the stored
// messages, the invite's info and ID, the records). A change that moves a
// value to the heap on every message (a callback kept by pointer did: 7
// allocations and 15 % more time) fails here, not in a benchmark nobody reads.
func TestInvitationAllocs(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	const pairs = 200
	w, callers, callees := acceptingPairs(pairs, false)
	round := func() {
		for k := range pairs {
			w.Invite(callers[k], callees[k].User, "", false, nil, 30)
		}
		w.RunUntil(w.Now().Add(200 * time.Millisecond))
	}
	for range 20 { // warm up: arrays at their size, pools full
		round()
	}
	a := testing.AllocsPerRun(20, round) / pairs
	t.Logf("%.2f allocations per invitation", a)
	if a > 6.5 {
		t.Errorf("%.2f allocations per invitation, want at most 6", a)
	}
	if v := w.Violation(); v != nil {
		t.Fatal(v)
	}
}
