package trace

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

// genEvents makes n plausible events from a fixed seed; a local PCG keeps
// the tests deterministic without touching the global generator.
func genEvents(n int, seed uint64) []Event {
	rng := rand.New(rand.NewPCG(seed, 0x5157))
	nodes := []string{"alice/1", "alice/2", "bob/1", "carol/1", "s0", "s1"}
	var at int64
	out := make([]Event, n)
	for i := range out {
		at += rng.Int64N(2_000_000)
		k := Kind(1 + rng.IntN(int(kindEnd-1)))
		e := Event{At: at, Kind: k, Node: nodes[rng.IntN(len(nodes))]}
		if k == Send || k == Deliver || k == Drop || k == Dup {
			e.Peer = nodes[rng.IntN(len(nodes))]
		}
		e.Text = fmt.Sprintf("INVITE c%d from=%s seq=%d", rng.IntN(1000), e.Node, i)
		out[i] = e
	}
	return out
}

var testHeader = Header{
	Version:  "sigsim test",
	Seed:     0xDEADBEEF12345678,
	Scenario: "users: alice bob carol\nshards: 2\n",
	Options:  []Option{{"latency", "uniform(1ms,5ms)"}, {"loss", "0.01"}, {"dup", "0"}},
}

// encode writes a complete trace to memory and returns the bytes and the
// final hash stored in it.
func encode(t testing.TB, h Header, events []Event) ([]byte, uint64) {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, h)
	if err != nil {
		t.Fatal(err)
	}
	var hs Hasher
	for i := range events {
		if err := w.Write(events[i]); err != nil {
			t.Fatal(err)
		}
		hs.AddEvent(&events[i])
	}
	if err := w.Close(hs.Sum()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), hs.Sum()
}
