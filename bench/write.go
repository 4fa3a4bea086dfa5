package bench

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"sigsim/internal/atomicfile"
)

// Files written by WriteReport besides the charts.
const (
	ReportJSON     = "report.json"
	ReportMarkdown = "report.md"
	// ReportIncomplete marks a report folder being written: WriteReport
	// creates it first and removes it last, so a folder that has it was
	// left half-written (the run was killed while writing).
	ReportIncomplete = "INCOMPLETE"
)

const incompleteText = `This sigbench report is incomplete: sigbench was writing it and stopped
(killed, or a write failed) before it finished. Each file here is whole,
but some may be missing or left from an earlier report in this folder.
Run the command in report.md again to get a complete report.
`

// WriteReport writes r into dir (created if needed): report.json,
// report.md and SVG charts drawn with gonum.org/v1/plot:
//
//   - spectrum-<metric>.svg: latency by percentile on a "nines" scale, per
//     metric (from m's histograms when m is non-nil, else from r's
//     summaries);
//   - series-<metric>.svg: p50, p99 and max per interval over virtual time,
//     fault periods shaded, per series metric;
//   - capacity.svg: p99 by offered rate with the SLO and the knee, when
//     r.Capacity is set;
//   - outcomes.svg: a bar per count named "outcome.*".
//
// The same r and m always give byte-identical files.
func WriteReport(dir string, r *Report, m *Metrics) error {
	if r == nil {
		return errors.New("bench: WriteReport: nil report")
	}
	js, err := r.JSON()
	if err != nil {
		return err
	}
	cs, err := charts(r, m)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	md := markdown(r, cs)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	// The folder is complete or visibly marked incomplete: the marker goes
	// first and is removed last; each file is written atomically (a reader
	// never sees half of one), the charts before the reports that embed them.
	marker := filepath.Join(dir, ReportIncomplete)
	if err := atomicfile.Write(marker, []byte(incompleteText), 0o644); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	files := append(cs, chart{file: ReportJSON, svg: js}, chart{file: ReportMarkdown, svg: []byte(md)})
	for _, f := range files {
		if err := atomicfile.Write(filepath.Join(dir, f.file), f.svg, 0o644); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
	}
	if err := atomicfile.System.Remove(marker); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if err := atomicfile.System.SyncDir(dir); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	return nil
}

// Incomplete tells whether the report folder holding file (a report.json,
// say) is marked incomplete.
func Incomplete(file string) bool {
	_, err := os.Stat(filepath.Join(filepath.Dir(file), ReportIncomplete))
	return err == nil
}

