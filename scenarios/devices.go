// Device operations: what a user's device does through the SDK.

package scenarios

import (
	"fmt"
	"strconv"
	"strings"
	"time"

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
	id, ok := r.inviteIDs[h]
	switch {
	case ok:
	case r.attempted[h]:
		// Its invite ran and failed (a crashed device, a rejected call): a
		// consequence of the run, not a mistake in the file.
		*r.out = append(*r.out, fmt.Sprintf("%s %s skipped: the invite of %s failed", strings.TrimSpace(trace.FormatTime(int64(r.w.Now()))), c.Name, h))
	default:
		r.fail(c, "%s: invitation %q has not been created yet (its invite runs later, or never)", c.Name, h)
	}
	return id, ok
}

// nameInvitation records the invitation an invite command made under the
// handle its line gave it ("as NAME"), both ways.
func (r *runner) nameInvitation(c *Cmd, id string) {
	if c.Handle != "" {
		r.attempted[c.Handle] = true
	}
	if c.Handle != "" && id != "" {
		r.inviteIDs[c.Handle] = id
		r.handleOf[id] = c.Handle
		r.concerned[c.Handle] = concernedBy(c)
	}
}

// concern is who an invitation concerns, as the file made it: its inviter,
// its invitees, and its group (whose members, as the file makes them, it
// may concern too). An expect of anyone else's state in it is a mistake.
type concern struct {
	inviter string
	users   []string // the inviter and the invitees
	group   string
}

// concernedBy is who the invitation an invite command makes concerns.
func concernedBy(c *Cmd) concern {
	var k concern
	for i, a := range c.positionals() {
		slot := c.spec.pos[min(max(i-1, 0), len(c.spec.pos)-1)]
		switch {
		case i == 0:
			k.inviter, _, _ = parseDevice(a.Value)
			k.users = append(k.users, k.inviter)
		case slot.kind == pUser:
			k.users = append(k.users, a.Value)
		case slot.kind == pGroup:
			k.group = a.Value
		}
	}
	if l, err := c.List("invitees"); err == nil {
		k.users = append(k.users, l...)
	}
	return k
}

// noteMembers records the members a command gives a group (the group
// line, create-group, join-group): the users an invitation in it may
// concern.
func (r *runner) noteMembers(group string, users ...string) {
	if r.members[group] == nil {
		r.members[group] = map[string]bool{}
	}
	for _, u := range users {
		r.members[group][u] = true
	}
}

// answerOps are the answers a generator's answer= weights and an expect
// result line may name.
var answerOps = map[string]engine.Op{"cancel": engine.OpCancel, "accept": engine.OpAccept, "reject": engine.OpReject, "modify": engine.OpModify}

// noteLogin records, before the world is built, a device that the file logs
// in itself: setup does not log it in at time 0.
func noteLogin(r *runner, c *Cmd) {
	if u, d, err := c.Device(0); err == nil {
		r.explicit[u+"/"+strconv.Itoa(d)] = true
	}
}

func (r *runner) login(c *Cmd) {
	if d := r.device(c, 0); d != nil {
		r.w.Login(d)
	}
}

func (r *runner) logout(c *Cmd) {
	if d := r.device(c, 0); d != nil {
		r.w.Logout(d)
	}
}

func (r *runner) invite(c *Cmd) {
	w := r.w
	d := r.device(c, 0)
	to, _ := c.Positional(1)
	timeout, err := c.Dur("timeout", 30*time.Second)
	if d == nil || err != nil {
		return
	}
	var push *engine.OfflinePushInfo
	if c.Has("push") {
		push = &engine.OfflinePushInfo{Title: c.Str("push", "")}
	}
	secs := int(timeout / time.Second)
	id, _ := w.Invite(d, to, c.Str("data", ""), c.Bool("online-only"), push, secs)
	r.nameInvitation(c, id)
	if c.Handle != "" && id != "" {
		r.invites[c.Handle] = engine.SignalingInfo{BusinessID: 1, InviteID: id, Inviter: d.User, InviteeList: []string{to},
			Data: c.Str("data", ""), Timeout: secs, ActionType: engine.ActionInvite, OnlineUserOnly: c.Bool("online-only")}
	}
}

func (r *runner) inviteGroup(c *Cmd) {
	w := r.w
	d := r.device(c, 0)
	g, _ := c.Positional(1)
	invitees, err := c.List("invitees")
	timeout, err2 := c.Dur("timeout", 30*time.Second)
	if d == nil || err != nil || err2 != nil {
		return
	}
	secs := int(timeout / time.Second)
	id, _ := w.InviteInGroup(d, g, invitees, c.Str("data", ""), c.Bool("online-only"), secs)
	r.nameInvitation(c, id)
	if c.Handle != "" && id != "" {
		r.invites[c.Handle] = engine.SignalingInfo{BusinessID: 1, InviteID: id, GroupID: g, Inviter: d.User, InviteeList: invitees,
			Data: c.Str("data", ""), Timeout: secs, ActionType: engine.ActionInvite, OnlineUserOnly: c.Bool("online-only")}
	}
}

// answer is the exec function of the answers to an invitation: cancel,
// accept, reject and modify.
func answer(op engine.Op) func(r *runner, c *Cmd) {
	return func(r *runner, c *Cmd) {
		d := r.device(c, 0)
		id, ok := r.handle(c, 1)
		if d != nil && ok {
			r.w.Answer(d, op, id, c.Str("data", ""))
		}
	}
}

func (r *runner) addInvited(c *Cmd) {
	w := r.w
	d := r.device(c, 0)
	id, ok := r.handle(c, 1)
	if d == nil || !ok {
		return
	}
	h, _ := c.Positional(1)
	if k, ok := r.concerned[h]; ok {
		k.users = append(k.users, d.User)
		r.concerned[h] = k
	}
	info := r.invites[h]
	for _, p := range w.Pushes() {
		if p.Sig.InviteID == id && p.User == d.User {
			info = p.Sig // what the push carried
		}
	}
	w.AddInvitedSignaling(d, info)
}

// groupOp is the exec function of the group operations: create-group,
// join-group, quit-group, dismiss-group and group-members.
func groupOp(op engine.Op) func(r *runner, c *Cmd) {
	return func(r *runner, c *Cmd) {
		d := r.device(c, 0)
		g, _ := c.Positional(1)
		members, err := c.List("members")
		if d != nil && err == nil {
			if op == engine.OpCreateGroup || op == engine.OpJoinGroup {
				r.noteMembers(g, append(members, d.User)...)
			}
			r.w.Group(d, op, g, members)
		}
	}
}
