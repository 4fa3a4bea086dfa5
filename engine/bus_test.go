package engine

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// The shard bus is as reliable as a device session: whatever the network does
// to the frames between shards (loss, duplication, reordering) and whichever
// shard crashes, every frame is applied once, in order. With two shards alice
// lives on s1 and bob on s0, so alice's invitations to bob live on s1 and reach
// bob through s1's DELIVER frames, and bob's answers go to s1 as forwards.

// busPair is a two-shard network with alice (s1) and bob (s0) logged in.
func busPair(t *testing.T) *tnet {
	t.Helper()
	n := newNet(t, ModeServer, 2, "alice/1", "bob/1")
	if ShardOf("alice", 2) != 1 || ShardOf("bob", 2) != 0 {
		t.Fatal("the tests assume alice on s1 and bob on s0")
	}
	n.loginAll()
	return n
}

// dupMatching puts a second copy of the first in-flight frame whose
// description contains s in flight.
func (n *tnet) dupMatching(s string) {
	n.t.Helper()
	for _, m := range n.inflight {
		if strings.Contains(DescribeWire(m.b), s) {
			n.inflight = append(n.inflight, m)
			return
		}
	}
	n.t.Fatalf("no frame %q in flight", s)
}

// settled checks that nothing is left to resend on the bus.
func (n *tnet) busSettled() {
	n.t.Helper()
	for k, s := range n.shards {
		if st := s.Stats(); st.BusUnacked != 0 {
			n.t.Errorf("s%d still holds %d bus frames unacked", k, st.BusUnacked)
		}
	}
}

// count is how many log lines equal l.
func count(log []string, l string) int {
	k := 0
	for _, x := range log {
		if x == l {
			k++
		}
	}
	return k
}

func TestBusLostForwardIsResent(t *testing.T) {
	n := busPair(t)
	id := n.invite("alice/1", "bob", "", 30)
	n.flush()
	n.take()
	n.do("bob/1", func(c *Client, now Time) { c.Accept(now, id, "") })
	if !n.deliverMatching("REQ") {
		t.Fatal("no accept request")
	}
	n.dropMatching("FWD bus=1")
	n.advance(5 * time.Second)
	log := n.take()
	wantLog(t, outcome(log, "alice/1"), `OnInviteeAccepted(`+id+`, invitee=bob, data="")`)
	wantLog(t, outcome(log, "bob/1"), "accept "+id+" -> ok")
	if n.paths[PathBusResend] == 0 {
		t.Error("the forward was not resent (no bus-resend)")
	}
	if n.liveOnServers() != 0 {
		t.Error("the invitation is still live")
	}
	n.busSettled()
}

func TestBusLostReplyIsResent(t *testing.T) {
	n := busPair(t)
	id := n.invite("alice/1", "bob", "", 30)
	n.flush()
	n.take()
	n.do("bob/1", func(c *Client, now Time) { c.Accept(now, id, "") })
	n.deliverMatching("REQ")
	n.deliverMatching("FWD")
	// s1 decided: the echo for bob (DELIVER) and the answer (REPLY) are on the bus.
	n.dropMatching("REPLY")
	n.advance(5 * time.Second)
	log := n.take()
	wantLog(t, outcome(log, "bob/1"), "accept "+id+" -> ok")
	wantLog(t, outcome(log, "alice/1"), `OnInviteeAccepted(`+id+`, invitee=bob, data="")`)
	if n.paths[PathBusResend] == 0 {
		t.Error("the reply was not resent")
	}
	n.busSettled()
}

func TestBusLostDeliverIsResent(t *testing.T) {
	n := busPair(t)
	id := n.invite("alice/1", "bob", "", 30)
	n.deliverMatching("REQ")
	n.dropMatching("DELIVER bus=1")
	n.flush()
	if l := outcome(n.log, "bob/1"); len(l) != 0 {
		t.Fatalf("bob heard %q before the resend", l)
	}
	n.advance(5 * time.Second)
	wantLog(t, outcome(n.take(), "bob/1"), `OnReceiveNewInvitation(`+id+`, inviter=alice, group=, invitees=[bob], data="")`)
	n.busSettled()
}

