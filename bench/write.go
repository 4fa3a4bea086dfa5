package bench

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
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
	if w, ok := strings.CutPrefix(h.Workload, "capacity:"); ok && r.Capacity != nil {
		title += ": capacity sweep of " + w
	} else if h.Workload != "" {
		title += ": " + h.Workload
	}
	fmt.Fprintf(&b, "# %s\n\n", mdText(title))
	if r.Interrupted != nil {
		fmt.Fprintf(&b, "**%s: this report covers the run up to then only.**\n\n", mdText(strings.ToUpper(r.Interrupted.String()[:1])+r.Interrupted.String()[1:]))
	}
	if c := r.Capacity; c != nil {
		b.WriteString(mdText(sweepSummary(c)) + "\n\n")
	}
	if l := r.Load; l != nil && len(l.Points) > 0 {
		b.WriteString(mdText(loadSummary(l)) + "\n\n")
	}
	seeds := strconv.FormatUint(h.Seed, 10)
	if len(h.Seeds) > 0 {
		var l []string
		for _, s := range h.Seeds {
			l = append(l, strconv.FormatUint(s, 10))
		}
		seeds = strings.Join(l, ", ")
		fmt.Fprintf(&b, "This report merges %d runs of one experiment, seeds %s (`sigbench merge`): their histograms and counts "+
			"added up, their durations too. It has no series over time, nor wall-clock figures: those are each run's.\n\n", len(h.Seeds), seeds)
	}

	b.WriteString("| | |\n|---|---|\n")
	fmt.Fprintf(&b, "| workload | %s |\n", mdCell(h.Workload))
	fmt.Fprintf(&b, "| seed | %s |\n", seeds)
	fmt.Fprintf(&b, "| version | %s |\n", mdCell(h.Version))
	if e := r.Environment; e != nil {
		fmt.Fprintf(&b, "| build | commit %s |\n", mdCell(e.Commit))
	}
	fmt.Fprintf(&b, "| virtual duration | %s s (warm-up, load and drain) |\n", formatSeconds(r.Virtual.DurationNS))
	for _, o := range h.Options {
		fmt.Fprintf(&b, "| option `%s` | %s |\n", mdCode(o.Key), mdCell(o.Value))
	}
	b.WriteString("\nReproduce with:\n\n")
	fence := "```"
	for strings.Contains(h.Command, fence) {
		fence += "`"
	}
	fmt.Fprintf(&b, "%ssh\n%s\n%s\n", fence, h.Command, fence)

	heading := "Latency"
	if c := r.Capacity; c != nil && c.RunShards > 0 {
		heading += " of the run at " + formatRate(c.RunRate) + "/s on " + ShardsLabel(c.RunShards)
	}
	b.WriteString("\n## " + heading + " (virtual time, deterministic)\n\n")
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
		b.WriteString("\n" + latencyNote + "\n")
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
	glossaryMD(&b, r)

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
		b.WriteString("\n## Charts\n")
		caption := ""
		for _, c := range cs {
			if c.caption != caption {
				caption = c.caption
				b.WriteString("\n" + mdText(caption) + "\n")
			}
			fmt.Fprintf(&b, "\n![%s](%s)\n", mdText(c.alt), c.file)
		}
	}

	b.WriteString("\n## Wall clock (NOT deterministic: varies between runs and machines)\n\n")
	if w := r.Wall; w == nil {
		b.WriteString("Not measured.\n")
	} else {
		if e := r.Environment; e != nil {
			fmt.Fprintf(&b, "Measured on: %s.\n\n", mdText(e.String()))
		}
		b.WriteString("| measure | value |\n|---|--:|\n")
		rows := []struct{ k, v string }{
			{"wall time (elapsed, start to end)", formatSeconds(w.WallNS) + " s"},
		}
		if w.SimNS > 0 {
			rows = append(rows, struct{ k, v string }{"time in the simulator (summed over worlds, which may run in parallel)", formatSeconds(w.SimNS) + " s"})
		}
		rows = append(rows, []struct{ k, v string }{
			{"events", strconv.FormatInt(w.Events, 10)},
			{"events per second of wall time", strconv.FormatFloat(w.EventsPerSec, 'f', 0, 64)},
			{"ns per event (simulator time)", strconv.FormatFloat(w.NsPerEvent, 'f', 1, 64)},
			{"ns per invitation (simulator time)", strconv.FormatFloat(w.NsPerInvitation, 'f', 1, 64)},
			{"peak heap", strconv.FormatFloat(float64(w.PeakHeapBytes)/(1<<20), 'f', 1, 64) + " MiB"},
		}...)
		if w.PeakLiveInvitations > 0 {
			rows = append(rows, struct{ k, v string }{"peak live invitations", strconv.FormatInt(w.PeakLiveInvitations, 10)})
		}
		if w.BytesPerLiveInvitation > 0 {
			rows = append(rows, struct{ k, v string }{"peak heap per live invitation (devices and buffers included)", strconv.FormatFloat(w.BytesPerLiveInvitation, 'f', 0, 64) + " B"})
		}
		rows = append(rows, struct{ k, v string }{"speedup (virtual time / wall time)", strconv.FormatFloat(w.Speedup, 'f', 1, 64) + "×"})
		for _, row := range rows {
			fmt.Fprintf(&b, "| %s | %s |\n", row.k, row.v)
		}
		if w.BytesPerLiveInvitation == 0 && w.PeakHeapBytes > 0 {
			fmt.Fprintf(&b, "\nNo heap per live invitation: it means something only when the live invitations hold the heap, "+
				"at least %d of them and no fewer than the devices, in one world at a time; otherwise the heap is mostly the devices' and the buffers'.\n", MinLiveForBytes)
		}
	}
	findings(&b, r)
	return b.String()
}

