package apps

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"sigsim/engine"
	"sigsim/room"
	"sigsim/sim"
)

// PickPolicy is how a teacher picks the student to speak.
type PickPolicy uint8

const (
	// PickFirst: the first student whose raised hand the teacher saw.
	PickFirst PickPolicy = iota
	// PickRandom: one of the raised hands the teacher saw, at random (from
	// the teacher's stream).
	PickRandom
	// PickAnyone: any student, hand or not — a buggy teacher app, which breaks
	// speaker-raised.
	PickAnyone
)

func (p PickPolicy) String() string {
	switch p {
	case PickRandom:
		return "random"
	case PickAnyone:
		return "anyone"
	}
	return "first"
}

// ClassOptions are the decisions of the reference classroom app, drawn from
// each member's own stream ("app/class/<user>").
type ClassOptions struct {
	// Timeout of both invitations, in seconds (> 0).
	Timeout int
	// Raise is the share of students who raise a hand (accept the raise-hand
	// invitation) ThinkTime after it rings; LateRaise the share who raise it
	// ThinkTime before the invitation's deadline (racing its timeout). The
	// others let it time out.
	Raise, LateRaise float64
	ThinkTime        sim.Dist
	// Collect is how long the teacher collects hands before picking a
	// student to speak; Pick how it picks.
	Collect time.Duration
	Pick    PickPolicy
	// SpeakTime is how long the speaker stays on mic (camera on in the room).
	SpeakTime sim.Dist
	// Rounds, if > 0, is how many rounds each class runs by itself, one
	// every Interval (> Collect + Timeout); 0: rounds are opened by hand
	// (OpenRaiseHand).
	Rounds   int
	Interval time.Duration
	// Manual: students raise hands and teachers pick only by hand
	// (RaiseHand, Pick); the rest of the flow (entering the room, going on
	// mic when invited to speak, the lists) runs by itself.
	Manual bool
}

// DefaultClassOptions are the classroom workload's defaults.
func DefaultClassOptions() ClassOptions {
	return ClassOptions{Timeout: 10, Raise: 0.05, ThinkTime: sim.LogNormal(1500*time.Millisecond, 0.5),
		Collect: 3 * time.Second, SpeakTime: sim.Const(10 * time.Second), Interval: 30 * time.Second}
}

// Validate reports every invalid option.
func (o ClassOptions) Validate() error {
	var errs []error
	if o.Timeout <= 0 || o.Timeout > 3600 {
		errs = append(errs, fmt.Errorf("timeout %d must be in 1..3600 seconds", o.Timeout))
	}
	if !(o.Raise >= 0 && o.LateRaise >= 0 && o.Raise+o.LateRaise <= 1) {
		errs = append(errs, fmt.Errorf("raise %v and late-raise %v must be probabilities summing to at most 1", o.Raise, o.LateRaise))
	}
	for _, d := range []struct {
		name string
		d    sim.Dist
	}{{"think-time", o.ThinkTime}, {"speak-time", o.SpeakTime}} {
		if err := d.d.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", d.name, err))
		}
	}
	if o.Collect <= 0 {
		errs = append(errs, fmt.Errorf("collect %s must be positive", time.Duration(o.Collect)))
	}
	if o.Pick > PickAnyone {
		errs = append(errs, fmt.Errorf("unknown pick policy %d", o.Pick))
	}
	if o.Rounds < 0 {
		errs = append(errs, fmt.Errorf("rounds %d must not be negative", o.Rounds))
	}
	if min := o.Collect + engine.TimeoutDuration(o.Timeout); o.Rounds > 0 && o.Interval <= min {
		errs = append(errs, fmt.Errorf("interval %s must exceed collect + timeout (%s): a round must end before the next",
			time.Duration(o.Interval), time.Duration(min)))
	}
	return errors.Join(errs...)
}

