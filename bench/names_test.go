package bench

import (
	"strings"
	"testing"
)

func TestParseReportRejectsNonReports(t *testing.T) {
	for _, tc := range []struct{ js, want string }{
		{`{}`, "missing header.workload, header.version, virtual"},
		{`{"header":{"workload":"calls","version":"sigsim/1"}}`, "missing virtual"},
		{`{"header":{"workload":"calls"},"virtual":{"metrics":{},"counts":{},"duration_ns":0}}`, "missing header.version"},
	} {
		_, err := ParseReport([]byte(tc.js))
		if err == nil || !strings.Contains(err.Error(), "not a sigbench report: "+tc.want) {
			t.Errorf("ParseReport(%s): %v; want an error saying %q", tc.js, err, tc.want)
		}
	}
	_, r := fullRun()
	js, _ := r.JSON()
	if _, err := ParseReport(js); err != nil {
		t.Errorf("a full report: %v", err)
	}
}

func TestNamesCheck(t *testing.T) {
	n := Names{
		Metrics:  []string{"server.ring", "client.ring", "queue"},
		Counts:   []string{"anomalies", "calls"},
		Families: []string{"errors."},
		Wall:     true,
		Hints:    map[string]string{"violations": "the invariant checkers are off (--checks)"},
	}
	for _, ok := range []string{"server.ring.p99", "queue.p99.9", "queue.count", "anomalies", "errors.8010.accept",
		"duration_ns", "events_per_sec", "server.ring.p(99.99)", "queue.med", "queue.avg", "queue.rate",
		"calls.rate", "calls.count", "errors.8010.accept.rate"} {
		if err := n.Check(ok); err != nil {
			t.Errorf("Check(%q): %v", ok, err)
		}
	}
	for _, tc := range []struct{ name, want string }{
		{"ring.p99", `no metric or counter "ring.p99" (did you mean server.ring.p99, client.ring.p99?)`},
		{"foo.p99", "metrics (as METRIC.STAT, STAT one of " + StatNames + "): server.ring, client.ring, queue"},
		{"anomalie", `did you mean anomalies?`},
		{"server.ring.p9x", `unknown statistic "p9x" of metric "server.ring"`},
		{"server.ring.p(200)", `percentile 200 is not in 0..100`},
		{"calls.p99", `"calls" is a counter: it has count and rate, not p99`},
		{"queue", `"queue" is a latency metric: name a statistic, e.g. queue.p(99)`},
		{"errors.", "counter families: errors.*"},
		{"violations", "the invariant checkers are off"},
	} {
		err := n.Check(tc.name)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Check(%q): %v; want %q", tc.name, err, tc.want)
		}
	}
	if err := (Names{}).Check("speedup"); err == nil || !strings.Contains(err.Error(), "no wall metrics") {
		t.Errorf("a wall field without wall metrics: %v", err)
	}
	_, r := fullRun()
	if err := NamesOf(r).Check("ring.p99"); err != nil {
		t.Errorf("NamesOf: %v", err)
	}
}
