package engine

import (
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	ms  = 1_000_000     // ns, untyped: a Time or a time.Duration
	sec = 1_000_000_000 // ns
)

// TestRTTEstimator: RFC 6298's estimator in integer nanoseconds: the first
// sample, later ones, the clamp, Karn's rule, the doubling, its cap and its
// reset.
func TestRTTEstimator(t *testing.T) {
	var e rttEstimator
	rto := func() time.Duration { return e.rto(sec, 100*ms, 4*sec) }
	if got := rto(); got != sec {
		t.Fatalf("before any sample: %v, want the initial 1s", time.Duration(got))
	}
	// First sample: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 RTTVAR.
	e.start(7, 0)
	e.answered(7, 100*ms)
	if e.srtt != 100*ms || e.rttvar != 50*ms || rto() != 300*ms {
		t.Fatalf("after 100ms: srtt %v rttvar %v rto %v, want 100ms 50ms 300ms", time.Duration(e.srtt), time.Duration(e.rttvar), time.Duration(rto()))
	}
	// Second: RTTVAR = 3/4·50 + 1/4·|100-200| = 62.5ms, SRTT = 7/8·100 + 1/8·200 = 112.5ms.
	e.start(8, sec)
	e.answered(8, sec+200*ms)
	if e.srtt != 112500*time.Microsecond || e.rttvar != 62500*time.Microsecond || rto() != 362500*time.Microsecond {
		t.Fatalf("after 200ms: srtt %v rttvar %v rto %v, want 112.5ms 62.5ms 362.5ms", time.Duration(e.srtt), time.Duration(e.rttvar), time.Duration(rto()))
	}
	// The floor: with MinRTO 1s the same estimate gives 1s.
	if got := e.rto(sec, sec, 4*sec); got != sec {
		t.Fatalf("floor: %v, want 1s", time.Duration(got))
	}
	// An answer to another frame than the one timed is no sample.
	e.start(9, 2*sec)
	e.answered(10, 2*sec+3*sec)
	if e.srtt != 112500*time.Microsecond {
		t.Fatalf("answer to an untimed frame taken as a sample: srtt %v", time.Duration(e.srtt))
	}
	// Karn: frame 9, timed, is resent; its answer is no sample.
	e.resent()
	e.answered(9, 2*sec+3*sec)
	if e.srtt != 112500*time.Microsecond {
		t.Fatalf("answer to a resent frame taken as a sample: srtt %v", time.Duration(e.srtt))
	}
	// Doubling per timeout, capped at MaxRTO; a timeout also ends the timing.
	base := rto()
	e.start(11, 3*sec)
	for i, want := range []time.Duration{2 * base, 4 * base, 8 * base, 4 * sec, 4 * sec} {
		e.timeout()
		if got := rto(); got != min(want, 4*sec) {
			t.Fatalf("after %d timeouts: %v, want %v", i+1, time.Duration(got), time.Duration(min(want, 4*sec)))
		}
	}
	e.answered(11, 10*sec)
	if rto() != 4*sec {
		t.Fatalf("the answer to a frame timed out gave a sample (Karn): rto %v", time.Duration(rto()))
	}
	for range 100 {
		e.timeout() // the count saturates: no shift overflows
	}
	if rto() != 4*sec {
		t.Fatalf("after 100 timeouts: %v, want the cap", time.Duration(rto()))
	}
	// New frames keep the backed-off RTO until a fresh sample resets it.
	e.start(12, 20*sec)
	e.answered(12, 20*sec+100*ms)
	if e.backoff != 0 || rto() >= 4*sec {
		t.Fatalf("a fresh sample did not reset the backoff: backoff %d rto %v", e.backoff, time.Duration(rto()))
	}
	// Cumulative acks: a sample once the ack covers the frame timed.
	var c rttEstimator
	c.start(5, 0)
	c.start(6, 10*ms) // 5 is being timed already
	c.ackedTo(4, 50*ms)
	if c.srtt != 0 {
		t.Fatal("an ack below the frame timed gave a sample")
	}
	c.ackedTo(6, 80*ms)
	if c.srtt != 80*ms {
		t.Fatalf("cumulative ack: srtt %v, want 80ms (from frame 5's send)", time.Duration(c.srtt))
	}
	// Steady round trips: RTTVAR decays and G keeps the RTO above SRTT.
	var g rttEstimator
	for i := range int64(200) {
		g.start(uint64(i+1), Time(i*sec))
		g.answered(uint64(i+1), Time(i*sec+50*ms))
	}
	if got := g.rto(sec, 10*ms, 4*sec); got != 50*ms+rtoGranularity {
		t.Fatalf("steady 50ms: rto %v, want SRTT + G = 51ms", time.Duration(got))
	}
	// A clock that stepped back gives no sample.
	var b rttEstimator
	b.start(1, 5*sec)
	b.answered(1, 4*sec)
	if b.srtt != 0 || b.timed != 0 {
		t.Fatalf("negative round trip taken: srtt %v", time.Duration(b.srtt))
	}
}

