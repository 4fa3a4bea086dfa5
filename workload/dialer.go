package workload

// The dialer places MassTimeout's invitations, which nobody answers, and
// measures what both parties of each learn: how it ended as its inviter
// learned it (its outcome), and the anomalies found by comparing what the
// two parties learned. The 1:1 call workloads (Calls, Race) run on the
// reference call app instead (callapp.go): its phones are the people.

import (
	"fmt"
	"math/bits"
	"strconv"
	"time"

	"sigsim/bench"
	"sigsim/engine"
	"sigsim/sim"
)

// Outcomes of a call, as the inviter learned it.
const (
	outAccepted = iota
	outRejected
	outBusy
	outCancelled
	outTimeout
	outFailed
	outUnknown
	nOutcomes
)

var outcomeNames = [nOutcomes]string{"accepted", "rejected", "busy", "cancelled", "timeout", "failed", "unknown"}

// Anomalies found on one call (bits) or at its end.
const (
	anomRepeat     uint8 = 1 << iota // a party was told the same outcome twice (exactly once)
	anomBeforeRing                   // the invitee learned an outcome of a call that never rang (receive first)
	anomScope                        // a callback reached the wrong party
)

// Kinds of anomaly; one call may show several.
var anomalyNames = []string{"cancel_accept", "accept_timeout", "disagree", "two_outcomes", "repeat", "before_ring", "scope", "stuck", "late_callback"}

const (
	anCancelAccept  = iota // the caller's cancel and the callee's accept both succeeded
	anAcceptTimeout        // the callee's accept succeeded, yet a party was told the call timed out
	anDisagree             // the parties' first outcomes differ (other cases)
	anTwoOutcomes          // a party was told two different outcomes (no resurrection)
	anRepeat               // a party was told one outcome twice
	anBeforeRing
	anScope
	anStuck
	anLate
	nAnomalies
)

// Flags of a call record.
const (
	flagFailed   uint8 = 1 << iota // the invite was refused
	flagRetiring                   // both parties final: in the retire queue
	flagCancelOK                   // the caller was told its cancel succeeded
	flagAcceptOK                   // the callee was told its accept succeeded
	flagEnded                      // counted as ended (no longer a live invitation)
)

// callRec is one invitation being tracked: when, and what each party
// learned. Records are reused; gen tells lives apart.
type callRec struct {
	id     string
	gen    uint32
	caller int32
	callee int32
	anom   uint8
	flags  uint8
	view   [2]engine.InviteeState // what the inviter (0) and the invitee (1) learned first
	told   [2]uint8               // every outcome each party was told, a bit per state
	t0     engine.Time            // intended send time of the invite
	rangAt engine.Time            // when the invitee's OnReceiveNewInvitation fired
	toAt   [2]engine.Time         // when each party's OnInvitationTimeout fired
}

type retireItem struct {
	at  engine.Time
	idx int32
	gen uint32
}

type errKey struct {
	op   engine.Op
	code engine.Code
}

// dialer places 1:1 invitations nobody answers and measures them:
// latencies from the intended times (no coordinated omission), outcomes,
// errors and anomalies found by comparing what the two parties learned.
type dialer struct {
	e       *env
	w       *sim.World
	devs    []*sim.Device // one per user, by user index
	users   []string
	nshards int
	timeout int           // seconds
	linger  time.Duration // how long a call is kept after both parties learned its end
	// onlineOnly makes every invitation online-only.
	onlineOnly bool

	calls  []callRec
	free   []int32
	byID   map[string]int32
	retire []retireItem
	rhead  int

	hRing, hSkew, hLate *bench.Hist

	outcomes  [nOutcomes]int64
	anomalies [nAnomalies]int64
	anomCalls int64
	placedN   int64
	unreached int64
	errs      map[errKey]int64
	cbKinds   [16]int64
	apiOps    [16]int64
}

func newDialer(e *env, devs []*sim.Device, users []string, timeout int) (*dialer, error) {
	w := e.w
	d := &dialer{e: e, w: w, devs: devs, users: users, nshards: w.NumShards(), timeout: timeout,
		linger: 10 * time.Second, byID: make(map[string]int32), errs: map[errKey]int64{}}
	for i, dv := range devs {
		if int(dv.Addr)-d.nshards != i {
			return nil, fmt.Errorf("internal: device %s is not user %d", dv.Name, i)
		}
	}
	d.hRing = e.metric("ring")
	w.Hooks.Callback = d.onCallback
	e.watchResults(d.onResult)
	return d, nil
}

// hist returns a metric's histogram, creating it at its first sample (a
// workload that never rejects has no reject metric).
func (d *dialer) hist(h **bench.Hist, name string) *bench.Hist {
	if *h == nil {
		*h = d.e.metric(name)
	}
	return *h
}

func (d *dialer) user(dv *sim.Device) int32 { return int32(int(dv.Addr) - d.nshards) }

