package scenarios

import (
	"strings"
	"testing"
)

// TestInputErrorsAtParseTime: what the text alone tells is wrong is an
// input error at the offending word's file:line:col, found by Parse, never
// a failure found when the line runs.
func TestInputErrorsAtParseTime(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		// a group is defined once
		{"group g owner=alice members=bob\ngroup g owner=bob members=alice", "t.sig:4:7: group g is already defined at line 3 (t.sig:3:7); a group is defined once"},
		// run-time-only checks, moved to the text
		{"at 1s pause s0 for=0", "t.sig:3:16: pause: for= must be more than 0 (how long the node is frozen)"},
		{"generate invites count=0 from=alice to=bob rate=5/s", "t.sig:3:18: generate: count= must be at least 1 (a generator of no invitation does nothing)"},
		{"generate invites count=3 from=alice to=bob rate=0/s", "t.sig:3:44: generate: rate= must be more than 0 (at rate 0 nothing is ever generated)"},
		{"generate invites from=alice to=bob answer=acept:0.5", `t.sig:3:36: generate: answer "acept" is not accept, reject or cancel (did you mean "accept"?)`},
		{"generate invites from=alice to=bob answer=accept:0.7,reject:0.5", "t.sig:3:36: generate: answer: weights add up to 1.2, more than 1"},
		{"at 1s hold \"x\" as h\nat 2s release h\nat 3s release h", "t.sig:5:15: release h: h is already released at line 4 (t.sig:4:15); a hold is released once"},
		{"expect blah", `t.sig:3:8: expect: "blah" is not an invitation handle (defined above with as NAME) nor count, result, violation, violations`},
		{"expect violatoins 0", `t.sig:3:8: expect: "violatoins" is not an invitation handle (defined above with as NAME) nor count, result, violation, violations (did you mean "violations"?)`},
		{"expect violations x", `t.sig:3:19: expect violations N: "x" is not a number of violations`},
		{"expect violation agreemnt", `t.sig:3:18: expect violation INVARIANT: unknown invariant "agreemnt" (did you mean "agreement"?); one of ` + strings.Join(invariants, ", ")},
		{"expect count OnX >> 1", `t.sig:3:18: expect count: unknown operator ">>" (one of = != < <= > >=)`},
		{"expect count frames = 1", `t.sig:3:14: expect count: unknown name "frames" (a callback such as OnInvitationTimeout, or calls, callbacks, drops, dups, events, pushes, results, violations, or a counter of the call app such as call.ghosts)`},
		{"expect result c = ok", `t.sig:3:15: expect: "c" is not an invitation handle defined above (with as NAME)`},
		{"alice invite bob as c\nexpect c bob=acepted", `t.sig:4:10: expect c: bob=acepted: unknown state "acepted" (did you mean "accepted"?); one of pending, accepted, rejected, cancelled, timed-out, dropped`},
		{"alice invite bob as c\nexpect c", "t.sig:4:8: expect c: say what each invitee should be, e.g. expect c bob=accepted"},
		{"at 1s hold \"x\" as h\nexpect h bob=pending", `t.sig:4:8: expect: handle "h" names a held-frames group (defined at t.sig:3:19), not an invitation`},
	} {
		src := "world seed=1\nusers alice bob\n" + c.src + "\nrun 5s\n"
		_, err := Parse("t.sig", []byte(src))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s:\n got %v\nwant %s", c.src, err, c.want)
		}
	}
}

