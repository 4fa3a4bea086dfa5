// Package buildinfo says which build of sigsim is running: the module
// version, the commit it was built from (vcs.revision, with "-dirty" when
// the work tree had changes), the Go version and the platform. The CLIs
// print it for --version, trace headers and reports record it, and replay
// warns when a trace was recorded by another build.
package buildinfo

import (
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

// Info describes a build.
type Info struct {
	Module    string // the main module's path
	Version   string // its version ("(devel)" for a local build)
	Revision  string // the commit (vcs.revision), "" if unknown
	Time      string // the commit's time (vcs.time)
	Modified  bool   // the work tree had changes (vcs.modified)
	GoVersion string
	Platform  string // GOOS/GOARCH
}

// Read returns this binary's build information. Fields the binary does not
// carry (a test binary has no VCS stamp; -buildvcs=false drops it too) are
// empty, but for the commit: that is then asked of git in the working
// directory, if it is a checkout.
func Read() Info {
	in := readBuild()
	if in.Revision == "" {
		in.Revision, in.Modified = fromGit()
	}
	return in
}

var fromGit = sync.OnceValues(func() (string, bool) {
	rev, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		return "", false
	}
	st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output()
	return strings.TrimSpace(string(rev)), err == nil && len(strings.TrimSpace(string(st))) > 0
})

func readBuild() Info {
	in := Info{GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return in
	}
	in.Module, in.Version = bi.Main.Path, bi.Main.Version
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			in.Revision = s.Value
		case "vcs.time":
			in.Time = s.Value
		case "vcs.modified":
			in.Modified = s.Value == "true"
		}
	}
	return in
}

// Commit is the short commit ("3e5cce6a1b2c", "3e5cce6a1b2c-dirty"), or
// "unknown" for a build without VCS information.
func (in Info) Commit() string {
	if in.Revision == "" {
		return "unknown"
	}
	c := in.Revision
	if len(c) > 12 {
		c = c[:12]
	}
	if in.Modified {
		c += "-dirty"
	}
	return c
}

// String is sigsim's --version line: "sigsim (devel) commit 3e5cce6a1b2c
// (2026-12-06T00:10:26Z) go1.26.8 linux/amd64".
func (in Info) String() string { return in.Line("sigsim") }

// Line is the --version line of the program prog (sigsim, sigbench): both
// are built from the one module, so only the name differs.
func (in Info) Line(prog string) string {
	var b strings.Builder
	b.WriteString(prog + " ")
	if in.Version != "" {
		b.WriteString(in.Version)
	} else {
		b.WriteString("(unknown version)")
	}
	b.WriteString(" commit ")
	b.WriteString(in.Commit())
	if in.Time != "" {
		b.WriteString(" (" + in.Time + ")")
	}
	b.WriteString(" " + in.GoVersion + " " + in.Platform)
	return b.String()
}
