package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func sigsim(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func write(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const raceFile = `# cancel crossing accept
world seed=3 mode=server latency=30ms stop=never
users alice bob

at 100ms alice invite bob timeout=30s as call
at 1s alice cancel call
at 1s bob accept call
run until quiet
----
`

func TestUsageAndBadInput(t *testing.T) {
	if code, _, errs := sigsim(t); code != exitUsage || !strings.Contains(errs, "usage:") {
		t.Errorf("no args: %d %q", code, errs)
	}
	if code, _, errs := sigsim(t, "frobnicate"); code != exitUsage || !strings.Contains(errs, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: %d %q", code, errs)
	}
	if code, _, errs := sigsim(t, "run", "--no-such-flag", "x.sig"); code != exitUsage || !strings.Contains(errs, "unknown flag") {
		t.Errorf("bad flag: %d %q", code, errs)
	}
	bad := write(t, "bad.sig", "world seed=1\nusers alice bob\nat 1s alice invit bob\n")
	if code, _, errs := sigsim(t, "run", bad); code != exitUsage || !strings.Contains(errs, "bad.sig:3:") || !strings.Contains(errs, `did you mean "invite"`) {
		t.Errorf("malformed scenario: %d %q", code, errs)
	}
	if code, _, errs := sigsim(t, "run", "--arbiter", "chaos", bad); code != exitUsage || !strings.Contains(errs, "chaos") {
		t.Errorf("bad arbiter: %d %q", code, errs)
	}
	junk := write(t, "junk.trace", "not a trace at all")
	if code, _, errs := sigsim(t, "replay", junk); code != exitUsage || !strings.Contains(errs, "not a sigsim trace") {
		t.Errorf("corrupt trace: %d %q", code, errs)
	}
	if code, _, errs := sigsim(t, "explore", "--seeds", "9..1", bad); code != exitUsage || !strings.Contains(errs, "--seeds") {
		t.Errorf("bad seeds: %d %q", code, errs)
	}
}

func TestRunJSONAndExitCodes(t *testing.T) {
	p := write(t, "race.sig", raceFile)
	code, out, errs := sigsim(t, "run", p, "--json")
	if code != exitOK {
		t.Fatalf("server mode: exit %d: %s %s", code, out, errs)
	}
	var v struct {
		Seed       uint64
		Hash       string
		Events     int64
		VirtualNS  int64 `json:"virtual_ns"`
		Violations []string
		Verdict    string
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil || v.Verdict != "pass" || len(v.Hash) != 16 || v.Events == 0 || v.Seed != 3 {
		t.Errorf("json: %v %+v", err, v)
	}
	// The same race in client mode breaks agreement: exit 3, with the replay line.
	code, _, errs = sigsim(t, "run", p, "--arbiter", "client")
	if code != exitViolation || !strings.Contains(errs, "replay: sigsim run") {
		t.Errorf("client mode: exit %d: %s", code, errs)
	}
}

func TestCheckRewriteReplayDiff(t *testing.T) {
	p := write(t, "race.sig", raceFile)
	if code, out, _ := sigsim(t, "check", p); code != exitFailed || !strings.Contains(out, "0 passed, 1 failed") || !strings.Contains(out, "+++ actual") {
		t.Fatalf("check of an empty golden: %d %s", code, out)
	}
	if code, out, _ := sigsim(t, "check", "--rewrite", p); code != exitOK || !strings.Contains(out, "rewrote") {
		t.Fatalf("rewrite: %d %s", code, out)
	}
	if code, out, _ := sigsim(t, "check", filepath.Dir(p)); code != exitOK || !strings.HasSuffix(out, "1 passed, 0 failed\n") {
		t.Fatalf("check after rewrite: %d %s", code, out)
	}
	tr := filepath.Join(t.TempDir(), "a.trace")
	if code, _, errs := sigsim(t, "run", p, "--trace", tr, "--diagram", filepath.Join(t.TempDir(), "d.svg")); code != exitOK {
		t.Fatalf("run --trace: %d %s", code, errs)
	}
	if code, out, _ := sigsim(t, "replay", tr); code != exitOK || !strings.HasPrefix(out, "identical") {
		t.Fatalf("replay: %d %s", code, out)
	}
	tr2 := filepath.Join(t.TempDir(), "b.trace")
	sigsim(t, "run", p, "--trace", tr2, "--arbiter", "client")
	if code, out, _ := sigsim(t, "diff", tr, tr2); code != exitFailed || !strings.Contains(out, "first divergence at event") {
		t.Fatalf("diff: %d %s", code, out)
	}
	// A truncated trace is a clear error.
	b, _ := os.ReadFile(tr)
	cut := write(t, "cut.trace", string(b[:len(b)/2]))
	if code, _, errs := sigsim(t, "replay", cut); code != exitUsage || !strings.Contains(errs, "truncated") {
		t.Fatalf("truncated: %d %s", code, errs)
	}
}

func TestExploreShardsMergeAndShrink(t *testing.T) {
	p := write(t, "race.sig", raceFile)
	var parts []string
	for _, sh := range []string{"0/2", "1/2"} {
		code, out, errs := sigsim(t, "explore", p, "--seeds", "1..20", "--shard", sh, "--json", "-j", "2")
		if code != exitOK {
			t.Fatalf("explore %s: %d %s %s", sh, code, out, errs)
		}
		parts = append(parts, write(t, "part"+sh[:1]+".json", out))
	}
	code, out, _ := sigsim(t, append([]string{"merge"}, parts...)...)
	if code != exitOK || !strings.Contains(out, "seeds=20 failed=0") {
		t.Fatalf("merge: %d %s", code, out)
	}
	// Shrink the client-mode failure to a minimal script.
	client := write(t, "client.sig", strings.Replace(raceFile, "mode=server", "mode=client", 1)+
		"\nat 5s alice invite bob timeout=30s as other\nat 6s bob reject other\nrun 10s\n")
	outFile := filepath.Join(t.TempDir(), "min.sig")
	code, out, errs := sigsim(t, "shrink", client, "-o", outFile)
	if code != exitOK || !strings.Contains(out, "still violate agreement") {
		t.Fatalf("shrink: %d %s %s", code, out, errs)
	}
	min, _ := os.ReadFile(outFile)
	if strings.Contains(string(min), "other") || !strings.Contains(string(min), "cancel call") {
		t.Errorf("shrunk scenario keeps irrelevant lines or lost the race:\n%s", min)
	}
	if code, _, _ := sigsim(t, "run", outFile); code != exitViolation {
		t.Errorf("the shrunk scenario does not fail: %d", code)
	}
}

func TestEventsPrintsAndFilters(t *testing.T) {
	p := write(t, "race.sig", raceFile)
	tr := filepath.Join(t.TempDir(), "a.trace")
	if code, _, errs := sigsim(t, "run", p, "--trace", tr); code != exitOK && code != exitFailed {
		t.Fatalf("run --trace: %d %s", code, errs)
	}
	code, out, _ := sigsim(t, "events", tr)
	all := strings.Count(out, "\n")
	if code != exitOK || !strings.HasPrefix(out, "# trace ") || !strings.Contains(out, " deliver ") || all < 10 {
		t.Fatalf("events: %d %s", code, out)
	}
	code, out, _ = sigsim(t, "events", tr, "--grep", "callback", "--from", "1ms")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != exitOK || len(lines) < 3 {
		t.Fatalf("events --grep: %d %s", code, out)
	}
	for _, l := range lines[1 : len(lines)-1] {
		if !strings.Contains(l, "callback") {
			t.Fatalf("--grep callback printed %q", l)
		}
	}
	if !strings.HasPrefix(lines[len(lines)-1], fmt.Sprintf("# %d of ", len(lines)-2)) {
		t.Fatalf("last line %q", lines[len(lines)-1])
	}
	b, _ := os.ReadFile(tr)
	cut := write(t, "cut.trace", string(b[:len(b)/2]))
	if code, _, errs := sigsim(t, "events", cut); code != exitUsage || !strings.Contains(errs, "cut.trace") {
		t.Fatalf("a truncated trace: %d %s", code, errs)
	}
	if code, _, _ := sigsim(t, "events"); code != exitUsage {
		t.Fatalf("no trace: %d", code)
	}
}
