package trace

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

func TestRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 3, 10_000} {
		events := genEvents(n, uint64(n))
		// Times that jump backwards and to the extremes exercise the
		// wrapping delta encoding.
		if n >= 3 {
			events[1].At = -5
			events[2].At = 1<<63 - 1
			events = append(events, Event{At: -1 << 63, Kind: Note, Node: "s0", Text: strings.Repeat("x", 70_000)})
		}
		data, hash := encode(t, testHeader, events)
		r, err := NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		hdr := r.Header()
		if hdr.Version != testHeader.Version || hdr.Seed != testHeader.Seed ||
			hdr.Scenario != testHeader.Scenario || !slices.Equal(hdr.Options, testHeader.Options) {
			t.Fatalf("header = %+v, want %+v", hdr, testHeader)
		}
		var got []Event
		for {
			e, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("n=%d: event %d: %v", n, len(got), err)
			}
			got = append(got, e)
		}
		if d, ok := FirstDivergence(events, got); ok {
			t.Fatalf("n=%d: round trip differs:\n%v", n, d)
		}
		if c, h := r.Trailer(); c != len(events) || h != hash {
			t.Fatalf("Trailer() = %d, %x; want %d, %x", c, h, len(events), hash)
		}
		if _, err := r.Next(); err != io.EOF {
			t.Fatalf("Next after EOF = %v", err)
		}
	}
}

func TestEmptyHeaderRoundTrip(t *testing.T) {
	data, _ := encode(t, Header{}, nil)
	h, ev, hash, err := ReadAll(bytes.NewReader(data))
	if err != nil || h.Version != "" || h.Seed != 0 || len(h.Options) != 0 || len(ev) != 0 || hash != 0 {
		t.Fatalf("ReadAll = %+v, %v, %x, %v", h, ev, hash, err)
	}
}

// TestTruncatedEverywhere cuts a small trace at every byte: each prefix
// must fail, as a truncation, and never look like a shorter valid run.
func TestTruncatedEverywhere(t *testing.T) {
	data, _ := encode(t, testHeader, genEvents(20, 7))
	for i := range len(data) {
		_, events, _, err := ReadAll(bytes.NewReader(data[:i]))
		want := ErrTruncated
		if i == 0 {
			want = ErrNotTrace
		}
		if !errors.Is(err, want) {
			t.Fatalf("cut at %d/%d: err = %v, want %v", i, len(data), err, want)
		}
		if len(events) > 20 {
			t.Fatalf("cut at %d: %d events", i, len(events))
		}
	}
}

func TestTruncatedMessage(t *testing.T) {
	events := genEvents(5, 1)
	var buf bytes.Buffer
	w, err := NewWriter(&buf, testHeader)
	if err != nil {
		t.Fatal(err)
	}
	var offsets []int // end of the header, then of each event
	w.bw.Flush()
	offsets = append(offsets, buf.Len())
	for _, e := range events {
		w.Write(e)
		w.bw.Flush()
		offsets = append(offsets, buf.Len())
	}
	w.Close(0)
	data := buf.Bytes()
	for n, off := range offsets {
		_, got, _, err := ReadAll(bytes.NewReader(data[:off]))
		want := fmt.Sprintf("trace truncated after %d events (no trailer)", n)
		if err == nil || err.Error() != want || len(got) != n {
			t.Errorf("cut after %d events: %d events, err = %v, want %q", n, len(got), err, want)
		}
	}
	// Inside the trailer, all events are read but the run is still incomplete.
	_, got, _, err := ReadAll(bytes.NewReader(data[:len(data)-1]))
	if len(got) != 5 || err == nil || err.Error() != "trace truncated in trailer" {
		t.Errorf("cut in trailer: %d events, err = %v", len(got), err)
	}
}

// TestCorruptEveryByte flips bits in every byte of a small trace: the
// reader must fail, or (when the change only picks another encoding of
// the same values) return exactly the original content.
func TestCorruptEveryByte(t *testing.T) {
	events := genEvents(12, 3)
	data, hash := encode(t, testHeader, events)
	for i := range data {
		for _, mask := range []byte{0x01, 0x10, 0x80, 0xff} {
			bad := slices.Clone(data)
			bad[i] ^= mask
			h, got, gotHash, err := ReadAll(bytes.NewReader(bad))
			if err != nil {
				if !isSentinel(err) {
					t.Fatalf("byte %d ^%#x: error %q matches no sentinel", i, mask, err)
				}
				continue
			}
			_, same := FirstDivergence(events, got)
			if same || gotHash != hash || len(headerDiffs(testHeader, h)) > 0 {
				t.Fatalf("byte %d ^%#x: corruption accepted silently", i, mask)
			}
		}
	}
}

func isSentinel(err error) bool {
	return errors.Is(err, ErrNotTrace) || errors.Is(err, ErrVersion) ||
		errors.Is(err, ErrTruncated) || errors.Is(err, ErrCorrupt)
}

