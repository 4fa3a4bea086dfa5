package sim

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"sigsim/engine"
)

// refQueue is the obviously correct model: a list scanned for the minimum.
type refItem struct {
	at   engine.Time
	seq  uint64
	v    int
	live bool
}

type refQueue struct {
	items []refItem
	seq   uint64
}

func (r *refQueue) push(at engine.Time, v int) uint64 {
	r.seq++
	r.items = append(r.items, refItem{at, r.seq, v, true})
	return r.seq
}

func (r *refQueue) min() int {
	best := -1
	for i, it := range r.items {
		if !it.live {
			continue
		}
		if best < 0 || it.at < r.items[best].at || (it.at == r.items[best].at && it.seq < r.items[best].seq) {
			best = i
		}
	}
	return best
}

func (r *refQueue) cancel(seq uint64) bool {
	if seq == 0 || seq > uint64(len(r.items)) || !r.items[seq-1].live {
		return false
	}
	r.items[seq-1].live = false
	return true
}

func (r *refQueue) len() int {
	n := 0
	for _, it := range r.items {
		if it.live {
			n++
		}
	}
	return n
}

func TestQueueMatchesReference(t *testing.T) {
	for seed := uint64(1); seed <= 60; seed++ {
		rng := NewRand(seed, "queue-test")
		var q Queue[int]
		var ref refQueue
		var handles []Handle
		now := engine.Time(-1000) // negative times must work too
		spread := engine.Time(1) << uint(rng.IntN(40))
		ops := 3000
		for op := 0; op < ops; op++ {
			switch x := rng.IntN(100); {
			case x < 45: // push, often on ties
				var at engine.Time
				switch y := rng.IntN(10); {
				case y < 3:
					at = now
				case y < 4 && now > -1000:
					at = now - engine.Time(rng.Int64N(50)) - 1 // into the past: side heap
				default:
					at = now + engine.Time(rng.Int64N(int64(spread)))
				}
				h := q.Push(at, op)
				ref.push(at, op)
				handles = append(handles, h)
				if h.At() != at {
					t.Fatalf("seed %d: handle at %d, want %d", seed, h.At(), at)
				}
			case x < 80: // pop
				at, v, ok := q.Pop()
				i := ref.min()
				if ok != (i >= 0) {
					t.Fatalf("seed %d op %d: Pop ok=%v, reference has %d", seed, op, ok, ref.len())
				}
				if ok {
					want := ref.items[i]
					if at != want.at || v != want.v {
						t.Fatalf("seed %d op %d: Pop = (%d, %d), want (%d, %d)", seed, op, at, v, want.at, want.v)
					}
					ref.items[i].live = false
					if at > now {
						now = at
					}
				}
			case x < 92: // cancel any handle, pending or not
				if len(handles) == 0 {
					continue
				}
				k := rng.IntN(len(handles))
				got := q.Cancel(handles[k])
				want := ref.cancel(uint64(k + 1))
				if got != want {
					t.Fatalf("seed %d op %d: Cancel(#%d) = %v, want %v", seed, op, k+1, got, want)
				}
			default: // peek
				at, ok := q.PeekAt()
				i := ref.min()
				if ok != (i >= 0) || (ok && at != ref.items[i].at) {
					t.Fatalf("seed %d op %d: PeekAt = (%d, %v), want index %d", seed, op, at, ok, i)
				}
			}
			if q.Len() != ref.len() {
				t.Fatalf("seed %d op %d: Len = %d, want %d", seed, op, q.Len(), ref.len())
			}
		}
		// Drain: everything left comes out in (at, seq) order.
		for {
			at, v, ok := q.Pop()
			i := ref.min()
			if !ok {
				if i >= 0 {
					t.Fatalf("seed %d: drained early", seed)
				}
				break
			}
			if at != ref.items[i].at || v != ref.items[i].v {
				t.Fatalf("seed %d drain: Pop = (%d, %d), want (%d, %d)", seed, at, v, ref.items[i].at, ref.items[i].v)
			}
			ref.items[i].live = false
		}
	}
}

func TestQueueSortedOrder(t *testing.T) {
	rng := NewRand(7, "queue-sort")
	type ev struct {
		at engine.Time
		i  int
	}
	var q Queue[int]
	var evs []ev
	for i := 0; i < 20000; i++ {
		at := engine.Time(rng.Int64N(1 << 30))
		if rng.Bool(0.3) && len(evs) > 0 {
			at = evs[rng.IntN(len(evs))].at // force ties
		}
		evs = append(evs, ev{at, i})
		q.Push(at, i)
	}
	sort.SliceStable(evs, func(a, b int) bool { return evs[a].at < evs[b].at })
	for k, want := range evs {
		at, v, ok := q.Pop()
		if !ok || at != want.at || v != want.i {
			t.Fatalf("pop %d = (%d, %d, %v), want (%d, %d)", k, at, v, ok, want.at, want.i)
		}
	}
	if _, _, ok := q.Pop(); ok {
		t.Fatal("queue not empty after draining")
	}
}

