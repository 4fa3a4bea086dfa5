package sim

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"sigsim/engine"
	"sigsim/sim/trace"
)

// Version is written into trace headers; a replay under another version may
// legitimately diverge.
const Version = "sigsim/1"

// World is one simulation run: server shards and devices wired by a simulated
// network, moved by a single event queue in (virtual time, sequence) order. It is
// single-threaded by design; parallelism lives between worlds.
type World struct {
	opts   Options
	q      Queue[event]
	now    engine.Time
	shards []*shardNode
	devs   []*Device
	byName map[string]*Device

	busLast    []engine.Time // per (from, to) shard pair: last arrival, so the bus is FIFO (like TCP)
	busRand    []*Rand       // per (from, to) shard pair, made at its first frame: "bus/s0->s1"
	partitions []partition
	nextPart   int                           // the last partition's id
	intervals  map[faultInterval]engine.Time // interval faults (CrashFor, DisconnectFor): when each ends
	healedAt   engine.Time                   // when the last fault ended (or will end: a pause): liveness is judged from it
	rules      []msgRule
	held       map[string][]heldMsg

	hash    trace.Hasher
	nevents int64
	events  []trace.Event
	pushes  []engine.OfflinePush

	check       *Checker
	flights     flights                            // the signaling frames in flight (flight.go)
	enc         []byte                             // scratch: a frame's encoding
	text        []byte                             // scratch: a call's trace text
	wire        *engine.WireCheck                  // the wire check, where the checkers are on
	appendFrame func([]byte, *engine.Frame) []byte // the encoder: engine.AppendFrame (a test breaks it)
	frames      engine.FramePool                   // the frames the nodes send, back from their flights
	fns         []func()                           // the scripted actions in the queue (At), by their events' x
	freeFns     []int32
	shared      *engine.SharedClientState // what the devices share (names, buffers, one Output): collect keeps its contract
	linkOpts    *LinkOptions              // a copy of opts.Link, shared by the links that use it
	stopped     bool
	swarm       *SwarmOptions // planned at the first step, once devices exist
	swarmPlan   []PlanLine
	groupIDs    []string // the groups loaded before the run, in order: swarm churns their membership
	started     bool     // an event has been processed
	// housekeeping counts the history-prune timers in the queue, which do not
	// keep a world from being quiet.
	housekeeping int
	violation    *Violation
	rooms        *roomNet // the room service (rooms.go); nil until set up

	// Hooks observe the run (workloads and benchmarks measure through them).
	// They are called after the node's output has been carried out, so they
	// may call the API.
	Hooks   Hooks
	hookQ   []hookCall
	inHooks bool
	// Counts of what happened, by kind.
	Counts Counts
}

// Hooks are called as things happen; nil hooks cost nothing. The pointers they
// get are valid during the call only.
type Hooks struct {
	Callback func(at engine.Time, d *Device, cb *engine.Callback)
	Result   func(at engine.Time, d *Device, r *engine.Result)
	// Queued reports the queueing delay of a frame at a shard (service model).
	Queued func(at engine.Time, shard int, wait time.Duration)
}

// Counts are running totals of a world's events.
type Counts struct {
	Events, Sends, Delivers, Drops, Dups, Timers, Calls, Results, Callbacks, Faults int64
	// SendsByType splits Sends by frame type (engine.WireType); index 0
	// counts frames that are no frame's (a broken node's).
	SendsByType [engine.NumFrameTypes]int64
	// Paths counts the rare code paths the nodes took (engine.Path): coverage,
	// which explore adds up across a sweep. Not part of the trace hash.
	Paths [engine.NumPaths]int64
}

type evKind uint8

const (
	evDeliver evKind = iota + 1
	evServe
	evTimer
	evFunc
	evResume
	evRoomDeliver // a room frame's arrival (rooms.go)
	evRoomTimer   // a room node's or room SDK's timer (rooms.go)
)

// event is a value without pointers, so the queue's arrays are nothing the
// garbage collector scans or guards, however often it moves them; it is kept
// small (40 bytes): a signaling frame (deliver, serve) is its flight, a room
// frame its buffer (roomNet.bufs), a scripted action its function (w.fns), a
// timer its kind, Ref and At, in shared fields.
type event struct {
	kind  evKind
	tkind engine.TimerKind // timer
	to    engine.Addr
	from  engine.Addr
	epoch uint32 // device link epoch (deliver) or incarnation (timer) at scheduling
	x     uint64 // signaling frame: its flight; room frame: its buffer; action: its function; timer: its Ref
	at    int64  // timer At, or the frame's digest (hashed once, at send)
}

// flightEv is the arrival of signaling frame i (a flight) at to.
func flightEv(to, from engine.Addr, epoch uint32, i int32, digest uint64) event {
	return event{kind: evDeliver, to: to, from: from, epoch: epoch, x: uint64(i), at: int64(digest)}
}

