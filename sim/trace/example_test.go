package trace_test

import (
	"bytes"
	"fmt"
	"slices"

	"sigsim/sim/trace"
)

// A run records events, folds them into its fingerprint, writes the trace,
// and later reads it back and compares it with another run.
func Example() {
	events := []trace.Event{
		{At: 0, Kind: trace.Call, Node: "alice/1", Text: "invite bob"},
		{At: 1_500_000, Kind: trace.Send, Node: "alice/1", Peer: "s0", Text: "INVITE c1"},
		{At: 40_000_000, Kind: trace.Deliver, Node: "bob/1", Peer: "s0", Text: "INVITE c1"},
	}

	var file bytes.Buffer
	w, err := trace.NewWriter(&file, trace.Header{Version: "dev", Seed: 42, Scenario: "one-to-one"})
	if err != nil {
		panic(err)
	}
	var h trace.Hasher
	for _, e := range events {
		h.AddEvent(&e)
		if err := w.Write(e); err != nil {
			panic(err)
		}
	}
	if err := w.Close(h.Sum()); err != nil {
		panic(err)
	}

	hdr, got, hash, err := trace.ReadAll(&file)
	fmt.Printf("seed %d, %d events, hash matches: %v, err: %v\n", hdr.Seed, len(got), hash == h.Sum(), err)
	for _, e := range got {
		fmt.Println(e)
	}

	other := slices.Clone(got)
	other[2].Peer = "s1"
	if d, differ := trace.FirstDivergence(got, other); differ {
		fmt.Println(d)
	}
	// Output:
	// seed 42, 3 events, hash matches: true, err: <nil>
	//       0.000ms call     alice/1  invite bob
	//       1.500ms send     alice/1 -> s0  INVITE c1
	//      40.000ms deliver  bob/1 <- s0  INVITE c1
	// first divergence at event 2 (t=40.000ms):
	//   a:      40.000ms deliver  bob/1 <- s0  INVITE c1
	//   b:      40.000ms deliver  bob/1 <- s1  INVITE c1
}