func TestQueueTiesInInsertionOrder(t *testing.T) {
	var q Queue[string]
	q.Push(10, "a")
	q.Push(5, "x")
	q.Push(10, "b")
	if _, v, _ := q.Pop(); v != "x" {
		t.Fatalf("got %q, want x", v)
	}
	q.Push(10, "c") // pushed at a tie after time has advanced
	for _, want := range []string{"a", "b", "c"} {
		at, v, ok := q.Pop()
		if !ok || at != 10 || v != want {
			t.Fatalf("Pop = (%d, %q, %v), want (10, %q)", at, v, ok, want)
		}
	}
}

func TestQueueCancel(t *testing.T) {
	var q Queue[int]
	if q.Cancel(Handle{}) {
		t.Fatal("zero handle cancelled something")
	}
	h1 := q.Push(1, 1)
	h2 := q.Push(2, 2)
	h3 := q.Push(3, 3)
	if q.Len() != 3 {
		t.Fatalf("Len = %d, want 3", q.Len())
	}
	if !q.Cancel(h2) {
		t.Fatal("Cancel(pending) = false")
	}
	if q.Cancel(h2) {
		t.Fatal("second Cancel = true")
	}
	if q.Len() != 2 {
		t.Fatalf("Len = %d, want 2", q.Len())
	}
	if at, v, _ := q.Pop(); at != 1 || v != 1 {
		t.Fatalf("Pop = (%d, %d)", at, v)
	}
	if q.Cancel(h1) {
		t.Fatal("Cancel(popped) = true")
	}
	// A later event at the same time must not be cancelled by a stale handle.
	h4 := q.Push(3, 4)
	if q.Cancel(h1) || q.Cancel(h2) {
		t.Fatal("stale handle cancelled a later event")
	}
	if !q.Cancel(h3) {
		t.Fatal("Cancel(h3) = false")
	}
	if at, ok := q.PeekAt(); !ok || at != 3 {
		t.Fatalf("PeekAt = (%d, %v), want (3, true)", at, ok)
	}
	if _, v, _ := q.Pop(); v != 4 {
		t.Fatalf("Pop = %d, want 4", v)
	}
	if q.Cancel(h4) || q.Len() != 0 {
		t.Fatal("Cancel after drain or Len != 0")
	}
	if _, _, ok := q.Pop(); ok {
		t.Fatal("Pop on empty queue ok")
	}
	if _, ok := q.PeekAt(); ok {
		t.Fatal("PeekAt on empty queue ok")
	}
	// Everything cancelled: queue reports empty and keeps working.
	for i := 0; i < 100; i++ {
		q.Cancel(q.Push(engine.Time(100+i), i))
	}
	if _, _, ok := q.Pop(); ok || q.Len() != 0 {
		t.Fatal("queue of cancelled events not empty")
	}
	q.Push(50, 9) // before the last peeked minimum: still exact
	q.Push(200, 10)
	if at, v, _ := q.Pop(); at != 50 || v != 9 {
		t.Fatalf("Pop = (%d, %d), want (50, 9)", at, v)
	}
}

func TestQueuePushBelowPeek(t *testing.T) {
	var q Queue[int]
	q.Push(100, 1)
	if at, _ := q.PeekAt(); at != 100 {
		t.Fatalf("PeekAt = %d", at)
	}
	h := q.Push(40, 2)
	q.Push(40, 3)
	q.Push(100, 4)
	if !q.Cancel(h) || q.Cancel(h) {
		t.Fatal("Cancel of a side-heap event")
	}
	want := []struct {
		at engine.Time
		v  int
	}{{40, 3}, {100, 1}, {100, 4}}
	for _, w := range want {
		at, v, ok := q.Pop()
		if !ok || at != w.at || v != w.v {
			t.Fatalf("Pop = (%d, %d, %v), want (%d, %d)", at, v, ok, w.at, w.v)
		}
	}
}

func TestQueueZeroAllocs(t *testing.T) {
	var q Queue[engine.Time]
	r := NewRand(1, "alloc")
	for i := 0; i < 10000; i++ {
		q.Push(engine.Time(r.Int64N(1e9)), engine.Time(i))
	}
	hold := func() {
		at, v, _ := q.Pop()
		h := q.Push(at+1+engine.Time(r.ExpFloat64()*1e6), v)
		if v%3 == 0 {
			q.Cancel(h)
			q.Push(at+1+engine.Time(r.ExpFloat64()*1e6), v+1)
		}
	}
	for i := 0; i < 200000; i++ { // let the buckets grow
		hold()
	}
	if a := testing.AllocsPerRun(10000, hold); a != 0 {
		t.Fatalf("%v allocs per hold, want 0", a)
	}
}

