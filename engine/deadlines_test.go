package engine

import (
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
	n.advance(int64(time.Second))
	b := n.invite("alice/1", "carol", "", 10)
	n.advance(int64(time.Second))
	c := n.invite("bob/1", "carol", "", 10)
	n.flush()
	if got := shardTimers(); got != 1 {
		t.Fatalf("three invitations of one timeout value: %d shard timers, want 1", got)
	}
	n.do("carol/1", func(cl *Client, now int64) { cl.Accept(now, b, "") })
	n.flush()
	n.take()
	n.advance(int64(8*time.Second) + int64(500*time.Millisecond)) // a is due at 10 s
	if got := n.liveOnServers(); got != 1 {
		t.Fatalf("after a's deadline: %d live invitations, want 1 (c)", got)
	}
	n.advance(int64(2 * time.Second)) // b ended early; c is due at 12 s
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
	mk := func(deadline int64) int32 {
		r, slot := s.newRecord(strconv.FormatInt(deadline, 10))
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
	var order []int64
	for _, at := range []int64{100, 200, 300} {
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
