package apps

import (
	"fmt"
	"slices"

	"sigsim/engine"
	"sigsim/sim"
)

// The classroom's invariants.
const (
	// InvSpeakerRaised: only a student who raised a hand (whose accept of
	// the round's raise-hand invitation succeeded: in server mode the
	// server's decision, in client mode what the student was told) is
	// invited to speak.
	InvSpeakerRaised = "speaker-raised"
	// InvHandsAgreement: every member sees the same list of raised hands:
	// once the round's raise-hand invitation is over for a member (each
	// student raised a hand or timed out, as far as it knows), its list is
	// the students who raised a hand. Judged once per member and round; a
	// member that crashed meanwhile has no list.
	InvHandsAgreement = "hands-agreement"
)

// ClassInvariants lists the classroom's invariants.
var ClassInvariants = []string{InvSpeakerRaised, InvHandsAgreement}

// ClassChecker checks the classroom invariants. It keeps the last two
// rounds of each class.
type ClassChecker struct {
	cl         *Classroom
	w          *sim.World
	rounds     map[string]*roundRec // by raise-hand invitation ID
	byGroup    map[string][]string  // the IDs it keeps, oldest first
	violations []sim.Violation
}

type roundRec struct {
	group      string
	round      int
	students   []string
	acceptOK   []string // students told their raise succeeded
	disagreed  bool     // a hands-agreement violation was reported
	judgements int
}

func newClassChecker(cl *Classroom) *ClassChecker {
	return &ClassChecker{cl: cl, w: cl.w, rounds: map[string]*roundRec{}, byGroup: map[string][]string{}}
}

// Violations lists what the checker found.
func (cc *ClassChecker) Violations() []sim.Violation { return cc.violations }

func (cc *ClassChecker) violate(inv string, d *sim.Device, format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	node := "-"
	if d != nil {
		node = d.Name
	}
	cc.violations = append(cc.violations, sim.Violation{Invariant: inv, At: cc.w.Now(), Event: cc.w.Events(), Node: node, Text: text})
	switch inv {
	case InvSpeakerRaised:
		cc.cl.Stats.WrongSpeakers++
	case InvHandsAgreement:
		cc.cl.Stats.HandsDisagreements++
	}
	cc.w.Report(inv, d, text)
}

func (cc *ClassChecker) opened(group string, round int, id string, students []string) {
	cc.rounds[id] = &roundRec{group: group, round: round, students: students}
	l := append(cc.byGroup[group], id)
	if len(l) > 2 {
		delete(cc.rounds, l[0])
		l = l[1:]
	}
	cc.byGroup[group] = l
}

func (cc *ClassChecker) raised(id, student string) {
	if r := cc.rounds[id]; r != nil && !slices.Contains(r.acceptOK, student) {
		r.acceptOK = append(r.acceptOK, student)
	}
}

// hands are the students who raised a hand in a round, sorted.
func (cc *ClassChecker) hands(id string, r *roundRec) []string {
	var l []string
	if o := cc.w.Options(); o.Mode == engine.ModeServer && !o.NoChecks {
		for _, s := range r.students { // the server's decisions (the world's checker keeps them)
			if st, ok := cc.w.Outcome(id, s); ok && st == engine.Accepted {
				l = append(l, s)
			}
		}
		slices.Sort(l)
		return l
	}
	l = slices.Clone(r.acceptOK)
	slices.Sort(l)
	return l
}

// picked: the teacher invites a student to speak after round id.
func (cc *ClassChecker) picked(d *sim.Device, group, id, student string) {
	r := cc.rounds[id]
	if r == nil {
		cc.violate(InvSpeakerRaised, d, "%s invites %s to speak in class %s with no round open", d.User, student, group)
		return
	}
	if !slices.Contains(cc.hands(id, r), student) {
		cc.violate(InvSpeakerRaised, d, "%s invites %s to speak in class %s round %d; the raised hands are %v",
			d.User, student, group, r.round, cc.hands(id, r))
	}
}

// handsFinal: a member's list for round id is final.
func (cc *ClassChecker) handsFinal(d *sim.Device, id string, seen []string) {
	r := cc.rounds[id]
	if r == nil {
		return
	}
	r.judgements++
	got := slices.Clone(seen)
	slices.Sort(got)
	if want := cc.hands(id, r); !slices.Equal(got, want) && !r.disagreed {
		r.disagreed = true
		cc.violate(InvHandsAgreement, d, "%s sees raised hands %v in class %s round %d; the raised hands are %v",
			d.User, got, r.group, r.round, want)
	}
}
