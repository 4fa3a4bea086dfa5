package trace

import (
	"strconv"
	"testing"
)

// The pinned values below are the fingerprint's definition: if one changes,
// every recorded run hash changes with it. Only update them together with
// a deliberate, announced change of the hash function.
func TestHasherKnownAnswers(t *testing.T) {
	cases := []struct {
		name string
		feed func(h *Hasher)
		want uint64
	}{
		{"empty", func(h *Hasher) {}, 0}, // avalanche(0) is 0: an empty run hashes to 0
		{"uint64 0", func(h *Hasher) { h.AddUint64(0) }, 0x8a3cf4470d20f1a9},
		{"uint64 1,2", func(h *Hasher) { h.AddUint64(1); h.AddUint64(2) }, 0xde17f1ea85a7db77},
		{"int64 -1", func(h *Hasher) { h.AddInt64(-1) }, 0x97615f951f60ea1e},
		{"string empty", func(h *Hasher) { h.AddString("") }, 0x8a3cf4470d20f1a9},
		{"string abc", func(h *Hasher) { h.AddString("abc") }, 0x70ec9e657def598f},
		{"string 17 bytes", func(h *Hasher) { h.AddString("INVITE c1 alice/1") }, 0xe16a38154844d9cd},
		{"event", func(h *Hasher) {
			h.AddEvent(&Event{At: 40_000_000, Kind: Deliver, Node: "alice/1", Peer: "s0", Text: "INVITE c1"})
		}, 0xb254593b1c0133dc},
	}
	for _, c := range cases {
		var h Hasher
		c.feed(&h)
		if got := h.Sum(); got != c.want {
			t.Errorf("%s: Sum() = %#016x, want %#016x", c.name, got, c.want)
		}
	}
}

func TestHasherDistinguishes(t *testing.T) {
	sum := func(feed func(h *Hasher)) uint64 {
		var h Hasher
		feed(&h)
		return h.Sum()
	}
	pairs := []struct {
		name string
		a, b func(h *Hasher)
	}{
		{"order of words", func(h *Hasher) { h.AddUint64(1); h.AddUint64(2) },
			func(h *Hasher) { h.AddUint64(2); h.AddUint64(1) }},
		{"string split", func(h *Hasher) { h.AddString("ab"); h.AddString("c") },
			func(h *Hasher) { h.AddString("a"); h.AddString("bc") }},
		{"trailing zero byte", func(h *Hasher) { h.AddString("a") },
			func(h *Hasher) { h.AddString("a\x00") }},
		{"leading zero word", func(h *Hasher) { h.AddUint64(7) },
			func(h *Hasher) { h.AddUint64(0); h.AddUint64(7) }},
		{"empty vs nothing", func(h *Hasher) {},
			func(h *Hasher) { h.AddString("") }},
		{"event order", func(h *Hasher) {
			h.AddEvent(&Event{At: 1, Kind: Send, Node: "a"})
			h.AddEvent(&Event{At: 1, Kind: Send, Node: "b"})
		}, func(h *Hasher) {
			h.AddEvent(&Event{At: 1, Kind: Send, Node: "b"})
			h.AddEvent(&Event{At: 1, Kind: Send, Node: "a"})
		}},
		{"node vs peer", func(h *Hasher) { h.AddEvent(&Event{Kind: Send, Node: "a"}) },
			func(h *Hasher) { h.AddEvent(&Event{Kind: Send, Peer: "a"}) }},
	}
	for _, p := range pairs {
		if sum(p.a) == sum(p.b) {
			t.Errorf("%s: same hash", p.name)
		}
	}
}

func TestHasherResetAndSum(t *testing.T) {
	var h Hasher
	h.AddString("hello")
	s1 := h.Sum()
	if h.Sum() != s1 {
		t.Fatal("Sum changed the state")
	}
	h.Reset()
	h.AddString("hello")
	if h.Sum() != s1 {
		t.Fatal("Reset did not restore the initial state")
	}
}

func TestHasherNoAllocs(t *testing.T) {
	e := Event{At: 40_000_000, Kind: Deliver, Node: "alice/1", Peer: "s0", Text: "INVITE c1 from alice"}
	var h Hasher
	if n := testing.AllocsPerRun(100, func() { h.AddEvent(&e); _ = h.Sum() }); n != 0 {
		t.Fatalf("AddEvent allocates %v times", n)
	}
}

var sink uint64

func BenchmarkHasherAddUint64(b *testing.B) {
	var h Hasher
	var i uint64
	for b.Loop() {
		h.AddUint64(i)
		i++
	}
	sink = h.Sum()
}

func BenchmarkHasherAddString(b *testing.B) {
	for _, s := range []string{"alice/1", "INVITE c1 from=alice/1 seq=12345", string(make([]byte, 1024))} {
		b.Run(strconv.Itoa(len(s)), func(b *testing.B) {
			var h Hasher
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				h.AddString(s)
			}
			sink = h.Sum()
		})
	}
}

func BenchmarkHasherAddEvent(b *testing.B) {
	e := Event{At: 40_000_000, Kind: Deliver, Node: "alice/1", Peer: "s0", Text: "INVITE c1 from=alice/1 seq=12345"}
	var h Hasher
	for b.Loop() {
		h.AddEvent(&e)
	}
	sink = h.Sum()
}

// TestTailMatchesBytewise checks the fast tail loads against the definition
// (bytes packed little-endian, zero-padded).
func TestTailMatchesBytewise(t *testing.T) {
	s := "\x01\x82\x03\xf4\x05\x06\xa7"
	for n := 1; n <= 7; n++ {
		var want uint64
		for i := n - 1; i >= 0; i-- {
			want = want<<8 | uint64(s[i])
		}
		if got := tail(s[:n]); got != want {
			t.Errorf("tail(%d bytes) = %#x, want %#x", n, got, want)
		}
	}
}
