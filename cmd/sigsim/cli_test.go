package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"sigsim/scenarios"

	"sigsim/internal/atomicfile/atomicfiletest"
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
	code, _, errs = sigsim(t, "run", p, "--mode", "client")
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
	sigsim(t, "run", p, "--trace", tr2, "--mode", "client")
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

const lossyFile = `world seed=1 mode=server latency=uniform(10ms,60ms) loss=20%
users alice bob

at 100ms alice invite bob timeout=5s as c
at 1s bob accept c
run 30s
check
----
`

// TestExploreSeedsAndShardErrors: a --seeds range that overflows or is
// reversed, a shard slice with no seed, -j 0 and a bad --shard are usage
// errors (exit 2), each with its own message.
func TestExploreSeedsAndShardErrors(t *testing.T) {
	p := write(t, "lossy.sig", lossyFile)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--seeds", "1..18446744073709551616"}, "seed 18446744073709551616 overflows (seeds are at most 18446744073709551615)"},
		{[]string{"--seeds", "9..1"}, `--seeds "9..1" is reversed (9 > 1): did you mean 1..9?`},
		{[]string{"--seeds", "1-9"}, `--seeds "1-9": want A..B`},
		{[]string{"--seeds", "1..x"}, `"x" is not a seed`},
		{[]string{"--seeds", "1..3", "--shard", "5/10"}, "--shard 5/10: seeds 1..3 are too few for 10 shards: shard 5 would be empty"},
		{[]string{"--shard", "x"}, `--shard "x": want i/n`},
		{[]string{"-j", "0"}, "-j 0: want at least 1 seed at a time"},
		{[]string{"--expect-paths", "/no/such/file"}, "--expect-paths: open /no/such/file"},
	} {
		code, _, errs := sigsim(t, append([]string{"explore", p}, c.args...)...)
		if code != exitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("explore %v: exit %d %q, want 2 and %q", c.args, code, errs, c.want)
		}
	}
	// The whole of uint64 is a valid range (interrupted at once here).
	if _, _, err := parseRange("0..18446744073709551615"); err != nil {
		t.Error(err)
	}
}