// A frame delivered twice is applied once; the copy is acked again (the
// sender may have lost the ack).
func TestBusDuplicateIsAppliedOnce(t *testing.T) {
	n := busPair(t)
	id := n.invite("alice/1", "bob", "", 30)
	n.flush()
	n.take()
	n.do("bob/1", func(c *Client, now Time) { c.Accept(now, id, "") })
	n.deliverMatching("REQ")
	n.dupMatching("FWD bus=1")
	n.advance(5 * time.Second)
	log := n.take()
	wantLog(t, outcome(log, "alice/1"), `OnInviteeAccepted(`+id+`, invitee=bob, data="")`)
	wantLog(t, outcome(log, "bob/1"), "accept "+id+" -> ok")
	if n.paths[PathBusDuplicate] != 1 {
		t.Errorf("bus-duplicate hit %d times, want 1", n.paths[PathBusDuplicate])
	}
	if n.paths[PathBusResend] != 0 {
		t.Error("a frame was resent although every one was acked")
	}
	n.busSettled()
}

// Frames that overtake one another on the bus are applied in the order they
// were sent: bob hears of the invitation before its cancel.
func TestBusReorderedFramesApplyInOrder(t *testing.T) {
	n := busPair(t)
	n.busAnyOrder = true
	id := n.invite("alice/1", "bob", "", 30)
	n.deliverMatching("REQ #1")
	n.do("alice/1", func(c *Client, now Time) { c.Cancel(now, id, "") })
	n.deliverMatching("REQ #2")
	n.deliverMatching("DELIVER bus=2") // the cancel, ahead of its turn: kept
	if l := outcome(n.log, "bob/1"); len(l) != 0 {
		t.Fatalf("bob heard %q before the invite", l)
	}
	n.deliverMatching("DELIVER bus=1")
	n.flush()
	wantLog(t, outcome(n.take(), "bob/1"),
		`OnReceiveNewInvitation(`+id+`, inviter=alice, group=, invitees=[bob], data="")`,
		`OnInvitationCancelled(`+id+`, inviter=alice, data="", cancelled=[bob])`)
	n.advance(5 * time.Second)
	if n.paths[PathBusResend] != 0 {
		t.Error("a frame kept ahead of its turn was resent anyway")
	}
	n.busSettled()
}

// Past busAheadMax frames ahead, a shard drops what comes and lets the resend
// bring it: memory stays bounded and nothing is lost.
func TestBusAheadIsBounded(t *testing.T) {
	n := busPair(t)
	n.busAnyOrder = true
	const k = busAheadMax + 10
	var ids []string
	for i := 0; i < k; i++ {
		ids = append(ids, n.invite("alice/1", "bob", "", 0))
		n.deliverMatching("REQ")
	}
	n.dropMatching("DELIVER bus=1")
	for n.deliverMatching("DELIVER") {
	}
	if got := len(n.shards[0].bus[1].ahead); got != busAheadMax {
		t.Fatalf("%d frames kept ahead, want %d", got, busAheadMax)
	}
	n.advance(10 * time.Second)
	got := 0
	for _, l := range n.take() {
		if strings.HasPrefix(l, "bob/1: OnReceiveNewInvitation(") {
			got++
		}
	}
	if got != k {
		t.Fatalf("bob received %d invitations, want %d", got, k)
	}
	if n.shards[0].bus[1].ahead != nil {
		t.Error("the ahead buffer is not released once empty")
	}
	n.busSettled()
}

