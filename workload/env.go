package workload

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"

	"sigsim/bench"
	"sigsim/engine"
	"sigsim/sim"
)

// env is one run of a workload in one world (one arbitration mode).
type env struct {
	j    *job
	ctx  context.Context
	mode engine.Mode
	pfx  string // metric and counter prefix: "" or "server." / "client."
	m    *bench.Metrics
	res  *Result
	w    *sim.World

	progress    bool  // Progress was told of this world
	start       int64 // when load starts (end of the warm-up)
	profileAt   int64 // when to call AtLoadEnd (end of the load)
	profiled    *bool // AtLoadEnd was called successfully (in any mode)
	queue       *bench.Hist
	wallNS      int64
	loadWallNS  int64 // wall time of the slices after the warm-up
	peakHeap    uint64
	live        int64
	peakLive    int64
	invitations int64

	// loggedIn marks the devices (by address) whose first login completed;
	// a call that fails with 6014 on a device not yet marked failed because
	// the warm-up was too short: a setup failure, never a silent one.
	loggedIn      []bool
	setupFailures map[engine.Op]int64
}

// newWorld builds the world of this run and hooks queueing delay in.
func (e *env) newWorld() (*sim.World, error) {
	w, err := sim.New(e.j.o.simOptions(e.mode, e.j.checksOn))
	if err != nil {
		return nil, err
	}
	e.w = w
	e.queue = e.m.Metric(e.pfx + "queue")
	if e.j.o.ServiceTime != (sim.Dist{}) {
		w.Hooks.Queued = func(at engine.Time, shard int, wait time.Duration) {
			if at >= engine.Time(e.start) {
				e.queue.RecordAt(int64(at), int64(wait))
			}
		}
	}
	return w, nil
}

// watchResults installs the world's result hook: next (the workload's), after
// the setup check: a call that fails with 6014 (not logged in) on a device
// whose first login has not completed yet is a setup failure (the warm-up
// was too short), counted and reported by close.
func (e *env) watchResults(next func(at engine.Time, d *sim.Device, r *engine.Result)) {
	e.loggedIn = make([]bool, e.w.NumShards()+len(e.w.Devices()))
	e.w.Hooks.Result = func(at engine.Time, d *sim.Device, r *engine.Result) {
		switch {
		case r.Op == engine.OpLogin && r.Code == engine.OK:
			e.loggedIn[d.Addr] = true
		case r.Code == engine.CodeNotLoggedIn && !e.loggedIn[d.Addr]:
			if e.setupFailures == nil {
				e.setupFailures = map[engine.Op]int64{}
			}
			e.setupFailures[r.Op]++
		}
		next(at, d, r)
	}
}

// begin marks the end of the warm-up and schedules the faults.
func (e *env) begin(start int64) error {
	e.start = start
	e.profileAt = start + int64(e.j.o.Duration)
	e.m.SetLoad(int64(e.j.o.Duration))
	for _, f := range e.j.o.Faults {
		if err := f.schedule(e, start); err != nil {
			return err
		}
	}
	return nil
}

func (e *env) metric(name string) *bench.Hist { return e.m.Metric(e.pfx + name) }

// count adds to a counter; outcome counters keep "outcome." first (the
// outcome chart draws those), e.g. "outcome.server.accepted".
func (e *env) count(name string, delta int64) {
	e.m.Count(prefixed(e.pfx, name), delta)
}

// invited notes an invitation sent and alive.
func (e *env) invited() {
	e.invitations++
	e.live++
	if e.live > e.peakLive {
		e.peakLive = e.live
	}
}

// ended notes that an invitation ended.
func (e *env) ended() { e.live-- }

// note adds a deterministic finding.
func (e *env) note(format string, args ...any) {
	e.res.Notes = append(e.res.Notes, fmt.Sprintf(format, args...))
}

// sliceEvents is how many events run between two looks at the interrupt
// (about 10 ms of wall time): the run stays single-threaded and is stopped
// only between events.
const sliceEvents = 1 << 14

// runTo advances the world to virtual time t in slices, sampling the heap
// between slices and measuring the wall time spent in the simulator. It
// returns early, with the result's Interrupted set, when the context is
// done; after that every runTo returns at once, so a workload finishes its
// bookkeeping on what ran.
func (e *env) runTo(t int64, horizon int64) {
	if e.res.Interrupted != nil {
		return
	}
	step := max(horizon/200, int64(10*time.Millisecond))
	for int64(e.w.Now()) < t && !e.w.Stopped() {
		next := min(int64(e.w.Now())+step, t)
		t0 := time.Now()
		for !e.w.RunUntilAtMost(engine.Time(next), sliceEvents) {
			if e.interrupt() {
				break
			}
		}
		d := time.Since(t0).Nanoseconds()
		e.wallNS += d
		if e.start > 0 && next > e.start {
			e.loadWallNS += d
		}
		e.sampleHeap()
		if at := e.j.o.AtLoadEnd; at != nil && !*e.profiled && e.profileAt > 0 && e.w.Now() >= engine.Time(e.profileAt) {
			// The heap when the load ends, with the world alive: where the
			// bytes go (at exit the world would be gone).
			*e.profiled = at() == nil
		}
		if p := e.j.o.Progress; p != nil {
			e.progress = true
			p(Progress{Mode: e.mode, Now: time.Duration(e.w.Now()), Horizon: time.Duration(horizon)})
		}
		if e.res.Interrupted != nil || e.interrupt() {
			return
		}
	}
}

