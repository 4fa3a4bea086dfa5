package engine

import "slices"

// The server-mode invitation state machine, on the shard that owns the request
// (see ownerOf). The legacy relay is in server_legacy.go.

func (s *Server) record(id string) *invRecord {
	if slot, ok := s.invIndex.get(id); ok {
		return s.inv(slot)
	}
	return nil
}

func (s *Server) newRecord(id string) (*invRecord, int32) {
	var slot int32
	if n := len(s.freeInv); n > 0 {
		slot = s.freeInv[n-1]
		s.freeInv = s.freeInv[:n-1]
	} else {
		slot = s.ninv
		if int(slot/invChunk) == len(s.invs) {
			s.invs = append(s.invs, make([]invRecord, invChunk))
		}
		s.ninv++
	}
	r := s.inv(slot)
	gen := r.gen + 1
	*r = invRecord{id: id, gen: gen}
	s.invIndex.put(id, slot)
	return r, slot
}

// endRecord forgets an ended invitation: a late call about it is answered 8010
// because it is unknown, which needs no memory.
func (s *Server) endRecord(r *invRecord) {
	slot, _ := s.invIndex.del(r.id)
	gen := r.gen
	*r = invRecord{gen: gen}
	s.freeInv = append(s.freeInv, slot)
}

func (s *Server) transition(id, invitee string, st InviteeState) {
	s.out.Transitions = append(s.out.Transitions, Transition{InviteID: id, Invitee: invitee, State: st})
}

func (r *invRecord) info(a ActionType) SignalingInfo {
	return SignalingInfo{BusinessID: BusinessID, InviteID: r.id, GroupID: r.group(), Inviter: r.inviter,
		Timeout: int(r.timeout()), ActionType: a, OnlineUserOnly: r.onlineOnly()}
}

func (r *invRecord) inviteeNames() []string {
	l := make([]string, len(r.invitees()))
	for i, iv := range r.invitees() {
		l[i] = iv.user
	}
	return l
}

// recipients of an invitation's messages: every current member of its group, or
// the two parties of a one-to-one invitation.
func (s *Server) recipients(r *invRecord) []string {
	if r.ext != nil {
		if g := s.groups[r.ext.group]; g != nil {
			return g.members
		}
		return nil
	}
	return []string{r.inviter, r.one[0].user}
}

func validData(data string) result {
	if len(data) > MaxDataLen {
		return fail(CodeDataTooLarge, "data is %d bytes, limit %d", len(data), MaxDataLen)
	}
	return result{}
}

func (s *Server) invOp(now int64, f *Frame) result {
	in := &f.Info
	if in.InviteID == "" {
		return fail(CodeInvalidParameters, "empty invite ID")
	}
	if r := validData(in.Data); r.code != OK {
		return r
	}
	switch f.Op {
	case OpInvite, OpInviteInGroup:
		return s.invite(now, f)
	case OpTimeout:
		return fail(CodeInvalidParameters, "in server mode the server decides timeouts")
	}
	r := s.record(in.InviteID)
	if r == nil {
		if now == s.expiredAt && slices.Contains(s.expiredIDs, in.InviteID) {
			if f.Op == OpAccept || f.Op == OpReject {
				s.out.hit(PathAnswerAtDeadline)
			}
			return fail(CodeInviteInvalid, "timed out at this instant: a deadline comes before any frame of its instant")
		}
		return fail(CodeInviteInvalid, "unknown invitation %s", in.InviteID)
	}
	var info SignalingInfo
	ended := false
	switch f.Op {
	case OpCancel:
		if f.User != r.inviter {
			return fail(CodeNotInviter, "%s is not the inviter", f.User)
		}
		info = r.info(ActionCancel)
		for i, l := 0, r.invitees(); i < len(l); i++ {
			if iv := &l[i]; iv.state == Pending {
				iv.state = Cancelled
				info.InviteeList = append(info.InviteeList, iv.user)
				s.transition(r.id, iv.user, Cancelled)
			}
		}
		if len(info.InviteeList) == 0 {
			return fail(CodeInviteInvalid, "no pending invitee")
		}
		ended = true
	case OpAccept, OpReject:
		l := r.invitees()
		i := slices.IndexFunc(l, func(iv invitee) bool { return iv.user == f.User })
		if i < 0 {
			return fail(CodeInviteInvalid, "%s is not invited", f.User)
		}
		if st := l[i].state; st != Pending {
			return fail(CodeInviteInvalid, "already %s", st)
		}
		if g := r.group(); g != "" && (s.groups[g] == nil || !s.groups[g].has(f.User)) {
			// Unreachable while leaving the group drops a pending invitee;
			// an answer from outside the group is never applied.
			return fail(CodeNotGroupMember, "%s is not a member of %s", f.User, g)
		}
		a := ActionAccept
		if f.Op == OpReject {
			a = ActionReject
		}
		l[i].state = stateOf(a)
		s.transition(r.id, f.User, stateOf(a))
		info = r.info(a)
		info.InviteeList = []string{f.User}
		ended = !r.pending()
	case OpModify:
		if f.User != r.inviter {
			return fail(CodeNotInviter, "%s is not the inviter", f.User)
		}
		if r.onlineOnly() {
			return fail(CodeOnlineOnlyModify, "")
		}
		info = r.info(ActionModify)
		info.InviteeList = r.inviteeNames()
		s.out.Transitions = append(s.out.Transitions, Transition{InviteID: r.id, Modified: true, By: f.User + "/" + f.Device})
	default:
		return fail(CodeInvalidParameters, "operation %s", f.Op)
	}
	info.Data = in.Data
	s.fanout(now, s.recipients(r), &info, nil, f.User, f.Device, ended, nil)
	if ended {
		s.endRecord(r)
	}
	return result{}
}

