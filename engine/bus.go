package engine

import (
	"cmp"
	"slices"
	"time"
)

// The shard bus: shards talk to each other (Forward, Reply, Deliver) over a
// link with the guarantees of a device session, and more. Each frame a shard
// sends to a peer carries the next number of that direction (Frame.BusSeq)
// and stays in an outbox until the peer acknowledges it; the receiver applies
// each peer's frames exactly once, in that order, whatever the network lost,
// duplicated or reordered and whichever of the two crashed meanwhile. Acks
// are cumulative (Frame.BusAck, the highest frame applied in order) and ride
// on every bus frame going back; when none goes back, a BusAck frame goes
// alone after busAckDelay. What is not acked after the RTO is sent again,
// until it is; the RTO adapts to the round trips and backs off (rto.go).
//
// Unlike a session, the bus is durable: the outbox, the sequence numbers and
// what was applied survive Crash, as the timelines and the request log do, so
// a decision taken on one shard always reaches the others, however long they
// were apart.

// busAheadMax bounds the frames a shard keeps from one peer ahead of the one
// it awaits; later ones are dropped, and resent.
const busAheadMax = 256

// busLink is one shard's end of its bus to one peer: the peer-bound outbox and
// the peer's frames received.
type busLink struct {
	// To the peer.
	sent    uint64  // BusSeq of the last frame sent
	unacked []Frame // frames sent-len(unacked)+1 .. sent, not yet acked
	rtoAt   Time    // the armed retransmit timer's time; 0 if none
	rtt     rttEstimator

	// From the peer.
	applied uint64     // highest BusSeq applied: each frame is applied once, in order
	ahead   []busAhead // frames past applied+1, by BusSeq, at most busAheadMax
	ackDue  bool       // frames received that no ack has covered yet
	ackAt   Time       // the armed ack timer's time; 0 if none
}

// busAhead is a frame that arrived before its turn, kept until it comes.
type busAhead struct {
	seq uint64
	f   Frame
}

// acked is the highest frame of ours the peer has acknowledged.
func (l *busLink) acked() uint64 { return l.sent - uint64(len(l.unacked)) }

// busAckDelay is how long a shard may hold back the ack of a peer's frames,
// hoping a frame of its own will carry it: well under the RTO.
func (s *Server) busAckDelay() time.Duration { return min(DefaultAckDelay, s.cfg.RTO/4) }

// link returns this shard's end of the bus to peer shard k.
func (s *Server) link(k int) *busLink {
	if s.bus == nil {
		s.bus = make([]*busLink, s.cfg.Shards)
	}
	if s.bus[k] == nil {
		s.bus[k] = &busLink{}
	}
	return s.bus[k]
}

// busSend sends a frame to peer shard k on the bus: numbered, kept until acked,
// and carrying the ack of what k sent here.
func (s *Server) busSend(now Time, k int, f *Frame) {
	l := s.link(k)
	l.sent++
	f.BusSeq, f.BusAck = l.sent, l.applied
	s.ackCarried(k, l)
	s.send(Addr(k), f)
	l.unacked = append(l.unacked, *f)
	l.rtt.start(l.sent, now)
	if l.rtoAt == 0 {
		l.rtoAt = now.Add(s.rto(&l.rtt))
		s.out.Timers = append(s.out.Timers, Timer{Kind: TimerBusRetransmit, Ref: uint64(k), At: l.rtoAt})
	}
}

// ackCarried notes that a frame going to k carries the ack of everything
// applied from k: the ack timer is not needed.
func (s *Server) ackCarried(k int, l *busLink) {
	l.ackDue = false
	if l.ackAt != 0 {
		s.out.Timers = append(s.out.Timers, Timer{Kind: TimerBusAck, Ref: uint64(k), At: l.ackAt, Cancel: true})
		l.ackAt = 0
	}
}