// Describe lists the options, "key=value" each, in a fixed order.
func (o ClassOptions) Describe() []string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	l := []string{"timeout=" + strconv.Itoa(o.Timeout) + "s", "raise=" + f(o.Raise), "late-raise=" + f(o.LateRaise),
		"think-time=" + o.ThinkTime.String(), "collect=" + time.Duration(o.Collect).String(), "pick=" + o.Pick.String(),
		"speak-time=" + o.SpeakTime.String(), "rounds=" + strconv.Itoa(o.Rounds), "interval=" + time.Duration(o.Interval).String()}
	if o.Manual {
		l = append(l, "manual")
	}
	return l
}

// Classroom is the source document's raise-hand flow, as an app each member
// of a class runs. A class is a group: its owner is the teacher, the other
// members the students, all of them in the class's room ("class-<group>"):
// the teacher as an anchor with its camera on, the students in the audience
// (unseen). A round: the teacher invites every student to
// raise a hand (InviteInGroup, data {"cmd":"raise-hand","round":N}); a
// student raises one by accepting; every member sees each accept
// (OnInviteeAccepted) and keeps the list of raised hands; after Collect the
// teacher invites one of the students on its list to speak
// ({"cmd":"speak"}); that student accepts and goes on mic — switches to
// anchor and opens its camera, which everyone sees (OnRemoteUserEnterRoom,
// OnUserVideoAvailable) — for SpeakTime, then goes back to the audience.
// Students who do not raise a hand let the invitation time out.
//
// Its invariants (ClassChecker): only a student who raised a hand is invited
// to speak (speaker-raised), and everyone sees the same list of raised hands
// (hands-agreement).
type Classroom struct {
	h       *Host
	w       *sim.World
	opts    ClassOptions
	classes map[string]*class
	members map[string]*member // by user
	check   *ClassChecker
	seed    uint64
	// Stats count what happened and what the checker found.
	Stats ClassStats
	// Observe, if set, gets each measurement: "ring" (raise-hand invite → a
	// member's ring), "speak_ring" (speak invite → a member's ring), "accept"
	// (a student's raise → the teacher sees it), "on_mic" (speak invite → a
	// member sees the speaker's video), in nanoseconds.
	Observe func(name string, at engine.Time, value time.Duration)
}

// ClassStats count rounds and hands, and the checker's findings. Rounds,
// NoHands (rounds without a hand to pick), Picked, Spoke and
// NoHandTimeouts (students who let the raise-hand invitation time out) are
// counted at the teacher; Raised (told their raise succeeded) at the
// students; OnMic at every member that saw a speaker's video.
type ClassStats struct {
	Rounds, Raised, NoHands, Picked, Spoke, OnMic, EarlierRound, NoHandTimeouts int64
	WrongSpeakers, HandsDisagreements                                           int64
}

type class struct {
	group, room string
	teacher     *member
	members     []*member // the teacher first
	round       int
	raiseID     string
	raiseAt     engine.Time
	speakID     string
	speakAt     engine.Time
}

// member is the classroom app on one device.
type member struct {
	cl      *Classroom
	c       *class
	d       *sim.Device
	user    string
	teacher bool
	r       *sim.Rand
	life    uint32
	room    roomState
	// The latest raise-hand round it heard of.
	raiseID  string
	round    int
	invitees []string
	raised   []string // in the order it saw them
	outcomes int      // invitees final (raised or timed out)
	final    bool
	raiseAt  engine.Time // student: when it raised (for "accept")
	speakID  string
}

// NewClassroom makes the classroom app of a host.
func NewClassroom(h *Host, o ClassOptions) (*Classroom, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	cl := &Classroom{h: h, w: h.w, opts: o, classes: map[string]*class{}, members: map[string]*member{}, seed: h.w.Options().Seed}
	cl.check = newClassChecker(cl)
	return cl, nil
}

// Options returns the app's options.
func (cl *Classroom) Options() ClassOptions { return cl.opts }

// Checker returns the classroom invariants' checker.
func (cl *Classroom) Checker() *ClassChecker { return cl.check }

