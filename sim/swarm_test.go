package sim

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"sigsim/engine"
	"sigsim/sim/trace"
)

// churnWorld is a world swarm can do everything to: three shards, users on
// all of them, two groups whose members span them, a device logged in each.
func churnWorld(t testing.TB, seed uint64, s *SwarmOptions, record bool) *World {
	t.Helper()
	w := newTestWorld(t, Options{Seed: seed, Shards: 3, Swarm: s, Record: record, KeepGoing: true},
		"alice/1", "alice/2", "bob/1", "dave/1", "erin/1", "frank/1", "ivan/1", "judy/1")
	if err := w.LoadGroup("team", "alice", []string{"bob", "dave", "ivan"}); err != nil {
		t.Fatal(err)
	}
	if err := w.LoadGroup("ops", "ivan", []string{"judy", "frank", "erin"}); err != nil {
		t.Fatal(err)
	}
	for _, d := range w.Devices() {
		w.Login(d)
	}
	return w
}

// planKinds names the kinds a plan line is of (a link line may stand for
// several), and the variants it shows.
func planKinds(w *World, p PlanLine) (kinds, variants []string) {
	isShard := func(n string) bool { _, ok := shardIndex(w, n); return ok }
	if p.Note == "waits for cross-shard traffic" {
		variants = append(variants, "on cross-shard traffic")
	}
	if f := p.Fault; f != nil {
		switch f.Kind {
		case FaultLink:
			for _, b := range []struct {
				bit  LinkFields
				kind string
			}{{LinkLoss, "loss"}, {LinkDup, "dup"}, {LinkReorder, "reorder"}, {LinkLatency, "latency"}} {
				if f.Given&b.bit != 0 {
					kinds = append(kinds, b.kind)
				}
			}
		case FaultPartition:
			a, b := f.Sides[0], f.Sides[1]
			if isShard(a[0]) && isShard(b[0]) {
				kinds = append(kinds, "shard-partition")
				if len(a) > 1 || len(b) > 1 {
					variants = append(variants, "one against the rest")
				}
			} else {
				kinds = append(kinds, "partition")
				if f.OneWay && isShard(a[0]) {
					variants = append(variants, "shard to device only")
				}
				if f.OneWay && !isShard(a[0]) {
					variants = append(variants, "device to shard only")
				}
			}
			if f.OneWay {
				variants = append(variants, "one way")
			} else {
				variants = append(variants, "both ways")
			}
		case FaultCrash:
			if isShard(f.Node) {
				kinds = append(kinds, "shard-crash")
			} else {
				kinds = append(kinds, "crash")
			}
		case FaultPause, FaultDisconnect, FaultSkew:
			kinds = append(kinds, f.Kind.String())
		}
		return kinds, variants
	}
	switch {
	case strings.HasSuffix(p.Op, " logout") || strings.HasSuffix(p.Op, " login"):
		kinds = append(kinds, "login-churn")
		if strings.HasSuffix(p.Op, " login") && p.Note == "" {
			variants = append(variants, "flap")
		}
	case strings.Contains(p.Op, "-group "):
		kinds = append(kinds, "group-churn")
		variants = append(variants, strings.Fields(p.Op)[1])
	}
	return kinds, variants
}

// shardIndex reads a shard's name.
func shardIndex(w *World, n string) (int, bool) {
	for k, s := range w.shards {
		if s.name == n {
			return k, true
		}
	}
	return 0, false
}