// fl returns the flight of a signaling frame's deliver or serve event.
func (ev *event) fl() int32 { return int32(ev.x) }

// frameDigest fingerprints a frame's bytes (a room frame's, which the rolling
// hash takes at send, duplication and delivery instead of the bytes each time;
// a signaling frame's for the wire check). A signaling frame's digest in the
// trace is engine.Frame.Digest.
func frameDigest(b []byte) uint64 {
	var h trace.Hasher
	h.AddString(bytesString(b))
	return h.Sum()
}

func timerEv(to engine.Addr, epoch uint32, t engine.Timer) event {
	return event{kind: evTimer, tkind: t.Kind, to: to, epoch: epoch, x: t.Ref, at: int64(t.At)}
}

// timer returns the timer of a timer event.
func (ev *event) timer() engine.Timer {
	return engine.Timer{Kind: ev.tkind, Ref: ev.x, At: engine.Time(ev.at)}
}

type clock struct {
	offset time.Duration
	drift  float64
}

func (c clock) local(t engine.Time) engine.Time {
	if c.drift == 0 {
		return t.Add(c.offset)
	}
	return t.Add(c.offset) + engine.Time(c.drift*float64(t))
}

// global is the first global time at which the clock reads l or later: a
// timer set for local time l fires there, and its node never finds its clock
// short of l (which would make it set the timer again, for the same instant,
// forever). The float estimate may be off by a few nanoseconds either way;
// local is non-decreasing, so stepping corrects it.
func (c clock) global(l engine.Time) engine.Time {
	if c.drift == 0 {
		return l.Add(-c.offset)
	}
	g := engine.Time(float64(l.Add(-c.offset)) / (1 + c.drift))
	for i := 0; i < 1<<12 && c.local(g) < l; i++ {
		g++
	}
	for i := 0; i < 1<<12 && c.local(g-1) >= l; i++ {
		g--
	}
	return g
}

// pause freezes a node: what arrives for it (frames, timers) waits in order in a
// backlog, and at the end the backlog runs first, in arrival order.
type pause struct {
	until   engine.Time
	backlog []event
	armed   bool // a resume event is scheduled
}

type shardNode struct {
	addr     engine.Addr
	name     string
	srv      *engine.Server
	clock    clock
	down     bool
	pause    pause
	workers  []engine.Time
	busApply []engine.Time  // per source shard: when its last frame is applied (the bus stays FIFO through service)
	deferred []engine.Timer // timers that came due while down
	rto      []timerHandle  // per session slot: its retransmit timer, to cancel
	busTimer []Handle       // per peer shard: its bus retransmit and ack timers (2k, 2k+1), to cancel
	svcRand  Rand           // its service times' own stream, "service/s0"
	// queued holds the device frames waiting in the service queue, to drop
	// a copy that arrives meanwhile (see deliver); made at the first.
	queued map[queuedFrame]struct{}
}

// queuedFrame names a device frame waiting in a shard's service queue: its
// device, type, session and what it says (a request's ID, an ack's
// sequence; nothing more for a login).
type queuedFrame struct {
	from  engine.Addr
	typ   engine.FrameType
	epoch uint64
	id    uint64
}

// queuedKey is the name of device frame f from a, and whether it has one:
// a LOGIN, REQ or ACK, which a copy repeats exactly.
func queuedKey(a engine.Addr, f *engine.Frame) (queuedFrame, bool) {
	k := queuedFrame{from: a, typ: f.Type, epoch: f.Epoch}
	switch f.Type {
	case engine.FrameLogin:
	case engine.FrameRequest:
		k.id = f.ReqID
	case engine.FrameAck:
		k.id = f.Seq
	default:
		return k, false
	}
	return k, true
}

// timerHandle is a shard session's pending retransmit timer, with the Ref it
// was set with: a slot's lives differ in it.
type timerHandle struct {
	ref uint64
	h   Handle
}

// Device is one device of one user: the SDK instance and its link to its shard.
type Device struct {
	Name        string // "user/device"
	User        string
	Addr        engine.Addr
	incarnation uint32 // next to Addr: the small fields pair up, so a Device fits 256 bytes
	Home        int
	client      *engine.Client
	clock       clock
	pause       pause
	up, dn      Link   // device→shard and shard→device
	upR, dnR    Rand   // their random streams
	rto, ack    Handle // the client's pending retransmit and ack timers, to cancel
	linkEpoch   uint32
	down        bool
	connected   bool
	wantLogin   bool // logged in (or logging in) as far as the app knows: restart logs in again
	linkDefault bool
}

// Client returns the device's SDK instance (nil while crashed).
func (d *Device) Client() *engine.Client {
	if d.down {
		return nil
	}
	return d.client
}

