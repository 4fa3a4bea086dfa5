package sim

import (
	"bytes"
	"strings"
	"testing"

	"sigsim/engine"
	"sigsim/sim/trace"
)

// TestPerfettoOfAFaultHeavyRun: a recorded swarm run (partitions, crashes,
// pauses, duplicates, drops) exports as trace-event JSON that passes the
// format's checks, with a track per node and a flow per delivered frame.
func TestPerfettoOfAFaultHeavyRun(t *testing.T) {
	defer func(old bool) { recordAll = old }(recordAll)
	recordAll = true
	w := swarmRun(t, 7, engine.ModeServer, 200)
	var buf bytes.Buffer
	if err := trace.WritePerfetto(&buf, w.Trace(), trace.PerfettoOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := trace.CheckPerfetto(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, d := range w.Devices() {
		if !strings.Contains(out, `"name":"`+d.Name+`"`) {
			t.Errorf("no track named %s", d.Name)
		}
	}
	if got, want := int64(strings.Count(out, `"ph":"f"`)), w.Counts.Delivers+w.Counts.Drops; got > want || got < w.Counts.Delivers {
		t.Errorf("%d flow ends for %d deliveries and %d drops", got, w.Counts.Delivers, w.Counts.Drops)
	}
}
