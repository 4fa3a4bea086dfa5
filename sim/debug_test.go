package sim

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"sigsim/engine"
)

func TestDebugSeed(t *testing.T) {
	id := os.Getenv("DEBUG_ID")
	if id == "" {
		t.Skip()
	}
	old := recordAll
	recordAll = true
	defer func() { recordAll = old }()
	w := swarmRun(t, debugSeed(), engine.ModeServer, 30)
	for _, e := range w.Trace() {
		if id == "all" || strings.Contains(e.Text, id) || e.Kind.String() == "fault" || (strings.Contains(e.Node, "alice/1") && !strings.Contains(e.Text, "ACK")) {
			t.Log(e.String())
		}
	}
}

func TestDebugQueue(t *testing.T) {
	if os.Getenv("DEBUG_Q") == "" {
		t.Skip()
	}
	w := swarmRun(t, debugSeed(), engine.ModeServer, 30)
	d := w.Device("bob/1")
	t.Logf("bob/1 addr=%d connected=%v down=%v epoch=%d paused=%d", d.Addr, d.connected, d.down, d.linkEpoch, d.pause.until)
	for w.q.Len() > 0 {
		at, ev, _ := w.q.Pop()
		if ev.to == d.Addr || ev.from == d.Addr {
			t.Logf("%d kind=%d to=%d from=%d epoch=%d %s", at, ev.kind, ev.to, ev.from, ev.epoch, engine.DescribeWire(ev.frame()))
		}
	}
}

func debugSeed() uint64 {
	n, _ := strconv.Atoi(os.Getenv("DEBUG_SEED"))
	return uint64(n)
}