// Down tells whether the device is crashed.
func (d *Device) Down() bool { return d.down }

type partition struct {
	id     int
	a, b   []engine.Addr
	oneWay bool
}

// faultInterval names an interval fault on a node: overlapping intervals of one kind
// on one node make one fault that lasts until the last of them ends.
type faultInterval struct {
	node engine.Addr
	kind uint8 // intervalCrash or intervalDisconnect
}

const (
	intervalCrash uint8 = iota + 1
	intervalDisconnect
)

type msgRule struct {
	pattern string
	action  string // hold, drop, dup
	handle  string
}

type heldMsg struct {
	from, to engine.Addr
	fl       int32 // its flight: the hold keeps a reference
}

// New builds a world with its shards; devices and groups are added next.
func New(opts Options) (*World, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts.fill()
	w := &World{opts: opts, byName: map[string]*Device{}, held: map[string][]heldMsg{},
		busLast: make([]engine.Time, opts.Shards*opts.Shards),
		busRand: make([]*Rand, opts.Shards*opts.Shards), shared: engine.NewSharedClientState()}
	w.linkOpts = new(LinkOptions)
	*w.linkOpts = opts.Link
	for k := 0; k < opts.Shards; k++ {
		w.shards = append(w.shards, &shardNode{addr: engine.Addr(k), name: "s" + strconv.Itoa(k),
			srv:     engine.NewServer(engine.ServerConfig{Shard: k, Shards: opts.Shards, Mode: opts.Mode, RTO: opts.RTO, MaxRTO: opts.MaxRTO, Retention: opts.Retention, Frames: &w.frames}),
			workers: make([]engine.Time, opts.Workers), busApply: make([]engine.Time, opts.Shards)})
		w.shards[k].svcRand.init(opts.Seed, "service/s"+strconv.Itoa(k))
	}
	w.appendFrame = engine.AppendFrame
	if !opts.NoChecks {
		w.check = newChecker(w)
		if !opts.NoWireCheck {
			w.wire = new(engine.WireCheck)
		}
	}
	if opts.Rooms != nil {
		w.enableRooms(*opts.Rooms)
	}
	w.swarm = opts.Swarm
	return w, nil
}

// Options returns the options with defaults filled in.
func (w *World) Options() Options { return w.opts }

// Now is the current virtual time.
func (w *World) Now() engine.Time { return w.now }

// Hash is the rolling fingerprint of every event so far.
func (w *World) Hash() uint64 { return w.hash.Sum() }

// Events is the number of trace events so far.
func (w *World) Events() int64 { return w.nevents }

// Trace returns the recorded events (Options.Record).
func (w *World) Trace() []trace.Event { return w.events }

// Violation is the first invariant violation, or nil.
func (w *World) Violation() *Violation { return w.violation }

// Violations lists every violation found (more than one only with KeepGoing).
func (w *World) Violations() []Violation {
	if w.check == nil {
		return nil
	}
	return w.check.violations
}

// Stopped tells whether the run stopped at a violation.
func (w *World) Stopped() bool { return w.stopped }

// Shard returns shard k's server.
func (w *World) Shard(k int) *engine.Server { return w.shards[k].srv }

// NumShards is the number of shards.
func (w *World) NumShards() int { return len(w.shards) }

// Device finds a device by name ("alice/1", or "alice" for alice's first).
func (w *World) Device(name string) *Device {
	if d := w.byName[name]; d != nil {
		return d
	}
	return w.byName[name+"/1"]
}

// Devices lists the devices in the order they were added.
func (w *World) Devices() []*Device { return w.devs }

// Pushes lists the offline push notifications recorded so far.
func (w *World) Pushes() []engine.OfflinePush { return w.pushes }

// AddDevice adds a device of a user, connected and logged out.
func (w *World) AddDevice(user, device string) (*Device, error) {
	name := user + "/" + device
	if user == "" || device == "" || strings.ContainsAny(name[len(user)+1:], "/ ") || strings.ContainsAny(user, "/ ") {
		return nil, fmt.Errorf("bad device name %q", name)
	}
	if w.byName[name] != nil {
		return nil, fmt.Errorf("device %s exists", name)
	}
	d := &Device{Name: name, User: user, Addr: engine.Addr(len(w.shards) + len(w.devs)),
		Home: engine.ShardOf(user, len(w.shards)), connected: true, linkDefault: true}
	// Held inline, sharing the default options: a world may hold millions.
	d.upR.init(w.opts.Seed, "link/"+name+"/up")
	d.dnR.init(w.opts.Seed, "link/"+name+"/down")
	d.up.init(w.linkOpts, &d.upR)
	d.dn.init(w.linkOpts, &d.dnR)
	d.client = w.newClient(d)
	w.devs = append(w.devs, d)
	w.byName[name] = d
	return d, nil
}

