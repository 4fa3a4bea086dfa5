package trace

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Trace-event export: a run in the Chrome/Perfetto trace-event JSON format
// (the "JSON Array/Object Format" that ui.perfetto.dev and chrome://tracing
// open), so that a large run can be browsed in a real viewer.
//
// The layout:
//   - one process per kind of node ("shards", "devices", and "world" for
//     faults and violations), one thread (track) per node, named by
//     metadata events;
//   - API calls, results, callbacks, timers and the shards' decisions are
//     instant events on their node's track;
//   - a frame is a short slice on the sender's track at its send and one on
//     the receiver's track at its delivery, tied by a flow (ph "s" → "f",
//     one id per delivery); a dropped frame ends in an instant "drop";
//   - faults with a duration (partition → heal, crash → restart, disconnect →
//     reconnect, pause) are async spans (ph "b"/"e") on the world's track;
//     a fault still open at the end of the trace ends there. Other faults
//     are instants.
//
// Times are virtual microseconds (ts may have a fraction).

// PerfettoOptions adjusts the export.
type PerfettoOptions struct {
	// Rename, if set, rewrites every event text (a scenario maps raw
	// invitation IDs to the handles its file gave them).
	Rename func(string) string
}

// perfettoEvent is one trace event; field names are the format's.
type perfettoEvent struct {
	Name string            `json:"name"`
	Cat  string            `json:"cat,omitempty"`
	Ph   string            `json:"ph"`
	Ts   float64           `json:"ts"`
	Dur  *float64          `json:"dur,omitempty"`
	Pid  int               `json:"pid"`
	Tid  int               `json:"tid"`
	ID   string            `json:"id,omitempty"`
	BP   string            `json:"bp,omitempty"`
	S    string            `json:"s,omitempty"`
	Args map[string]string `json:"args,omitempty"`
}

const (
	pidWorld   = 1
	pidShards  = 2
	pidDevices = 3
)

// frameSliceUs is how long the slices that anchor a frame's flow last: long
// enough to be clicked at any zoom that shows them, short next to a link's
// latency.
const frameSliceUs = 1.0

type perfettoWriter struct {
	opts   PerfettoOptions
	out    []perfettoEvent
	tids   map[string]int // node → tid
	nodes  []string       // in order of first appearance
	flows  map[string][]int
	flowID int
	spans  []openSpan
	spanID int
	last   float64
}

type openSpan struct {
	key  string // what ends it: "partition A <-> B", "crash alice/1", ...
	name string
	id   string
	node string
}

// WritePerfetto writes events as Chrome/Perfetto trace-event JSON to w.
func WritePerfetto(w io.Writer, events []Event, opts PerfettoOptions) error {
	pw := &perfettoWriter{opts: opts, tids: map[string]int{}, flows: map[string][]int{}}
	for i := range events {
		pw.event(&events[i])
	}
	pw.closeAll("end of trace")
	return pw.write(w)
}

func (pw *perfettoWriter) text(s string) string {
	if pw.opts.Rename != nil {
		return pw.opts.Rename(s)
	}
	return s
}

// track returns the pid and tid of a node's track, naming it at first use.
func (pw *perfettoWriter) track(node string) (int, int) {
	pid := pidDevices
	switch {
	case node == "" || node == "world":
		pid, node = pidWorld, "world"
	case isShardName(node):
		pid = pidShards
	}
	tid, ok := pw.tids[node]
	if !ok {
		tid = len(pw.tids) + 1
		pw.tids[node] = tid
		pw.nodes = append(pw.nodes, node)
	}
	return pid, tid
}

func isShardName(n string) bool {
	if len(n) < 2 || n[0] != 's' {
		return false
	}
	_, err := strconv.Atoi(n[1:])
	return err == nil
}

func (pw *perfettoWriter) add(e perfettoEvent) {
	pw.out = append(pw.out, e)
	pw.last = max(pw.last, e.Ts)
}

