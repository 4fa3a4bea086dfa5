package sim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMeasuredFromFewSamplesKeepsThemAll(t *testing.T) {
	d, err := MeasuredFromSamples([]time.Duration{40 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.String(), "measured(0:10ms,0.5:20ms,1:40ms)"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	one, err := MeasuredFromSamples([]time.Duration{7 * time.Millisecond})
	if err != nil || one.String() != "measured(0:7ms,1:7ms)" {
		t.Fatalf("one sample: %v, %v", one, err)
	}
	if _, err := MeasuredFromSamples(nil); err == nil || err.Error() != "measured: no samples" {
		t.Fatalf("no samples: %v", err)
	}
	if _, err := MeasuredFromSamples([]time.Duration{5, -1}); err == nil || !strings.Contains(err.Error(), "negative sample") {
		t.Fatalf("negative sample: %v", err)
	}
}

// TestMeasuredReproducesItsSamples: 100,000 exponential samples summarized to
// the grid, then sampled again, keep their mean and tail.
func TestMeasuredReproducesItsSamples(t *testing.T) {
	src := Exp(20 * time.Millisecond)
	r := NewRand(5, "measured/source")
	obs := make([]time.Duration, 100000)
	for i := range obs {
		obs[i] = time.Duration(src.Sample(r))
	}
	d, err := MeasuredFromSamples(obs)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(d.String(), ":"); got != len(measuredGrid) {
		t.Fatalf("%d points, want %d: %s", got, len(measuredGrid), d)
	}
	back, err := ParseDist(d.String())
	if err != nil || !back.Equal(d) {
		t.Fatalf("the printed table does not parse back: %v", err)
	}
	xs := samples(t, d, 100000)
	near(t, "mean()", d.Mean(), 20*ms, 0.02)
	near(t, "empirical mean", mean(xs), 20*ms, 0.02)
	near(t, "p50", quantile(xs, 0.5), 20*ms*0.6931, 0.03)
	near(t, "p99", quantile(xs, 0.99), 20*ms*4.605, 0.03)
}

func TestReadSamples(t *testing.T) {
	in := "# service times from production, 2026-11\n\n1.5ms\n 2ms , GET /invite\n3ms\tPOST\n# done\n"
	got, err := ReadSamples(strings.NewReader(in), "prod.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{1500 * time.Microsecond, 2 * time.Millisecond, 3 * time.Millisecond}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("got %v, want %v", got, want)
	}
	for _, c := range []struct{ in, want string }{
		{"1ms\n2\n", `prod.txt:2: sample: duration "2" needs a unit (ns, us, ms, s, m, h)`},
		{"1ms\nfast\n", `prod.txt:2: sample: duration: time: invalid duration "fast"`},
		{"-3ms\n", "prod.txt:1: negative duration -3ms"},
		{"# nothing\n\n", "prod.txt: no samples (one duration per line, e.g. 1.25ms)"},
	} {
		if _, err := ReadSamples(strings.NewReader(c.in), "prod.txt"); err == nil || err.Error() != c.want {
			t.Errorf("ReadSamples(%q) error %v, want %q", c.in, err, c.want)
		}
	}
}

func TestLoadMeasured(t *testing.T) {
	path := filepath.Join(t.TempDir(), "svc.txt")
	if err := os.WriteFile(path, []byte("100us\n200us\n400us\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := LoadMeasured(path)
	if err != nil || d.String() != "measured(0:100µs,0.5:200µs,1:400µs)" {
		t.Fatalf("LoadMeasured: %v, %v", d, err)
	}
	if _, err := LoadMeasured(filepath.Join(t.TempDir(), "missing.txt")); err == nil {
		t.Fatal("a missing file loaded")
	}
}

func FuzzReadSamples(f *testing.F) {
	for _, s := range []string{"1ms\n2ms\n", "# c\n\n1.5ms, x\n", "-1ms", "1", "", "1h\n0s\n9223372036s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		obs, err := ReadSamples(strings.NewReader(s), "f")
		if err != nil {
			return
		}
		d, err := MeasuredFromSamples(obs)
		if err != nil {
			t.Fatalf("samples %v read but give no distribution: %v", obs, err)
		}
		back, err := ParseDist(d.String())
		if err != nil || !back.Equal(d) {
			t.Fatalf("%s does not parse back: %v", d, err)
		}
		if v := d.Sample(NewRand(1, "fuzz")); v < 0 {
			t.Fatalf("negative sample %d", v)
		}
	})
}
