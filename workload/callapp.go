package workload

// The 1:1 call workloads (Calls, Race) run on the reference call app
// (apps.Calls): one model of a phone, the one scenarios and the apps' sweeps
// run, with its rooms, busy answers, hang-ups and end announcements, and its
// call-level invariants checked as it runs. This file is what both
// workloads share: the app on the population, its measurements as metrics,
// and its counters and findings.

import (
	"strconv"
	"strings"
	"time"

	"sigsim/apps"
	"sigsim/bench"
	"sigsim/engine"
	"sigsim/sim"
)

// callMetrics are the metrics the call app measures (apps.Calls.Observe),
// in the order a report shows them; each is created at its first sample.
var callMetrics = []string{"ring", "accept", "reject", "cancel", "setup", "timeout_late", "timeout_skew", "talk", "duration_error"}

// callApp is the call app on a workload's population.
type callApp struct {
	e     *env
	w     *sim.World
	calls *apps.Calls
	users []string
	hists map[string]*bench.Hist

	errs    map[errKey]int64
	cbKinds [16]int64
	noIdle  int64 // arrivals that found their caller in a call
}

// newCallApp runs the call app with o on every device of the population
// (one per user), measuring it. The workload's own hooks come first: make
// it before anything else hooks the world.
func newCallApp(e *env, devs []*sim.Device, users []string, o apps.CallOptions) (*callApp, error) {
	ca := &callApp{e: e, w: e.w, users: users, hists: map[string]*bench.Hist{}, errs: map[errKey]int64{}}
	e.w.Hooks.Callback = ca.onCallback
	e.watchResults(ca.onResult)
	calls, err := apps.NewCalls(apps.NewHost(e.w), o)
	if err != nil {
		return nil, err
	}
	if err := calls.Attach(devs...); err != nil {
		return nil, err
	}
	calls.Observe = ca.observe
	ca.calls = calls
	return ca, nil
}

func (ca *callApp) observe(name string, at engine.Time, v time.Duration) {
	h := ca.hists[name]
	if h == nil {
		h = ca.e.metric(name)
		ca.hists[name] = h
	}
	h.RecordAt(int64(at), int64(max(v, 0)))
}

func (ca *callApp) onCallback(at engine.Time, d *sim.Device, cb *engine.Callback) {
	if int(cb.Kind) < len(ca.cbKinds) {
		ca.cbKinds[cb.Kind]++
	}
}

func (ca *callApp) onResult(at engine.Time, d *sim.Device, r *engine.Result) {
	if r.Code != engine.OK {
		ca.errs[errKey{r.Op, r.Code}]++
	}
}

// dial places a call from caller to callee if the caller's phone is idle;
// it returns the invitation's ID ("" if it placed none).
func (ca *callApp) dial(caller, callee int32) string {
	from := ca.users[caller]
	if !ca.calls.Idle(from) {
		ca.noIdle++
		return ""
	}
	id, _ := ca.calls.Dial(from, ca.users[callee])
	if id != "" {
		ca.e.invited()
	}
	return id
}

// callAppProduces is what a callApp records: the app's metrics and the
// counters close writes.
func callAppProduces() produced {
	p := produced{
		metrics: callMetrics,
		counts: []string{"calls", "anomalies", "busy_rejections", "ghosts_per_million_calls", "disagreements_per_million_calls",
			"arrivals.no_idle_caller"},
		families: []string{"app.", "errors.", "callbacks."},
	}
	for _, o := range outcomeNames {
		p.counts = append(p.counts, "outcome."+o)
	}
	for _, a := range callAnomalies {
		p.counts = append(p.counts, "anomaly."+a.name)
	}
	return p
}

// callAnomalies are the app's findings a report counts: its call-level
// invariants' violations, and the crossings of client mode (a callee told
// its accept succeeded, its caller told its cancel did).
var callAnomalies = []struct {
	name string
	n    func(s *apps.CallStats) int64
}{
	{"ghost_call", func(s *apps.CallStats) int64 { return s.Ghosts }},
	{"disagree", func(s *apps.CallStats) int64 { return s.Disagreements }},
	{"duration", func(s *apps.CallStats) int64 { return s.DurationErrors }},
	{"two_rooms", func(s *apps.CallStats) int64 { return s.TwoRooms }},
	{"busy_ring", func(s *apps.CallStats) int64 { return s.BusyRings }},
	{"stuck", func(s *apps.CallStats) int64 { return s.Stuck }},
	{"cancel_accept", func(s *apps.CallStats) int64 { return s.Crossings }},
}

