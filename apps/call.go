package apps

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"sigsim/engine"
	"sigsim/room"
	"sigsim/sim"
)

// BusyPolicy is what a phone does when a call arrives while it is in another
// (calling, ringing, or in a call).
type BusyPolicy uint8

const (
	// BusyReject: reject the new call at once with data "busy", as the source
	// document says.
	BusyReject BusyPolicy = iota
	// BusyRing: let it ring like any call (a legacy app with call waiting). It
	// breaks the busy-ring invariant, and two-rooms if the user accepts.
	BusyRing
)

func (b BusyPolicy) String() string {
	if b == BusyRing {
		return "ring"
	}
	return "reject"
}

// CallOptions are the decisions of the reference call app, drawn from each
// phone's own random stream ("app/call/<user>") and, for the conversation,
// from the call's ("app/call/talk/<roomID>"), which both phones draw alike.
type CallOptions struct {
	// Timeout is the call invitation's timeout, in seconds (> 0).
	Timeout int
	// What a callee does when a call rings: the shares of calls it accepts,
	// rejects ("declined"), rejects at once as busy elsewhere ("busy"), or
	// accepts RingTime before the invitation's deadline (racing the timeout);
	// the rest it lets ring out. The four sum to at most 1.
	Accept, Reject, Busy, LateAccept float64
	// RingTime is how long it rings before the callee answers.
	RingTime sim.Dist
	// Cancel is the share of calls whose caller gives up CancelAfter after
	// dialling if nobody has answered by then (it cancels).
	Cancel      float64
	CancelAfter sim.Dist
	// TalkTime is how long the two talk, from when each sees the other in
	// the room; CallerHangsUp is the share of calls the caller ends (the
	// callee the others).
	TalkTime      sim.Dist
	CallerHangsUp float64
	// BusyPolicy: what a phone does with a call while in another.
	BusyPolicy BusyPolicy
	// CountFromAccept: a legacy app's way of timing a call, from when the
	// phone learned the accept succeeded rather than from when it saw the
	// other party in the room (the source document's onRemoteUserEnterRoom):
	// the announced duration then includes the time the callee took to get
	// into the room, which breaks call-duration when that is long.
	CountFromAccept bool
	// JoinTimeout: a phone in an accepted call that does not see the other
	// party in the room within it hangs up (0 means 60 s; negative, never).
	JoinTimeout time.Duration
	// KeepAnnouncements leaves the end-of-call invitations (timeout 0)
	// pending, as the source document's flow does; by default the receiving
	// phone accepts each, so the server forgets it.
	KeepAnnouncements bool
	// Manual: the phones decide nothing by themselves (no answer, cancel or
	// hang-up); a script does, through Dial, Answer, Cancel and HangUp. They
	// still follow the flow: busy, rooms, announcements, the JoinTimeout.
	Manual bool
	// The checker's bounds: GhostBound, how long a phone may stay alone in a
	// call's room after the other party's outcome is final (0 means the
	// world's liveness bound); DurationBound, the announced duration's
	// tolerance beyond the measured delivery delays (0 means 1 s, the
	// rounding to seconds).
	GhostBound, DurationBound time.Duration
}

// DefaultCallOptions are the calls workload's defaults.
func DefaultCallOptions() CallOptions {
	return CallOptions{Timeout: 30, Accept: 0.6, Reject: 0.1, Busy: 0.05, Cancel: 0.1,
		RingTime: sim.LogNormal(3*time.Second, 0.6), CancelAfter: sim.Uniform(2*time.Second, 15*time.Second),
		TalkTime: sim.Exp(20 * time.Second), CallerHangsUp: 0.5}
}

// Validate reports every invalid option.
func (o CallOptions) Validate() error {
	var errs []error
	if o.Timeout <= 0 || o.Timeout > 3600 {
		errs = append(errs, fmt.Errorf("timeout %d must be in 1..3600 seconds", o.Timeout))
	}
	sum := 0.0
	for _, p := range []struct {
		name string
		v    float64
	}{{"accept", o.Accept}, {"reject", o.Reject}, {"busy", o.Busy}, {"late-accept", o.LateAccept}, {"cancel", o.Cancel}, {"caller-hangs-up", o.CallerHangsUp}} {
		if !(p.v >= 0 && p.v <= 1) {
			errs = append(errs, fmt.Errorf("%s %v is not a probability in [0,1]", p.name, p.v))
		}
	}
	sum = o.Accept + o.Reject + o.Busy + o.LateAccept
	if sum > 1+1e-9 {
		errs = append(errs, fmt.Errorf("accept+reject+busy+late-accept = %v exceeds 1", sum))
	}
	for _, d := range []struct {
		name string
		d    sim.Dist
	}{{"ring-time", o.RingTime}, {"cancel-after", o.CancelAfter}, {"talk-time", o.TalkTime}} {
		if err := d.d.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", d.name, err))
		}
	}
	if o.BusyPolicy > BusyRing {
		errs = append(errs, fmt.Errorf("unknown busy policy %d", o.BusyPolicy))
	}
	if o.GhostBound < 0 || o.DurationBound < 0 {
		errs = append(errs, errors.New("ghost and duration bounds must not be negative"))
	}
	return errors.Join(errs...)
}