// TestExplorePanicExitCode: a panicking seed is reported with its replay
// line and stack, the other seeds still run, and the exit code is 4.
func TestExplorePanicExitCode(t *testing.T) {
	p := write(t, "lossy.sig", lossyFile)
	testBeforeSeed = func(seed uint64) {
		if seed == 3 {
			panic("injected")
		}
	}
	defer func() { testBeforeSeed = nil }()
	code, out, _ := sigsim(t, "explore", p, "--seeds", "1..8", "-j", "1")
	if code != exitInternal || !strings.Contains(out, "seed 3 PANICKED: panic: injected\n  replay: sigsim run "+p+" --seed 3\n  stack:\n    goroutine") ||
		!strings.Contains(out, "seeds=8 failed=1 panicked=1") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	code, out, _ = sigsim(t, "explore", p, "--seeds", "1..8", "--json")
	var sum struct {
		Panicked int
		Failures []struct {
			Seed  uint64
			Panic bool
			Stack string
		}
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil || code != exitInternal || sum.Panicked != 1 || !sum.Failures[0].Panic ||
		!strings.Contains(sum.Failures[0].Stack, "TestExplorePanicExitCode") {
		t.Fatalf("json: exit %d %v %+v", code, err, sum)
	}
}

// TestExploreCoverageAndExpectedPaths: explore prints how often each rare
// path was hit and which never were (human and JSON); --expect-paths fails
// the sweep (exit 1) naming each listed path never hit, and a misspelt
// name in the list is an input error at its line.
func TestExploreCoverageAndExpectedPaths(t *testing.T) {
	p := write(t, "lossy.sig", lossyFile)
	code, out, _ := sigsim(t, "explore", p, "--seeds", "1..5")
	if code != exitOK || !regexp.MustCompile(`coverage: \d+ of \d+ rare paths hit\n`).MatchString(out) ||
		!regexp.MustCompile(`\n  push-resent +[1-9]\d*\n`).MatchString(out) || !regexp.MustCompile(`\n  bus-resend +0  never hit\n`).MatchString(out) {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	code, out, _ = sigsim(t, "explore", p, "--seeds", "1..5", "--json")
	var sum struct {
		Paths    map[string]int64
		NeverHit []string `json:"never_hit"`
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil || code != exitOK || sum.Paths["push-resent"] == 0 || !slices.Contains(sum.NeverHit, "bus-resend") {
		t.Fatalf("json: %v %+v", err, sum)
	}
	good := write(t, "good.paths", "# hit by 20% loss\npush-resent\n")
	if code, out, _ := sigsim(t, "explore", p, "--seeds", "1..5", "--expect-paths", good); code != exitOK {
		t.Fatalf("expected paths hit: exit %d\n%s", code, out)
	}
	bad := write(t, "bad.paths", "push-resent\nbus-resend   # needs shard partitions\nbus-duplicate\n")
	code, out, _ = sigsim(t, "explore", p, "--seeds", "1..5", "--expect-paths", bad)
	if code != exitFailed || !strings.Contains(out, "expected path bus-resend never hit (listed in "+bad+")") ||
		!strings.Contains(out, "expected path bus-duplicate never hit") || strings.Contains(out, "expected path push-resent") {
		t.Fatalf("expected paths never hit: exit %d\n%s", code, out)
	}
	typo := write(t, "typo.paths", "push-resent\nbus-resnd\n")
	if code, _, errs := sigsim(t, "explore", p, "--expect-paths", typo); code != exitUsage || !strings.Contains(errs, typo+`:2:1: unknown path "bus-resnd", did you mean "bus-resend"?`) {
		t.Fatalf("a misspelt path: exit %d %s", code, errs)
	}
}

// TestMergeChecksTheShards: merge of summary files in a temp dir adds up
// complete shards (paths too), and refuses a repeated or missing shard,
// naming it.
func TestMergeChecksTheShards(t *testing.T) {
	p := write(t, "lossy.sig", lossyFile)
	dir := t.TempDir()
	var files []string
	for i := 0; i < 3; i++ {
		code, out, _ := sigsim(t, "explore", p, "--seeds", "1..9", "--shard", fmt.Sprintf("%d/3", i), "--json")
		if code != exitOK {
			t.Fatalf("shard %d: exit %d", i, code)
		}
		f := filepath.Join(dir, fmt.Sprintf("s%d.json", i))
		if err := os.WriteFile(f, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	code, out, _ := sigsim(t, "merge", files[0], files[1], files[2])
	if code != exitOK || !strings.Contains(out, "seeds=9 failed=0") || !regexp.MustCompile(`\n  push-resent +[1-9]`).MatchString(out) {
		t.Fatalf("merge: exit %d\n%s", code, out)
	}
	if code, _, errs := sigsim(t, "merge", files[0], files[1], files[1], files[2]); code != exitUsage ||
		!strings.Contains(errs, "shard 1/3 appears twice: in "+files[1]+" and in "+files[1]) {
		t.Fatalf("a repeated shard: exit %d %s", code, errs)
	}
	if code, _, errs := sigsim(t, "merge", files[0], files[2]); code != exitUsage || !strings.Contains(errs, "shard 1/3 missing") {
		t.Fatalf("a missing shard: exit %d %s", code, errs)
	}
	if code, _, _ := sigsim(t, "merge", files[0], files[1], files[2], "--expect-paths", write(t, "p.paths", "bus-resend\n")); code != exitFailed {
		t.Fatalf("merge --expect-paths: exit %d", code)
	}
}

// TestExploreInterruptedBySignal: a real SIGINT during explore stops the
// sweep; it prints what it did, the range left and how to run it, and exits
// 130. (The signal is sent once the handler is installed: from a seed.)
func TestExploreInterruptedBySignal(t *testing.T) {
	p := write(t, "lossy.sig", lossyFile)
	testBeforeSeed = func(seed uint64) {
		if seed == 5 {
			if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
				t.Error(err)
			}
			time.Sleep(100 * time.Millisecond) // let the signal arrive before the next seed starts
		}
	}
	defer func() { testBeforeSeed = nil }()
	code, out, _ := sigsim(t, "explore", p, "--seeds", "1..100000", "-j", "1", "--keep-going")
	m := regexp.MustCompile(`interrupted after (\d+) seeds: seeds (\d+)\.\.100000 not run; to run them: sigsim explore \S+ --keep-going --seeds (\d+)\.\.100000\n`).FindStringSubmatch(out)
	if code != exitInterrupted || m == nil {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	done, _ := strconv.Atoi(m[1])
	next, _ := strconv.Atoi(m[2])
	if done < 5 || done > 1000 || next != done+1 || m[3] != m[2] { // 5 or 6 unless the signal is slow to arrive
		t.Fatalf("%d seeds done, resume at %s/%s", done, m[2], m[3])
	}
}

// TestShrinkWritesSeedAndSwarm: a failure found with --seed and --swarm on a
// file that has neither shrinks to a file that fails alone with plain
// `sigsim run`, the same way; shrink says so only after running it.
func TestShrinkWritesSeedAndSwarm(t *testing.T) {
	p := write(t, "client.sig", `world seed=1 mode=client latency=uniform(10ms,80ms) shards=2
users alice bob carol dave

at 100ms alice invite bob timeout=5s as c1
at 600ms bob accept c1
at 1s carol invite dave timeout=4s as c2
at 2s dave reject c2
at 2s dave invite alice timeout=6s as c3
at 4s alice accept c3
at 4.1s dave cancel c3
generate invites count=10 from=alice,carol to=bob,dave rate=1/s start=3s timeout=5s
run 60s
check
`)
	if code, _, _ := sigsim(t, "run", p); code != exitOK {
		t.Fatalf("the file fails without swarm: exit %d", code)
	}
	_, out, _ := sigsim(t, "explore", p, "--seeds", "1..300", "--swarm", "--json")
	var sum struct{ Failures []struct{ Seed uint64 } }
	if err := json.Unmarshal([]byte(out), &sum); err != nil || len(sum.Failures) == 0 {
		t.Fatalf("no failing swarm seed: %v %s", err, out)
	}
	seed := strconv.FormatUint(sum.Failures[0].Seed, 10)
	min := filepath.Join(t.TempDir(), "min.sig")
	code, out, errs := sigsim(t, "shrink", p, "--seed", seed, "--swarm", "-o", min)
	if code != exitOK || !strings.Contains(out, "reproduce: sigsim run "+min) {
		t.Fatalf("shrink: exit %d %s %s", code, out, errs)
	}
	text, _ := os.ReadFile(min)
	if !strings.Contains(string(text), "world seed="+seed+" ") || !strings.Contains(string(text), "\nswarm ") {
		t.Fatalf("the seed or swarm mode is not in the shrunk file:\n%s", text)
	}
	if code, _, errs := sigsim(t, "run", min); code != exitViolation {
		t.Fatalf("the shrunk file alone: exit %d %s", code, errs)
	}
	// reproduces is what shrink checks the written file with.
	if _, err := reproduces(p, scenarios.Failure{Invariant: "agreement"}); err == nil || !strings.Contains(err.Error(), "it passes") {
		t.Fatalf("a passing file reproduces: %v", err)
	}
}

// noBlankLine is a scenario whose author forgot the blank line after an
// expected output: the comment and the two commands after it are part of
// that output.
const noBlankLine = `world seed=1
users alice bob

at 100ms alice invite bob timeout=30s as call
run 1s
----
# bob answers
at 2s bob accept call
run 5s
`

// TestCheckNeverDropsCommandLines: check (and check --rewrite) of a file
// whose commands were swallowed by an expected output is an input error at
// the first such line; the rewrite leaves the file alone.
func TestCheckNeverDropsCommandLines(t *testing.T) {
	p := write(t, "noblank.sig", noBlankLine)
	for _, args := range [][]string{{"check", p}, {"check", "--rewrite", p}, {"run", p}} {
		code, out, errs := sigsim(t, args...)
		if code != exitUsage || !strings.Contains(out+errs, "noblank.sig:7:1: this line reads as a comment") ||
			!strings.Contains(out+errs, "noblank.sig:8:1: this line reads as a command") {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errs)
		}
	}
	if b, _ := os.ReadFile(p); string(b) != noBlankLine {
		t.Fatalf("the file changed:\n%s", b)
	}
	// With the blank line the file is fine, and a rewrite keeps every command.
	fixed := write(t, "fixed.sig", strings.Replace(noBlankLine, "----\n#", "----\n\n#", 1))
	if code, out, _ := sigsim(t, "check", "--rewrite", fixed); code != exitOK {
		t.Fatalf("fixed file: exit %d\n%s", code, out)
	}
	b, _ := os.ReadFile(fixed)
	for _, l := range []string{"# bob answers", "at 2s bob accept call", "run 5s"} {
		if !strings.Contains(string(b), l+"\n") {
			t.Errorf("the rewrite lost %q:\n%s", l, b)
		}
	}
}

// TestCheckExitCodes: malformed, empty or missing scenarios are input errors
// (exit 2), as the README says; a golden mismatch is 1.
func TestCheckExitCodes(t *testing.T) {
	bad := write(t, "bad.sig", "world seed=1\nusers alice bob\nat 1s alice invit bob\n")
	good := write(t, "good.sig", raceFile)
	empty := write(t, "empty.sig", "")
	emptyDir := t.TempDir()
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"check", bad}, exitUsage, `bad.sig:3:13: unknown command "invit"`},
		{[]string{"check", bad, good}, exitUsage, "0 passed, 2 failed (1 malformed or unwritable: input errors)"},
		{[]string{"check", good}, exitFailed, "0 passed, 1 failed\n"},
		{[]string{"check", empty}, exitUsage, "empty.sig:1:1: empty scenario: no command"},
		{[]string{"check", emptyDir}, exitUsage, "holds no scenario"},
		{[]string{"check", filepath.Join(emptyDir, "missing.sig")}, exitUsage, "no such file"},
		{[]string{"run", empty}, exitUsage, "empty scenario"},
		{[]string{"run", write(t, "bobb.sig", "world seed=1\nusers alice bob\nat 100ms alice invite bobb\nrun 1s\n")}, exitUsage,
			`bobb.sig:3:23: invite: unknown user "bobb" (did you mean "bob"?)`},
		{[]string{"run", write(t, "frob.sig", "world seed=1\nusers alice bob\nat 100ms alice frobnicate bob\nrun 1s\n")}, exitUsage,
			`frob.sig:3:16: unknown command "frobnicate"`},
		{[]string{"run", write(t, "ms.sig", "world seed=1\nusers alice bob\nat 100ms alice invite bob timeout=500ms\nrun 1s\n")}, exitUsage,
			`ms.sig:3:27: invite: timeout: "500ms" is not a whole number of seconds`},
		{[]string{"run", write(t, "s19.sig", "world seed=1\nusers alice bob\nat 100ms alice invite bob timeout=1.9s\nrun 1s\n")}, exitUsage,
			`s19.sig:3:27: invite: timeout: "1.9s" is not a whole number of seconds`},
		{[]string{"run", write(t, "huge.sig", "world seed=1\nusers u1..u10\ngenerate invites count=100000000000 from=u1..u5 to=u6..u10 rate=10000/s timeout=30s\nrun until quiet\n")}, exitUsage,
			"huge.sig:3:18: generate: the scenario needs about 11.8 TiB of memory"},
	} {
		code, out, errs := sigsim(t, tc.args...)
		if code != tc.code || !strings.Contains(out+errs, tc.want) {
			t.Errorf("%v: exit %d, want %d and %q:\n%s%s", tc.args, code, tc.code, tc.want, out, errs)
		}
	}
}

// TestOutputsCheckedFirst: an output that cannot be written is a usage error
// naming its flag before any work: here the scenario is malformed too, and
// the output is what is reported.
func TestOutputsCheckedFirst(t *testing.T) {
	p := write(t, "race.sig", raceFile)
	bad := write(t, "bad.sig", "world seed=1\nusers alice bob\nat 1s alice invit bob\n")
	aFile := write(t, "a-file", "x")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", bad, "--trace", "/proc/x/a.trace"}, "sigsim run: --trace /proc/x/a.trace:"},
		{[]string{"run", bad, "--trace", filepath.Join(aFile, "a.trace")}, "--trace " + filepath.Join(aFile, "a.trace") + ": "},
		{[]string{"run", bad, "--trace", t.TempDir()}, "is a directory"},
		{[]string{"run", bad, "--trace", "/dev/null"}, "not a regular file"},
		{[]string{"run", bad, "--diagram", "/proc/x.svg"}, "sigsim run: --diagram /proc/x.svg:"},
		{[]string{"run", bad, "--diagram", filepath.Join(t.TempDir(), "d.png")}, `unknown format ".png"`},
		{[]string{"run", p, "--trace", p}, "that is the input file"},
		{[]string{"shrink", bad, "-o", "/proc/x.sig"}, "sigsim shrink: -o /proc/x.sig:"},
		{[]string{"shrink", p, "-o", p}, "-o " + p + " is the input file: add --force"},
	} {
		code, out, errs := sigsim(t, tc.args...)
		if code != exitUsage || !strings.Contains(errs, tc.want) || out != "" {
			t.Errorf("%v: exit %d, stderr does not say %q:\n%s%s", tc.args, code, tc.want, out, errs)
		}
	}
	if b, _ := os.ReadFile(p); string(b) != raceFile {
		t.Errorf("the scenario changed")
	}
	// --force lets shrink replace its input.
	client := write(t, "client.sig", strings.Replace(raceFile, "mode=server", "mode=client", 1))
	if code, out, errs := sigsim(t, "shrink", client, "-o", client, "--force"); code != exitOK || !strings.Contains(out, "still violate") {
		t.Fatalf("shrink --force: exit %d\n%s%s", code, out, errs)
	}
	if b, _ := os.ReadFile(client); !strings.HasPrefix(string(b), "# Shrunk by sigsim shrink") {
		t.Errorf("shrink --force did not replace the input:\n%s", b)
	}
}

