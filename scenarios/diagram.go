package scenarios

import (
	"errors"
	"fmt"
	"html"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"sigsim/sim/trace"
)

// A sequence diagram of a run, as the source document draws its call flow:
// participants are devices and shards, arrows are frames (slanted from the
// row of their send to the row of their delivery; a lost frame ends in a
// cross), notes are callbacks, results, faults and violations.
// Acknowledgements and timers are left out. Labels are short; the frame's
// or event's whole canonical text shows on hover.

// maxDiagramSteps is the most arrows and notes a diagram draws: past it a
// diagram is too tall to read, and `sigsim events` with its filters is the
// tool.
const maxDiagramSteps = 2000

// ErrNotRecorded: the run kept no trace text (a scenario generating more
// than 20,000 invitations turns recording off), so there is nothing to draw.
var ErrNotRecorded = errors.New("the run recorded no trace (recording is off for scenarios that generate over 20,000 invitations): nothing to draw")

type diagramStep struct {
	from, to string  // an arrow; to == "" for a note over from
	sendRow  float64 // arrows: the row of the send (≤ the step's own row)
	lost     bool    // the frame was dropped: the arrow ends halfway in a cross
	label    string  // what the diagram shows
	full     string  // the whole text, shown on hover
	kind     trace.Kind
}

type diagram struct {
	parts []string
	steps []diagramStep
}

// Rename returns a function that writes the file's handles for the raw
// invitation IDs in a text (traces use raw IDs: "alice/1.0-1" → "call").
func (r *Result) Rename() func(string) string { return renamer(r.handleOf) }

