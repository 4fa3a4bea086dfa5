package engine

import (
	"slices"
	"strconv"
	"time"
)

// The legacy SDK (ModeClient): how the shipped SDKs behave, kept so that field
// bugs can be replayed. The device decides from its own list: it checks an
// answer or a cancel locally, applies its own operation when the relay
// accepts it, times invitations out by its own timers (the invitee from the
// invite's arrival, the inviter at timeout + 5 s from sending) and announces
// each timeout with an actionType-5 message; it takes every signaling message
// as it comes, dropping only an invite older than its timeout by its own clock.
// client.go calls in here at the few points where the two modes differ
// (c.legacy()); everything else is the same SDK.

// legacy tells whether the device runs the legacy SDK's paths.
func (c *Client) legacy() bool { return c.cfg.Mode == ModeClient }

// legacyInvited starts the inviter's own timer of an invitation it sent.
func (c *Client) legacyInvited(now Time, inv *localInv) {
	if t := inv.info.Timeout; t > 0 {
		c.setTimer(TimerInviterTimeout, inv, now.Add(TimeoutDuration(t)+inviterGrace))
	}
}

// legacyInviteeTimer starts an invitee's own timer of an invitation that
// arrived (or was added from a push), from now.
func (c *Client) legacyInviteeTimer(now Time, inv *localInv) {
	if t := inv.info.Timeout; t > 0 && slices.Contains(inv.info.InviteeList, c.cfg.User) {
		c.setTimer(TimerInviteeTimeout, inv, now.Add(TimeoutDuration(t)))
	}
}

// legacyAnswer checks a cancel, accept, reject or modify against the device's
// own list, as the legacy SDK does, and sends it to the relay.
func (c *Client) legacyAnswer(now Time, call APICall, op Op, id string, inv *localInv, data string) APICall {
	me := slices.Index(inv.info.InviteeList, c.cfg.User)
	switch op {
	case OpCancel:
		if inv.info.Inviter != c.cfg.User {
			return c.fail(call, op, id, CodeNotInviter, "")
		}
		if !slices.Contains(inv.states(), Pending) {
			return c.fail(call, op, id, CodeInviteInvalid, "no pending invitee")
		}
	case OpAccept, OpReject:
		if me < 0 {
			return c.fail(call, op, id, CodeInviteInvalid, "not invited")
		}
		if st := inv.states()[me]; st != Pending {
			return c.fail(call, op, id, CodeInviteInvalid, "already %s", st)
		}
	case OpModify:
		if inv.info.Inviter != c.cfg.User {
			return c.fail(call, op, id, CodeNotInviter, "")
		}
		if inv.info.OnlineUserOnly {
			return c.fail(call, op, id, CodeOnlineOnlyModify, "")
		}
	}
	f := c.request(call, op, id)
	f.Info = invitation(inv.info)
	f.Info.ActionType, f.Info.Data = opAction[op], data
	if op == OpAccept || op == OpReject {
		f.Info.InviteeList = []string{c.cfg.User}
	}
	return c.submit(now)
}

// legacyApplyOwn applies a successful operation of this device to its own
// list: the legacy SDK updates on the send's success. (In server mode the
// shard echoes the operation back and that echo does it, in the shard's order.)
func (c *Client) legacyApplyOwn(a *reqAnswer) {
	if a.op == OpQuitGroup || a.op == OpDismissGroup {
		c.dropGroup(a.groupID, a.op.String())
		return
	}
	inv := c.lookup(a.inviteID)
	if inv == nil {
		return
	}
	switch a.op {
	case OpCancel:
		c.mark(inv, inv.info.InviteeList, Cancelled)
	case OpAccept, OpReject:
		c.mark(inv, []string{c.cfg.User}, stateOf(a.action))
	case OpModify:
		if inv.info.Data != a.data {
			s := *inv.info
			s.Data = a.data
			inv.info = &s
		}
	}
	c.cleanup(a.inviteID, inv)
}

// legacySignal is the shipped SDK's receive path: its own messages are not
// pushed back to it (own is never set); an invite older than its timeout by
// this device's clock is dropped silently; everything else is reported as it
// comes, without asking whether the invitation is known or already ended.
func (c *Client) legacySignal(now Time, m *msgBody, info *SignalingInfo, own bool) {
	if own {
		return
	}
	id := info.InviteID
	inv := c.lookup(id)
	switch info.ActionType {
	case ActionInvite:
		if info.Timeout > 0 && now.Sub(m.time) > TimeoutDuration(info.Timeout) {
			c.out.hit(PathStaleInviteDropped)
			c.note(id, "dropped stale invite: sent %s ago by the local clock", fmtDur(now.Sub(m.time)))
			return
		}
		if inv != nil {
			return
		}
		inv = c.add(info, false)
		c.legacyInviteeTimer(now, inv)
		c.callback(Callback{Kind: OnReceiveNewInvitation, InviteID: id, Inviter: info.Inviter, GroupID: info.GroupID,
			Invitees: info.InviteeList, Data: info.Data})
		return
	case ActionModify:
		if inv != nil {
			c.setData(inv, info)
		}
		c.callback(Callback{Kind: OnInvitationModified, InviteID: id, Data: info.Data})
		return
	}
	who := info.InviteeList
	if info.ActionType == ActionAccept || info.ActionType == ActionReject {
		who = []string{m.sender}
	}
	if inv != nil {
		c.mark(inv, who, stateOf(info.ActionType))
		c.cleanup(id, inv)
	}
	c.callback(closing(info, m.sender, who))
}

func fmtDur(ns time.Duration) string {
	return strconv.FormatFloat(float64(ns)/1e6, 'f', 3, 64) + "ms"
}

// legacyTimer handles the device's own timeout timers (TimerInviteeTimeout,
// TimerInviterTimeout); one of an invitation no longer held is stale.
func (c *Client) legacyTimer(now Time, t Timer) {
	id, ok := c.byRef[t.Ref]
	if !ok {
		return
	}
	c.legacyTimeout(now, t.Kind, id, c.lookup(id))
}

// legacyTimeout is a client-mode timer: the device declares the invitees still
// pending in its own view timed out, reports it, and announces it with an
// actionType-5 message.
func (c *Client) legacyTimeout(now Time, k TimerKind, id string, inv *localInv) {
	who := []string{c.cfg.User}
	if k == TimerInviterTimeout {
		who = inv.info.InviteeList
	}
	timedOut := c.mark(inv, who, TimedOut)
	if len(timedOut) == 0 {
		return
	}
	info := invitation(inv.info)
	info.ActionType, info.InviteeList, info.Data = ActionTimeout, timedOut, ""
	c.callback(closing(&info, c.cfg.User, timedOut))
	c.cleanup(id, inv)
	if c.loggedIn {
		c.request(0, OpTimeout, id).Info = info
		c.submit(now)
	}
}
