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
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Chart size in the SVG files: the plot; the legend below it adds its
// own height.
const (
	chartWidth  = 16 * vg.Centimeter
	chartHeight = 10 * vg.Centimeter
)

// chart is one SVG chart of a report.
type chart struct {
	file    string // file name in the report directory
	alt     string // text for the Markdown image
	caption string // what the chart shows, for report.md
	svg     []byte
}

// Colours and line styles. Each series differs from the others by more
// than its colour (width, dashes, glyphs), so that p99 stays apart from
// max where they meet, and in print.
var (
	faultColor = color.NRGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0x30}
	sloColor   = color.NRGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
	rateColor  = color.NRGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}
	palette    = []color.Color{
		color.NRGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, // blue
		color.NRGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}, // orange
		color.NRGBA{R: 0x94, G: 0x67, B: 0xbd, A: 0xff}, // purple
		color.NRGBA{R: 0x8c, G: 0x56, B: 0x4b, A: 0xff}, // brown
		color.NRGBA{R: 0x17, G: 0xbe, B: 0xcf, A: 0xff}, // cyan
		color.NRGBA{R: 0x7f, G: 0x7f, B: 0x7f, A: 0xff}, // grey
	}
	maxColor = color.NRGBA{R: 0x22, G: 0x22, B: 0x22, A: 0xff}
)

func colorOf(i int) color.Color { return palette[i%len(palette)] }

// A figure is a plot with what gonum/plot leaves out: a legend below the
// plot (never over the data), room on the right for the last tick label,
// and an optional second y axis on the right.
type figure struct {
	p      *plot.Plot
	legend []legendEntry
	right  *rightAxis
}

type legendEntry struct {
	name   string
	thumbs []plot.Thumbnailer
}

// rightAxis is a second y axis, linear from 0 to max, drawn on the right
// of the data area, with its lines (x in the plot's x units).
type rightAxis struct {
	label  string
	max    float64
	lines  []plotter.XYs
	style  draw.LineStyle   // of the first line and the label
	styles []draw.LineStyle // of the others
}

func (f *figure) add(name string, thumbs ...plot.Thumbnailer) {
	f.legend = append(f.legend, legendEntry{name: name, thumbs: thumbs})
}

func newFigure(title, x, y string) *figure {
	p := plot.New()
	// Liberation Sans has Arial's metrics, so the layout gonum computes
	// holds in viewers that fall back to Arial or Helvetica (see svgFonts).
	for _, sty := range []*text.Style{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle,
		&p.X.Tick.Label, &p.Y.Tick.Label, &p.Legend.TextStyle} {
		sty.Font.Variant = "Sans"
	}
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.Title.Padding = vg.Points(6)
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Add(plotter.NewGrid())
	p.X.Tick.Marker = niceTicks{}
	p.Y.Tick.Marker = niceTicks{}
	return &figure{p: p}
}

const (
	legendPad  = vg.Length(6)  // around and between legend entries
	thumbWidth = vg.Length(22) // a legend entry's line sample
	edgePad    = vg.Length(14) // right of the plot: room for the last x tick label (half of it on the left)
	topPad     = vg.Length(6)
)

// legendRows lays the legend out in rows that fit the width: each row
// lists the entries it holds and its width.
func (f *figure) legendRows(width vg.Length) [][]int {
	sty := f.p.Legend.TextStyle
	var rows [][]int
	var cur []int
	x := vg.Length(0)
	for i, e := range f.legend {
		w := thumbWidth + legendPad + sty.Width(e.name) + 2*legendPad
		if len(cur) > 0 && x+w > width {
			rows, cur, x = append(rows, cur), nil, 0
		}
		cur = append(cur, i)
		x += w
	}
	if len(cur) > 0 {
		rows = append(rows, cur)
	}
	return rows
}

func (f *figure) entryHeight() vg.Length {
	return f.p.Legend.TextStyle.Rectangle("Xg").Size().Y + legendPad
}

// rightWidth is the room the right axis takes: ticks, labels, its name.
func (f *figure) rightWidth() vg.Length {
	if f.right == nil {
		return edgePad
	}
	sty := f.p.Y.Tick.Label
	w := vg.Length(0)
	for _, t := range niceTicks.Ticks(niceTicks{}, 0, f.right.max) {
		w = max(w, sty.Width(t.Label))
	}
	return 6 + w + 6 + f.p.Y.Label.TextStyle.Rectangle("Xg").Size().Y + 4
}

