package engine

import (
	"encoding/binary"
	"math/bits"
	"unsafe"
)

// idTable maps invite IDs to int32 slots of a slab whose entries hold the ID
// themselves, so the table stores no key: an open-addressing hash table with
// linear probing and backward-shift deletion, 8 bytes an entry (a 32-bit hash
// and the slot). The hash is fixed and the table never depends on anything but
// the sequence of inserts and deletes, and nothing iterates it in table order.
type idTable struct {
	e   []idEnt // power-of-two length, or nil
	n   int     // entries in use
	key func(slot int32) string
}

type idEnt struct {
	h uint32 // hash of the key
	v int32  // slot + 1; 0 = empty
}

// hashID is a fixed, stable hash (a wyhash-style multiply-mix over 8-byte words).
func hashID(s string) uint32 {
	const m1, m2 = 0xa0761d6478bd642f, 0xe7037ed1a0b428db
	h := uint64(len(s)) * m1
	for len(s) >= 8 {
		hi, lo := bits.Mul64(binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s), 8))^m1, h^m2)
		h = hi ^ lo
		s = s[8:]
	}
	var t uint64
	for i := 0; i < len(s); i++ {
		t |= uint64(s[i]) << (8 * i)
	}
	hi, lo := bits.Mul64(t^m2, h^m1)
	h = hi ^ lo
	return uint32(h ^ h>>32)
}

// Len is the number of entries.
func (t *idTable) Len() int { return t.n }

// find returns the index in e of key's entry, or -1: the one probe loop that
// get, set and del share.
func (t *idTable) find(key string) int {
	if t.n == 0 {
		return -1
	}
	h := hashID(key)
	mask := uint32(len(t.e) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		e := t.e[i]
		if e.v == 0 {
			return -1
		}
		if e.h == h && t.key(e.v-1) == key {
			return int(i)
		}
	}
}

// get returns the slot stored for key.
func (t *idTable) get(key string) (int32, bool) {
	if i := t.find(key); i >= 0 {
		return t.e[i].v - 1, true
	}
	return 0, false
}

// getBytes is get for a key in bytes, without allocating.
func (t *idTable) getBytes(b []byte) (int32, bool) {
	if len(b) == 0 {
		return t.get("")
	}
	return t.get(unsafe.String(unsafe.SliceData(b), len(b)))
}

// put stores slot for key, which must not be present.
func (t *idTable) put(key string, slot int32) {
	if (t.n+1)*4 > len(t.e)*3 {
		t.grow()
	}
	t.insert(hashID(key), slot+1)
	t.n++
}

func (t *idTable) insert(h uint32, v int32) {
	mask := uint32(len(t.e) - 1)
	i := h & mask
	for t.e[i].v != 0 {
		i = (i + 1) & mask
	}
	t.e[i] = idEnt{h: h, v: v}
}

// grow doubles the table and reinserts in the old table's order.
func (t *idTable) grow() {
	old := t.e
	t.e = make([]idEnt, max(16, 2*len(old)))
	for _, e := range old {
		if e.v != 0 {
			t.insert(e.h, e.v)
		}
	}
}

// set changes the slot stored for key, which must be present.
func (t *idTable) set(key string, slot int32) {
	i := t.find(key)
	if i < 0 {
		panic("idTable.set: key not present")
	}
	t.e[i].v = slot + 1
}

// del removes key, reporting its slot.
func (t *idTable) del(key string) (int32, bool) {
	found := t.find(key)
	if found < 0 {
		return 0, false
	}
	mask := uint32(len(t.e) - 1)
	i := uint32(found)
	slot := t.e[i].v - 1
	// Backward shift: move later entries of the probe run into the hole when
	// their home position allows it.
	for j := (i + 1) & mask; ; j = (j + 1) & mask {
		e := t.e[j]
		if e.v == 0 {
			break
		}
		home := e.h & mask
		// e may move to i if i lies cyclically in [home, j).
		if (j-home)&mask >= (j-i)&mask {
			t.e[i] = e
			i = j
		}
	}
	t.e[i] = idEnt{}
	t.n--
	return slot, true
}

// each calls f for every slot, in no meaningful order: callers must not let
// the order show.
func (t *idTable) each(f func(slot int32)) {
	for _, e := range t.e {
		if e.v != 0 {
			f(e.v - 1)
		}
	}
}

// chunked is a slab of T in fixed chunks that never move, with a free list, so
// elements are named by int32 and a large slab grows without copying.
type chunked[T any] struct {
	c    [][]T
	n    int32 // elements handed out, in use or free
	free []int32
}

const chunkLen = 1024

func (c *chunked[T]) at(i int32) *T { return &c.c[i/chunkLen][i%chunkLen] }

// alloc returns a zeroed element.
func (c *chunked[T]) alloc() int32 {
	if n := len(c.free); n > 0 {
		i := c.free[n-1]
		c.free = c.free[:n-1]
		return i
	}
	i := c.n
	if int(i/chunkLen) == len(c.c) {
		c.c = append(c.c, make([]T, chunkLen))
	}
	c.n++
	return i
}

// release zeroes element i and frees it.
func (c *chunked[T]) release(i int32) {
	var zero T
	*c.at(i) = zero
	c.free = append(c.free, i)
}
