package trace

import (
	"fmt"
	"io"
	"strings"
)

// Divergence locates the first difference between two traces a and b.
type Divergence struct {
	// Index is the 0-based index of the first differing event, or -1 when
	// the events agree and only the header or the final hash differs.
	Index int
	// At is the virtual time of the first differing event (a's, or b's
	// when a has ended).
	At int64
	// A and B are the differing events; nil means that trace had ended.
	A, B *Event
	// Header lists header differences ("seed: 1 vs 2", ...) in a fixed
	// order. Only CompareReaders fills it.
	Header []string
	// HashA and HashB are the trailers' final run hashes. CompareReaders
	// sets them when the events agree, so that the same events with a
	// different fingerprint (a changed hash function) still count.
	HashA, HashB uint64
}

// FirstDivergence compares two event lists and reports the first index at
// which they differ. It returns false if they are identical.
func FirstDivergence(a, b []Event) (Divergence, bool) {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return divergenceAt(i, &a[i], &b[i]), true
		}
	}
	switch {
	case len(a) > n:
		return divergenceAt(n, &a[n], nil), true
	case len(b) > n:
		return divergenceAt(n, nil, &b[n]), true
	}
	return Divergence{}, false
}

// divergenceAt copies the events so that the result does not alias, and
// keep alive, the caller's slices or a reader's state.
func divergenceAt(i int, a, b *Event) Divergence {
	d := Divergence{Index: i}
	if a != nil {
		ea := *a
		d.A, d.At = &ea, ea.At
	}
	if b != nil {
		eb := *b
		d.B = &eb
		if a == nil {
			d.At = eb.At
		}
	}
	return d
}

// CompareReaders compares two traces as they stream, without holding them
// in memory. It reports header differences (version, seed, scenario,
// options), the first differing event, and, if all events agree, a
// difference in the final run hash. It stops reading at the first
// differing event. A read error in either trace (truncation, corruption)
// is returned as the error, prefixed with "trace a:" or "trace b:".
func CompareReaders(a, b *Reader) (Divergence, bool, error) {
	d := Divergence{Index: -1, Header: headerDiffs(a.Header(), b.Header())}
	for {
		ea, errA := a.Next()
		if errA != nil && errA != io.EOF {
			return d, false, fmt.Errorf("trace a: %w", errA)
		}
		eb, errB := b.Next()
		if errB != nil && errB != io.EOF {
			return d, false, fmt.Errorf("trace b: %w", errB)
		}
		switch {
		case errA == io.EOF && errB == io.EOF:
			_, d.HashA = a.Trailer()
			_, d.HashB = b.Trailer()
			return d, len(d.Header) > 0 || d.HashA != d.HashB, nil
		case errA == io.EOF:
			return withHeader(divergenceAt(b.count-1, nil, &eb), d.Header), true, nil
		case errB == io.EOF:
			return withHeader(divergenceAt(a.count-1, &ea, nil), d.Header), true, nil
		case ea != eb:
			return withHeader(divergenceAt(a.count-1, &ea, &eb), d.Header), true, nil
		}
	}
}

func withHeader(d Divergence, h []string) Divergence {
	d.Header = h
	return d
}

// headerDiffs lists differences in a's order, then b's extra options in
// b's order; the map is only used for lookups, so the output is stable.
func headerDiffs(a, b Header) []string {
	var out []string
	if a.Version != b.Version {
		out = append(out, fmt.Sprintf("version: %q vs %q", a.Version, b.Version))
	}
	if a.Seed != b.Seed {
		out = append(out, fmt.Sprintf("seed: %d vs %d", a.Seed, b.Seed))
	}
	if a.Scenario != b.Scenario {
		out = append(out, "scenario: "+firstLineDiff(a.Scenario, b.Scenario))
	}
	inB := firstByKey(b.Options)
	seen := make(map[string]bool, len(a.Options))
	before := len(out)
	for _, o := range a.Options {
		if seen[o.Key] {
			continue // a later duplicate key; the first one is compared
		}
		seen[o.Key] = true
		switch v, ok := inB[o.Key]; {
		case !ok:
			out = append(out, fmt.Sprintf("option %s: %q vs (absent)", o.Key, o.Value))
		case v != o.Value:
			out = append(out, fmt.Sprintf("option %s: %q vs %q", o.Key, o.Value, v))
		}
		delete(inB, o.Key) // report each key once
	}
	for _, o := range b.Options {
		if v, ok := inB[o.Key]; ok && v == o.Value {
			out = append(out, fmt.Sprintf("option %s: (absent) vs %q", o.Key, o.Value))
			delete(inB, o.Key)
		}
	}
	if len(out) == before && !optionsEqual(a.Options, b.Options) {
		out = append(out, "options: same values, different order or duplicates")
	}
	return out
}

func firstByKey(opts []Option) map[string]string {
	m := make(map[string]string, len(opts))
	for _, o := range opts {
		if _, ok := m[o.Key]; !ok {
			m[o.Key] = o.Value
		}
	}
	return m
}

func optionsEqual(a, b []Option) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// firstLineDiff names the first differing line, because scenario texts
// can be long and the whole of both would drown the report.
func firstLineDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; ; i++ {
		switch {
		case i >= len(la):
			return fmt.Sprintf("line %d: (end) vs %q", i+1, lb[i])
		case i >= len(lb):
			return fmt.Sprintf("line %d: %q vs (end)", i+1, la[i])
		case la[i] != lb[i]:
			return fmt.Sprintf("line %d: %q vs %q", i+1, la[i], lb[i])
		}
	}
}

// String renders the divergence for humans, e.g.
//
//	first divergence at event 57 (t=40.000ms):
//	  a: <event line>
//	  b: <end of trace>
//
// preceded by any header differences and followed by a final-hash
// difference. It has no trailing newline.
func (d Divergence) String() string {
	var sb strings.Builder
	if len(d.Header) > 0 {
		sb.WriteString("headers differ:")
		for _, h := range d.Header {
			sb.WriteString("\n  ")
			sb.WriteString(h)
		}
	}
	line := func(tag string, e *Event) {
		sb.WriteString("\n  ")
		sb.WriteString(tag)
		if e == nil {
			sb.WriteString("<end of trace>")
		} else {
			sb.WriteString(e.String())
		}
	}
	if d.Index >= 0 {
		if sb.Len() > 0 {
			sb.WriteByte('\n')
		}
		fmt.Fprintf(&sb, "first divergence at event %d (t=%s):", d.Index, strings.TrimLeft(FormatTime(d.At), " "))
		line("a: ", d.A)
		line("b: ", d.B)
	} else if d.HashA != d.HashB {
		if sb.Len() > 0 {
			sb.WriteByte('\n')
		}
		fmt.Fprintf(&sb, "events identical, final hash differs: a=%016x b=%016x", d.HashA, d.HashB)
	}
	if sb.Len() == 0 {
		return "no divergence"
	}
	return sb.String()
}
