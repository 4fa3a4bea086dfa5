package buildinfo

import (
	"runtime"
	"strings"
	"testing"
)

func TestCommit(t *testing.T) {
	for _, c := range []struct {
		in   Info
		want string
	}{
		{Info{}, "unknown"},
		{Info{Revision: "0123456789abcdef0123"}, "0123456789ab"},
		{Info{Revision: "0123456789abcdef0123", Modified: true}, "0123456789ab-dirty"},
		{Info{Revision: "abc"}, "abc"},
	} {
		if got := c.in.Commit(); got != c.want {
			t.Errorf("%+v.Commit() = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestRead(t *testing.T) {
	in := Read()
	if in.GoVersion != runtime.Version() || in.Platform != runtime.GOOS+"/"+runtime.GOARCH {
		t.Errorf("Read() = %+v", in)
	}
	if s := in.String(); !strings.HasPrefix(s, "sigsim ") || !strings.Contains(s, runtime.Version()) {
		t.Errorf("String() = %q", s)
	}
	if s, rest := in.Line("sigbench"), strings.TrimPrefix(in.String(), "sigsim"); s != "sigbench"+rest {
		t.Errorf("Line(sigbench) = %q, want sigbench%s", s, rest)
	}
}