// Describe lists the options, "key=value" each, in a fixed order.
func (o CallOptions) Describe() []string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	l := []string{"timeout=" + strconv.Itoa(o.Timeout) + "s", "accept=" + f(o.Accept), "reject=" + f(o.Reject),
		"busy=" + f(o.Busy), "late-accept=" + f(o.LateAccept), "ring-time=" + o.RingTime.String(),
		"cancel=" + f(o.Cancel), "cancel-after=" + o.CancelAfter.String(), "talk-time=" + o.TalkTime.String(),
		"caller-hangs-up=" + f(o.CallerHangsUp), "busy-policy=" + o.BusyPolicy.String(),
		"join-timeout=" + joinText(o.joinTimeout())}
	if o.CountFromAccept {
		l = append(l, "count-from=accept")
	}
	if o.KeepAnnouncements {
		l = append(l, "keep-announcements")
	}
	if o.Manual {
		l = append(l, "manual")
	}
	return l
}

func joinText(jt time.Duration) string {
	if jt < 0 {
		return "never"
	}
	return jt.String()
}

func (o CallOptions) joinTimeout() time.Duration {
	switch {
	case o.JoinTimeout == 0:
		return 60 * time.Second
	case o.JoinTimeout < 0:
		return -1
	}
	return o.JoinTimeout
}

// Calls is the reference 1v1 call app of the source document, run on a set of
// devices (one per user): the caller enters a room and invites with its
// roomID in the data; the callee rings, and rejects with "busy" if it is in
// another call; on accept the callee enters the room; each records the start
// when it sees the other enter; whoever hangs up leaves the room, and the
// other, seeing it leave, announces the end with a second invitation (timeout
// 0) carrying the duration. Cancel, reject and timeout make the caller leave
// the room. Where the source document is silent the app:
//   - leaves the room and announces the end (duration 0) when it ends a call
//     in which it never saw the other party in the room (the other cannot
//     learn it from the room), and ends a call whose end is announced to it;
//   - on a lost room (its room node crashed, its connection broke) ends the
//     call it was in, and gives up a call it was placing (cancels);
//   - a caller whose cancel lost to the callee's accept hangs up at once;
//   - ignores a cancel that arrives after its accept succeeded, and an accept
//     after its cancel succeeded (as the legacy apps do: the screen has moved
//     on) — which is how client mode's crossing makes ghost calls;
//   - when its device is logged out (its logout succeeded: the SDK has
//     forgotten its invitations and will tell it nothing more of them), ends
//     every call at once and leaves its rooms: a call that was on it hangs
//     up (its end-of-call invitation, if it owes one, goes out after its
//     next login); a call still to be decided — calling, ringing, or
//     answered without an answer back — it gives up without a word, for it
//     can neither cancel nor answer any more, nor learn how the call ends.
//     The checker gives such a party no verdict (as one whose device
//     crashed). A call still live when it logs in again rings again.
//     Results that a logout cut short ("it may still take effect") decide
//     nothing: the logout that follows does.
//
// The call-level invariants are checked as it runs (CallChecker).
type Calls struct {
	h      *Host
	w      *sim.World
	opts   CallOptions
	phones map[string]*phone
	check  *CallChecker
	seed   uint64
	// Stats count what the phones did and the checker found.
	Stats CallStats
	// Observe, if set, gets each measurement as it is made: "ring" (dial →
	// the callee's ring), "setup" (dial → both have seen the other in the
	// room), "accept" and "reject" (the callee's answer → the caller hears
	// it), "cancel" (the caller's cancel → the callee hears it),
	// "timeout_late" (the invitation's deadline → the caller hears it timed
	// out), "timeout_skew" (between the two parties' timeout callbacks),
	// "talk" (the room overlap of an announced call), "duration_error"
	// (|announced − overlap|), in nanoseconds.
	Observe func(name string, at engine.Time, value time.Duration)
}

// CallStats count calls by how they went, and the invariants' findings.
// Dialed, Failed (the invite did), Connected (the caller learned the accept),
// Rejected (busy included), Cancelled (the caller was told its cancel
// succeeded) and TimedOut are counted at the caller; Rang and BusyRejects
// (busy answers, in a call or "busy elsewhere") at the callee; HungUp,
// Announced (end-of-call invitations), RoomsLost and JoinTimeouts at either.
type CallStats struct {
	Dialed, Failed, Rang, Connected, Rejected, BusyRejects, Cancelled, TimedOut, HungUp int64
	// RejectedBusy counts the rejections a caller learned carried "busy".
	RejectedBusy int64
	// Crossings counts calls whose callee was told its accept succeeded and
	// whose caller was told its cancel did (client mode's crossing; never in
	// server mode).
	Crossings int64
	// The calls by how they were decided for their caller, each call once,
	// by the first of: it learned the accept (the call is on, whatever
	// follows), a reject (declined, or busy), a timeout, that its cancel
	// succeeded, that its invite failed, or it gave the call up (its device
	// was logged out or crashed). Calls still ringing are in none.
	OutAccepted, OutRejected, OutBusy, OutCancelled, OutTimedOut, OutFailed, OutGivenUp int64
	Announced, RoomsLost, JoinTimeouts                                                  int64
	// LoggedOut counts calls a phone gave up, not yet decided, because its
	// device was logged out (calls on at the logout count in HungUp).
	LoggedOut int64
	// EarlierAnswers counts calls whose callee's phone learned, after it
	// rang again, that an earlier answer of its user had taken effect (one
	// its device made before a crash or a logout): from the SDK's callback
	// about its own user, or from its own accept refused with nothing else
	// having ended the call.
	EarlierAnswers int64
	// AnnouncementsLost counts end-of-call invitations given up after
	// maxAnnounceTries failures.
	AnnouncementsLost int64
	// The checker's findings (each also a violation of the world when it
	// runs with checkers).
	Ghosts, Disagreements, DurationErrors, TwoRooms, BusyRings, Stuck int64
}

