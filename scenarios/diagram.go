package scenarios

import (
	"fmt"
	"html"
	"io"
	"strings"

	"sigsim/sim/trace"
)

// A sequence diagram of a run, as the source document draws its call flow:
// participants are devices and shards, arrows are delivered frames, notes are
// callbacks, results and faults. Acknowledgements and timers are left out.

type diagramStep struct {
	from, to string // an arrow; to == "" for a note over from
	text     string
}

func diagramSteps(r *Result, maxSteps int) ([]string, []diagramStep) {
	var parts []string
	seen := map[string]bool{}
	add := func(n string) {
		if n != "" && n != "world" && !seen[n] {
			seen[n] = true
			parts = append(parts, n)
		}
	}
	rr := &runner{ids: map[string]string{}}
	for id, h := range r.handleIDs() {
		rr.ids[id] = h
	}
	var steps []diagramStep
	for _, e := range r.World.Trace() {
		if len(steps) >= maxSteps {
			break
		}
		text := rr.subst(e.Text)
		switch e.Kind {
		case trace.Deliver:
			if strings.HasPrefix(text, "ACK") {
				continue
			}
			add(e.Peer)
			add(e.Node)
			steps = append(steps, diagramStep{from: e.Peer, to: e.Node, text: strings.TrimSpace(trace.FormatTime(e.At)) + " " + shortN(text, 60)})
		case trace.Callback, trace.Result, trace.Fault, trace.Violation:
			node := e.Node
			if node == "world" || node == "" {
				if len(parts) == 0 {
					continue
				}
				node = parts[0]
			}
			add(node)
			steps = append(steps, diagramStep{from: node, text: short(text)})
		}
	}
	return parts, steps
}

func short(s string) string { return shortN(s, 90) }

func shortN(s string, n int) string {
	if len(s) > n {
		return s[:n-3] + "..."
	}
	return s
}

// handleIDs maps invitation IDs to the handles the file gave them.
func (r *Result) handleIDs() map[string]string { return r.ids }

// WriteMermaid writes the run as a Mermaid sequence diagram.
func (r *Result) WriteMermaid(w io.Writer) error {
	parts, steps := diagramSteps(r, 2000)
	alias := map[string]string{}
	var b strings.Builder
	b.WriteString("sequenceDiagram\n")
	for i, p := range parts {
		alias[p] = fmt.Sprintf("P%d", i)
		fmt.Fprintf(&b, "    participant P%d as %s\n", i, p)
	}
	clean := func(s string) string { return strings.NewReplacer(";", ",", "#", "", "\n", " ").Replace(s) }
	for _, s := range steps {
		if s.to == "" {
			fmt.Fprintf(&b, "    Note over %s: %s\n", alias[s.from], clean(s.text))
		} else {
			fmt.Fprintf(&b, "    %s->>%s: %s\n", alias[s.from], alias[s.to], clean(s.text))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteSVG writes the run as a self-contained SVG sequence diagram.
func (r *Result) WriteSVG(w io.Writer) error {
	parts, steps := diagramSteps(r, 2000)
	const colW, rowH, top, left = 220, 22, 60, 20
	x := map[string]int{}
	for i, p := range parts {
		x[p] = left + colW/2 + i*colW
	}
	width := left*2 + colW*(max(len(parts), 1)+2) // room on the right for the last column's notes
	height := top + rowH*(len(steps)+2)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="monospace" font-size="11">`+"\n", width, height)
	b.WriteString(`<defs><marker id="a" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z"/></marker></defs>` + "\n")
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)
	for _, p := range parts {
		fmt.Fprintf(&b, `<text x="%d" y="30" text-anchor="middle" font-weight="bold">%s</text>`+"\n", x[p], html.EscapeString(p))
		fmt.Fprintf(&b, `<line x1="%d" y1="40" x2="%d" y2="%d" stroke="#bbb"/>`+"\n", x[p], x[p], height-10)
	}
	for i, s := range steps {
		y := top + i*rowH
		if s.to == "" {
			fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#a33">%s</text>`+"\n", x[s.from]+4, y, html.EscapeString(s.text))
			continue
		}
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#236" marker-end="url(#a)"/>`+"\n", x[s.from], y, x[s.to], y)
		tx := min(x[s.from], x[s.to]) + 4
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#236">%s</text>`+"\n", tx, y-3, html.EscapeString(s.text))
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}
