package sim

import (
	"testing"

	"sigsim/engine"
)

// TestIntervalFaultsKeepTheirOwnEnds: overlapping interval faults do not cut
// each other short. Two partitions each heal at their own end; two crashes of
// one node make one crash until the later end; so do two disconnections.
func TestIntervalFaultsKeepTheirOwnEnds(t *testing.T) {
	w := newTestWorld(t, Options{Seed: 1, Shards: 2}, "alice/1", "bob/1", "carol/1")
	alice, bob, carol := w.Device("alice"), w.Device("bob"), w.Device("carol")
	for _, d := range w.Devices() {
		w.Login(d)
	}
	w.RunUntil(atMs(1000))
	s0 := []engine.Addr{0}
	w.At(atMs(2000), func() { w.PartitionFor([]engine.Addr{alice.Addr}, s0, false, msec(5000)) })
	w.At(atMs(3000), func() { w.PartitionFor([]engine.Addr{bob.Addr}, s0, true, msec(10000)) })
	w.At(atMs(2000), func() { w.CrashFor(carol.Addr, msec(5000)) })
	w.At(atMs(3000), func() { w.CrashFor(carol.Addr, msec(10000)) })
	w.At(atMs(4000), func() { w.CrashFor(carol.Addr, msec(1000)) }) // inside the others: changes nothing
	w.At(atMs(2000), func() { w.DisconnectFor(bob, msec(5000)) })
	w.At(atMs(3000), func() { w.DisconnectFor(bob, msec(10000)) })
	w.At(atMs(2000), func() { w.CrashFor(1, msec(4000)) })

	w.RunUntil(atMs(5500))
	if !w.shards[1].down {
		t.Fatal("s1 crashed at 2s for 4s is up at 5.5s")
	}
	w.RunUntil(atMs(6500))
	if !w.partitioned(alice.Addr, 0) || !w.partitioned(bob.Addr, 0) || w.partitioned(0, bob.Addr) {
		t.Fatal("at 6.5s both partitions should hold (bob's one way)")
	}
	if !carol.down || bob.connected || w.shards[1].down {
		t.Fatalf("at 6.5s carol down=%v (want true), bob connected=%v (want false), s1 down=%v (want false)", carol.down, bob.connected, w.shards[1].down)
	}
	w.RunUntil(atMs(7500))
	if w.partitioned(alice.Addr, 0) || !w.partitioned(bob.Addr, 0) {
		t.Fatal("at 7.5s alice's partition should have healed and bob's held")
	}
	if !carol.down || bob.connected || w.shards[1].down {
		t.Fatal("at 7.5s carol stays down and bob disconnected until 13s; s1 restarted at 6s")
	}
	w.RunUntil(atMs(13500))
	if w.partitioned(bob.Addr, 0) || carol.down || !bob.connected {
		t.Fatalf("at 13.5s everything should have ended: partitioned=%v carol down=%v bob connected=%v",
			w.partitioned(bob.Addr, 0), carol.down, bob.connected)
	}
	// HealAll ends interval faults early, and their scheduled ends then do nothing.
	w.CrashFor(carol.Addr, msec(5000))
	w.PartitionFor([]engine.Addr{alice.Addr}, s0, false, msec(5000))
	w.HealAll()
	w.RunUntil(atMs(14000))
	w.CrashFor(carol.Addr, msec(10000)) // a new crash must not be ended by the old interval's end at 18.5s
	w.RunUntil(atMs(20000))
	if !carol.down || w.partitioned(alice.Addr, 0) {
		t.Fatalf("after HealAll: carol down=%v (want true: crashed again at 14s for 10s), alice partitioned=%v", carol.down, w.partitioned(alice.Addr, 0))
	}
}

// TestHealAllReconnectsARestartedDevice: a device disconnected, then crashed,
// is up and connected after HealAll (its restart alone left the connection
// down, and the heal cleared the disconnection's own end).
func TestHealAllReconnectsARestartedDevice(t *testing.T) {
	w := newTestWorld(t, Options{Seed: 1}, "alice/1")
	d := w.Device("alice")
	w.Login(d)
	w.At(atMs(100), func() { w.DisconnectFor(d, msec(10000)) })
	w.At(atMs(200), func() { w.CrashFor(d.Addr, msec(10000)) })
	w.At(atMs(300), w.HealAll)
	w.RunUntil(atMs(2000))
	if d.Down() || !d.connected || !d.Client().LoggedIn() {
		t.Fatalf("after the heal: down=%v connected=%v logged in=%v", d.Down(), d.connected, d.Client().LoggedIn())
	}
	if _, active := w.CheckLiveness(); len(active) > 0 {
		t.Fatalf("faults still active after HealAll: %v", active)
	}
}
