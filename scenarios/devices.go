// Device operations: what a user's device does through the SDK.

package scenarios

import (
	"fmt"
	"strconv"
	"strings"

	"sigsim/engine"
	"sigsim/sim"
	"sigsim/sim/trace"
)

// device resolves positional i as a device of the world.
func (r *runner) device(c *Cmd, i int) *sim.Device {
	u, n, err := c.Device(i)
	if err != nil {
		r.fail(c, "%v", err)
		return nil
	}
	name := u + "/" + strconv.Itoa(n)
	d := r.w.Device(name)
	if d == nil {
		r.fail(c, "%s: unknown device %s (declare it with users)", c.Name, name)
	}
	return d
}

// handle resolves positional i as an invitation handle to its ID.
func (r *runner) handle(c *Cmd, i int) (string, bool) {
	h, err := c.Positional(i)
	if err != nil {
		r.fail(c, "%v", err)
		return "", false
	}
	id, ok := r.handles[h]
	switch {
	case ok:
	case r.attempted[h]:
		// Its invite ran and failed (a crashed device, a rejected call): a
		// consequence of the run, not a mistake in the file.
		*r.out = append(*r.out, fmt.Sprintf("%s %s skipped: the invite of %s failed", strings.TrimSpace(trace.FormatTime(r.w.Now())), c.Name, h))
	default:
		r.fail(c, "%s: invitation %q has not been created yet (its invite runs later, or never)", c.Name, h)
	}
	return id, ok
}

func (r *runner) name(c *Cmd, id string) {
	if c.Handle != "" {
		r.attempted[c.Handle] = true
	}
	if c.Handle != "" && id != "" {
		r.handles[c.Handle] = id
		r.ids[id] = c.Handle
	}
}

var answerOps = map[string]engine.Op{"cancel": engine.OpCancel, "accept": engine.OpAccept, "reject": engine.OpReject, "modify": engine.OpModify}

var groupOps = map[string]engine.Op{"create-group": engine.OpCreateGroup, "join-group": engine.OpJoinGroup,
	"quit-group": engine.OpQuitGroup, "dismiss-group": engine.OpDismissGroup, "group-members": engine.OpGetGroupMembers}
