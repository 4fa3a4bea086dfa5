package engine

import (
	"testing"
	"time"
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
		r, slot := s.newRecord("x")
		r.live, r.timeout, r.deadline = true, 5, deadline
		s.scheduleTimeout(slot, r)
		return slot
	}
	mk(300)
	mk(100)
	mk(200)
	q := s.deadlineQs[0]
	for i, want := range []int64{100, 200, 300} {
		if q.due[i].at != want {
			t.Fatalf("queue order %v", q.due)
		}
	}
	if q.armedAt != 100 {
		t.Fatalf("armed at %d, want 100", q.armedAt)
	}
}
