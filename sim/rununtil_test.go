package sim

import (
	"testing"

	"sigsim/engine"
)

// TestRunUntilAtMost: running in bounded slices gives the same run as one
// RunUntil.
func TestRunUntilAtMost(t *testing.T) {
	build := func() *World {
		w, err := New(Options{Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		a, _ := w.AddDevice("alice", "1")
		b, _ := w.AddDevice("bob", "1")
		w.Login(a)
		w.Login(b)
		for i := range 20 {
			w.At(engine.Time(i)*50e6+100e6, func() { w.Invite(a, "bob", "", false, nil, 1) })
		}
		return w
	}
	one := build()
	one.RunUntil(5e9)
	sliced := build()
	slices := 0
	for !sliced.RunUntilAtMost(5e9, 7) {
		slices++
	}
	if slices < 10 || sliced.Hash() != one.Hash() || sliced.Now() != one.Now() || sliced.Events() != one.Events() {
		t.Errorf("%d slices: hash %x/%x, now %d/%d, events %d/%d", slices, sliced.Hash(), one.Hash(),
			sliced.Now(), one.Now(), sliced.Events(), one.Events())
	}
}
