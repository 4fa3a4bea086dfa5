package scenarios

import (
	"strings"
)

// Shrink minimizes a failing scenario by delta debugging (Zeller's ddmin, our
// own: the scenario is a list of lines, and no property-testing library shrinks
// that better): it removes command lines, and users nobody refers to, while the
// run still violates the same invariant. It returns the minimal scenario's text
// with fresh expected outputs, the invariant, and false if the original run
// does not fail.
func Shrink(f *File, src []byte, opts RunOptions) ([]byte, string, bool) {
	opts.NoRecord = true
	res, err := Run(f, opts)
	if err != nil || len(res.Violations) == 0 {
		return nil, "", false
	}
	inv := res.Violations[0].Invariant
	// The candidate lines: every command line; world and users lines stay.
	var fixed, lines []string
	for _, it := range f.Items {
		if it.Block == nil {
			continue
		}
		for _, c := range it.Block.Cmds {
			if c.Name == "world" || c.Name == "users" {
				fixed = append(fixed, c.Raw)
			} else {
				lines = append(lines, c.Raw)
			}
		}
	}
	failsAll := func(all []string) bool {
		text := strings.Join(all, "\n") + "\n"
		g, err := Parse(f.Name, []byte(text))
		if err != nil {
			return false
		}
		r, err := Run(g, opts)
		if err != nil {
			return false
		}
		for _, v := range r.Violations {
			if v.Invariant == inv {
				return true
			}
		}
		return false
	}
	lines = ddmin(lines, func(keep []string) bool { return failsAll(append(append([]string{}, fixed...), keep...)) })
	fixed = shrinkUsers(fixed, lines, failsAll)
	text := "# Shrunk by sigsim shrink: the smallest set of lines found that still violates " + inv + ".\n" +
		strings.Join(append(fixed, lines...), "\n") + "\n"
	// Give every block its actual output, so the result is a regression script.
	g, err := Parse(f.Name, []byte(text))
	if err != nil {
		return []byte(text), inv, true
	}
	opts.NoRecord = false
	if r, err := Run(g, opts); err == nil {
		return r.Text(), inv, true
	}
	return []byte(text), inv, true
}

// ddmin returns a 1-minimal subset of lines (in order) for which fails holds.
func ddmin(lines []string, fails func([]string) bool) []string {
	n := 2
	for len(lines) >= 2 {
		chunk := (len(lines) + n - 1) / n
		reduced := false
		for start := 0; start < len(lines); start += chunk {
			end := min(start+chunk, len(lines))
			complement := append(append([]string{}, lines[:start]...), lines[end:]...)
			if fails(complement) {
				lines = complement
				n = max(n-1, 2)
				reduced = true
				break
			}
		}
		if !reduced {
			if n >= len(lines) {
				break
			}
			n = min(2*n, len(lines))
		}
	}
	if len(lines) == 1 && fails(nil) {
		return nil
	}
	return lines
}

// shrinkUsers drops users from the users lines one at a time while the run still fails.
func shrinkUsers(fixed, lines []string, failsAll func([]string) bool) []string {
	for i, l := range fixed {
		fields := strings.Fields(l)
		if len(fields) < 3 || fields[0] != "users" {
			continue
		}
		for j := 1; j < len(fields) && len(fields) > 2; {
			try := append(append([]string{}, fields[:j]...), fields[j+1:]...)
			cand := append([]string{}, fixed...)
			cand[i] = strings.Join(try, " ")
			if failsAll(append(cand[:len(cand):len(cand)], lines...)) {
				fields = try
				fixed = cand
				continue
			}
			j++
		}
	}
	return fixed
}
