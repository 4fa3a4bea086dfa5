package sim

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The grammar of option values shared by the scenario language, sigbench's
// flags and the faults' text form: probabilities and bandwidths. Durations
// are Go's; distributions are ParseDist's.

// ParseProbability reads a probability: a number in [0,1] or a percentage,
// "0.01" or "1%".
func ParseProbability(s string) (float64, error) {
	t, pct := strings.CutSuffix(s, "%")
	x, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("invalid number %q", s)
	}
	if pct {
		x /= 100
	}
	if x < 0 || x > 1 {
		return 0, fmt.Errorf("%q is not a probability in [0,1] (or 0%%..100%%)", s)
	}
	return x, nil
}

var bandwidthUnits = []struct {
	unit string
	mul  float64 // bytes per second per unit
}{
	{"GiB/s", 1 << 30}, {"MiB/s", 1 << 20}, {"KiB/s", 1 << 10},
	{"GB/s", 1e9}, {"MB/s", 1e6}, {"KB/s", 1e3}, {"kB/s", 1e3}, {"B/s", 1},
	{"Gbps", 1e9 / 8}, {"Mbps", 1e6 / 8}, {"Kbps", 1e3 / 8}, {"kbps", 1e3 / 8}, {"bps", 1.0 / 8},
}

// ParseBandwidth reads a bandwidth with its unit, bits ("10Mbps", "64kbps")
// or bytes ("1MB/s", "512KiB/s") per second, into bytes per second; "0" is
// unlimited, and a bare number is an error asking for a unit.
func ParseBandwidth(s string) (int64, error) {
	if s == "0" {
		return 0, nil
	}
	for _, u := range bandwidthUnits {
		num, ok := strings.CutSuffix(s, u.unit)
		if !ok {
			continue
		}
		x, err := strconv.ParseFloat(num, 64)
		if err != nil || math.IsNaN(x) || x < 0 || !PlainNumber(num) {
			break
		}
		b := math.Round(x * u.mul)
		if b >= math.MaxInt64 {
			return 0, fmt.Errorf("bandwidth %q is too large", s)
		}
		if b < 1 && x > 0 {
			return 0, fmt.Errorf("bandwidth %q is below 1 byte per second", s)
		}
		return int64(b), nil
	}
	if PlainNumber(s) {
		return 0, fmt.Errorf("bandwidth %q has no unit; add one (e.g. %sMbps or %sKB/s; 0 = unlimited)", s, s, s)
	}
	return 0, fmt.Errorf("invalid bandwidth %q (want e.g. 10Mbps, 1MB/s, 0 = unlimited)", s)
}

// PlainNumber tells whether s is a number without a unit ("12", "-1.5"):
// where a unit is needed (a duration, a bandwidth), the message asks for one.
func PlainNumber(s string) bool {
	s = strings.TrimLeft(s, "+-")
	digits, dot := 0, false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// FormatBandwidth writes a bandwidth as ParseBandwidth reads it: "0"
// (unlimited) or bytes per second with their unit, "8000B/s".
func FormatBandwidth(b int64) string {
	if b == 0 {
		return "0"
	}
	return strconv.FormatInt(b, 10) + "B/s"
}