// TestSwarmReachesEveryKind: across 200 seeds every fault kind appears in
// some plan, and so does every variant of each: one-way partitions in both
// directions, a shard cut from all the others, shard faults waiting for
// cross-shard traffic, a login flap, and every kind of membership churn.
func TestSwarmReachesEveryKind(t *testing.T) {
	kinds := map[string]int{}
	variants := map[string]int{}
	for seed := uint64(1); seed <= 200; seed++ {
		w := churnWorld(t, seed, &SwarmOptions{Until: engine.Time(20 * time.Second), Intensity: 0.8}, false)
		w.RunUntil(1)
		for _, line := range w.SwarmPlan() {
			ks, vs := planKinds(w, line)
			if len(ks) == 0 {
				t.Fatalf("seed %d: plan line %q is of no kind", seed, line)
			}
			for _, k := range ks {
				kinds[k]++
				for _, v := range vs {
					variants[k+": "+v]++
				}
			}
			// Every line is a script line: it parses back to itself.
			if line.Fault != nil {
				if f, err := ParseFault(line.Fault.String()); err != nil || f.String() != line.Fault.String() {
					t.Fatalf("seed %d: plan line %q does not read back: %v", seed, line, err)
				}
			}
		}
	}
	for _, k := range SwarmKinds {
		if kinds[k] == 0 {
			t.Errorf("kind %s never planned in 200 seeds (planned: %v)", k, kinds)
		}
	}
	for _, v := range []string{"partition: both ways", "partition: device to shard only", "partition: shard to device only",
		"shard-partition: both ways", "shard-partition: one way", "shard-partition: one against the rest",
		"shard-partition: on cross-shard traffic", "shard-crash: on cross-shard traffic", "pause: on cross-shard traffic",
		"login-churn: flap", "group-churn: dismiss-group", "group-churn: quit-group", "group-churn: join-group"} {
		if variants[v] == 0 {
			t.Errorf("variant %q never planned in 200 seeds", v)
		}
	}
}

// TestSwarmKindsApply: kinds that cannot happen in a world are not drawn: a
// shard partition needs two shards, group churn a group.
func TestSwarmKindsApply(t *testing.T) {
	for seed := uint64(1); seed <= 50; seed++ {
		w := newTestWorld(t, Options{Seed: seed, Swarm: &SwarmOptions{Until: engine.Time(10 * time.Second),
			Kinds: []string{"shard-partition", "group-churn", "crash"}}}, "alice/1", "bob/1")
		w.RunUntil(1)
		for _, line := range w.SwarmPlan() {
			if ks, _ := planKinds(w, line); !slices.Equal(ks, []string{"crash"}) {
				t.Fatalf("seed %d: a one-shard world without groups planned %q (%v)", seed, line, ks)
			}
		}
	}
}

// crossShardWorkload schedules 1:1 invitations between users of different
// shards and group invitations over all three, over the first 15 s.
func crossShardWorkload(w *World, seed uint64) {
	r := NewRand(seed, "test-workload")
	users := []string{"alice", "bob", "dave", "erin", "frank", "ivan", "judy"}
	for i := 0; i < 30; i++ {
		at := engine.Time(r.Int64N(int64(15 * time.Second)))
		from := w.Devices()[r.IntN(len(w.Devices()))]
		to := users[r.IntN(len(users))]
		group := i%4 == 0
		w.At(at, func() {
			if group {
				w.InviteInGroup(w.Device("alice"), "team", []string{"bob", "dave", "ivan"}, "", false, 8)
				return
			}
			w.Invite(from, to, "", false, nil, 6)
		})
	}
}

// busDrops counts the shard-to-shard frames a partition dropped.
func busDrops(w *World) int {
	n := 0
	for _, e := range w.Trace() {
		if e.Kind == trace.Drop && strings.HasPrefix(e.Node, "s") && strings.HasPrefix(e.Peer, "s") && strings.HasPrefix(e.Text, "partition:") {
			n++
		}
	}
	return n
}

// TestSwarmShardPartitionCutsTheBus: a multi-shard workload under swarm's
// shard partitions gets cross-shard frames dropped by them (the faults reach
// the shard bus, not only device links).
func TestSwarmShardPartitionCutsTheBus(t *testing.T) {
	drops, seeds := 0, 0
	for seed := uint64(1); seed <= 10; seed++ {
		w := churnWorld(t, seed, &SwarmOptions{Until: engine.Time(20 * time.Second), Kinds: []string{"shard-partition"}, Intensity: 0.8}, true)
		crossShardWorkload(w, seed)
		w.RunUntil(engine.Time(25 * time.Second))
		if n := busDrops(w); n > 0 {
			drops += n
			seeds++
		}
	}
	if seeds < 8 {
		t.Fatalf("shard partitions dropped cross-shard frames in %d of 10 seeds (%d frames): swarm does not reach the bus", seeds, drops)
	}
}