// Describe lists the counters that are not zero, "key=value" each, in a
// fixed order (the names of Counts); "none" if all are.
func (s CallStats) Describe() string {
	var b strings.Builder
	for _, c := range s.Counts() {
		if c.N == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(c.Name + "=" + strconv.FormatInt(c.N, 10))
	}
	if b.Len() == 0 {
		return "none"
	}
	return b.String()
}

// Count is one named counter.
type Count struct {
	Name string
	N    int64
}

// Counts lists the counters by name, in a fixed order.
func (s CallStats) Counts() []Count {
	return []Count{{"dialed", s.Dialed}, {"failed", s.Failed}, {"rang", s.Rang}, {"connected", s.Connected},
		{"rejected", s.Rejected}, {"rejected-busy", s.RejectedBusy}, {"busy-rejects", s.BusyRejects}, {"crossings", s.Crossings}, {"cancelled", s.Cancelled}, {"timed-out", s.TimedOut},
		{"hung-up", s.HungUp}, {"announced", s.Announced}, {"rooms-lost", s.RoomsLost}, {"join-timeouts", s.JoinTimeouts},
		{"logged-out", s.LoggedOut}, {"earlier-answers", s.EarlierAnswers}, {"announcements-lost", s.AnnouncementsLost},
		{"ghosts", s.Ghosts}, {"disagreements", s.Disagreements}, {"duration-errors", s.DurationErrors},
		{"two-rooms", s.TwoRooms}, {"busy-rings", s.BusyRings}, {"stuck", s.Stuck},
		{"out-accepted", s.OutAccepted}, {"out-rejected", s.OutRejected}, {"out-busy", s.OutBusy},
		{"out-cancelled", s.OutCancelled}, {"out-timed-out", s.OutTimedOut}, {"out-failed", s.OutFailed},
		{"out-given-up", s.OutGivenUp}}
}

// NewCalls makes the call app of a host, to attach to devices.
func NewCalls(h *Host, o CallOptions) (*Calls, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	c := &Calls{h: h, w: h.w, opts: o, phones: map[string]*phone{}, seed: h.w.Options().Seed}
	c.check = newCallChecker(c)
	h.onChange(c.check.change)
	return c, nil
}

// Options returns the app's options.
func (c *Calls) Options() CallOptions { return c.opts }

// Checker returns the call-level invariants' checker.
func (c *Calls) Checker() *CallChecker { return c.check }

// Attach runs the app on devices, one per user, with the app's options.
func (c *Calls) Attach(devs ...*sim.Device) error {
	for _, d := range devs {
		if err := c.AttachWith(d, c.opts); err != nil {
			return err
		}
	}
	return nil
}

// AttachWith runs the app on a device with options of its own.
func (c *Calls) AttachWith(d *sim.Device, o CallOptions) error {
	if err := o.Validate(); err != nil {
		return fmt.Errorf("%s: %w", d.Name, err)
	}
	if c.phones[d.User] != nil {
		return fmt.Errorf("%s: user %s already has a phone (one device per user)", d.Name, d.User)
	}
	p := &phone{c: c, d: d, user: d.User, opts: o, r: sim.NewRand(c.seed, "app/call/"+d.User)}
	if err := c.h.attach(d, p); err != nil {
		return err
	}
	c.phones[d.User] = p
	return nil
}

func (c *Calls) phone(user string) (*phone, error) {
	p := c.phones[user]
	if p == nil {
		return nil, fmt.Errorf("%s runs no call app", user)
	}
	return p, nil
}

// Idle tells whether a user's phone is in no call (false if it runs no app).
func (c *Calls) Idle(user string) bool {
	p := c.phones[user]
	return p != nil && len(p.calls) == 0
}

// State describes a user's phone: "idle", or its calls, e.g.
// "calling bob in alice.1", "ringing from alice in alice.1", "in a call with bob in alice.1".
func (c *Calls) State(user string) string {
	p := c.phones[user]
	if p == nil {
		return "no app"
	}
	if len(p.calls) == 0 {
		return "idle"
	}
	s := ""
	for i, k := range p.calls {
		if i > 0 {
			s += "; "
		}
		switch k.phase {
		case phCalling:
			s += "calling " + k.peer
		case phRinging, phAnswering:
			s += "ringing from " + k.peer
		default:
			s += "in a call with " + k.peer
		}
		s += " in " + k.room
	}
	return s
}

