package engine

import (
	"strings"
	"testing"
)

// TestSharedClientStateContract drives two devices that share one
// SharedClientState: each may be driven any number of times before its output
// is consumed, and the other only after the first's Advance; driving,
// reading or advancing the other earlier panics, naming both devices.
func TestSharedClientStateContract(t *testing.T) {
	sh := NewSharedClientState()
	a := NewClient(ClientConfig{User: "alice", Device: "1", Shared: sh})
	b := NewClient(ClientConfig{User: "bob", Device: "1", Shared: sh})

	mustPanic := func(what string, f func()) {
		t.Helper()
		defer func() {
			r := recover()
			if r == nil {
				t.Fatalf("%s: no panic", what)
			}
			msg, _ := r.(string)
			if !strings.Contains(msg, "bob/1") || !strings.Contains(msg, "alice/1") {
				t.Fatalf("%s: panic %q does not name both devices", what, r)
			}
		}()
		f()
	}

	a.Login(0)
	a.Fire(1, Timer{Kind: TimerAck, At: 1}) // a stale timer: driving a again is fine
	if got := len(a.Ready().Msgs); got != 1 {
		t.Fatalf("alice's output has %d frames, want her LOGIN", got)
	}
	mustPanic("driving bob", func() { b.Login(0) })
	mustPanic("bob's Ready", func() { b.Ready() })
	mustPanic("bob's Advance", func() { b.Advance() })
	mustPanic("a frame to bob", func() { b.Receive(0, 0, nil) })
	mustPanic("a timer of bob", func() { b.Fire(0, Timer{Kind: TimerAck}) })
	mustPanic("bob reconnecting", func() { b.Connected(0) })

	a.Advance()
	b.Login(0)
	if out := b.Ready(); len(out.Msgs) != 1 || len(out.Results) != 0 {
		t.Fatalf("bob's output: %d frames, %d results; want his LOGIN only", len(out.Msgs), len(out.Results))
	}
	b.Advance()
	a.Ready() // nothing pending: anyone may look
	a.Advance()
}