func (w *World) newClient(d *Device) *engine.Client {
	return engine.NewClient(engine.ClientConfig{User: d.User, Device: d.Name[len(d.User)+1:], Home: engine.Addr(d.Home),
		Mode: w.opts.Mode, Incarnation: d.incarnation, RTO: w.opts.RTO, MaxRTO: w.opts.MaxRTO, Shared: w.shared, Frames: &w.frames})
}

// LoadGroup creates a group on its shard before the run, without messages.
func (w *World) LoadGroup(id, owner string, members []string) error {
	if err := w.shards[engine.ShardOf(id, len(w.shards))].srv.LoadGroup(id, owner, members); err != nil {
		return err
	}
	if w.check != nil {
		w.check.loadGroup(id, owner, members)
	}
	w.groupIDs = append(w.groupIDs, id)
	return nil
}

func (w *World) nodeName(a engine.Addr) string {
	if a < 0 {
		return "world"
	}
	if int(a) < len(w.shards) {
		return w.shards[a].name
	}
	if i := int(a) - len(w.shards); i < len(w.devs) {
		return w.devs[i].Name
	}
	if k, ok := w.rooms.index(a); ok {
		return w.rooms.nodes[k].name
	}
	return "?" + strconv.Itoa(int(a))
}

func (w *World) device(a engine.Addr) *Device {
	if i := int(a) - len(w.shards); i >= 0 && i < len(w.devs) {
		return w.devs[i]
	}
	return nil
}

// At schedules fn at virtual time t (not before now): scripted actions and faults.
func (w *World) At(t engine.Time, fn func()) {
	if t < w.now {
		t = w.now
	}
	var i int
	if n := len(w.freeFns); n > 0 {
		i = int(w.freeFns[n-1])
		w.freeFns = w.freeFns[:n-1]
		w.fns[i] = fn
	} else {
		i = len(w.fns)
		w.fns = append(w.fns, fn)
	}
	w.q.Push(t, event{kind: evFunc, x: uint64(i)})
}

// prepare plans the swarm's faults once, when the population exists.
func (w *World) prepare() {
	w.started = true
	if w.swarm != nil {
		s := *w.swarm
		w.swarm = nil
		w.planSwarm(s)
		w.planRoomSwarm(s)
	}
}

// Step processes the next event; false if there is none or the run stopped.
func (w *World) Step() bool {
	if w.stopped {
		return false
	}
	w.prepare()
	at, ev, ok := w.q.Pop()
	if !ok {
		return false
	}
	if ev.kind == evTimer && ev.tkind == engine.TimerPrune {
		w.housekeeping--
	}
	w.now = at
	w.handle(&ev)
	return !w.stopped
}

// RunUntil processes every event up to and including virtual time t, then sets
// the clock to t (unless the run stopped).
func (w *World) RunUntil(t engine.Time) {
	w.prepare()
	for !w.stopped {
		at, ok := w.q.PeekAt()
		if !ok || at > t {
			break
		}
		w.Step()
	}
	if !w.stopped && t > w.now {
		w.now = t
	}
}

// RunUntilAtMost is RunUntil processing at most n events: it reports whether
// it reached t (or the run stopped). A driver that must react between events,
// to an interrupt say, runs in such bounded slices; they do not change the run.
func (w *World) RunUntilAtMost(t engine.Time, n int) bool {
	w.prepare()
	for ; !w.stopped && n > 0; n-- {
		at, ok := w.q.PeekAt()
		if !ok || at > t {
			break
		}
		w.Step()
	}
	if w.stopped {
		return true
	}
	if at, ok := w.q.PeekAt(); ok && at <= t {
		return false
	}
	if t > w.now {
		w.now = t
	}
	return true
}

// RunQuiet runs until no event is left or virtual time passes limit; it reports
// whether the world went quiet.
func (w *World) RunQuiet(limit engine.Time) bool {
	w.prepare()
	for !w.stopped {
		at, ok := w.q.PeekAt()
		if !ok || w.q.Len() == w.housekeeping {
			return true // nothing left but history pruning, which never ends
		}
		if at > limit {
			w.now = limit
			return false
		}
		w.Step()
	}
	return false
}

// Pending is the number of scheduled events.
func (w *World) Pending() int { return w.q.Len() }

func (w *World) handle(ev *event) {
	switch ev.kind {
	case evFunc:
		fn := w.fns[ev.x]
		w.fns[ev.x] = nil
		w.freeFns = append(w.freeFns, int32(ev.x))
		fn()
	case evDeliver:
		w.deliver(ev)
	case evServe:
		w.process(ev)
	case evTimer:
		w.fire(ev)
	case evResume:
		w.resume(ev.to)
	case evRoomDeliver:
		w.roomDeliver(ev)
	case evRoomTimer:
		w.roomFire(ev)
	}
}