// TestQueueBurstsReuseArrays: a queue that fills in bursts (a thousand events
// within a moment, drained, then the next thousand) while a few far timers keep
// it from running empty reuses its slot arrays after the first burst.
func TestQueueBurstsReuseArrays(t *testing.T) {
	var q Queue[engine.Time]
	for i := engine.Time(0); i < 8; i++ {
		q.Push(3600e9+i, i) // far timers: the queue never runs empty
	}
	now := engine.Time(0)
	burst := func() {
		now += 1e6
		for i := engine.Time(0); i < 3000; i++ {
			q.Push(now+20e6+i%100*1e3, i) // 100 instants within 0.1 ms
		}
		for q.Len() > 8 {
			at, _, _ := q.Pop()
			now = at
		}
	}
	burst()
	if a := testing.AllocsPerRun(50, burst); a != 0 {
		t.Fatalf("%v allocs per burst after the first, want 0", a)
	}
}

// benchIncs pre-draws increments so the benchmark measures the queue, not
// the generator.
func benchIncs(mixed bool) []engine.Time {
	r := NewRand(42, "bench")
	incs := make([]engine.Time, 1<<14)
	for i := range incs {
		switch {
		case !mixed:
			incs[i] = engine.Time(r.ExpFloat64() * 1e6) // mean 1 ms
		case r.Bool(0.1):
			incs[i] = 30e9 // a timeout
		default:
			incs[i] = 1e6 + engine.Time(r.Int64N(49e6)) // 1–50 ms
		}
	}
	return incs
}

// BenchmarkQueueHold is the classic hold model: pop the minimum and push it
// back at now + an increment, with n events pending. One op = Pop + Push.
func BenchmarkQueueHold(b *testing.B) {
	for _, mix := range []struct {
		name  string
		mixed bool
	}{{"exp1ms", false}, {"mixed", true}} {
		incs := benchIncs(mix.mixed)
		for _, n := range []int{10_000, 100_000, 1_000_000} {
			b.Run(fmt.Sprintf("%s/n=%d", mix.name, n), func(b *testing.B) {
				var q Queue[engine.Time]
				j := 0
				for i := 0; i < n; i++ {
					q.Push(incs[j&(len(incs)-1)], engine.Time(i))
					j++
				}
				// Warm up to the steady state (and grown buckets).
				for i := 0; i < 2*n; i++ {
					at, v, _ := q.Pop()
					q.Push(at+incs[j&(len(incs)-1)], v)
					j++
				}
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					at, v, _ := q.Pop()
					q.Push(at+incs[j&(len(incs)-1)], v)
					j++
				}
			})
		}
	}
}

// TestQueueCompactsCancelled: a timer re-armed after every answer leaves
// cancelled entries behind; past compactAbove the queue sweeps them out.
// Interleaved pushes, cancels and pops (some at the current instant) give
// the order of a reference sort, and the stored entries stay near the live.
func TestQueueCompactsCancelled(t *testing.T) {
	var q Queue[int]
	r := NewRand(7, "compact")
	type ev struct {
		at engine.Time
		id int
	}
	var want []ev
	handles := map[int]Handle{}
	now := engine.Time(0)
	id := 0
	var got []ev
	cancelled := map[int]bool{}
	for round := 0; round < 40; round++ {
		for range 2000 {
			id++
			at := now + engine.Time(r.Int64N(int64(time.Second)))
			if r.Bool(0.1) {
				at = now
			}
			handles[id] = q.Push(at, id)
			want = append(want, ev{at, id})
		}
		ids := make([]int, 0, len(handles))
		for k := range handles {
			ids = append(ids, k)
		}
		slices.Sort(ids)
		for _, k := range ids {
			if r.Bool(0.8) {
				if !q.Cancel(handles[k]) {
					t.Fatalf("Cancel(%d) = false", k)
				}
				delete(handles, k)
				cancelled[k] = true
			}
		}
		if q.dead > compactAbove && 4*q.dead > q.live {
			t.Fatalf("round %d: %d cancelled entries stored beside %d live", round, q.dead, q.live)
		}
		for range 300 { // pop some: now moves on
			at, v, ok := q.Pop()
			if !ok {
				break
			}
			now = at
			got = append(got, ev{at, v})
			delete(handles, v)
		}
	}
	for {
		at, v, ok := q.Pop()
		if !ok {
			break
		}
		got = append(got, ev{at, v})
	}
	want = slices.DeleteFunc(want, func(e ev) bool { return cancelled[e.id] })
	slices.SortStableFunc(want, func(a, b ev) int { return cmp.Compare(a.at, b.at) })
	if !slices.Equal(got, want) {
		t.Fatalf("popped %d events, want %d in (time, push) order", len(got), len(want))
	}
}
