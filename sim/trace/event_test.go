package trace

import (
	"math"
	"testing"
)

func TestFormatTime(t *testing.T) {
	cases := []struct {
		ns   int64
		want string
	}{
		{0, "      0.000ms"},
		{999, "      0.000ms"}, // below µs precision: truncated
		{1000, "      0.001ms"},
		{40_000_000, "     40.000ms"},
		{40_123_456, "     40.123ms"},
		{12_345_678_901_234, "12345678.901ms"}, // wider than the column: widens
		{-1_500_000, "     -1.500ms"},
		{math.MinInt64, "-9223372036854.775ms"},
		{math.MaxInt64, "9223372036854.775ms"},
	}
	for _, c := range cases {
		if got := FormatTime(c.ns); got != c.want {
			t.Errorf("FormatTime(%d) = %q, want %q", c.ns, got, c.want)
		}
	}
}

func TestEventString(t *testing.T) {
	cases := []struct {
		e    Event
		want string
	}{
		{Event{At: 40_000_000, Kind: Deliver, Node: "alice/1", Peer: "s0", Text: "INVITE c1"},
			"     40.000ms deliver  alice/1 <- s0  INVITE c1"},
		{Event{At: 1_000, Kind: Send, Node: "s0", Peer: "bob/1", Text: "RING c1"},
			"      0.001ms send     s0 -> bob/1  RING c1"},
		{Event{At: 5_000_000, Kind: Call, Node: "alice/1", Text: "invite bob"},
			"      5.000ms call     alice/1  invite bob"},
		{Event{At: 5_000_000, Kind: Timer, Node: "s1"},
			"      5.000ms timer    s1"},
		{Event{At: 0, Kind: Violation, Node: "s0", Text: "two answers for c1"},
			"      0.000ms violation s0  two answers for c1"},
		{Event{At: 0, Kind: 99, Node: "x"},
			"      0.000ms kind(99) x"},
	}
	for _, c := range cases {
		if got := c.e.String(); got != c.want {
			t.Errorf("got  %q\nwant %q", got, c.want)
		}
	}
}
