package apps

import (
	"slices"
	"strings"
	"testing"
	"time"

	"sigsim/engine"
	"sigsim/sim"
)

// classWorld is a class g: teacher t, students s1..sN, every device logged in
// and running the classroom app with o, entering the room at 0.
func classWorld(t testing.TB, so sim.Options, o ClassOptions, students int) (*sim.World, *Classroom) {
	t.Helper()
	so.Record = true
	if so.Link.Latency == (sim.Dist{}) {
		so.Link.Latency = sim.Const(40 * time.Millisecond)
	}
	w, err := sim.New(so)
	if err != nil {
		t.Fatal(err)
	}
	teacher, _ := w.AddDevice("t", "1")
	w.Login(teacher)
	var devs []*sim.Device
	var names []string
	for i := 1; i <= students; i++ {
		u := "s" + string(rune('0'+i))
		d, err := w.AddDevice(u, "1")
		if err != nil {
			t.Fatal(err)
		}
		w.Login(d)
		devs, names = append(devs, d), append(names, u)
	}
	if err := w.LoadGroup("g", "t", names); err != nil {
		t.Fatal(err)
	}
	cl, err := NewClassroom(NewHost(w), o)
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.AddClass("g", teacher, devs, 0); err != nil {
		t.Fatal(err)
	}
	return w, cl
}

func classClean(t *testing.T, w *sim.World, cl *Classroom) {
	t.Helper()
	if v := w.Violations(); len(v) > 0 {
		t.Fatalf("violations: %v", v)
	}
	if v := cl.Checker().Violations(); len(v) > 0 {
		t.Fatalf("class violations: %v", v)
	}
}

// A scripted round of the source document: the teacher asks for hands, two
// students raise theirs, everyone sees the same two, the teacher invites the
// second to speak, who goes on mic, which everyone sees.
func TestClassroomScriptedRound(t *testing.T) {
	o := DefaultClassOptions()
	o.Manual = true
	o.ThinkTime = sim.Const(500 * time.Millisecond)
	w, cl := classWorld(t, sim.Options{Seed: 40}, o, 4)
	var speakID string
	w.At(sec(1), func() {
		if _, err := cl.OpenRaiseHand("g"); err != nil {
			t.Error(err)
		}
	})
	w.At(sec(2), func() { cl.RaiseHand("s2"); cl.RaiseHand("s3") })
	w.At(sec(4), func() {
		for _, u := range []string{"t", "s1", "s2", "s3", "s4"} {
			if got := cl.Raised(u); len(got) != 2 || !slices.Contains(got, "s2") || !slices.Contains(got, "s3") {
				t.Errorf("%s sees %v", u, got)
			}
		}
		var err error
		if speakID, err = cl.Pick("g", "s3"); err != nil {
			t.Error(err)
		}
	})
	w.RunQuiet(sec(120))
	classClean(t, w, cl)
	l := story(w)
	mustHave(t, l, "1000.000ms call", "t/1  invite-group g invitees=s1,s2,s3,s4 timeout=10s", `cmd\":\"raise-hand\",\"round\":1`)
	mustHave(t, l, "2000.000ms call", "s2/1  accept")
	mustHave(t, l, "callback s4/1  OnInviteeAccepted(", "invitee=s3")
	mustHave(t, l, "4000.000ms call", "t/1  invite-group g invitees=s3", `cmd\":\"speak\"`)
	mustHave(t, l, "call", "s3/1  accept "+speakID)
	mustHave(t, l, "0.000ms call", "s1/1  enter-room class-g audience")
	mustHave(t, l, "0.000ms call", "t/1  enter-room class-g")
	mustHave(t, l, "call", "s3/1  switch-role class-g anchor")
	mustHave(t, l, "call", "s3/1  video class-g on")
	mustHave(t, l, "callback s1/1  OnRemoteUserEnterRoom(class-g, user=s3)")
	mustHave(t, l, "call", "s3/1  switch-role class-g audience")
	if has(l, "callback t/1  OnRemoteUserEnterRoom(class-g, user=s1)") {
		t.Error("the audience was seen")
	}
	mustHave(t, l, "callback s1/1  OnUserVideoAvailable(class-g, user=s3, available=true)")
	mustHave(t, l, "callback t/1  OnUserVideoAvailable(class-g, user=s3, available=false)")
	if s := cl.Stats; s.Rounds != 1 || s.Raised != 2 || s.Picked != 1 || s.Spoke != 1 || s.OnMic != 4 {
		t.Errorf("stats %+v", s)
	}
}