// TestRTOBounds: the defaults of the configured RTOs.
func TestRTOBounds(t *testing.T) {
	for _, c := range []struct{ rto, lo, hi, wantRTO, wantLo, wantHi time.Duration }{
		{0, 0, 0, DefaultRTO, DefaultRTO, DefaultMaxRTO},
		{200 * ms, 0, 0, 200 * ms, 200 * ms, DefaultMaxRTO},
		{10 * sec, 0, 0, 10 * sec, 10 * sec, 10 * sec}, // the cap never below the RTO
		{sec, 100 * ms, 60 * sec, sec, 100 * ms, 60 * sec},
	} {
		rto, lo, hi := c.rto, c.lo, c.hi
		rtoBounds(&rto, &lo, &hi)
		if rto != c.wantRTO || lo != c.wantLo || hi != c.wantHi {
			t.Errorf("rtoBounds(%v, %v, %v) = %v, %v, %v; want %v, %v, %v", c.rto, c.lo, c.hi, rto, lo, hi, c.wantRTO, c.wantLo, c.wantHi)
		}
	}
}

// stall records when frames that match are sent (through tnet's lose hook)
// and, while *on, loses them: to its sender a peer that does not answer, as a
// shard whose queue holds what it sent.
func stall(n *tnet, match func(m tmsg) bool) (times *[]Time, on *bool) {
	times, on = new([]Time), new(bool)
	n.lose = func(m tmsg) bool {
		if !match(m) {
			return false
		}
		*times = append(*times, n.now)
		return *on
	}
	return times, on
}

func gaps(times []Time) []time.Duration {
	var g []time.Duration
	for i := 1; i < len(times); i++ {
		g = append(g, times[i].Sub(times[i-1]))
	}
	return g
}

func durs(l ...int64) []time.Duration {
	d := make([]time.Duration, len(l))
	for i, x := range l {
		d[i] = time.Duration(x)
	}
	return d
}

// TestDeviceRequestBackoff: a device resends an unanswered request after 1 s,
// then 2 s, then every 4 s (DefaultMaxRTO), not every second; the answer to a
// resent request gives no sample (Karn), so the next request starts backed
// off; one answered at its first send resets the backoff.
func TestDeviceRequestBackoff(t *testing.T) {
	n := newNet(t, ModeServer, 1, "alice/1", "bob/1")
	n.loginAll()
	isReq := func(m tmsg) bool { return m.from == n.addr["alice/1"] && m.f.Type == FrameRequest }
	times, on := stall(n, isReq)

	*on = true
	n.invite("alice/1", "bob", "", 0)
	n.advance(20 * sec)
	if want := durs(sec, 2*sec, 4*sec, 4*sec, 4*sec, 4*sec); !slices.Equal(gaps(*times), want) {
		t.Fatalf("resends of a request never answered %v apart, want %v", gaps(*times), want)
	}
	*on = false
	n.advance(5 * sec)
	if r := n.lastResult("alice/1"); r.Code != OK {
		t.Fatalf("invite after the stall: %s", r.Describe())
	}

	// The last answer came to a resent request: no sample, still backed off.
	*times, *on = nil, true
	n.invite("alice/1", "bob", "", 0)
	n.advance(9 * sec)
	if want := durs(4*sec, 4*sec); !slices.Equal(gaps(*times), want) {
		t.Fatalf("next request's resends %v apart, want %v (backed off until a fresh sample)", gaps(*times), want)
	}
	*on = false
	n.advance(5 * sec)

	// A request answered at its first send: a fresh sample resets the backoff.
	*times = nil
	n.invite("alice/1", "bob", "", 0)
	n.flush()
	*times, *on = nil, true
	n.invite("alice/1", "bob", "", 0)
	n.advance(4 * sec)
	if want := durs(sec, 2*sec); !slices.Equal(gaps(*times), want) {
		t.Fatalf("after a fresh sample, resends %v apart, want %v", gaps(*times), want)
	}
}

// TestPushAndBusBackoff: a shard resends an unacknowledged push, and a bus
// frame a peer does not acknowledge, with the same backoff.
func TestPushAndBusBackoff(t *testing.T) {
	n := newNet(t, ModeServer, 1, "alice/1", "bob/1")
	n.loginAll()
	bob := n.addr["bob/1"]
	times, on := stall(n, func(m tmsg) bool { return m.to == bob && m.f.Type == FramePush })
	*on = true
	n.invite("alice/1", "bob", "", 0)
	n.advance(16 * sec)
	if want := durs(sec, 2*sec, 4*sec, 4*sec, 4*sec); !slices.Equal(gaps(*times), want) {
		t.Fatalf("push resends %v apart, want %v", gaps(*times), want)
	}

	// Two shards: alice's 1:1 invitation is decided on her shard, and bob's
	// shard learns of it over the bus.
	var a, b string
	for _, u := range []string{"u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8"} {
		switch ShardOf(u, 2) {
		case 0:
			a = cmpOr(a, u)
		case 1:
			b = cmpOr(b, u)
		}
	}
	if a == "" || b == "" {
		t.Fatal("no users on both shards")
	}
	m := newNet(t, ModeServer, 2, a+"/1", b+"/1")
	m.loginAll()
	times, on = stall(m, func(x tmsg) bool { return int(x.from) < 2 && int(x.to) < 2 && x.f.Type != FrameBusAck })
	*on = true
	m.invite(a+"/1", b, "", 0)
	m.advance(16 * sec)
	if want := durs(sec, 2*sec, 4*sec, 4*sec, 4*sec); !slices.Equal(gaps(*times), want) {
		t.Fatalf("bus resends %v apart, want %v", gaps(*times), want)
	}
	*on = false
	m.advance(5 * sec)
	if !strings.Contains(strings.Join(m.log, "\n"), b+"/1: OnReceiveNewInvitation") {
		t.Fatalf("the invitation never reached %s after the stall: %v", b, m.log)
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