// dial places an invitation now; it returns false if the invite was
// refused at once.
func (d *dialer) dial(caller, callee int32) bool {
	now := d.w.Now()
	d.placedN++
	d.apiOps[engine.OpInvite]++
	id, _ := d.w.Invite(d.devs[caller], d.users[callee], "", d.onlineOnly, nil, d.timeout)
	if id == "" {
		d.outcomes[outFailed]++
		return false
	}
	var idx int32
	if n := len(d.free); n > 0 {
		idx = d.free[n-1]
		d.free = d.free[:n-1]
	} else {
		idx = int32(len(d.calls))
		d.calls = append(d.calls, callRec{})
	}
	c := &d.calls[idx]
	*c = callRec{id: id, gen: c.gen + 1, caller: caller, callee: callee, t0: now}
	d.byID[id] = idx
	d.e.invited()
	return true
}

func (d *dialer) onCallback(at engine.Time, dv *sim.Device, cb *engine.Callback) {
	if int(cb.Kind) < len(d.cbKinds) {
		d.cbKinds[cb.Kind]++
	}
	idx, ok := d.byID[cb.InviteID]
	if !ok {
		d.anomalies[anLate]++ // about a call that ended long ago (or never was)
		return
	}
	c := &d.calls[idx]
	u := d.user(dv)
	party := 1
	switch u {
	case c.caller:
		party = 0
	case c.callee:
	default:
		c.anom |= anomScope
		return
	}
	switch cb.Kind {
	case engine.OnReceiveNewInvitation:
		if party != 1 {
			c.anom |= anomScope
			return
		}
		if c.rangAt != 0 {
			c.anom |= anomRepeat
			return
		}
		c.rangAt = at
		d.hRing.RecordAt(int64(at), int64(at.Sub(c.t0)))
	case engine.OnInviteeAccepted:
		d.learn(idx, party, engine.Accepted, at)
	case engine.OnInviteeRejected:
		d.learn(idx, party, engine.Rejected, at)
	case engine.OnInvitationCancelled:
		d.learn(idx, party, engine.Cancelled, at)
	case engine.OnInvitationTimeout:
		if c.toAt[party] == 0 {
			c.toAt[party] = at
			if party == 0 {
				d.hist(&d.hLate, "timeout_late").RecordAt(int64(at), int64(at.Sub(c.t0)-engine.TimeoutDuration(d.timeout)))
			}
			if c.toAt[0] != 0 && c.toAt[1] != 0 {
				skew := c.toAt[0] - c.toAt[1]
				if skew < 0 {
					skew = -skew
				}
				d.hist(&d.hSkew, "timeout_skew").RecordAt(int64(at), int64(skew))
			}
		}
		d.learn(idx, party, engine.TimedOut, at)
	}
}

func (d *dialer) onResult(at engine.Time, dv *sim.Device, r *engine.Result) {
	switch r.Op {
	case engine.OpInvite, engine.OpCancel, engine.OpAccept, engine.OpReject:
	default:
		return
	}
	if r.Code != engine.OK {
		d.errs[errKey{r.Op, r.Code}]++
	}
	idx, ok := d.byID[r.InviteID]
	if !ok {
		return
	}
	c := &d.calls[idx]
	switch {
	case r.Op == engine.OpInvite && r.Code != engine.OK:
		c.flags |= flagFailed
		d.retireNow(idx)
	case r.Code != engine.OK:
	case r.Op == engine.OpCancel:
		c.flags |= flagCancelOK
		d.learn(idx, 0, engine.Cancelled, at)
	case r.Op == engine.OpAccept:
		c.flags |= flagAcceptOK
		d.learn(idx, 1, engine.Accepted, at)
	case r.Op == engine.OpReject:
		d.learn(idx, 1, engine.Rejected, at)
	}
}

// learn records that a party learned an outcome.
func (d *dialer) learn(idx int32, party int, st engine.InviteeState, at engine.Time) {
	c := &d.calls[idx]
	if party == 1 && c.rangAt == 0 && st != engine.Accepted && st != engine.Rejected {
		c.anom |= anomBeforeRing
	}
	bit := uint8(1) << st
	if c.told[party]&bit != 0 {
		c.anom |= anomRepeat
	}
	c.told[party] |= bit
	if c.view[party] != engine.Pending {
		return
	}
	c.view[party] = st
	if c.view[0] != engine.Pending && c.view[1] != engine.Pending && c.flags&flagRetiring == 0 {
		c.flags |= flagRetiring | flagEnded
		d.e.ended()
		d.retire = append(d.retire, retireItem{at: at.Add(d.linger), idx: idx, gen: c.gen})
	}
}

// sweep retires the calls whose linger has passed.
func (d *dialer) sweep(now engine.Time) {
	for d.rhead < len(d.retire) && d.retire[d.rhead].at <= now {
		it := d.retire[d.rhead]
		d.rhead++
		if d.calls[it.idx].gen == it.gen {
			d.retireNow(it.idx)
		}
	}
	if d.rhead > 4096 && d.rhead*2 > len(d.retire) {
		n := copy(d.retire, d.retire[d.rhead:])
		d.retire = d.retire[:n]
		d.rhead = 0
	}
}