// Rounds that run by themselves, every student raising a hand with some
// chance: every list agrees with every other, and the teacher only picks
// from it.
func TestClassroomRounds(t *testing.T) {
	o := DefaultClassOptions()
	o.Raise, o.Rounds = 0.4, 6
	w, cl := classWorld(t, sim.Options{Seed: 41}, o, 8)
	var rings int
	cl.Observe = func(name string, at engine.Time, v time.Duration) {
		if name == "ring" {
			rings++
		}
	}
	w.RunQuiet(sec(600))
	classClean(t, w, cl)
	if s := cl.Stats; s.Rounds != 6 || s.Raised < 6 || s.Picked+s.NoHands != 6 || s.Spoke != s.Picked {
		t.Errorf("stats %+v", s)
	}
	if rings != 6*8 {
		t.Errorf("%d rings, want one per student and round", rings)
	}
}

// A teacher app that picks anyone breaks speaker-raised.
func TestClassroomSpeakerWithoutHand(t *testing.T) {
	o := DefaultClassOptions()
	o.Manual = true
	w, cl := classWorld(t, sim.Options{Seed: 42, KeepGoing: true}, o, 3)
	w.At(sec(1), func() { cl.OpenRaiseHand("g") })
	w.At(sec(2), func() { cl.RaiseHand("s1") })
	w.At(sec(4), func() { cl.Pick("g", "s2") })
	w.RunQuiet(sec(120))
	v := cl.Checker().Violations()
	if len(v) != 1 || v[0].Invariant != InvSpeakerRaised || !strings.Contains(v[0].Text, "t invites s2 to speak in class g round 1; the raised hands are [s1]") {
		t.Fatalf("violations %v", v)
	}

	o = DefaultClassOptions()
	o.Pick, o.Raise, o.Rounds = PickAnyone, 0.3, 5
	w, cl = classWorld(t, sim.Options{Seed: 43, KeepGoing: true}, o, 6)
	w.RunQuiet(sec(600))
	if cl.Stats.WrongSpeakers == 0 {
		t.Errorf("a teacher picking anyone never picked a student without a hand: %+v", cl.Stats)
	}
}

// Students raising their hands at the edge of the timeout: in client mode
// each member times the invitation out by its own clock from its arrival,
// and a late hand reaches some after they did — they do not see it, others
// do. In server mode the shard decides once for everyone.
func TestClassroomLateHands(t *testing.T) {
	o := DefaultClassOptions()
	o.Raise, o.LateRaise, o.Rounds = 0.2, 0.5, 4
	o.ThinkTime = sim.Uniform(0, 100*time.Millisecond)
	w, cl := classWorld(t, sim.Options{Seed: 44, Mode: engine.ModeClient, KeepGoing: true,
		Link: sim.LinkOptions{Latency: sim.Uniform(10*time.Millisecond, 60*time.Millisecond)}}, o, 6)
	w.RunQuiet(sec(600))
	if got := invariants(cl.Checker().Violations()); !slices.Contains(got, InvHandsAgreement) {
		t.Fatalf("client mode: violations %v, want hands-agreement", cl.Checker().Violations())
	}
	w, cl = classWorld(t, sim.Options{Seed: 44, Link: sim.LinkOptions{Latency: sim.Uniform(10*time.Millisecond, 60*time.Millisecond)}}, o, 6)
	w.RunQuiet(sec(600))
	classClean(t, w, cl)
	if cl.Stats.Raised == 0 {
		t.Errorf("no hand raised: %+v", cl.Stats)
	}
}
