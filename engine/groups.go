package engine

import (
	"slices"
)

// Groups live on the shard ShardOf(groupID), with their invitations. Membership
// changes are group tips: stored messages in every member's timeline, reported
// by V2TimGroupListener, and Transitions (Tip set) in the shard's order.
//
// A group invitation concerns members only. When an invitee quits before
// answering, its state becomes Dropped; when the inviter quits, or the group is
// dismissed, every invitee still pending is Dropped, and the invitation ends if
// none is left. The shard announces it after the tip, with an ActionDrop
// message to the members (the former members, for a dismissal), so that their
// devices end it in the shard's order and their home shards mark it ended.

// LoadGroup creates a group directly, without messages, as a data load before a run
// (mass scenarios set up thousands of groups this way). It must be called on the
// group's shard, ShardOf(id, shards). It replaces any group of that ID.
func (s *Server) LoadGroup(id, owner string, members []string) error {
	if id == "" || owner == "" {
		return errorf(CodeInvalidParameters, "group needs an ID and an owner")
	}
	if k := ShardOf(id, s.cfg.Shards); k != s.cfg.Shard {
		return errorf(CodeInvalidParameters, "group %s belongs on shard %d, not %d", id, k, s.cfg.Shard)
	}
	s.groups[id] = &group{id: id, owner: owner, members: sortedMembers(members, owner)}
	return nil
}

func sortedMembers(members []string, owner string) []string {
	l := append(slices.Clone(members), owner)
	slices.Sort(l)
	l = slices.Compact(l)
	if len(l) > 0 && l[0] == "" {
		l = l[1:]
	}
	return l
}

func (s *Server) groupOp(now Time, f *Frame) result {
	if f.GroupID == "" {
		return fail(CodeInvalidParameters, "empty group ID")
	}
	g := s.groups[f.GroupID]
	if f.Op == OpCreateGroup {
		if g != nil {
			return fail(CodeGroupExists, "group %s exists", f.GroupID)
		}
		g = &group{id: f.GroupID, owner: f.User, members: sortedMembers(f.Members, f.User)}
		s.groups[f.GroupID] = g
		s.groupTransition(g.id, TipMemberEnter, g.members)
		s.tip(now, g, f, TipMemberEnter, g.members, g.members)
		return result{}
	}
	if g == nil {
		return fail(CodeGroupNotFound, "group %s", f.GroupID)
	}
	switch f.Op {
	case OpJoinGroup:
		if g.has(f.User) {
			return fail(CodeAlreadyMember, "%s is in %s", f.User, g.id)
		}
		i, _ := slices.BinarySearch(g.members, f.User)
		g.members = slices.Insert(g.members, i, f.User)
		s.groupTransition(g.id, TipMemberEnter, []string{f.User})
		s.tip(now, g, f, TipMemberEnter, []string{f.User}, g.members)
	case OpQuitGroup:
		if !g.has(f.User) {
			return fail(CodeNotGroupMember, "%s is not in %s", f.User, g.id)
		}
		if f.User == g.owner {
			return fail(CodeOwnerCannotQuit, "the owner dismisses the group instead")
		}
		rcpt := slices.Clone(g.members)
		i, _ := slices.BinarySearch(g.members, f.User)
		g.members = slices.Delete(g.members, i, i+1)
		s.groupTransition(g.id, TipMemberLeave, []string{f.User})
		s.tip(now, g, f, TipMemberLeave, []string{f.User}, rcpt)
		s.dropLeavers(now, g.id, f.User, g.members)
	case OpDismissGroup:
		if f.User != g.owner {
			return fail(CodeNotGroupOwner, "%s does not own %s", f.User, g.id)
		}
		delete(s.groups, g.id)
		s.groupTransition(g.id, TipGroupDismissed, nil)
		s.tip(now, g, f, TipGroupDismissed, nil, g.members)
		// Its live invitations end with it: members drop them on the
		// dismissal tip, and the drops that follow end them on their shards.
		s.dropLeavers(now, g.id, "", g.members)
	case OpGetGroupMembers:
		if !g.has(f.User) {
			return fail(CodeNotGroupMember, "%s is not in %s", f.User, g.id)
		}
		return result{members: slices.Clone(g.members)}
	default:
		return fail(CodeInvalidParameters, "operation %s", f.Op)
	}
	return result{}
}

func (s *Server) groupTransition(id string, t TipType, who []string) {
	s.out.Transitions = append(s.out.Transitions, Transition{GroupID: id, Tip: t, Invitees: slices.Clone(who)})
}

// dropLeavers ends what a member's leaving ends in the live invitations of
// group id: the leaver's own pending state, or, when the leaver is their
// inviter, every pending state ("" for a dismissal: every invitation's). Each
// change is announced to rcpt, the members who remain.
func (s *Server) dropLeavers(now Time, id, leaver string, rcpt []string) {
	for i := int32(0); i < s.ninv; i++ {
		r := s.inv(i)
		if !r.live() || r.group() != id {
			continue
		}
		all := leaver == "" || r.inviter == leaver
		var info SignalingInfo
		r.fillInfo(&info, ActionDrop)
		for j, l := 0, r.invitees(); j < len(l); j++ {
			if iv := &l[j]; iv.state == Pending && (all || iv.user == leaver) {
				iv.state = Dropped
				info.InviteeList = append(info.InviteeList, iv.user)
				s.transition(r.id, iv.user, Dropped)
			}
		}
		if len(info.InviteeList) == 0 {
			continue
		}
		s.out.hit(PathInviteeDropped)
		ended := !r.pending()
		s.fanout(now, rcpt, &info, nil, r.inviter, "", ended, nil, r.track())
		if ended {
			s.endRecord(r)
		}
	}
}

// tip announces a change of group g's membership (who entered or left, or its
// dismissal) to rcpt.
func (s *Server) tip(now Time, g *group, f *Frame, t TipType, who, rcpt []string) {
	m := Message{Conv: ConvGroup, Sender: f.User, SenderDevice: f.Device, GroupID: g.id, Time: now,
		Elem: ElemGroupTip, Tip: t, TipMembers: slices.Clone(who)} // the message keeps it: g.members changes
	s.fanout(now, rcpt, nil, &m, f.User, f.Device, false, nil, nil)
}