// busAcked takes peer k's cumulative ack of our frames.
func (s *Server) busAcked(now Time, k int, l *busLink, ack uint64) {
	acked := l.acked()
	if ack <= acked || ack > l.sent {
		return // old news (acks may be reordered too), or nonsense
	}
	n := ack - acked
	l.rtt.ackedTo(ack, now)
	clear(l.unacked[:n])
	l.unacked = l.unacked[n:]
	if l.rtoAt == 0 {
		return
	}
	s.out.Timers = append(s.out.Timers, Timer{Kind: TimerBusRetransmit, Ref: uint64(k), At: l.rtoAt, Cancel: true})
	l.rtoAt = 0
	if len(l.unacked) == 0 {
		l.unacked = nil // the next frame arms a fresh timer
		return
	}
	// The peer is listening: what is left was sent more recently, and gets
	// a full RTO from now rather than being resent early.
	l.rtoAt = now.Add(s.rto(&l.rtt))
	s.out.Timers = append(s.out.Timers, Timer{Kind: TimerBusRetransmit, Ref: uint64(k), At: l.rtoAt})
}

// busReceive takes bus frame f from peer shard k: its ack, then the frame
// itself, once and in its turn: each is applied by busApply, in BusSeq order,
// one that came early after the ones before it.
func (s *Server) busReceive(now Time, k int, f *Frame) {
	l := s.link(k)
	s.busAcked(now, k, l, f.BusAck)
	if f.Type == FrameBusAck {
		return
	}
	l.ackDue = true // a frame of ours applying this one may carry the ack
	switch {
	case f.BusSeq <= l.applied:
		s.out.hit(PathBusDuplicate) // its ack was lost or is late: ack again
	case f.BusSeq > l.applied+1:
		i, found := slices.BinarySearchFunc(l.ahead, f.BusSeq, func(a busAhead, seq uint64) int { return cmp.Compare(a.seq, seq) })
		if !found && len(l.ahead) < busAheadMax {
			l.ahead = slices.Insert(l.ahead, i, busAhead{seq: f.BusSeq, f: *f})
		}
	default:
		s.busNext(now, k, l, f)
	}
	if l.ackDue && l.ackAt == 0 {
		l.ackAt = now.Add(s.busAckDelay())
		s.out.Timers = append(s.out.Timers, Timer{Kind: TimerBusAck, Ref: uint64(k), At: l.ackAt})
	}
}

// busNext applies frame l.applied+1 from k, then the frames from k that waited
// for it. Each is counted applied before it is: a frame it makes for k acks it.
func (s *Server) busNext(now Time, k int, l *busLink, f *Frame) {
	l.applied++
	s.busApply(now, Addr(k), f)
	for len(l.ahead) > 0 && l.ahead[0].seq == l.applied+1 {
		s.in = l.ahead[0].f
		f = &s.in
		l.ahead[0] = busAhead{}
		l.ahead = l.ahead[1:]
		if len(l.ahead) == 0 {
			l.ahead = nil
		}
		l.applied++
		s.busApply(now, Addr(k), f)
	}
}

// busFire handles the bus timers; stale ones are ignored.
func (s *Server) busFire(now Time, t Timer) {
	if t.Ref >= uint64(len(s.bus)) || s.bus[t.Ref] == nil {
		return
	}
	k, l := int(t.Ref), s.bus[t.Ref]
	switch t.Kind {
	case TimerBusRetransmit:
		if t.At != l.rtoAt {
			return
		}
		l.rtoAt = 0
		if len(l.unacked) == 0 {
			return
		}
		s.out.hit(PathBusResend)
		l.rtt.timeout()
		for i := range l.unacked {
			s.send(Addr(k), &l.unacked[i])
		}
		l.rtoAt = now.Add(s.rto(&l.rtt))
		s.out.Timers = append(s.out.Timers, Timer{Kind: TimerBusRetransmit, Ref: t.Ref, At: l.rtoAt})
	case TimerBusAck:
		if t.At != l.ackAt {
			return
		}
		l.ackAt = 0
		if l.ackDue {
			l.ackDue = false
			s.send(Addr(k), &Frame{Type: FrameBusAck, BusAck: l.applied})
		}
	}
}