// retireNow classifies a call, counts it and frees its record.
func (d *dialer) retireNow(idx int32) {
	c := &d.calls[idx]
	d.classify(c, false)
	d.release(idx)
}

func (d *dialer) release(idx int32) {
	c := &d.calls[idx]
	if c.flags&flagEnded == 0 {
		d.e.ended()
	}
	delete(d.byID, c.id)
	*c = callRec{gen: c.gen + 1}
	d.free = append(d.free, idx)
}

func (d *dialer) classify(c *callRec, final bool) {
	v0, v1 := c.view[0], c.view[1]
	out := outUnknown
	switch {
	case c.flags&flagFailed != 0:
		out = outFailed
	case v0 == engine.Accepted:
		out = outAccepted
	case v0 == engine.Rejected:
		out = outRejected
	case v0 == engine.Cancelled:
		out = outCancelled
	case v0 == engine.TimedOut:
		out = outTimeout
	}
	d.outcomes[out]++
	any := false
	hit := func(k int) { d.anomalies[k]++; any = true }
	timedOut := (c.told[0]|c.told[1])&(1<<engine.TimedOut) != 0
	switch {
	case c.flags&flagCancelOK != 0 && c.flags&flagAcceptOK != 0:
		hit(anCancelAccept)
	case c.flags&flagAcceptOK != 0 && timedOut:
		hit(anAcceptTimeout)
	case v0 != engine.Pending && v1 != engine.Pending && v0 != v1:
		hit(anDisagree)
	}
	if bits.OnesCount8(c.told[0]) > 1 || bits.OnesCount8(c.told[1]) > 1 {
		hit(anTwoOutcomes)
	}
	if c.anom&anomRepeat != 0 {
		hit(anRepeat)
	}
	if c.anom&anomBeforeRing != 0 {
		hit(anBeforeRing)
	}
	if c.anom&anomScope != 0 {
		hit(anScope)
	}
	if final && c.flags&flagFailed == 0 {
		switch {
		case v0 == engine.Pending:
			hit(anStuck)
		case v1 == engine.Pending && c.rangAt != 0:
			hit(anStuck)
		case v1 == engine.Pending:
			d.unreached++
		}
	} else if v1 == engine.Pending && c.rangAt == 0 && c.flags&flagFailed == 0 {
		d.unreached++
	}
	if any {
		d.anomCalls++
	}
}

// dialerProduces is what a dialer records: its metrics (created at their
// first sample, ring at once) and the counters close writes.
func dialerProduces() produced {
	p := produced{
		metrics:  []string{"ring", "timeout_skew", "timeout_late"},
		counts:   []string{"anomalies", "unreached"},
		families: []string{"errors.", "callbacks.", "api."},
	}
	for _, o := range outcomeNames {
		p.counts = append(p.counts, "outcome."+o)
	}
	for _, a := range anomalyNames {
		p.counts = append(p.counts, "anomaly."+a)
	}
	return p
}

// close retires every call still tracked (in record order, so the counts do
// not depend on map order) and writes the counters.
func (d *dialer) close() {
	d.sweep(d.w.Now())
	for i := range d.calls {
		if c := &d.calls[i]; c.id != "" {
			d.classify(c, true)
			d.release(int32(i))
		}
	}
	e := d.e
	for i, n := range d.outcomes {
		e.count("outcome."+outcomeNames[i], n)
	}
	for i, n := range d.anomalies {
		e.count("anomaly."+anomalyNames[i], n)
	}
	e.count("anomalies", d.anomCalls+d.anomalies[anLate])
	e.count("unreached", d.unreached)
	for k, n := range d.errs {
		e.count("errors."+strconv.Itoa(int(k.code))+"."+k.op.String(), n)
	}
	for k, n := range d.cbKinds {
		if n > 0 {
			e.count("callbacks."+engine.CallbackKind(k).String(), n)
		}
	}
	for op, n := range d.apiOps {
		if n > 0 {
			e.count("api."+engine.Op(op).String(), n)
		}
	}
}

// placed returns the number of invitations placed.
func (d *dialer) placed() int64 { return d.placedN }

// note adds the dialer's summary to the findings.
func (d *dialer) note() {
	placed := d.placed()
	anom := d.anomCalls + d.anomalies[anLate]
	d.e.note("%s mode: %d calls, %d with anomalies (%s per 1,000 calls)", d.e.mode, placed, anom, perThousand(anom, placed))
}

// perThousand formats n per 1,000 of total.
func perThousand(n, total int64) string {
	if total == 0 {
		return "n/a"
	}
	return strconv.FormatFloat(float64(n)*1000/float64(total), 'f', 2, 64)
}