// markdown returns report.md for r, embedding the given charts.
func markdown(r *Report, cs []chart) string {
	if r == nil {
		return ""
	}
	var b strings.Builder
	h := r.Header
	title := "sigsim benchmark"
	if h.Workload != "" {
		title += ": " + h.Workload
	}
	fmt.Fprintf(&b, "# %s\n\n", mdText(title))
	if r.Interrupted != nil {
		fmt.Fprintf(&b, "**%s: this report covers the run up to then only.**\n\n", mdText(strings.ToUpper(r.Interrupted.String()[:1])+r.Interrupted.String()[1:]))
	}

	b.WriteString("| | |\n|---|---|\n")
	fmt.Fprintf(&b, "| workload | %s |\n", mdCell(h.Workload))
	fmt.Fprintf(&b, "| seed | %d |\n", h.Seed)
	fmt.Fprintf(&b, "| version | %s |\n", mdCell(h.Version))
	fmt.Fprintf(&b, "| virtual duration | %s s |\n", formatSeconds(r.Virtual.DurationNS))
	for _, o := range h.Options {
		fmt.Fprintf(&b, "| option `%s` | %s |\n", mdCode(o.Key), mdCell(o.Value))
	}
	b.WriteString("\nReproduce with:\n\n")
	fence := "```"
	for strings.Contains(h.Command, fence) {
		fence += "`"
	}
	fmt.Fprintf(&b, "%ssh\n%s\n%s\n", fence, h.Command, fence)

	b.WriteString("\n## Latency (virtual time, deterministic)\n\n")
	names := sortedKeys(r.Virtual.Metrics)
	if len(names) == 0 {
		b.WriteString("No latency metrics.\n")
	} else {
		b.WriteString("| metric | count | min ms | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | mean ms |\n")
		b.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
		clamped := false
		for _, n := range names {
			s := r.Virtual.Metrics[n]
			fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %s | %s | %s |\n", mdCell(n), s.Count,
				msCell(s.MinNS), msCell(s.P50NS), msCell(s.P90NS), msCell(s.P99NS),
				msCell(s.P999NS), msCell(s.MaxNS), msCell(s.MeanNS))
			clamped = clamped || s.Clamped > 0
		}
		if clamped {
			b.WriteString("\nSome samples were outside 0..2h and were recorded at the nearest bound:")
			for _, n := range names {
				if c := r.Virtual.Metrics[n].Clamped; c > 0 {
					fmt.Fprintf(&b, " %s %d;", mdText(n), c)
				}
			}
			b.WriteString("\n")
		}
	}

	b.WriteString("\n## Counts (deterministic)\n\n")
	counts := sortedKeys(r.Virtual.Counts)
	if len(counts) == 0 {
		b.WriteString("No counts.\n")
	} else {
		b.WriteString("| count | value |\n|---|--:|\n")
		for _, n := range counts {
			fmt.Fprintf(&b, "| %s | %d |\n", mdCell(n), r.Virtual.Counts[n])
		}
	}

	if c := r.Capacity; c != nil {
		b.WriteString("\n## Capacity\n\n")
		fmt.Fprintf(&b, "Metric %s, SLO %s", mdText(orDash(c.Metric)), mdText(orDash(c.SLO)))
		if c.SLONS > 0 {
			fmt.Fprintf(&b, " (p99 ≤ %s ms)", msCell(c.SLONS))
		}
		b.WriteString(".\n\n")
		for _, s := range c.PerShards {
			b.WriteString("- " + mdText(s.Verdict()) + "\n")
		}
		b.WriteString("\n| rate /s | shards | p99 ms | within SLO |\n|--:|--:|--:|---|\n")
		for _, p := range c.Points {
			p99, ok := msCell(p.P99NS), "no"
			switch {
			case p.NoData:
				p99, ok = "no data", "-"
			case p.OK:
				ok = "yes"
			}
			fmt.Fprintf(&b, "| %s | %d | %s | %s |\n", formatRate(p.Rate), p.Shards, p99, ok)
		}
	}

	if len(r.Faults) > 0 {
		b.WriteString("\n## Fault periods\n\n| fault | from s | to s |\n|---|--:|--:|\n")
		for _, f := range r.Faults {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", mdCell(f.Name), formatSeconds(f.FromNS), formatSeconds(f.ToNS))
		}
	}
	for _, n := range sortedKeys(r.Series) {
		if late := r.Series[n].Late; late > 0 {
			fmt.Fprintf(&b, "\nSeries %s: %d samples came too late for their interval and are left out of its chart.\n", mdText(n), late)
		}
	}

	if len(cs) > 0 {
		b.WriteString("\n## Charts\n\n")
		for i, c := range cs {
			if i > 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "![%s](%s)\n", mdText(c.alt), c.file)
		}
	}

	b.WriteString("\n## Wall clock (NOT deterministic: varies between runs and machines)\n\n")
	if w := r.Wall; w == nil {
		b.WriteString("Not measured.\n")
	} else {
		b.WriteString("| measure | value |\n|---|--:|\n")
		rows := []struct{ k, v string }{
			{"wall time", formatSeconds(w.WallNS) + " s"},
			{"events", strconv.FormatInt(w.Events, 10)},
			{"events per second", strconv.FormatFloat(w.EventsPerSec, 'f', 0, 64)},
			{"ns per event", strconv.FormatFloat(w.NsPerEvent, 'f', 1, 64)},
			{"ns per invitation", strconv.FormatFloat(w.NsPerInvitation, 'f', 1, 64)},
			{"peak heap bytes", strconv.FormatUint(w.PeakHeapBytes, 10)},
			{"bytes per live invitation", strconv.FormatFloat(w.BytesPerLiveInvitation, 'f', 1, 64)},
			{"speedup (virtual / wall)", strconv.FormatFloat(w.Speedup, 'f', 1, 64) + "×"},
		}
		for _, row := range rows {
			fmt.Fprintf(&b, "| %s | %s |\n", row.k, row.v)
		}
	}
	findings(&b, r)
	return b.String()
}

// findings writes the run's findings, if any, at the end of report.md.
func findings(b *strings.Builder, r *Report) {
	f := r.Findings
	var wallNotes []string
	if r.Wall != nil {
		wallNotes = r.Wall.Notes
	}
	if (f == nil || len(f.Notes)+len(f.Failures) == 0 && f.Violation == "") && len(wallNotes) == 0 && r.Interrupted == nil {
		return
	}
	b.WriteString("\n## Findings\n\n")
	if r.Interrupted != nil {
		b.WriteString("- **INTERRUPTED:** " + MarkdownEscape(r.Interrupted.String()) + "\n")
	}
	if f != nil {
		for _, n := range f.Notes {
			b.WriteString("- " + MarkdownEscape(n) + "\n")
		}
		for _, n := range f.Failures {
			b.WriteString("- **FAILED:** " + MarkdownEscape(n) + "\n")
		}
		if f.Violation != "" {
			b.WriteString("- **INVARIANT VIOLATED:** " + MarkdownEscape(f.Violation) + "\n")
		}
	}
	if len(wallNotes) > 0 {
		b.WriteString("\nWall clock (not deterministic):\n\n")
		for _, n := range wallNotes {
			b.WriteString("- " + MarkdownEscape(n) + "\n")
		}
	}
}

// MarkdownEscape makes a finding safe as a Markdown list item.
func MarkdownEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "*", `\*`, "_", `\_`, "<", `\<`, ">", `\>`).Replace(s)
}

func msCell(ns int64) string {
	s := formatMS(ns)
	return s[:len(s)-2] // without "ms": the column header says it
}

func formatSeconds(ns int64) string {
	return strconv.FormatFloat(float64(ns)/1e9, 'f', 3, 64)
}

func formatRate(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// mdText makes s safe as Markdown inline text on one line.
func mdText(s string) string {
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>|#", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdCell makes s safe in a Markdown table cell.
func mdCell(s string) string {
	if s == "" {
		return "-"
	}
	return mdText(s)
}

// mdCode makes s safe inside a one-backtick code span in a table.
func mdCode(s string) string {
	s = strings.NewReplacer("`", "'", "|", "\\|", "\n", " ", "\r", " ").Replace(s)
	return s
}
