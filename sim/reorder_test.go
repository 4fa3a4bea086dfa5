package sim

import (
	"fmt"
	"testing"
	"time"

	"sigsim/engine"
)

// reorderRun makes 200 one-to-one invitations with 3 s timeouts, none
// answered, over device links that reorder a share of the frames (no loss),
// runs until every one must be final, and returns the world.
func reorderRun(t *testing.T, reorder float64) *World {
	t.Helper()
	const users, invitations = 2, 200
	var devices []string
	for i := 1; i <= users; i++ {
		devices = append(devices, fmt.Sprintf("u%d/1", i))
	}
	w := newTestWorld(t, Options{Seed: 7, KeepGoing: true,
		Link: LinkOptions{Latency: Uniform(10*time.Millisecond, 80*time.Millisecond), Reorder: reorder}}, devices...)
	loginAll(w)
	start := w.Now()
	for i := 0; i < invitations; i++ {
		from, to := w.Device(fmt.Sprintf("u%d", 1+i%(users/2))), fmt.Sprintf("u%d", 1+users/2+(i*7)%(users/2))
		w.At(start.Add(time.Duration(i)*10*time.Millisecond), func() { w.Invite(from, to, "", false, nil, 3) })
	}
	w.RunUntil(w.LivenessDeadline(start.Add(time.Duration(invitations) * 10 * time.Millisecond)))
	w.CheckLiveness()
	if v := w.Violations(); len(v) != 0 {
		t.Fatalf("reorder=%g: %d violations, first: %s", reorder, len(v), v[0].String())
	}
	return w
}

// Reordering delays a push but does not waste it: a device keeps the pushes
// that come before their turn and applies them in order once the gap fills, so
// heavy reordering costs about the frames of an ordered run, and every
// invitation is final in time.
func TestReorderDoesNotStallPushes(t *testing.T) {
	ordered := reorderRun(t, 0)
	reordered := reorderRun(t, 0.5)
	perInv := func(w *World) float64 { return float64(w.Counts.Sends) / 200 }
	t.Logf("frames per invitation: %.1f ordered, %.1f with reorder=50%%; pushes applied from the reorder buffer: %d",
		perInv(ordered), perInv(reordered), reordered.Counts.Paths[engine.PathPushFromReorderBuffer])
	if perInv(reordered) > 1.5*perInv(ordered) {
		t.Errorf("reorder=50%%: %.1f frames per invitation, over 1.5× the %.1f of an ordered run", perInv(reordered), perInv(ordered))
	}
	if reordered.Counts.Paths[engine.PathPushFromReorderBuffer] == 0 {
		t.Error("no push was applied from the reorder buffer: the run did not reorder")
	}
}
