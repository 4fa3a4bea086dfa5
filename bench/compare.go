package bench

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
)

// CompareOptions say what Compare shows and checks.
type CompareOptions struct {
	// Thresholds are checked on the new report.
	Thresholds []Threshold
	// Percentiles are the percentiles compared (nil: 50, 90, 99, 99.9);
	// any is read from the metrics' HDR histograms.
	Percentiles []float64
}

// DefaultPercentiles are the percentiles Compare shows unless told.
var DefaultPercentiles = []float64{50, 90, 99, 99.9}

// Compare returns a readable comparison of two reports: what differs in
// what they measured (OptionDiff), every metric statistic and count with
// its old and new value and the change in percent, the wall metrics when
// both reports have them, and then each threshold's verdict on new.
// failed is true if any threshold fails or cannot be evaluated on new.
// Either report may be nil (its values show as "-").
func Compare(old, new *Report, o CompareOptions) (text string, failed bool) {
	var b strings.Builder
	fmt.Fprintf(&b, "old: %s\n", describe(old))
	fmt.Fprintf(&b, "new: %s\n", describe(new))
	if diff := OptionDiff(old, new); len(diff) > 0 {
		b.WriteString("\nTHE REPORTS MEASURED DIFFERENT THINGS: their numbers differ for these reasons too\n")
		for _, d := range diff {
			b.WriteString("  " + d + "\n")
		}
	}
	if old != nil && new != nil && old.Header.Seed != new.Header.Seed {
		fmt.Fprintf(&b, "\nnote: the seeds differ (%d, %d): the differences include the runs' sampling noise\n", old.Header.Seed, new.Header.Seed)
	}
	pcts := o.Percentiles
	if pcts == nil {
		pcts = DefaultPercentiles
	}

	oldV, newV := virtualOf(old), virtualOf(new)
	names := unionKeys(oldV.Metrics, newV.Metrics)
	if len(names) > 0 {
		b.WriteString("\nmetrics (virtual time, deterministic)\n")
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "metric\tstat\told\tnew\tdelta")
		rows := []statRow{{"count", "count", 0}, {"min", "min", 0}}
		for _, p := range pcts {
			rows = append(rows, statRow{"p" + FormatPercentile(p), "p", p})
		}
		rows = append(rows, statRow{"max", "max", 0}, statRow{"avg", "avg", 0})
		for _, name := range names {
			oldS, oldOK := oldV.Metrics[name]
			newS, newOK := newV.Metrics[name]
			for _, row := range rows {
				ov, oerr := statOf(oldS, oldOK, row.stat, row.pct)
				nv, nerr := statOf(newS, newOK, row.stat, row.pct)
				format := formatMS
				if row.stat == "count" {
					format = formatInt
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", name, row.label,
					statCell(ov, oldOK, oerr, format), statCell(nv, newOK, nerr, format),
					delta(float64(ov), oldOK && oerr == nil, float64(nv), newOK && nerr == nil))
			}
		}
		tw.Flush()
	}

	counts := unionKeys(oldV.Counts, newV.Counts)
	if len(counts) > 0 {
		b.WriteString("\ncounts (deterministic)\n")
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "count\told\tnew\tdelta")
		for _, name := range counts {
			ov, oldOK := oldV.Counts[name]
			nv, newOK := newV.Counts[name]
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", name,
				cell(ov, oldOK, formatInt), cell(nv, newOK, formatInt),
				delta(float64(ov), oldOK, float64(nv), newOK))
		}
		tw.Flush()
	}

	if old != nil && new != nil && old.Wall != nil && new.Wall != nil {
		b.WriteString("\nwall clock (NOT deterministic)\n")
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "wall\told\tnew\tdelta")
		for _, f := range wallFields {
			ov, k, _ := wallValue(old.Wall, f)
			nv, _, _ := wallValue(new.Wall, f)
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f, formatWall(ov, k), formatWall(nv, k),
				delta(ov, true, nv, true))
		}
		tw.Flush()
	}

	if ths := o.Thresholds; len(ths) > 0 {
		b.WriteString("\nthresholds (on new)\n")
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		nfail := 0
		for _, th := range ths {
			ok, actual, err := th.Eval(new)
			switch {
			case err != nil:
				nfail++
				if inner := errors.Unwrap(err); inner != nil {
					err = inner // the threshold is in the first column already
				}
				fmt.Fprintf(tw, "ERROR\t%s\t%s\n", th, err)
			case ok:
				fmt.Fprintf(tw, "PASS\t%s\tactual %s\n", th, actual)
			default:
				nfail++
				fmt.Fprintf(tw, "FAIL\t%s\tactual %s\n", th, actual)
			}
		}
		tw.Flush()
		if nfail > 0 {
			fmt.Fprintf(&b, "\nFAIL: %d of %d thresholds failed\n", nfail, len(ths))
			failed = true
		} else {
			fmt.Fprintf(&b, "\nPASS: all %d thresholds passed\n", len(ths))
		}
	}
	return b.String(), failed
}

