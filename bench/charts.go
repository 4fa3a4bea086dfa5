package bench

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Chart size in the SVG files.
const (
	chartWidth  = 16 * vg.Centimeter
	chartHeight = 10 * vg.Centimeter
)

// chart is one SVG chart of a report.
type chart struct {
	file string // file name in the report directory
	alt  string // text for the Markdown image
	svg  []byte
}

var (
	faultColor = color.NRGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0x30}
	sloColor   = color.NRGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
	kneeColor  = color.NRGBA{R: 0x55, G: 0x55, B: 0x55, A: 0xff}
)

// renderSVG draws p into an SVG document. gonum/plot panics on some
// degenerate input; that becomes an error.
func renderSVG(p *plot.Plot) (out []byte, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, fmt.Errorf("drawing chart %q: %v", p.Title.Text, v)
		}
	}()
	c := vgsvg.New(chartWidth, chartHeight)
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, err
	}
	return bytes.ReplaceAll(buf.Bytes(), svgFonts, []byte(svgFontsWith)), nil
}

// vgsvg names the font without a fallback; add the metric-compatible ones.
var (
	svgFonts     = []byte("font-family:Liberation Sans;")
	svgFontsWith = "font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"
)

func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	// Liberation Sans has Arial's metrics, so the layout gonum computes
	// holds in viewers that fall back to Arial or Helvetica (see svgFonts).
	for _, sty := range []*text.Style{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle,
		&p.X.Tick.Label, &p.Y.Tick.Label, &p.Legend.TextStyle} {
		sty.Font.Variant = "Sans"
	}
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	p.Legend.Left = true
	p.Y.Tick.Marker = cleanTicks{}
	return p
}

// cleanTicks are gonum's default ticks with labels in the shortest form
// ("250" rather than "250.00").
type cleanTicks struct{}

// Ticks implements plot.Ticker.
func (cleanTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = strconv.FormatFloat(ticks[i].Value, 'g', 6, 64)
		}
	}
	return ticks
}

func line(xys plotter.XYs, i int, name string, p *plot.Plot) error {
	l, err := plotter.NewLine(xys)
	if err != nil {
		return err
	}
	l.Color = plotutil.Color(i)
	l.Width = vg.Points(1.5)
	p.Add(l)
	if name != "" {
		p.Legend.Add(name, l)
	}
	return nil
}

// slugs gives each name a distinct file-name-safe slug.
func slugs(names []string) map[string]string {
	out := make(map[string]string, len(names))
	used := make(map[string]bool, len(names))
	for _, n := range names {
		var b strings.Builder
		for _, r := range n {
			switch {
			case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
				b.WriteRune(r)
			default:
				b.WriteByte('_')
			}
		}
		s := b.String()
		if s == "" {
			s = "_"
		}
		base := s
		for i := 2; used[s]; i++ {
			s = base + "-" + strconv.Itoa(i)
		}
		used[s] = true
		out[n] = s
	}
	return out
}

// ninesTicks label the "nines" axis: x = -log10(1-q).
type ninesTicks struct{}

// Ticks implements plot.Ticker.
func (ninesTicks) Ticks(min, max float64) []plot.Tick {
	ticks := []plot.Tick{{Value: 0, Label: "0%"}, {Value: math.Log10(2), Label: "50%"}}
	for n := 1; n <= 9 && float64(n) <= max+1e-9; n++ {
		ticks = append(ticks, plot.Tick{Value: float64(n), Label: ninesLabel(n)})
	}
	return ticks
}

func ninesLabel(n int) string {
	switch n {
	case 1:
		return "90%"
	case 2:
		return "99%"
	}
	return "99." + strings.Repeat("9", n-2) + "%"
}

func ms(ns int64) float64 { return float64(ns) / 1e6 }

// spectrumChart draws the latency percentile spectrum of one metric: the
// value at each percentile on a "nines" scale. It uses the full histogram
// when h is non-nil, else the points of the summary.
func spectrumChart(name string, s Summary, h *Hist) (*plot.Plot, error) {
	p := newPlot(name+": latency by percentile", "percentile", "latency (ms)")
	p.X.Tick.Marker = ninesTicks{}
	// The spectrum ends where the samples run out: at 1 - 1/count.
	maxNines := math.Min(math.Max(math.Log10(float64(s.Count)), 1), 6)
	var xys plotter.XYs
	if h != nil && h.Count() > 0 {
		const steps = 300
		for i := 0; i <= steps; i++ {
			x := maxNines * float64(i) / steps
			q := 1 - math.Pow(10, -x)
			xys = append(xys, plotter.XY{X: x, Y: ms(h.Quantile(q))})
		}
	} else {
		xys = plotter.XYs{
			{X: 0, Y: ms(s.MinNS)}, {X: math.Log10(2), Y: ms(s.P50NS)},
			{X: 1, Y: ms(s.P90NS)}, {X: 2, Y: ms(s.P99NS)},
			{X: 3, Y: ms(s.P999NS)}, {X: math.Max(maxNines, 3.5), Y: ms(s.MaxNS)},
		}
	}
	p.X.Min, p.X.Max = 0, xys[len(xys)-1].X
	p.Y.Min = 0
	if err := line(xys, 0, "", p); err != nil {
		return nil, err
	}
	return p, nil
}

