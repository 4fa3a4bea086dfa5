package engine

import (
	"slices"
	"strconv"
)

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

// fillInfo sets info to the signaling info of the invitation's message of
// action a, without invitees or data.
func (r *invRecord) fillInfo(info *SignalingInfo, a ActionType) {
	*info = SignalingInfo{BusinessID: BusinessID, InviteID: r.id, GroupID: r.group(), Inviter: r.inviter,
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

// refuse is a failed result with its text: the hot paths build their texts
// by concatenation, which keeps fail's arguments out of their stack frames.
func refuse(c Code, text string) result { return result{code: c, text: text} }

// invOp applies an invitation request (invite, cancel, accept, reject,
// modify) at the invitation's owning shard.
func (s *Server) invOp(now Time, f *Frame) result {
	in := &f.Info
	switch {
	case in.InviteID == "":
		return refuse(CodeInvalidParameters, "empty invite ID")
	case len(in.Data) > MaxDataLen:
		return validData(in.Data)
	}
	switch f.Op {
	case OpInvite, OpInviteInGroup:
		return s.invite(now, f)
	case OpTimeout:
		return refuse(CodeInvalidParameters, "in server mode the server decides timeouts")
	}
	r := s.record(in.InviteID)
	if r == nil {
		return s.unknownInvitation(now, f)
	}
	var info SignalingInfo
	var res result
	ended := false
	switch f.Op {
	case OpCancel:
		if f.User != r.inviter {
			res = refuse(CodeNotInviter, f.User+" is not the inviter")
		} else if ended = s.cancel(r, &info); !ended {
			res = refuse(CodeInviteInvalid, "no pending invitee")
		}
	case OpAccept, OpReject:
		ended, res = s.answer(r, f, &info)
	case OpModify:
		res = s.modify(r, f, &info)
	default:
		res = refuse(CodeInvalidParameters, "operation "+f.Op.String())
	}
	if res.code != OK {
		return res
	}
	info.Data = in.Data
	s.fanout(now, s.recipients(r), &info, nil, f.User, f.Device, ended, nil, r.track())
	if ended {
		s.endRecord(r)
	}
	return result{}
}

// unknownInvitation answers a request about an invitation the shard does
// not hold: it ended (maybe timed out at this very instant), or never was.
func (s *Server) unknownInvitation(now Time, f *Frame) result {
	id := f.Info.InviteID
	if now == s.expiredAt && slices.Contains(s.expiredIDs, id) {
		if f.Op == OpAccept || f.Op == OpReject {
			s.out.hit(PathAnswerAtDeadline)
		}
		return refuse(CodeInviteInvalid, "timed out at this instant: a deadline comes before any frame of its instant")
	}
	return refuse(CodeInviteInvalid, "unknown invitation "+id)
}

// cancel withdraws invitation r from every invitee still pending, for the
// message info: true if there was one (it then ends).
func (s *Server) cancel(r *invRecord, info *SignalingInfo) bool {
	r.fillInfo(info, ActionCancel)
	for i, l := 0, r.invitees(); i < len(l); i++ {
		if iv := &l[i]; iv.state == Pending {
			iv.state = Cancelled
			info.InviteeList = append(info.InviteeList, iv.user)
			s.transition(r.id, iv.user, Cancelled)
		}
	}
	return len(info.InviteeList) > 0
}

// answer applies f's accept or reject to invitation r, for the message
// info, and tells whether the invitation ended.
func (s *Server) answer(r *invRecord, f *Frame, info *SignalingInfo) (bool, result) {
	l := r.invitees()
	i := 0
	for i < len(l) && l[i].user != f.User {
		i++
	}
	if i == len(l) {
		return false, refuse(CodeInviteInvalid, f.User+" is not invited")
	}
	if st := l[i].state; st != Pending {
		return false, refuse(CodeInviteInvalid, "already "+st.String())
	}
	if g := r.group(); g != "" && (s.groups[g] == nil || !s.groups[g].has(f.User)) {
		// Unreachable while leaving the group drops a pending invitee;
		// an answer from outside the group is never applied.
		return false, refuse(CodeNotGroupMember, f.User+" is not a member of "+g)
	}
	a := ActionAccept
	if f.Op == OpReject {
		a = ActionReject
	}
	l[i].state = stateOf(a)
	s.transition(r.id, f.User, stateOf(a))
	r.fillInfo(info, a)
	info.InviteeList = []string{f.User}
	return !r.pending(), result{}
}

// modify changes invitation r's data (f's, which the message info will
// carry): its inviter only, and not of an online-only one.
func (s *Server) modify(r *invRecord, f *Frame, info *SignalingInfo) result {
	if f.User != r.inviter {
		return refuse(CodeNotInviter, f.User+" is not the inviter")
	}
	if r.onlineOnly() {
		return refuse(CodeOnlineOnlyModify, "")
	}
	r.fillInfo(info, ActionModify)
	info.InviteeList = r.inviteeNames()
	s.out.Transitions = append(s.out.Transitions, Transition{InviteID: r.id, Modified: true, By: f.User + "/" + f.Device})
	return result{}
}

func (s *Server) invite(now Time, f *Frame) result {
	in := &f.Info
	switch {
	case in.Timeout < 0:
		return refuse(CodeInvalidParameters, "negative timeout")
	case in.Timeout > maxTimeout:
		return refuse(CodeInvalidParameters, "timeout over "+strconv.Itoa(maxTimeout)+" s")
	case in.InviteID == "":
		return refuse(CodeInvalidParameters, "empty invite ID")
	}
	invitees, res := s.checkInvitees(f)
	if res.code != OK {
		return res
	}
	if s.record(in.InviteID) != nil {
		return refuse(CodeInvalidParameters, "invite ID "+in.InviteID+" is in use")
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
	var info SignalingInfo
	r.fillInfo(&info, ActionInvite)
	info.InviteeList, info.Data = invitees, in.Data
	var push *OfflinePushInfo
	if r.ext == nil && !r.onlineOnly() {
		push = &f.Push
	}
	if f.info != nil && sameSignaling(f.info, &info) {
		// The invite carries the invitation as its device keeps it: the
		// message shares it (and so does every device that gets it).
		s.deliver(now, s.recipients(r), newStoredShared(f.info, f.User, f.Device, now), false, push, r.track())
	} else {
		s.fanout(now, s.recipients(r), &info, nil, f.User, f.Device, false, push, r.track())
	}
	if r.timeout() > 0 {
		r.deadline = now.Add(TimeoutDuration(int(r.timeout())))
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
func (s *Server) timeout(now Time, r *invRecord) {
	if r.deadline == now {
		if s.expiredAt != now {
			clear(s.expiredIDs)
			s.expiredAt, s.expiredIDs = now, s.expiredIDs[:0]
		}
		s.expiredIDs = append(s.expiredIDs, r.id)
	}
	var info SignalingInfo
	r.fillInfo(&info, ActionTimeout)
	for i, l := 0, r.invitees(); i < len(l); i++ {
		if iv := &l[i]; iv.state == Pending {
			iv.state = TimedOut
			info.InviteeList = append(info.InviteeList, iv.user)
			s.transition(r.id, iv.user, TimedOut)
		}
	}
	s.fanout(now, s.recipients(r), &info, nil, r.inviter, "", true, nil, r.track())
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
