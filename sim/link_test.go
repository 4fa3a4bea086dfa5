package sim

import (
	"math"
	"strings"
	"testing"
	"time"

	"sigsim/engine"
)

func TestLinkLossAndDupRates(t *testing.T) {
	const n = 100000
	l := NewLink(LinkOptions{Latency: Const(time.Millisecond), Loss: 0.1, Dup: 0.05}, NewRand(1, "link"))
	lost, dups := 0, 0
	for i := 0; i < n; i++ {
		arr, k := l.Send(engine.Time(i)*engine.Time(time.Millisecond), 100)
		switch k {
		case 0:
			lost++
		case 2:
			dups++
			if arr[1] < arr[0] {
				t.Fatalf("duplicate before original on a FIFO link: %v", arr)
			}
		}
	}
	near(t, "loss rate", float64(lost)/n, 0.1, 0.05)
	near(t, "dup rate among delivered", float64(dups)/float64(n-lost), 0.05, 0.08)
}

func TestLinkFIFO(t *testing.T) {
	l := NewLink(LinkOptions{Latency: Uniform(time.Millisecond, 500*time.Millisecond), Dup: 0.2},
		NewRand(2, "fifo"))
	last := engine.Time(math.MinInt64)
	for i := 0; i < 100000; i++ {
		now := engine.Time(i) * engine.Time(100*time.Microsecond)
		arr, k := l.Send(now, 200)
		for _, a := range arr[:k] {
			if a < last {
				t.Fatalf("send %d arrives at %d, before an earlier message at %d", i, a, last)
			}
			if a < now.Add(time.Millisecond) {
				t.Fatalf("send %d arrives at %d, sooner than its minimum latency", i, a)
			}
			last = a
		}
	}
}

func TestLinkReorder(t *testing.T) {
	l := NewLink(LinkOptions{Latency: Uniform(time.Millisecond, 50*time.Millisecond), Reorder: 0.2},
		NewRand(3, "reorder"))
	overtakes := 0
	last := engine.Time(math.MinInt64)
	for i := 0; i < 10000; i++ {
		arr, k := l.Send(engine.Time(i)*engine.Time(time.Millisecond), 100)
		if k != 1 {
			t.Fatalf("send %d: n = %d", i, k)
		}
		if arr[0] < last {
			overtakes++
		}
		last = max(last, arr[0])
	}
	if overtakes < 500 {
		t.Fatalf("only %d of 10000 messages overtook an earlier one with Reorder 0.2", overtakes)
	}
}

func TestLinkBandwidth(t *testing.T) {
	ms := engine.Time(time.Millisecond)
	l := NewLink(LinkOptions{Latency: Const(10 * time.Millisecond), Bandwidth: 1000}, NewRand(4, "bw"))
	check := func(now engine.Time, size int, want engine.Time) {
		t.Helper()
		arr, k := l.Send(now, size)
		if k != 1 || arr[0] != want {
			t.Fatalf("Send(%d, %d) = %v, %d; want arrival %d", now, size, arr, k, want)
		}
	}
	check(0, 100, 110*ms)      // 100 B at 1000 B/s = 100 ms, + 10 ms
	check(0, 100, 210*ms)      // queued behind the first
	check(50*ms, 300, 510*ms)  // still queued: starts at 200 ms
	check(1000*ms, 1, 1011*ms) // idle link: starts now
	check(1001*ms, 0, 1011*ms) // 0 bytes: no wire time, but waits for the queue
	l.SetOptions(LinkOptions{Latency: Const(0), Bandwidth: 3})
	check(5000*ms, 1, 5000*ms+333333334) // rounded up: every byte costs time
	l.SetOptions(LinkOptions{Latency: Const(0)})
	check(6000*ms, 1<<40, 6000*ms) // unlimited
	if got := serialize(math.MaxInt, 1); got != math.MaxInt64 {
		t.Fatalf("serialize overflow = %d, want saturation", got)
	}
}

func TestLinkSetOptionsAndDeterminism(t *testing.T) {
	run := func() []engine.Time {
		l := NewLink(LinkOptions{Latency: Exp(20 * time.Millisecond), Loss: 0.1, Dup: 0.1, Reorder: 0.1}, NewRand(9, "det"))
		var out []engine.Time
		for i := 0; i < 1000; i++ {
			if i == 500 {
				l.SetOptions(LinkOptions{Latency: Const(time.Millisecond), Loss: 1})
			}
			arr, k := l.Send(engine.Time(i)*engine.Time(time.Millisecond), 64)
			out = append(out, engine.Time(k))
			out = append(out, arr[:k]...)
			if i >= 500 && k != 0 {
				t.Fatalf("send %d delivered with Loss 1", i)
			}
		}
		return out
	}
	a, b := run(), run()
	if len(a) != len(b) {
		t.Fatal("same seed, different runs")
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed, runs differ at %d", i)
		}
	}
	if got := NewLink(LinkOptions{Loss: 0.5}, NewRand(1, "x")).Options().Loss; got != 0.5 {
		t.Fatalf("Options().Loss = %v", got)
	}
}

