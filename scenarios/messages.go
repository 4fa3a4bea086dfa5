// Message control: holding, releasing, dropping and duplicating the next
// frames that match a pattern.

package scenarios

import (
	"fmt"
	"strconv"
	"strings"

	"sigsim/sim/trace"
)

func (r *runner) hold(c *Cmd) {
	p, _ := c.Positional(0)
	r.w.Hold(p, c.Handle)
}

func (r *runner) release(c *Cmd) {
	w := r.w
	h, _ := c.Positional(0)
	holding := w.Holding(h)
	if !w.Release(h) {
		if holding {
			r.note(fmt.Sprintf("release %s: nothing matched its pattern", h))
		} else {
			r.fail(c, "release %s: already released", h)
		}
	}
}

// note is a line of the runner's own among the run's events, at the time
// and place it is made: "   9000.000ms release h: nothing matched its
// pattern". Made during a run, it is printed in time order with the
// run's events (render); otherwise at once.
type note struct {
	event int // the trace events before it
	text  string
}

func (r *runner) note(text string) {
	line := trace.FormatTime(int64(r.w.Now())) + " " + text
	if !r.running {
		*r.out = append(*r.out, line)
		return
	}
	r.notes = append(r.notes, note{event: len(r.w.Trace()), text: line})
}

// msgRule is a drop-next or dup-next the run has set: whether a frame matched
// it is read from the trace (the world's "drop-next: FRAME" events), so
// that one that matched no frame is said, not left a silent no-op.
type msgRule struct {
	action, pattern string
	matched         bool
}

func (r *runner) dropNext(c *Cmd) {
	p, _ := c.Positional(0)
	r.w.DropNext(p)
	r.rules = append(r.rules, &msgRule{action: "drop-next", pattern: p})
}

func (r *runner) dupNext(c *Cmd) {
	p, _ := c.Positional(0)
	r.w.DupNext(p)
	r.rules = append(r.rules, &msgRule{action: "dup-next", pattern: p})
}

// matchRules reads the trace events since the last call: each drop-next or
// dup-next event is the first rule of its kind, still unmatched, whose
// pattern the frame contains (the world tries its rules in order).
func (r *runner) matchRules() {
	evs := r.w.Trace()
	for _, e := range evs[min(r.rulesRead, len(evs)):] {
		if e.Kind != trace.Fault {
			continue
		}
		action, frame, ok := strings.Cut(e.Text, ": ")
		if !ok || action != "drop-next" && action != "dup-next" {
			continue
		}
		for _, ru := range r.rules {
			if !ru.matched && ru.action == action && strings.Contains(frame, ru.pattern) {
				ru.matched = true
				break
			}
		}
	}
	r.rulesRead = len(evs)
}

// unmatchedRules are the lines that say which drop-next and dup-next rules
// matched no frame in the whole run, at the time it ended (a run that keeps
// no trace cannot tell). Indented by the time, as the events, they read as
// output, never as script lines.
func (r *runner) unmatchedRules() []string {
	if !r.record {
		return nil
	}
	r.matchRules()
	var l []string
	for _, ru := range r.rules {
		if !ru.matched {
			l = append(l, fmt.Sprintf("%s %s %s matched no frame", trace.FormatTime(int64(r.w.Now())), ru.action, strconv.Quote(ru.pattern)))
		}
	}
	return l
}

// checkRelease refuses a second release of a hold: the first one ended it.
func checkRelease(p *parser, c *Cmd) *Error {
	a := c.positionals()[0]
	if first, ok := p.released[a.Value]; ok {
		return &Error{a.Pos, fmt.Sprintf("release %s: %s is already released at line %d (%s); a hold is released once", a.Value, a.Value, first.Line, first)}
	}
	p.released[a.Value] = a.Pos
	return nil
}
