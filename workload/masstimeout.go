package workload

import (
	"fmt"
	"runtime"
	"strconv"
	"time"
	"unsafe"

	"sigsim/bench"
	"sigsim/engine"
	"sigsim/sim"
)

// MassTimeout is the thundering herd of timeouts: Invitations 1:1
// invitations created evenly within a window, never answered, all timing
// out together; and how much memory a live invitation costs. Invitation i
// goes from inviter i mod Inviters to an invitee that cycles so that each
// pair repeats as rarely as it can.
//
// It records the metrics of the 1:1 call workloads (ring, timeout_late,
// timeout_skew, ...), the counters calls and outcome.*, and a wall-clock
// note with the heap per live invitation.
type MassTimeout struct {
	Options
	// Invitations is how many invitations are created (0: 10,000).
	Invitations int
	// Window is the virtual time over which they are created (0: the
	// Duration, itself 1s by default here).
	Window time.Duration
	// Timeout is the invitations' timeout, in whole seconds (0: 30s).
	Timeout time.Duration
	// Inviters and Invitees are the inviting and the invited users, one
	// device each (0: 1,000 each).
	Inviters, Invitees int
	// Offline: the invitees never log in (an offline push is recorded,
	// nothing rings).
	Offline bool
	// OnlineOnly: the invitations are online-only (nothing is stored).
	OnlineOnly bool
}

// Name is "mass-timeout".
func (MassTimeout) Name() string { return "mass-timeout" }

// WithDefaults returns m with each zero option that stands for a default
// set to it.
func (m MassTimeout) WithDefaults() MassTimeout {
	d := commonDefaults
	d.duration = time.Second
	m.Options = m.Options.withDefaults(d)
	if m.Invitations == 0 {
		m.Invitations = 10_000
	}
	if m.Timeout == 0 {
		m.Timeout = 30 * time.Second
	}
	if m.Inviters == 0 {
		m.Inviters = 1000
	}
	if m.Invitees == 0 {
		m.Invitees = 1000
	}
	return m
}

// Validate reports every problem of the options.
func (m MassTimeout) Validate() error {
	_, err := m.prepare(false)
	return err
}

func (m MassTimeout) prepare(exact bool) (*Prepared, error) {
	if !exact {
		m = m.WithDefaults()
	}
	errs := m.Options.problems(false)
	bad := func(format string, args ...any) { errs = append(errs, optionErrorf(format, args...)) }
	if m.Invitations < 1 {
		bad("%s %d must be at least 1", Key("invitations"), m.Invitations)
	}
	if m.Window < 0 {
		bad("%s %s must be positive", Key("window"), m.Window)
	}
	if m.Window == 0 {
		m.Window = m.Duration // its own problem if it is not positive
	}
	if err := validTimeout(m.Timeout); err != nil {
		errs = append(errs, err)
	}
	if m.Inviters < 1 || m.Invitees < 1 {
		bad("%s %d and %s %d must be at least 1", Key("inviters"), m.Inviters, Key("invitees"), m.Invitees)
	}
	// The load lasts the window.
	m.Duration = m.Window
	return prepareSettled(&m, errs)
}

func (m *MassTimeout) name() string         { return m.Name() }
func (m *MassTimeout) options() *Options    { return &m.Options }
func (m *MassTimeout) population() int      { return m.Inviters + m.Invitees }
func (m *MassTimeout) invitations() float64 { return float64(m.Invitations) }

// footprint: every invitation is alive at the peak.
func (m *MassTimeout) footprint() sim.Footprint {
	n := float64(m.Invitations)
	return sim.Footprint{Devices: float64(m.Inviters + m.Invitees), LiveInvitations: n, Invitations: n}
}

func (m *MassTimeout) horizon(warmup int64) int64 {
	return warmup + int64(m.Window) + drainTime(m.Timeout)
}

func (*MassTimeout) produces() produced { return dialerProduces().with("calls") }

func (m *MassTimeout) describe() []bench.Option {
	return []bench.Option{
		{Key: "invitations", Value: strconv.Itoa(m.Invitations)},
		{Key: "window", Value: m.Window.String()},
		{Key: "timeout", Value: strconv.FormatInt(seconds(m.Timeout), 10) + "s"},
		{Key: "inviters", Value: strconv.Itoa(m.Inviters)},
		{Key: "invitees", Value: strconv.Itoa(m.Invitees)},
		{Key: "offline", Value: strconv.FormatBool(m.Offline)},
		{Key: "online-only", Value: strconv.FormatBool(m.OnlineOnly)},
	}
}

// rate and withRate let a Capacity sweep the rate at which the invitations
// are created: the window stays, their number changes.
func (m *MassTimeout) rate() (float64, bool) {
	return float64(m.Invitations) / m.window().Seconds(), true
}

func (m *MassTimeout) withRate(r float64) Workload {
	cp := *m
	cp.Invitations = max(1, int(r*m.window().Seconds()+0.5))
	return &cp
}

// window is the Window, or the Duration it defaults to.
func (m *MassTimeout) window() time.Duration {
	if m.Window == 0 {
		return m.Duration
	}
	return m.Window
}

func (m *MassTimeout) simulate(e *env) error {
	j := e.j
	w, err := e.newWorld()
	if err != nil {
		return err
	}
	aDevs, aUsers, err := population(w, "a", m.Inviters)
	if err != nil {
		return err
	}
	bDevs, bUsers, err := population(w, "b", m.Invitees)
	if err != nil {
		return err
	}
	devs := append(aDevs, bDevs...)
	users := append(aUsers, bUsers...)
	d, err := newDialer(e, devs, users, int(seconds(m.Timeout)))
	if err != nil {
		return err
	}
	d.onlineOnly = m.OnlineOnly
	start := j.warmupNS
	horizon := m.horizon(j.warmupNS)
	login := aDevs
	if !m.Offline {
		login = devs
	}
	loginSpread(w, login, j.spreadNS)
	if err := e.begin(start); err != nil {
		return err
	}
	n, na, nb := int64(m.Invitations), int64(m.Inviters), int64(m.Invitees)
	win := int64(m.Window)
	var i int64
	var next func()
	next = func() {
		caller := int32(i % na)
		callee := int32(na + (i/na+i)%nb)
		d.dial(caller, callee)
		i++
		if i < n {
			w.At(engine.Time(start+win*i/n), next)
		}
	}
	w.At(engine.Time(start), next)

	// The heap before the first invitation and at the peak, after a GC: the
	// memory the live invitations take, net of the population.
	e.runTo(start, horizon)
	base := liveHeap()
	peakAt := start + win + int64(time.Second)
	e.runTo(peakAt, horizon)
	peak := liveHeap()
	if at := m.AtLoadEnd; at != nil {
		// The heap at the peak says where a live invitation's bytes go.
		if err := at(); err != nil {
			return err
		}
		*e.profiled = true
	}
	live := e.live
	harness := int64(unsafe.Sizeof(callRec{}))*int64(cap(d.calls)) + int64(len(d.byID))*mapEntryBytes
	e.runTo(horizon, horizon)
	d.close()
	e.count("calls", d.placed())
	d.note()
	if live > 0 {
		net := float64(int64(peak)-int64(base)) / float64(live)
		e.res.WallNotes = append(e.res.WallNotes,
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