func (w *World) pauseOf(a engine.Addr) *pause {
	if int(a) < len(w.shards) {
		return &w.shards[a].pause
	}
	if d := w.device(a); d != nil {
		return &d.pause
	}
	if k, ok := w.rooms.index(a); ok {
		return &w.rooms.nodes[k].pause
	}
	return nil
}

// frozen keeps ev for a paused node (or one still draining its backlog), and says
// whether it did.
func (w *World) frozen(a engine.Addr, ev *event) bool {
	p := w.pauseOf(a)
	if p == nil || (w.now >= p.until && len(p.backlog) == 0) {
		return false
	}
	p.backlog = append(p.backlog, *ev)
	if !p.armed {
		p.armed = true
		w.q.Push(max(p.until, w.now), event{kind: evResume, to: a})
	}
	return true
}

func (w *World) resume(a engine.Addr) {
	p := w.pauseOf(a)
	p.armed = false
	if w.now < p.until { // extended meanwhile
		p.armed = true
		w.q.Push(p.until, event{kind: evResume, to: a})
		return
	}
	backlog := p.backlog
	p.backlog = nil
	for i := range backlog {
		w.handle(&backlog[i])
		if w.stopped {
			return
		}
	}
}

func (w *World) deliver(ev *event) {
	to, from := ev.to, ev.from
	if d := w.device(to); d != nil {
		switch {
		case d.down:
			w.drop(from, to, ev.fl(), "device down")
			return
		case ev.epoch != d.linkEpoch:
			w.drop(from, to, ev.fl(), "connection reset")
			return
		case w.frozen(to, ev):
			return
		}
	} else if d := w.device(from); d != nil && ev.epoch != d.linkEpoch {
		w.drop(from, to, ev.fl(), "connection reset")
		return
	}
	if w.partitioned(from, to) {
		w.drop(from, to, ev.fl(), "partition")
		return
	}
	if int(to) < len(w.shards) {
		s := w.shards[to]
		if s.down {
			w.drop(from, to, ev.fl(), "shard down")
			return
		}
		if w.frozen(to, ev) {
			return
		}
		if w.opts.Service != (Dist{}) {
			// A copy of a device's frame that still waits in the queue (a
			// login or request the device resent meanwhile, the same ack
			// again after a resent push) is dropped on arrival at no cost,
			// as a server's connection layer drops a duplicate of what it
			// holds: the one waiting will be served (docs/DESIGN.md §3.3).
			if key, ok := queuedKey(from, w.flight(ev.fl()).f); ok && w.device(from) != nil {
				if _, dup := s.queued[key]; dup {
					w.drop(from, to, ev.fl(), "copy of a frame waiting in the queue")
					return
				}
				if s.queued == nil {
					s.queued = map[queuedFrame]struct{}{}
				}
				s.queued[key] = struct{}{}
			}
			// The earliest free worker serves it; until then it waits.
			k := 0
			for i, free := range s.workers {
				if free < s.workers[k] {
					k = i
				}
			}
			start := max(w.now, s.workers[k])
			if w.Hooks.Queued != nil {
				w.Hooks.Queued(w.now, int(to), start.Sub(w.now))
			}
			done := start.Add(w.opts.Service.Sample(&s.svcRand))
			s.workers[k] = done
			if int(from) < len(w.shards) {
				done = max(done, s.busApply[from])
				s.busApply[from] = done
			}
			e := *ev
			e.kind = evServe
			w.q.Push(done, e)
			return
		}
	}
	w.process(ev)
}

// process hands a frame to its node.
func (w *World) process(ev *event) {
	to, from, i := ev.to, ev.from, ev.fl()
	if ev.kind == evServe && w.shards[to].queued != nil {
		if key, ok := queuedKey(from, w.flight(i).f); ok {
			delete(w.shards[to].queued, key)
		}
	}
	if int(to) < len(w.shards) && w.shards[to].down {
		w.drop(from, to, i, "shard down")
		return
	}
	w.Counts.Delivers++
	w.frameEvent(trace.Deliver, to, from, i)
	if w.wire != nil {
		w.checkWire(from, to, i)
	}
	f := w.flight(i).f
	if int(to) < len(w.shards) {
		s := w.shards[to]
		s.srv.ReceiveFrame(s.clock.local(w.now), from, f)
	} else {
		d := w.device(to)
		d.client.ReceiveFrame(d.clock.local(w.now), from, f)
	}
	w.release(i)
	w.collect(to)
}