// A frame stalled in a latency tail holds a FIFO link until it arrives; a
// healed link is a fresh path, so frames sent after the heal overtake it.
func TestLinkHealEndsAStall(t *testing.T) {
	l := NewLink(LinkOptions{Latency: Const(40 * time.Second)}, NewRand(1, "stall"))
	stalled, _ := l.Send(0, 64)
	l.SetOptions(LinkOptions{Latency: Const(time.Millisecond)})
	behind, _ := l.Send(engine.Time(time.Second), 64)
	if behind[0] != stalled[0] {
		t.Fatalf("FIFO: a frame after the stalled one arrives at %d, before it (%d)", behind[0], stalled[0])
	}
	l.Heal(LinkOptions{Latency: Const(time.Millisecond)})
	fresh, _ := l.Send(engine.Time(2*time.Second), 64)
	if want := engine.Time(2*time.Second + time.Millisecond); fresh[0] != want {
		t.Fatalf("after the heal a frame arrives at %d, want %d", fresh[0], want)
	}
}

func TestLinkNoAllocs(t *testing.T) {
	l := NewLink(LinkOptions{Latency: LogNormal(20*time.Millisecond, 0.5), Loss: 0.01, Dup: 0.01, Reorder: 0.01, Bandwidth: 1e6},
		NewRand(1, "alloc"))
	now := engine.Time(0)
	if a := testing.AllocsPerRun(1000, func() {
		now += engine.Time(time.Millisecond)
		l.Send(now, 500)
	}); a != 0 {
		t.Fatalf("%v allocs per Send", a)
	}
}

func TestLinkOptionsValidateAndString(t *testing.T) {
	ok := LinkOptions{Latency: Uniform(10*time.Millisecond, 50*time.Millisecond), Loss: 0.01, Bandwidth: 125000}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	if got, want := ok.String(), "latency=uniform(10ms,50ms) loss=0.01 dup=0 reorder=0 bandwidth=125000B/s"; got != want {
		t.Fatalf("String = %q, want %q", got, want)
	}
	if got := (LinkOptions{}).String(); got != "latency=0s loss=0 dup=0 reorder=0 bandwidth=0" {
		t.Fatalf("zero String = %q", got)
	}
	for _, c := range []struct {
		o    LinkOptions
		want string
	}{
		{LinkOptions{Loss: 1.5}, "loss 1.5 is not a probability in [0,1]"},
		{LinkOptions{Loss: math.NaN()}, "loss NaN is not a probability in [0,1]"},
		{LinkOptions{Dup: -0.1}, "dup -0.1 is not a probability in [0,1]"},
		{LinkOptions{Reorder: 2}, "reorder 2 is not a probability in [0,1]"},
		{LinkOptions{Bandwidth: -1}, "bandwidth -1 is negative"},
		{LinkOptions{Latency: Uniform(50*time.Millisecond, 10*time.Millisecond)}, "latency: uniform: min 50ms > max 10ms"},
		{LinkOptions{Latency: Const(-5 * time.Millisecond)}, "latency: negative latency -5ms"},
	} {
		err := c.o.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Validate(%v) = %v, want %q", c.o, err, c.want)
		}
	}
	// Invalid options never panic.
	l := NewLink(LinkOptions{Loss: -1, Dup: 7, Reorder: math.NaN(), Bandwidth: -5, Latency: Uniform(9, 1)}, NewRand(1, "bad"))
	if _, k := l.Send(0, 10); k != 2 {
		t.Fatalf("Dup 7 should always duplicate, n = %d", k)
	}
}

func BenchmarkLinkSend(b *testing.B) {
	l := NewLink(LinkOptions{Latency: LogNormal(20*time.Millisecond, 0.5), Loss: 0.01, Dup: 0.01, Reorder: 0.01, Bandwidth: 1e6},
		NewRand(1, "bench"))
	b.ReportAllocs()
	now := engine.Time(0)
	for i := 0; i < b.N; i++ {
		now += engine.Time(time.Millisecond)
		l.Send(now, 500)
	}
}