// latencyNote says what the latency table's numbers are.
const latencyNote = "Latencies are in milliseconds of virtual time, measured from the intended time of each action " +
	"(a late call still counts from when it was due: no coordinated omission). Percentiles come from an HDR histogram " +
	"with 3 significant digits (±0.1%); min, max and mean are exact. report.json keeps each histogram (hdr), from which " +
	"`sigbench compare --percentiles` and thresholds such as `ring.p(99.99)<1s` read any percentile."

// glossaryMD writes what each metric and counter of the report means.
func glossaryMD(b *strings.Builder, r *Report) {
	if len(r.Definitions) == 0 {
		return
	}
	b.WriteString("\n## What the numbers mean\n\n")
	modes := false
	for n := range r.Virtual.Metrics {
		modes = modes || strings.HasPrefix(n, "server.") || strings.HasPrefix(n, "client.")
	}
	if modes {
		b.WriteString("The run has both arbitration modes: `server.X` and `client.X` (`outcome.server.X`, ...) are X in each mode.\n\n")
	}
	var lat, cnt []string
	for _, k := range sortedKeys(r.Definitions) {
		isMetric := false
		for n := range r.Virtual.Metrics {
			isMetric = isMetric || n == k || strings.HasSuffix(n, "."+k)
		}
		line := "- `" + mdCode(k) + "`: " + MarkdownEscape(r.Definitions[k])
		if isMetric {
			lat = append(lat, line)
		} else {
			cnt = append(cnt, line)
		}
	}
	if len(lat) > 0 {
		b.WriteString("Latencies (ms of virtual time):\n\n" + strings.Join(lat, "\n") + "\n")
	}
	if len(cnt) > 0 {
		if len(lat) > 0 {
			b.WriteString("\n")
		}
		b.WriteString("Counts (over the whole run; those of the world, such as net.sends, include the warm-up's logins):\n\n" + strings.Join(cnt, "\n") + "\n")
	}
}

// sweepSummary says in a sentence what a capacity sweep did.
func sweepSummary(c *Capacity) string {
	rates := map[float64]bool{}
	shards := map[int]bool{}
	lo, hi := math.Inf(1), 0.0
	for _, p := range c.Points {
		rates[p.Rate] = true
		shards[p.Shards] = true
		lo, hi = math.Min(lo, p.Rate), math.Max(hi, p.Rate)
	}
	if len(c.Points) == 0 {
		return "A capacity sweep that measured no point."
	}
	var sh []string
	for _, s := range slices.Sorted(maps.Keys(shards)) {
		sh = append(sh, strconv.Itoa(s))
	}
	list := sh[0]
	if n := len(sh); n > 1 {
		list = strings.Join(sh[:n-1], ", ") + " and " + sh[n-1]
	}
	s := fmt.Sprintf("A capacity sweep: %d runs at %d rates from %s/s to %s/s on %s shard", len(c.Points), len(rates),
		formatRate(lo), formatRate(hi), list)
	if len(sh) > 1 || sh[0] != "1" {
		s += "s"
	}
	if c.PointDurationNS > 0 {
		s += ", each " + shortSeconds(c.PointDurationNS) + " s of load after a " + shortSeconds(c.WarmupNS) + " s warm-up"
	}
	s += ", against the SLO " + c.Metric + "." + c.SLO + "."
	if c.RunShards > 0 {
		s += " The latency and counts below are those of the run at " + formatRate(c.RunRate) + "/s on " + ShardsLabel(c.RunShards) +
			", the highest rate per shard that met the SLO; the Capacity section has every point."
	} else {
		s += " No run met the SLO: the report has no latency or counts of a run."
	}
	return s
}

// loadSummary says in a sentence what a load profile offered.
func loadSummary(l *Load) string {
	var pts []string
	for _, p := range l.Points {
		pts = append(pts, formatRate(p.Rate)+"/s at "+shortSeconds(p.AtNS)+" s")
	}
	return "The load follows a profile: the offered arrival rate goes linearly from " + strings.Join(pts, " to ") +
		" (times from the start of the load, at " + shortSeconds(l.StartNS) + " s of virtual time, after the warm-up)."
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

// shortSeconds is formatSeconds without trailing zeros: "5", "2.5".
func shortSeconds(ns int64) string {
	v, _ := strconv.ParseFloat(formatSeconds(ns), 64)
	return strconv.FormatFloat(v, 'f', -1, 64)
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