// render draws the figure into an SVG document. gonum/plot panics on
// some degenerate input; that becomes an error.
func (f *figure) render() (out []byte, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, fmt.Errorf("drawing chart %q: %v", f.p.Title.Text, v)
		}
	}()
	rows := f.legendRows(chartWidth - 2*legendPad)
	legH := vg.Length(0)
	if len(rows) > 0 {
		legH = vg.Length(len(rows))*f.entryHeight() + 2*legendPad
	}
	c := vgsvg.New(chartWidth, chartHeight+legH)
	dc := draw.New(c)
	area := draw.Crop(dc, edgePad/2, -f.rightWidth(), legH, -topPad)
	f.p.Draw(area)
	if f.right != nil {
		f.drawRight(area)
	}
	f.drawLegend(draw.Crop(dc, 0, 0, 0, -(chartHeight)), rows)
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, err
	}
	return bytes.ReplaceAll(buf.Bytes(), svgFonts, []byte(svgFontsWith)), nil
}

// drawLegend draws the legend's rows, centred, in c (the strip below the
// plot).
func (f *figure) drawLegend(c draw.Canvas, rows [][]int) {
	sty := f.p.Legend.TextStyle
	eh := f.entryHeight()
	y := c.Max.Y - legendPad - eh
	for _, row := range rows {
		w := vg.Length(0)
		for _, i := range row {
			w += thumbWidth + legendPad + sty.Width(f.legend[i].name) + 2*legendPad
		}
		x := c.Min.X + (c.Max.X-c.Min.X-w)/2
		for _, i := range row {
			e := f.legend[i]
			icon := &draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
				Min: vg.Point{X: x, Y: y + legendPad/2}, Max: vg.Point{X: x + thumbWidth, Y: y + eh - legendPad/2}}}
			for _, t := range e.thumbs {
				t.Thumbnail(icon)
			}
			ts := sty
			ts.YAlign = draw.YCenter
			c.FillText(ts, vg.Point{X: x + thumbWidth + legendPad, Y: y + eh/2}, e.name)
			x += thumbWidth + legendPad + sty.Width(e.name) + 2*legendPad
		}
		y -= eh
	}
}

// drawRight draws the right axis and its lines beside the plot drawn in
// area.
func (f *figure) drawRight(area draw.Canvas) {
	r := f.right
	dc := f.p.DataCanvas(area)
	trX, _ := f.p.Transforms(&dc)
	yOf := func(v float64) vg.Length {
		return dc.Min.Y + vg.Length(math.Max(0, math.Min(1, v/r.max)))*(dc.Max.Y-dc.Min.Y)
	}
	for k, l := range r.lines {
		pts := make([]vg.Point, len(l))
		for i, xy := range l {
			pts[i] = vg.Point{X: trX(xy.X), Y: yOf(xy.Y)}
		}
		st := r.style
		if k > 0 {
			st = r.styles[k-1]
		}
		dc.StrokeLines(st, dc.ClipLinesXY(pts)...)
	}
	axis := draw.LineStyle{Color: color.Black, Width: vg.Points(0.5)}
	x0 := dc.Max.X
	area.StrokeLine2(axis, x0, dc.Min.Y, x0, dc.Max.Y)
	sty := f.p.Y.Tick.Label
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YCenter
	lw := vg.Length(0)
	for _, t := range (niceTicks{}).Ticks(0, r.max) {
		y := yOf(t.Value)
		if t.Label == "" {
			area.StrokeLine2(axis, x0, y, x0+2, y)
			continue
		}
		area.StrokeLine2(axis, x0, y, x0+4, y)
		area.FillText(sty, vg.Point{X: x0 + 6, Y: y}, t.Label)
		lw = max(lw, sty.Width(t.Label))
	}
	ls := f.p.Y.Label.TextStyle
	ls.Rotation = math.Pi / 2 // read bottom to top, as the left axis's
	ls.XAlign, ls.YAlign = draw.XCenter, draw.YTop
	ls.Color = r.style.Color
	area.FillText(ls, vg.Point{X: x0 + 6 + lw + 6, Y: (dc.Min.Y + dc.Max.Y) / 2}, r.label)
}

// vgsvg names the font without a fallback; add the metric-compatible ones.
var (
	svgFonts     = []byte("font-family:Liberation Sans;")
	svgFontsWith = "font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"
)