// TestWritesAreAtomic: a write that fails half-way (injected) leaves the
// file as it was: the scenario a rewrite was updating, the trace a run was
// replacing, the script shrink was replacing.
func TestWritesAreAtomic(t *testing.T) {
	for _, step := range []string{"write", "sync", "rename"} {
		t.Run(step, func(t *testing.T) {
			p := write(t, "race.sig", raceFile)
			f := &atomicfiletest.Faulty{Match: "race.sig", Step: step}
			atomicfiletest.Inject(t, f)
			code, out, _ := sigsim(t, "check", "--rewrite", p)
			if code != exitUsage || !strings.Contains(out, "--rewrite: writing") || !strings.Contains(out, "injected write failure") || f.Hits != 1 {
				t.Errorf("rewrite: exit %d, %d hits\n%s", code, f.Hits, out)
			}
			if b, _ := os.ReadFile(p); string(b) != raceFile {
				t.Errorf("the scenario changed:\n%s", b)
			}
			tr := filepath.Join(t.TempDir(), "a.trace")
			if err := os.WriteFile(tr, []byte("previous trace"), 0o644); err != nil {
				t.Fatal(err)
			}
			f.Match = "a.trace"
			if code, _, errs := sigsim(t, "run", p, "--trace", tr); code != exitUsage || !strings.Contains(errs, "sigsim run: --trace: writing") {
				t.Errorf("trace: exit %d\n%s", code, errs)
			}
			if b, _ := os.ReadFile(tr); string(b) != "previous trace" {
				t.Errorf("the previous trace changed")
			}
			entries, _ := os.ReadDir(filepath.Dir(tr))
			if len(entries) != 1 {
				t.Errorf("temporary files left: %v", entries)
			}
		})
	}
}

