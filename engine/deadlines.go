package engine

import (
	"cmp"
	"slices"
)

// deadlineQueue holds the live invitations of one timeout value in deadline
// order. Deadlines of one timeout value are made in time order, so the queue is
// a FIFO (an out-of-order one, from a clock stepping back, is inserted in place).
// One timer per queue, for its head, replaces a timer per invitation: the
// simulator's queue holds one event per timeout value instead of one per
// invitation, and an invitation that ended early costs no timer event at all.
type deadlineQueue struct {
	due     []deadlineEntry // by deadline; due[:head] are consumed
	head    int
	armedAt int64 // the armed timer's time; 0 if none
}

type deadlineEntry struct {
	at  int64
	ref uint64 // record slot | gen<<32: stale once the invitation ended
}

// deadlineRef names an invitation record, stale once the slot is reused.
func deadlineRef(slot int32, gen uint32) uint64 { return uint64(uint32(slot)) | uint64(gen)<<32 }

// live returns the live record named by ref, or nil.
func (s *Server) liveRecord(ref uint64) *invRecord {
	slot, gen := int32(ref&0xffffffff), uint32(ref>>32)
	if slot < 0 || slot >= s.ninv {
		return nil
	}
	r := s.inv(slot)
	if !r.live || r.gen != gen || r.deadline == 0 {
		return nil
	}
	return r
}

// scheduleTimeout queues an invitation for its timeout.
func (s *Server) scheduleTimeout(slot int32, r *invRecord) {
	qi, ok := s.deadlineIndex[r.timeout]
	if !ok {
		qi = len(s.deadlineQs)
		s.deadlineQs = append(s.deadlineQs, deadlineQueue{})
		if s.deadlineIndex == nil {
			s.deadlineIndex = map[int32]int{}
		}
		s.deadlineIndex[r.timeout] = qi
	}
	q := &s.deadlineQs[qi]
	e := deadlineEntry{at: r.deadline, ref: deadlineRef(slot, r.gen)}
	if n := len(q.due); n == q.head || q.due[n-1].at <= e.at {
		q.due = append(q.due, e)
	} else {
		i, _ := slices.BinarySearchFunc(q.due[q.head:], e.at+1, func(x deadlineEntry, at int64) int {
			return cmp.Compare(x.at, at)
		})
		q.due = slices.Insert(q.due, q.head+i, e)
	}
	if q.armedAt == 0 || r.deadline < q.armedAt {
		q.armedAt = r.deadline
		s.out.Timers = append(s.out.Timers, Timer{Kind: TimerInviteTimeout, Ref: uint64(qi), At: r.deadline})
	}
}

// fireTimeouts times out every due invitation of a queue and arms its next timer.
func (s *Server) fireTimeouts(now int64, t Timer) {
	if t.Ref >= uint64(len(s.deadlineQs)) {
		return
	}
	q := &s.deadlineQs[t.Ref]
	if t.At != q.armedAt {
		return // a timer superseded by an earlier one
	}
	q.armedAt = 0
	for q.head < len(q.due) {
		e := q.due[q.head]
		r := s.liveRecord(e.ref)
		if r == nil || r.deadline != e.at {
			q.head++ // ended early: no timer for it
			continue
		}
		if e.at > now {
			q.armedAt = e.at
			s.out.Timers = append(s.out.Timers, Timer{Kind: TimerInviteTimeout, Ref: t.Ref, At: e.at})
			break
		}
		q.head++
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
}