func TestBadMagicAndVersion(t *testing.T) {
	good, _ := encode(t, testHeader, genEvents(2, 1))
	cases := []struct {
		name string
		data []byte
		want string
		is   error
	}{
		{"empty", nil, "not a sigsim trace (empty input)", ErrNotTrace},
		{"text", []byte("hello, world\n"), "not a sigsim trace (bad magic)", ErrNotTrace},
		{"short text", []byte("SIGX"), "not a sigsim trace (bad magic)", ErrNotTrace},
		{"partial magic", []byte("SIGTR"), "trace truncated in magic", ErrTruncated},
		{"magic only", []byte("SIGTRACE"), "trace truncated in format version", ErrTruncated},
		{"version 7", append([]byte("SIGTRACE"), 7), "trace format version 7 not supported (want 1)", ErrVersion},
		{"version 0", append([]byte("SIGTRACE"), 0), "trace format version 0 not supported (want 1)", ErrVersion},
		{"bad version code", append([]byte("SIGTRACE"), 0xa1, 'x'), "corrupt format version: msgpack: invalid code=a1 decoding uint64", ErrCorrupt},
		{"no header", append([]byte("SIGTRACE"), 1), "trace truncated in header", ErrTruncated},
		{"header not array", append([]byte("SIGTRACE"), 1, 0x01), "corrupt header: msgpack: invalid code=1 decoding array length", ErrCorrupt},
		{"header short array", append([]byte("SIGTRACE"), 1, 0x93), "corrupt header: array of 3 elements, want 4", ErrCorrupt},
		{"good then garbage", append(slices.Clone(good), 0), "unexpected data after the trailer", ErrCorrupt},
	}
	for _, c := range cases {
		_, _, _, err := ReadAll(bytes.NewReader(c.data))
		if err == nil || err.Error() != c.want || !errors.Is(err, c.is) {
			t.Errorf("%s: err = %v, want %q (%v)", c.name, err, c.want, c.is)
		}
	}
}

// raw builds a trace by hand, for inputs the Writer refuses to produce.
func raw(build func(enc *msgpack.Encoder)) []byte {
	var b bytes.Buffer
	b.WriteString(magic)
	enc := msgpack.NewEncoder(&b)
	enc.EncodeUint(FormatVersion)
	build(enc)
	return b.Bytes()
}

func rawHeader(enc *msgpack.Encoder) {
	enc.EncodeArrayLen(4)
	enc.EncodeString("v")
	enc.EncodeUint(1)
	enc.EncodeString("s")
	enc.EncodeArrayLen(0)
}

func rawEvent(enc *msgpack.Encoder, dAt int64, kind uint64, node, peer, text string) {
	enc.EncodeArrayLen(5)
	enc.EncodeInt(dAt)
	enc.EncodeUint(kind)
	enc.EncodeString(node)
	enc.EncodeString(peer)
	enc.EncodeString(text)
}

func TestCorruptRecords(t *testing.T) {
	cases := []struct {
		name  string
		build func(enc *msgpack.Encoder)
		want  string
	}{
		{"invalid kind", func(enc *msgpack.Encoder) {
			rawHeader(enc)
			for range 3 {
				rawEvent(enc, 1, uint64(Send), "a", "b", "t")
			}
			rawEvent(enc, 1, 99, "a", "b", "t")
		}, "invalid event kind 99 at event 3"},
		{"kind zero", func(enc *msgpack.Encoder) {
			rawHeader(enc)
			rawEvent(enc, 1, 0, "a", "b", "t")
		}, "invalid event kind 0 at event 0"},
		{"kind 256", func(enc *msgpack.Encoder) {
			rawHeader(enc)
			rawEvent(enc, 1, 256+uint64(Send), "a", "b", "t")
		}, "invalid event kind 257 at event 0"},
		{"trailer count", func(enc *msgpack.Encoder) {
			rawHeader(enc)
			for range 1199 {
				rawEvent(enc, 1, uint64(Send), "a", "b", "t")
			}
			enc.EncodeArrayLen(3)
			enc.EncodeUint(1200)
			enc.EncodeUint(0)
			enc.EncodeUint(0)
		}, "trailer says 1200 events, read 1199"},
		{"bad checksum", func(enc *msgpack.Encoder) {
			rawHeader(enc)
			enc.EncodeArrayLen(3)
			enc.EncodeUint(0)
			enc.EncodeUint(0)
			enc.EncodeUint(12345)
		}, "trace checksum mismatch (file says 0000000000003039, data gives "},
		{"wrong record size", func(enc *msgpack.Encoder) {
			rawHeader(enc)
			rawEvent(enc, 1, uint64(Send), "a", "b", "t")
			enc.EncodeArrayLen(4)
		}, "corrupt event 1: record of 4 fields (want 5 for an event, 3 for the trailer)"},
		{"not an array", func(enc *msgpack.Encoder) {
			rawHeader(enc)
			enc.EncodeString("x")
		}, "corrupt event 0: msgpack: invalid code=a1 decoding array length"},
		{"number for string", func(enc *msgpack.Encoder) {
			rawHeader(enc)
			enc.EncodeArrayLen(5)
			enc.EncodeInt(0)
			enc.EncodeUint(uint64(Send))
			enc.EncodeUint(7)
		}, "corrupt event 0: msgpack: invalid code=7 decoding string/bytes length"},
		{"nil string", func(enc *msgpack.Encoder) {
			rawHeader(enc)
			enc.EncodeArrayLen(5)
			enc.EncodeInt(0)
			enc.EncodeUint(uint64(Send))
			enc.EncodeNil()
		}, "corrupt event 0: nil where a string was expected"},
		{"huge string", func(enc *msgpack.Encoder) {
			rawHeader(enc)
			enc.EncodeArrayLen(5)
			enc.EncodeInt(0)
			enc.EncodeUint(uint64(Send))
			enc.EncodeBytesLen(1 << 30)
		}, "corrupt event 0: string of 1073741824 bytes (limit 16777216)"},
		{"huge option count", func(enc *msgpack.Encoder) {
			enc.EncodeArrayLen(4)
			enc.EncodeString("v")
			enc.EncodeUint(1)
			enc.EncodeString("s")
			enc.EncodeArrayLen(1 << 31)
		}, "corrupt header: 2147483648 options (limit 65536)"},
		{"option not a pair", func(enc *msgpack.Encoder) {
			enc.EncodeArrayLen(4)
			enc.EncodeString("v")
			enc.EncodeUint(1)
			enc.EncodeString("s")
			enc.EncodeArrayLen(1)
			enc.EncodeArrayLen(3)
		}, "corrupt header: option 0: array of 3 elements, want 2"},
	}
	for _, c := range cases {
		_, _, _, err := ReadAll(bytes.NewReader(raw(c.build)))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) || !isSentinel(err) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
}

