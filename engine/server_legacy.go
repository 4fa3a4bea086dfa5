package engine

import "slices"

// The legacy relay (ModeClient): the server of the shipped SDKs, kept so that
// field bugs can be replayed. It decides nothing about invitations: it checks
// what an IM server checks for any message, stores and forwards, and does not
// push a message back to the device that sent it; the devices decide
// (client_legacy.go). server.go calls in here, or skips what only the
// correct engine does, at the few points where the modes differ (s.legacy()).

// legacy tells whether the shard is the legacy relay.
func (s *Server) legacy() bool { return s.cfg.Mode == ModeClient }

// legacyRelay is the client-mode server: it checks only what an IM server checks for
// any message (size, group membership of the sender), stores and forwards.
func (s *Server) legacyRelay(now Time, f *Frame) result {
	info := f.Info
	info.BusinessID = BusinessID
	if info.InviteID == "" {
		return fail(CodeInvalidParameters, "empty invite ID")
	}
	if r := validData(info.Data); r.code != OK {
		return r
	}
	var rcpt []string
	if info.GroupID != "" {
		g := s.groups[info.GroupID]
		if g == nil {
			return fail(CodeGroupNotFound, "group %s", info.GroupID)
		}
		if !g.has(f.User) {
			return fail(CodeNotGroupMember, "sender %s is not a member of %s", f.User, info.GroupID)
		}
		rcpt = g.members
	} else {
		rcpt = append(rcpt, info.Inviter)
		for _, u := range append(info.InviteeList, f.User) {
			if u != "" && !slices.Contains(rcpt, u) {
				rcpt = append(rcpt, u)
			}
		}
	}
	var push *OfflinePushInfo
	if info.ActionType == ActionInvite && info.GroupID == "" && !info.OnlineUserOnly {
		push = &f.Push
	}
	s.fanout(now, rcpt, &info, nil, f.User, f.Device, false, push, nil)
	return result{}
}
