package workload

import (
	"strings"
	"testing"
)

// TestFault: the text form round-trips, and what ParseFault refuses says
// why.
func TestFault(t *testing.T) {
	for _, s := range []string{"crash:s0@10s+5s", "partition:u3/1@0s+1m0s", "disconnect:s1@1.5s+500ms"} {
		f, err := ParseFault(s)
		if err != nil || f.String() != s || f.validate() != nil {
			t.Errorf("%s: %+v %v", s, f, err)
		}
	}
	for s, want := range map[string]string{"crash:s0": "want KIND:NODE@START+DURATION", "melt:s0@1s+1s": `unknown fault kind "melt"`,
		"pause:s0@1s": "missing +DURATION", "pause:s0@-1s+1s": `bad START "-1s"`, "pause:s0@1s+0s": `bad DURATION "0s"`} {
		if _, err := ParseFault(s); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", s, err, want)
		}
	}
	if err := (Fault{Kind: "pause", Node: "s0"}).validate(); err == nil || err.Error() != "duration 0s must be positive" {
		t.Errorf("a fault without a duration: %v", err)
	}
}
