package engine

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// Invitations of one timeout value share one timer: the shard arms it for the
// earliest deadline, times out what is due when it fires, and re-arms for the
// next live one; an invitation that ended early is skipped without an event.
func TestDeadlineQueueSharesOneTimer(t *testing.T) {
	n := newNet(t, ModeServer, 1, "alice/1", "bob/1", "carol/1")
	n.loginAll()
	shardTimers := func() int {
		k := 0
		for _, tm := range n.timers {
			if tm.node == 0 && tm.t.Kind == TimerInviteTimeout {
				k++
			}
		}
		return k
	}
	a := n.invite("alice/1", "bob", "", 10)
	n.advance(time.Second)
	b := n.invite("alice/1", "carol", "", 10)
	n.advance(time.Second)
	c := n.invite("bob/1", "carol", "", 10)
	n.flush()
	if got := shardTimers(); got != 1 {
		t.Fatalf("three invitations of one timeout value: %d shard timers, want 1", got)
	}
	n.do("carol/1", func(cl *Client, now Time) { cl.Accept(now, b, "") })
	n.flush()
	n.take()
	n.advance(8*time.Second + 500*time.Millisecond) // a is due at 10 s
	if got := n.liveOnServers(); got != 1 {
		t.Fatalf("after a's deadline: %d live invitations, want 1 (c)", got)
	}
	n.advance(2 * time.Second) // b ended early; c is due at 12 s
	if got := n.liveOnServers(); got != 0 {
		t.Fatalf("after c's deadline: %d live invitations", got)
	}
	var timeouts []string
	for _, l := range n.take() {
		if l == "alice/1: OnInvitationTimeout("+a+", invitees=[bob])" || l == "bob/1: OnInvitationTimeout("+c+", invitees=[carol])" {
			timeouts = append(timeouts, l)
		}
	}
	if len(timeouts) != 2 {
		t.Fatalf("timeouts reported: %q", timeouts)
	}
	if got := shardTimers(); got != 0 {
		t.Fatalf("nothing left to time out, but %d shard timers are armed", got)
	}
}

// A deadline earlier than the queue's tail (a clock stepping back) is put in
// its place, and the timer is re-armed for it.
func TestDeadlineQueueOutOfOrder(t *testing.T) {
	s := NewServer(ServerConfig{})
	mk := func(deadline Time) int32 {
		r, slot := s.newRecord(strconv.FormatInt(int64(deadline), 10))
		r.tmo, r.deadline = 5, deadline
		s.scheduleTimeout(slot, r)
		return slot
	}
	mk(300)
	mk(100)
	mk(200)
	q := s.deadlineQs[0]
	if len(q.due) != 1 || len(q.late) != 2 || q.late[0].at != 100 || q.late[1].at != 200 {
		t.Fatalf("queue %v, late %v", q.due, q.late)
	}
	if q.armedAt != 100 {
		t.Fatalf("armed at %d, want 100", q.armedAt)
	}
	// Firing takes them in deadline order, whichever list holds them.
	var order []Time
	for _, at := range []Time{100, 200, 300} {
		r, _ := s.earliest(&s.deadlineQs[0])
		order = append(order, r.deadline)
		s.fireTimeouts(at, Timer{Kind: TimerInviteTimeout, Ref: 0, At: s.deadlineQs[0].armedAt})
	}
	if order[0] != 100 || order[1] != 200 || order[2] != 300 || s.invIndex.Len() != 0 {
		t.Fatalf("fired in order %v, %d left", order, s.invIndex.Len())
	}
}

// A timeout the wire and the record cannot hold is refused at once, not sent
// (a shard would drop the frame, and the request would be resent forever).
func TestTimeoutTooLong(t *testing.T) {
	n := newNet(t, ModeServer, 1, "alice/1", "bob/1")
	n.loginAll()
	n.invite("alice/1", "bob", "", maxTimeout+1)
	n.flush()
	if r := n.lastResult("alice/1"); r.Code != CodeInvalidParameters || !strings.Contains(r.Text, "timeout over") {
		t.Fatalf("result %s", r.Describe())
	}
	if n.liveOnServers() != 0 {
		t.Fatal("an invitation was made")
	}
}

// The record's size is what the memory target rests on: 80 bytes.
func TestInvRecordSize(t *testing.T) {
	if got := unsafe.Sizeof(invRecord{}); got != 80 {
		t.Fatalf("invRecord is %d bytes", got)
	}
}

// fireDue fires the shard timers of kind k due by now, as the driver would.
func (n *tnet) fireDue(k TimerKind) {
	for i := 0; i < len(n.timers); {
		tm := n.timers[i]
		if int(tm.node) >= len(n.shards) || tm.t.Kind != k || tm.t.At > n.now {
			i++
			continue
		}
		n.timers = slices.Delete(n.timers, i, i+1)
		n.shards[tm.node].Fire(n.now, tm.t)
		n.collect(tm.node)
	}
}

