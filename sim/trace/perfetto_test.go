package trace

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestWritePerfetto(t *testing.T) {
	ms := int64(1e6)
	events := []Event{
		{At: 0, Kind: Fault, Node: "world", Text: "partition alice/1 <-> s0"},
		{At: 1 * ms, Kind: Call, Node: "alice/1", Text: "invite bob timeout=30s"},
		{At: 1 * ms, Kind: Send, Node: "alice/1", Peer: "s0", Text: "REQ #1 invite alice/1.0-1"},
		{At: 1 * ms, Kind: Dup, Node: "alice/1", Peer: "s0", Text: "REQ #1 invite alice/1.0-1"},
		{At: 20 * ms, Kind: Drop, Node: "alice/1", Peer: "s0", Text: "partition: REQ #1 invite alice/1.0-1"},
		{At: 21 * ms, Kind: Deliver, Node: "s0", Peer: "alice/1", Text: "REQ #1 invite alice/1.0-1"},
		{At: 21 * ms, Kind: Note, Node: "s0", Text: "decided created alice/1.0-1 inviter=alice invitees=[bob] timeout=30s"},
		{At: 22 * ms, Kind: Fault, Node: "s0", Text: "crash"},
		{At: 23 * ms, Kind: Fault, Node: "bob/1", Text: "pause 2s"},
		{At: 24 * ms, Kind: Fault, Node: "world", Text: "heal partition alice/1 <-> s0"},
		{At: 25 * ms, Kind: Timer, Node: "alice/1", Text: "retransmit"},
		{At: 41 * ms, Kind: Callback, Node: "bob/1", Text: "OnReceiveNewInvitation(alice/1.0-1, ...)"},
		{At: 42 * ms, Kind: Result, Node: "alice/1", Text: "invite alice/1.0-1 -> ok"},
		{At: 43 * ms, Kind: Violation, Node: "world", Text: "agreement on bob/1: ..."},
		{At: 44 * ms, Kind: Fault, Node: "bob/1", Text: "disconnect"},
	}
	var buf bytes.Buffer
	rename := strings.NewReplacer("alice/1.0-1", "c1").Replace
	if err := WritePerfetto(&buf, events, PerfettoOptions{Rename: rename}); err != nil {
		t.Fatal(err)
	}
	if err := CheckPerfetto(buf.Bytes()); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	var doc struct {
		TraceEvents []perfettoEvent `json:"traceEvents"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	threads := map[string]bool{}
	for _, e := range doc.TraceEvents {
		count[e.Ph+" "+e.Cat]++
		if e.Ph == "M" && e.Name == "thread_name" {
			threads[e.Args["name"]] = true
		}
		if strings.Contains(e.Name, "alice/1.0-1") || strings.Contains(e.Args["frame"], "alice/1.0-1") {
			t.Errorf("raw ID not renamed in %+v", e)
		}
	}
	for _, n := range []string{"alice/1", "bob/1", "s0", "world"} {
		if !threads[n] {
			t.Errorf("no track for %s", n)
		}
	}
	want := map[string]int{
		"s flow": 2, "f flow": 2, // the send and its duplicate: one delivered, one dropped
		"X frame": 2, "X dup": 1, "X drop": 1,
		"b fault": 3, "e fault": 3, // partition healed; crash and disconnect closed at the end
		"X fault": 1, // the pause
		"i call":  1, "i result": 1, "i callback": 1, "i timer": 1, "i decision": 1, "i violation": 1,
	}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%d events %q, want %d (all: %v)", count[k], k, n, count)
		}
	}
}

func TestCheckPerfettoRejects(t *testing.T) {
	for name, doc := range map[string]string{
		"not json":          `{`,
		"no array":          `{}`,
		"no name":           `{"traceEvents":[{"ph":"i","ts":1,"pid":1,"tid":1}]}`,
		"no ts":             `{"traceEvents":[{"name":"x","ph":"i","pid":1,"tid":1}]}`,
		"X without dur":     `{"traceEvents":[{"name":"x","ph":"X","ts":1,"pid":1,"tid":1}]}`,
		"unmatched b":       `{"traceEvents":[{"name":"x","ph":"b","cat":"c","id":"1","ts":1,"pid":1,"tid":1}]}`,
		"e without b":       `{"traceEvents":[{"name":"x","ph":"e","cat":"c","id":"1","ts":1,"pid":1,"tid":1}]}`,
		"e before b":        `{"traceEvents":[{"name":"x","ph":"b","cat":"c","id":"1","ts":5,"pid":1,"tid":1},{"name":"x","ph":"e","cat":"c","id":"1","ts":1,"pid":1,"tid":1}]}`,
		"f without s":       `{"traceEvents":[{"name":"x","ph":"f","id":"7","ts":1,"pid":1,"tid":1}]}`,
		"metadata nameless": `{"traceEvents":[{"name":"thread_name","ph":"M","pid":1,"tid":1}]}`,
	} {
		if err := CheckPerfetto([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