// Dial places a call from caller to callee now; it returns the invitation's
// ID. The caller's phone must be idle.
func (c *Calls) Dial(caller, callee string) (string, error) {
	p, err := c.phone(caller)
	if err != nil {
		return "", err
	}
	if len(p.calls) > 0 {
		return "", fmt.Errorf("%s is busy: %s", caller, c.State(caller))
	}
	if callee == caller || callee == "" {
		return "", fmt.Errorf("%s cannot call %q", caller, callee)
	}
	return p.dial(callee), nil
}

// Answer makes a ringing phone accept or reject (data "declined") its call.
func (c *Calls) Answer(user string, accept bool) error {
	p, err := c.phone(user)
	if err != nil {
		return err
	}
	k := p.find(func(k *call) bool { return k.phase == phRinging })
	if k == nil {
		return fmt.Errorf("%s has no call ringing: %s", user, c.State(user))
	}
	p.answer(k, accept)
	return nil
}

// AnswerCall makes a phone accept or reject the call of invitation id, if it
// rings for it.
func (c *Calls) AnswerCall(user, id string, accept bool) error {
	p, err := c.phone(user)
	if err != nil {
		return err
	}
	k := p.byID(id)
	if k == nil || k.phase != phRinging {
		return fmt.Errorf("%s is not ringing for %s: %s", user, id, c.State(user))
	}
	p.answer(k, accept)
	return nil
}

// CancelCall makes a phone cancel its call of invitation id, if it is still
// calling.
func (c *Calls) CancelCall(user, id string) error {
	p, err := c.phone(user)
	if err != nil {
		return err
	}
	k := p.byID(id)
	if k == nil || !k.caller || k.phase != phCalling || k.cancelling {
		return fmt.Errorf("%s has no call %s to cancel: %s", user, id, c.State(user))
	}
	p.cancel(k)
	return nil
}

// Cancel makes a calling phone cancel its call.
func (c *Calls) Cancel(user string) error {
	p, err := c.phone(user)
	if err != nil {
		return err
	}
	k := p.find(func(k *call) bool { return k.caller && k.phase == phCalling && !k.cancelling })
	if k == nil {
		return fmt.Errorf("%s has no call to cancel: %s", user, c.State(user))
	}
	p.cancel(k)
	return nil
}

// HangUp makes a phone in a call hang up.
func (c *Calls) HangUp(user string) error {
	p, err := c.phone(user)
	if err != nil {
		return err
	}
	k := p.find(func(k *call) bool { return k.phase == phConnected })
	if k == nil {
		return fmt.Errorf("%s is in no call: %s", user, c.State(user))
	}
	p.hangUp(k, "hung up")
	return nil
}

func (c *Calls) observe(name string, at engine.Time, v time.Duration) {
	if c.Observe != nil {
		c.Observe(name, at, v)
	}
}

type phase uint8

const (
	phCalling   phase = iota + 1 // caller: invited, no answer yet
	phRinging                    // callee: ringing
	phAnswering                  // callee: accept or reject called, no result yet
	phConnected                  // the call is on (the callee's accept succeeded, the caller learned it)
)

type roomState uint8

const (
	roomNone roomState = iota
	roomEntering
	roomIn
	roomGone
)

// phone is the call app on one device.
type phone struct {
	c     *Calls
	d     *sim.Device
	user  string
	opts  CallOptions
	r     *sim.Rand
	calls []*call // usually one; more only while a BusyRing phone lets a second ring
	rooms int     // room IDs made
	life  uint32  // bumps at a crash: what the old process scheduled does nothing
	// announcing holds the end-of-call invitations sent and not yet
	// answered (by invite ID): one that fails is sent again.
	announcing map[string]*announcement
}

// announcement is an end-of-call invitation to send until it is sent.
type announcement struct {
	peer, data string
	tries      int
}

// maxAnnounceTries bounds the attempts at an end-of-call invitation, one a
// second (a device not logged in, say while its shard restarts, fails them).
const maxAnnounceTries = 120

// call is one call as a phone sees it.
type call struct {
	rec        int32 // the checker's record
	side       int   // 0 caller, 1 callee
	caller     bool
	id         string
	room       string
	peer       string
	phase      phase
	room_      roomState
	cancelling bool
	abandon    bool        // it lost its room before the call was on: give the call up
	rangAt     engine.Time // callee: when it rang
	startAt    engine.Time // when it saw the peer enter the room (0: not yet)
	acceptAt   engine.Time // when the call was on for it
	leftAt     engine.Time // when it saw the peer leave the room (0: not yet)
	sawPeer    bool
	scheduled  bool // the hang-up is scheduled
	endHeard   bool // callee: a cancel or timeout of the call reached it while it answered
	decided    bool // caller: counted in one of CallStats' Out counters
}

// decide counts how a caller's call was decided, once (see CallStats).
func (p *phone) decide(k *call, out *int64) {
	if k.caller && !k.decided {
		k.decided = true
		*out++
	}
}

func (p *phone) w() *sim.World { return p.c.w }

func (p *phone) find(match func(*call) bool) *call {
	for _, k := range p.calls {
		if match(k) {
			return k
		}
	}
	return nil
}

