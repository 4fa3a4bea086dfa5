package bench

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// TestLatencyAxis: a log scale where latencies span decades, labelled in
// plain milliseconds; linear from 0 otherwise.
func TestLatencyAxis(t *testing.T) {
	p := plot.New()
	s := latencyAxis(p, 40, 16000, "p99")
	if !s.log || p.Y.Label.Text != "p99 (ms, log scale)" || s.of(0) != s.of(s.floor) {
		t.Fatalf("40..16000 ms: scale %+v, label %q", s, p.Y.Label.Text)
	}
	var labels []string
	for _, tk := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if got := strings.Join(labels, " "); got != "100 1000 10000" {
		t.Errorf("log labels %q", got)
	}
	// Under the histograms' 1 µs resolution is at the bottom of the axis.
	if lo, hi := span(plotter.XYs{{Y: 0}, {Y: 0.0005}, {Y: 30}}); lo != 0.001 || hi != 30 {
		t.Errorf("span %v..%v, want 0.001..30", lo, hi)
	}
	// The nines: 50% is not labelled where it would touch 0%.
	for _, tk := range (ninesTicks{}).Ticks(0, 6) {
		if tk.Label == "50%" {
			t.Error("50% labelled on a 6-nines axis")
		}
	}
	p = plot.New()
	if s := latencyAxis(p, 40, 90, "latency"); s.log || p.Y.Min != 0 || p.Y.Label.Text != "latency (ms)" {
		t.Errorf("40..90 ms: scale %+v, min %v", s, p.Y.Min)
	}
	for _, r := range [][2]float64{{0, 1}, {-0.5, 3}, {3, 62}, {0, 4000}} {
		var n int
		for _, tk := range (niceTicks{}).Ticks(r[0], r[1]) {
			if strings.HasPrefix(tk.Label, "-0") && tk.Value == 0 {
				t.Errorf("%v: a -0 label", r)
			}
			if tk.Label != "" {
				n++
			}
		}
		if n < 3 || n > 8 {
			t.Errorf("%v: %d labelled ticks", r, n)
		}
	}
}

var svgText = regexp.MustCompile(`<text x="([-0-9.e]+)" y="([-0-9.e]+)"[^>]*>([^<]*)</text>`)
var svgHeight = regexp.MustCompile(`<svg width="([0-9.]+)pt" height="([0-9.]+)pt"`)

// TestSeriesChartLayout: the legend sits below the plot, never over the
// data; a load profile gets its own axis on the right; no text starts
// outside the image.
func TestSeriesChartLayout(t *testing.T) {
	_, r := fullRun()
	f, err := seriesChart("ring", r.Series["ring"], r.Faults, r.Load)
	if err != nil {
		t.Fatal(err)
	}
	svg, err := f.render()
	if err != nil {
		t.Fatal(err)
	}
	m := svgHeight.FindSubmatch(svg)
	if m == nil {
		t.Fatal("no svg size")
	}
	width, _ := strconv.ParseFloat(string(m[1]), 64)
	height, _ := strconv.ParseFloat(string(m[2]), 64)
	if height <= chartHeight.Points() {
		t.Errorf("height %.1fpt: no room for a legend below the %.1fpt plot", height, chartHeight.Points())
	}
	seen := map[string]float64{}
	for _, m := range svgText.FindAllSubmatch(svg, -1) {
		x, _ := strconv.ParseFloat(string(m[1]), 64)
		y, _ := strconv.ParseFloat(string(m[2]), 64)
		if x < 0 || x > width {
			t.Errorf("text %q starts at x=%.1f, outside 0..%.1f", m[3], x, width)
		}
		seen[string(m[3])] = -y // the document flips y: this is the height from the bottom
	}
	legendTop := height - chartHeight.Points()
	for _, name := range []string{"p50", "p99", "max", "fault periods", "offered rate (right axis)"} {
		if y, ok := seen[name]; !ok || y > legendTop {
			t.Errorf("legend entry %q at %.1fpt from the bottom (ok %v), want below %.1fpt", name, y, ok, legendTop)
		}
	}
	if _, ok := seen["offered rate (arrivals/s)"]; !ok {
		t.Errorf("no right axis label; texts %v", seen)
	}
	if _, ok := seen["latency (ms, log scale)"]; ok {
		t.Error("a log axis for latencies within a decade")
	}
}

// TestOutcomeChartModes: one bar per mode and outcome, the outcome names
// once on the y axis, the modes in the legend.
func TestOutcomeChartModes(t *testing.T) {
	f, err := outcomeChart(map[string]int64{"outcome.server.accepted": 10, "outcome.client.accepted": 12,
		"outcome.server.timeout": 3, "outcome.client.timeout": 0, "anomalies": 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.legend) != 2 || f.legend[0].name != "client mode" || f.legend[1].name != "server mode" {
		t.Errorf("legend %+v", f.legend)
	}
	svg, err := f.render()
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	if strings.Count(s, ">accepted</text>") != 1 || strings.Count(s, ">timeout</text>") != 1 || !strings.Contains(s, ">12</text>") {
		t.Errorf("outcome labels: %d accepted, %d timeout", strings.Count(s, ">accepted</text>"), strings.Count(s, ">timeout</text>"))
	}
}
