package apps

import (
	"strconv"
	"testing"
	"time"

	"sigsim/engine"
	"sigsim/sim"
)

// inCall sets up alice calling bob at 1 s; bob accepts after 2 s and they talk
// for talk, the caller hanging up (the call is on from about 3.16 s).
func inCall(t *testing.T, seed uint64, talk time.Duration) (*sim.World, *Calls) {
	o := auto(1, 0, 1)
	o.TalkTime = sim.Const(talk)
	w, c := callWorld(t, sim.Options{Seed: seed}, o, "alice", "bob")
	w.At(sec(1), func() { c.Dial("alice", "bob") })
	return w, c
}

func allIdle(t *testing.T, c *Calls, users ...string) {
	t.Helper()
	for _, u := range users {
		if !c.Idle(u) {
			t.Errorf("%s: %s", u, c.State(u))
		}
	}
	if n := c.Checker().Live(); n != 0 {
		t.Errorf("%d call records left", n)
	}
}

// The room node crashes during the call: both phones lose the room and end
// the call, both "talked"; neither announces (neither saw the other leave).
func TestCallRoomNodeCrash(t *testing.T) {
	w, c := inCall(t, 21, time.Hour)
	r0 := w.RoomNodeAddr(0)
	w.At(sec(20), func() { w.CrashFor(r0, sec(5)) })
	w.RunQuiet(sec(600))
	noViolation(t, w, c)
	l := story(w)
	mustHave(t, l, "20000.000ms callback alice/1  OnExitRoom(alice.1, reason=lost)")
	mustHave(t, l, "20000.000ms callback bob/1  OnExitRoom(alice.1, reason=lost)")
	if s := c.Stats; s.RoomsLost != 2 || s.Announced != 0 || s.HungUp != 2 {
		t.Errorf("stats %+v", s)
	}
	allIdle(t, c, "alice", "bob")
}

// The callee's device crashes during the call: the room tells the caller it
// left (lost); the caller announces the end, which the callee's restarted
// phone receives at login and closes.
func TestCallCalleeCrash(t *testing.T) {
	w, c := inCall(t, 22, time.Hour)
	bob := w.Device("bob")
	w.At(sec(20), func() { w.CrashFor(bob.Addr, sec(5)) })
	w.RunQuiet(sec(600))
	noViolation(t, w, c)
	l := story(w)
	mustHave(t, l, "20040.000ms callback alice/1  OnRemoteUserLeaveRoom(alice.1, user=bob, reason=lost)")
	mustHave(t, l, "20040.000ms call", `alice/1  invite bob timeout=0s`, `duration\":16}`)
	mustHave(t, l, "call", "bob/1  accept alice/1.0-2") // the restarted phone closes the announcement
	allIdle(t, c, "alice", "bob")
}

// The caller loses its network during the call: its room is lost, it ends
// the call; the callee sees it leave and announces; the announcement reaches
// the caller once it is back.
func TestCallCallerDisconnect(t *testing.T) {
	w, c := inCall(t, 23, time.Hour)
	alice := w.Device("alice")
	w.At(sec(20), func() { w.DisconnectFor(alice, sec(5)) })
	w.RunQuiet(sec(600))
	noViolation(t, w, c)
	l := story(w)
	mustHave(t, l, "20000.000ms callback alice/1  OnExitRoom(alice.1, reason=lost)")
	mustHave(t, l, "20040.000ms callback bob/1  OnRemoteUserLeaveRoom(alice.1, user=alice, reason=lost)")
	mustHave(t, l, "callback alice/1  OnReceiveNewInvitation(bob/1.0-1", `cmd\":\"hangup`)
	allIdle(t, c, "alice", "bob")
}

// The callee is cut off from the room node while the caller hangs up: it
// hears of it only when the partition heals, and announces the duration it
// saw — longer than the room overlap by the delay, which the duration check
// measures and allows. Nobody is a ghost: the bound counts from the heal.
func TestCallPartitionAtHangUp(t *testing.T) {
	w, c := inCall(t, 24, 30*time.Second)
	bob := w.Device("bob")
	var derr []int64
	c.Observe = func(name string, at, v int64) {
		if name == "duration_error" {
			derr = append(derr, v)
		}
	}
	w.At(sec(20), func() { w.Partition([]engine.Addr{bob.Addr}, []engine.Addr{w.RoomNodeAddr(0)}, false) })
	w.At(sec(60), w.HealAll)
	w.RunQuiet(sec(600))
	noViolation(t, w, c)
	l := story(w)
	mustHave(t, l, "33160.000ms call", "alice/1  exit-room alice.1")
	mustHave(t, l, "callback bob/1  OnRemoteUserLeaveRoom(alice.1, user=alice, reason=exit)")
	if len(derr) != 1 || derr[0] < sec(25) {
		t.Errorf("duration errors %v: the announced duration should include the partition", derr)
	}
	allIdle(t, c, "alice", "bob")
}

