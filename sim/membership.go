package sim

import (
	"math"
	"slices"
	"strings"

	"sigsim/engine"
)

// Group membership over time, as the shards decided it. Every shard decision
// (engine.Transition) gets the next decision index; a member's stay in a group
// is a span of them. A group callback is judged against the membership as of
// the decision that produced it (docs/DESIGN.md §4.5): a member who quit, or a
// dismissed group, gets nothing decided after it, and a member who joined
// nothing decided before.

// openSpan ends the span of a member still in the group.
const openSpan = math.MaxUint32

// memberSpan is one stay of user in a group: from the decision index that
// added it (0 for a group loaded before the run) to the one that removed it,
// both included: the tip of a quit or a dismissal still reaches the leaver.
type memberSpan struct {
	user     string
	from, to uint32
}

// groupCheck is what the checker knows of a group: every stay of every member,
// sorted by user then time, and the membership decisions, in order, that its
// members hear as group tips.
type groupCheck struct {
	shard int
	spans []memberSpan
	tips  []groupDecision
}

// groupDecision is one membership decision: who entered or left, or a dismissal.
type groupDecision struct {
	at  uint32
	tip engine.TipType
	who []string
}

func (c *Checker) group(id string) *groupCheck {
	g := c.groups[id]
	if g == nil {
		g = &groupCheck{shard: engine.ShardOf(id, len(c.w.shards))}
		c.groups[id] = g
	}
	return g
}

// find returns where user's spans start in g.spans, and how many there are.
func (g *groupCheck) find(user string) (int, int) {
	i, _ := slices.BinarySearchFunc(g.spans, user, func(s memberSpan, u string) int { return strings.Compare(s.user, u) })
	n := 0
	for i+n < len(g.spans) && g.spans[i+n].user == user {
		n++
	}
	return i, n
}

// enter opens a stay of user at decision at (a member already in is left as is).
func (g *groupCheck) enter(user string, at uint32) {
	i, n := g.find(user)
	if n > 0 && g.spans[i+n-1].to == openSpan {
		return
	}
	g.spans = slices.Insert(g.spans, i+n, memberSpan{user: user, from: at, to: openSpan})
}

// leave closes user's open stay at decision at.
func (g *groupCheck) leave(user string, at uint32) {
	i, n := g.find(user)
	if n > 0 && g.spans[i+n-1].to == openSpan {
		g.spans[i+n-1].to = at
	}
}

// memberAt tells whether user was in g at decision at; anyTime asks whether
// it ever was.
func (g *groupCheck) memberAt(user string, at uint32) bool {
	i, n := g.find(user)
	for _, s := range g.spans[i : i+n] {
		if at == anyTime || s.from <= at && at <= s.to {
			return true
		}
	}
	return false
}

// anyTime asks memberAt about any time at all.
const anyTime = 0

// loadGroup records a group loaded before the run: its members are in from
// the start.
func (c *Checker) loadGroup(id, owner string, members []string) {
	g := c.group(id)
	for _, u := range append(slices.Clone(members), owner) {
		if u != "" {
			g.enter(u, 0)
		}
	}
}

// groupDecided follows a shard's membership decision, made at decision index at.
func (c *Checker) groupDecided(t *engine.Transition, at uint32) {
	g := c.group(t.GroupID)
	switch t.Tip {
	case engine.TipMemberEnter:
		for _, u := range t.Invitees {
			g.enter(u, at)
		}
	case engine.TipMemberLeave:
		for _, u := range t.Invitees {
			g.leave(u, at)
		}
	case engine.TipGroupDismissed:
		for i := range g.spans {
			if g.spans[i].to == openSpan {
				g.spans[i].to = at
			}
		}
	}
	g.tips = append(g.tips, groupDecision{at: at, tip: t.Tip, who: t.Invitees})
}

// memberAt tells whether user was a member of group at decision at (anyTime:
// ever). A group the checker never heard of (loaded on a shard directly) is
// learned from its shard: its current members count as members from the start.
func (c *Checker) memberAt(group, user string, at uint32) bool {
	g := c.groups[group]
	if g != nil && g.memberAt(user, at) {
		return true
	}
	if g == nil || len(g.tips) == 0 {
		if m, _, ok := c.w.shards[engine.ShardOf(group, len(c.w.shards))].srv.Group(group); ok && slices.Contains(m, user) {
			c.group(group).enter(user, 0)
			return true
		}
	}
	return false
}

// memberNow tells whether user is a member of group now.
func (c *Checker) memberNow(group, user string) bool { return c.memberAt(group, user, c.decisions) }

// tipDecision finds the membership decision a group tip callback reports:
// the first one of its kind, about the same members, decided after after and
// while user was a member. ok is false if there is none: then member tells
// whether a decision of that kind exists at all after after (the tip reached
// someone who was not a member), or not (nobody decided it).
func (c *Checker) tipDecision(group, user string, cb *engine.Callback, after uint32) (at uint32, ok, exists bool) {
	g := c.groups[group]
	if g == nil {
		return 0, false, false
	}
	tip := map[engine.CallbackKind]engine.TipType{engine.OnMemberEnter: engine.TipMemberEnter,
		engine.OnMemberLeave: engine.TipMemberLeave, engine.OnGroupDismissed: engine.TipGroupDismissed}[cb.Kind]
	i, _ := slices.BinarySearchFunc(g.tips, after+1, func(d groupDecision, at uint32) int { return int(int64(d.at) - int64(at)) })
	for _, d := range g.tips[i:] {
		if d.tip != tip || (tip != engine.TipGroupDismissed && !slices.Equal(d.who, cb.Invitees)) {
			continue
		}
		exists = true
		if g.memberAt(user, d.at) {
			return d.at, true, true
		}
	}
	return 0, false, exists
}
