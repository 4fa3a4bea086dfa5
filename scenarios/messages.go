// Message control: holding, releasing, dropping and duplicating the next
// frames that match a pattern.

package scenarios

import (
	"fmt"
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
			*r.out = append(*r.out, fmt.Sprintf("%s release %s: nothing matched its pattern", strings.TrimSpace(trace.FormatTime(w.Now())), h))
		} else {
			r.fail(c, "release %s: already released", h)
		}
	}
}

func (r *runner) dropNext(c *Cmd) {
	p, _ := c.Positional(0)
	r.w.DropNext(p)
}

func (r *runner) dupNext(c *Cmd) {
	p, _ := c.Positional(0)
	r.w.DupNext(p)
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