// AddClass runs the app on a class's devices: the group (which must exist,
// with these members) and its teacher's and students' devices. The members
// enter the class room at start; with Rounds > 0, the rounds begin one
// Interval later.
func (cl *Classroom) AddClass(group string, teacher *sim.Device, students []*sim.Device, start engine.Time) error {
	if cl.classes[group] != nil {
		return fmt.Errorf("class %s exists", group)
	}
	c := &class{group: group, room: "class-" + group}
	for i, d := range append([]*sim.Device{teacher}, students...) {
		if cl.members[d.User] != nil {
			return fmt.Errorf("%s is in class %s already", d.User, cl.members[d.User].c.group)
		}
		m := &member{cl: cl, c: c, d: d, user: d.User, teacher: i == 0, r: sim.NewRand(cl.seed, "app/class/"+d.User)}
		if err := cl.h.attach(d, m); err != nil {
			return err
		}
		cl.members[d.User] = m
		c.members = append(c.members, m)
	}
	c.teacher = c.members[0]
	cl.classes[group] = c
	cl.w.At(start, func() {
		for _, m := range c.members {
			m.enter()
		}
	})
	for k := range cl.opts.Rounds {
		cl.w.At(start.Add(time.Duration(k+1)*cl.opts.Interval), func() {
			if !c.teacher.d.Down() {
				c.teacher.openRaiseHand()
			}
		})
	}
	return nil
}

// OpenRaiseHand makes a class's teacher open a round: it invites every
// student to raise a hand. It returns the invitation's ID.
func (cl *Classroom) OpenRaiseHand(group string) (string, error) {
	c := cl.classes[group]
	if c == nil {
		return "", fmt.Errorf("no class %s", group)
	}
	id := c.teacher.openRaiseHand()
	if id == "" {
		return "", fmt.Errorf("%s could not invite", c.teacher.user)
	}
	return id, nil
}

// RaiseHand makes a student raise its hand in the current round.
func (cl *Classroom) RaiseHand(student string) error {
	m := cl.members[student]
	if m == nil || m.teacher || m.raiseID == "" || m.final {
		return fmt.Errorf("%s has no round to raise a hand in", student)
	}
	m.raise(m.raiseID)
	return nil
}

// Pick makes a class's teacher invite a student to speak (from its list,
// or anyone: the script decides). It returns the invitation's ID.
func (cl *Classroom) Pick(group, student string) (string, error) {
	c := cl.classes[group]
	if c == nil {
		return "", fmt.Errorf("no class %s", group)
	}
	id := c.teacher.invite(student)
	if id == "" {
		return "", fmt.Errorf("%s could not invite %s", c.teacher.user, student)
	}
	return id, nil
}

// Raised is the list of raised hands a member sees in its latest round, in
// the order it saw them.
func (cl *Classroom) Raised(user string) []string {
	if m := cl.members[user]; m != nil {
		return slices.Clone(m.raised)
	}
	return nil
}

// Member tells a user's class, and whether it is its teacher; ok is false
// if the user runs no classroom app.
func (cl *Classroom) Member(user string) (group string, teacher, ok bool) {
	if m := cl.members[user]; m != nil {
		return m.c.group, m.teacher, true
	}
	return "", false, false
}

// Describe lists the counters, "key=value" each, in a fixed order.
func (s ClassStats) Describe() string {
	return fmt.Sprintf("rounds=%d raised=%d no-hand-timeouts=%d no-hands=%d picked=%d spoke=%d on-mic=%d earlier-round=%d wrong-speakers=%d hands-disagreements=%d",
		s.Rounds, s.Raised, s.NoHandTimeouts, s.NoHands, s.Picked, s.Spoke, s.OnMic, s.EarlierRound, s.WrongSpeakers, s.HandsDisagreements)
}

func (cl *Classroom) observe(name string, at engine.Time, v time.Duration) {
	if cl.Observe != nil {
		cl.Observe(name, at, v)
	}
}

func (m *member) w() *sim.World { return m.cl.w }

// note records a decision of the member as a trace note, "class GROUP round
// N: what".
func (m *member) note(format string, args ...any) {
	m.w().AppNote(m.d, "class "+m.c.group+" round "+strconv.Itoa(m.round)+": "+fmt.Sprintf(format, args...))
}

func (m *member) later(t engine.Time, f func()) {
	life := m.life
	m.w().At(t, func() {
		if m.life == life {
			f()
		}
	})
}