// interrupt tells whether the run must stop (the context is done), and if
// so records where it stopped.
func (e *env) interrupt() bool {
	if e.res.Interrupted != nil {
		return true
	}
	if e.ctx == nil || e.ctx.Err() == nil {
		return false
	}
	sig := "interrupt"
	if cause := context.Cause(e.ctx); cause != nil && cause != e.ctx.Err() {
		sig = cause.Error()
	}
	e.res.Interrupted = &bench.Interrupted{AtNS: int64(e.w.Now()), Signal: sig}
	return true
}

func (e *env) sampleHeap() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if ms.HeapAlloc > e.peakHeap {
		e.peakHeap = ms.HeapAlloc
	}
}

// close adds the world's totals to the result.
func (e *env) close() {
	if p := e.j.o.Progress; p != nil && e.progress {
		p(Progress{Mode: e.mode, Now: time.Duration(e.w.Now()), Done: true})
	}
	w := e.w
	if w == nil {
		return
	}
	e.m.SetDuration(int64(w.Now()))
	for _, kv := range []struct {
		k string
		v int64
	}{
		{"net.sends", w.Counts.Sends}, {"net.delivers", w.Counts.Delivers}, {"net.drops", w.Counts.Drops},
		{"net.dups", w.Counts.Dups}, {"timers", w.Counts.Timers}, {"api.calls", w.Counts.Calls},
		{"api.results", w.Counts.Results}, {"callbacks", w.Counts.Callbacks}, {"faults", w.Counts.Faults},
		{"events", w.Events()},
	} {
		e.count(kv.k, kv.v)
	}
	for t, n := range w.Counts.SendsByType {
		if name := engine.FrameType(t).String(); n > 0 {
			if t == 0 {
				name = "other"
			}
			e.count("net.sends."+name, n)
		}
	}
	if e.j.checksOn {
		e.noteViolations(w.Violations())
	}
	e.noteSetupFailures()
	if e.loadWallNS > 0 && e.invitations > 0 {
		e.res.WallNotes = append(e.res.WallNotes, fmt.Sprintf("%s: %d invitations in %s of wall time after the warm-up (%.0f invitations per wall second; warm-up with logins took %s)",
			e.mode, e.invitations, time.Duration(e.loadWallNS).Round(time.Millisecond),
			float64(e.invitations)/(float64(e.loadWallNS)/1e9), time.Duration(e.wallNS-e.loadWallNS).Round(time.Millisecond)))
	}
	wi := &e.res.Wall
	wi.SimNS += e.wallNS
	wi.VirtualNS += int64(w.Now())
	wi.Events += w.Events()
	wi.Invitations += e.invitations
	wi.PeakHeapBytes = max(wi.PeakHeapBytes, e.peakHeap)
	wi.PeakLiveInvitations = max(wi.PeakLiveInvitations, e.peakLive)
	wi.Devices = max(wi.Devices, int64(len(w.Devices())))
}

// noteViolations counts a world's invariant violations. In server mode the
// first one is kept as the run's verdict (Result.Violation): the engine
// promises every invariant there, so a violation is a bug, not a
// measurement. In client mode the legacy SDK's violations are what the run
// measures (Race counts them) and only make a note.
func (e *env) noteViolations(vs []sim.Violation) {
	e.count("violations", int64(len(vs)))
	for _, v := range vs {
		e.count("violations."+v.Invariant, 1)
	}
	if len(vs) == 0 {
		return
	}
	first := fmt.Sprintf("%s mode: first invariant violation: %s", e.mode, vs[0])
	e.res.Notes = append(e.res.Notes, first)
	if e.mode == engine.ModeServer && e.res.Violation == "" {
		e.res.Violation = fmt.Sprintf("%s (%d in all)", first, len(vs))
	}
}

// noteSetupFailures counts the calls that failed because their device had
// not finished its first login (counter setup_failures, always written) and
// fails the run if there were any: it did not measure what was asked.
func (e *env) noteSetupFailures() {
	var n int64
	var parts []string
	for op := range engine.Op(16) {
		if k := e.setupFailures[op]; k > 0 {
			n += k
			parts = append(parts, fmt.Sprintf("%d %s", k, op))
		}
	}
	e.count("setup_failures", n)
	if n == 0 {
		return
	}
	e.res.Failures = append(e.res.Failures, optionErrorf(
		"%s mode: %d calls (%s) failed with 6014 (not logged in) because their device had not finished logging in: the warm-up (%s) was too short for the logins; raise %s",
		e.mode, n, strings.Join(parts, ", "), time.Duration(e.j.warmupNS), Key("warmup")).Spell(e.j.o.Spell))
}