// faultShade shades fault periods across the whole height of a chart
// whose x axis is virtual time in seconds.
type faultShade struct{ faults []Fault }

// Plot implements plot.Plotter.
func (f faultShade) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	sty := text.Style{
		Color:   color.NRGBA{R: 0x90, G: 0x10, B: 0x10, A: 0xff},
		Font:    p.X.Tick.Label.Font,
		XAlign:  draw.XLeft,
		YAlign:  draw.YBottom,
		Handler: p.TextHandler,
	}
	for _, ft := range f.faults {
		x0 := clampLen(trX(float64(ft.FromNS)/1e9), c.Min.X, c.Max.X)
		x1 := clampLen(trX(float64(ft.ToNS)/1e9), c.Min.X, c.Max.X)
		if x1-x0 < 1 {
			x1 = x0 + 1
		}
		c.FillPolygon(faultColor, []vg.Point{
			{X: x0, Y: c.Min.Y}, {X: x1, Y: c.Min.Y}, {X: x1, Y: c.Max.Y}, {X: x0, Y: c.Max.Y},
		})
		if ft.Name != "" {
			c.FillText(sty, vg.Point{X: x0 + 2, Y: c.Min.Y + 2}, ft.Name)
		}
	}
}

// DataRange implements plot.DataRanger: the faults widen the time axis
// but leave the latency axis alone.
func (f faultShade) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = math.Inf(1), math.Inf(-1)
	for _, ft := range f.faults {
		xmin = math.Min(xmin, float64(ft.FromNS)/1e9)
		xmax = math.Max(xmax, float64(ft.ToNS)/1e9)
	}
	return xmin, xmax, math.Inf(1), math.Inf(-1)
}

func clampLen(v, lo, hi vg.Length) vg.Length {
	return vg.Length(math.Min(math.Max(float64(v), float64(lo)), float64(hi)))
}