func (m *member) enter() {
	if m.room == roomEntering || m.room == roomIn || m.d.Down() {
		return
	}
	m.room = roomEntering
	role := room.RoleAudience // the students watch the teacher; they are not seen
	if m.teacher {
		role = room.RoleAnchor
	}
	m.w().EnterRoomAs(m.d, m.c.room, role)
}

// openRaiseHand: the teacher opens a round.
func (m *member) openRaiseHand() string {
	c := m.c
	w := m.w()
	c.round++
	c.raiseAt = w.Now()
	students := make([]string, 0, len(c.members)-1)
	for _, s := range c.members[1:] {
		students = append(students, s.user)
	}
	id, _ := w.InviteInGroup(m.d, c.group, students, classData("raise-hand", c.round), false, m.cl.opts.Timeout)
	if id == "" {
		return ""
	}
	c.raiseID, c.speakID = id, ""
	m.cl.Stats.Rounds++
	m.cl.check.opened(c.group, c.round, id, students)
	m.heard(id, c.round, students)
	if !m.cl.opts.Manual {
		round := c.round
		m.later(w.Now().Add(m.cl.opts.Collect), func() {
			if c.round == round && m.raiseID == id {
				m.pick()
			}
		})
	}
	return id
}

// pick: the teacher picks a student to speak, by its policy.
func (m *member) pick() {
	o := &m.cl.opts
	var s string
	switch {
	case o.Pick == PickAnyone:
		s = m.c.members[1+m.r.IntN(len(m.c.members)-1)].user
	case len(m.raised) == 0:
		m.cl.Stats.NoHands++
		m.note("no hands")
		return
	case o.Pick == PickRandom:
		s = m.raised[m.r.IntN(len(m.raised))]
	default:
		s = m.raised[0]
	}
	m.invite(s)
}

func (m *member) invite(student string) string {
	c := m.c
	w := m.w()
	c.speakAt = w.Now()
	m.note("picks %s", student)
	m.cl.check.picked(m.d, c.group, m.raiseID, student)
	id, _ := w.InviteInGroup(m.d, c.group, []string{student}, classData("speak", c.round), false, m.cl.opts.Timeout)
	if id != "" {
		c.speakID = id
		m.cl.Stats.Picked++
	}
	return id
}

// heard: a raise-hand round's invitation reached the member.
func (m *member) heard(id string, round int, invitees []string) {
	m.raiseID, m.round, m.invitees = id, round, invitees
	m.raised, m.outcomes, m.final = m.raised[:0], 0, false
}

func (m *member) raise(id string) {
	m.raiseAt = m.w().Now()
	m.w().Answer(m.d, engine.OpAccept, id, "")
}

func (m *member) callback(at engine.Time, cb *engine.Callback) {
	c := m.c
	if cb.GroupID != "" && cb.GroupID != c.group {
		return
	}
	switch cb.Kind {
	case engine.OnReceiveNewInvitation:
		d, _ := parse(cb.Data)
		switch d.cmd {
		case "raise-hand":
			if cb.InviteID == m.raiseID {
				return
			}
			m.heard(cb.InviteID, d.round, cb.Invitees)
			m.cl.observe("ring", at, at.Sub(c.raiseAt))
			if m.teacher || !slices.Contains(cb.Invitees, m.user) || m.cl.opts.Manual {
				return
			}
			u := m.r.Float64()
			think := m.cl.opts.ThinkTime.Sample(m.r)
			id := cb.InviteID
			o := &m.cl.opts
			switch {
			case u < o.Raise:
				m.note("will raise a hand after %s", time.Duration(think))
				m.later(at.Add(think), func() {
					if m.raiseID == id && !m.final {
						m.raise(id)
					}
				})
			case u < o.Raise+o.LateRaise:
				m.note("will raise a hand %s before its deadline", time.Duration(think))
				deadline := at.Add(engine.TimeoutDuration(o.Timeout))
				m.later(max(at, deadline.Add(-think)), func() {
					if m.raiseID == id {
						m.raise(id)
					}
				})
			}
		case "speak":
			m.cl.observe("speak_ring", at, at.Sub(c.speakAt))
			if m.teacher || !slices.Contains(cb.Invitees, m.user) {
				return
			}
			m.speakID = cb.InviteID
			id := cb.InviteID
			think := m.cl.opts.ThinkTime.Sample(m.r)
			m.later(at.Add(think), func() {
				if m.speakID == id {
					m.w().Answer(m.d, engine.OpAccept, id, "")
				}
			})
		}
	case engine.OnInviteeAccepted:
		switch {
		case cb.InviteID == m.raiseID:
			if slices.Contains(m.raised, cb.Invitee) {
				return
			}
			m.raised = append(m.raised, cb.Invitee)
			m.outcome()
			if m.teacher {
				if s := m.cl.members[cb.Invitee]; s != nil && s.raiseAt > 0 {
					m.cl.observe("accept", at, at.Sub(s.raiseAt))
				}
			}
		case cb.InviteID == c.speakID && m.teacher:
			m.cl.Stats.Spoke++
		case m.raiseID != cb.InviteID && c.speakID != cb.InviteID:
			m.cl.Stats.EarlierRound++
		}
	case engine.OnInvitationTimeout:
		if cb.InviteID == m.raiseID {
			if m.teacher {
				m.cl.Stats.NoHandTimeouts += int64(len(cb.Invitees))
			}
			m.outcomes += len(cb.Invitees)
			m.outcome()
		}
	}
}

