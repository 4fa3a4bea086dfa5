package sim

import (
	"math/bits"

	"sigsim/engine"
)

// Handle names one pushed event so it can be cancelled. The zero Handle names
// nothing. A handle carries the event's time and sequence number, and
// sequence numbers are never reused, so a stale handle never cancels a later
// event.
type Handle struct {
	at  engine.Time
	seq uint64
}

// At returns the virtual time the handle's event was scheduled for.
func (h Handle) At() engine.Time { return h.at }

// IsZero reports whether h is the zero Handle, which names no event.
func (h Handle) IsZero() bool { return h.seq == 0 }

// cancelBit marks a cancelled entry in place (lazy deletion); the other bits
// of seq still order its slot, so Cancel can binary-search it.
const cancelBit = 1 << 63

type qentry[T any] struct {
	key uint64 // at mapped to unsigned, order-preserving
	seq uint64 // push order; top bit = cancelled
	v   T
}

const (
	wBits   = 6 // radix bits per level: 64 slots, one mask word
	wSlots  = 1 << wBits
	wLevels = (64 + wBits - 1) / wBits // levels needed to cover 64-bit keys
	minCap  = 16                       // smallest slot array (a power of two)
	keepCap = 64                       // emptied slots keep arrays up to this size
	poolMin = 1 << 12                  // pooled capacity allowed even when nearly empty
)

// levelOf maps the highest bit in which a key differs from last to its level.
var levelOf = func() (t [64]uint8) {
	for i := range t {
		t[i] = uint8(i / wBits)
	}
	return t
}()

// Queue is a min event queue ordered by (at, seq), where seq is the push
// order, so ties never depend on anything but insertion order. The zero
// Queue is empty and ready to use.
//
// It is a radix heap with 64-way digits (an exact hierarchical timing
// wheel): simulated time is monotone, so every pending key is ≥ last, the
// last minimum, and lives in the slot named by the highest 6-bit digit in
// which it differs from last. Push is O(1); Pop moves each event down at
// most once per level (about 3 times on average for ms–minute delays),
// scanning and appending arrays rather than chasing pointers, with no
// per-event allocation or interface call. Every slot stays sorted by seq
// (a push appends the largest seq; a slot is redistributed only into empty
// lower slots), which makes ties exact FIFO and lets Cancel binary-search.
// Slot arrays have power-of-two capacities recycled through per-size pools,
// so the steady state allocates nothing, bursts included, and memory stays
// proportional to the most events held since the queue last ran empty (the
// pool keeps at most about 4 entries of capacity per such event).
// PeekAt finds the minimum without advancing last (it caches the minimum of
// the lowest slot, which the next Pop then uses), so pushes at or after the
// last popped time, such as those made between RunUntil slices, always go
// into the radix levels. Pushes below last (into the past) stay exact too:
// they go to a small side heap that pops first (Cancel scans it linearly).
type Queue[T any] struct {
	last      uint64      // every radix key is ≥ last
	cur       []qentry[T] // entries with key == last, FIFO from head
	head      int
	live      int    // pending radix entries (not cancelled)
	dead      int    // cancelled radix entries still stored
	seq       uint64 // last assigned seq
	levelMask uint16 // bit L set iff slotMask[L] != 0
	slotMask  [wLevels]uint64
	slots     [wLevels][wSlots][]qentry[T]
	side      []qentry[T]       // binary min-heap by (key, seq) of keys < last
	pool      [64][][]qentry[T] // emptied arrays by log2(capacity)
	poolMask  uint64            // bit k set iff pool[k] is not empty
	pooled    int               // total capacity held in pool
	// high is the most entries stored (live and dead) since the queue last
	// ran empty: the pool may hold about 4 times that (what redistributing a
	// burst into lower slots needs at once), so a queue that fills in bursts
	// (a thousand invitations at one instant, then quiet) reuses its arrays
	// instead of growing new ones each burst.
	high int
	lull int // pops since the queue last held more than high/8: at high, high halves
	// peekMin is the minimum key of the lowest slot, found by PeekAt while
	// cur held no live entry; peekOK says it is still valid (any push or
	// cancel clears it).
	peekMin uint64
	peekOK  bool
}