// The sender crashes with a frame in flight, which is lost: its outbox is
// durable, and it sends the frame again.
func TestBusSenderCrash(t *testing.T) {
	n := busPair(t)
	id := n.invite("alice/1", "bob", "", 30)
	n.deliverMatching("REQ")
	n.dropMatching("DELIVER bus=1")
	n.shards[1].Crash()
	n.do("alice/1", func(c *Client, now Time) { c.Disconnected(now); c.Connected(now) })
	n.advance(5 * time.Second)
	log := n.take()
	wantLog(t, outcome(log, "bob/1"), `OnReceiveNewInvitation(`+id+`, inviter=alice, group=, invitees=[bob], data="")`)
	n.busSettled()
}

// The receiver crashes with a frame in flight, which it never gets, and again
// right after applying one, whose ack is lost: the first is resent, the second
// is resent and recognized, and each is applied once.
func TestBusReceiverCrash(t *testing.T) {
	n := busPair(t)
	id := n.invite("alice/1", "bob", "", 30)
	n.deliverMatching("REQ")
	n.dropMatching("DELIVER bus=1") // lost as s0 goes down
	n.shards[0].Crash()
	n.do("bob/1", func(c *Client, now Time) { c.Disconnected(now); c.Connected(now) })
	n.advance(5 * time.Second)
	wantLog(t, outcome(n.take(), "bob/1"), `OnReceiveNewInvitation(`+id+`, inviter=alice, group=, invitees=[bob], data="")`)
	n.busSettled()

	n.do("alice/1", func(c *Client, now Time) { c.Cancel(now, id, "") })
	n.deliverMatching("REQ")
	n.deliverMatching("DELIVER bus=2")
	// s0 applied the cancel; it crashes, and its ack never reaches s1.
	n.inflight = slices.DeleteFunc(n.inflight, func(m tmsg) bool { return m.from == 0 || m.to == 0 })
	n.shards[0].Crash()
	n.lose = func(m tmsg) bool { return WireType(m.b) == FrameBusAck }
	n.do("bob/1", func(c *Client, now Time) { c.Disconnected(now); c.Connected(now) })
	n.advance(500 * time.Millisecond)
	n.lose = nil
	n.advance(5 * time.Second)
	wantLog(t, outcome(n.take(), "bob/1"), `OnInvitationCancelled(`+id+`, inviter=alice, data="", cancelled=[bob])`)
	if n.paths[PathBusDuplicate] == 0 {
		t.Error("the resent cancel was not recognized as applied")
	}
	if got := len(n.shards[0].Timeline("bob")); got != 2 {
		t.Errorf("bob's timeline holds %d messages, want 2 (invite, cancel)", got)
	}
	n.busSettled()
}

// A bus frame from an address that is no peer shard is dropped with a note,
// not taken for one.
func TestBusFrameFromNonShardDropped(t *testing.T) {
	s := NewServer(ServerConfig{Shard: 0, Shards: 2})
	for _, from := range []Addr{0, 2, 9, -1} {
		s.Receive(0, from, EncodeFrame(&Frame{Type: FrameBusAck, BusAck: 1}))
		if o := s.Ready(); len(o.Notes) != 1 || !strings.Contains(o.Notes[0].Text, "no peer shard") {
			t.Errorf("from %d: notes %v", from, o.Notes)
		}
		s.Advance()
	}
}

// A forward, reply or deliver without its place on the bus does not decode.
func TestBusFrameWithoutSequenceRejected(t *testing.T) {
	for _, ty := range []FrameType{FrameForward, FrameReply, FrameDeliver} {
		f := Frame{Type: ty, Op: OpAccept, Info: SignalingInfo{ActionType: ActionAccept}, Msg: &Message{Conv: ConvC2C, Elem: ElemText}}
		b := EncodeFrame(&f)
		if _, err := DecodeFrame(b); err == nil || !strings.Contains(err.Error(), "busSeq") {
			t.Errorf("%s without BusSeq: %v", ty, err)
		}
		f.BusSeq = 1
		if _, err := DecodeFrame(EncodeFrame(&f)); err != nil {
			t.Errorf("%s with BusSeq 1: %v", ty, err)
		}
	}
}
