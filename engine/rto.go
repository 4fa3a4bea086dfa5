package engine

import "time"

// Adaptive retransmission (RFC 6298), shared by the engine's three reliable
// senders: a device's requests and logins (Client), a shard's pushes to a
// session (Server) and a shard's bus to each peer (busLink). Each keeps an
// rttEstimator:
//
//   - It times one frame at a time (as TCP implementations do), from its
//     first send to its answer (a response or LOGIN-OK on the device, a
//     cumulative ack covering it on a session or the bus). Karn's rule: a
//     frame that was sent again is never timed, since its answer could be
//     for either copy; a timeout clears the frame being timed.
//   - The first sample R sets SRTT = R, RTTVAR = R/2; each later one
//     RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|, SRTT = 7/8 SRTT + 1/8 R.
//   - RTO = SRTT + max(G, 4 RTTVAR), clamped to [MinRTO, MaxRTO]; before the
//     first sample it is the configured RTO.
//   - Each timeout doubles the RTO (exponential backoff), up to MaxRTO; it
//     stays backed off for new frames too until a fresh sample resets it.
//
// Everything is integer nanoseconds of the node's clock (Time, time.Duration): deterministic, and
// nothing is allocated.

// DefaultMaxRTO caps the retransmission timeout, backoff included, when the
// config leaves MaxRTO zero.
//
// It is far below RFC 6298's 60 s on purpose. Signaling is real time: a call
// rings for seconds, and a resend more than a few seconds after the last one
// no longer helps the call it is for; SIP caps the backoff of its non-INVITE
// requests at T2 = 4 s (RFC 3261 §17.1.2.2) for the same reason. And the
// cap bounds how long a sender that backed off during a partition (which
// neither end sees) waits after the heal before it tries again: with 8 s,
// swarm runs that heal at until no longer settle within the liveness bound
// (sim's 10 s). Under overload the cap is not what stops a retransmission
// storm: the RTO follows the measured round trips, and the shard drops a
// copy of a frame still waiting in its queue (sim, docs/DESIGN.md §3.3).
const DefaultMaxRTO = 4 * time.Second

// rtoGranularity is G of RFC 6298, the clock granularity: the least room
// above SRTT the RTO keeps when the RTT does not vary.
const rtoGranularity = time.Millisecond

// rtoMaxBackoff bounds the backoff count (its doubling stops at MaxRTO
// anyway): the shift never overflows.
const rtoMaxBackoff = 30

// rttEstimator is one sender's RTT estimate, backoff and the frame it times.
type rttEstimator struct {
	srtt, rttvar time.Duration // srtt == 0: no sample yet
	timedAt      Time          // when the frame being timed was sent
	timed        uint64        // the frame being timed (its ReqID or sequence); 0: none
	backoff      uint8         // timeouts since the last sample
}

// start times frame id, sent at now for the first time, unless another frame
// is being timed.
func (e *rttEstimator) start(id uint64, now Time) {
	if e.timed == 0 {
		e.timed, e.timedAt = id, now
	}
}

// resent notes that every frame outstanding was sent again (Karn's rule: none
// of them can be timed now).
func (e *rttEstimator) resent() { e.timed = 0 }

// answered takes the answer to frame id at now: a sample if it is the one
// being timed.
func (e *rttEstimator) answered(id uint64, now Time) {
	if e.timed != 0 && id == e.timed {
		e.sample(now.Sub(e.timedAt))
	}
}

// ackedTo takes a cumulative ack of every frame up to seq at now: a sample if
// it covers the one being timed.
func (e *rttEstimator) ackedTo(seq uint64, now Time) {
	if e.timed != 0 && seq >= e.timed {
		e.sample(now.Sub(e.timedAt))
	}
}

// sample takes a measured round trip r and resets the backoff.
func (e *rttEstimator) sample(r time.Duration) {
	e.timed = 0
	if r < 0 {
		return // the node's clock stepped back: no measure
	}
	if e.srtt == 0 {
		e.srtt, e.rttvar = max(r, 1), r/2
	} else {
		d := e.srtt - r
		if d < 0 {
			d = -d
		}
		e.rttvar += (d - e.rttvar) / 4
		e.srtt += (r - e.srtt) / 8
		e.srtt = max(e.srtt, 1)
	}
	e.backoff = 0
}

// timeout notes a retransmission timeout: the RTO doubles, and the frame
// being timed is sent again, so it is timed no more.
func (e *rttEstimator) timeout() {
	e.timed = 0
	if e.backoff < rtoMaxBackoff {
		e.backoff++
	}
}

// resetBackoff forgets the timeouts (a new connection), keeping the estimate.
func (e *rttEstimator) resetBackoff() { e.backoff = 0 }

// rto is the current retransmission timeout: initial before any sample,
// else SRTT + max(G, 4 RTTVAR) clamped to [lo, hi]; doubled per timeout
// since the last sample, up to hi.
func (e *rttEstimator) rto(initial, lo, hi time.Duration) time.Duration {
	r := initial
	if e.srtt != 0 {
		r = min(max(e.srtt+max(rtoGranularity, 4*e.rttvar), lo), hi)
	}
	for i := uint8(0); i < e.backoff && r < hi; i++ {
		r *= 2
	}
	return min(r, hi)
}

// rtoBounds fills a sender's configured RTOs: rto (0 = DefaultRTO) is the
// initial one; minRTO (0 = rto) the floor; maxRTO (0 = DefaultMaxRTO) the
// ceiling, never below the other two.
func rtoBounds(rto, minRTO, maxRTO *time.Duration) {
	if *rto <= 0 {
		*rto = DefaultRTO
	}
	if *minRTO <= 0 {
		*minRTO = *rto
	}
	if *maxRTO <= 0 {
		*maxRTO = DefaultMaxRTO
	}
	*maxRTO = max(*maxRTO, *rto, *minRTO)
}
