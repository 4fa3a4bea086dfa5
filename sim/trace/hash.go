package trace

import "math/bits"

// The xxHash64 primes. Fixed constants, so the fingerprint never depends on
// a per-process seed (as hash/maphash would).
const (
	prime1 uint64 = 0x9E3779B185EBCA87
	prime2 uint64 = 0xC2B2AE3D27D4EB4F
	prime3 uint64 = 0x165667B19E3779F9
	prime4 uint64 = 0x85EBCA77C2B2AE63
)

// Hasher is the rolling 64-bit fingerprint of a run.
//
// It is fed 64-bit words, so the simulator can hash the binary fields of an
// event without formatting text. Each word goes through xxHash64's
// per-8-byte step (h ^= round(0, w); h = rotl(h, 27)*prime1 + prime4), and
// Sum applies xxHash64's final avalanche. The result is therefore NOT the
// xxHash64 of any byte string; it is this package's own function, pinned
// by known-answer tests. Strings are read as little-endian words, so the
// value is the same on every platform and Go version.
//
// Each step is a bijection of the state for a fixed word, so two runs that
// ever differ stay different unless a later 64-bit collision happens.
// The zero value is ready to use; Hasher never allocates.
type Hasher struct {
	h uint64
}

// Reset returns h to its initial (zero) state.
func (h *Hasher) Reset() { h.h = 0 }

// AddUint64 folds one word into the fingerprint.
func (h *Hasher) AddUint64(v uint64) { h.h = step(h.h, v) }

// step is the whole mixing function; AddString and AddEvent call it on a
// local copy of the state so that it stays in a register across words.
func step(acc, v uint64) uint64 {
	v *= prime2
	v = bits.RotateLeft64(v, 31)
	v *= prime1
	acc ^= v
	return bits.RotateLeft64(acc, 27)*prime1 + prime4
}

// AddInt64 folds a signed word (two's complement) into the fingerprint.
func (h *Hasher) AddInt64(v int64) { h.h = step(h.h, uint64(v)) }

// AddString folds in len(s) and then s as little-endian 8-byte words, the
// last one zero-padded. The length prefix keeps ("ab","c") distinct from
// ("a","bc") and makes the padding unambiguous.
func (h *Hasher) AddString(s string) { h.h = addString(h.h, s) }

func addString(acc uint64, s string) uint64 {
	acc = step(acc, uint64(len(s)))
	for len(s) >= 8 {
		acc = step(acc, le64(s))
		s = s[8:]
	}
	if len(s) > 0 {
		acc = step(acc, tail(s))
	}
	return acc
}

// le64 and le32 read little-endian words; the compiler merges the byte
// loads into one load.
func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func le32(s string) uint64 {
	_ = s[3]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24
}

// tail packs 1..7 bytes into a zero-padded little-endian word with at most
// two loads: overlapping reads put the shared bytes in the same place, so
// the OR is exact.
func tail(s string) uint64 {
	n := len(s)
	if n >= 4 {
		return le32(s) | le32(s[n-4:])<<(8*(n-4))
	}
	return uint64(s[0]) | uint64(s[n/2])<<(8*(n/2)) | uint64(s[n-1])<<(8*(n-1))
}

// AddEvent folds in e.At, e.Kind, e.Node, e.Peer and e.Text, in that order.
// It takes a pointer only to avoid copying the struct on a hot path.
func (h *Hasher) AddEvent(e *Event) {
	acc := step(h.h, uint64(e.At))
	acc = step(acc, uint64(e.Kind))
	acc = addString(acc, e.Node)
	acc = addString(acc, e.Peer)
	h.h = addString(acc, e.Text)
}

// Sum returns the fingerprint of everything added so far. It does not
// change the state, so a run can report intermediate values and go on.
func (h *Hasher) Sum() uint64 {
	x := h.h
	x ^= x >> 33
	x *= prime2
	x ^= x >> 29
	x *= prime3
	x ^= x >> 32
	return x
}
