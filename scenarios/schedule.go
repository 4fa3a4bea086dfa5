// The schedule of a file: every command it times runs at that time.

package scenarios

import (
	"fmt"
	"time"
)

// checkSchedule checks, before anything runs, that the file runs (a file
// without run does nothing, and would pass by doing nothing), and that
// every command scheduled at a time the file gives (at TIME, a generator's
// start=) runs at that time: the time is not in the past when its line is
// reached (the runs above it end later), a run comes after the line, and
// the runs reach the time. It follows the clock from the text: run DUR
// advances it by DUR; run until quiet stops when nothing is left to do, at
// most limit= later, so after it the clock is only bounded (an at time that
// this leaves in doubt is judged when it is scheduled, see Run).
func checkSchedule(cmds []*Cmd) error {
	type scheduled struct {
		at   int64
		pos  Pos
		what string
		runs int // runs above the line
	}
	var (
		lo, hi int64 // the clock after the runs so far: at least lo, at most hi
		runs   int
		quiet  bool
		sched  []scheduled
		errs   ErrorList
	)
	add := func(e *Error) {
		if len(errs) < maxErrors {
			errs = append(errs, e)
		}
	}
	at := func(t int64, pos Pos, what string) {
		if t < lo {
			add(&Error{pos, fmt.Sprintf("%s is in the past: the runs above end at %s (write a later time, or move the line above the run)",
				what, time.Duration(lo))})
			return
		}
		sched = append(sched, scheduled{t, pos, what, runs})
	}
	for _, c := range cmds {
		if c.spec == nil || c.spec.setupOnly() {
			continue
		}
		if c.HasAt {
			at(int64(c.At), c.atPos, "at "+time.Duration(c.At).String())
		}
		if a, ok := c.arg("start"); ok && c.Name == "generate" {
			if d, msg := parseDuration(a.Value); msg == "" {
				at(d, a.Pos, "start="+a.Value)
			}
		}
		if c.Name != "run" {
			continue
		}
		runs++
		if first, _ := c.Positional(0); first == "until" {
			limit := int64(time.Hour)
			if a, ok := c.arg("limit"); ok {
				limit, _ = parseDuration(a.Value)
			}
			quiet, hi = true, addSat(hi, limit)
			continue
		}
		d, _ := c.PositionalDur(0)
		lo, hi = addSat(lo, int64(d)), addSat(hi, int64(d))
	}
	if runs == 0 && len(cmds) > 0 {
		return &Error{cmds[0].Pos, "the scenario never runs: it has no run command, so nothing happens and every expect would judge an empty world (add one, e.g. run 10s)"}
	}
	for _, s := range sched {
		switch {
		case s.runs == runs:
			add(&Error{s.pos, s.what + " never runs: no run comes after this line (add one, e.g. run 10s)"})
		case s.at > hi:
			end := "the runs end at " + time.Duration(hi).String()
			if quiet {
				end += " at the latest (run until quiet stops at its limit=)"
			}
			add(&Error{s.pos, fmt.Sprintf("%s never runs: %s (run longer, or give an earlier time)", s.what, end)})
		}
	}
	return errs.Err()
}

func addSat(a, b int64) int64 {
	if a > 1<<62 || b > 1<<62 {
		return 1 << 62
	}
	return a + b
}