func (pw *perfettoWriter) instant(node, cat, name string, ts float64, args map[string]string) {
	pid, tid := pw.track(node)
	scope := "t"
	if pid == pidWorld {
		scope = "g"
	}
	pw.add(perfettoEvent{Name: name, Cat: cat, Ph: "i", S: scope, Ts: ts, Pid: pid, Tid: tid, Args: args})
}

// frameKey identifies the frames a delivery may belong to: same ends, same text.
func frameKey(from, to, text string) string { return from + "\x00" + to + "\x00" + text }

func (pw *perfettoWriter) event(e *Event) {
	ts := float64(e.At) / 1e3
	text := pw.text(e.Text)
	switch e.Kind {
	case Send, Dup:
		pid, tid := pw.track(e.Node)
		pw.track(e.Peer)
		name := frameName(text)
		pw.flowID++
		id := strconv.Itoa(pw.flowID)
		key := frameKey(e.Node, e.Peer, e.Text)
		pw.flows[key] = append(pw.flows[key], pw.flowID)
		cat := "frame"
		if e.Kind == Dup {
			cat = "dup"
		}
		pw.slice(pid, tid, cat, name, ts, map[string]string{"to": e.Peer, "frame": text})
		pw.add(perfettoEvent{Name: name, Cat: "flow", Ph: "s", Ts: ts, Pid: pid, Tid: tid, ID: id})
	case Deliver:
		pid, tid := pw.track(e.Node)
		name := frameName(text)
		args := map[string]string{"from": e.Peer, "frame": text}
		pw.slice(pid, tid, "frame", name, ts, args)
		if id, ok := pw.takeFlow(frameKey(e.Peer, e.Node, e.Text)); ok {
			pw.add(perfettoEvent{Name: name, Cat: "flow", Ph: "f", BP: "e", Ts: ts, Pid: pid, Tid: tid, ID: strconv.Itoa(id)})
		}
	case Drop:
		why, frame, _ := strings.Cut(e.Text, ": ")
		pid, tid := pw.track(e.Node)
		name := "drop " + frameName(pw.text(frame))
		pw.slice(pid, tid, "drop", name, ts, map[string]string{"to": e.Peer, "why": why, "frame": pw.text(frame)})
		if id, ok := pw.takeFlow(frameKey(e.Node, e.Peer, frame)); ok {
			pw.add(perfettoEvent{Name: name, Cat: "flow", Ph: "f", BP: "e", Ts: ts, Pid: pid, Tid: tid, ID: strconv.Itoa(id)})
		}
	case Call:
		pw.instant(e.Node, "call", text, ts, nil)
	case Result:
		pw.instant(e.Node, "result", text, ts, nil)
	case Callback:
		pw.instant(e.Node, "callback", text, ts, nil)
	case Timer:
		pw.instant(e.Node, "timer", "timer "+text, ts, nil)
	case Note:
		cat := "note"
		if strings.HasPrefix(text, "decided ") {
			cat = "decision"
		}
		pw.instant(e.Node, cat, text, ts, nil)
	case Violation:
		pw.instant("world", "violation", "VIOLATION "+text, ts, nil)
	case Fault:
		pw.fault(e, text, ts)
	}
}

// slice adds a short complete event that a flow can bind to.
func (pw *perfettoWriter) slice(pid, tid int, cat, name string, ts float64, args map[string]string) {
	d := frameSliceUs
	pw.add(perfettoEvent{Name: name, Cat: cat, Ph: "X", Ts: ts, Dur: &d, Pid: pid, Tid: tid, Args: args})
}

// takeFlow matches a delivery or drop with the oldest unmatched send of the
// same frame between the same ends.
func (pw *perfettoWriter) takeFlow(key string) (int, bool) {
	l := pw.flows[key]
	if len(l) == 0 {
		return 0, false
	}
	id := l[0]
	if len(l) == 1 {
		delete(pw.flows, key)
	} else {
		pw.flows[key] = l[1:]
	}
	return id, true
}

// frameName is the first two words of a frame's text ("REQ #3", "PUSH s=2").
func frameName(text string) string {
	f := strings.Fields(text)
	if len(f) >= 2 {
		return f[0] + " " + f[1]
	}
	return text
}

