package apps

import (
	"slices"
	"strconv"
	"strings"
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
	w.At(sec(20), func() { w.CrashFor(r0, 5*time.Second) })
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
	w.At(sec(20), func() { w.CrashFor(bob.Addr, 5*time.Second) })
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
	w.At(sec(20), func() { w.DisconnectFor(alice, 5*time.Second) })
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
	var derr []time.Duration
	c.Observe = func(name string, at engine.Time, v time.Duration) {
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
	if len(derr) != 1 || derr[0] < 25*time.Second {
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
	w.At(sec(20), func() {
		w.PartitionFor([]engine.Addr{bob.Addr}, []engine.Addr{w.RoomNodeAddr(0)}, false, 40*time.Second)
	})
	w.RunQuiet(sec(600))
	noViolation(t, w, c)
	allIdle(t, c, "alice", "bob")
}

// The room node is down when the caller dials: its entry is resent until the
// node is back; the callee's too. The call goes on as usual.
func TestCallRoomNodeDownAtDial(t *testing.T) {
	w, c := inCall(t, 26, 20*time.Second)
	w.At(atMs(500), func() { w.CrashFor(w.RoomNodeAddr(0), 4*time.Second) })
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
	w.At(sec(3), func() { w.CrashFor(w.RoomNodeAddr(0), 1*time.Second) })
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
		// A dial every 8 s: at 20 % loss resends back off (1 s, 2 s, 4 s), and
		// calls closer together find their callee busy more often.
		w.At(sec(int64(1+8*i)), func() {
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
// invitation back: it rings again. Then its previous life's reject is
// applied: the SDK reports it to the new life as a callback (an answer this
// incarnation did not make), and the phone stops ringing — its user having
// accepted, as hung up: it does not join a call an earlier life answered.
func TestCallAnswerOfEarlierLife(t *testing.T) {
	for _, accept := range []bool{false, true} {
		var caller, callee string
		for i := 0; caller == ""; i++ {
			a, b := "a"+strconv.Itoa(i), "b"+strconv.Itoa(i)
			if engine.ShardOf(a, 2) != engine.ShardOf(b, 2) {
				caller, callee = a, b
			}
		}
		o := manual()
		o.JoinTimeout = 20 * time.Second
		w, c := callWorld(t, sim.Options{Seed: 29, Shards: 2}, o, caller, callee)
		inviterShard := engine.Addr(engine.ShardOf(caller, 2))
		d := w.Device(callee)
		w.At(sec(1), func() { c.Dial(caller, callee) })
		w.At(sec(2), func() { w.Pause(inviterShard, 10*time.Second); c.Answer(callee, accept) })
		w.At(sec(3), func() { w.Crash(d.Addr) })
		w.At(sec(4), func() { w.Restart(d.Addr) })
		w.RunQuiet(sec(600))
		noViolation(t, w, c)
		l := story(w)
		if accept {
			mustHave(t, l, "callback "+callee+"/1  OnInviteeAccepted(", "invitee="+callee)
			// The caller saw the callee's first life leave the room: it ends
			// the call as it learns the accept, and announces it; the new
			// life, which does not join a call an earlier life answered,
			// announces it too.
			mustHave(t, l, "call", caller+"/1  invite "+callee+" timeout=0s", `cmd\":\"hangup`)
			mustHave(t, l, "call", callee+"/1  invite "+caller+" timeout=0s", `cmd\":\"hangup`)
			if has(l, callee+"/1  enter-room "+caller+".1") && has(l, "callback "+callee+"/1  OnInviteeAccepted") &&
				slices.IndexFunc(l, func(s string) bool { return strings.Contains(s, callee+"/1  enter-room") }) >
					slices.IndexFunc(l, func(s string) bool { return strings.Contains(s, "callback "+callee+"/1  OnInviteeAccepted") }) {
				t.Error("the new life joined the call")
			}
		} else {
			mustHave(t, l, "callback "+callee+"/1  OnInviteeRejected(", "invitee="+callee+`, data="declined")`)
		}
		if s := c.Stats; s.EarlierAnswers != 1 || s.Rang != 2 || s.Connected != map[bool]int64{true: 1}[accept] {
			t.Errorf("accept %v: stats %+v", accept, s)
		}
		allIdle(t, c, caller, callee)
	}
}

// The callee's device is logged out during the call: its phone hangs up (it
// leaves the room, the caller sees it leave and announces the end, which
// reaches the callee once it logs in again); both talked.
func TestCallLogoutInCall(t *testing.T) {
	w, c := inCall(t, 31, time.Hour)
	bob := w.Device("bob")
	w.At(sec(20), func() { w.Logout(bob) })
	w.At(sec(30), func() { w.Login(bob) })
	w.RunQuiet(sec(600))
	noViolation(t, w, c)
	l := story(w)
	mustHave(t, l, "20000.000ms call", "bob/1  exit-room alice.1")
	mustHave(t, l, "20080.000ms callback alice/1  OnRemoteUserLeaveRoom(alice.1, user=bob, reason=exit)")
	mustHave(t, l, "call", "alice/1  invite bob timeout=0s", `duration\":16}`)
	mustHave(t, l, "call", "bob/1  accept alice/1.0-2") // after its login
	if s := c.Stats; s.HungUp != 1 || s.LoggedOut != 0 || s.Announced != 1 {
		t.Errorf("stats %+v", s)
	}
	allIdle(t, c, "alice", "bob")
}

// The caller's device is logged out while its call rings: the phone gives
// the call up without a word (it can no longer cancel) and leaves the room.
// The callee, not knowing, accepts: the call happened for the server, and
// the callee says so; the caller has no verdict. The callee waits in the
// empty room for the join timeout (no ghost: the caller could tell nobody).
// Logged in again, the caller's phone is idle and can call again.
func TestCallLogoutWhileCalling(t *testing.T) {
	o := auto(1, 0, 1)
	o.RingTime = sim.Const(5 * time.Second)
	o.JoinTimeout = 30 * time.Second
	w, c := callWorld(t, sim.Options{Seed: 32}, o, "alice", "bob")
	alice := w.Device("alice")
	w.At(sec(1), func() { c.Dial("alice", "bob") })
	w.At(sec(3), func() { w.Logout(alice) })
	w.At(sec(10), func() { w.Login(alice) })
	w.RunQuiet(sec(600))
	noViolation(t, w, c)
	l := story(w)
	mustHave(t, l, "3000.000ms call", "alice/1  exit-room alice.1")
	mustHave(t, l, "6080.000ms call", "bob/1  accept alice/1.0-1")
	mustHave(t, l, "call", "bob/1  invite alice timeout=0s", `duration\":0}`) // the join timeout
	if s := c.Stats; s.LoggedOut != 1 || s.JoinTimeouts != 1 || s.Connected != 0 {
		t.Errorf("stats %+v", s)
	}
	allIdle(t, c, "alice", "bob")
}

// The callee's device is logged out while the call rings, and logs in again
// while it is still on: the login's sync brings it back, and it rings again.
func TestCallLogoutWhileRinging(t *testing.T) {
	o := auto(1, 0, 1)
	o.RingTime = sim.Const(5 * time.Second)
	o.TalkTime = sim.Const(10 * time.Second)
	w, c := callWorld(t, sim.Options{Seed: 33}, o, "alice", "bob")
	bob := w.Device("bob")
	w.At(sec(1), func() { c.Dial("alice", "bob") })
	w.At(sec(3), func() { w.Logout(bob) })
	w.At(sec(4), func() { w.Login(bob) })
	w.RunQuiet(sec(600))
	noViolation(t, w, c)
	l := story(w)
	mustHave(t, l, "callback bob/1  OnReceiveNewInvitation(alice/1.0-1", `roomID`)
	if s := c.Stats; s.LoggedOut != 1 || s.Rang != 2 || s.Connected != 1 || s.Announced != 1 {
		t.Errorf("stats %+v", s)
	}
	allIdle(t, c, "alice", "bob")
}