// TestForgedLengthAllocatesLittle: a declared 16 MiB string on a tiny file
// must not allocate 16 MiB up front.
func TestForgedLengthAllocatesLittle(t *testing.T) {
	data := raw(func(enc *msgpack.Encoder) {
		rawHeader(enc)
		enc.EncodeArrayLen(5)
		enc.EncodeInt(0)
		enc.EncodeUint(uint64(Send))
		enc.EncodeBytesLen(MaxString)
		enc.EncodeString("just a few bytes")
	})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, _, err := ReadAll(bytes.NewReader(data))
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTruncated) {
		t.Fatalf("err = %v", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
		t.Fatalf("allocated %d bytes for a %d-byte file", got, len(data))
	}
}

type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestIOErrorIsNotCorruption(t *testing.T) {
	data, _ := encode(t, testHeader, genEvents(50, 2))
	disk := errors.New("disk on fire")
	for _, cut := range []int{3, 20, len(data) / 2, len(data) - 1, len(data)} {
		_, _, _, err := ReadAll(&failingReader{data: data[:cut], err: disk})
		if !errors.Is(err, disk) || isSentinel(err) {
			t.Errorf("cut %d: err = %v, want the I/O error", cut, err)
		}
	}
}

func TestWriterRejects(t *testing.T) {
	if _, err := NewWriter(io.Discard, Header{Scenario: strings.Repeat("x", MaxString+1)}); err == nil {
		t.Error("over-long scenario accepted")
	}
	if _, err := NewWriter(io.Discard, Header{Options: make([]Option, MaxOptions+1)}); err == nil {
		t.Error("too many options accepted")
	}
	w, err := NewWriter(io.Discard, Header{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(Event{Node: "zero kind"}); err == nil {
		t.Error("zero kind accepted")
	}
	if err := w.Write(Event{Kind: 200}); err == nil {
		t.Error("kind 200 accepted")
	}
	if err := w.Write(Event{Kind: Note, Text: strings.Repeat("x", MaxString+1)}); err == nil {
		t.Error("over-long text accepted")
	}
	if err := w.Close(1); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(Event{Kind: Note}); err == nil {
		t.Error("Write after Close accepted")
	}
	if err := w.Close(1); err == nil {
		t.Error("second Close accepted")
	}
}

type errWriter struct{ err error }

func (e errWriter) Write([]byte) (int, error) { return 0, e.err }

func TestWriterIOError(t *testing.T) {
	full := errors.New("disk full")
	w, err := NewWriter(errWriter{full}, testHeader)
	if err != nil {
		t.Fatal(err) // buffered: the failure shows up later
	}
	var werr error
	for _, e := range genEvents(5000, 1) {
		if werr = w.Write(e); werr != nil {
			break
		}
	}
	if werr == nil {
		werr = w.Close(0)
	}
	if !errors.Is(werr, full) {
		t.Fatalf("err = %v, want %v", werr, full)
	}
	if err := w.Close(0); !errors.Is(err, full) {
		t.Fatalf("Close after failure = %v", err)
	}
}
