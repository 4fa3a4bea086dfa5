package sim

import (
	"strings"
	"testing"
	"time"

	"sigsim/engine"
)

// TestWireCheckSameHash: the wire check changes nothing but what it checks. A
// fault-heavy swarm run (two shards, the bus, losses, duplicates, crashes) has
// the same hash with the wire check on and off, in both modes, and the check
// finds nothing wrong.
func TestWireCheckSameHash(t *testing.T) {
	for _, mode := range []engine.Mode{engine.ModeServer, engine.ModeClient} {
		for seed := uint64(1); seed <= 4; seed++ {
			on := swarmRunWith(t, seed, mode, 300, func(o *Options) { o.KeepGoing = true })
			if on.wire == nil {
				t.Fatal("the wire check is not on with the checkers")
			}
			for _, v := range on.Violations() {
				if v.Invariant == InvWire || mode == engine.ModeServer {
					t.Fatalf("%s seed %d: %v", mode, seed, v)
				}
			}
			off := swarmRunWith(t, seed, mode, 300, func(o *Options) { o.KeepGoing, o.NoWireCheck = true, true })
			if off.wire != nil {
				t.Fatal("the wire check is on")
			}
			if on.Hash() != off.Hash() || on.Events() < 5000 {
				t.Errorf("%s seed %d: hash %x with the wire check, %x without (%d events)", mode, seed, on.Hash(), off.Hash(), on.Events())
			}
			if n := on.flights.Len(); n != 0 {
				t.Errorf("%s seed %d: %d frames still in flight in a quiet world", mode, seed, n)
			}
		}
	}
}

// inviteAccept runs one invitation, accepted, in a world with the checkers on
// after change prepares it; it returns the world.
func inviteAccept(t *testing.T, change func(w *World)) *World {
	t.Helper()
	w := newTestWorld(t, Options{Seed: 1}, "alice/1", "bob/1")
	alice, bob := w.Device("alice"), w.Device("bob")
	w.Login(alice)
	w.Login(bob)
	w.RunUntil(atMs(100))
	if change != nil {
		change(w)
	}
	w.Hooks.Callback = func(at engine.Time, d *Device, cb *engine.Callback) {
		if cb.Kind == engine.OnReceiveNewInvitation {
			w.Answer(d, engine.OpAccept, cb.InviteID, "")
		}
	}
	w.Invite(alice, "bob", "room=42", false, nil, 30)
	w.RunQuiet(w.Now().Add(time.Minute))
	return w
}

// TestWireCheckCatchesBrokenEncoder: an encoder that loses a field, or
// writes what does not decode, fails the run with a wire violation naming the
// frame and what differs.
func TestWireCheckCatchesBrokenEncoder(t *testing.T) {
	if v := inviteAccept(t, nil).Violation(); v != nil {
		t.Fatalf("a correct encoder: %v", v)
	}
	broken := map[string]func(b []byte, f *engine.Frame) []byte{
		"info data": func(b []byte, f *engine.Frame) []byte {
			g := *f
			g.Info.Data = "" // the invite's data is lost on the wire
			return engine.AppendFrame(b, &g)
		},
		"does not decode": func(b []byte, f *engine.Frame) []byte {
			b = engine.AppendFrame(b, f)
			if f.Type == engine.FrameResponse {
				b = b[:len(b)-1]
			}
			return b
		},
		"message signaling info": func(b []byte, f *engine.Frame) []byte {
			start := len(b)
			b = engine.AppendFrame(b, f)
			if f.Type == engine.FramePush { // the ring's data, inside its custom data
				if i := strings.Index(string(b[start:]), "room=42"); i >= 0 {
					b[start+i+6] = '3'
				}
			}
			return b
		},
		"message sender": func(b []byte, f *engine.Frame) []byte {
			start := len(b)
			b = engine.AppendFrame(b, f)
			if f.Type == engine.FramePush {
				// The message (13 fields: 0x9d), its seq and conv (a byte
				// each here), then its sender: its first letter changes.
				if i := strings.IndexByte(string(b[start:]), 0x9d); i >= 0 {
					b[start+i+4] ^= 0x20
				}
			}
			return b
		},
	}
	for want, enc := range broken {
		w := inviteAccept(t, func(w *World) { w.appendFrame = enc })
		v := w.Violation()
		if v == nil || v.Invariant != InvWire || !strings.Contains(v.Text, want) {
			t.Errorf("%s: violation %v, want %s naming %q", want, v, InvWire, want)
		}
	}
}

// TestWireCheckCatchesChangeInFlight: a frame (or what it shares) changed
// after it was sent is caught when it is delivered.
func TestWireCheckCatchesChangeInFlight(t *testing.T) {
	var sent *engine.Frame
	w := inviteAccept(t, func(w *World) {
		w.Hooks.Result = func(at engine.Time, d *Device, r *engine.Result) {}
		w.At(w.Now().Add(msec(10)), func() {
			// The invite is in flight to the shard: change its data.
			for i := int32(0); i < w.flights.n; i++ {
				if fl := w.flights.at(i); fl.refs > 0 && fl.f.Type == engine.FrameRequest {
					sent = fl.f
					fl.f.Info.Data = "changed"
				}
			}
		})
	})
	v := w.Violation()
	if sent == nil || v == nil || v.Invariant != InvWire || !strings.Contains(v.Text, "change in flight") ||
		!strings.Contains(v.Text, "info data") {
		t.Fatalf("violation %v, want %s: a change in flight, naming the info's data", v, InvWire)
	}
}