func (w *World) fire(ev *event) {
	if int(ev.to) < len(w.shards) {
		s := w.shards[ev.to]
		if s.down {
			s.deferred = append(s.deferred, ev.timer())
			return
		}
		if w.frozen(ev.to, ev) {
			return
		}
		w.timerEvent(ev.to, ev.timer())
		s.srv.Fire(s.clock.local(w.now), ev.timer())
		w.collect(ev.to)
		return
	}
	d := w.device(ev.to)
	if d.down || ev.epoch != d.incarnation {
		return // the timer died with the process
	}
	if w.frozen(ev.to, ev) {
		return
	}
	w.timerEvent(ev.to, ev.timer())
	d.client.Fire(d.clock.local(w.now), ev.timer())
	w.collect(ev.to)
}

// handleOf returns where the handle of a timer its node may cancel is kept: a
// device's retransmit and ack timers, a shard session's retransmit timer (per
// slot). Nil for the timers never cancelled. A slot records the Ref it was armed
// with (arming), and a cancel finds nil if the slot has had a later life since.
func (w *World) handleOf(a engine.Addr, d *Device, t engine.Timer, arming bool) *Handle {
	switch {
	case d != nil && t.Kind == engine.TimerRetransmit:
		return &d.rto
	case d != nil && t.Kind == engine.TimerAck:
		return &d.ack
	case d == nil && t.Kind == engine.TimerRetransmit:
		s := w.shards[a]
		slot := int(t.Ref & 0xffffffff)
		if slot >= len(s.rto) {
			s.rto = append(s.rto, make([]timerHandle, slot+1-len(s.rto))...)
		}
		th := &s.rto[slot]
		if arming {
			th.ref = t.Ref
		} else if th.ref != t.Ref {
			return nil
		}
		return &th.h
	case d == nil && (t.Kind == engine.TimerBusRetransmit || t.Kind == engine.TimerBusAck):
		s := w.shards[a]
		if s.busTimer == nil {
			s.busTimer = make([]Handle, 2*len(w.shards))
		}
		i := 2 * int(t.Ref)
		if t.Kind == engine.TimerBusAck {
			i++
		}
		if i >= len(s.busTimer) {
			return nil
		}
		return &s.busTimer[i]
	}
	return nil
}

// cancelTimer drops a timer its node no longer needs, saving the event. One
// already taken from the queue (deferred by a pause or crash) fires anyway,
// and the node ignores it.
func (w *World) cancelTimer(a engine.Addr, d *Device, t engine.Timer) {
	if h := w.handleOf(a, d, t, false); h != nil {
		w.q.Cancel(*h)
		*h = Handle{}
	}
}

// collect carries out a node's output.
func (w *World) collect(a engine.Addr) {
	var out *engine.Output
	var cl clock
	var d *Device
	if int(a) < len(w.shards) {
		out, cl = w.shards[a].srv.Ready(), w.shards[a].clock
	} else {
		d = w.device(a)
		out, cl = d.client.Ready(), d.clock
	}
	for _, p := range out.Paths {
		w.Counts.Paths[p]++
	}
	for i := range out.Transitions {
		tr := &out.Transitions[i]
		w.begin(trace.Note, a, -1)
		w.hash.AddString(tr.InviteID)
		w.hash.AddString(tr.Invitee)
		w.hash.AddUint64(uint64(tr.State))
		if tr.Tip != 0 || tr.Modified {
			w.hash.AddUint64(uint64(tr.Tip)<<8 | 1)
			w.hash.AddString(tr.GroupID)
			for _, u := range tr.Invitees {
				w.hash.AddString(u)
			}
		}
		if w.opts.Record {
			w.events = append(w.events, trace.Event{At: int64(w.now), Kind: trace.Note, Node: w.nodeName(a), Text: "decided " + tr.Describe()})
		}
		if w.check != nil {
			w.check.transition(int(a), tr)
		}
	}
	// Results and callbacks are one stream to the app: each result comes after
	// the callbacks fired before it (Result.After), as the app hears them.
	next := 0
	for i := range out.Results {
		r := &out.Results[i]
		for ; next < int(r.After) && next < len(out.Callbacks); next++ {
			w.reportCallback(d, &out.Callbacks[next])
		}
		w.Counts.Results++
		w.resultEvent(d, r)
		if w.check != nil {
			w.check.result(d, r)
		}
		if w.Hooks.Result != nil {
			w.hookQ = append(w.hookQ, hookCall{d: d, r: *r, result: true})
		}
	}
	for ; next < len(out.Callbacks); next++ {
		w.reportCallback(d, &out.Callbacks[next])
	}
	for i := range out.Pushes {
		p := out.Pushes[i]
		w.pushes = append(w.pushes, p)
		w.textEvent(trace.Note, a, -1, p.Describe())
	}
	for _, n := range out.Notes {
		w.textEvent(trace.Note, a, -1, n.Text)
	}
	for _, m := range out.Msgs {
		w.send(a, m.To, m.Frame)
	}
	for _, t := range out.Timers {
		if t.Cancel {
			w.cancelTimer(a, d, t)
			continue
		}
		at := max(cl.global(t.At), w.now)
		var inc uint32
		if d != nil {
			inc = d.incarnation
		}
		if t.Kind == engine.TimerPrune {
			w.housekeeping++
		}
		h := w.q.Push(at, timerEv(a, inc, t))
		if slot := w.handleOf(a, d, t, true); slot != nil {
			*slot = h
		}
	}
	if d != nil {
		d.client.Advance()
	} else {
		w.shards[a].srv.Advance()
	}
	w.runHooks()
}

