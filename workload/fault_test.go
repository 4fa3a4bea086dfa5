package workload

import (
	"strings"
	"testing"
	"time"

	"sigsim/sim"
)

// TestFault: a run's fault is a sim.Fault with a start, written as the
// scenario line that does it; the older KIND:NODE@START+DURATION form reads
// as the same fault; what ParseFault refuses says why.
func TestFault(t *testing.T) {
	for _, s := range []string{"at 10s crash s0 for=5s", "at 0s partition u3/1 | * for=1m0s", "at 1.5s disconnect s1 for=500ms", "at 30s pause s0 for=2s"} {
		f, err := ParseFault(s)
		if err != nil || f.String() != s {
			t.Errorf("%s: %+v %v", s, f, err)
		}
	}
	for old, want := range map[string]string{"crash:s0@10s+5s": "at 10s crash s0 for=5s", "partition:u3/1@0s+1m0s": "at 0s partition u3/1 | * for=1m0s",
		"disconnect:s1@1.5s+500ms": "at 1.5s disconnect s1 for=500ms", "pause:s0@30s+2s": "at 30s pause s0 for=2s"} {
		if f, err := ParseFault(old); err != nil || f.String() != want {
			t.Errorf("%s reads as %q (%v), want %q", old, f, err, want)
		}
	}
	for s, want := range map[string]string{"crash:s0": "KIND:NODE@START+DURATION", "melt:s0@1s+1s": `unknown fault kind "melt"`,
		"pause:s0@1s": "missing +DURATION", "pause:s0@-1s+1s": `bad START "-1s"`, "pause:s0@1s+0s": `bad DURATION "0s"`,
		"at 1s crash s0": "for=DURATION must be positive", "at 1s heal": "a run's fault is one of", "at x crash s0 for=1s": `bad START "x"`,
		"at 1s melt s0 for=1s": `unknown fault "melt"`} {
		if _, err := ParseFault(s); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", s, err, want)
		}
	}
	if err := (Fault{Fault: sim.Fault{Kind: sim.FaultPause, Node: "s0"}}).validate(); err == nil || !strings.Contains(err.Error(), "must be positive") {
		t.Errorf("a fault without a duration: %v", err)
	}
	_ = time.Second
}
