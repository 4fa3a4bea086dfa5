package msgp

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

// TestSameBytesAsTheLibrary: every encoder gives the bytes the msgpack
// library gives, at each boundary of its forms.
func TestSameBytesAsTheLibrary(t *testing.T) {
	check := func(got []byte, v any) {
		t.Helper()
		var buf bytes.Buffer
		enc := msgpack.NewEncoder(&buf)
		enc.UseCompactInts(true) // the smallest form, as the wire formats set it
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		want := buf.Bytes()
		if !bytes.Equal(got, want) {
			t.Errorf("%v: % x, the library gives % x", v, got, want)
		}
	}
	for _, n := range []uint64{0, 127, 128, 255, 256, math.MaxUint16, math.MaxUint16 + 1, math.MaxUint32, math.MaxUint32 + 1, math.MaxUint64} {
		check(AppendUint(nil, n), n)
		if SizeUint(n) != len(AppendUint(nil, n)) {
			t.Errorf("SizeUint(%d) = %d", n, SizeUint(n))
		}
	}
	for _, n := range []int64{0, 127, -1, -32, -33, -128, -129, math.MinInt16, math.MinInt16 - 1, math.MinInt32, math.MinInt32 - 1, math.MinInt64} {
		check(AppendInt(nil, n), n)
	}
	for _, n := range []int{0, 31, 32, 255, 256, math.MaxUint16, math.MaxUint16 + 1} {
		s := strings.Repeat("x", n)
		check(AppendString(nil, s), s)
		if SizeString(s) != len(AppendString(nil, s)) {
			t.Errorf("SizeString of %d bytes = %d", n, SizeString(s))
		}
		check(AppendBytes(nil, []byte(s)), []byte(s))
	}
	check(AppendBytes(nil, nil), []byte(nil))
	check(AppendBool(nil, true), true)
	check(AppendBool(nil, false), false)
	for _, n := range []int{0, 15, 16, math.MaxUint16, math.MaxUint16 + 1} {
		l := make([]string, n)
		check(AppendStrings(nil, l), l)
	}
}
