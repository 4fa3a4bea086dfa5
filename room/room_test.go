package room

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"sigsim/engine"
)

func wantLog(t *testing.T, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("log:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestEnterVideoExit(t *testing.T) {
	n := newRnet(t, 1, "alice/1", "bob/1", "carol/1")
	n.enter("alice/1", "c1")
	n.settle()
	wantLog(t, n.take(), "r0: room c1 entered alice", "alice/1: OnEnterRoom(c1, ok)")
	n.video("alice/1", "c1", true)
	n.enter("bob/1", "c1")
	n.settle()
	wantLog(t, n.take(),
		"r0: room c1 video alice on",
		"r0: room c1 entered bob",
		"bob/1: OnEnterRoom(c1, ok)",
		"bob/1: OnRemoteUserEnterRoom(c1, user=alice)",
		"bob/1: OnUserVideoAvailable(c1, user=alice, available=true)",
		"alice/1: OnRemoteUserEnterRoom(c1, user=bob)")
	n.video("bob/1", "c1", true)
	n.video("bob/1", "c1", true) // no change, no callback
	n.enter("carol/1", "c1")
	n.settle()
	wantLog(t, n.take(),
		"r0: room c1 video bob on",
		"r0: room c1 entered carol",
		"alice/1: OnUserVideoAvailable(c1, user=bob, available=true)",
		"carol/1: OnEnterRoom(c1, ok)",
		"carol/1: OnRemoteUserEnterRoom(c1, user=alice)",
		"carol/1: OnUserVideoAvailable(c1, user=alice, available=true)",
		"alice/1: OnRemoteUserEnterRoom(c1, user=carol)",
		"carol/1: OnRemoteUserEnterRoom(c1, user=bob)",
		"carol/1: OnUserVideoAvailable(c1, user=bob, available=true)",
		"bob/1: OnRemoteUserEnterRoom(c1, user=carol)")
	if got := n.nodes[0].Members("c1"); !slices.Equal(got, []string{"alice", "bob", "carol"}) {
		t.Errorf("members %v", got)
	}
	n.exit("bob/1", "c1")
	n.settle()
	wantLog(t, n.take(),
		"r0: room c1 left bob reason=exit",
		"bob/1: OnExitRoom(c1, reason=exit)",
		"alice/1: OnRemoteUserLeaveRoom(c1, user=bob, reason=exit)",
		"carol/1: OnRemoteUserLeaveRoom(c1, user=bob, reason=exit)")
	n.converged()
	n.exit("alice/1", "c1")
	n.exit("carol/1", "c1")
	n.settle()
	if rooms := n.nodes[0].Rooms(); len(rooms) != 0 {
		t.Errorf("rooms left behind: %v", rooms)
	}
}

// Roles: the audience is unseen; an anchor is seen to enter, switch, leave.
func TestAudienceAndRoles(t *testing.T) {
	n := newRnet(t, 1, "teacher/1", "s1/1", "s2/1")
	n.enter("teacher/1", "class")
	n.video("teacher/1", "class", true)
	n.settle()
	n.take()
	for _, s := range []string{"s1/1", "s2/1"} {
		n.dev(s).EnterRoomAs(n.now, "class", RoleAudience)
		n.collect(n.addr(s))
	}
	n.settle()
	wantLog(t, n.take(),
		"r0: room class entered s1 audience",
		"r0: room class entered s2 audience",
		"s1/1: OnEnterRoom(class, ok)",
		"s1/1: OnRemoteUserEnterRoom(class, user=teacher)",
		"s1/1: OnUserVideoAvailable(class, user=teacher, available=true)",
		"s2/1: OnEnterRoom(class, ok)",
		"s2/1: OnRemoteUserEnterRoom(class, user=teacher)",
		"s2/1: OnUserVideoAvailable(class, user=teacher, available=true)")
	n.video("s1/1", "class", true) // the audience has no camera
	n.settle()
	wantLog(t, n.take())
	// s1 goes on mic: an anchor, camera on; then back to the audience.
	n.dev("s1/1").SwitchRole(n.now, "class", RoleAnchor)
	n.collect(n.addr("s1/1"))
	n.video("s1/1", "class", true)
	n.settle()
	wantLog(t, n.take(),
		"r0: room class role s1 anchor",
		"r0: room class video s1 on",
		"teacher/1: OnRemoteUserEnterRoom(class, user=s1)",
		"s2/1: OnRemoteUserEnterRoom(class, user=s1)",
		"teacher/1: OnUserVideoAvailable(class, user=s1, available=true)",
		"s2/1: OnUserVideoAvailable(class, user=s1, available=true)")
	n.converged()
	n.dev("s1/1").SwitchRole(n.now, "class", RoleAudience)
	n.collect(n.addr("s1/1"))
	n.settle()
	wantLog(t, n.take(),
		"r0: room class video s1 off",
		"r0: room class role s1 audience",
		"teacher/1: OnUserVideoAvailable(class, user=s1, available=false)",
		"s2/1: OnUserVideoAvailable(class, user=s1, available=false)",
		"teacher/1: OnRemoteUserLeaveRoom(class, user=s1, reason=role)",
		"s2/1: OnRemoteUserLeaveRoom(class, user=s1, reason=role)")
	n.exit("s2/1", "class") // an audience member leaves unseen
	n.settle()
	wantLog(t, n.take(), "r0: room class left s2 reason=exit", "s2/1: OnExitRoom(class, reason=exit)")
	n.converged()
}

func TestLocalErrors(t *testing.T) {
	n := newRnet(t, 1, "alice/1")
	n.enter("alice/1", "")
	n.exit("alice/1", "nowhere")
	n.enter("alice/1", "c1")
	n.enter("alice/1", "c1") // entering already
	n.settle()
	wantLog(t, n.take(),
		"alice/1: OnEnterRoom(, -1001 invalid)",
		"alice/1: OnExitRoom(nowhere, reason=exit, -3302 not in room)",
		"alice/1: OnEnterRoom(c1, -1001 invalid)",
		"r0: room c1 entered alice",
		"alice/1: OnEnterRoom(c1, ok)")
	n.video("alice/1", "c2", true) // not in it: nothing sent
	if len(n.inflight) != 0 {
		t.Errorf("video in a room the device is not in sent %d frames", len(n.inflight))
	}
}

// An exit called while the entry is pending: the app hears nothing of the
// entry, only that it is out.
func TestExitWhileEntering(t *testing.T) {
	n := newRnet(t, 1, "alice/1", "bob/1")
	n.enter("bob/1", "c1")
	n.settle()
	n.take()
	n.enter("alice/1", "c1")
	n.exit("alice/1", "c1")
	n.settle()
	wantLog(t, n.take(),
		"r0: room c1 entered alice",
		"r0: room c1 left alice reason=exit",
		"bob/1: OnRemoteUserEnterRoom(c1, user=alice)",
		"alice/1: OnExitRoom(c1, reason=exit)",
		"bob/1: OnRemoteUserLeaveRoom(c1, user=alice, reason=exit)")
	n.converged()
}

func TestNodeCrashLosesRooms(t *testing.T) {
	n := newRnet(t, 2, "alice/1", "bob/1")
	// c1 and c3 hash to different nodes of two.
	r0, r1 := "", ""
	for i := 0; r0 == "" || r1 == ""; i++ {
		id := fmt.Sprintf("c%d", i)
		if NodeOf(id, 2) == 0 && r0 == "" {
			r0 = id
		} else if NodeOf(id, 2) == 1 && r1 == "" {
			r1 = id
		}
	}
	n.enter("alice/1", r0)
	n.enter("bob/1", r0)
	n.enter("alice/1", r1)
	n.settle()
	n.take()
	n.enter("bob/1", r0+"x") // pending when the node crashes? only if it lives there
	n.crashNode(0)
	n.settle()
	log := n.take()
	for _, want := range []string{"alice/1: OnExitRoom(" + r0 + ", reason=lost)", "bob/1: OnExitRoom(" + r0 + ", reason=lost)"} {
		if !slices.Contains(log, want) {
			t.Errorf("missing %q in %v", want, log)
		}
	}
	if got := n.dev("alice/1").Rooms(); !slices.Equal(got, []string{r1}) {
		t.Errorf("alice is in %v after the crash of r0, want [%s]", got, r1)
	}
	if len(n.nodes[0].Rooms()) != 0 || n.nodes[0].Sessions() != 0 {
		t.Errorf("a crashed node kept %v, %d sessions", n.nodes[0].Rooms(), n.nodes[0].Sessions())
	}
	// The node is back, empty: entering again works, on a new session.
	n.enter("alice/1", r0)
	n.enter("bob/1", r0)
	n.settle()
	if got := n.nodes[0].Members(r0); !slices.Equal(got, []string{"alice", "bob"}) {
		t.Errorf("after re-entering, %s has %v", r0, got)
	}
	n.converged()
}

// An entry pending when its node crashes fails with CodeLost.
func TestNodeCrashFailsPendingEntry(t *testing.T) {
	n := newRnet(t, 1, "alice/1")
	n.enter("alice/1", "c1")
	n.crashNode(0) // before the request arrives
	n.settle()
	wantLog(t, n.take(), "alice/1: OnEnterRoom(c1, -3301 room server lost)")
	if len(n.dev("alice/1").Rooms()) != 0 {
		t.Error("in a room after a failed entry")
	}
}

func TestDeviceDisconnectLeaves(t *testing.T) {
	n := newRnet(t, 1, "alice/1", "bob/1")
	n.enter("alice/1", "c1")
	n.enter("bob/1", "c1")
	n.settle()
	n.take()
	n.disconnect("bob/1")
	n.settle()
	wantLog(t, n.take(),
		"r0: room c1 left bob reason=lost",
		"bob/1: OnExitRoom(c1, reason=lost)",
		"alice/1: OnRemoteUserLeaveRoom(c1, user=bob, reason=lost)")
	n.converged()
}

// A node that lost a session the device still has (it restarted without the
// device's connection being reset) answers with Reset: the device learns its
// rooms there are lost. A new session whose first request is overtaken is
// not mistaken for a lost one.
func TestResetOfLostSession(t *testing.T) {
	n := newRnet(t, 1, "alice/1", "bob/1")
	n.enter("alice/1", "c1")
	n.settle()
	n.take()
	n.nodes[0].Crash() // the device is not told
	n.video("alice/1", "c1", true)
	n.settle()
	wantLog(t, n.take(), "alice/1: OnExitRoom(c1, reason=lost)")
	if len(n.dev("alice/1").Sessions()) != 0 {
		t.Error("the session survived its reset")
	}

	// bob's first two requests arrive in reverse order.
	n.enter("bob/1", "c2")
	n.enter("bob/1", "c3")
	slices.Reverse(n.inflight)
	n.settle()
	wantLog(t, n.take(),
		"r0: room c2 entered bob",
		"bob/1: OnEnterRoom(c2, ok)",
		"r0: room c3 entered bob",
		"bob/1: OnEnterRoom(c3, ok)")
	n.converged()
}

// The same user entering from a second device takes the first one's place.
func TestKickedBySameUser(t *testing.T) {
	n := newRnet(t, 1, "alice/1", "bob/1", "bob/2")
	n.enter("alice/1", "c1")
	n.enter("bob/1", "c1")
	n.settle()
	n.take()
	n.enter("bob/2", "c1")
	n.settle()
	wantLog(t, n.take(),
		"r0: room c1 left bob reason=kicked",
		"r0: room c1 entered bob",
		"bob/2: OnEnterRoom(c1, ok)",
		"bob/1: OnExitRoom(c1, reason=kicked)",
		"alice/1: OnRemoteUserLeaveRoom(c1, user=bob, reason=kicked)",
		"bob/2: OnRemoteUserEnterRoom(c1, user=alice)",
		"alice/1: OnRemoteUserEnterRoom(c1, user=bob)")
	n.converged()
	// Alone in a room, kicked by itself: the room stays, with the newcomer.
	n.enter("bob/1", "c9")
	n.settle()
	n.enter("bob/2", "c9")
	n.settle()
	if got := n.nodes[0].Members("c9"); !slices.Equal(got, []string{"bob"}) {
		t.Errorf("c9 has %v after bob/2 took bob/1's place", got)
	}
	n.converged()
}

// A device that restarts (a new incarnation) while the node still has its old
// session: the new session replaces the old one, whose rooms are left.
func TestRestartedDeviceReplacesSession(t *testing.T) {
	n := newRnet(t, 1, "alice/1", "bob/1")
	n.enter("alice/1", "c1")
	n.enter("bob/1", "c1")
	n.settle()
	n.take()
	n.add("bob/1", 1)
	n.enter("bob/1", "c2")
	n.settle()
	wantLog(t, n.take(),
		"r0: room c1 left bob reason=lost",
		"r0: room c2 entered bob",
		"alice/1: OnRemoteUserLeaveRoom(c1, user=bob, reason=lost)",
		"bob/1: OnEnterRoom(c2, ok)")
	n.converged()
}

// A partition loses nothing: requests and items are resent until it heals.
func TestPartitionHeals(t *testing.T) {
	n := newRnet(t, 1, "alice/1", "bob/1")
	n.enter("alice/1", "c1")
	n.settle()
	n.take()
	bob := n.addr("bob/1")
	n.cut[[2]engine.Addr{bob, 0}] = true
	n.cut[[2]engine.Addr{0, bob}] = true
	n.enter("bob/1", "c1")
	for range 50 {
		n.step()
	}
	if len(n.log) != 0 {
		t.Fatalf("something crossed the partition: %v", n.log)
	}
	clear(n.cut)
	n.settle()
	wantLog(t, n.take(),
		"r0: room c1 entered bob",
		"bob/1: OnEnterRoom(c1, ok)",
		"bob/1: OnRemoteUserEnterRoom(c1, user=alice)",
		"alice/1: OnRemoteUserEnterRoom(c1, user=bob)")
	n.converged()
}

// script runs a seeded sequence of room operations, letting the network settle
// after each, and returns each node's and device's log. Settling after each
// operation leaves no race between devices, so whatever the network does
// underneath — loss, duplication, reordering — each log must be the same as
// on a perfect one: every request applied once, every callback reported once,
// in order. (Only how the logs of different devices interleave may differ.)
func script(t *testing.T, seed uint64, loss, dup float64, shuffle bool) (map[string][]string, int) {
	devs := []string{"alice/1", "bob/1", "bob/2", "carol/1"}
	rooms := []string{"c1", "c2", "c3", "c4", "c5"}
	n := newRnet(t, 2, devs...)
	if loss > 0 || dup > 0 || shuffle {
		n.rng = rand.New(rand.NewPCG(seed, 99))
		n.loss, n.dup, n.shuffle = loss, dup, shuffle
	}
	ops := rand.New(rand.NewPCG(seed, 7))
	for range 80 {
		d, room := devs[ops.IntN(len(devs))], rooms[ops.IntN(len(rooms))]
		switch ops.IntN(6) {
		case 0, 1:
			n.enter(d, room)
		case 2:
			n.dev(d).EnterRoomAs(n.now, room, RoleAudience)
			n.collect(n.addr(d))
		case 3:
			n.exit(d, room)
		case 4:
			n.dev(d).SwitchRole(n.now, room, Role(ops.IntN(2)))
			n.collect(n.addr(d))
		default:
			n.video(d, room, ops.IntN(2) == 0)
		}
		n.settle()
		n.converged()
	}
	logs := map[string][]string{}
	for _, l := range n.take() {
		who, what, _ := strings.Cut(l, ": ")
		logs[who] = append(logs[who], what)
	}
	return logs, n.frames
}

func TestExactlyOnceInOrderUnderFaults(t *testing.T) {
	for seed := range uint64(30) {
		want, clean := script(t, seed, 0, 0, false)
		got, faulty := script(t, seed, 0.3, 0.2, true)
		for _, who := range slices.Sorted(maps.Keys(want)) {
			if !slices.Equal(got[who], want[who]) {
				t.Fatalf("seed %d: with loss, duplication and reordering the log of %s differs:\n%s\nwant:\n%s",
					seed, who, strings.Join(got[who], "\n"), strings.Join(want[who], "\n"))
			}
		}
		if len(got) != len(want) || len(want["r0"]) == 0 || len(want["r1"]) == 0 {
			t.Fatalf("seed %d: logs of %d nodes and devices, want %d; the script used r0 %d and r1 %d times", seed, len(got), len(want), len(want["r0"]), len(want["r1"]))
		}
		if faulty <= clean {
			t.Fatalf("seed %d: the faulty run moved %d frames, the clean one %d: faults did nothing", seed, faulty, clean)
		}
	}
}

func TestCodecRoundTrip(t *testing.T) {
	frames := []Frame{
		{Type: FrameRequest, Epoch: 1<<32 | 3, Seq: 7, ReqID: 300, Low: 299, Op: OpVideo, Room: "c1", User: "alice", Device: "1", Flag: true},
		{Type: FrameAck, Epoch: 5, Seq: 1 << 40},
		{Type: FrameItem, Epoch: 5, Seq: 9, Item: ItemResponse, ReqID: 4, Op: OpEnter, Code: CodeLost, Room: strings.Repeat("r", 300)},
		{Type: FrameItem, Epoch: 5, Seq: 10, Item: ItemLeft, Room: "c1", User: "bob", Reason: ReasonKicked},
		{Type: FrameReset, Epoch: 2},
	}
	for _, f := range frames {
		b := Encode(&f)
		if len(b) != cap(b) || len(b) != size(&f) {
			t.Errorf("%s: %d bytes, %d of capacity, size %d", f.Describe(), len(b), cap(b), size(&f))
		}
		var g Frame
		if err := Decode(b, &g); err != nil {
			t.Fatalf("%s: %v", f.Describe(), err)
		}
		if g != f {
			t.Errorf("round trip of %s gave %s", f.Describe(), g.Describe())
		}
		if DescribeWire(b) != f.Describe() {
			t.Errorf("DescribeWire %q, Describe %q", DescribeWire(b), f.Describe())
		}
	}
	if got := frames[0].Describe(); got != "REQ e=4294967299 #300 video room=c1 by=alice/1 on ack=7 low=299" {
		t.Errorf("Describe: %s", got)
	}
	for _, bad := range [][]byte{nil, {0x91}, {0x92, 0x09, 0x01}, {0x92, 0x00, 0x01}, {0x93, 0x02, 0x01, 0x01, 0x00},
		{0x92, 0x04, 0xcf}, {0x9a, 0x01, 0x01, 0x00, 0x01, 0x01, 0x00, 0xa1, 'c', 0xa1, 'a', 0xa1, '1', 0xc2}} {
		var f Frame
		if err := Decode(bad, &f); err == nil {
			t.Errorf("% x decoded as %s", bad, f.Describe())
		} else if !strings.HasPrefix(err.Error(), "room frame") {
			t.Errorf("% x: error %q does not say what it is about", bad, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, fr := range []Frame{
		{Type: FrameRequest, Epoch: 1, ReqID: 1, Low: 1, Op: OpEnter, Room: "c1", User: "a", Device: "1"},
		{Type: FrameItem, Epoch: 1, Seq: 2, Item: ItemVideo, Room: "c1", User: "b", Flag: true},
		{Type: FrameAck, Epoch: 1, Seq: 2},
		{Type: FrameReset, Epoch: 9},
	} {
		f.Add(Encode(&fr))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var fr Frame
		if err := Decode(b, &fr); err != nil {
			return
		}
		// What decodes re-encodes, at its exact size, to something that
		// decodes to the same frame.
		var again Frame
		if b := Encode(&fr); len(b) != size(&fr) {
			t.Fatalf("%s: %d bytes, size says %d", fr.Describe(), len(b), size(&fr))
		}
		if err := Decode(Encode(&fr), &again); err != nil || again != fr {
			t.Fatalf("% x decoded to %s, which re-encodes to %s (%v)", b, fr.Describe(), again.Describe(), err)
		}
		_ = fr.Describe()
	})
}