// fault turns fault events into spans where they have a duration.
func (pw *perfettoWriter) fault(e *Event, text string, ts float64) {
	node := e.Node
	if node == "" {
		node = "world"
	}
	switch {
	case strings.HasPrefix(text, "partition "):
		pw.open("partition "+strings.TrimPrefix(text, "partition "), text, node, ts)
	case strings.HasPrefix(text, "heal partition "):
		pw.close("partition "+strings.TrimPrefix(text, "heal partition "), ts)
	case text == "heal partitions":
		pw.closePrefix("partition ", ts)
	case text == "heal all":
		pw.closePrefix("", ts)
	case text == "crash":
		pw.open("crash "+node, "crash "+node, node, ts)
	case text == "restart":
		pw.close("crash "+node, ts)
	case text == "disconnect":
		pw.open("disconnect "+node, "disconnect "+node, node, ts)
	case text == "reconnect":
		pw.close("disconnect "+node, ts)
	case strings.HasPrefix(text, "pause "):
		pid, tid := pw.track("world")
		if d, ok := parseFaultDuration(strings.TrimPrefix(text, "pause ")); ok {
			pw.add(perfettoEvent{Name: "pause " + node, Cat: "fault", Ph: "X", Ts: ts, Dur: &d, Pid: pid, Tid: tid,
				Args: map[string]string{"node": node}})
			return
		}
		pw.instant("world", "fault", node+": "+text, ts, nil)
	default:
		pw.instant("world", "fault", node+": "+text, ts, nil)
	}
}

// parseFaultDuration reads a pause's Go duration as microseconds.
func parseFaultDuration(s string) (float64, bool) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, false
	}
	return float64(d) / 1e3, true
}

func (pw *perfettoWriter) open(key, name, node string, ts float64) {
	if slices.ContainsFunc(pw.spans, func(s openSpan) bool { return s.key == key }) {
		return // already open: one span until it ends
	}
	pw.spanID++
	sp := openSpan{key: key, name: name, id: "fault" + strconv.Itoa(pw.spanID), node: node}
	pw.spans = append(pw.spans, sp)
	pid, tid := pw.track("world")
	pw.add(perfettoEvent{Name: name, Cat: "fault", Ph: "b", Ts: ts, Pid: pid, Tid: tid, ID: sp.id, Args: map[string]string{"node": node}})
}

func (pw *perfettoWriter) end(sp openSpan, ts float64, why string) {
	pid, tid := pw.track("world")
	pw.add(perfettoEvent{Name: sp.name, Cat: "fault", Ph: "e", Ts: ts, Pid: pid, Tid: tid, ID: sp.id, Args: map[string]string{"ended": why}})
}

func (pw *perfettoWriter) close(key string, ts float64) {
	i := slices.IndexFunc(pw.spans, func(s openSpan) bool { return s.key == key })
	if i < 0 {
		return
	}
	pw.end(pw.spans[i], ts, "healed")
	pw.spans = slices.Delete(pw.spans, i, i+1)
}

func (pw *perfettoWriter) closePrefix(prefix string, ts float64) {
	kept := pw.spans[:0]
	for _, sp := range pw.spans {
		if strings.HasPrefix(sp.key, prefix) {
			pw.end(sp, ts, "healed")
			continue
		}
		kept = append(kept, sp)
	}
	pw.spans = kept
}

func (pw *perfettoWriter) closeAll(why string) {
	for _, sp := range pw.spans {
		pw.end(sp, pw.last, why)
	}
	pw.spans = nil
}