func (s *Server) invite(now int64, f *Frame) result {
	in := &f.Info
	switch {
	case in.Timeout < 0:
		return fail(CodeInvalidParameters, "negative timeout")
	case in.Timeout > maxTimeout:
		return fail(CodeInvalidParameters, "timeout over %d s", maxTimeout)
	case in.InviteID == "":
		return fail(CodeInvalidParameters, "empty invite ID")
	}
	invitees, res := s.checkInvitees(f)
	if res.code != OK {
		return res
	}
	if s.record(in.InviteID) != nil {
		return fail(CodeInvalidParameters, "invite ID %s is in use", in.InviteID)
	}
	r, slot := s.newRecord(in.InviteID)
	r.inviter, r.tmo = f.User, uint32(in.Timeout)
	if in.OnlineUserOnly {
		r.tmo |= onlineOnlyBit
	}
	if in.GroupID != "" {
		r.ext = &invGroup{group: in.GroupID, invitees: make([]invitee, len(invitees))}
		for i, u := range invitees {
			r.ext.invitees[i] = invitee{user: u}
		}
	} else {
		r.one[0] = invitee{user: invitees[0]}
	}
	s.out.Transitions = append(s.out.Transitions, Transition{InviteID: r.id, Inviter: r.inviter, GroupID: r.group(),
		Invitees: invitees, Timeout: int(r.timeout()), OnlineOnly: r.onlineOnly()})
	info := r.info(ActionInvite)
	info.InviteeList, info.Data = invitees, in.Data
	var push *OfflinePushInfo
	if r.ext == nil && !r.onlineOnly() {
		push = &f.Push
	}
	s.fanout(now, s.recipients(r), &info, nil, f.User, f.Device, false, push)
	if r.timeout() > 0 {
		r.deadline = now + int64(r.timeout())*1e9
		s.scheduleTimeout(slot, r)
	}
	return result{}
}

// checkInvitees validates the invitee list of an invite against the caller and the
// group, returning it without duplicates.
func (s *Server) checkInvitees(f *Frame) ([]string, result) {
	in := &f.Info
	if len(in.InviteeList) == 0 {
		return nil, fail(CodeInvalidParameters, "no invitee")
	}
	if u := in.InviteeList[0]; in.GroupID == "" && len(in.InviteeList) == 1 && u != "" && u != f.User {
		return in.InviteeList, result{} // the common case, without a copy: decoded lists are never modified
	}
	l := make([]string, 0, len(in.InviteeList))
	for _, u := range in.InviteeList {
		if u == "" {
			return nil, fail(CodeInvalidParameters, "empty invitee")
		}
		if u == f.User {
			return nil, fail(CodeInvalidParameters, "cannot invite oneself")
		}
		if !slices.Contains(l, u) {
			l = append(l, u)
		}
	}
	if in.GroupID == "" {
		if len(l) != 1 {
			return nil, fail(CodeInvalidParameters, "a one-to-one invitation has one invitee")
		}
		return l, result{}
	}
	g := s.groups[in.GroupID]
	if g == nil {
		return nil, fail(CodeGroupNotFound, "group %s", in.GroupID)
	}
	if !g.has(f.User) {
		return nil, fail(CodeNotGroupMember, "inviter %s is not a member of %s", f.User, in.GroupID)
	}
	for _, u := range l {
		if !g.has(u) {
			return nil, fail(CodeNotGroupMember, "invitee %s is not a member of %s", u, in.GroupID)
		}
	}
	return l, result{}
}

// timeout ends every still-pending invitee of an invitation past its deadline.
func (s *Server) timeout(now int64, r *invRecord) {
	if r.deadline == now {
		if s.expiredAt != now {
			clear(s.expiredIDs)
			s.expiredAt, s.expiredIDs = now, s.expiredIDs[:0]
		}
		s.expiredIDs = append(s.expiredIDs, r.id)
	}
	info := r.info(ActionTimeout)
	for i, l := 0, r.invitees(); i < len(l); i++ {
		if iv := &l[i]; iv.state == Pending {
			iv.state = TimedOut
			info.InviteeList = append(info.InviteeList, iv.user)
			s.transition(r.id, iv.user, TimedOut)
		}
	}
	s.fanout(now, s.recipients(r), &info, nil, r.inviter, "", true, nil)
	s.endRecord(r)
}

// Invitations lists the live invitations this shard owns (server mode), by ID.
func (s *Server) Invitations() []InvitationView {
	ids := make([]string, 0, s.invIndex.Len())
	s.invIndex.each(func(slot int32) { ids = append(ids, s.inv(slot).id) })
	slices.Sort(ids)
	views := make([]InvitationView, len(ids))
	for i, id := range ids {
		r := s.record(id)
		v := InvitationView{InviteID: r.id, Inviter: r.inviter, GroupID: r.group(), Timeout: int(r.timeout()),
			OnlineOnly: r.onlineOnly(), Deadline: r.deadline}
		for _, iv := range r.invitees() {
			v.Invitees = append(v.Invitees, iv.user)
			v.States = append(v.States, iv.state)
		}
		views[i] = v
	}
	return views
}

// Group returns a group's sorted member list and owner, if the group lives here.
func (s *Server) Group(id string) (members []string, owner string, ok bool) {
	g := s.groups[id]
	if g == nil {
		return nil, "", false
	}
	return slices.Clone(g.members), g.owner, true
}