// The same-instant rule: an accept that reaches the shard at the exact
// instant of its invitation's deadline finds it timed out (8010), whichever
// of the two events the driver delivers first, and whether or not another
// invitation's timeout fired just before and re-armed the timer.
func TestSameInstantRule(t *testing.T) {
	const (
		timerFirst = iota
		frameFirst
		afterOther // another invitation of the same timeout value timed out 1 ms before; the frame comes before the re-armed timer
	)
	run := func(history int) ([]string, *tnet) {
		n := newNet(t, ModeServer, 1, "alice/1", "bob/1", "carol/1")
		n.loginAll()
		if history == afterOther {
			n.invite("alice/1", "carol", "", 5)
			n.flush()
			n.advance(time.Millisecond)
		}
		id := n.invite("alice/1", "bob", "", 5)
		n.flush()
		deadline := n.shards[0].Invitations()[len(n.shards[0].Invitations())-1].Deadline
		n.advance(deadline.Sub(n.now) - 100*time.Millisecond)
		n.take()
		if history == afterOther {
			n.now = deadline.Add(-time.Millisecond)
			n.fireDue(TimerInviteTimeout) // carol's: the queue is re-armed for bob's deadline
			n.flush()
			n.take()
		}
		n.do("bob/1", func(c *Client, now Time) { c.Accept(now, id, "") })
		n.now = deadline // the request arrives at the deadline
		switch history {
		case timerFirst:
			n.fireDue(TimerInviteTimeout)
			n.deliverMatching("REQ")
		case frameFirst, afterOther:
			n.deliverMatching("REQ")
			n.fireDue(TimerInviteTimeout)
		}
		n.flush()
		return sortedLog(n.take()), n
	}
	want := []string{
		"alice/1: OnInvitationTimeout(alice/1.0-1, invitees=[bob])",
		"bob/1: OnInvitationTimeout(alice/1.0-1, invitees=[bob])",
		"bob/1: accept alice/1.0-1 -> 8010 invitation invalid (timed out at this instant: a deadline comes before any frame of its instant)",
	}
	for _, h := range []int{timerFirst, frameFirst, afterOther} {
		got, n := run(h)
		w := want
		if h == afterOther { // bob's is alice's second invitation
			w = nil
			for _, l := range want {
				w = append(w, strings.ReplaceAll(l, "alice/1.0-1", "alice/1.0-2"))
			}
		}
		wantLog(t, got, w...)
		if n.paths[PathAnswerAtDeadline] != 1 {
			t.Errorf("history %d: answer-at-deadline hit %d times, want 1", h, n.paths[PathAnswerAtDeadline])
		}
		if n.liveOnServers() != 0 {
			t.Errorf("history %d: %d invitations live", h, n.liveOnServers())
		}
	}
}

// A nanosecond before its deadline an answer still wins; the timer then finds
// nothing to do.
func TestAnswerJustBeforeDeadlineWins(t *testing.T) {
	n := newNet(t, ModeServer, 1, "alice/1", "bob/1")
	n.loginAll()
	id := n.invite("alice/1", "bob", "", 5)
	n.flush()
	deadline := n.shards[0].Invitations()[0].Deadline
	n.take()
	n.do("bob/1", func(c *Client, now Time) { c.Accept(now, id, "") })
	n.now = deadline - 1
	n.deliverMatching("REQ")
	n.now = deadline
	n.fireDue(TimerInviteTimeout)
	n.flush()
	wantLog(t, sortedLog(n.take()), `alice/1: OnInviteeAccepted(`+id+`, invitee=bob, data="")`, "bob/1: accept "+id+" -> ok")
	if n.paths[PathAnswerAtDeadline] != 0 {
		t.Error("answer-at-deadline hit for an answer before the deadline")
	}
}

// The rule holds in the shard's own time: with its clock ahead, a frame whose
// local arrival time is the deadline loses, whatever the global time.
func TestSameInstantRuleInLocalTime(t *testing.T) {
	s := NewServer(ServerConfig{})
	const skew = Time(7 * time.Second)
	r, slot := s.newRecord("c1")
	r.inviter, r.tmo, r.one[0] = "alice", 5, invitee{user: "bob"}
	r.deadline = skew.Add(5 * time.Second)
	s.scheduleTimeout(slot, r)
	s.Advance()
	// Any frame at the deadline (local) runs the timeouts first, before it is
	// even decoded: here an undecodable one.
	s.Receive(r.deadline, 9, []byte{0xc1})
	if s.invIndex.Len() != 0 {
		t.Fatal("the invitation is still live at its deadline")
	}
	if s.expiredAt != skew.Add(5*time.Second) || !slices.Contains(s.expiredIDs, "c1") {
		t.Fatalf("expired at %d: %v", s.expiredAt, s.expiredIDs)
	}
}
