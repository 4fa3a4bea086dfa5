package sim

import (
	"runtime"
	"strconv"
	"testing"
	"time"
)

// BenchmarkDeviceMemory pins what a device costs in memory, the limit on how
// many a run can hold (sigbench classroom at 2M devices): the live heap per
// device, after GC, of 100k logged-in devices. "idle" devices have only logged
// in; "group" devices are members of 200-member groups and have each seen one
// invitation to the whole group end (timed out), as in a classroom round.
// The engine's state (client and shard) and the simulator's (device, links,
// queue) are both counted.
func BenchmarkDeviceMemory(b *testing.B) {
	const n, members = 100_000, 200
	for _, group := range []bool{false, true} {
		name := "idle"
		if group {
			name = "group"
		}
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
						w.RunUntil(int64(i/1000) * int64(10*time.Millisecond))
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
				w.RunUntil(w.Now() + int64(2*time.Second))
				if group {
					for g := 0; g < n/members; g++ {
						base := g * members
						w.InviteInGroup(devs[base], "g"+strconv.Itoa(g), users[base+1:base+members], "raise-hand", false, 1)
					}
					w.RunUntil(w.Now() + int64(5*time.Second))
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