// reportCallback traces a callback fired on d, checks it and queues its hook.
func (w *World) reportCallback(d *Device, cb *engine.Callback) {
	w.Counts.Callbacks++
	w.callbackEvent(d, cb)
	if w.check != nil {
		w.check.callback(d, cb)
	}
	if w.Hooks.Callback != nil {
		w.hookQ = append(w.hookQ, hookCall{d: d, cb: *cb})
	}
}

// hookCall is a hook to call once the node's output has been carried out: a hook
// may call the API of the same device, which must not find its output half read.
type hookCall struct {
	d      *Device
	cb     engine.Callback
	r      engine.Result
	result bool
}

func (w *World) runHooks() {
	drainHooks(&w.hookQ, &w.inHooks, func(h *hookCall) {
		if h.result {
			w.Hooks.Result(w.now, h.d, &h.r)
		} else {
			w.Hooks.Callback(w.now, h.d, &h.cb)
		}
	})
}

// drainHooks runs each queued hook call, those the calls queue meanwhile
// (through the API) included, unless a drain is under way further up the
// stack (a hook calling the API), and empties the queue, keeping its array.
// Appending may move the queue's array; each call gets its element afresh.
func drainHooks[T any](q *[]T, busy *bool, run func(*T)) {
	if *busy || len(*q) == 0 {
		return
	}
	*busy = true
	for i := 0; i < len(*q); i++ {
		run(&(*q)[i])
	}
	clear(*q)
	*q = (*q)[:0]
	*busy = false
}

// send puts a frame on the wire: the shard bus for shard→shard, a device link
// otherwise. Message rules (hold, drop, dup) apply first.
func (w *World) send(from, to engine.Addr, f *engine.Frame) {
	w.Counts.Sends++
	if f.Type < engine.NumFrameTypes {
		w.Counts.SendsByType[f.Type]++
	} else {
		w.Counts.SendsByType[0]++
	}
	i := w.newFlight(f)
	w.frameEvent(trace.Send, from, to, i)
	if len(w.rules) == 0 || !w.applyRules(from, to, i) {
		w.transmit(from, to, i)
	}
	w.release(i)
}

// transmit sends flight i on its way; each arrival holds a reference to it.
func (w *World) transmit(from, to engine.Addr, i int32) {
	fl := w.flight(i)
	n := len(w.shards)
	if int(from) < n && int(to) < n {
		k := int(from)*n + int(to)
		r := w.busRand[k]
		if r == nil {
			r = NewRand(w.opts.Seed, "bus/"+w.nodeName(from)+"->"+w.nodeName(to))
			w.busRand[k] = r
		}
		at := max(w.now.Add(w.opts.ShardLatency.Sample(r)), w.busLast[k])
		w.busLast[k] = at
		fl.refs++
		w.q.Push(at, flightEv(to, from, 0, i, fl.digest))
		return
	}
	d, link := w.device(from), (*Link)(nil)
	if d != nil {
		link = &d.up
	} else if d = w.device(to); d != nil {
		link = &d.dn
	} else {
		w.drop(from, to, w.keep(i), "no such node")
		return
	}
	if !d.connected || d.down {
		w.drop(from, to, w.keep(i), "not connected")
		return
	}
	size := 0
	if link.opts.Bandwidth > 0 {
		size = w.size(i)
	}
	arrivals, k := link.Send(w.now, size)
	if k == 0 {
		w.drop(from, to, w.keep(i), "lost")
		return
	}
	if k == 2 {
		w.Counts.Dups++
		w.frameEvent(trace.Dup, from, to, i)
	}
	for j := 0; j < k; j++ {
		fl.refs++
		w.q.Push(arrivals[j], flightEv(to, from, d.linkEpoch, i, fl.digest))
	}
}

// keep adds a reference to flight i, for a drop to let go.
func (w *World) keep(i int32) int32 {
	w.hold(i)
	return i
}

func (w *World) partitioned(from, to engine.Addr) bool {
	for i := range w.partitions {
		p := &w.partitions[i]
		if contains(p.a, from) && contains(p.b, to) || !p.oneWay && contains(p.b, from) && contains(p.a, to) {
			return true
		}
	}
	return false
}

