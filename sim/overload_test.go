package sim

import (
	"strconv"
	"testing"
	"time"

	"sigsim/engine"
)

// overloadRun offers one shard 20 s of invitations above its capacity (a
// frame costs 1 ms: an invitation is 2 frames at the shard, its request and
// one ack, and 600 come a second, 1.2 times what it serves), from 2,000
// devices that each invite every 3 s or so (too seldom for one device's
// estimate to learn the queue ahead of its request), then 150 a second. It returns the request frames
// sent per invitation, the push frames per push, the longest wait in the
// queue and when the invitations stopped waiting: the queue's delay fell
// back under 100 ms for good.
func overloadRun(t *testing.T, o Options) (reqPerInvite, pushPerPush float64, maxWait time.Duration, drained engine.Time) {
	t.Helper()
	const n = 2000
	o.Seed, o.Service, o.NoChecks = 1, Const(time.Millisecond), true
	w, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	devs := make([]*Device, n)
	for i := range devs {
		if devs[i], err = w.AddDevice("u"+strconv.Itoa(i), "1"); err != nil {
			t.Fatal(err)
		}
		d := devs[i]
		w.At(engine.Time(int64(i)*int64(msec(2))), func() { w.Login(d) }) // half the shard's capacity
	}
	w.RunUntil(engine.Time(msec(6000)))
	reqs0, push0 := w.Counts.SendsByType[engine.FrameRequest], w.Counts.SendsByType[engine.FramePush]
	w.Hooks.Queued = func(at engine.Time, shard int, wait time.Duration) {
		maxWait = max(maxWait, wait)
		if wait > msec(100) {
			drained = 0
		} else if drained == 0 {
			drained = at
		}
	}
	invites := 0
	invite := func(at engine.Time) {
		i := invites
		invites++
		w.At(at, func() { w.Invite(devs[i%n], "u"+strconv.Itoa((i+1)%n), "", false, nil, 0) })
	}
	for at := engine.Time(msec(6000)); at < engine.Time(msec(26000)); at = at.Add(msec(1000) / 600) {
		invite(at)
	}
	for at := engine.Time(msec(26000)); at < engine.Time(msec(66000)); at = at.Add(msec(1000) / 150) {
		invite(at)
	}
	w.RunUntil(engine.Time(msec(90000)))
	if w.Counts.Results < int64(n+invites) {
		t.Fatalf("%d results for %d logins and %d invitations: the queue never drained", w.Counts.Results, n, invites)
	}
	reqs, pushes := w.Counts.SendsByType[engine.FrameRequest]-reqs0, w.Counts.SendsByType[engine.FramePush]-push0
	// Each invitation pushes to its invitee; its echo rides on its response.
	return float64(reqs) / float64(invites), float64(pushes) / float64(invites), maxWait, drained
}

// TestOverloadResendsBounded: past a shard's capacity the answers wait in its
// queue; the senders' RTOs back off and follow the round trips (RFC 6298),
// so the frames sent per request and per push stay few, the queue drains
// while the load is still coming, and the shard drops the copies that come
// while the original waits. With the old fixed 1 s RTO (max-rto equal to
// rto) each request is sent once per second it waits.
func TestOverloadResendsBounded(t *testing.T) {
	req, push, wait, drained := overloadRun(t, Options{})
	t.Logf("adaptive: %.2f request frames per invitation, %.2f push frames per push, longest wait %s, drained at %s",
		req, push, time.Duration(wait), time.Duration(drained))
	if req > 1.5 || push > 1.5 {
		t.Errorf("%.2f request frames per invitation and %.2f push frames per push under overload, want at most 1.5", req, push)
	}
	if drained == 0 || drained > engine.Time(msec(45000)) {
		t.Errorf("the queue drained at %s, want within 20 s of the overload's end (26 s) while 100 invitations a second go on", time.Duration(drained))
	}
	freq, fpush, fwait, fdrained := overloadRun(t, Options{MaxRTO: time.Second})
	t.Logf("fixed 1 s: %.2f request frames per invitation, %.2f push frames per push, longest wait %s, drained at %s",
		freq, fpush, time.Duration(fwait), time.Duration(fdrained))
	if freq < 1.5*req || fpush < 2*push {
		t.Errorf("a fixed 1 s RTO sent %.2f request and %.2f push frames per invitation, adaptive %.2f and %.2f: the test does not overload",
			freq, fpush, req, push)
	}
}