// statRow is a row of Compare's metric table.
type statRow struct {
	label, stat string
	pct         float64
}

// statOf is a statistic of a metric's summary as Compare shows it.
func statOf(s Summary, ok bool, stat string, pct float64) (int64, error) {
	if !ok {
		return 0, nil
	}
	v, _, err := summaryStat(s, stat, pct, 0)
	return int64(v), err
}

func statCell(v int64, ok bool, err error, format func(int64) string) string {
	if ok && err != nil {
		return "n/a"
	}
	return cell(v, ok, format)
}

// OptionDiff lists what differs between what two reports measured: the
// workload, and each option whose values differ ("rate: 20 vs 30"; an
// option one report lacks shows as "(none)"). The seed is not an option:
// two seeds of one experiment are samples of the same thing.
func OptionDiff(old, new *Report) []string {
	if old == nil || new == nil {
		return nil
	}
	var out []string
	if a, b := old.Header.Workload, new.Header.Workload; a != b {
		out = append(out, fmt.Sprintf("workload: %s vs %s", orDash(a), orDash(b)))
	}
	values := func(l []Option) (map[string]string, []string) {
		m := map[string]string{}
		var keys []string
		for _, o := range l {
			if o.Key == "seed" {
				continue
			}
			if v, ok := m[o.Key]; ok {
				m[o.Key] = v + ", " + o.Value
				continue
			}
			m[o.Key] = o.Value
			keys = append(keys, o.Key)
		}
		return m, keys
	}
	a, keys := values(old.Header.Options)
	bv, bkeys := values(new.Header.Options)
	for _, k := range bkeys {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		x, okx := a[k]
		y, oky := bv[k]
		if okx && oky && x == y {
			continue
		}
		if !okx {
			x = "(none)"
		}
		if !oky {
			y = "(none)"
		}
		out = append(out, fmt.Sprintf("%s: %s vs %s", k, x, y))
	}
	return out
}

func describe(r *Report) string {
	if r == nil {
		return "-"
	}
	h := r.Header
	s := fmt.Sprintf("workload %s, seed %d, version %s", orDash(h.Workload), h.Seed, orDash(h.Version))
	if r.Environment != nil {
		s += ", commit " + r.Environment.Commit
	}
	if len(h.Options) > 0 {
		opts := make([]string, len(h.Options))
		for i, o := range h.Options {
			opts[i] = o.Key + "=" + o.Value
		}
		s += ", options " + strings.Join(opts, " ")
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func virtualOf(r *Report) Virtual {
	if r == nil {
		return Virtual{}
	}
	return r.Virtual
}

func unionKeys[V any](a, b map[string]V) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func cell(v int64, ok bool, format func(int64) string) string {
	if !ok {
		return "-"
	}
	return format(v)
}

// formatMS formats nanoseconds as milliseconds with 3 decimals, exactly.
func formatMS(ns int64) string {
	sign := ""
	u := uint64(ns)
	if ns < 0 {
		sign = "-"
		u = uint64(-(ns + 1)) + 1
	}
	// Round to the microsecond, half away from zero.
	us := (u + 500) / 1000
	return fmt.Sprintf("%s%d.%03dms", sign, us/1000, us%1000)
}

func formatInt(v int64) string { return strconv.FormatInt(v, 10) }

func formatWall(v float64, k valueKind) string {
	switch k {
	case kindCount:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case kindNS:
		return formatValue(v, k)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

func delta(ov float64, oldOK bool, nv float64, newOK bool) string {
	switch {
	case !oldOK && !newOK:
		return "-"
	case !oldOK:
		return "added"
	case !newOK:
		return "removed"
	case ov == nv:
		return "0.0%"
	case ov == 0:
		return "n/a"
	}
	return fmt.Sprintf("%+.1f%%", (nv-ov)/math.Abs(ov)*100)
}