// TestStartFaultOnTraffic: a shard fault waiting for cross-shard traffic
// starts while the frame that started it is still in flight, even on the
// default 1 ms bus: the partition it starts drops that very frame.
func TestStartFaultOnTraffic(t *testing.T) {
	w := newTestWorld(t, Options{Seed: 1, Shards: 2, Record: true, KeepGoing: true}, "bob/1", "alice/1")
	for _, d := range w.Devices() {
		w.Login(d)
	}
	bob, alice := w.Device("bob"), w.Device("alice")
	if bob.Home == alice.Home {
		t.Fatal("bob and alice share a shard")
	}
	var started engine.Time = -1
	w.startFault(atMs(10), engine.Time(time.Minute), true, func() {
		started = w.now
		w.PartitionFor([]engine.Addr{0}, []engine.Addr{1}, false, msec(5000))
	})
	w.At(atMs(500), func() { w.Invite(bob, "alice", "", false, nil, 30) })
	w.RunUntil(atMs(2000))
	if started < atMs(500) || started > atMs(600) {
		t.Fatalf("the fault started at %s, not at the first cross-shard frame (after the 500ms invite)", fmtDur(time.Duration(started)))
	}
	// The frame in flight is the first the partition drops, within the bus
	// latency of the start (the bus resends it later, into the partition
	// again until it heals).
	first := engine.Time(-1)
	for _, e := range w.Trace() {
		if e.Kind == trace.Drop && strings.HasPrefix(e.Node, "s") && strings.HasPrefix(e.Peer, "s") && strings.HasPrefix(e.Text, "partition:") {
			first = engine.Time(e.At)
			break
		}
	}
	if first < started || first > started.Add(msec(1)) {
		t.Fatalf("the first cross-shard frame the partition dropped was at %s, the partition started at %s: not the frame in flight", fmtDur(time.Duration(first)), fmtDur(time.Duration(started)))
	}
	// Without traffic it starts at the end of its wait, never at or after until.
	w2 := newTestWorld(t, Options{Seed: 1, Shards: 2}, "bob/1")
	var at2 engine.Time = -1
	w2.startFault(atMs(10), atMs(1000), true, func() { at2 = w2.now })
	w2.RunUntil(atMs(5000))
	if at2 != atMs(1000)-1 {
		t.Fatalf("with no traffic the fault started at %dns, want just before until", at2)
	}
}

// TestSwarmHealsEverything: whatever swarm does, by until plus a few seconds
// the population is as the app left it: no partition, nothing down or
// disconnected, every device logged in again, and every group with its
// members as loaded (unless swarm dismissed it).
func TestSwarmHealsEverything(t *testing.T) {
	until := engine.Time(20 * time.Second)
	for seed := uint64(1); seed <= 60; seed++ {
		w := churnWorld(t, seed, &SwarmOptions{Until: until, Intensity: 1}, false)
		crossShardWorkload(w, seed)
		w.RunUntil(until.Add(15 * time.Second))
		plan := fmt.Sprint(w.SwarmPlan())
		if len(w.partitions) > 0 {
			t.Fatalf("seed %d: partitions left after the heal; plan: %s", seed, plan)
		}
		for _, s := range w.shards {
			if s.down || s.pause.until > w.now {
				t.Fatalf("seed %d: %s down or paused after the heal; plan: %s", seed, s.name, plan)
			}
		}
		for _, d := range w.Devices() {
			if d.down || !d.connected || !d.wantLogin || !d.client.LoggedIn() {
				t.Fatalf("seed %d: %s down=%v connected=%v logged in=%v/%v after the heal; plan: %s",
					seed, d.Name, d.down, d.connected, d.wantLogin, d.client.LoggedIn(), plan)
			}
		}
		for g, want := range map[string][]string{"team": {"alice", "bob", "dave", "ivan"}, "ops": {"erin", "frank", "ivan", "judy"}} {
			members, _, ok := w.Shard(engine.ShardOf(g, 3)).Group(g)
			dismissed := strings.Contains(plan, "dismiss-group "+g)
			if !ok && !dismissed || ok && !slices.Equal(members, want) {
				t.Fatalf("seed %d: group %s has %v (exists %v), want %v; plan: %s", seed, g, members, ok, want, plan)
			}
		}
	}
}

// TestSwarmPlanDeterministic: the plan is a function of the seed and the
// population.
func TestSwarmPlanDeterministic(t *testing.T) {
	plan := func(seed uint64) string {
		w := churnWorld(t, seed, &SwarmOptions{Until: engine.Time(20 * time.Second)}, false)
		w.RunUntil(1)
		return fmt.Sprint(w.SwarmPlan())
	}
	if a, b := plan(5), plan(5); a != b {
		t.Fatalf("seed 5 planned\n%s\nthen\n%s", a, b)
	}
	if plan(5) == plan(6) {
		t.Fatal("seeds 5 and 6 planned the same")
	}
}