// TestFlagErrorsNameTheirFlag: each bad flag value is reported with its own
// flag, and an empty event window is an error.
func TestFlagErrorsNameTheirFlag(t *testing.T) {
	p := write(t, "race.sig", raceFile)
	tr := filepath.Join(t.TempDir(), "a.trace")
	if code, _, errs := sigsim(t, "run", p, "--trace", tr); code != exitOK {
		t.Fatalf("run: %d %s", code, errs)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"explore", p, "-j", "0"}, "sigsim explore: -j 0: want at least 1"},
		{[]string{"explore", p, "--shard", "x"}, `sigsim explore: --shard "x": want i/n`},
		{[]string{"events", tr, "--from", "5s", "--to", "1s"}, "sigsim events: --from 5s is after --to 1s"},
		{[]string{"events", tr, "--from", "-1s"}, "sigsim events: --from -1s: a virtual time is not negative"},
		{[]string{"run", p, "--mode", "chaos"}, "sigsim run: --mode:"},
		{[]string{"run", p, "--arbiter", "chaos"}, "sigsim run: --mode:"}, // the old name still works
	} {
		if code, _, errs := sigsim(t, tc.args...); code != exitUsage || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr does not say %q:\n%s", tc.args, code, tc.want, errs)
		}
	}
}

