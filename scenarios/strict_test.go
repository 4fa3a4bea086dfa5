package scenarios

import "testing"

// TestInputErrorsAtParseTime: what the text alone tells is wrong is an
// input error at the offending word's file:line:col, found by Parse, never
// a failure found when the line runs.
func TestInputErrorsAtParseTime(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		// a group is defined once
		{"group g owner=alice members=bob\ngroup g owner=bob members=alice", "t.sig:4:7: group g is already defined at line 3 (t.sig:3:7); a group is defined once"},
	} {
		src := "world seed=1\nusers alice bob\n" + c.src + "\nrun 5s\n"
		_, err := Parse("t.sig", []byte(src))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s:\n got %v\nwant %s", c.src, err, c.want)
		}
	}
}
