package main

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sigsim/internal/buildinfo"
	"sigsim/sim/trace"
)

// TestHelpAndVersionGoToStdout: asked-for help and --version are output
// (stdout, exit 0); a usage error goes to stderr with exit 2.
func TestHelpAndVersionGoToStdout(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help"}, {"-h"}, {"run", "--help"}, {"explore", "-h"}} {
		code, out, errs := sigsim(t, args...)
		if code != exitOK || !strings.Contains(out, "usage:") || errs != "" {
			t.Errorf("%v: exit %d, stdout %d bytes, stderr %q", args, code, len(out), errs)
		}
	}
	if code, out, _ := sigsim(t, "run", "--help"); code != exitOK || !strings.Contains(out, "flags of sigsim run:") || !strings.Contains(out, "--perfetto") {
		t.Errorf("run --help: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{{}, {"run", "--bogus"}, {"nosuchcommand"}} {
		code, out, errs := sigsim(t, args...)
		if code != exitUsage || out != "" || !strings.Contains(errs, "usage:") {
			t.Errorf("%v: exit %d, stdout %q, stderr %d bytes", args, code, out, len(errs))
		}
	}
	for _, args := range [][]string{{"--version"}, {"version"}} {
		code, out, _ := sigsim(t, args...)
		if code != exitOK || strings.TrimSpace(out) != buildinfo.Read().String() {
			t.Errorf("%v: exit %d %q", args, code, out)
		}
	}
}

