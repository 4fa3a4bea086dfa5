package trace

import (
	"bytes"
	"testing"
)

// FuzzReader feeds arbitrary bytes to the reader: it must never panic,
// every error must match a sentinel, and whatever it accepts must survive
// a write/read round trip unchanged.
func FuzzReader(f *testing.F) {
	for _, n := range []int{0, 1, 4} {
		data, _ := encode(f, testHeader, genEvents(n, uint64(n)))
		f.Add(data)
	}
	small, _ := encode(f, Header{Version: "v", Options: []Option{{"k", "v"}}}, []Event{{At: -3, Kind: Violation, Node: "s0"}})
	f.Add(small)
	f.Add([]byte{})
	f.Add([]byte("garbage that is not a trace"))
	f.Add([]byte("SIGTRACE"))
	f.Add([]byte("SIGTRACE\x01\x94"))
	f.Add([]byte("SIGTRACE\x01\x94\xdb\xff\xff\xff\xff"))

	f.Fuzz(func(t *testing.T, data []byte) {
		h, events, hash, err := ReadAll(bytes.NewReader(data))
		if err != nil {
			if !isSentinel(err) {
				t.Fatalf("error matches no sentinel: %v", err)
			}
			return
		}
		again := encodeWithHash(t, h, events, hash)
		h2, events2, hash2, err := ReadAll(bytes.NewReader(again))
		if err != nil {
			t.Fatalf("re-encoded trace unreadable: %v", err)
		}
		if d, differ := FirstDivergence(events, events2); differ || hash != hash2 || len(headerDiffs(h, h2)) > 0 {
			t.Fatalf("round trip changed the trace: %v", d)
		}
	})
}

// encodeWithHash is encode with a given final hash instead of a computed one.
func encodeWithHash(t testing.TB, h Header, events []Event, hash uint64) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, h)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(hash); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