// seriesChart draws p50, p99 and max per interval over virtual time, with
// the fault periods shaded.
func seriesChart(name string, d SeriesData, faults []Fault) (*plot.Plot, error) {
	p := newPlot(name+": latency over virtual time", "virtual time (s)", "latency (ms)")
	p.Y.Min = 0
	if len(faults) > 0 {
		p.Add(faultShade{faults: faults})
		p.Legend.Add("fault periods", shadeThumb{})
	}
	half := float64(d.IntervalNS) / 2
	var p50, p99, mx plotter.XYs
	for _, pt := range d.Points {
		x := (float64(pt.StartNS) + half) / 1e9
		p50 = append(p50, plotter.XY{X: x, Y: ms(pt.P50NS)})
		p99 = append(p99, plotter.XY{X: x, Y: ms(pt.P99NS)})
		mx = append(mx, plotter.XY{X: x, Y: ms(pt.MaxNS)})
	}
	if len(d.Points) == 0 {
		return p, nil
	}
	// Room above the data for the legend and the fault names.
	top := 0.0
	for _, xy := range mx {
		top = math.Max(top, xy.Y)
	}
	p.Y.Max = top * 1.3
	p.Legend.Left = false
	for i, l := range []struct {
		xys  plotter.XYs
		name string
	}{{p50, "p50"}, {p99, "p99"}, {mx, "max"}} {
		if err := line(l.xys, i, l.name, p); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// shadeThumb is the legend entry of the fault shading.
type shadeThumb struct{}

// Thumbnail implements plot.Thumbnailer.
func (shadeThumb) Thumbnail(c *draw.Canvas) {
	c.FillPolygon(faultColor, []vg.Point{
		{X: c.Min.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Min.X, Y: c.Max.Y},
	})
}

// capacityChart draws p99 against offered rate, one line per shard count
// (points without data left out), with the SLO as a dashed line and each
// shard count's knee marked in its colour; a shard count whose SLO never
// broke says so in the legend instead.
func capacityChart(c *Capacity) (*plot.Plot, error) {
	title := "capacity"
	if c.Metric != "" {
		title += ": " + c.Metric + " p99 by offered rate"
	}
	p := newPlot(title, "offered rate (invitations/s)", "p99 latency (ms)")
	p.Y.Min = 0
	bySh := map[int]plotter.XYs{}
	var shards []int
	xmin, xmax, ymax := math.Inf(1), math.Inf(-1), 0.0
	for _, pt := range c.Points {
		if pt.NoData {
			continue
		}
		if _, ok := bySh[pt.Shards]; !ok {
			shards = append(shards, pt.Shards)
		}
		bySh[pt.Shards] = append(bySh[pt.Shards], plotter.XY{X: pt.Rate, Y: ms(pt.P99NS)})
		xmin, xmax = math.Min(xmin, pt.Rate), math.Max(xmax, pt.Rate)
		ymax = math.Max(ymax, ms(pt.P99NS))
	}
	if len(shards) == 0 {
		return p, nil
	}
	sort.Ints(shards)
	for i, sh := range shards {
		xys := bySh[sh]
		sort.SliceStable(xys, func(a, b int) bool { return xys[a].X < xys[b].X })
		l, s, err := plotter.NewLinePoints(xys)
		if err != nil {
			return nil, err
		}
		l.Color = plotutil.Color(i)
		l.Width = vg.Points(1.5)
		s.Color = plotutil.Color(i)
		s.Shape = draw.CircleGlyph{}
		p.Add(l, s)
		label := ShardsLabel(sh)
		if v, ok := c.shardCapacity(sh); ok && v.BrokeAt == 0 && v.HeldTo > 0 {
			label += ": held to " + FormatRate(v.HeldTo) + "/s, no knee"
		}
		p.Legend.Add(label, l, s)
	}
	if c.SLONS > 0 {
		slo := ms(c.SLONS)
		l, err := plotter.NewLine(plotter.XYs{{X: xmin, Y: slo}, {X: xmax, Y: slo}})
		if err != nil {
			return nil, err
		}
		l.Color = sloColor
		l.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		p.Add(l)
		label := "SLO"
		if c.SLO != "" {
			label += " " + c.SLO
		}
		p.Legend.Add(label, l)
		ymax = math.Max(ymax, slo)
	}
	ymax *= 1.25 // room for the legend
	for i, sh := range shards {
		v, ok := c.shardCapacity(sh)
		if !ok || v.Knee() <= 0 {
			continue
		}
		k := v.Knee()
		l, err := plotter.NewLine(plotter.XYs{{X: k, Y: 0}, {X: k, Y: ymax}})
		if err != nil {
			return nil, err
		}
		l.Color = plotutil.Color(i)
		l.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
		p.Add(l)
		p.Legend.Add("knee, "+ShardsLabel(sh)+": "+strconv.FormatFloat(k, 'g', 6, 64)+"/s", l)
	}
	p.Y.Max = math.Max(p.Y.Max, ymax)
	return p, nil
}

// OutcomePrefix is the prefix of the counts drawn in the outcome chart.
const OutcomePrefix = "outcome."

// outcomeChart draws a bar per count named "outcome.*".
func outcomeChart(counts map[string]int64) (*plot.Plot, error) {
	var names []string
	for n := range counts {
		if strings.HasPrefix(n, OutcomePrefix) {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return nil, errors.New("no outcome counts")
	}
	sort.Strings(names)
	vals := make(plotter.Values, len(names))
	labels := make([]string, len(names))
	for i, n := range names {
		vals[i] = float64(counts[n])
		labels[i] = strings.TrimPrefix(n, OutcomePrefix)
	}
	p := newPlot("outcomes", "", "count")
	bars, err := plotter.NewBarChart(vals, vg.Points(math.Max(8, math.Min(40, 300/float64(len(names))))))
	if err != nil {
		return nil, err
	}
	bars.Color = plotutil.Color(0)
	bars.LineStyle.Width = 0
	p.Add(bars)
	p.NominalX(labels...)
	p.X.Min, p.X.Max = -0.5, float64(len(names))-0.5
	p.Y.Min = 0
	p.Y.Max *= 1.05
	return p, nil
}

// charts returns every chart of r, in the order report.md shows them.
func charts(r *Report, m *Metrics) ([]chart, error) {
	var out []chart
	add := func(file, alt string, p *plot.Plot, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		svg, err := renderSVG(p)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		out = append(out, chart{file: file, alt: alt, svg: svg})
		return nil
	}

	names := sortedKeys(r.Virtual.Metrics)
	sl := slugs(names)
	for _, n := range names {
		s := r.Virtual.Metrics[n]
		if s.Count == 0 {
			continue
		}
		var h *Hist
		if m != nil {
			h = m.hists[n]
		}
		p, err := spectrumChart(n, s, h)
		if err := add("spectrum-"+sl[n]+".svg", n+" latency by percentile", p, err); err != nil {
			return nil, err
		}
	}

	snames := sortedKeys(r.Series)
	ssl := slugs(snames)
	for _, n := range snames {
		p, err := seriesChart(n, r.Series[n], r.Faults)
		if err := add("series-"+ssl[n]+".svg", n+" latency over virtual time", p, err); err != nil {
			return nil, err
		}
	}

	if r.Capacity != nil {
		p, err := capacityChart(r.Capacity)
		if err := add("capacity.svg", "capacity curve", p, err); err != nil {
			return nil, err
		}
	}

	if hasOutcomes(r.Virtual.Counts) {
		p, err := outcomeChart(r.Virtual.Counts)
		if err := add("outcomes.svg", "outcome breakdown", p, err); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func hasOutcomes(counts map[string]int64) bool {
	for n := range counts {
		if strings.HasPrefix(n, OutcomePrefix) {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
