package sim

import (
	"sigsim/engine"
)

// Frames travel between the signaling nodes decoded (DESIGN §3, wire
// fidelity): the world takes each frame a node sends and hands it to the
// receiver as it is, so no frame is encoded or decoded on the way. The trace
// hashes its digest (engine.Frame.Digest, a hash of every field its encoding
// carries); a link with a bandwidth charges it for the exact size of its
// encoding. Where the checkers are on, the wire check encodes every frame when
// it is sent, keeps the bytes with it, and proves at its delivery that
// carrying it decoded changed nothing: those bytes decode to the frame as it is
// delivered, every field (engine.WireCheck), so the codec loses nothing and no
// node changed the frame, nor anything it shares, since it was sent. A failure
// is a violation of invariant "wire".

// InvWire is the wire fidelity invariant: every frame delivered decodes from
// its bytes to itself, and is the frame that was sent.
const InvWire = "wire"

// flight is a frame in flight: what a node sent (the world's from then on),
// with the digest of its bytes and their length, shared by the events that
// deliver it (a duplicate makes two; a pause's backlog keeps them) and the
// holds that keep it. When the last lets go, the frame goes back to the nodes'
// pool (w.frames) and the flight to the table's free list.
type flight struct {
	f      *engine.Frame
	digest uint64 // f.Digest(), which the trace hashes
	wire   []byte // with the wire check on: its bytes when sent (the buffer is the flight's, reused)
	size   int32  // the length of its encoding, once needed (-1 before)
	refs   int32
}

// framePoolKeep is how many frames the world's pool keeps whatever the
// frames in flight.
const framePoolKeep = 1 << 12

// flights is the world's table of frames in flight, in chunks that never move,
// with a free list: a frame in flight costs no allocation once the table has
// grown to the most frames in flight at once.
type flights struct {
	chunks [][]flight
	n      int32
	free   []int32
}

const flightChunk = 256

func (t *flights) at(i int32) *flight { return &t.chunks[i/flightChunk][i%flightChunk] }

func (t *flights) alloc() int32 {
	if n := len(t.free); n > 0 {
		i := t.free[n-1]
		t.free = t.free[:n-1]
		return i
	}
	i := t.n
	if int(i/flightChunk) == len(t.chunks) {
		t.chunks = append(t.chunks, make([]flight, flightChunk))
	}
	t.n++
	return i
}

// Len is the number of frames in flight.
func (t *flights) Len() int { return int(t.n) - len(t.free) }

// newFlight takes frame f (a node's output, the world's now) into the table
// and returns it with one reference: the sender's, which send lets go.
func (w *World) newFlight(f *engine.Frame) int32 {
	i := w.flights.alloc()
	fl := w.flights.at(i)
	fl.f, fl.digest, fl.size, fl.refs = f, f.Digest(), -1, 1
	if w.wire != nil {
		fl.wire = w.appendFrame(fl.wire[:0], f)
		fl.size = int32(len(fl.wire))
	}
	return i
}

// size is the length of flight i's encoding: what a link's bandwidth charges.
func (w *World) size(i int32) int {
	fl := w.flights.at(i)
	if fl.size < 0 {
		w.enc = w.appendFrame(w.enc[:0], fl.f)
		fl.size = int32(len(w.enc))
	}
	return int(fl.size)
}

func (w *World) flight(i int32) *flight { return w.flights.at(i) }

// hold adds a reference to flight i.
func (w *World) hold(i int32) { w.flights.at(i).refs++ }

// release lets go of a reference to flight i; the last frees it.
func (w *World) release(i int32) {
	fl := w.flights.at(i)
	if fl.refs--; fl.refs > 0 {
		return
	}
	// The pool keeps what the frames in flight may need again, not the high
	// water of a burst long drained (a 200-member group's round is 200
	// frames at once, held by every idle group after).
	if n := w.frames.Len(); n < framePoolKeep || n < 2*w.flights.Len() {
		w.frames.Put(fl.f)
	}
	fl.f = nil
	w.flights.free = append(w.flights.free, i)
}

// checkWire is the wire check of a frame about to be delivered (see above).
func (w *World) checkWire(from, to engine.Addr, i int32) {
	fl := w.flights.at(i)
	if err := w.wire.Check(fl.f, fl.wire); err != nil {
		w.check.violate(InvWire, w.device(to), "a frame from %s is not what its bytes say (a codec's loss, or a change in flight): %v", w.nodeName(from), err)
	}
}