// TestInputErrorsBeforeRun: what the text tells once the world is known,
// and the schedule, are input errors before anything runs.
func TestInputErrorsBeforeRun(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		// the users an expect names are declared
		{"at 1s alice invite bob as c\nrun 5s\nexpect c zed=pending", `t.sig:5:10: expect c: unknown user "zed"; declare it with users`},
		{"at 1s alice invite bob as c\nrun 5s\nexpect result bobb accept c = ok", `t.sig:5:15: expect: unknown device bobb/1 (did you mean "bob"?; declare it with users)`},
		// a node on both sides of a partition
		{"at 1s partition alice | alice\nrun 2s", "t.sig:3:25: partition: alice is on two sides (alice and alice): a node cannot be cut from itself"},
		{"at 1s partition alice,bob | s0,bob/1\nrun 2s", "t.sig:3:29: partition: bob/1 is on two sides (alice,bob and s0,bob/1): a node cannot be cut from itself"},
		// every scheduled command runs at its time
		{"at 10s alice invite bob\nrun 1s", "t.sig:3:4: at 10s never runs: the runs end at 1s (run longer, or give an earlier time)"},
		{"run 1s\nat 500ms alice invite bob\nrun 1s", "t.sig:4:4: at 500ms is in the past: the runs above end at 1s (write a later time, or move the line above the run)"},
		{"run 1s\nat 1s alice invite bob", "t.sig:4:4: at 1s never runs: no run comes after this line (add one, e.g. run 10s)"},
		{"generate invites from=alice to=bob start=3s\nrun 2s", "t.sig:3:36: start=3s never runs: the runs end at 2s (run longer, or give an earlier time)"},
		{"at 2h alice invite bob\nrun until quiet limit=1m", "t.sig:3:4: at 2h0m0s never runs: the runs end at 1m0s at the latest (run until quiet stops at its limit=) (run longer, or give an earlier time)"},
		{"expect violations 0", "t.sig:1:1: the scenario never runs: it has no run command, so nothing happens and every expect would judge an empty world (add one, e.g. run 10s)"},
		{"generate invites from=alice rate=5/s\nrun 1s", "t.sig:3:1: generate: missing required to=LIST (who is invited)"},
	} {
		src := "world seed=1\nusers alice bob\n" + c.src + "\n"
		f, err := Parse("t.sig", []byte(src))
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if _, err := Run(f, RunOptions{}); err == nil || err.Error() != c.want {
			t.Errorf("%s:\n got %v\nwant %s", c.src, err, c.want)
		}
	}
	// What is fine stays fine: an at at the runs' end, after run until quiet
	// within its limit, in a later block.
	for _, src := range []string{
		"at 1s alice invite bob\nrun 1s",
		"at 30s alice invite bob\nrun until quiet limit=1m",
		"at 3s alice invite bob\nrun 1s\nrun 2s",
		"run 1s\nat 1s alice invite bob\nrun 0s",
	} {
		f, err := Parse("t.sig", []byte("users alice bob\n"+src+"\n"))
		if err == nil {
			_, err = Run(f, RunOptions{})
		}
		if err != nil {
			t.Errorf("%s: %v", src, err)
		}
	}
}

func runSrc(t *testing.T, src string) *Result {
	t.Helper()
	f, err := Parse("t.sig", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(f, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestExpectOfSomeoneTheInvitationDoesNotConcern: an expect of the state of
// a user who is neither the inviter nor an invitee (nor a member of the
// group of a group invitation) fails, whatever the state it expects.
func TestExpectOfSomeoneTheInvitationDoesNotConcern(t *testing.T) {
	res := runSrc(t, "world seed=1\nusers alice bob carol dave\ngroup grp owner=alice members=bob,dave\n"+
		"at 100ms alice invite bob timeout=10s as c\nat 200ms alice invite-group grp invitees=bob timeout=10s as g\n"+
		"at 1s bob accept c\nrun 20s\n"+
		"expect c carol=pending\nexpect c alice=pending bob=accepted\nexpect g carol=pending\nexpect g dave=pending bob=timed-out\n")
	want := []string{
		"t.sig:8:1: expect c carol=pending: carol is neither the inviter nor an invitee of c (alice invited bob): it has no state there",
		"t.sig:10:1: expect g carol=pending: carol is neither the inviter nor an invitee of g (alice invited bob in group grp, which carol is not a member of): it has no state there",
	}
	if strings.Join(res.Failures, "\n") != strings.Join(want, "\n") {
		t.Errorf("failures:\n%s\nwant\n%s", strings.Join(res.Failures, "\n"), strings.Join(want, "\n"))
	}
}

// TestExpectViolationExcusesOnlyItsInvariant: expect violation X announces
// the violations of X, not those of another invariant.
func TestExpectViolationExcusesOnlyItsInvariant(t *testing.T) {
	const src = "world seed=18 mode=client latency=uniform(20ms,400ms)\nusers alice bob\n" +
		"at 100ms alice invite bob timeout=30s as call\nat 1.6s bob accept call\nat 2s alice cancel call\nrun 40s\n"
	res := runSrc(t, src+"expect violation no-resurrection\n")
	if !res.Unexpected || res.Violations[res.FirstUnexpected].Invariant != "agreement" {
		t.Errorf("agreement was excused by expect violation no-resurrection: %v", res.Violations)
	}
	res = runSrc(t, src+"expect violation no-resurrection\nexpect violation agreement\n")
	if res.Unexpected || len(res.Failures) > 0 {
		t.Errorf("both announced: unexpected %v, failures %v", res.Unexpected, res.Failures)
	}
	res = runSrc(t, src+"expect violations 2\n")
	if res.Unexpected || len(res.Failures) > 0 {
		t.Errorf("expect violations 2: unexpected %v, failures %v", res.Unexpected, res.Failures)
	}
	// The run stops at the first violating event (stop=on-violation).
	if !res.World.Stopped() {
		t.Errorf("the run did not stop at the first violation")
	}
}