// write emits the metadata and the events as one JSON object, an event a line.
func (pw *perfettoWriter) write(w io.Writer) error {
	var meta []perfettoEvent
	for pid, name := range map[int]string{pidWorld: "world", pidShards: "shards", pidDevices: "devices"} {
		meta = append(meta, perfettoEvent{Name: "process_name", Ph: "M", Pid: pid, Args: map[string]string{"name": name}})
	}
	slices.SortFunc(meta, func(a, b perfettoEvent) int { return a.Pid - b.Pid })
	for _, n := range pw.nodes {
		pid, tid := pw.track(n)
		meta = append(meta, perfettoEvent{Name: "thread_name", Ph: "M", Pid: pid, Tid: tid, Args: map[string]string{"name": n}})
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(`{"displayTimeUnit":"ms","otherData":{"generator":"sigsim"},"traceEvents":[` + "\n")
	first := true
	for _, l := range [][]perfettoEvent{meta, pw.out} {
		for i := range l {
			b, err := json.Marshal(&l[i])
			if err != nil {
				return err
			}
			if !first {
				bw.WriteString(",\n")
			}
			first = false
			bw.Write(b)
		}
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}

// CheckPerfetto checks trace-event JSON against the rules of the format that
// viewers rely on: every event has a name, a phase, a timestamp and a
// process and thread; complete events ("X") have a duration; every async
// begin ("b") has one end ("e") with the same category and id, never
// before it; every flow end ("f") follows a flow start ("s") with its id;
// metadata events name their process or thread.
func CheckPerfetto(data []byte) error {
	var doc struct {
		TraceEvents []map[string]any `json:"traceEvents"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("not trace-event JSON: %w", err)
	}
	if doc.TraceEvents == nil {
		return errors.New("no traceEvents array")
	}
	type spanKey struct{ cat, id string }
	open := map[spanKey]float64{}
	flows := map[string]bool{}
	for i, e := range doc.TraceEvents {
		str := func(k string) (string, bool) { s, ok := e[k].(string); return s, ok }
		num := func(k string) (float64, bool) { f, ok := e[k].(float64); return f, ok }
		name, ok := str("name")
		if !ok || name == "" {
			return fmt.Errorf("event %d: no name", i)
		}
		ph, ok := str("ph")
		if !ok {
			return fmt.Errorf("event %d (%s): no ph", i, name)
		}
		if _, ok := num("pid"); !ok {
			return fmt.Errorf("event %d (%s): no pid", i, name)
		}
		if _, ok := num("tid"); !ok && ph != "M" {
			return fmt.Errorf("event %d (%s): no tid", i, name)
		}
		if ph == "M" {
			args, _ := e["args"].(map[string]any)
			if _, ok := args["name"].(string); !ok {
				return fmt.Errorf("event %d: metadata %s without args.name", i, name)
			}
			continue
		}
		ts, ok := num("ts")
		if !ok || ts < 0 {
			return fmt.Errorf("event %d (%s): no ts", i, name)
		}
		id, _ := str("id")
		cat, _ := str("cat")
		switch ph {
		case "X":
			if d, ok := num("dur"); !ok || d < 0 {
				return fmt.Errorf("event %d (%s): complete event without dur", i, name)
			}
		case "i", "I":
		case "b":
			k := spanKey{cat, id}
			if id == "" {
				return fmt.Errorf("event %d (%s): async begin without id", i, name)
			}
			if _, dup := open[k]; dup {
				return fmt.Errorf("event %d (%s): async span %s begins twice", i, name, id)
			}
			open[k] = ts
		case "e":
			k := spanKey{cat, id}
			begin, ok := open[k]
			if !ok {
				return fmt.Errorf("event %d (%s): async end %s without begin", i, name, id)
			}
			if ts < begin {
				return fmt.Errorf("event %d (%s): async span %s ends before it begins", i, name, id)
			}
			delete(open, k)
		case "s":
			if id == "" || flows[id] {
				return fmt.Errorf("event %d (%s): flow start without a fresh id", i, name)
			}
			flows[id] = true
		case "f":
			if !flows[id] {
				return fmt.Errorf("event %d (%s): flow end %q without its start", i, name, id)
			}
		default:
			return fmt.Errorf("event %d (%s): unexpected phase %q", i, name, ph)
		}
	}
	if len(open) > 0 {
		var ids []string
		for k := range open {
			ids = append(ids, k.cat+"/"+k.id)
		}
		slices.Sort(ids)
		return fmt.Errorf("async spans never end: %s", strings.Join(ids, ", "))
	}
	return nil
}
