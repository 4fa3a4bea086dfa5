package sim

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"sigsim/engine"
)

func TestFaultText(t *testing.T) {
	for _, text := range []string{
		"partition alice/1,bob/1 | s0",
		"partition s0 | s1 | s2 oneway for=5s",
		"partition s0 | *",
		"heal",
		"heal partitions",
		"crash s0",
		"crash alice/1 for=2.5s",
		"restart s1",
		"pause bob/1 for=6s",
		"disconnect s0 for=1s",
		"reconnect alice/1",
		"skew alice/1 offset=-3s drift=0.001",
		"link bob/1 latency=uniform(10ms,50ms) loss=0.05 bandwidth=8000B/s",
		"link * reorder=0.3",
	} {
		f, err := ParseFault(text)
		if err != nil {
			t.Errorf("%q: %v", text, err)
			continue
		}
		if got := f.String(); got != text {
			t.Errorf("%q reads back as %q", text, got)
		}
		g, err := ParseFault(f.String())
		if err != nil || !reflect.DeepEqual(f, g) {
			t.Errorf("%q: round trip %+v, %v", text, g, err)
		}
	}
	for text, want := range map[string]string{
		"":                         "empty fault",
		"melt s0":                  `unknown fault "melt"`,
		"pause s0":                 "for=DUR is required",
		"heal nonsense-thing":      `heal: "nonsense-thing": want nothing`,
		"crash":                    "want one node",
		"crash s0 s1":              "want one node",
		"restart s0 for=1s":        "restart takes no options",
		"link bob/1":               "set at least one",
		"link bob/1 loss=2":        "not a probability",
		"link bob/1 bandwidth=100": "has no unit",
		"skew bob/1 drift=1.5":     "out of range",
		"partition s0":             "two sides",
		"partition s0 | ":          "an empty side",
		"crash s0 for=-1s":         "must not be negative",
		"crash s0 speed=3":         "unknown option",
	} {
		if _, err := ParseFault(text); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", text, err, want)
		}
	}
}

func FuzzParseFault(f *testing.F) {
	for _, s := range []string{"partition a | b oneway for=1s", "heal", "link * loss=1%", "skew x offset=1s drift=0.1", "pause s0 for=1ms"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fa, err := ParseFault(s)
		if err != nil {
			return
		}
		fb, err := ParseFault(fa.String())
		if err != nil || fb.String() != fa.String() {
			t.Fatalf("%q -> %q -> %v %q", s, fa.String(), err, fb.String())
		}
	})
}

// TestInject: a fault's text, injected, does what the scenario command
// does; names the world lacks are errors that change nothing.
func TestInject(t *testing.T) {
	w := newTestWorld(t, Options{Seed: 1, Shards: 2}, "alice/1", "bob/1", "carol/1")
	inject := func(text string) error {
		t.Helper()
		f, err := ParseFault(text)
		if err != nil {
			t.Fatal(err)
		}
		return w.Inject(f)
	}
	if err := inject("crash zed/1"); err == nil {
		t.Error("a fault on a node the world lacks")
	}
	if err := inject("partition s0 | *"); err != nil {
		t.Fatal(err)
	}
	for _, d := range w.Devices() {
		if !w.partitioned(0, d.Addr) || !w.partitioned(1, 0) {
			t.Errorf("s0 not cut from %s and s1", d.Name)
		}
	}
	if err := inject("disconnect s1"); err != nil {
		t.Fatal(err)
	}
	for _, d := range w.Devices() {
		if d.connected == (d.Home == 1) {
			t.Errorf("%s (home s%d) connected=%v after disconnect s1", d.Name, d.Home, d.connected)
		}
	}
	if err := inject("crash alice/1 for=1s"); err != nil {
		t.Fatal(err)
	}
	if err := inject("heal partitions"); err != nil || len(w.partitions) != 0 || !w.Device("alice").Down() {
		t.Errorf("heal partitions: %v, partitions %d, alice down %v", err, len(w.partitions), w.Device("alice").Down())
	}
	w.RunUntil(engine.Time(2 * time.Second))
	if w.Device("alice").Down() {
		t.Error("crash for=1s did not restart alice")
	}
	if err := inject("link * loss=0.5"); err != nil || w.Device("bob").up.opts.Loss != 0.5 {
		t.Errorf("link *: %v", err)
	}
	if err := inject("heal"); err != nil || w.Device("bob").up.opts.Loss != 0 {
		t.Errorf("heal: %v, loss %g", err, w.Device("bob").up.opts.Loss)
	}
}