func (p *phone) byID(id string) *call { return p.find(func(k *call) bool { return k.id == id }) }

func (p *phone) byRoom(r string) *call { return p.find(func(k *call) bool { return k.room == r }) }

// later runs f at t if the call is still on and the phone has not crashed since.
func (p *phone) later(t engine.Time, k *call, f func()) {
	life := p.life
	p.w().At(t, func() {
		if p.life == life && slices.Contains(p.calls, k) {
			f()
		}
	})
}

func (p *phone) dial(callee string) string {
	w := p.w()
	now := w.Now()
	p.rooms++
	k := &call{side: 0, caller: true, room: p.user + "." + strconv.Itoa(p.rooms), peer: callee, phase: phCalling}
	p.calls = append(p.calls, k)
	p.c.Stats.Dialed++
	// Drawn on every dial, used or not, so that the stream does not depend on
	// what happens to the call.
	cancel := p.r.Bool(p.opts.Cancel)
	cancelAfter := p.opts.CancelAfter.Sample(p.r)
	k.rec = p.c.check.dial(p.d, callee, k.room, now, p.opts.Timeout)
	p.enterRoom(k) // the source document: enter the room and invite "at the same time"
	id, _ := w.Invite(p.d, callee, callData(k.room), false, nil, p.opts.Timeout)
	k.id = id
	p.c.check.invited(k.rec, id)
	if id == "" {
		p.c.Stats.Failed++
		p.decide(k, &p.c.Stats.OutFailed)
		p.end(k, false, "invite failed")
		return ""
	}
	if cancel && !p.opts.Manual {
		p.note(k, "will cancel after %s unanswered", time.Duration(cancelAfter))
		p.later(now.Add(cancelAfter), k, func() {
			if k.phase == phCalling && !k.cancelling {
				p.cancel(k)
			}
		})
	}
	return id
}

func (p *phone) cancel(k *call) {
	k.cancelling = true
	p.c.check.cancelling(k.rec)
	p.w().Answer(p.d, engine.OpCancel, k.id, "")
}

func (p *phone) answer(k *call, accept bool) {
	k.phase = phAnswering
	p.c.check.answered(k.rec)
	if accept {
		// The source document: accept, and enter the room. The API calls
		// come last: a result reported at once (say, not logged in) ends the
		// call before they return.
		p.enterRoom(k)
		p.w().Answer(p.d, engine.OpAccept, k.id, "")
	} else {
		p.w().Answer(p.d, engine.OpReject, k.id, DataDeclined)
	}
}

func (p *phone) enterRoom(k *call) {
	k.room_ = roomEntering
	p.c.check.enter(k.rec, k.side, p.user, k.room)
	p.w().EnterRoom(p.d, k.room)
}

// leaveRoom exits the call's room if the phone is in it or entering it.
func (p *phone) leaveRoom(k *call) {
	if k.room_ != roomEntering && k.room_ != roomIn {
		return
	}
	k.room_ = roomGone
	p.c.check.left(k.rec, k.side, p.user, k.room)
	p.w().ExitRoom(p.d, k.room)
}

// end ends a call for this phone: it leaves the room and reports its verdict.
func (p *phone) end(k *call, talked bool, why string) {
	i := slices.Index(p.calls, k)
	if i < 0 {
		return
	}
	p.calls = slices.Delete(p.calls, i, i+1)
	p.leaveRoom(k)
	p.decide(k, &p.c.Stats.OutGivenUp) // ended undecided: it gave the call up
	if talked {
		p.note(k, "over, talked (%s)", why)
	} else {
		p.note(k, "over, did not talk (%s)", why)
	}
	p.c.check.ended(k.rec, k.side, talked, why)
}

// note records a decision of the phone about a call as a trace note,
// "call ID: what" (the room when the call has no invitation).
func (p *phone) note(k *call, format string, args ...any) {
	name := k.id
	if name == "" {
		name = k.room
	}
	p.w().AppNote(p.d, "call "+name+": "+fmt.Sprintf(format, args...))
}

// announce sends the end-of-call invitation, with the duration it saw.
func (p *phone) announce(k *call, dur time.Duration) {
	p.c.Stats.Announced++
	secs := int64(dur / time.Second)
	end := k.leftAt
	if end == 0 {
		end = p.w().Now()
	}
	p.c.check.announced(k.rec, k.side, secs, end)
	p.sendAnnouncement(&announcement{peer: k.peer, data: hangupData(k.room, secs)})
}

// sendAnnouncement sends an end-of-call invitation; if it fails it tries
// again a second later: the other party may have no other way to learn the
// call is over.
func (p *phone) sendAnnouncement(a *announcement) {
	a.tries++
	id, _ := p.w().Invite(p.d, a.peer, a.data, false, nil, 0)
	if id != "" {
		if p.announcing == nil {
			p.announcing = map[string]*announcement{}
		}
		p.announcing[id] = a
		return
	}
	p.retryAnnouncement(a)
}

