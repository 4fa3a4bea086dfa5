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

// TestInputErrorsBeforeRun: what the text tells once the world is known is
// an input error before anything runs.
func TestInputErrorsBeforeRun(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		// a generator has someone to invite
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
}