// The same partition, lifted by its own end rather than HealAll: the ghost
// bound counts from its end too (the checker waits while a fault holds up a
// party), so bob is no ghost.
func TestCallPartitionEndsByItself(t *testing.T) {
	w, c := inCall(t, 25, 30*time.Second)
	bob := w.Device("bob")
	w.At(sec(20), func() { w.PartitionFor([]engine.Addr{bob.Addr}, []engine.Addr{w.RoomNodeAddr(0)}, false, sec(40)) })
	w.RunQuiet(sec(600))
	noViolation(t, w, c)
	allIdle(t, c, "alice", "bob")
}

// The room node is down when the caller dials: its entry is resent until the
// node is back; the callee's too. The call goes on as usual.
func TestCallRoomNodeDownAtDial(t *testing.T) {
	w, c := inCall(t, 26, 20*time.Second)
	w.At(ms(500), func() { w.CrashFor(w.RoomNodeAddr(0), sec(4)) })
	w.RunQuiet(sec(600))
	noViolation(t, w, c)
	if s := c.Stats; s.Connected != 1 || s.Announced != 1 || s.RoomsLost != 0 {
		t.Errorf("stats %+v", s)
	}
	allIdle(t, c, "alice", "bob")
}

// The caller loses its room while the call rings: it gives the call up
// (cancels), and the callee stops ringing.
func TestCallRoomLostWhileRinging(t *testing.T) {
	o := auto(1, 0, 1)
	o.RingTime = sim.Const(10 * time.Second)
	w, c := callWorld(t, sim.Options{Seed: 27}, o, "alice", "bob")
	w.At(sec(1), func() { c.Dial("alice", "bob") })
	w.At(sec(3), func() { w.CrashFor(w.RoomNodeAddr(0), sec(1)) })
	w.RunQuiet(sec(600))
	noViolation(t, w, c)
	l := story(w)
	mustHave(t, l, "3000.000ms callback alice/1  OnExitRoom(alice.1, reason=lost)")
	mustHave(t, l, "3000.000ms call", "alice/1  cancel alice/1.0-1")
	mustHave(t, l, "callback bob/1  OnInvitationCancelled(alice/1.0-1")
	allIdle(t, c, "alice", "bob")
}

// Loss, duplication and reordering on every link change nothing a phone
// sees, only when.
func TestCallLossyLinks(t *testing.T) {
	o := auto(1, 0, 0.5)
	o.TalkTime = sim.Exp(20 * time.Second)
	w, c := callWorld(t, sim.Options{Seed: 28, Link: sim.LinkOptions{Latency: sim.Uniform(10*time.Millisecond, 90*time.Millisecond),
		Loss: 0.2, Dup: 0.1, Reorder: 0.3}}, o, "alice", "bob", "carol", "dave")
	users := []string{"alice", "bob", "carol", "dave"}
	for i := range 20 {
		a, b := users[i%4], users[(i+1+i/4)%4]
		if a == b {
			continue
		}
		w.At(sec(int64(1+5*i)), func() {
			if c.Idle(a) {
				c.Dial(a, b)
			}
		})
	}
	w.RunQuiet(sec(3000))
	noViolation(t, w, c)
	if s := c.Stats; s.Connected < 5 || s.Announced < 5 {
		t.Errorf("stats %+v", s)
	}
	if rc := w.RoomCounts(); rc.Drops == 0 || rc.Dups == 0 {
		t.Errorf("room counts %+v: the room links were not lossy", rc)
	}
	allIdle(t, c, users...)
	if v := w.CheckRooms(); len(v) != 0 {
		t.Error(v)
	}
}

// The callee rejects and crashes before its reject is applied (the
// inviter's shard is paused); it restarts, and its login's sync brings the
// invitation back, then its previous life's reject — as its own, with no
// callback. The phone, ringing again, finds its SDK no longer has the
// invitation once it should be over, and stops (EndsUnheard).
func TestCallEndUnheardAfterRestart(t *testing.T) {
	var caller, callee string
	for i := 0; caller == ""; i++ {
		a, b := "a"+strconv.Itoa(i), "b"+strconv.Itoa(i)
		if engine.ShardOf(a, 2) != engine.ShardOf(b, 2) {
			caller, callee = a, b
		}
	}
	w, c := callWorld(t, sim.Options{Seed: 29, Shards: 2}, manual(), caller, callee)
	inviterShard := engine.Addr(engine.ShardOf(caller, 2))
	d := w.Device(callee)
	w.At(sec(1), func() { c.Dial(caller, callee) })
	w.At(sec(2), func() { w.Pause(inviterShard, sec(10)); c.Answer(callee, false) })
	w.At(sec(3), func() { w.Crash(d.Addr) })
	w.At(sec(4), func() { w.Restart(d.Addr) })
	w.RunQuiet(sec(600))
	noViolation(t, w, c)
	if c.Stats.EndsUnheard != 1 || c.Stats.Rang != 2 {
		t.Errorf("stats %+v", c.Stats)
	}
	allIdle(t, c, caller, callee)
}
