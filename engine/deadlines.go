package engine

import (
	"cmp"
	"slices"
)

// deadlineQueue holds the live invitations of one timeout value in deadline
// order. Deadlines of one timeout value are made in time order, so the queue is
// a FIFO of record references, 8 bytes an invitation; a deadline earlier than
// the tail's (a driver whose clock stepped back) goes to a small sorted side
// list instead. One timer per queue, for its earliest deadline, replaces a timer
// per invitation: the simulator holds one event per timeout value instead of
// one per invitation, and an invitation that ended early costs no timer event.
type deadlineQueue struct {
	due     []uint64 // record refs, by deadline; due[:head] are consumed
	head    int
	tailAt  Time            // the deadline of the last entry appended to due
	late    []deadlineEntry // deadlines earlier than tailAt when made, by deadline
	armedAt Time            // the armed timer's time; 0 if none
}

type deadlineEntry struct {
	at  Time
	ref uint64
}

// deadlineRef names an invitation record: slot | gen<<32, stale once the
// invitation ended (its record is no longer live, or is another's).
func deadlineRef(slot int32, gen uint32) uint64 { return uint64(uint32(slot)) | uint64(gen)<<32 }

// liveRecord returns the live record named by ref, or nil.
func (s *Server) liveRecord(ref uint64) *invRecord {
	slot, gen := int32(ref&0xffffffff), uint32(ref>>32)
	if slot < 0 || slot >= s.ninv {
		return nil
	}
	r := s.inv(slot)
	if !r.live() || r.gen != gen || r.deadline == 0 {
		return nil
	}
	return r
}

// scheduleTimeout queues an invitation for its timeout.
func (s *Server) scheduleTimeout(slot int32, r *invRecord) {
	qi, ok := s.deadlineIndex[r.timeout()]
	if !ok {
		qi = len(s.deadlineQs)
		s.deadlineQs = append(s.deadlineQs, deadlineQueue{})
		if s.deadlineIndex == nil {
			s.deadlineIndex = map[int32]int{}
		}
		s.deadlineIndex[r.timeout()] = qi
	}
	q := &s.deadlineQs[qi]
	ref := deadlineRef(slot, r.gen)
	if r.deadline >= q.tailAt {
		q.due = append(q.due, ref)
		q.tailAt = r.deadline
	} else {
		e := deadlineEntry{at: r.deadline, ref: ref}
		i, _ := slices.BinarySearchFunc(q.late, e.at+1, func(x deadlineEntry, at Time) int { return cmp.Compare(x.at, at) })
		q.late = slices.Insert(q.late, i, e)
	}
	if q.armedAt == 0 || r.deadline < q.armedAt {
		q.armedAt = r.deadline
		s.out.Timers = append(s.out.Timers, Timer{Kind: TimerInviteTimeout, Ref: uint64(qi), At: r.deadline})
		if s.dueAt == 0 || r.deadline < s.dueAt {
			s.dueAt = r.deadline
		}
	}
}

// expireDue applies the same-instant rule (see the package doc): at local time
// now, before anything else happens, every invitation whose deadline is at or
// before now times out, whether or not the driver has delivered its timer yet,
// queue by queue in their order. A timer that comes afterwards finds its work
// done (its queue is armed for a later time) and is ignored.
func (s *Server) expireDue(now Time) {
	if s.dueAt == 0 || s.dueAt > now {
		return // dueAt is at or before every armed queue's time
	}
	s.dueAt = 0
	for qi := range s.deadlineQs {
		q := &s.deadlineQs[qi]
		if q.armedAt != 0 && q.armedAt <= now {
			s.fireQueue(now, qi)
		}
		if q.armedAt != 0 && (s.dueAt == 0 || q.armedAt < s.dueAt) {
			s.dueAt = q.armedAt
		}
	}
}

// earliest returns the queue's live invitation with the earliest deadline,
// dropping ended ones on the way, or nil; fromLate tells which list it heads.
func (s *Server) earliest(q *deadlineQueue) (r *invRecord, fromLate bool) {
	for q.head < len(q.due) {
		if r = s.liveRecord(q.due[q.head]); r != nil {
			break
		}
		q.head++ // ended early: no timer for it
	}
	for len(q.late) > 0 {
		if lr := s.liveRecord(q.late[0].ref); lr != nil && lr.deadline == q.late[0].at {
			if r == nil || lr.deadline < r.deadline {
				return lr, true
			}
			break
		}
		q.late = q.late[1:]
	}
	return r, false
}

// fireTimeouts handles a deadline queue's timer: whatever is due, in that
// queue and every other, times out (expireDue), so the outcome at an instant
// never depends on which of its events the driver delivered first.
func (s *Server) fireTimeouts(now Time, t Timer) {
	if t.Ref >= uint64(len(s.deadlineQs)) || t.At != s.deadlineQs[t.Ref].armedAt {
		return // superseded by an earlier timer, or its work done already
	}
	s.expireDue(now)
}

// fireQueue times out every due invitation of queue qi and arms its next timer.
func (s *Server) fireQueue(now Time, qi int) {
	q := &s.deadlineQs[qi]
	q.armedAt = 0
	for {
		r, fromLate := s.earliest(q)
		if r == nil {
			break
		}
		if r.deadline > now {
			q.armedAt = r.deadline
			s.out.Timers = append(s.out.Timers, Timer{Kind: TimerInviteTimeout, Ref: uint64(qi), At: r.deadline})
			break
		}
		if fromLate {
			q.late = q.late[1:]
		} else {
			q.head++
		}
		s.timeout(now, r)
	}
	// Drop the consumed prefix once it is half the queue, so memory follows the
	// live invitations and compaction costs O(1) per entry.
	if q.head == len(q.due) {
		q.due, q.head = q.due[:0], 0
	} else if q.head > len(q.due)/2 {
		n := copy(q.due, q.due[q.head:])
		q.due, q.head = q.due[:n], 0
	}
	if len(q.late) == 0 {
		q.late = nil
	}
}