// close writes the counters: the calls by how they were decided for their
// caller (outcome.*: accepted, rejected, busy, cancelled, timeout, failed,
// and unknown for those given up or still ringing), the anomalies, the busy
// rejections, every counter of the app (app.*), the errors and callbacks;
// and notes the ghost calls and disagreements per 1,000 calls. It returns
// the calls placed and the anomalies.
func (ca *callApp) close() (calls, anomalies int64) {
	e := ca.e
	s := &ca.calls.Stats
	calls = s.Dialed
	known := s.OutAccepted + s.OutRejected + s.OutBusy + s.OutCancelled + s.OutTimedOut + s.OutFailed
	for _, o := range []struct {
		k string
		n int64
	}{{"accepted", s.OutAccepted}, {"rejected", s.OutRejected}, {"busy", s.OutBusy}, {"cancelled", s.OutCancelled},
		{"timeout", s.OutTimedOut}, {"failed", s.OutFailed}, {"unknown", calls - known}} {
		e.count("outcome."+o.k, o.n)
	}
	for _, a := range callAnomalies {
		n := a.n(s)
		anomalies += n
		e.count("anomaly."+a.name, n)
	}
	e.count("calls", calls)
	e.count("anomalies", anomalies)
	e.count("busy_rejections", s.BusyRejects)
	e.count("ghosts_per_million_calls", perMillion(s.Ghosts, calls))
	e.count("disagreements_per_million_calls", perMillion(s.Disagreements, calls))
	e.count("arrivals.no_idle_caller", ca.noIdle)
	for _, c := range s.Counts() {
		e.count("app."+strings.ReplaceAll(c.Name, "-", "_"), c.N)
	}
	for k, n := range ca.errs {
		e.count("errors."+strconv.Itoa(int(k.code))+"."+k.op.String(), n)
	}
	for k, n := range ca.cbKinds {
		if n > 0 {
			e.count("callbacks."+engine.CallbackKind(k).String(), n)
		}
	}
	e.note("%s mode: %d calls, %d anomalies: %d ghost calls (%s per 1,000 calls), %d disagreements (%s per 1,000), %d busy rejections",
		e.mode, calls, anomalies, s.Ghosts, perThousand(s.Ghosts, calls), s.Disagreements, perThousand(s.Disagreements, calls), s.BusyRejects)
	return calls, anomalies
}

// ended counts the calls decided since the last look, for the live
// invitation gauge.
func (ca *callApp) ended(seen *int64) {
	s := &ca.calls.Stats
	n := s.OutAccepted + s.OutRejected + s.OutBusy + s.OutCancelled + s.OutTimedOut + s.OutFailed + s.OutGivenUp
	for ; *seen < n; *seen++ {
		ca.e.ended()
	}
}

// endedEvery keeps the live invitation gauge until end, once a period.
func (ca *callApp) endedEvery(period, end int64) {
	var seen int64
	var tick func()
	tick = func() {
		ca.ended(&seen)
		if next := engine.Time(int64(ca.w.Now()) + period); next <= engine.Time(end) {
			ca.w.At(next, tick)
		}
	}
	ca.w.At(engine.Time(int64(ca.w.Now())+period), tick)
}

// callOptions maps the calls workload's options onto the call app's.
func callOptions(timeout time.Duration, accept, reject, busy, cancel float64, ring, cancelAfter, talk sim.Dist) apps.CallOptions {
	o := apps.DefaultCallOptions()
	o.Timeout = int(seconds(timeout))
	o.Accept, o.Reject, o.Busy, o.Cancel = accept, reject, busy, cancel
	o.RingTime, o.CancelAfter, o.TalkTime = ring, cancelAfter, talk
	return o
}