func (p *phone) retryAnnouncement(a *announcement) {
	if a.tries >= maxAnnounceTries {
		p.c.Stats.AnnouncementsLost++
		return
	}
	life := p.life
	p.w().At(p.w().Now().Add(time.Second), func() {
		if p.life == life {
			p.sendAnnouncement(a)
		}
	})
}

// hangUp ends a call the phone is in. If it never saw the other party in the
// room, the room cannot tell it the call is over: the phone announces it.
func (p *phone) hangUp(k *call, why string) {
	p.c.Stats.HungUp++
	if !k.sawPeer {
		p.announce(k, 0)
	}
	p.end(k, true, why)
}

// connected: the call is on. If the phone saw the other party leave the room
// meanwhile, or lost its room, it is over already; else the hang-up is
// scheduled once the phone has also seen the other party in the room, and the
// join timeout guards that.
func (p *phone) connected(k *call) {
	k.phase = phConnected
	k.acceptAt = p.w().Now()
	p.c.check.on(k.rec, k.side)
	p.note(k, "on")
	if k.caller {
		p.c.Stats.Connected++
		p.decide(k, &p.c.Stats.OutAccepted)
	}
	switch {
	case k.leftAt != 0:
		p.peerLeft(k)
		return
	case k.abandon:
		p.hangUp(k, "its room was lost")
		return
	}
	p.scheduleHangUp(k)
	if jt := p.opts.joinTimeout(); jt >= 0 && !k.sawPeer {
		p.later(p.w().Now().Add(jt), k, func() {
			if !k.sawPeer && k.phase == phConnected {
				p.c.Stats.JoinTimeouts++
				p.hangUp(k, "the other party never came")
			}
		})
	}
}

func (p *phone) scheduleHangUp(k *call) {
	if k.scheduled || k.phase != phConnected || !k.sawPeer || p.opts.Manual {
		return
	}
	k.scheduled = true
	// The conversation's own stream: both phones draw the same talk time and
	// the same one to hang up.
	r := sim.NewRand(p.c.seed, "app/call/talk/"+k.room)
	talk := p.opts.TalkTime.Sample(r)
	if r.Bool(p.opts.CallerHangsUp) != k.caller {
		return
	}
	p.note(k, "will hang up after %s", time.Duration(talk))
	p.later(k.startAt.Add(talk), k, func() {
		if k.phase == phConnected {
			p.hangUp(k, "hung up")
		}
	})
}

// ring: a call invitation arrived.
func (p *phone) ring(at engine.Time, cb *engine.Callback, room string) {
	w := p.w()
	busy := len(p.calls) > 0
	if busy && p.opts.BusyPolicy == BusyReject {
		p.c.Stats.BusyRejects++
		w.AppNote(p.d, "call "+cb.InviteID+": busy, "+p.c.State(p.user))
		w.Answer(p.d, engine.OpReject, cb.InviteID, DataBusy)
		return
	}
	k := &call{side: 1, id: cb.InviteID, room: room, peer: cb.Inviter, phase: phRinging, rangAt: at}
	k.rec = p.c.check.ring(p.d, cb.Inviter, cb.InviteID, room, at)
	p.calls = append(p.calls, k)
	p.c.Stats.Rang++
	// Drawn on every ring, used or not.
	u := p.r.Float64()
	rt := p.opts.RingTime.Sample(p.r)
	if p.opts.Manual {
		return
	}
	o := &p.opts
	switch {
	case u < o.Busy:
		p.c.Stats.BusyRejects++
		p.note(k, "busy elsewhere")
		k.phase = phAnswering
		p.c.check.answered(k.rec)
		w.Answer(p.d, engine.OpReject, k.id, DataBusy)
	case u < o.Busy+o.Accept:
		p.note(k, "will accept after %s", time.Duration(rt))
		p.later(at.Add(rt), k, func() {
			if k.phase == phRinging {
				p.answer(k, true)
			}
		})
	case u < o.Busy+o.Accept+o.Reject:
		p.note(k, "will reject after %s", time.Duration(rt))
		p.later(at.Add(rt), k, func() {
			if k.phase == phRinging {
				p.answer(k, false)
			}
		})
	case u < o.Busy+o.Accept+o.Reject+o.LateAccept:
		p.note(k, "will accept %s before its deadline", time.Duration(rt))
		deadline := at.Add(engine.TimeoutDuration(p.opts.Timeout))
		p.later(max(at, deadline.Add(-rt)), k, func() {
			if k.phase == phRinging {
				p.answer(k, true)
			}
		})
	default:
		p.note(k, "lets it ring")
	}
}

