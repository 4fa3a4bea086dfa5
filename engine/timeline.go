package engine

import "iter"

// timeline is a user's stored messages, in sequence order, in chunks that
// never move: appending copies nothing, where a growing array would copy
// every entry again each time it doubles (a user's history grows for the
// retention's length). The first chunks are small, as most users of a large
// world hold a few messages.
type timeline struct {
	chunks [][]entry
	n      int
}

// timelineChunk is the size the chunks grow to.
const timelineChunk = 128

func (t *timeline) len() int { return t.n }

// append adds e, the newest entry.
func (t *timeline) append(e entry) {
	k := len(t.chunks)
	if k == 0 || len(t.chunks[k-1]) == cap(t.chunks[k-1]) {
		c := 2
		if k > 0 {
			c = min(2*cap(t.chunks[k-1]), timelineChunk)
		}
		t.chunks = append(t.chunks, make([]entry, 0, c))
		k++
	}
	t.chunks[k-1] = append(t.chunks[k-1], e)
	t.n++
}

// all yields the entries in order.
func (t *timeline) all() iter.Seq[entry] {
	return func(yield func(entry) bool) {
		for _, c := range t.chunks {
			for _, e := range c {
				if !yield(e) {
					return
				}
			}
		}
	}
}

// keep keeps the entries for which f is true, in order, compacting them in
// place; the chunks left empty go.
func (t *timeline) keep(f func(entry) bool) {
	wc, wi := 0, 0 // where the next kept entry goes
	for rc := range t.chunks {
		c := t.chunks[rc]
		for _, e := range c {
			if !f(e) {
				continue
			}
			if wi == cap(t.chunks[wc]) {
				wc, wi = wc+1, 0
			}
			w := t.chunks[wc]
			if wi >= len(w) {
				w = w[:wi+1]
				t.chunks[wc] = w
			}
			w[wi] = e
			wi++
		}
	}
	n := 0
	for i := range t.chunks {
		switch {
		case i < wc:
		case i == wc && wi > 0:
			clear(t.chunks[i][wi:])
			t.chunks[i] = t.chunks[i][:wi]
		default:
			clear(t.chunks[i])
			t.chunks[i] = nil
			continue
		}
		n += len(t.chunks[i])
	}
	for len(t.chunks) > 0 && t.chunks[len(t.chunks)-1] == nil {
		t.chunks = t.chunks[:len(t.chunks)-1]
	}
	t.n = n
}