// TestExploreAndShrinkInputErrors: an input error only a run finds (an
// undeclared user) is exit 2 for explore and shrink too, not a failure of
// every seed or "nothing to shrink".
func TestExploreAndShrinkInputErrors(t *testing.T) {
	p := write(t, "bobb.sig", "world seed=1\nusers alice bob\nat 100ms alice invite bobb\nrun 1s\n")
	for _, args := range [][]string{{"explore", p, "--seeds", "1..5"}, {"shrink", p, "-o", filepath.Join(t.TempDir(), "m.sig")}} {
		code, out, errs := sigsim(t, args...)
		if code != exitUsage || !strings.Contains(errs, `bobb.sig:3:23: invite: unknown user "bobb" (did you mean "bob"?)`) || out != "" {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errs)
		}
	}
}

// TestExploreModeOverride: explore --mode client sweeps the legacy client
// arbitration over a file that says mode=server: the race it survives in
// server mode fails every seed, each replay line and the summary carry the
// flag, and shards run with different flags do not merge.
func TestExploreModeOverride(t *testing.T) {
	p := write(t, "race.sig", `world seed=7 mode=server latency=40ms
users alice bob
at 100ms alice invite bob timeout=30s as call
at 1s alice cancel call
at 1.02s bob accept call
run 3s
check
`)
	if code, out, _ := sigsim(t, "explore", p, "--seeds", "1..4"); code != exitOK || !strings.Contains(out, "seeds=4 failed=0") {
		t.Fatalf("server mode: exit %d\n%s", code, out)
	}
	code, out, _ := sigsim(t, "explore", p, "--seeds", "1..4", "--mode", "client", "--keep-going")
	if code != exitViolation || !strings.Contains(out, "seeds=4 failed=4") ||
		!strings.Contains(out, "agreement violated") || !strings.Contains(out, "replay: sigsim run "+p+" --seed 3 --mode client\n") {
		t.Fatalf("client mode: exit %d\n%s", code, out)
	}
	if code, _, errs := sigsim(t, "explore", p, "--mode", "chaos"); code != exitUsage || !strings.Contains(errs, "--mode") {
		t.Fatalf("--mode chaos: exit %d %s", code, errs)
	}
	dir := t.TempDir()
	var files []string
	for i, mode := range []string{"client", "server"} {
		_, out, _ := sigsim(t, "explore", p, "--seeds", "1..4", "--shard", fmt.Sprintf("%d/2", i), "--mode", mode, "--keep-going", "--json")
		if !strings.Contains(out, `"flags": "--mode `+mode+`"`) {
			t.Fatalf("shard %d: summary without its flags:\n%s", i, out)
		}
		f := filepath.Join(dir, fmt.Sprintf("s%d.json", i))
		if err := os.WriteFile(f, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if code, _, errs := sigsim(t, "merge", files[0], files[1]); code != exitUsage || !strings.Contains(errs, "not one exploration") {
		t.Fatalf("merge of a client and a server shard: exit %d %s", code, errs)
	}
}

// TestInputErrorsAreExit2Everywhere: what the text of a file tells is
// wrong is an input error (exit 2) for run, check and explore, which names
// it rather than failing every seed.
func TestInputErrorsAreExit2Everywhere(t *testing.T) {
	for _, src := range []string{
		"users alice bob\nat 1s pause s0 for=0\nrun 1s\n",
		"users u1..u10\ngenerate invites count=0 from=u1..u5 to=u6..u10 rate=5/s\nrun 1s\n",
		"users alice bob\nrun 1s\nexpect blah\n",
		"users alice bob\nat 1s hold \"x\" as h\nat 2s release h\nat 3s release h\nrun 5s\n",
		"users alice bob\nat 10s alice invite bob\nrun 1s\n",
		"expect violations 0\n",
	} {
		p := write(t, "bad.sig", src)
		for _, args := range [][]string{{"run", p}, {"check", p}, {"explore", p, "--seeds", "1..3"}} {
			code, out, errs := sigsim(t, args...)
			if code != exitUsage || !strings.Contains(out+errs, "bad.sig:") {
				t.Errorf("%q %v: exit %d\n%s%s", src, args[0], code, out, errs)
			}
		}
	}
}

// TestDiffVerifiesBothChecksums: diff reads both traces to their trailers,
// so a corrupt B is an input error even when the traces diverge first.
func TestDiffVerifiesBothChecksums(t *testing.T) {
	p := write(t, "race.sig", raceFile)
	a, b := filepath.Join(t.TempDir(), "a.trace"), filepath.Join(t.TempDir(), "b.trace")
	sigsim(t, "run", p, "--trace", a)
	sigsim(t, "run", p, "--trace", b, "--mode", "client")
	data, err := os.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)-1] ^= 0xff // the trailer's checksum
	bad := write(t, "bad.trace", string(data))
	if code, out, errs := sigsim(t, "diff", a, bad); code != exitUsage || !strings.Contains(errs, "bad.trace") || !strings.Contains(errs, "checksum") {
		t.Errorf("diff A corrupt-B: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := sigsim(t, "diff", bad, a); code != exitUsage || !strings.Contains(errs, "checksum") {
		t.Errorf("diff corrupt-B A: exit %d\n%s%s", code, out, errs)
	}
}

// TestFlagBounds: explore's -j is bounded, and an empty --mode is a usage
// error, not the file's mode.
func TestFlagBounds(t *testing.T) {
	p := write(t, "race.sig", raceFile)
	if code, _, errs := sigsim(t, "explore", p, "--seeds", "1..2", "-j", "100000"); code != exitUsage || !strings.Contains(errs, "-j 100000: at most") {
		t.Errorf("explore -j 100000: exit %d %s", code, errs)
	}
	for _, args := range [][]string{{"run", p, "--mode", ""}, {"explore", p, "--seeds", "1..2", "--mode="}, {"run", p, "--arbiter="}} {
		if code, _, errs := sigsim(t, args...); code != exitUsage || !strings.Contains(errs, `--mode "": want server or client`) {
			t.Errorf("%v: exit %d %s", args, code, errs)
		}
	}
}

// TestCheckInterrupted: an interrupted check says what it finished and
// which files it did not process, and exits 130.
func TestCheckInterrupted(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a.sig", "b.sig", "c.sig"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(raceFile), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	testInterruptCheck = func(k int) bool { return k == 1 }
	defer func() { testInterruptCheck = nil }()
	code, out, _ := sigsim(t, "check", "--rewrite", dir)
	if code != exitInterrupted || !strings.Contains(out, "rewrote "+filepath.Join(dir, "a.sig")) ||
		!strings.Contains(out, "interrupted: 1 of 3 files checked") || !strings.Contains(out, "not processed (2):\n  "+filepath.Join(dir, "b.sig")+"\n  "+filepath.Join(dir, "c.sig")+"\n") {
		t.Errorf("exit %d\n%s", code, out)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "b.sig")); string(b) != raceFile {
		t.Errorf("b.sig was touched")
	}
}