func contains(l []engine.Addr, a engine.Addr) bool {
	for _, x := range l {
		if x == a {
			return true
		}
	}
	return false
}

// drop traces the loss of flight i and lets go of the reference that would
// have delivered it.
func (w *World) drop(from, to engine.Addr, i int32, why string) {
	w.Counts.Drops++
	w.nevents++
	w.Counts.Events++
	w.hash.AddUint64(uint64(trace.Drop))
	w.hash.AddInt64(int64(w.now))
	w.hash.AddUint64(uint64(from)<<32 | uint64(uint32(to)))
	w.hash.AddString(why)
	if w.opts.Record {
		w.events = append(w.events, trace.Event{At: int64(w.now), Kind: trace.Drop, Node: w.nodeName(from), Peer: w.nodeName(to),
			Text: why + ": " + w.flight(i).f.Describe()})
	}
	w.release(i)
}

// bytesString views frame bytes as a string for hashing, without copying.
func bytesString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

func (w *World) begin(k trace.Kind, node, peer engine.Addr) {
	w.nevents++
	w.Counts.Events++
	w.hash.AddUint64(uint64(k))
	w.hash.AddInt64(int64(w.now))
	w.hash.AddUint64(uint64(uint32(node))<<32 | uint64(uint32(peer)))
}

func (w *World) frameEvent(k trace.Kind, node, peer engine.Addr, i int32) {
	fl := w.flight(i)
	w.begin(k, node, peer)
	w.hash.AddUint64(fl.digest)
	if w.opts.Record {
		w.events = append(w.events, trace.Event{At: int64(w.now), Kind: k, Node: w.nodeName(node), Peer: w.nodeName(peer), Text: fl.f.Describe()})
	}
}

func (w *World) timerEvent(node engine.Addr, t engine.Timer) {
	w.Counts.Timers++
	w.begin(trace.Timer, node, -1)
	w.hash.AddUint64(uint64(t.Kind))
	w.hash.AddUint64(t.Ref)
	if w.opts.Record {
		w.events = append(w.events, trace.Event{At: int64(w.now), Kind: trace.Timer, Node: w.nodeName(node), Text: t.Kind.String()})
	}
}

func (w *World) resultEvent(d *Device, r *engine.Result) {
	w.begin(trace.Result, d.Addr, -1)
	w.hash.AddUint64(uint64(r.Op)<<32 | uint64(uint32(r.Code)))
	w.hash.AddUint64(uint64(r.Call))
	w.hash.AddString(r.InviteID)
	if w.opts.Record {
		w.events = append(w.events, trace.Event{At: int64(w.now), Kind: trace.Result, Node: d.Name, Text: r.Describe()})
	}
}

func (w *World) callbackEvent(d *Device, cb *engine.Callback) {
	w.begin(trace.Callback, d.Addr, -1)
	w.hash.AddUint64(uint64(cb.Kind))
	w.hash.AddString(cb.InviteID)
	w.hash.AddString(cb.Invitee)
	w.hash.AddString(cb.Data)
	for _, u := range cb.Invitees {
		w.hash.AddString(u)
	}
	if w.opts.Record {
		w.events = append(w.events, trace.Event{At: int64(w.now), Kind: trace.Callback, Node: d.Name, Text: cb.Describe()})
	}
}

// textEvent is for rare events whose text is their content (faults, notes, calls).
func (w *World) textEvent(k trace.Kind, node, peer engine.Addr, text string) {
	switch k {
	case trace.Fault:
		w.Counts.Faults++
	case trace.Call:
		w.Counts.Calls++
	}
	w.begin(k, node, peer)
	w.hash.AddString(text)
	if w.opts.Record {
		w.events = append(w.events, trace.Event{At: int64(w.now), Kind: k, Node: w.nodeName(node), Peer: w.peerName(peer), Text: strings.Clone(text)})
	}
}

func (w *World) peerName(a engine.Addr) string {
	if a < 0 {
		return ""
	}
	return w.nodeName(a)
}

// fmtDur prints a virtual duration the way scenarios write them.
func fmtDur(d time.Duration) string { return d.String() }

// SetSwarm turns swarm mode on (or replaces its options) before the run starts:
// the faults are drawn at the first step, once the population exists.
func (w *World) SetSwarm(s SwarmOptions) error {
	if w.started {
		return fmt.Errorf("swarm must be set before the run starts")
	}
	if err := s.Validate(); err != nil {
		return err
	}
	w.opts.Swarm = &s
	w.swarm = &s
	return nil
}

// fmtTime is a virtual time in the trace's text form.
func fmtTime(t engine.Time) string { return trace.FormatTime(int64(t)) }