// niceTicks are about six labelled ticks at 1, 2, 2.5 or 5 times a power
// of ten, labels in their shortest form ("250", not "250.00"), with
// unlabelled ticks between.
type niceTicks struct{}

// Ticks implements plot.Ticker.
func (niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) {
		return []plot.Tick{{Value: lo, Label: formatTick(lo)}}
	}
	raw := (hi - lo) / 6
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	minor := step / 5
	var ticks []plot.Tick
	for k := math.Ceil(lo/minor - 1e-9); k*minor <= hi+minor*1e-9; k++ {
		v := k * minor
		if v == 0 {
			v = 0 // not -0
		}
		t := plot.Tick{Value: v}
		if math.Mod(k, 5) == 0 {
			t.Label = formatTick(v)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// logTicks label each power of ten of a log axis, and 2 and 5 times it
// when the axis spans at most three decades; the other multiples are
// unlabelled ticks. The axis is linear in log10 of the value (yScale):
// gonum's own log scale misplaces a centred axis label.
type logTicks struct{}

// Ticks implements plot.Ticker; lo and hi are log10 of the values.
func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	d0, d1 := math.Floor(lo), math.Ceil(hi)
	few := d1-d0 <= 3
	var ticks []plot.Tick
	for d := d0; d <= d1; d++ {
		base := math.Pow(10, d)
		for m := 1; m <= 9; m++ {
			v := base * float64(m)
			lv := math.Log10(v)
			if lv < lo-1e-9 || lv > hi+1e-9 {
				continue
			}
			t := plot.Tick{Value: lv}
			if m == 1 || few && (m == 2 || m == 5) {
				t.Label = formatTick(v)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

func formatTick(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if len(s) > 8 {
		s = strconv.FormatFloat(v, 'g', 4, 64)
	}
	return s
}

// yScale maps latencies (ms) to the y of a plot: as they are, or log10
// of them, values below floor drawn at it (a log axis has no 0).
type yScale struct {
	log   bool
	floor float64
}

func (s yScale) of(v float64) float64 {
	if !s.log {
		return v
	}
	return math.Log10(math.Max(v, s.floor))
}

func (s yScale) xys(in plotter.XYs) plotter.XYs {
	out := make(plotter.XYs, len(in))
	for i, xy := range in {
		out[i] = plotter.XY{X: xy.X, Y: s.of(xy.Y)}
	}
	return out
}

// latencyAxis sets the plot's y axis for latencies from lo to hi (ms): a
// log scale when they span a decade and a half or more (a knee or a tail
// then stays visible next to the bulk), else linear from 0. It returns
// the scale to draw values with.
func latencyAxis(p *plot.Plot, lo, hi float64, what string) yScale {
	if hi <= 0 {
		p.Y.Min, p.Y.Max = 0, 1
		p.Y.Label.Text = what + " (ms)"
		return yScale{}
	}
	if lo > 0 && hi/lo >= 30 {
		s := yScale{log: true, floor: lo / 1.5}
		p.Y.Tick.Marker = logTicks{}
		p.Y.Min, p.Y.Max = math.Log10(lo/1.5), math.Log10(hi*1.5)
		p.Y.Label.Text = what + " (ms, log scale)"
		return s
	}
	p.Y.Min, p.Y.Max = 0, hi*1.08
	p.Y.Label.Text = what + " (ms)"
	return yScale{}
}

// span returns the smallest positive and the largest of values (ms); the
// smallest no lower than the histograms' resolution, LowestNS: a log axis
// draws what is below it at its bottom.
func span(sets ...plotter.XYs) (lo, hi float64) {
	lo = math.Inf(1)
	for _, s := range sets {
		for _, xy := range s {
			if xy.Y > 0 {
				lo = math.Min(lo, xy.Y)
			}
			hi = math.Max(hi, xy.Y)
		}
	}
	if math.IsInf(lo, 1) {
		return 0, hi
	}
	return math.Max(lo, ms(LowestNS)), hi
}

// lineStyle is one series' look.
type lineStyle struct {
	color  color.Color
	width  float64
	dashes []vg.Length
}

func addLine(f *figure, xys plotter.XYs, st lineStyle, name string) error {
	l, err := plotter.NewLine(xys)
	if err != nil {
		return err
	}
	l.Color, l.Width, l.Dashes = st.color, vg.Points(st.width), st.dashes
	f.p.Add(l)
	if name != "" {
		f.add(name, l)
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
	if max > 4.5 {
		ticks[1].Label = "" // too close to 0% to be read apart
	}
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
// value at each percentile on a "nines" scale. It reads the full
// histogram (h, else the summary's HDR), else the points of the summary.
func spectrumChart(name string, s Summary, h *Hist) (*figure, error) {
	f := newFigure(name+": latency by percentile", "percentile (log scale of nines: 90%, 99%, 99.9%, ...)", "")
	f.p.X.Tick.Marker = ninesTicks{}
	// The spectrum ends where the samples run out: at 1 - 1/count.
	maxNines := math.Min(math.Max(math.Log10(float64(s.Count)), 1), 6)
	var xys plotter.XYs
	quantile := func(q float64) (int64, bool) {
		if h != nil && h.Count() > 0 {
			return h.Quantile(q), true
		}
		if s.HDR != "" {
			v, err := s.Percentile(q * 100)
			return v, err == nil
		}
		return 0, false
	}
	if _, ok := quantile(0.5); ok {
		const steps = 300
		for i := 0; i <= steps; i++ {
			x := maxNines * float64(i) / steps
			v, _ := quantile(1 - math.Pow(10, -x))
			xys = append(xys, plotter.XY{X: x, Y: ms(v)})
		}
	} else {
		xys = plotter.XYs{
			{X: 0, Y: ms(s.MinNS)}, {X: math.Log10(2), Y: ms(s.P50NS)},
			{X: 1, Y: ms(s.P90NS)}, {X: 2, Y: ms(s.P99NS)},
			{X: 3, Y: ms(s.P999NS)}, {X: math.Max(maxNines, 3.5), Y: ms(s.MaxNS)},
		}
	}
	f.p.X.Min, f.p.X.Max = 0, xys[len(xys)-1].X
	lo, hi := span(xys)
	ys := latencyAxis(f.p, lo, hi, "latency")
	if err := addLine(f, ys.xys(xys), lineStyle{color: colorOf(0), width: 1.8}, ""); err != nil {
		return nil, err
	}
	return f, nil
}

// faultShade shades fault periods across the whole height of a chart
// whose x axis is virtual time in seconds, each named at its top.
type faultShade struct{ faults []Fault }

// Plot implements plot.Plotter.
func (fs faultShade) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	sty := text.Style{
		Color:   color.NRGBA{R: 0x90, G: 0x10, B: 0x10, A: 0xff},
		Font:    p.X.Tick.Label.Font,
		XAlign:  draw.XLeft,
		YAlign:  draw.YTop,
		Handler: p.TextHandler,
	}
	for _, ft := range fs.faults {
		x0 := clampLen(trX(float64(ft.FromNS)/1e9), c.Min.X, c.Max.X)
		x1 := clampLen(trX(float64(ft.ToNS)/1e9), c.Min.X, c.Max.X)
		if x1-x0 < 1 {
			x1 = x0 + 1
		}
		c.FillPolygon(faultColor, []vg.Point{
			{X: x0, Y: c.Min.Y}, {X: x1, Y: c.Min.Y}, {X: x1, Y: c.Max.Y}, {X: x0, Y: c.Max.Y},
		})
		if ft.Name != "" {
			c.FillText(sty, vg.Point{X: x1 + 2, Y: c.Max.Y - 2}, ft.Name)
		}
	}
}

// DataRange implements plot.DataRanger: the faults widen the time axis
// but leave the latency axis alone.
func (fs faultShade) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = math.Inf(1), math.Inf(-1)
	for _, ft := range fs.faults {
		xmin = math.Min(xmin, float64(ft.FromNS)/1e9)
		xmax = math.Max(xmax, float64(ft.ToNS)/1e9)
	}
	return xmin, xmax, math.Inf(1), math.Inf(-1)
}

func clampLen(v, lo, hi vg.Length) vg.Length {
	return vg.Length(math.Min(math.Max(float64(v), float64(lo)), float64(hi)))
}

// shadeThumb is the legend entry of the fault shading.
type shadeThumb struct{}

// Thumbnail implements plot.Thumbnailer.
func (shadeThumb) Thumbnail(c *draw.Canvas) {
	c.FillPolygon(faultColor, []vg.Point{
		{X: c.Min.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Min.X, Y: c.Max.Y},
	})
}

// seriesChart draws p50, p99 and max per interval over virtual time, with
// the fault periods shaded, and the offered rate of a load profile on a
// second axis.
func seriesChart(name string, d SeriesData, faults []Fault, load *Load) (*figure, error) {
	f := newFigure(name+": latency over virtual time", "virtual time (s)", "")
	half := float64(d.IntervalNS) / 2
	var p50, p99, mx plotter.XYs
	for _, pt := range d.Points {
		x := (float64(pt.StartNS) + half) / 1e9
		p50 = append(p50, plotter.XY{X: x, Y: ms(pt.P50NS)})
		p99 = append(p99, plotter.XY{X: x, Y: ms(pt.P99NS)})
		mx = append(mx, plotter.XY{X: x, Y: ms(pt.MaxNS)})
	}
	lo, hi := span(p50, p99, mx)
	ys := latencyAxis(f.p, lo, hi, "latency")
	if len(faults) > 0 {
		// Headroom for the faults' names above the data.
		if ys.log {
			f.p.Y.Max += math.Log10(2.5)
		} else {
			f.p.Y.Max *= 1.15
		}
		f.p.Add(faultShade{faults: faults})
		f.add("fault periods", shadeThumb{})
	}
	if len(d.Points) == 0 {
		return f, nil
	}
	// max on top of p99, thin and dashed: where the two meet (a bucket
	// of few samples) both stay visible.
	for _, l := range []struct {
		xys  plotter.XYs
		st   lineStyle
		name string
	}{
		{p50, lineStyle{color: colorOf(0), width: 1.5}, "p50"},
		{p99, lineStyle{color: colorOf(1), width: 2.6}, "p99"},
		{mx, lineStyle{color: maxColor, width: 0.9, dashes: []vg.Length{vg.Points(3), vg.Points(2)}}, "max"},
	} {
		if err := addLine(f, ys.xys(l.xys), l.st, l.name); err != nil {
			return nil, err
		}
	}
	if load != nil && len(load.Points) > 0 {
		addLoad(f, load, name, d)
	}
	return f, nil
}

// addLoad draws a load profile's offered rate on the right axis and, when
// it is of the same size (rings per second, not frames), the metric's
// samples per second: what the system served against what it was offered.
func addLoad(f *figure, load *Load, name string, d SeriesData) {
	var xys plotter.XYs
	top := 0.0
	for _, p := range load.Points {
		xys = append(xys, plotter.XY{X: float64(load.StartNS+p.AtNS) / 1e9, Y: p.Rate})
		top = math.Max(top, p.Rate)
	}
	style := draw.LineStyle{Color: rateColor, Width: vg.Points(1.6), Dashes: []vg.Length{vg.Points(7), vg.Points(2), vg.Points(1.5), vg.Points(2)}}
	f.right = &rightAxis{label: "offered rate (arrivals/s)", max: top * 1.1, lines: []plotter.XYs{xys}, style: style}
	// The profile widens the time axis to its whole span.
	f.p.X.Min = math.Min(f.p.X.Min, xys[0].X)
	f.p.X.Max = math.Max(f.p.X.Max, xys[len(xys)-1].X)
	l, _ := plotter.NewLine(xys)
	l.LineStyle = style
	f.add("offered rate (right axis)", l)

	var served plotter.XYs
	peak, sec := 0.0, float64(d.IntervalNS)/1e9
	for _, pt := range d.Points {
		v := float64(pt.Count) / sec
		served = append(served, plotter.XY{X: (float64(pt.StartNS) + float64(d.IntervalNS)/2) / 1e9, Y: v})
		peak = math.Max(peak, v)
	}
	if len(served) == 0 || peak > 2*top {
		return
	}
	f.right.max = math.Max(top, peak) * 1.1
	ss := draw.LineStyle{Color: rateColor, Width: vg.Points(0.8)}
	f.right.lines = append(f.right.lines, served)
	f.right.styles = append(f.right.styles, ss)
	ls, _ := plotter.NewLine(served)
	ls.LineStyle = ss
	f.add(name+" samples per second (right axis)", ls)
}

// capacityChart draws p99 against offered rate, one line per shard count
// (points without data left out), with the SLO as a dashed line and each
// shard count's knee marked in its colour; a shard count whose SLO never
// broke says so in the legend instead.
func capacityChart(c *Capacity) (*figure, error) {
	title := "capacity"
	if c.Metric != "" {
		title += ": " + c.Metric + " p99 by offered rate"
	}
	f := newFigure(title, "offered rate (invitations/s)", "")
	bySh := map[int]plotter.XYs{}
	var shards []int
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for _, pt := range c.Points {
		if pt.NoData {
			continue
		}
		if _, ok := bySh[pt.Shards]; !ok {
			shards = append(shards, pt.Shards)
		}
		bySh[pt.Shards] = append(bySh[pt.Shards], plotter.XY{X: pt.Rate, Y: ms(pt.P99NS)})
		xmin, xmax = math.Min(xmin, pt.Rate), math.Max(xmax, pt.Rate)
	}
	if len(shards) == 0 {
		latencyAxis(f.p, 0, 0, "p99")
		return f, nil
	}
	sort.Ints(shards)
	all := make([]plotter.XYs, 0, len(shards)+1)
	for _, sh := range shards {
		all = append(all, bySh[sh])
	}
	slo := ms(c.SLONS)
	if c.SLONS > 0 {
		all = append(all, plotter.XYs{{X: xmin, Y: slo}})
	}
	lo, hi := span(all...)
	ys := latencyAxis(f.p, lo, hi, "p99 latency")
	f.p.X.Min, f.p.X.Max = 0, xmax*1.04
	glyphs := []draw.GlyphDrawer{draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.PlusGlyph{}, draw.CrossGlyph{}, draw.RingGlyph{}}
	for i, sh := range shards {
		xys := bySh[sh]
		sort.SliceStable(xys, func(a, b int) bool { return xys[a].X < xys[b].X })
		l, s, err := plotter.NewLinePoints(ys.xys(xys))
		if err != nil {
			return nil, err
		}
		l.Color, l.Width = colorOf(i), vg.Points(1.6)
		s.Color, s.Shape, s.Radius = colorOf(i), glyphs[i%len(glyphs)], vg.Points(3)
		f.p.Add(l, s)
		label := ShardsLabel(sh)
		if v, ok := c.shardCapacity(sh); ok && v.BrokeAt == 0 && v.HeldTo > 0 {
			label += ": held to " + FormatRate(v.HeldTo) + "/s, no knee"
		}
		f.add(label, l, s)
	}
	if c.SLONS > 0 {
		st := lineStyle{color: sloColor, width: 1.4, dashes: []vg.Length{vg.Points(6), vg.Points(3)}}
		label := "SLO"
		if c.SLO != "" {
			label += " " + c.SLO
		}
		if err := addLine(f, plotter.XYs{{X: f.p.X.Min, Y: ys.of(slo)}, {X: f.p.X.Max, Y: ys.of(slo)}}, st, label); err != nil {
			return nil, err
		}
	}
	for i, sh := range shards {
		v, ok := c.shardCapacity(sh)
		if !ok || v.Knee() <= 0 {
			continue
		}
		k := v.Knee()
		st := lineStyle{color: colorOf(i), width: 1, dashes: []vg.Length{vg.Points(2), vg.Points(2)}}
		if err := addLine(f, plotter.XYs{{X: k, Y: f.p.Y.Min}, {X: k, Y: f.p.Y.Max}}, st,
			"knee, "+ShardsLabel(sh)+": "+FormatRate(k)+"/s"); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// OutcomePrefix is the prefix of the counts drawn in the outcome chart.
const OutcomePrefix = "outcome."

// outcomeChart draws a horizontal bar per count named "outcome.*", its
// value at its end; with modes ("outcome.server.accepted") one bar per
// mode for each outcome, side by side.
func outcomeChart(counts map[string]int64) (*figure, error) {
	type key struct{ mode, outcome string }
	vals := map[key]int64{}
	var modes, outcomes []string
	for n, v := range counts {
		rest, ok := strings.CutPrefix(n, OutcomePrefix)
		if !ok {
			continue
		}
		k := key{outcome: rest}
		if m, o, ok := strings.Cut(rest, "."); ok && (m == "server" || m == "client") {
			k = key{m, o}
		}
		vals[k] = v
		if !slices.Contains(modes, k.mode) {
			modes = append(modes, k.mode)
		}
		if !slices.Contains(outcomes, k.outcome) {
			outcomes = append(outcomes, k.outcome)
		}
	}
	if len(vals) == 0 {
		return nil, errors.New("no outcome counts")
	}
	sort.Strings(modes)
	sort.Sort(sort.Reverse(sort.StringSlice(outcomes))) // top to bottom in order
	f := newFigure("outcomes", "count", "")
	f.p.Y.Tick.Marker = plot.DefaultTicks{}
	width := vg.Points(math.Max(6, math.Min(22, 220/float64(len(outcomes)*len(modes)))))
	top := 0.0
	for i, m := range modes {
		v := make(plotter.Values, len(outcomes))
		var labels []string
		var xys plotter.XYs
		for j, o := range outcomes {
			v[j] = float64(vals[key{m, o}])
			top = math.Max(top, v[j])
			labels = append(labels, strconv.FormatInt(vals[key{m, o}], 10))
			xys = append(xys, plotter.XY{X: v[j], Y: float64(j)})
		}
		bars, err := plotter.NewBarChart(v, width)
		if err != nil {
			return nil, err
		}
		bars.Horizontal = true
		bars.Color = colorOf(i)
		bars.LineStyle.Width = 0
		bars.Offset = width * (vg.Length(i) - vg.Length(len(modes)-1)/2)
		f.p.Add(bars)
		if m != "" {
			f.add(m+" mode", bars)
		}
		lab, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
		if err != nil {
			return nil, err
		}
		for k := range lab.TextStyle {
			lab.TextStyle[k].Font = f.p.X.Tick.Label.Font
			lab.TextStyle[k].YAlign = draw.YCenter
		}
		lab.Offset = vg.Point{X: 3, Y: bars.Offset}
		f.p.Add(lab)
	}
	f.p.NominalY(outcomes...)
	f.p.Y.Min, f.p.Y.Max = -0.6, float64(len(outcomes))-0.4
	f.p.X.Min, f.p.X.Max = 0, math.Max(top*1.15, 1)
	return f, nil
}

// charts returns every chart of r, in the order report.md shows them.
func charts(r *Report, m *Metrics) ([]chart, error) {
	var out []chart
	add := func(file, alt, caption string, f *figure, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		svg, err := f.render()
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		out = append(out, chart{file: file, alt: alt, caption: caption, svg: svg})
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
		f, err := spectrumChart(n, s, h)
		if err := add("spectrum-"+sl[n]+".svg", n+" latency by percentile", spectrumCaption, f, err); err != nil {
			return nil, err
		}
	}

	snames := sortedKeys(r.Series)
	ssl := slugs(snames)
	for _, n := range snames {
		f, err := seriesChart(n, r.Series[n], r.Faults, r.Load)
		caption := fmt.Sprintf(seriesCaption, shortSeconds(r.Series[n].IntervalNS))
		if r.Load != nil {
			caption += loadCaption
		}
		if err := add("series-"+ssl[n]+".svg", n+" latency over virtual time", caption, f, err); err != nil {
			return nil, err
		}
	}

	if r.Capacity != nil {
		f, err := capacityChart(r.Capacity)
		if err := add("capacity.svg", "capacity curve", capacityCaption, f, err); err != nil {
			return nil, err
		}
	}

	if hasOutcomes(r.Virtual.Counts) {
		f, err := outcomeChart(r.Virtual.Counts)
		if err := add("outcomes.svg", "outcome breakdown", outcomeCaption, f, err); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// What each kind of chart shows, under it in report.md.
const (
	spectrumCaption = "Latency by percentile: the latency (y) below which a share of the samples (x) falls; the x axis " +
		"stretches the tail (90%, 99%, 99.9%, ...), where queueing and retries show. Read from the metric's HDR histogram."
	seriesCaption = "Latency over virtual time, per %s s interval: the median (p50), the 99th percentile (p99, thick) " +
		"and the largest sample (max, dashed), each at the middle of its interval; shaded: fault periods. " +
		"On a log axis, values under the histograms' 1 µs resolution (a frame that did not queue) lie at the bottom."
	loadCaption = " Right axis, green: the offered arrival rate of the load profile (dash-dot) and, where it compares, " +
		"the metric's samples per second (thin): what was served against what was offered."
	capacityCaption = "Capacity: the p99 of the SLO's metric at each offered rate measured, one line per shard count, " +
		"with the SLO (red dashes) and each shard count's knee (the highest rate that met the SLO below the lowest that broke it)."
	outcomeCaption = "Outcomes: how the calls ended, as their inviter learned it (count of calls)."
)

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