// outcome: one more invitee of the round is final for this member; when all
// are, its list is final.
func (m *member) outcome() {
	if m.final || len(m.raised)+m.outcomes < len(m.invitees) {
		return
	}
	m.final = true
	m.note("hands %v", m.raised)
	m.cl.check.handsFinal(m.d, m.raiseID, m.raised)
}

func (m *member) result(at engine.Time, r *engine.Result) {
	if r.Op != engine.OpAccept {
		return
	}
	switch {
	case r.InviteID == m.raiseID && r.Code == engine.OK:
		// Its own hand: told by the result, not a callback.
		m.cl.Stats.Raised++
		m.cl.check.raised(m.raiseID, m.user)
		if !slices.Contains(m.raised, m.user) {
			m.raised = append(m.raised, m.user)
			m.outcome()
		}
	case r.InviteID == m.speakID && r.Code == engine.OK:
		// Invited to speak and accepted: on mic, an anchor with its
		// camera on (everyone sees it enter and its video), until it is
		// back in the audience.
		speak := m.cl.opts.SpeakTime.Sample(m.r)
		m.note("on mic for %s", time.Duration(speak))
		m.w().SwitchRole(m.d, m.c.room, room.RoleAnchor)
		m.w().RoomVideo(m.d, m.c.room, true)
		id := m.speakID
		m.later(at.Add(speak), func() {
			if m.speakID == id {
				m.note("off mic")
				m.w().RoomVideo(m.d, m.c.room, false)
				m.w().SwitchRole(m.d, m.c.room, room.RoleAudience)
			}
		})
	}
}

func (m *member) roomEvent(at engine.Time, ev *room.Event) {
	if ev.Room != m.c.room {
		return
	}
	switch ev.Kind {
	case room.OnEnterRoom:
		if ev.Code != room.OK {
			m.room = roomNone
			m.later(at.Add(time.Second), m.enter)
			return
		}
		m.room = roomIn
		if m.teacher {
			m.w().RoomVideo(m.d, m.c.room, true)
		}
	case room.OnExitRoom:
		if ev.Reason != room.ReasonExit {
			m.room = roomNone // lost: enter again
			m.later(at.Add(time.Second), m.enter)
		}
	case room.OnUserVideoAvailable:
		if ev.Available && m.c.speakID != "" && ev.User != m.c.teacher.user {
			m.cl.Stats.OnMic++
			m.cl.observe("on_mic", at, at.Sub(m.c.speakAt))
		}
	}
}

func (m *member) down(at engine.Time) {
	m.life++
	m.room = roomNone
	m.raiseID, m.speakID, m.raised, m.invitees, m.final, m.outcomes = "", "", nil, nil, false, 0
}

func (m *member) up(at engine.Time) { m.enter() }
