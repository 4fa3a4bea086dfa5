package sim

import (
	"container/heap"
	"testing"

	"sigsim/engine"
)

type rvItem struct {
	at  engine.Time
	seq uint64
	v   int
}
type rvHeap []rvItem

func (h rvHeap) Len() int { return len(h) }
func (h rvHeap) Less(i, j int) bool {
	return h[i].at < h[j].at || (h[i].at == h[j].at && h[i].seq < h[j].seq)
}
func (h rvHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *rvHeap) Push(x any)   { *h = append(*h, x.(rvItem)) }
func (h *rvHeap) Pop() any     { o := *h; x := o[len(o)-1]; *h = o[:len(o)-1]; return x }

// TestQueueCompactReference drives the queue past compactAbove with pushes
// (now, future, past), cancels (live, popped, twice), peeks and pops, against a
// lazy-deletion heap.
func TestQueueCompactReference(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		rng := NewRand(seed, "compact-ref")
		var q Queue[int]
		var ref rvHeap
		live := map[uint64]bool{}
		var handles []Handle
		now := engine.Time(0)
		compactions := 0
		for op := 0; op < 400000; op++ {
			x := rng.IntN(100)
			switch {
			case x < 45:
				var at engine.Time
				switch y := rng.IntN(10); {
				case y < 2:
					at = now
				case y < 3 && now > 100:
					at = now - engine.Time(rng.Int64N(100)) - 1
				default:
					at = now + engine.Time(rng.Int64N(int64(1)<<uint(rng.IntN(36))))
				}
				h := q.Push(at, op)
				handles = append(handles, h)
				heap.Push(&ref, rvItem{at, h.seq, op})
				live[h.seq] = true
			case x < 85:
				k := rng.IntN(len(handles) + 1)
				if k == len(handles) {
					continue
				}
				h := handles[k]
				before := q.dead
				got := q.Cancel(h)
				if got != live[h.seq] {
					t.Fatalf("seed %d op %d: Cancel = %v want %v", seed, op, got, live[h.seq])
				}
				if got && q.dead < before {
					compactions++
				}
				delete(live, h.seq)
			case x < 95:
				for ref.Len() > 0 && !live[ref[0].seq] {
					heap.Pop(&ref)
				}
				at, v, ok := q.Pop()
				if ok != (ref.Len() > 0) {
					t.Fatalf("seed %d op %d: Pop ok=%v", seed, op, ok)
				}
				if ok {
					w := heap.Pop(&ref).(rvItem)
					if at != w.at || v != w.v {
						t.Fatalf("seed %d op %d: Pop=(%d,%d) want (%d,%d)", seed, op, at, v, w.at, w.v)
					}
					delete(live, w.seq)
					now = max(now, at)
				}
			default:
				for ref.Len() > 0 && !live[ref[0].seq] {
					heap.Pop(&ref)
				}
				at, ok := q.PeekAt()
				if ok != (ref.Len() > 0) || ok && at != ref[0].at {
					t.Fatalf("seed %d op %d: PeekAt=(%d,%v)", seed, op, at, ok)
				}
			}
			if q.Len() != len(live) {
				t.Fatalf("seed %d op %d: Len=%d want %d", seed, op, q.Len(), len(live))
			}
			if q.dead < 0 || q.live < 0 {
				t.Fatalf("seed %d op %d: dead=%d live=%d", seed, op, q.dead, q.live)
			}
		}
		// stored entries == live + dead
		n := len(q.cur) - q.head
		for l := range q.slots {
			for d := range q.slots[l] {
				n += len(q.slots[l][d])
				if (len(q.slots[l][d]) > 0) != (q.slotMask[l]&(1<<d) != 0) {
					t.Fatalf("seed %d: slot mask of (%d,%d) disagrees", seed, l, d)
				}
			}
			if (q.slotMask[l] != 0) != (q.levelMask&(1<<l) != 0) {
				t.Fatalf("seed %d: level mask %d disagrees", seed, l)
			}
		}
		if n != q.live+q.dead {
			t.Fatalf("seed %d: %d stored, live+dead=%d", seed, n, q.live+q.dead)
		}
		pooled := 0
		for k := range q.pool {
			for _, a := range q.pool[k] {
				pooled += cap(a)
			}
		}
		if pooled != q.pooled {
			t.Fatalf("seed %d: pooled %d, counter %d", seed, pooled, q.pooled)
		}
		t.Logf("seed %d: %d compactions", seed, compactions)
	}
}
