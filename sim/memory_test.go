package sim

import (
	"runtime"
	"strconv"
	"testing"
	"time"

	"sigsim/engine"
)

// BenchmarkDeviceMemory pins what a device costs in memory, the limit on how
// many a run can hold (sigbench classroom at 2M devices): the live heap per
// device, after GC, of 100k logged-in devices. "idle" devices have only logged
// in; "group" devices are members of 200-member groups and have each seen one
// invitation to the whole group end (timed out), as in a classroom round;
// "holding" devices are the same while that invitation is still ringing.
// The engine's state (client and shard) and the simulator's (device, links,
// queue) are both counted.
func BenchmarkDeviceMemory(b *testing.B) {
	const n, members = 100_000, 200
	for _, name := range []string{"idle", "group", "holding"} {
		group, holding := name != "idle", name == "holding"
		b.Run(name, func(b *testing.B) {
			for range b.N {
				before := liveHeap()
				w, _ := New(Options{Seed: 1, NoChecks: true})
				devs := make([]*Device, n)
				users := make([]string, n)
				for i := range devs {
					users[i] = "g" + strconv.Itoa(i/members) + "m" + strconv.Itoa(i%members)
					devs[i], _ = w.AddDevice(users[i], "1")
				}
				// Log in 1,000 devices per 10 ms, as sigbench spreads logins, so
				// the queue holds few events at a time.
				for i, d := range devs {
					if i%1000 == 0 {
						w.RunUntil(engine.Time(i/1000) * engine.Time(10*time.Millisecond))
					}
					w.Login(d)
				}
				if group {
					for g := 0; g < n/members; g++ {
						base := g * members
						if err := w.LoadGroup("g"+strconv.Itoa(g), users[base], users[base+1:base+members]); err != nil {
							b.Fatal(err)
						}
					}
				}
				w.RunUntil(w.Now().Add(2 * time.Second))
				if group {
					timeout := 1
					if holding {
						timeout = 30
					}
					for g := 0; g < n/members; g++ {
						base := g * members
						w.InviteInGroup(devs[base], "g"+strconv.Itoa(g), users[base+1:base+members], "raise-hand", false, timeout)
					}
					w.RunUntil(w.Now().Add(5 * time.Second))
				}
				after := liveHeap()
				runtime.KeepAlive(w)
				runtime.KeepAlive(devs)
				b.ReportMetric(float64(after-before)/n, "B/device")
			}
		})
	}
}

func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkCheckerMemory pins what the invariant checker holds per live 1:1
// invitation, the part of a mass run's memory that checks=off saves: 100k
// invitations between 2,000 logged-in devices, each delivered to its invitee
// and not yet ended. It is measured as the live heap the checker alone keeps
// (the world's, after GC, with and without it), so strings it shares with the
// engine, such as the invite IDs, are not counted. 378 B with a map per
// invitation and per observer, 98 B since the checker's compact layout, 129 B
// since it keeps the shard's decision indexes (the order of what each device
// hears, membership as of each decision) and when each invitation ended:
//
//	go test -run '^$' -bench CheckerMemory -benchtime 1x ./sim/
func BenchmarkCheckerMemory(b *testing.B) {
	for range b.N {
		b.ReportMetric(checkerBytesPerInvitation(b, 100_000), "B/inv")
	}
}

// TestCheckerMemory keeps the checker's compact layout from regressing
// unnoticed: at 20k invitations (fixed costs weigh more than at 100k) it holds
// 160 B per invitation (125 B before the decision indexes), the map-based
// checker held 416.
func TestCheckerMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 20k invitations")
	}
	if b := checkerBytesPerInvitation(t, 20_000); b > 190 {
		t.Errorf("the checker holds %.0f B per live 1:1 invitation, want at most 190", b)
	}
}

// checkerBytesPerInvitation runs n live 1:1 invitations and returns the bytes
// the checker holds per invitation.
func checkerBytesPerInvitation(tb testing.TB, n int) float64 {
	tb.Helper()
	const pairs = 1000
	w, _ := New(Options{Seed: 1})
	devs := make([]*Device, 2*pairs)
	for i := range devs {
		devs[i], _ = w.AddDevice("u"+strconv.Itoa(i), "1")
		w.Login(devs[i])
	}
	w.RunUntil(engine.Time(time.Second))
	for k := range n {
		w.Invite(devs[k%pairs], devs[pairs+k%pairs].User, "", false, nil, 30)
	}
	w.RunUntil(w.Now().Add(2 * time.Second))
	if w.Counts.Callbacks < int64(n) {
		tb.Fatalf("%d callbacks for %d invitations: not all were delivered", w.Counts.Callbacks, n)
	}
	if v := w.Violation(); v != nil {
		tb.Fatal(v)
	}
	with := liveHeap()
	w.check = nil
	without := liveHeap()
	runtime.KeepAlive(w)
	runtime.KeepAlive(devs)
	return float64(with-without) / float64(n)
}
