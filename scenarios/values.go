// Value grammars: names, durations, whole seconds, integers, floats,
// probabilities, rates, bandwidths, weights and distributions.

package scenarios

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"sigsim/sim"
)

func isName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// parseDuration parses Go duration syntax; a bare number is an error that
// asks for a unit (except 0).
func parseDuration(s string) (int64, string) {
	d, err := time.ParseDuration(s)
	if err == nil {
		return int64(d), ""
	}
	if sim.PlainNumber(s) {
		return 0, fmt.Sprintf("duration %q has no unit; add one (e.g. %ss or %sms)", s, s, s)
	}
	return 0, fmt.Sprintf("invalid duration %q (want e.g. 100ms, 1.5s, 2m)", s)
}

// parseSeconds parses a timeout: a duration of whole seconds, as the API's
// timeout is an integer number of seconds. 500ms would be 0 (never times
// out) and 1.9s would be 1s: both are errors rather than a silent change.
func parseSeconds(s string) (int64, string) {
	d, msg := parseDuration(s)
	switch {
	case msg != "":
		return 0, msg
	case d < 0:
		return 0, fmt.Sprintf("negative duration %q", s)
	case d%int64(time.Second) != 0:
		lo := d / int64(time.Second)
		fix := fmt.Sprintf("write %ds or %ds", lo, lo+1)
		if lo == 0 {
			fix = "write 1s; 0 never times out"
		}
		return 0, fmt.Sprintf("%q is not a whole number of seconds: the API's timeout is an integer number of seconds (%s)", s, fix)
	}
	return d, ""
}

func parseInt(s string) (int64, string) {
	t := s
	if strings.Contains(s, "_") {
		if strings.HasPrefix(s, "_") || strings.HasSuffix(s, "_") || strings.Contains(s, "__") {
			return 0, fmt.Sprintf("invalid integer %q", s)
		}
		t = strings.ReplaceAll(s, "_", "")
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return 0, fmt.Sprintf("invalid integer %q", s)
	}
	return n, ""
}

func parseUint(s string) (uint64, string) {
	n, err := strconv.ParseUint(strings.ReplaceAll(s, "_", ""), 10, 64)
	if err != nil || strings.HasPrefix(s, "_") || strings.HasSuffix(s, "_") || strings.Contains(s, "__") {
		return 0, fmt.Sprintf("invalid unsigned integer %q", s)
	}
	return n, ""
}

func parseFloat(s string) (float64, string) {
	t, pct := strings.CutSuffix(s, "%")
	x, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Sprintf("invalid number %q", s)
	}
	if pct {
		x /= 100
	}
	return x, ""
}

func parseProb(s string) (float64, string) {
	x, err := sim.ParseProbability(s)
	if err != nil {
		return 0, err.Error()
	}
	return x, ""
}

// parseRate parses "N/s", "N/100ms", ... into events per second.
func parseRate(s string) (float64, string) {
	num, unit, ok := strings.Cut(s, "/")
	if !ok {
		if sim.PlainNumber(s) {
			return 0, fmt.Sprintf("rate %q has no unit; add one (e.g. %s/s)", s, s)
		}
		return 0, fmt.Sprintf("invalid rate %q (want e.g. 1000/s)", s)
	}
	x, msg := parseFloat(num)
	if msg != "" || x < 0 || strings.HasSuffix(num, "%") {
		return 0, fmt.Sprintf("invalid rate %q (want e.g. 1000/s)", s)
	}
	if unit != "" && (unit[0] < '0' || unit[0] > '9') && unit[0] != '.' {
		unit = "1" + unit
	}
	d, err := time.ParseDuration(unit)
	if err != nil || d <= 0 {
		return 0, fmt.Sprintf("invalid rate %q (want e.g. 1000/s, 50/100ms)", s)
	}
	r := x * 1e9 / float64(d)
	if math.IsInf(r, 0) {
		return 0, fmt.Sprintf("rate %q is too large", s)
	}
	return r, ""
}

// parseBandwidth parses "10Mbps", "1MB/s", ... into bytes per second; "0" is unlimited.
func parseBandwidth(s string) (int64, string) {
	b, err := sim.ParseBandwidth(s)
	if err != nil {
		return 0, err.Error()
	}
	return b, ""
}

// Weight is one entry of a weights list such as answer=accept:0.5,reject:0.2.
type Weight struct {
	Name string  // e.g. "accept"
	P    float64 // probability in [0,1]
}

func parseWeights(s string) ([]Weight, string) {
	var out []Weight
	sum := 0.0
	for _, e := range strings.Split(s, ",") {
		name, ps, ok := strings.Cut(strings.TrimSpace(e), ":")
		if !ok || !isName(name) {
			return nil, fmt.Sprintf("invalid weight %q (want NAME:P, e.g. accept:0.5)", e)
		}
		x, msg := parseProb(ps)
		if msg != "" {
			return nil, name + ": " + msg
		}
		for _, w := range out {
			if w.Name == name {
				return nil, fmt.Sprintf("%s given twice", name)
			}
		}
		sum += x
		out = append(out, Weight{name, x})
	}
	if sum > 1+1e-9 {
		return nil, fmt.Sprintf("weights add up to %g, more than 1", sum)
	}
	return out, ""
}

// checkDist checks a distribution with the one parser every input uses
// (sim.ParseDist), adding a suggestion for a misspelt name.
func checkDist(s string) string {
	if _, err := sim.ParseDist(s); err != nil {
		msg := err.Error()
		if open := strings.IndexByte(s, '('); open > 0 {
			name := strings.TrimSpace(s[:open])
			if !slices.Contains(sim.DistKinds, strings.ToLower(name)) {
				if g := suggest(name, sim.DistKinds); g != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", g)
				}
			}
		}
		return msg
	}
	return ""
}

func checkValue(ks keySpec, v string) string {
	var msg string
	switch ks.kind {
	case vName:
		if !isName(v) {
			msg = fmt.Sprintf("invalid user name %q", v)
		}
	case vDur:
		var d int64
		if d, msg = parseDuration(v); msg == "" && d < 0 {
			msg = fmt.Sprintf("negative duration %q", v)
		}
	case vSignedDur:
		_, msg = parseDuration(v)
	case vSecs:
		_, msg = parseSeconds(v)
	case vSize:
		if _, err := sim.ParseSize(v); err != nil {
			msg = err.Error()
		}
	case vCount, vPosInt:
		var n int64
		if n, msg = parseInt(v); msg == "" && n < 0 {
			msg = fmt.Sprintf("negative number %q", v)
		} else if msg == "" && n < 1 && ks.kind == vPosInt {
			msg = fmt.Sprintf("%q must be at least 1", v)
		}
	case vSeed:
		_, msg = parseUint(v)
	case vFloat:
		_, msg = parseFloat(v)
	case vProb:
		_, msg = parseProb(v)
	case vList, vUsers:
		_, msg = parseList(v)
	case vDist:
		msg = checkDist(v)
	case vBool:
		if _, err := strconv.ParseBool(v); err != nil {
			msg = fmt.Sprintf("want true or false, not %q", v)
		}
	case vRate:
		_, msg = parseRate(v)
	case vWeights:
		_, msg = parseWeights(v)
	case vBandwidth:
		_, msg = parseBandwidth(v)
	case vEnum:
		if !slices.Contains(ks.enum, v) {
			msg = fmt.Sprintf("unknown value %q", v)
			if g := suggest(v, ks.enum); g != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", g)
			}
			msg += "; want " + strings.Join(ks.enum, " or ")
		}
	}
	return msg
}
