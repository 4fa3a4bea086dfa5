package trace

import (
	"strconv"
	"strings"
)

// Event is one entry of a trace.
type Event struct {
	At   int64  // virtual time in nanoseconds
	Kind Kind   // what happened
	Node string // where it happened, e.g. "alice/1" or "s0"
	Peer string // the other end (sender, receiver, target), or ""
	Text string // canonical description, e.g. "INVITE c1 ..."
}

// timeWidth is the width of the number part of FormatTime: it keeps columns
// aligned up to 9999999.999ms (about 2.8 hours of virtual time), which is
// longer than any run we plan; longer times just widen the column.
const timeWidth = 11

// FormatTime renders virtual nanoseconds as fixed-width milliseconds with
// microsecond precision, e.g. "     40.000ms". It truncates toward zero and
// uses integer arithmetic only, so the text is identical on every platform.
func FormatTime(ns int64) string {
	var buf [32]byte
	return string(appendTime(buf[:0], ns))
}

func appendTime(b []byte, ns int64) []byte {
	u := uint64(ns)
	if ns < 0 {
		u = -u // well-defined for MinInt64 too, unlike negating ns
	}
	us := u / 1000
	ms, frac := us/1000, us%1000
	var num [32]byte
	n := num[:0]
	if ns < 0 {
		n = append(n, '-')
	}
	n = strconv.AppendUint(n, ms, 10)
	n = append(n, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
	for i := len(n); i < timeWidth; i++ {
		b = append(b, ' ')
	}
	b = append(b, n...)
	return append(b, "ms"...)
}

// String returns the event's canonical one-line form, e.g.
//
//	"     40.000ms deliver  alice/1 <- s0  INVITE c1"
//
// The arrow points from the sender to the receiver: "<-" for a delivery
// (Node received from Peer), "->" for every other kind (Node acted on Peer).
// Arrow and peer are omitted when Peer is empty.
func (e Event) String() string {
	var sb strings.Builder
	sb.Grow(timeWidth + 2 + 10 + len(e.Node) + 4 + len(e.Peer) + 2 + len(e.Text))
	var buf [32]byte
	sb.Write(appendTime(buf[:0], e.At))
	sb.WriteByte(' ')
	k := e.Kind.String()
	sb.WriteString(k)
	for i := len(k); i < 8; i++ {
		sb.WriteByte(' ')
	}
	sb.WriteByte(' ')
	sb.WriteString(e.Node)
	if e.Peer != "" {
		if e.Kind == Deliver {
			sb.WriteString(" <- ")
		} else {
			sb.WriteString(" -> ")
		}
		sb.WriteString(e.Peer)
	}
	if e.Text != "" {
		sb.WriteString("  ")
		sb.WriteString(e.Text)
	}
	return sb.String()
}