func (p *phone) callback(at engine.Time, cb *engine.Callback) {
	switch cb.Kind {
	case engine.OnReceiveNewInvitation:
		d, ok := parse(cb.Data)
		if !ok || cb.GroupID != "" || cb.Inviter == p.user || !slices.Contains(cb.Invitees, p.user) {
			// Not a call of this app, or not to this user: the inviter's
			// other devices hear of its invitations too (apps check
			// inviteeList, says the source document).
			return
		}
		switch d.cmd {
		case "":
			if p.byID(cb.InviteID) != nil {
				return // the same call again (a legacy SDK's duplicate): it rings already
			}
			p.ring(at, cb, d.room)
		case "hangup":
			if !p.opts.KeepAnnouncements {
				p.w().Answer(p.d, engine.OpAccept, cb.InviteID, "")
			}
			if k := p.byRoom(d.room); k != nil && k.peer == cb.Inviter {
				p.end(k, true, "the other party announced the end")
			}
		}
	case engine.OnInviteeAccepted:
		k := p.byID(cb.InviteID)
		switch {
		case k == nil:
		case k.caller && k.phase == phCalling && cb.Invitee == k.peer:
			p.c.check.heardOther(k.rec, 0, "accept")
			p.connected(k)
		case p.earlierAnswer(k, cb):
			p.earlierAccept(k)
		}
	case engine.OnInviteeRejected:
		k := p.byID(cb.InviteID)
		switch {
		case k == nil:
		case k.caller && k.phase == phCalling:
			p.c.Stats.Rejected++
			if cb.Data == DataBusy {
				p.c.Stats.RejectedBusy++
			}
			p.c.check.heardOther(k.rec, 0, "reject")
			if cb.Data == DataBusy {
				p.decide(k, &p.c.Stats.OutBusy)
			}
			p.decide(k, &p.c.Stats.OutRejected)
			p.end(k, false, "rejected ("+cb.Data+")")
		case p.earlierAnswer(k, cb):
			p.end(k, false, "rejected before ("+cb.Data+")")
		}
	case engine.OnInvitationCancelled:
		// Once it has answered, the answer's result decides (a legacy app is
		// on its call screen by then, and does not look back).
		k := p.byID(cb.InviteID)
		switch {
		case k == nil || k.caller:
		case k.phase == phRinging:
			p.c.check.heardOther(k.rec, 1, "cancel")
			p.end(k, false, "cancelled")
		case k.phase == phAnswering:
			k.endHeard = true
		}
	case engine.OnInvitationTimeout:
		k := p.byID(cb.InviteID)
		switch {
		case k == nil:
		case k.phase == phCalling || k.phase == phRinging:
			if k.caller {
				p.c.Stats.TimedOut++
				p.decide(k, &p.c.Stats.OutTimedOut)
			}
			p.c.check.timedOut(k.rec, k.side)
			p.end(k, false, "timed out")
		case k.phase == phAnswering:
			k.endHeard = true
		}
	}
}

func (p *phone) result(at engine.Time, r *engine.Result) {
	switch {
	case r.Op == engine.OpLogout && r.Code == engine.OK:
		p.loggedOut()
		return
	case r.Unanswered:
		// Cut short by a logout, which is reported next: it may still take
		// effect, and the phone will not hear whether it did.
		if a := p.announcing[r.InviteID]; a != nil {
			delete(p.announcing, r.InviteID)
			p.retryAnnouncement(a)
		}
		return
	}
	if a := p.announcing[r.InviteID]; a != nil && r.Op == engine.OpInvite {
		delete(p.announcing, r.InviteID)
		if r.Code != engine.OK {
			p.retryAnnouncement(a)
		}
		return
	}
	k := p.byID(r.InviteID)
	if k == nil || r.InviteID == "" {
		return
	}
	switch r.Op {
	case engine.OpInvite:
		if r.Code != engine.OK && k.phase == phCalling {
			p.c.Stats.Failed++
			p.decide(k, &p.c.Stats.OutFailed)
			p.end(k, false, "invite failed: "+r.Code.String())
		}
	case engine.OpCancel:
		k.cancelling = false
		switch {
		case r.Code == engine.OK:
			// Told its cancel succeeded, the call is over for it, whatever
			// it heard meanwhile (in client mode, an accept that crossed it).
			p.c.check.cancelOK(k.rec)
			p.c.Stats.Cancelled++
			p.decide(k, &p.c.Stats.OutCancelled)
			p.end(k, false, "cancelled")
		case k.phase == phConnected:
			p.hangUp(k, "cancelled too late") // the accept won; the user wanted out
		}
	case engine.OpAccept:
		switch {
		case r.Code == engine.OK:
			p.c.check.acceptOK(k.rec)
			if k.phase == phAnswering {
				p.connected(k)
			}
		case k.phase == phAnswering && r.Code == engine.CodeInviteInvalid && !p.loggedIn():
			// Reported by a logout, maybe before what ended the call (the
			// SDK tells nothing more of it): the logout decides, next.
		case k.phase == phAnswering && r.Code == engine.CodeInviteInvalid && !k.endHeard:
			// No longer pending, and nothing ended it for this phone: an
			// earlier accept of its user took effect — one its device made
			// before a crash, or before a logout (it was told it may still
			// take effect) — whose echo the SDK took for this accept's, as
			// both came from its device's name.
			p.c.Stats.EarlierAnswers++
			p.earlierAccept(k)
		case k.phase == phAnswering:
			p.end(k, false, "accept failed: "+r.Code.String())
		}
	case engine.OpReject:
		if k.phase == phAnswering {
			p.end(k, false, "rejected")
		}
	}
}

