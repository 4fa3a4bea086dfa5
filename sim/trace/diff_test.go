package trace

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestFirstDivergence(t *testing.T) {
	base := genEvents(100, 5)
	if d, ok := FirstDivergence(base, slices.Clone(base)); ok {
		t.Fatalf("identical traces diverge: %v", d)
	}
	if _, ok := FirstDivergence(nil, []Event{}); ok {
		t.Fatal("two empty traces diverge")
	}

	mid := slices.Clone(base)
	mid[57].Text += "!"
	d, ok := FirstDivergence(base, mid)
	if !ok || d.Index != 57 || d.At != base[57].At || *d.A != base[57] || *d.B != mid[57] {
		t.Fatalf("middle: %+v %v", d, ok)
	}
	mid[57].Text = "changed after the call"
	if d.B.Text == mid[57].Text {
		t.Fatal("Divergence aliases the caller's slice")
	}

	d, ok = FirstDivergence(base, base[:60])
	if !ok || d.Index != 60 || d.A == nil || d.B != nil || d.At != base[60].At {
		t.Fatalf("b is a prefix: %+v %v", d, ok)
	}
	d, ok = FirstDivergence(base[:0], base)
	if !ok || d.Index != 0 || d.A != nil || d.B == nil || d.At != base[0].At {
		t.Fatalf("a is empty: %+v %v", d, ok)
	}
}

func TestDivergenceString(t *testing.T) {
	a := []Event{
		{At: 1_000_000, Kind: Call, Node: "alice/1", Text: "invite bob"},
		{At: 40_000_000, Kind: Deliver, Node: "bob/1", Peer: "s0", Text: "INVITE c1"},
	}
	b := slices.Clone(a)
	b[1].Peer = "s1"
	d, _ := FirstDivergence(a, b)
	want := "first divergence at event 1 (t=40.000ms):\n" +
		"  a:      40.000ms deliver  bob/1 <- s0  INVITE c1\n" +
		"  b:      40.000ms deliver  bob/1 <- s1  INVITE c1"
	if got := d.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	d, _ = FirstDivergence(a, a[:1])
	if got := d.String(); !strings.HasSuffix(got, "\n  b: <end of trace>") {
		t.Errorf("prefix: %s", got)
	}
	if got := (Divergence{Index: -1}).String(); got != "no divergence" {
		t.Errorf("empty: %q", got)
	}
}

func readerOf(t *testing.T, h Header, events []Event, hash uint64) *Reader {
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
	r, err := NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCompareReaders(t *testing.T) {
	ev := genEvents(200, 9)
	changed := slices.Clone(ev)
	changed[150].At++

	h2 := testHeader
	h2.Seed = 7
	h2.Scenario = strings.Replace(testHeader.Scenario, "shards: 2", "shards: 3", 1)
	h2.Options = []Option{{"loss", "0.02"}, {"latency", "uniform(1ms,5ms)"}, {"bandwidth", "1Mbit"}}

	t.Run("identical", func(t *testing.T) {
		d, ok, err := CompareReaders(readerOf(t, testHeader, ev, 1), readerOf(t, testHeader, ev, 1))
		if err != nil || ok {
			t.Fatalf("%v %v\n%v", ok, err, d)
		}
	})
	t.Run("event", func(t *testing.T) {
		d, ok, err := CompareReaders(readerOf(t, testHeader, ev, 1), readerOf(t, testHeader, changed, 2))
		if err != nil || !ok || d.Index != 150 || d.A.At != ev[150].At || d.B.At != changed[150].At || len(d.Header) != 0 {
			t.Fatalf("%v %v\n%v", ok, err, d)
		}
	})
	t.Run("prefix", func(t *testing.T) {
		d, ok, err := CompareReaders(readerOf(t, testHeader, ev[:10], 1), readerOf(t, testHeader, ev, 1))
		if err != nil || !ok || d.Index != 10 || d.A != nil || *d.B != ev[10] {
			t.Fatalf("%v %v\n%v", ok, err, d)
		}
		d, ok, err = CompareReaders(readerOf(t, testHeader, ev, 1), readerOf(t, testHeader, ev[:10], 1))
		if err != nil || !ok || d.Index != 10 || d.B != nil || *d.A != ev[10] {
			t.Fatalf("%v %v\n%v", ok, err, d)
		}
	})
	t.Run("hash only", func(t *testing.T) {
		d, ok, err := CompareReaders(readerOf(t, testHeader, ev, 1), readerOf(t, testHeader, ev, 2))
		want := "events identical, final hash differs: a=0000000000000001 b=0000000000000002"
		if err != nil || !ok || d.Index != -1 || d.String() != want {
			t.Fatalf("%v %v\n%v", ok, err, d)
		}
	})
	t.Run("header", func(t *testing.T) {
		d, ok, err := CompareReaders(readerOf(t, testHeader, ev, 1), readerOf(t, h2, ev, 1))
		want := `headers differ:
  seed: 16045690981402826360 vs 7
  scenario: line 2: "shards: 2" vs "shards: 3"
  option loss: "0.01" vs "0.02"
  option dup: "0" vs (absent)
  option bandwidth: (absent) vs "1Mbit"`
		if err != nil || !ok || d.String() != want {
			t.Fatalf("%v %v\n%v", ok, err, d)
		}
	})
	t.Run("option order", func(t *testing.T) {
		h3 := testHeader
		h3.Options = slices.Clone(testHeader.Options)
		slices.Reverse(h3.Options)
		d, ok, err := CompareReaders(readerOf(t, testHeader, ev, 1), readerOf(t, h3, ev, 1))
		if err != nil || !ok || len(d.Header) != 1 || !strings.Contains(d.Header[0], "different order") {
			t.Fatalf("%v %v\n%v", ok, err, d)
		}
	})
	t.Run("truncated b", func(t *testing.T) {
		data, _ := encode(t, testHeader, ev)
		rb, err := NewReader(bytes.NewReader(data[:len(data)/2]))
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = CompareReaders(readerOf(t, testHeader, ev, 1), rb)
		if !errors.Is(err, ErrTruncated) || !strings.HasPrefix(err.Error(), "trace b: ") {
			t.Fatalf("err = %v", err)
		}
	})
}