// renamer replaces raw invitation IDs (keys of ids) by their handles.
func renamer(ids map[string]string) func(string) string {
	if len(ids) == 0 {
		return func(s string) string { return s }
	}
	raw := slices.Collect(maps.Keys(ids))
	// Longer IDs first, so "a-10" is not taken for "a-1" followed by "0".
	slices.SortFunc(raw, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	pairs := make([]string, 0, 2*len(raw))
	for _, id := range raw {
		pairs = append(pairs, id, ids[id])
	}
	return strings.NewReplacer(pairs...).Replace
}

func (r *Result) diagram() (*diagram, error) {
	events := r.World.Trace()
	if len(events) == 0 {
		return nil, ErrNotRecorded
	}
	rename := r.Rename()
	d := &diagram{}
	seen := map[string]bool{}
	add := func(n string) {
		if n != "" && n != "world" && !seen[n] {
			seen[n] = true
			d.parts = append(d.parts, n)
		}
	}
	sends := map[string][]float64{} // from, to, text → rows of sends not yet delivered
	key := func(from, to, text string) string { return from + "\x00" + to + "\x00" + text }
	takeSend := func(k string) float64 {
		row := float64(len(d.steps))
		if l := sends[k]; len(l) > 0 {
			row = l[0]
			if len(l) == 1 {
				delete(sends, k)
			} else {
				sends[k] = l[1:]
			}
		}
		return row
	}
	for _, e := range events {
		switch e.Kind {
		case trace.Send, trace.Dup:
			if !strings.HasPrefix(e.Text, "ACK") {
				k := key(e.Node, e.Peer, e.Text)
				// Between the last step drawn and the next: an arrow from here
				// is flat when nothing happens before its delivery.
				sends[k] = append(sends[k], float64(len(d.steps)))
			}
		case trace.Deliver:
			if strings.HasPrefix(e.Text, "ACK") {
				continue
			}
			add(e.Peer)
			add(e.Node)
			full := rename(e.Text)
			d.steps = append(d.steps, diagramStep{from: e.Peer, to: e.Node, sendRow: takeSend(key(e.Peer, e.Node, e.Text)), kind: e.Kind,
				label: trimTime(e.At) + " " + frameLabel(full), full: trimTime(e.At) + " " + full})
		case trace.Drop:
			why, frame, _ := strings.Cut(e.Text, ": ")
			if strings.HasPrefix(frame, "ACK") {
				continue
			}
			add(e.Node)
			add(e.Peer)
			full := rename(frame)
			lost := " lost (" + why + "): "
			if why == "lost" {
				lost = " lost: "
			}
			d.steps = append(d.steps, diagramStep{from: e.Node, to: e.Peer, sendRow: takeSend(key(e.Node, e.Peer, frame)), lost: true, kind: e.Kind,
				label: trimTime(e.At) + lost + frameLabel(full), full: trimTime(e.At) + lost + full})
		case trace.Callback, trace.Result, trace.Fault, trace.Violation:
			node := e.Node
			if node == "world" || node == "" {
				if len(d.parts) == 0 { // a fault before any node appears
					seen["world"] = true
					d.parts = append(d.parts, "world")
				}
				node = d.parts[0]
			}
			add(node)
			full := rename(e.Text)
			d.steps = append(d.steps, diagramStep{from: node, kind: e.Kind, label: noteLabel(e.Kind, full), full: trimTime(e.At) + " " + full})
		}
	}
	if len(d.steps) > maxDiagramSteps {
		return nil, fmt.Errorf("the run has %d frames and notes to draw, more than a diagram can show (%d): shorten the run, or read it with `sigsim events TRACE --grep ... --from ... --to ...`", len(d.steps), maxDiagramSteps)
	}
	if len(d.steps) == 0 {
		return nil, errors.New("the run has no frames, callbacks or faults to draw")
	}
	return d, nil
}

// trimTime is a label's time: "3080ms", or "3080.125ms" off the millisecond.
func trimTime(at int64) string {
	if at%1e6 == 0 {
		return strconv.FormatInt(at/1e6, 10) + "ms"
	}
	return strings.TrimSpace(trace.FormatTime(at))
}

// frameLabel is the short form of a frame's text: its type and number, the
// operation and the invitation, with the fields a reader can hover for left
// out, and no word twice in a row (`REQ #1 invite invite c1` → `REQ #1
// invite c1`).
func frameLabel(text string) string {
	words := splitQuoted(text)
	var out []string
	for _, w := range words {
		k, _, isKV := strings.Cut(w, "=")
		switch {
		case isKV && hiddenKeys[k]:
		case isKV && slices.Contains(out, w): // group=team of the message and of its signaling
		case len(out) > 0 && out[len(out)-1] == w:
		default:
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

// hiddenKeys are the frame fields the label leaves to the hover text.
var hiddenKeys = map[string]bool{"inviter": true, "invitees": true, "timeout": true, "push": true, "from": true,
	"to": true, "seq": true, "epoch": true, "cursor": true, "ack": true, "low": true, "after": true, "synced": true}

// noteLabel is the short form of a note: the time is on the hover text.
func noteLabel(k trace.Kind, text string) string {
	switch k {
	case trace.Fault:
		return "fault: " + text
	case trace.Violation:
		return "VIOLATION " + text
	}
	return text
}

// splitQuoted splits on spaces outside double quotes (data="a b" stays one word).
func splitQuoted(s string) []string {
	var words []string
	start, quoted, escaped := -1, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case escaped:
			escaped = false
		case c == '\\' && quoted:
			escaped = true
		case c == '"':
			quoted = !quoted
		case c == ' ' && !quoted:
			if start >= 0 {
				words = append(words, s[start:i])
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		words = append(words, s[start:])
	}
	return words
}

// WriteMermaid writes the run as a Mermaid sequence diagram.
func (r *Result) WriteMermaid(w io.Writer) error {
	d, err := r.diagram()
	if err != nil {
		return err
	}
	alias := map[string]string{}
	var b strings.Builder
	b.WriteString("sequenceDiagram\n")
	for i, p := range d.parts {
		alias[p] = fmt.Sprintf("P%d", i)
		fmt.Fprintf(&b, "    participant P%d as %s\n", i, p)
	}
	clean := func(s string) string { return strings.NewReplacer(";", ",", "#", "", "\n", " ").Replace(s) }
	for _, s := range d.steps {
		switch {
		case s.to == "":
			fmt.Fprintf(&b, "    Note over %s: %s\n", alias[s.from], clean(s.label))
		case s.lost:
			fmt.Fprintf(&b, "    %s-x%s: %s\n", alias[s.from], alias[s.to], clean(s.label))
		default:
			fmt.Fprintf(&b, "    %s->>%s: %s\n", alias[s.from], alias[s.to], clean(s.label))
		}
	}
	_, err = io.WriteString(w, b.String())
	return err
}

// Layout of the SVG diagram, in pixels. charWidth is a generous advance of
// the 11 px monospace font, so that computed widths never clip a label.
const (
	colWidth  = 240
	rowHeight = 22
	topMargin = 60
	margin    = 20
	charWidth = 6.8
)

// WriteSVG writes the run as a self-contained SVG sequence diagram.
func (r *Result) WriteSVG(w io.Writer) error {
	d, err := r.diagram()
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, d.svg())
	return err
}

// WriteHTML writes the run as an HTML page around the SVG diagram: every
// arrow and note shows its full text on hover, and is highlighted.
func (r *Result) WriteHTML(w io.Writer, title string) error {
	d, err := r.diagram()
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>")
	b.WriteString(html.EscapeString(title))
	b.WriteString("</title>\n<style>\n")
	b.WriteString("body{font-family:sans-serif;margin:12px}\n")
	b.WriteString("g.step:hover text{font-weight:bold}\ng.step:hover line{stroke-width:2.5}\n")
	b.WriteString("#full{position:sticky;top:0;background:#ffd;border:1px solid #cc9;padding:4px;font-family:monospace;font-size:12px;min-height:1.2em;white-space:pre-wrap}\n")
	b.WriteString("</style></head><body>\n<h3>")
	b.WriteString(html.EscapeString(title))
	b.WriteString("</h3>\n<div id=\"full\">hover over an arrow or note for its full text</div>\n")
	b.WriteString(d.svg())
	b.WriteString(`<script>
for (const g of document.querySelectorAll("g.step")) {
  g.addEventListener("mouseenter", () => { document.getElementById("full").textContent = g.querySelector("title").textContent; });
}
</script>
</body></html>
`)
	_, err = io.WriteString(w, b.String())
	return err
}

func (d *diagram) svg() string {
	x := map[string]int{}
	for i, p := range d.parts {
		x[p] = margin + colWidth/2 + i*colWidth
	}
	y := func(row float64) int { return topMargin + int(row*rowHeight) }
	width := margin*2 + colWidth*max(len(d.parts), 1)
	labelX := make([]int, len(d.steps))
	for i, s := range d.steps {
		labelX[i] = x[s.from] + 4
		if s.to != "" {
			labelX[i] = min(x[s.from], x[s.to]) + 4
		}
		// Labels are never clipped: the canvas is as wide as the longest one needs.
		width = max(width, labelX[i]+int(float64(len(s.label))*charWidth)+margin)
	}
	height := y(float64(len(d.steps))) + rowHeight
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="monospace" font-size="11">`+"\n", width, height)
	b.WriteString(`<defs><marker id="a" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z" fill="#236"/></marker></defs>` + "\n")
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)
	for _, p := range d.parts {
		fmt.Fprintf(&b, `<text x="%d" y="30" text-anchor="middle" font-weight="bold">%s</text>`+"\n", x[p], html.EscapeString(p))
		fmt.Fprintf(&b, `<line x1="%d" y1="40" x2="%d" y2="%d" stroke="#bbb"/>`+"\n", x[p], x[p], height-10)
	}
	// A white halo keeps a label readable where an arrow crosses it.
	const halo = `stroke="white" stroke-width="3" paint-order="stroke" stroke-linejoin="round"`
	for i, s := range d.steps {
		row := y(float64(i))
		fmt.Fprintf(&b, `<g class="step"><title>%s</title>`, html.EscapeString(s.full))
		switch {
		case s.to == "":
			color := "#a33"
			if s.kind == trace.Result {
				color = "#363"
			}
			fmt.Fprintf(&b, `<text x="%d" y="%d" fill="%s" %s>%s</text>`, labelX[i], row, color, halo, html.EscapeString(s.label))
		case s.lost:
			// The frame never arrives: the arrow stops halfway, in a cross.
			x1, y1 := x[s.from], y(s.sendRow)
			x2, y2 := (x[s.from]+x[s.to])/2, (y1+row)/2
			fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#c60" stroke-dasharray="4,3"/>`, x1, y1, x2, y2)
			fmt.Fprintf(&b, `<path d="M%d,%dl8,8m0,-8l-8,8" stroke="#c60" stroke-width="2"/>`, x2-4, y2-4)
			fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#c60" %s>%s</text>`, labelX[i], row-3, halo, html.EscapeString(s.label))
		default:
			fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#236" marker-end="url(#a)"/>`, x[s.from], y(s.sendRow), x[s.to], row)
			fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#236" %s>%s</text>`, labelX[i], row-3, halo, html.EscapeString(s.label))
		}
		b.WriteString("</g>\n")
	}
	b.WriteString("</svg>\n")
	return b.String()
}
