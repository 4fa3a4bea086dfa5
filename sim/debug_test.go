package sim

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"sigsim/engine"
)

// TestDebugSeed prints the trace of one seed of the swarm test, to investigate a
// failure it reported: DEBUG_SEED=N DEBUG_ID=all go test -run TestDebugSeed -v ./sim/
// (DEBUG_ID=some-invite-id keeps the events that mention it, and the faults;
// DEBUG_N=4000 runs that many invitations instead of 30).
func TestDebugSeed(t *testing.T) {
	id := os.Getenv("DEBUG_ID")
	if id == "" {
		t.Skip("set DEBUG_SEED and DEBUG_ID to print a seed's trace")
	}
	old := recordAll
	recordAll = true
	defer func() { recordAll = old }()
	seed, _ := strconv.ParseUint(os.Getenv("DEBUG_SEED"), 10, 64)
	n := 30
	if s := os.Getenv("DEBUG_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	w := swarmRun(t, seed, engine.ModeServer, n)
	for _, e := range w.Trace() {
		if id == "all" || strings.Contains(e.Text, id) || e.Kind.String() == "fault" {
			t.Log(e.String())
		}
	}
	if v := w.Violation(); v != nil {
		t.Log(v)
	}
}
