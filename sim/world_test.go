package sim

import (
	"strings"
	"testing"
	"time"

	"sigsim/engine"
)

func msec(n int64) time.Duration { return time.Duration(n) * time.Millisecond }

// atMs is the virtual time n milliseconds into the run.
func atMs(n int64) engine.Time { return engine.Time(msec(n)) }

func newTestWorld(t testing.TB, o Options, devices ...string) *World {
	t.Helper()
	w, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range devices {
		u, dev, _ := strings.Cut(d, "/")
		if _, err := w.AddDevice(u, dev); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func TestInviteAcceptWithLatency(t *testing.T) {
	w := newTestWorld(t, Options{Seed: 1, Link: LinkOptions{Latency: Const(40 * time.Millisecond)}, Record: true}, "alice/1", "bob/1")
	alice, bob := w.Device("alice"), w.Device("bob")
	w.Login(alice)
	w.Login(bob)
	w.RunUntil(atMs(100))
	var id string
	w.At(atMs(200), func() { id, _ = w.Invite(alice, "bob", "room=1", false, nil, 30) })
	var rang engine.Time
	w.Hooks.Callback = func(at engine.Time, d *Device, cb *engine.Callback) {
		if cb.Kind == engine.OnReceiveNewInvitation {
			rang = at
			w.At(at.Add(msec(500)), func() { w.Answer(bob, engine.OpAccept, id, "") })
		}
	}
	w.RunQuiet(atMs(60_000))
	if rang != atMs(280) {
		t.Errorf("rang at %s, want 280ms (two 40 ms hops)", fmtDur(time.Duration(rang)))
	}
	if v := w.Violation(); v != nil {
		t.Fatal(v)
	}
	if live := w.Shard(0).Stats().Invitations; live != 0 {
		t.Errorf("%d live invitations", live)
	}
	var cbs []string
	for _, e := range w.Trace() {
		if e.Kind.String() == "callback" {
			cbs = append(cbs, e.String())
		}
	}
	want := []string{
		"    280.000ms callback bob/1  OnReceiveNewInvitation(alice/1.0-1, inviter=alice, group=, invitees=[bob], data=\"room=1\")",
		"    860.000ms callback alice/1  OnInviteeAccepted(alice/1.0-1, invitee=bob, data=\"\")",
	}
	if strings.Join(cbs, "\n") != strings.Join(want, "\n") {
		t.Errorf("callbacks:\n%s\nwant:\n%s", strings.Join(cbs, "\n"), strings.Join(want, "\n"))
	}
	// Every frame sent is counted under its type, and the types add up.
	var sum int64
	for _, n := range w.Counts.SendsByType {
		sum += n
	}
	by := w.Counts.SendsByType
	if sum != w.Counts.Sends || by[0] != 0 || by[engine.FrameLogin] != 2 || by[engine.FrameLoginOK] != 2 ||
		by[engine.FrameRequest] != 2 || by[engine.FrameResponse] != 2 || by[engine.FramePush] != 2 {
		t.Errorf("sends by type %v, total %d", by, w.Counts.Sends)
	}
}

var recordAll = false

// stableKinds are the fault kinds the swarm test draws from: all of them
// (the shard bus, session and membership fixes made every kind safe).
var stableKinds = SwarmKinds

// swarmRun runs a fault-heavy random workload for one seed and returns the world.
func swarmRun(t testing.TB, seed uint64, mode engine.Mode, invitations int) *World {
	return swarmRunWith(t, seed, mode, invitations, nil)
}

// swarmRunWith is swarmRun with the options changed by opt first, if set.
func swarmRunWith(t testing.TB, seed uint64, mode engine.Mode, invitations int, opt func(*Options)) *World {
	o := Options{Seed: seed, Mode: mode, Shards: 2, KeepGoing: false, Record: recordAll,
		Swarm: &SwarmOptions{Until: engine.Time(40 * time.Second), Intensity: 0.8, Kinds: stableKinds}}
	if opt != nil {
		opt(&o)
	}
	users := []string{"alice", "bob", "carol", "dave"}
	var devs []string
	for _, u := range users {
		devs = append(devs, u+"/1", u+"/2")
	}
	w := newTestWorld(t, o, devs...)
	if err := w.LoadGroup("g", "alice", users); err != nil {
		t.Fatal(err)
	}
	for _, d := range w.Devices() {
		w.Login(d)
	}
	r := NewRand(seed, "workload")
	var ids []string
	for i := 0; i < invitations; i++ {
		at := engine.Time(r.Int64N(int64(30 * time.Second)))
		from := w.Devices()[r.IntN(len(w.Devices()))]
		kind := r.IntN(5)
		to := users[r.IntN(len(users))]
		w.At(at, func() {
			var id string
			if kind == 0 {
				id, _ = w.InviteInGroup(from, "g", []string{to}, "", false, 10)
			} else {
				id, _ = w.Invite(from, to, "", kind == 1, nil, 5+kind)
			}
			if id != "" {
				ids = append(ids, id)
			}
		})
		w.At(at.Add(time.Duration(r.Int64N(int64(8*time.Second)))), func() {
			if len(ids) == 0 {
				return
			}
			id := ids[r.IntN(len(ids))]
			d := w.Devices()[r.IntN(len(w.Devices()))]
			op := []engine.Op{engine.OpAccept, engine.OpReject, engine.OpCancel, engine.OpModify}[r.IntN(4)]
			w.Answer(d, op, id, "")
		})
	}
	w.RunUntil(engine.Time(40 * time.Second))
	w.RunUntil(w.LivenessDeadline(engine.Time(40 * time.Second)))
	if !w.Stopped() {
		w.CheckLiveness()
	}
	return w
}

func TestSwarmServerModeHoldsInvariants(t *testing.T) {
	seeds := 1000
	if testing.Short() {
		seeds = 20
	}
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		w := swarmRun(t, seed, engine.ModeServer, 30)
		if v := w.Violation(); v != nil {
			t.Fatalf("seed %d: %s\nplan: %s\nreplay with its trace: DEBUG_SEED=%d DEBUG_ID=all go test -run TestDebugSeed -v ./sim/",
				seed, v, w.SwarmPlan(), seed)
		}
	}
}

func TestSameSeedSameHash(t *testing.T) {
	a := swarmRun(t, 7, engine.ModeServer, 40)
	b := swarmRun(t, 7, engine.ModeServer, 40)
	if a.Hash() != b.Hash() || a.Events() != b.Events() {
		t.Fatalf("same seed, different runs: %x/%d vs %x/%d", a.Hash(), a.Events(), b.Hash(), b.Events())
	}
	c := swarmRun(t, 8, engine.ModeServer, 40)
	if c.Hash() == a.Hash() {
		t.Fatal("different seeds, same hash")
	}
}

// TestSwarmMixPerSeed: with swarm on, a workload's operation mix depends on
// the seed (and only on it and the workload's name), is a valid mix, and is
// recorded in the plan; with swarm off there is none.
func TestSwarmMixPerSeed(t *testing.T) {
	mix := func(seed uint64) SwarmMix {
		w := newTestWorld(t, Options{Seed: seed, Swarm: &SwarmOptions{Until: engine.Time(time.Second)}}, "alice/1")
		m, ok := w.SwarmMix("generate/1")
		if !ok || !strings.HasPrefix(w.SwarmPlan()[0].String(), "generate/1 mix accept=") {
			t.Fatalf("seed %d: no mix or not in the plan: %v", seed, w.SwarmPlan())
		}
		if m.Accept < 0 || m.Reject < 0 || m.Cancel < 0 || m.Accept+m.Reject+m.Cancel > 1 || m.OnlineOnly < 0 || m.OnlineOnly > 0.5 {
			t.Fatalf("seed %d: invalid mix %v", seed, m)
		}
		return m
	}
	if mix(1) != mix(1) {
		t.Fatal("the same seed chose two mixes")
	}
	distinct := map[SwarmMix]bool{}
	for seed := uint64(1); seed <= 20; seed++ {
		distinct[mix(seed)] = true
	}
	if len(distinct) < 20 {
		t.Fatalf("20 seeds chose %d distinct mixes", len(distinct))
	}
	w := newTestWorld(t, Options{Seed: 1}, "alice/1")
	if _, ok := w.SwarmMix("generate/1"); ok {
		t.Fatal("a mix without swarm mode")
	}
}

// TestPathsAreCounted: a lost response makes the device retransmit its
// request, which the shard answers again from its request log.
func TestPathsAreCounted(t *testing.T) {
	w, err := New(Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	alice, _ := w.AddDevice("alice", "1")
	bob, _ := w.AddDevice("bob", "1")
	w.Login(alice)
	w.Login(bob)
	w.RunUntil(engine.Time(time.Second))
	w.DropNext("RESP #")
	w.Invite(alice, "bob", "", false, nil, 30)
	w.RunUntil(engine.Time(10 * time.Second))
	if n := w.Counts.Paths[engine.PathRequestFromLog]; n != 1 {
		t.Errorf("request-from-log taken %d times, want 1", n)
	}
}
