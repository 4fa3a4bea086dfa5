package apps

import (
	"strconv"
	"testing"
	"time"

	"sigsim/engine"
	"sigsim/sim"
)

// BenchmarkCall: one whole 1v1 call of the source document through the
// simulator (dial, ring, accept, both in the room with cameras on, talk, hang
// up, the end announced and closed: ~60 trace events), with the world's
// checkers and the call checker on. Calls overlap: one starts every 20 ms
// among 2,000 users.
func BenchmarkCall(b *testing.B) {
	w, err := sim.New(sim.Options{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	const users = 2000
	var devs []*sim.Device
	for i := range users {
		d, _ := w.AddDevice("u"+strconv.Itoa(i), "1")
		w.Login(d)
		devs = append(devs, d)
	}
	o := DefaultCallOptions()
	o.Accept, o.Reject, o.Busy, o.Cancel = 1, 0, 0, 0
	o.RingTime, o.TalkTime = sim.Const(time.Second), sim.Const(10*time.Second)
	c, err := NewCalls(NewHost(w), o)
	if err != nil {
		b.Fatal(err)
	}
	if err := c.Attach(devs...); err != nil {
		b.Fatal(err)
	}
	w.RunUntil(engine.Time(time.Second))
	b.ReportAllocs()
	b.ResetTimer()
	start := w.Now()
	for i := range b.N {
		a, z := (2*i)%users, (2*i+1)%users
		w.At(start.Add(time.Duration(i)*20*time.Millisecond), func() {
			if c.Idle(devs[a].User) && c.Idle(devs[z].User) {
				c.Dial(devs[a].User, devs[z].User)
			}
		})
	}
	w.RunQuiet(start.Add(time.Duration(b.N) * 20 * time.Millisecond).Add(time.Hour))
	b.StopTimer()
	if v := w.Violations(); len(v) > 0 {
		b.Fatal(v[0])
	}
	if c.Stats.Announced < int64(b.N)*9/10 {
		b.Fatalf("%d calls announced of %d", c.Stats.Announced, b.N)
	}
	b.ReportMetric(float64(w.Events())/float64(b.N), "events/call")
}