func (p *phone) roomEvent(at engine.Time, ev *room.Event) {
	k := p.byRoom(ev.Room)
	if k == nil {
		return
	}
	switch ev.Kind {
	case room.OnEnterRoom:
		if k.room_ != roomEntering {
			return
		}
		if ev.Code != room.OK {
			k.room_ = roomGone
			p.c.check.left(k.rec, k.side, p.user, k.room)
			p.lostRoom(k)
			return
		}
		k.room_ = roomIn
		p.c.check.inRoom(k.rec, k.side)
		p.w().RoomVideo(p.d, k.room, true) // openCamera
	case room.OnExitRoom:
		if ev.Reason == room.ReasonExit || k.room_ != roomIn {
			return // its own exit, done
		}
		k.room_ = roomGone
		p.c.check.left(k.rec, k.side, p.user, k.room)
		p.c.Stats.RoomsLost++
		p.lostRoom(k)
	case room.OnRemoteUserEnterRoom:
		if ev.User != k.peer || k.sawPeer && k.leftAt == 0 {
			return
		}
		// The first time, or again after the other left before the call was
		// on (say, a callee whose accept failed, back with the same call
		// after its next login): the stay that counts is the latest.
		k.sawPeer, k.startAt, k.leftAt = true, at, 0
		p.c.check.sawPeer(k.rec, k.side)
		p.scheduleHangUp(k)
	case room.OnRemoteUserLeaveRoom:
		if ev.User != k.peer || !k.sawPeer || k.leftAt != 0 {
			return
		}
		k.leftAt = at
		if k.phase == phConnected {
			p.peerLeft(k)
		}
		// Not on yet (the callee entered with its accept, whose outcome is
		// still on its way): the outcome decides, and connected comes here.
	}
}

// earlierAnswer tells whether cb reports an answer of the phone's own user to
// a call ringing (or being answered) here that this phone did not make: its
// device's earlier life made it, before a crash, and the shard applied it
// after the device rang again. The SDK reports it as a callback, as it would
// another device's answer (engine.Client: a message the device's name sent
// that this incarnation did not ask is news to it).
func (p *phone) earlierAnswer(k *call, cb *engine.Callback) bool {
	if k.caller || cb.Invitee != p.user || (k.phase != phRinging && k.phase != phAnswering) {
		return false
	}
	p.c.Stats.EarlierAnswers++
	return true
}

// earlierAccept: an earlier accept of the phone's user took effect, made by
// a life of the phone that is gone (its device crashed, or the session was
// logged out, before it heard the answer). The call happened; this life does
// not join it — it cannot know whether the call is still on, and a late
// comer waits alone in an empty room — but ends it at once as hung up: it
// announces the end, which tells the other party, if it is still there.
func (p *phone) earlierAccept(k *call) {
	p.c.check.acceptOK(k.rec)
	k.phase = phConnected
	p.c.check.on(k.rec, k.side)
	p.hangUp(k, "accepted by an earlier life")
}

// peerLeft: the other party left the room of a call that is on. The source
// document: the phone computes the duration and announces the end.
func (p *phone) peerLeft(k *call) {
	start := k.startAt
	if p.opts.CountFromAccept {
		start = k.acceptAt
	}
	p.announce(k, k.leftAt.Sub(start))
	p.end(k, true, "the other party left")
}

// lostRoom: the phone is out of the call's room against its will.
func (p *phone) lostRoom(k *call) {
	switch {
	case k.phase == phConnected:
		p.hangUp(k, "its room was lost")
	case k.caller:
		// Placing the call without a room: give it up.
		k.abandon = true
		if !k.cancelling {
			p.cancel(k)
		}
	default:
		// Answering: if the accept succeeds, hang up at once.
		k.abandon = true
	}
}

// loggedIn tells whether the phone's SDK is logged in (V2TIMManager's
// getLoginStatus): from a logout call on, it is not.
func (p *phone) loggedIn() bool {
	cl := p.d.Client()
	return cl != nil && cl.LoggedIn()
}

// loggedOut: the device's logout succeeded. Calls that were on end as hung
// up; the others the phone gives up without a word (see Calls).
func (p *phone) loggedOut() {
	for _, k := range slices.Clone(p.calls) {
		if k.phase == phConnected {
			p.hangUp(k, "logged out")
			continue
		}
		i := slices.Index(p.calls, k)
		p.calls = slices.Delete(p.calls, i, i+1)
		p.leaveRoom(k)
		p.note(k, "given up, logged out")
		p.c.Stats.LoggedOut++
		p.decide(k, &p.c.Stats.OutGivenUp)
		p.c.check.loggedOut(k.rec, k.side, p.user)
	}
}

func (p *phone) down(at engine.Time) {
	p.life++
	for _, k := range p.calls {
		p.c.check.crashed(k.rec, k.side, p.user, k.room)
		p.decide(k, &p.c.Stats.OutGivenUp)
	}
	p.calls = nil
	clear(p.announcing)
	p.c.check.deviceDown(p.d)
}

func (p *phone) up(at engine.Time) {}

// durSecs formats a duration in whole seconds for messages.
func durSecs(ns time.Duration) string {
	return strconv.FormatFloat(math.Round(float64(ns)/1e6)/1e3, 'f', -1, 64) + "s"
}

// atSecs formats a virtual time (since the start of the run) as durSecs does.
func atSecs(t engine.Time) string { return durSecs(time.Duration(t)) }