// TestCompletionScript: the bash script completes every command and its
// flags, read from the commands themselves.
func TestCompletionScript(t *testing.T) {
	code, out, _ := sigsim(t, "completion", "bash")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for name := range commands {
		if !strings.Contains(out, name) {
			t.Errorf("command %s missing", name)
		}
	}
	if !strings.Contains(out, `explore) opts="--annotate --expect-paths --jobs --json --keep-going --mode --seeds --shard --swarm --help"`) {
		t.Errorf("explore's flags:\n%s", out)
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	script := write(t, "c.bash", out)
	got, err := exec.Command(bash, "-c", `source "$1"; COMP_WORDS=(sigsim events --fo); COMP_CWORD=2; _sigsim; echo "${COMPREPLY[@]}"`, "_", script).Output()
	if err != nil || strings.TrimSpace(string(got)) != "--format" {
		t.Errorf("completing 'sigsim events --fo': %q %v", got, err)
	}
	for _, args := range [][]string{{"completion"}, {"completion", "tcsh"}} {
		if code, _, _ := sigsim(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d", args, code)
		}
	}
	for _, sh := range []string{"zsh", "fish"} {
		if code, out, _ := sigsim(t, "completion", sh); code != exitOK || !strings.Contains(out, "explore") {
			t.Errorf("%s: exit %d", sh, code)
		}
	}
}

const staleGolden = `world seed=1
users alice bob

at 100ms alice invite bob timeout=30s as call
run 1s
----
    100.000ms alice/1: invite bob timeout=30s
    140.000ms s0: decided created call inviter=alice invitees=[bob] timeout=30s
    180.000ms bob/1: WRONG LINE
    180.000ms alice/1: invite call -> ok

expect call bob=accepted
`

// TestCheckJUnitAndAnnotations: --junit writes a test case per block, the
// mismatching one failing with its diff; --annotate points at the first
// mismatching line (not the block's first) and at the failed expect.
func TestCheckJUnitAndAnnotations(t *testing.T) {
	p := write(t, "stale.sig", staleGolden)
	ok := write(t, "ok.sig", "world seed=1\nusers alice\nrun 1s\n")
	junit := filepath.Join(t.TempDir(), "out.xml")
	code, out, _ := sigsim(t, "check", p, ok, "--junit", junit, "--annotate")
	if code != exitFailed {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{"::error file=" + p + ",line=8::output differs", "::error file=" + p + ",line=12::"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	b, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != 6 || doc.Failures != 2 || len(doc.Suites) != 2 {
		t.Fatalf("tests=%d failures=%d suites=%d\n%s", doc.Tests, doc.Failures, len(doc.Suites), b)
	}
	s := doc.Suites[0]
	if s.Name != p {
		s = doc.Suites[1]
	}
	if s.Name != p || s.Cases[1].Failure == nil || !strings.Contains(s.Cases[1].Failure.Text, "WRONG LINE") ||
		s.Cases[2].Failure == nil || !strings.Contains(s.Cases[2].Failure.Text, "expect call bob=accepted: got pending") {
		t.Errorf("suite %+v", s)
	}
	// Without --annotate (and outside GitHub Actions) there are none.
	t.Setenv("GITHUB_ACTIONS", "")
	if _, out, _ := sigsim(t, "check", p); strings.Contains(out, "::error") {
		t.Error("annotations without --annotate")
	}
	t.Setenv("GITHUB_ACTIONS", "true")
	if _, out, _ := sigsim(t, "check", p); !strings.Contains(out, "::error") {
		t.Error("no annotations under GitHub Actions")
	}
	if code, _, errs := sigsim(t, "check", p, "--junit", "/proc/x.xml"); code != exitUsage || !strings.Contains(errs, "--junit") {
		t.Errorf("unwritable --junit: exit %d %s", code, errs)
	}
}

// TestEventsSpeakHandles: a trace records the script's handles; events
// greps and prints them, and exports Perfetto JSON that passes the format's
// checks, as run --perfetto does.
func TestEventsSpeakHandles(t *testing.T) {
	p := write(t, "race.sig", raceFile)
	dir := t.TempDir()
	tr, pf := filepath.Join(dir, "r.trace"), filepath.Join(dir, "r.json")
	if code, _, errs := sigsim(t, "run", p, "--trace", tr, "--perfetto", pf); code != exitOK {
		t.Fatalf("run: exit %d %s", code, errs)
	}
	code, out, _ := sigsim(t, "events", tr, "--grep", "call")
	if code != exitOK || !strings.Contains(out, "invite call") || strings.Contains(out, "alice/1.0-1") {
		t.Fatalf("events --grep call: exit %d\n%s", code, out)
	}
	// The raw ID finds the same events (--grep call also finds the calls).
	code, raw, _ := sigsim(t, "events", tr, "--grep", "alice/1.0-1")
	rawLines := strings.Split(strings.TrimSpace(raw), "\n")
	for _, l := range rawLines[1 : len(rawLines)-1] { // the events, between header and count
		if code != exitOK || !strings.Contains(out, l) {
			t.Errorf("grep by raw ID finds %q, by handle not", l)
		}
	}
	b, err := os.ReadFile(pf)
	if err != nil {
		t.Fatal(err)
	}
	if err := trace.CheckPerfetto(b); err != nil {
		t.Errorf("run --perfetto: %v", err)
	}
	code, out, _ = sigsim(t, "events", tr, "--format", "perfetto")
	if err := trace.CheckPerfetto([]byte(out)); code != exitOK || err != nil || !strings.Contains(out, `"invite call`) {
		t.Errorf("events --format perfetto: exit %d %v", code, err)
	}
	if code, _, _ := sigsim(t, "events", tr, "--format", "xml"); code != exitUsage {
		t.Errorf("--format xml: exit %d", code)
	}
}

// TestReplayWarnsOfAnotherBuild: a trace recorded by another build replays
// with a warning that a divergence may be legitimate.
func TestReplayWarnsOfAnotherBuild(t *testing.T) {
	p := write(t, "race.sig", raceFile)
	tr := filepath.Join(t.TempDir(), "r.trace")
	if code, _, _ := sigsim(t, "run", p, "--trace", tr); code != exitOK {
		t.Fatal("run")
	}
	fh, err := os.Open(tr)
	if err != nil {
		t.Fatal(err)
	}
	h, events, hash, err := trace.ReadAll(fh)
	fh.Close()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for i := range h.Options {
		if h.Options[i].Key == "build.commit" {
			h.Options[i].Value, found = "0123456789ab", true
		}
		if h.Options[i].Key == "schema_version" && h.Options[i].Value != "1" {
			t.Errorf("schema_version %s", h.Options[i].Value)
		}
	}
	if !found {
		t.Fatal("the trace header has no build.commit")
	}
	var b bytes.Buffer
	w, err := trace.NewWriter(&b, h)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		w.Write(e)
	}
	w.Close(hash)
	other := write(t, "other.trace", b.String())
	code, out, errs := sigsim(t, "replay", other)
	if code != exitOK || !strings.Contains(out, "identical") || !strings.Contains(errs, "recorded by build 0123456789ab") {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
	if _, _, errs := sigsim(t, "replay", tr); strings.Contains(errs, "warning") {
		t.Errorf("a trace of this build warns: %s", errs)
	}
}
