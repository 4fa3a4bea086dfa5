package main

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"time"
	"unsafe"

	"github.com/spf13/pflag"

	"sigsim/bench"
	"sigsim/sim"
)

// massTimeoutWorkload: N 1:1 invitations created evenly within a window,
// never answered, all timing out together: the thundering herd of timeout
// notifications, and how much memory a live invitation costs.
type massTimeoutWorkload struct {
	n          int
	window     time.Duration
	timeout    int
	inviters   int
	invitees   int
	offline    bool
	onlineOnly bool
}

func (*massTimeoutWorkload) name() string { return "mass-timeout" }
func (*massTimeoutWorkload) summary() string {
	return "N invitations created within a window and left to time out together"
}
func (*massTimeoutWorkload) defaults(c *common) { c.duration = time.Second }

func (mw *massTimeoutWorkload) register(fs *pflag.FlagSet) {
	fs.IntVar(&mw.n, "invitations", 10_000, "number of invitations N (up to 1,000,000 and beyond)")
	fs.DurationVar(&mw.window, "window", 0, "virtual time over which the invitations are created (0 = --duration)")
	secondsVar(fs, &mw.timeout, "timeout", 30, "invitation timeout in whole seconds: 30 or 30s (> 0)")
	fs.IntVar(&mw.inviters, "inviters", 1000, "inviting users (one device each); invitation i comes from inviter i mod inviters")
	fs.IntVar(&mw.invitees, "invitees", 1000, "invited users (one device each)")
	fs.BoolVar(&mw.offline, "offline", false, "invitees never log in (offline push recorded, no ring)")
	fs.BoolVar(&mw.onlineOnly, "online-only", false, "invitations are online-only (nothing stored)")
}

func (mw *massTimeoutWorkload) check(c *common) error {
	var errs []error
	if mw.n < 1 {
		errs = append(errs, fmt.Errorf("--invitations %d must be at least 1", mw.n))
	}
	if mw.window == 0 {
		mw.window = c.duration
	}
	if mw.window <= 0 {
		errs = append(errs, fmt.Errorf("--window %s must be positive", mw.window))
	}
	if mw.timeout <= 0 || mw.timeout > 3600 {
		errs = append(errs, fmt.Errorf("--timeout %d must be in 1..3600 seconds", mw.timeout))
	}
	if mw.inviters < 1 || mw.invitees < 1 {
		errs = append(errs, fmt.Errorf("--inviters %d and --invitees %d must be at least 1", mw.inviters, mw.invitees))
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	c.duration = mw.window
	c.autoWarmup(mw.inviters + mw.invitees)
	return nil
}

// footprint: every invitation is alive at the peak.
func (mw *massTimeoutWorkload) footprint(c *common) sim.Footprint {
	n := float64(mw.n)
	return sim.Footprint{Devices: float64(mw.inviters + mw.invitees), LiveInvitations: n, Invitations: n}
}

func (*massTimeoutWorkload) produces() produced { return dialerProduces().with("calls") }

func (mw *massTimeoutWorkload) describe() []bench.Option {
	return []bench.Option{
		{Key: "invitations", Value: strconv.Itoa(mw.n)},
		{Key: "window", Value: mw.window.String()},
		{Key: "timeout", Value: strconv.Itoa(mw.timeout) + "s"},
		{Key: "inviters", Value: strconv.Itoa(mw.inviters)},
		{Key: "invitees", Value: strconv.Itoa(mw.invitees)},
		{Key: "offline", Value: strconv.FormatBool(mw.offline)},
		{Key: "online-only", Value: strconv.FormatBool(mw.onlineOnly)},
	}
}

func (mw *massTimeoutWorkload) rate() float64 { return float64(mw.n) / mw.window.Seconds() }
func (mw *massTimeoutWorkload) setRate(r float64) {
	mw.n = max(1, int(r*mw.window.Seconds()+0.5))
}

func (mw *massTimeoutWorkload) invitations(c *common) float64 { return float64(mw.n) }

func (mw *massTimeoutWorkload) horizon(c *common) int64 {
	return c.warmupNS + int64(mw.window) + drainTime(mw.timeout)
}

func (mw *massTimeoutWorkload) simulate(e *env) error {
	c := e.c
	w, err := e.newWorld()
	if err != nil {
		return err
	}
	aDevs, aUsers, err := population(w, "a", mw.inviters)
	if err != nil {
		return err
	}
	bDevs, bUsers, err := population(w, "b", mw.invitees)
	if err != nil {
		return err
	}
	devs := append(aDevs, bDevs...)
	users := append(aUsers, bUsers...)
	d, err := newDialer(e, devs, users, mw.timeout)
	if err != nil {
		return err
	}
	d.onlineOnly = mw.onlineOnly
	start := c.warmupNS
	horizon := mw.horizon(c)
	login := aDevs
	if !mw.offline {
		login = devs
	}
	loginSpread(w, login, c.spreadNS)
	if err := e.begin(start); err != nil {
		return err
	}
	n, na, nb := int64(mw.n), int64(mw.inviters), int64(mw.invitees)
	win := int64(mw.window)
	var i int64
	var next func()
	next = func() {
		caller := int32(i % na)
		callee := int32(na + (i/na+i)%nb)
		d.dial(caller, callee, planNoAnswer, 0, 0, 0)
		i++
		if i < n {
			w.At(start+win*i/n, next)
		}
	}
	w.At(start, next)

	// The heap before the first invitation and at the peak, after a GC: the
	// memory the live invitations take, net of the population.
	e.runTo(start, horizon)
	base := liveHeap()
	peakAt := start + win + int64(time.Second)
	e.runTo(peakAt, horizon)
	peak := liveHeap()
	if c.memProfile != "" {
		// The heap at the peak says where a live invitation's bytes go.
		if err := writeHeapProfile(c.memProfile); err != nil {
			return err
		}
		c.memProfileDone = true
	}
	live := e.live
	harness := int64(unsafe.Sizeof(callRec{}))*int64(cap(d.calls)) + int64(len(d.byID))*mapEntryBytes
	e.runTo(horizon, horizon)
	d.close()
	e.count("calls", d.placed())
	e.res.notes = append(e.res.notes, callNotes(e, d)...)
	if live > 0 {
		net := float64(int64(peak)-int64(base)) / float64(live)
		e.res.wallNote = append(e.res.wallNote,
			fmt.Sprintf("%s: %d invitations live at %s; heap after GC %.1f MiB (population and logins: %.1f MiB): %.0f B per live invitation net of the population, of which ~%.0f B is the benchmark's own per-call record",
				e.mode, live, time.Duration(peakAt), float64(peak)/(1<<20), float64(base)/(1<<20), net, float64(harness)/float64(live)))
	}
	return nil
}

// mapEntryBytes is about what a map[string]int32 entry costs (key, value,
// control byte, load factor).
const mapEntryBytes = 32

// liveHeap collects garbage and returns the heap in use.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