func toKey(at engine.Time) uint64  { return uint64(at) ^ (1 << 63) }
func fromKey(k uint64) engine.Time { return engine.Time(k ^ (1 << 63)) }

// Push schedules v at virtual time at and returns a handle for Cancel.
func (q *Queue[T]) Push(at engine.Time, v T) Handle {
	k := toKey(at)
	q.seq++
	e := qentry[T]{key: k, seq: q.seq, v: v}
	q.peekOK = false
	switch {
	case k == q.last:
		q.cur = append(q.cur, e)
		q.live++
	case k > q.last:
		q.put(e, q.last)
		q.live++
	default:
		q.sidePush(e)
	}
	return Handle{at: at, seq: q.seq}
}

// put stores e (e.key > base) in its slot relative to base.
func (q *Queue[T]) put(e qentry[T], base uint64) {
	l := levelOf[63-bits.LeadingZeros64(e.key^base)]
	d := (e.key >> (uint(l) * wBits)) & (wSlots - 1)
	s := &q.slots[l][d]
	if len(*s) == cap(*s) {
		q.grow(s)
	}
	*s = append(*s, e)
	q.slotMask[l] |= 1 << d
	q.levelMask |= 1 << l
}

// Cancel removes the event named by h. It reports whether the event was
// pending; cancelling a popped, cancelled or zero handle does nothing.
func (q *Queue[T]) Cancel(h Handle) bool {
	if h.seq == 0 || h.seq > q.seq {
		return false
	}
	k := toKey(h.at)
	q.peekOK = false
	var s []qentry[T]
	switch {
	case k < q.last:
		// Popped, or in the side heap (rare and small): scan it.
		for i := range q.side {
			if q.side[i].seq == h.seq {
				q.sideRemove(i)
				return true
			}
		}
		return false
	case k == q.last:
		s = q.cur[q.head:]
	default:
		l := levelOf[63-bits.LeadingZeros64(k^q.last)]
		s = q.slots[l][(k>>(uint(l)*wBits))&(wSlots-1)]
	}
	lo, hi := 0, len(s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s[m].seq&^cancelBit < h.seq {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == len(s) || s[lo].seq != h.seq || s[lo].key != k {
		return false // popped, already cancelled, or not from this queue
	}
	s[lo].seq |= cancelBit
	var zero T
	s[lo].v = zero // release what it references now, not at pop time
	q.live--
	q.dead++
	if q.dead > compactAbove && 4*q.dead > q.live {
		q.compact()
	}
	return true
}

// compactAbove is the fewest cancelled entries stored before Cancel sweeps
// them out: a timer re-armed after every answer (a retransmission timeout)
// would otherwise leave one dead entry per answer until its time comes —
// 160 B per live invitation in a million-invitation burst.
const compactAbove = 4096

// compact drops the cancelled entries stored, keeping each slot's order (by
// seq): what Pop returns is unchanged. Called when they are over a quarter
// of the live ones, its cost is amortized over the cancels that made them.
func (q *Queue[T]) compact() {
	w := q.head
	for i := q.head; i < len(q.cur); i++ {
		if q.cur[i].seq&cancelBit == 0 {
			q.cur[w] = q.cur[i]
			w++
		}
	}
	clear(q.cur[w:])
	q.cur = q.cur[:w]
	for l := uint(0); l < wLevels; l++ {
		for m := q.slotMask[l]; m != 0; m &= m - 1 {
			d := uint(bits.TrailingZeros64(m))
			src := q.slots[l][d]
			n := 0
			for i := range src {
				if src[i].seq&cancelBit == 0 {
					src[n] = src[i]
					n++
				}
			}
			clear(src[n:])
			if n == 0 {
				q.takeSlot(l, d)
				q.dropSlot(l, d, src[:0])
			} else {
				q.slots[l][d] = src[:n]
			}
		}
	}
	q.dead = 0
	q.peekOK = false
}

// Len returns the number of pending (not cancelled) events.
func (q *Queue[T]) Len() int { return q.live + len(q.side) }

// PeekAt returns the time of the next event without removing it.
func (q *Queue[T]) PeekAt() (engine.Time, bool) {
	if len(q.side) > 0 {
		return fromKey(q.side[0].key), true
	}
	if q.live == 0 {
		q.emptied()
		return 0, false
	}
	for q.head < len(q.cur) {
		if q.cur[q.head].seq&cancelBit == 0 {
			return fromKey(q.last), true
		}
		q.head++
		q.dead--
	}
	q.cur = q.cur[:0]
	q.head = 0
	if q.peekOK {
		return fromKey(q.peekMin), true
	}
	// The lowest slot with a live entry holds the minimum; slots of cancelled
	// entries only are dropped on the way. last does not move.
	for {
		l := uint(bits.TrailingZeros16(q.levelMask))
		d := uint(bits.TrailingZeros64(q.slotMask[l]))
		src := q.slots[l][d]
		found := false
		var min uint64
		for j := range src {
			if src[j].seq&cancelBit == 0 && (!found || src[j].key < min) {
				min, found = src[j].key, true
			}
		}
		if found {
			q.peekMin, q.peekOK = min, true
			return fromKey(min), true
		}
		q.takeSlot(l, d)
		q.dead -= len(src)
		q.dropSlot(l, d, src)
	}
}

// Pop removes and returns the earliest event (lowest seq among equal times).
func (q *Queue[T]) Pop() (at engine.Time, v T, ok bool) {
	if len(q.side) > 0 {
		e := q.side[0]
		q.sideRemove(0)
		return fromKey(e.key), e.v, true
	}
	if !q.settle() {
		return 0, v, false
	}
	e := &q.cur[q.head]
	v = e.v
	var zero T
	e.v = zero
	q.head++
	q.live--
	q.decay()
	return fromKey(q.last), v, true
}

// decay lets the pool follow a queue that stays small: once it has popped
// high/4 events without holding more than high/8, high halves and the pool
// gives back what it holds beyond the new bound. A shorter lull (between
// bursts) keeps the arrays for the next burst.
func (q *Queue[T]) decay() {
	if q.live+q.dead >= q.high>>3 {
		q.lull = 0
		return
	}
	if q.lull++; q.lull < q.high>>2 {
		return
	}
	q.high >>= 1
	q.lull = 0
	q.trimPool(q.poolLimit())
}

// poolLimit is the most capacity the pool may hold: about 4 entries for each
// event held at the high-water mark (what redistributing a burst needs at once).
func (q *Queue[T]) poolLimit() int { return poolMin + 4*max(q.live+q.dead, q.high) }

// trimPool drops pooled arrays, the largest first, until the pool holds at
// most limit entries of capacity.
func (q *Queue[T]) trimPool(limit int) {
	for k := 63; k >= 0 && q.pooled > limit; k-- {
		for q.poolMask&(1<<k) != 0 && q.pooled > limit {
			q.poolTake(k) // dropped: the GC takes it
		}
	}
}

// emptied notes that no radix entry is pending any more: what the last burst
// needed is no guide to the next, so the pool keeps only poolMin.
func (q *Queue[T]) emptied() {
	if q.dead > 0 {
		q.reset()
	}
	q.high, q.lull = 0, 0
	q.trimPool(poolMin)
}

// settle makes cur[head] the next live radix entry, reporting false if there
// is none. It only moves entries to lower slots: what Pop returns is
// unchanged.
func (q *Queue[T]) settle() bool {
	if q.live == 0 {
		q.emptied()
		return false
	}
	for {
		for q.head < len(q.cur) {
			if q.cur[q.head].seq&cancelBit == 0 {
				return true
			}
			q.head++
			q.dead--
		}
		// Popped and cancelled entries had v zeroed already.
		q.cur = q.cur[:0]
		q.head = 0
		// live > 0, so some slot holds a live entry. The lowest slot of the
		// lowest level holds the minimum.
		l := uint(bits.TrailingZeros16(q.levelMask))
		d := uint(bits.TrailingZeros64(q.slotMask[l]))
		q.takeSlot(l, d)
		src := q.slots[l][d]
		found, min := q.peekOK, q.peekMin
		q.peekOK = false
		if !found {
			for j := range src {
				if src[j].seq&cancelBit == 0 && (!found || src[j].key < min) {
					min, found = src[j].key, true
				}
			}
		}
		if found {
			q.last = min
			for j := range src {
				e := &src[j]
				switch {
				case e.seq&cancelBit != 0:
					q.dead--
				case e.key == min:
					q.cur = append(q.cur, *e)
				default:
					q.put(*e, min)
				}
			}
		} else {
			q.dead -= len(src)
		}
		q.dropSlot(l, d, src)
	}
}

// takeSlot marks slot (l, d) empty in the masks.
func (q *Queue[T]) takeSlot(l, d uint) {
	q.slotMask[l] &^= 1 << d
	if q.slotMask[l] == 0 {
		q.levelMask &^= 1 << l
	}
}

// dropSlot empties slot (l, d), whose entries were moved out or are dead.
func (q *Queue[T]) dropSlot(l, d uint, src []qentry[T]) {
	clear(src) // release references held by the moved copies
	if cap(src) <= keepCap {
		q.slots[l][d] = src[:0]
	} else {
		q.slots[l][d] = nil
		q.release(src)
	}
}

// grow replaces the full array of *s by one of at least twice the capacity,
// from the pool when it has one.
func (q *Queue[T]) grow(s *[]qentry[T]) {
	c := max(minCap, 2*cap(*s))
	q.high = max(q.high, q.live+q.dead)
	class := bits.Len(uint(c)) - 1
	var a []qentry[T]
	if m := q.poolMask >> class; m != 0 {
		a = q.poolTake(class + bits.TrailingZeros64(m))
	} else {
		a = make([]qentry[T], 0, c)
	}
	a = append(a, *s...)
	clear(*s)
	q.release(*s)
	*s = a
}

// poolTake removes and returns an array of pool class k (non-empty).
func (q *Queue[T]) poolTake(k int) []qentry[T] {
	p := q.pool[k]
	a := p[len(p)-1]
	p[len(p)-1] = nil
	q.pool[k] = p[:len(p)-1]
	if len(p) == 1 {
		q.poolMask &^= 1 << k
	}
	q.pooled -= cap(a)
	return a
}

// release returns an emptied slot array to the pool for its size, unless
// the pool already holds about twice what the queue does (then the GC
// takes it), which bounds memory once a burst of events is gone.
func (q *Queue[T]) release(a []qentry[T]) {
	c := cap(a)
	if c < minCap || q.pooled+c > q.poolLimit() {
		return
	}
	k := bits.Len(uint(c)) - 1
	q.pool[k] = append(q.pool[k], a[:0])
	q.poolMask |= 1 << k
	q.pooled += c
}

// reset drops the stored cancelled entries once no radix entry is pending,
// keeping the current time.
func (q *Queue[T]) reset() {
	clear(q.cur)
	q.cur = q.cur[:0]
	q.head = 0
	for q.levelMask != 0 {
		l := uint(bits.TrailingZeros16(q.levelMask))
		for q.slotMask[l] != 0 {
			d := uint(bits.TrailingZeros64(q.slotMask[l]))
			q.slotMask[l] &^= 1 << d
			clear(q.slots[l][d])
			q.release(q.slots[l][d])
			q.slots[l][d] = nil
		}
		q.levelMask &^= 1 << l
	}
	q.dead = 0
}

func sideLess[T any](a, b *qentry[T]) bool {
	return a.key < b.key || (a.key == b.key && a.seq < b.seq)
}

func (q *Queue[T]) sidePush(e qentry[T]) {
	q.side = append(q.side, e)
	h := q.side
	for i := len(h) - 1; i > 0; {
		p := (i - 1) / 2
		if !sideLess(&h[i], &h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

// sideRemove deletes side[i] and restores the heap order.
func (q *Queue[T]) sideRemove(i int) {
	n := len(q.side) - 1
	q.side[i] = q.side[n]
	q.side[n] = qentry[T]{}
	q.side = q.side[:n]
	h := q.side
	if i >= n {
		return
	}
	for { // down
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && sideLess(&h[c+1], &h[c]) {
			c++
		}
		if !sideLess(&h[c], &h[i]) {
			break
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
	for i > 0 { // up
		p := (i - 1) / 2
		if !sideLess(&h[i], &h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}
