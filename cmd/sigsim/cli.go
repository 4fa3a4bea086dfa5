package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/spf13/pflag"

	"sigsim/bench"
	"sigsim/engine"
	"sigsim/internal/atomicfile"
	"sigsim/internal/buildinfo"
	"sigsim/internal/completion"
	"sigsim/scenarios"
	"sigsim/sim/trace"
)

// Exit codes, documented in the README.
const (
	exitOK        = 0 // everything passed
	exitFailed    = 1 // an expectation or golden output did not match; a replay or diff diverged
	exitUsage     = 2 // bad flags, unreadable or malformed input
	exitViolation = 3 // an invariant was violated (and the scenario did not expect it)
	exitInternal  = 4 // a run panicked: a bug in sigsim itself (explore goes on and reports the seed)
	// exitInterrupted is the shell's code for a SIGINT (128+2): explore
	// stopped by Ctrl-C or SIGTERM, after printing what it had done.
	exitInterrupted = 130
)

const usage = `sigsim: deterministic simulation of call-invitation signaling

usage:
  sigsim run FILE [--seed N] [--mode server|client] [--swarm] [--trace OUT] [--diagram OUT] [--perfetto OUT] [--json]
  sigsim check DIR|FILE... [--rewrite] [--seed N] [--junit OUT] [--annotate]
  sigsim replay TRACE
  sigsim events TRACE [--grep TEXT]... [--from T] [--to T] [--format text|perfetto]
  sigsim diff A B
  sigsim explore FILE --seeds A..B [-j K] [--mode server|client] [--swarm] [--shard i/n] [--keep-going] [--json] [--expect-paths FILE] [--annotate]
  sigsim merge SUMMARY.json... [--json] [--expect-paths FILE] [--annotate]
  sigsim shrink FILE --seed N -o OUT [--force] [--swarm] [--mode server|client]
  sigsim completion bash|zsh|fish
  sigsim --version

exit codes: 0 ok, 1 check failed (golden or expect mismatch, divergence,
            an expected path never hit), 2 usage or input error, 3 invariant
            violation, 4 internal error (a run panicked), 130 interrupted
`

// commands are sigsim's subcommands, by name.
var commands = map[string]func([]string, io.Writer, io.Writer) int{
	"run": runCmd, "check": checkCmd, "replay": replayCmd, "events": eventsCmd, "diff": diffCmd,
	"explore": exploreCmd, "merge": mergeCmd, "shrink": shrinkCmd,
}

// completion lists the commands, so it joins them once they exist.
func init() { commands["completion"] = completionCmd }

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage) // asked for: it is the output
		return exitOK
	case "--version", "version":
		fmt.Fprintln(stdout, buildinfo.Read())
		return exitOK
	}
	f, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "sigsim: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	return f(args[1:], stdout, stderr)
}

// flagSet is a command's flags: errors go to stderr with the usage; the
// usage asked for with --help goes to stdout.
type flagSet struct {
	*pflag.FlagSet
	stdout io.Writer
}

// flags builds a flag set that reports errors with the usage, never exits.
func flags(name string, stdout, stderr io.Writer) *flagSet {
	fs := &flagSet{FlagSet: pflag.NewFlagSet("sigsim "+name, pflag.ContinueOnError), stdout: stdout}
	fs.SetOutput(stderr)
	fs.Usage = func() {} // parseFlags prints it, where it belongs
	return fs
}

// printUsage writes the usage and the command's flags to w.
func (fs *flagSet) printUsage(w io.Writer) {
	fmt.Fprintf(w, "%s\nflags of %s:\n%s", usage, fs.Name(), fs.FlagUsages())
}

// usageError prints a usage error with the usage, to stderr.
func (fs *flagSet) usageError(format string, args ...any) int {
	fmt.Fprintf(fs.Output(), format+"\n", args...)
	fs.printUsage(fs.Output())
	return exitUsage
}

func parseFlags(fs *flagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			fs.printUsage(fs.stdout)
			return exitOK, false
		}
		return fs.usageError("%s: %v", fs.Name(), err), false
	}
	return 0, true
}

// worldOverrides are the flags that override a scenario's world: its seed,
// its arbitration mode, swarm mode on.
type worldOverrides struct {
	seed  uint64
	mode  string
	swarm bool
}

func (c *worldOverrides) register(fs *flagSet) {
	fs.Uint64Var(&c.seed, "seed", 0, "override the scenario's seed")
	c.registerMode(fs)
	fs.BoolVar(&c.swarm, "swarm", false, "let the seed randomize faults (swarm mode)")
}

// registerMode registers --mode alone (explore takes its seeds as a range).
func (c *worldOverrides) registerMode(fs *flagSet) {
	fs.StringVar(&c.mode, "mode", "", "override the arbitration mode: server or client (the world line's mode=)")
	fs.StringVar(&c.mode, "arbiter", "", "")
	_ = fs.MarkDeprecated("arbiter", "use --mode (the world line's name)")
}

func (c *worldOverrides) options(fs *flagSet) (scenarios.RunOptions, error) {
	o := scenarios.RunOptions{Seed: c.seed, HasSeed: fs.Changed("seed"), Swarm: c.swarm}
	if c.mode == "" && (fs.Changed("mode") || fs.Changed("arbiter")) {
		return o, fmt.Errorf("--mode \"\": want server or client (leave the flag out to keep the file's mode)")
	}
	if c.mode != "" {
		m, err := engine.ParseMode(c.mode)
		if err != nil {
			return o, fmt.Errorf("--mode: %w", err)
		}
		o.Mode, o.HasMode = m, true
	}
	return o, nil
}

// checkOutput checks, before any work, that the file a flag names can be
// written, and that it is none of the inputs (writing a trace over the
// scenario it ran would lose the scenario). The error names the flag.
func checkOutput(flag, path string, inputs ...string) error {
	if err := atomicfile.CheckFile(path); err != nil {
		return fmt.Errorf("%s %s: %w", flag, path, err)
	}
	for _, in := range inputs {
		if sameFile(path, in) {
			return fmt.Errorf("%s %s: that is the input file %s; write the output elsewhere", flag, path, in)
		}
	}
	return nil
}

// sameOutput tells whether two output flags name the same file.
func sameOutput(a, b string) bool {
	return a != "" && b != "" && (filepath.Clean(a) == filepath.Clean(b) || sameFile(a, b))
}

// sameFile tells whether a and b name the same existing file (however
// spelt: relative, through a link).
func sameFile(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// inputErrors runs a scenario once to find the input errors only a run
// finds (undeclared users, a script line swallowed by an expected output,
// a world too large): explore and shrink must report those as what they
// are (exit 2), not as a failure of every seed, or as nothing to shrink.
func inputErrors(f *scenarios.File, o scenarios.RunOptions) error {
	o.NoRecord = true
	_, err := scenarios.Run(f, o)
	return err
}

func load(path string) (*scenarios.File, []byte, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	f, err := scenarios.Parse(path, src)
	return f, src, err
}

// runCmd: run FILE and print it with its actual outputs.
func runCmd(args []string, stdout, stderr io.Writer) int {
	fs := flags("run", stdout, stderr)
	var c worldOverrides
	c.register(fs)
	tracePath := fs.String("trace", "", "write the run's trace (msgpack) to this file")
	diagram := fs.String("diagram", "", "write a sequence diagram: .md/.mmd (Mermaid), .svg or .html")
	perfetto := fs.String("perfetto", "", "write the run as Chrome/Perfetto trace-event JSON (open it in ui.perfetto.dev) to this file")
	asJSON := fs.Bool("json", false, "print one JSON object instead of the scenario")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "sigsim run: want one FILE, got %d\n", fs.NArg())
		fs.printUsage(stderr)
		return exitUsage
	}
	opts, err := c.options(fs)
	if err != nil {
		fmt.Fprintln(stderr, "sigsim run:", err)
		return exitUsage
	}
	// Outputs first: a run may take minutes, and then have nowhere to go.
	if *tracePath != "" {
		if err := checkOutput("--trace", *tracePath, fs.Arg(0)); err != nil {
			fmt.Fprintln(stderr, "sigsim run:", err)
			return exitUsage
		}
	}
	if *diagram != "" {
		err := checkOutput("--diagram", *diagram, fs.Arg(0))
		if err == nil && diagramFormat(*diagram) == "" {
			err = fmt.Errorf("--diagram %s: unknown format %q (want .md, .mmd, .svg or .html)", *diagram, filepath.Ext(*diagram))
		}
		if err == nil && *tracePath != "" && filepath.Clean(*diagram) == filepath.Clean(*tracePath) {
			err = fmt.Errorf("--diagram and --trace name the same file %s", *diagram)
		}
		if err != nil {
			fmt.Fprintln(stderr, "sigsim run:", err)
			return exitUsage
		}
	}
	if *perfetto != "" {
		err := checkOutput("--perfetto", *perfetto, fs.Arg(0))
		if err == nil && (sameOutput(*perfetto, *tracePath) || sameOutput(*perfetto, *diagram)) {
			err = fmt.Errorf("--perfetto %s: another output names the same file", *perfetto)
		}
		if err != nil {
			fmt.Fprintln(stderr, "sigsim run:", err)
			return exitUsage
		}
	}
	f, src, err := load(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	res, err := scenarios.Run(f, opts)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	if *perfetto != "" {
		if err := atomicfile.WriteFile(*perfetto, 0o644, func(w io.Writer) error {
			return trace.WritePerfetto(w, res.World.Trace(), trace.PerfettoOptions{Rename: res.Rename()})
		}); err != nil {
			fmt.Fprintln(stderr, "sigsim run: --perfetto:", err)
			return exitUsage
		}
	}
	if *tracePath != "" {
		if err := atomicfile.WriteFile(*tracePath, 0o644, func(w io.Writer) error { return res.WriteTrace(w, src, opts) }); err != nil {
			fmt.Fprintln(stderr, "sigsim run: --trace:", err)
			return exitUsage
		}
	}
	if *diagram != "" {
		if err := writeDiagram(*diagram, res); err != nil {
			fmt.Fprintln(stderr, "sigsim run: --diagram:", err)
			return exitUsage
		}
	}
	code := exitOK
	switch {
	case res.Unexpected:
		code = exitViolation
	case len(res.Failures) > 0:
		code = exitFailed
	}
	if *asJSON {
		verdict := "pass"
		if code != exitOK {
			verdict = "fail"
		}
		vs := []string{}
		for _, v := range res.Violations {
			vs = append(vs, v.String())
		}
		out := map[string]any{
			"file": f.Name, "seed": res.World.Options().Seed, "hash": fmt.Sprintf("%016x", res.Hash()),
			"events": res.World.Events(), "virtual_ns": res.World.Now(), "violations": vs,
			"failures": nonNil(res.Failures), "verdict": verdict, "options": res.Options,
			"swarm_plan": nonNil(res.SwarmPlan),
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(out)
		return code
	}
	// The header is the world this run had, as a world line to paste back.
	wo := res.World.Options()
	fmt.Fprintf(stdout, "# sigsim run %s: %s\n", f.Name, wo.WorldLine())
	if wo.Swarm != nil {
		fmt.Fprintf(stdout, "# %s\n", wo.Swarm.Line())
	}
	if len(res.SwarmPlan) > 0 {
		// A line each, as script lines: a seed's faults paste into a script.
		fmt.Fprintf(stdout, "# swarm plan for seed %d:\n#   %s\n", res.World.Options().Seed, strings.Join(res.SwarmPlan, "\n#   "))
	}
	_, _ = stdout.Write(res.Text())
	fmt.Fprintf(stdout, "# hash %016x, %d events, virtual time %s\n", res.Hash(), res.World.Events(), strings.TrimSpace(trace.FormatTime(int64(res.World.Now()))))
	for _, fl := range res.Failures {
		fmt.Fprintln(stderr, fl)
	}
	if res.Unexpected {
		seed := res.World.Options().Seed
		v := res.Violations[res.FirstUnexpected]
		fmt.Fprintf(stderr, "invariant violated: %s\nreplay: sigsim run %s --seed %d%s\n", res.Rename()(v.String()), f.Name, seed, swarmFlag(opts.Swarm))
		fmt.Fprintf(stderr, "events: sigsim run %s --seed %d%s --trace /tmp/seed%d.trace; sigsim events /tmp/seed%d.trace --grep %s\n",
			f.Name, seed, swarmFlag(opts.Swarm), seed, seed, v.Node)
	}
	return code
}

func swarmFlag(on bool) string {
	if on {
		return " --swarm"
	}
	return ""
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// diagramFormat is the diagram format a file name asks for: "mermaid",
// "mermaid-md", "svg", "html", or "" for none of them.
func diagramFormat(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".md":
		return "mermaid-md"
	case ".mmd":
		return "mermaid"
	case ".svg":
		return "svg"
	case ".html":
		return "html"
	}
	return ""
}

func writeDiagram(path string, res *scenarios.Result) error {
	writeFile := func(path string, write func(io.Writer) error) error { return atomicfile.WriteFile(path, 0o644, write) }
	switch format := diagramFormat(path); format {
	case "mermaid", "mermaid-md":
		return writeFile(path, func(w io.Writer) error {
			if format == "mermaid-md" {
				if _, err := io.WriteString(w, "```mermaid\n"); err != nil {
					return err
				}
			}
			if err := res.WriteMermaid(w); err != nil {
				return err
			}
			if format == "mermaid-md" {
				_, err := io.WriteString(w, "```\n")
				return err
			}
			return nil
		})
	case "svg":
		return writeFile(path, res.WriteSVG)
	case "html":
		return writeFile(path, func(w io.Writer) error { return res.WriteHTML(w, "sigsim: "+res.File.Name) })
	}
	return fmt.Errorf("unknown diagram format %q (want .md, .mmd, .svg or .html)", filepath.Ext(path))
}

// checkCmd: the CI regression runner.
func checkCmd(args []string, stdout, stderr io.Writer) int {
	fs := flags("check", stdout, stderr)
	rewrite := fs.Bool("rewrite", false, "write the actual outputs into the files (expectations still fail)")
	seed := fs.Uint64("seed", 0, "override every scenario's seed")
	junit := fs.String("junit", "", "also write a JUnit XML report to this file (a test case per scenario block)")
	annotate := fs.Bool("annotate", githubActions(), "print GitHub Actions annotations (::error file=F,line=L::) for each failure; on by default under GitHub Actions")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *junit != "" {
		if err := checkOutput("--junit", *junit); err != nil {
			fmt.Fprintln(stderr, "sigsim check:", err)
			return exitUsage
		}
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "sigsim check: want at least one DIR or FILE")
		fs.printUsage(stderr)
		return exitUsage
	}
	var files []string
	for _, a := range fs.Args() {
		st, err := os.Stat(a)
		if err != nil {
			fmt.Fprintln(stderr, "sigsim check:", err)
			return exitUsage
		}
		if !st.IsDir() {
			files = append(files, a)
			continue
		}
		before := len(files)
		err = filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err // an unreadable directory is not an empty one
			}
			if !d.IsDir() && (strings.HasSuffix(p, ".sig") || strings.HasSuffix(p, ".txt")) {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(stderr, "sigsim check:", err)
			return exitUsage
		}
		if len(files) == before {
			fmt.Fprintf(stderr, "sigsim check: %s holds no scenario (no *.sig or *.txt file): nothing to check\n", a)
			return exitUsage
		}
	}
	sort.Strings(files)
	passed, failed, malformed := 0, 0, 0
	var reports []fileReport
	// Ctrl-C or SIGTERM: finish the file in hand (its rewrite is atomic),
	// start no other, and say which were done and which were not. A second
	// one, once the first is seen, kills as usual.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() { <-ctx.Done(); stop() }()
	for k, p := range files {
		if ctx.Err() != nil || testInterruptCheck != nil && testInterruptCheck(k) {
			fmt.Fprintf(stdout, "interrupted: %d of %d files checked (%d passed, %d failed)", k, len(files), passed, failed)
			if *rewrite {
				fmt.Fprint(stdout, "; the files it rewrote say so above, the files not processed are untouched")
			}
			fmt.Fprintf(stdout, "\nnot processed (%d):\n", len(files)-k)
			for _, q := range files[k:] {
				fmt.Fprintln(stdout, "  "+q)
			}
			return exitInterrupted
		}
		verdict, rep := checkFile(p, *rewrite, *seed, fs.Changed("seed"), stdout)
		reports = append(reports, rep)
		if *annotate {
			for _, a := range rep.notes {
				fmt.Fprintln(stdout, a)
			}
		}
		switch verdict {
		case checkPassed:
			passed++
		case checkFailed:
			failed++
		default:
			failed++
			malformed++
		}
	}
	if *junit != "" {
		if err := atomicfile.WriteFile(*junit, 0o644, func(w io.Writer) error { return writeJUnit(w, reports) }); err != nil {
			fmt.Fprintln(stderr, "sigsim check: --junit:", err)
			return exitUsage
		}
	}
	fmt.Fprintf(stdout, "%d passed, %d failed", passed, failed)
	if malformed > 0 {
		fmt.Fprintf(stdout, " (%d malformed or unwritable: input errors)", malformed)
	}
	fmt.Fprintln(stdout)
	switch {
	case malformed > 0:
		return exitUsage
	case failed > 0:
		return exitFailed
	}
	return exitOK
}

// The verdict on one file of check.
const (
	checkPassed = iota
	checkFailed // a golden or an expect did not match, or an invariant was violated
	checkInput  // the file is malformed or unreadable, or its rewrite failed
)

func checkFile(path string, rewrite bool, seed uint64, hasSeed bool, stdout io.Writer) (int, fileReport) {
	f, _, err := load(path)
	if err == nil {
		var res *scenarios.Result
		if res, err = scenarios.Run(f, scenarios.RunOptions{Seed: seed, HasSeed: hasSeed}); err == nil {
			return checkResult(path, res, rewrite, stdout)
		}
	}
	fmt.Fprintf(stdout, "FAIL %s: malformed scenario\n%v\n", path, err)
	return checkInput, reportMalformed(path, err)
}

func checkResult(path string, res *scenarios.Result, rewrite bool, stdout io.Writer) (int, fileReport) {
	verdict := checkPassed
	var report []string
	diffs := map[*scenarios.Block]string{}
	for _, b := range res.Mismatches() {
		if rewrite {
			continue
		}
		verdict = checkFailed
		d := difflib.UnifiedDiff{A: withEOL(b.Expected), B: withEOL(res.Outputs[b]), FromFile: "expected", ToFile: "actual", Context: 2}
		text, _ := difflib.GetUnifiedDiffString(d)
		diffs[b] = text
		report = append(report, fmt.Sprintf("%s:%d: output differs\n%s", path, mismatchLine(b, res.Outputs[b]), text))
	}
	for _, fl := range res.Failures {
		verdict = checkFailed
		report = append(report, fl)
	}
	if res.Unexpected {
		verdict = checkFailed
		report = append(report, fmt.Sprintf("%s: invariant violated: %s", path, res.Violations[res.FirstUnexpected]))
	}
	if rewrite && len(res.Mismatches()) > 0 {
		// Atomic: killed at any moment, the file is the old one or the
		// new one, never a truncated one.
		if err := atomicfile.Write(path, res.Text(), 0o644); err != nil {
			report = append(report, "--rewrite: "+err.Error())
			verdict = checkInput
		} else {
			fmt.Fprintf(stdout, "rewrote %s\n", path)
		}
	}
	if verdict != checkPassed {
		fmt.Fprintf(stdout, "FAIL %s\n%s\n", path, strings.Join(report, "\n"))
	}
	rep := reportFile(path, res, diffs)
	if verdict == checkInput {
		rep.cases = append(rep.cases, checkCase{name: "rewrite", failure: report[len(report)-1], detail: report[len(report)-1]})
	}
	return verdict, rep
}

func withEOL(l []string) []string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = s + "\n"
	}
	return out
}

// traceArgs parses a command's flags and opens its n trace files.
func traceArgs(fs *flagSet, args []string, n int, want string, stderr io.Writer) ([]*os.File, int, bool) {
	if code, ok := parseFlags(fs, args); !ok {
		return nil, code, false
	}
	if fs.NArg() != n {
		fmt.Fprintf(stderr, "%s: want %s\n", fs.Name(), want)
		fs.printUsage(stderr)
		return nil, exitUsage, false
	}
	files := make([]*os.File, 0, n)
	for _, name := range fs.Args() {
		fh, err := os.Open(name)
		if err != nil {
			closeAll(files)
			fmt.Fprintln(stderr, err)
			return nil, exitUsage, false
		}
		files = append(files, fh)
	}
	return files, 0, true
}

func closeAll(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}

func replayCmd(args []string, stdout, stderr io.Writer) int {
	fs := flags("replay", stdout, stderr)
	files, code, ok := traceArgs(fs, args, 1, "one TRACE", stderr)
	if !ok {
		return code
	}
	defer closeAll(files)
	rep, err := scenarios.Replay(files[0])
	if err != nil {
		fmt.Fprintf(stderr, "sigsim replay: %s: %v\n", fs.Arg(0), err)
		return exitUsage
	}
	if now := buildinfo.Read().Commit(); rep.RecordedBy != "" && rep.RecordedBy != now {
		fmt.Fprintf(stderr, "sigsim replay: warning: %s was recorded by build %s and replays with build %s: a divergence may be a legitimate change of behaviour\n",
			fs.Arg(0), rep.RecordedBy, now)
	}
	if rep.Identical {
		fmt.Fprintf(stdout, "identical: %d events, hash %016x\n", rep.Events, rep.HashGot)
		return exitOK
	}
	fmt.Fprintf(stdout, "diverged (a = recorded, b = replayed):\n%s\n", rep.Divergence)
	return exitFailed
}

// eventsCmd prints a trace file's header and the events that match: the way to
// read what happened around a reported failure (every send, delivery, drop,
// timer, callback and fault, with its virtual time and node).
func eventsCmd(args []string, stdout, stderr io.Writer) int {
	fs := flags("events", stdout, stderr)
	grep := fs.StringArray("grep", nil, "print only events whose line contains TEXT (repeatable: any of them)")
	from := fs.Duration("from", 0, "print only events at or after this virtual time")
	to := fs.Duration("to", 0, "print only events at or before this virtual time (0: to the end)")
	format := fs.String("format", "text", "text (a line an event), or perfetto (Chrome/Perfetto trace-event JSON, for ui.perfetto.dev)")
	files, code, ok := traceArgs(fs, args, 1, "one TRACE", stderr)
	if !ok {
		return code
	}
	defer closeAll(files)
	switch {
	case *format != "text" && *format != "perfetto":
		return fs.usageError("sigsim events: --format %q: want text or perfetto", *format)
	case *from < 0:
		fmt.Fprintf(stderr, "sigsim events: --from %s: a virtual time is not negative\n", *from)
		return exitUsage
	case *to < 0:
		fmt.Fprintf(stderr, "sigsim events: --to %s: a virtual time is not negative\n", *to)
		return exitUsage
	case *to > 0 && *from > *to:
		fmt.Fprintf(stderr, "sigsim events: --from %s is after --to %s: the window is empty\n", *from, *to)
		return exitUsage
	}
	r, err := trace.NewReader(bufio.NewReader(files[0]))
	if err != nil {
		fmt.Fprintf(stderr, "sigsim events: %s: %v\n", fs.Arg(0), err)
		return exitUsage
	}
	h := r.Header()
	rename := scenarios.TraceRenamer(h) // the script's handles for raw invitation IDs
	if *format == "perfetto" {
		var events []trace.Event
		for {
			e, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				fmt.Fprintf(stderr, "sigsim events: %s: %v\n", fs.Arg(0), err)
				return exitUsage
			}
			if e.At >= int64(*from) && (*to == 0 || e.At <= int64(*to)) && grepMatch(*grep, e, rename) {
				events = append(events, e)
			}
		}
		if err := trace.WritePerfetto(stdout, events, trace.PerfettoOptions{Rename: rename}); err != nil {
			fmt.Fprintln(stderr, "sigsim events:", err)
			return exitUsage
		}
		return exitOK
	}
	fmt.Fprintf(stdout, "# trace %s: seed=%d version=%s", fs.Arg(0), h.Seed, h.Version)
	for _, o := range h.Options {
		if o.Key == "scenario.handles" {
			fmt.Fprintf(stdout, " %s=(%d)", o.Key, strings.Count(o.Value, ",")+1)
			continue
		}
		fmt.Fprintf(stdout, " %s=%s", o.Key, o.Value)
	}
	fmt.Fprintln(stdout)
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	shown := 0
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			w.Flush()
			fmt.Fprintf(stderr, "sigsim events: %s: %v\n", fs.Arg(0), err)
			return exitUsage
		}
		if e.At < int64(*from) || (*to > 0 && e.At > int64(*to)) {
			continue
		}
		if !grepMatch(*grep, e, rename) {
			continue
		}
		e.Text = rename(e.Text)
		fmt.Fprintln(w, e.String())
		shown++
	}
	count, hash := r.Trailer()
	fmt.Fprintf(w, "# %d of %d events, hash %016x\n", shown, count, hash)
	return exitOK
}

// grepMatch tells whether an event's line contains any of the texts (all
// events if none), with the script's handles or the raw IDs: `--grep call`
// and `--grep alice/1.0-1` find the same invitation.
func grepMatch(grep []string, e trace.Event, rename func(string) string) bool {
	if len(grep) == 0 {
		return true
	}
	raw := e.String()
	e.Text = rename(e.Text)
	named := e.String()
	return slices.ContainsFunc(grep, func(g string) bool { return strings.Contains(raw, g) || strings.Contains(named, g) })
}

func diffCmd(args []string, stdout, stderr io.Writer) int {
	fs := flags("diff", stdout, stderr)
	files, code, ok := traceArgs(fs, args, 2, "two traces A B", stderr)
	if !ok {
		return code
	}
	defer closeAll(files)
	var readers [2]*trace.Reader
	for i := range readers {
		var err error
		if readers[i], err = trace.NewReader(files[i]); err != nil {
			fmt.Fprintf(stderr, "sigsim diff: %s: %v\n", fs.Arg(i), err)
			return exitUsage
		}
	}
	d, differ, err := trace.CompareReaders(readers[0], readers[1])
	if err != nil {
		fmt.Fprintln(stderr, "sigsim diff:", err)
		return exitUsage
	}
	// The comparison stops at the first divergence: read both traces to
	// their trailers, whose checksums say whether what was compared is
	// what was written. A corrupt trace is an input error, whatever it
	// diverges at.
	for i, r := range readers {
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				fmt.Fprintf(stderr, "sigsim diff: %s: %v\n", fs.Arg(i), err)
				return exitUsage
			}
		}
	}
	if !differ {
		fmt.Fprintln(stdout, "identical")
		return exitOK
	}
	fmt.Fprintln(stdout, d)
	return exitFailed
}

// maxJobs is the most seeds explore runs at a time: 4 per CPU, at least 256.
func maxJobs() int { return max(4*runtime.GOMAXPROCS(0), 256) }

// testInterruptCheck, if set (by tests), tells check to act as if
// interrupted before the k-th file.
var testInterruptCheck func(k int) bool

// testBeforeSeed, if set (by tests), runs before each seed of explore.
var testBeforeSeed func(seed uint64)

func exploreCmd(args []string, stdout, stderr io.Writer) int {
	fs := flags("explore", stdout, stderr)
	seeds := fs.String("seeds", "1..100", "seed range A..B (inclusive)")
	jobs := fs.IntP("jobs", "j", 2, "seeds run in parallel")
	var c worldOverrides
	c.registerMode(fs)
	fs.BoolVar(&c.swarm, "swarm", false, "let each seed randomize faults")
	shard := fs.String("shard", "", "run the i-th of n disjoint slices of the range, as i/n (0-based)")
	keep := fs.Bool("keep-going", false, "run every seed even after a failure")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	expect := fs.String("expect-paths", "", "fail (exit 1) if a rare path this file lists (one a line, # comments) is never hit")
	annotate := fs.Bool("annotate", githubActions(), "print GitHub Actions annotations (::error file=F,line=L::) for failing seeds and missed paths; on by default under GitHub Actions")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "sigsim explore: want one FILE")
		fs.printUsage(stderr)
		return exitUsage
	}
	from, to, err := parseRange(*seeds)
	if err != nil {
		fmt.Fprintln(stderr, "sigsim explore: --seeds", err)
		return exitUsage
	}
	i, n, err := parseShard(*shard)
	if err != nil {
		fmt.Fprintln(stderr, "sigsim explore: --shard", err)
		return exitUsage
	}
	if *jobs < 1 {
		fmt.Fprintf(stderr, "sigsim explore: -j %d: want at least 1 seed at a time\n", *jobs)
		return exitUsage
	}
	if limit := maxJobs(); *jobs > limit {
		fmt.Fprintf(stderr, "sigsim explore: -j %d: at most %d seeds at a time (4 per CPU, or 256); each holds a world in memory, and more than the CPUs run no faster\n", *jobs, limit)
		return exitUsage
	}
	lo, hi, ok := scenarios.Slice(from, to, i, n)
	if !ok {
		fmt.Fprintf(stderr, "sigsim explore: --shard %s: seeds %d..%d are too few for %d shards: shard %d would be empty\n", *shard, from, to, n, i)
		return exitUsage
	}
	expected, err := loadPaths(*expect)
	if err != nil {
		fmt.Fprintln(stderr, "sigsim explore: --expect-paths:", err)
		return exitUsage
	}
	ro, err := c.options(fs)
	if err != nil {
		fmt.Fprintln(stderr, "sigsim explore:", err)
		fs.printUsage(stderr)
		return exitUsage
	}
	f, _, err := load(fs.Arg(0))
	if err == nil {
		ro.Seed, ro.HasSeed = from, true
		err = inputErrors(f, ro)
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	if os.Getenv("GOGC") == "" {
		// Each seed's world is small and short-lived: with the default GC target the
		// collector runs constantly and the seeds contend for it (measured: 540
		// seeds/s on both -j 1 and -j 2 at GOGC=100; 950 and 1,900 at 400).
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	// Ctrl-C or SIGTERM: start no more seeds, report what was done. A second
	// one, once the first is seen, kills as usual.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() { <-ctx.Done(); stop() }()
	var prog *bench.Progress
	if file, ok := stderr.(*os.File); ok {
		total := int64(hi - lo + 1)
		if hi-lo >= 1<<62 {
			total = 0 // a spinner
		}
		prog = bench.NewProgress(total, "seeds", file)
	}
	resume := "sigsim explore " + f.Name
	if *keep {
		resume += " --keep-going"
	}
	sum := scenarios.Explore(ctx, f, scenarios.ExploreOptions{From: from, To: to, Jobs: *jobs, Swarm: c.swarm, Mode: ro.Mode, HasMode: ro.HasMode, Shard: i, Shards: n,
		KeepGoing: *keep, Command: "sigsim run " + f.Name, ResumeCommand: resume, Progress: func() { prog.Add(1) },
		BeforeSeed: testBeforeSeed})
	prog.Finish()
	if expected != nil {
		sum.CheckPaths(expected)
	}
	return printSummary(sum, *asJSON, *annotate, *expect, stdout)
}

// loadPaths reads a list of expected paths (none if path is "").
func loadPaths(path string) ([]engine.Path, error) {
	if path == "" {
		return nil, nil
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return scenarios.ParsePathList(path, src)
}

// printSummary prints an exploration's summary and returns its exit code:
// interrupted outranks a panic, which outranks a violation, which outranks
// another failure (an expectation, an expected path never hit).
func printSummary(sum scenarios.Summary, asJSON, annotate bool, expectFile string, stdout io.Writer) int {
	if annotate && !asJSON { // JSON goes to files and merge: it annotates
		// On the scenario's first line (the world it sets up): a seed's
		// failure is the file's, under that seed.
		for _, fl := range sum.Failures {
			fmt.Fprintln(stdout, annotation{sum.File, 1, fmt.Sprintf("seed %d FAILED: %s\nreplay: %s", fl.Seed, fl.Reason, fl.Replay)})
		}
		for _, p := range sum.MissingPaths {
			fmt.Fprintln(stdout, annotation{expectFile, pathLine(expectFile, p), "expected path " + p + " never hit"})
		}
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if sum.Failures == nil {
			sum.Failures = []scenarios.SeedFailure{}
		}
		_ = enc.Encode(sum)
	} else {
		w := bufio.NewWriter(stdout)
		for _, fl := range sum.Failures {
			if fl.Panic {
				fmt.Fprintf(w, "seed %d PANICKED: %s\n  replay: %s\n  stack:\n    %s\n", fl.Seed, fl.Reason, fl.Replay,
					strings.ReplaceAll(strings.TrimSpace(fl.Stack), "\n", "\n    "))
				continue
			}
			fmt.Fprintf(w, "seed %d FAILED: %s\n  replay: %s\n", fl.Seed, fl.Reason, fl.Replay)
		}
		fmt.Fprintf(w, "seeds=%d failed=%d", sum.Seeds, sum.Failed)
		if sum.Panicked > 0 {
			fmt.Fprintf(w, " panicked=%d", sum.Panicked)
		}
		fmt.Fprintf(w, " seeds_per_s=%.1f wall=%.2fs\n", sum.SeedsPerSec, sum.WallSeconds)
		printCoverage(w, sum)
		for _, p := range sum.MissingPaths {
			fmt.Fprintf(w, "expected path %s never hit (listed in %s)\n", p, expectFile)
		}
		if sum.Interrupted {
			fmt.Fprintf(w, "interrupted after %d seeds: seeds %s not run; to run them: %s\n", sum.Seeds, sum.Resume, sum.Next)
		}
		w.Flush()
	}
	violation := slices.ContainsFunc(sum.Failures, func(fl scenarios.SeedFailure) bool {
		return !fl.Panic && strings.Contains(fl.Reason, "violated")
	})
	switch {
	case sum.Interrupted:
		return exitInterrupted
	case sum.Panicked > 0:
		return exitInternal
	case violation:
		return exitViolation
	case sum.Failed > 0 || len(sum.MissingPaths) > 0:
		return exitFailed
	}
	return exitOK
}

// printCoverage prints how often the sweep took each rare path, in the
// engine's order, flagging those never taken.
func printCoverage(w io.Writer, sum scenarios.Summary) {
	if len(sum.Paths) == 0 {
		return
	}
	fmt.Fprintf(w, "coverage: %d of %d rare paths hit\n", len(sum.Paths)-len(sum.NeverHit), len(sum.Paths))
	for p := engine.Path(1); p < engine.NumPaths; p++ {
		n, ok := sum.Paths[p.String()]
		if !ok {
			continue
		}
		mark := ""
		if n == 0 {
			mark = "  never hit"
		}
		fmt.Fprintf(w, "  %-28s %10d%s\n", p, n, mark)
	}
}

// parseRange reads --seeds A..B.
func parseRange(s string) (uint64, uint64, error) {
	a, b, ok := strings.Cut(s, "..")
	if !ok {
		return 0, 0, fmt.Errorf("%q: want A..B, the first and last seed", s)
	}
	seed := func(x string) (uint64, error) {
		v, err := strconv.ParseUint(x, 10, 64)
		if errors.Is(err, strconv.ErrRange) {
			return 0, fmt.Errorf("%q: seed %s overflows (seeds are at most %d)", s, x, uint64(math.MaxUint64))
		}
		if err != nil {
			return 0, fmt.Errorf("%q: %q is not a seed (a whole number from 0)", s, x)
		}
		return v, nil
	}
	from, err := seed(a)
	if err != nil {
		return 0, 0, err
	}
	to, err := seed(b)
	if err != nil {
		return 0, 0, err
	}
	if from > to {
		return 0, 0, fmt.Errorf("%q is reversed (%d > %d): did you mean %d..%d?", s, from, to, to, from)
	}
	return from, to, nil
}

func parseShard(s string) (int, int, error) {
	if s == "" {
		return 0, 1, nil
	}
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("%q: want i/n with 0 ≤ i < n (0/4, 1/4, 2/4, 3/4)", s)
	}
	return i, n, nil
}

func mergeCmd(args []string, stdout, stderr io.Writer) int {
	fs := flags("merge", stdout, stderr)
	asJSON := fs.Bool("json", false, "print the merged summary as JSON")
	expect := fs.String("expect-paths", "", "fail (exit 1) if a rare path this file lists (one a line, # comments) is never hit")
	annotate := fs.Bool("annotate", githubActions(), "print GitHub Actions annotations (::error file=F,line=L::) for failing seeds and missed paths; on by default under GitHub Actions")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "sigsim merge: want summary files (explore --json output)")
		return exitUsage
	}
	expected, err := loadPaths(*expect)
	if err != nil {
		fmt.Fprintln(stderr, "sigsim merge: --expect-paths:", err)
		return exitUsage
	}
	var parts []scenarios.Summary
	for _, p := range fs.Args() {
		b, err := os.ReadFile(p)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitUsage
		}
		var s scenarios.Summary
		if err := json.Unmarshal(b, &s); err != nil {
			fmt.Fprintf(stderr, "sigsim merge: %s: %v\n", p, err)
			return exitUsage
		}
		parts = append(parts, s)
	}
	sum, err := scenarios.Merge(parts, fs.Args())
	if err != nil {
		fmt.Fprintln(stderr, "sigsim merge:", err)
		return exitUsage
	}
	if expected != nil {
		sum.CheckPaths(expected)
	}
	return printSummary(sum, *asJSON, *annotate, *expect, stdout)
}

func shrinkCmd(args []string, stdout, stderr io.Writer) int {
	fs := flags("shrink", stdout, stderr)
	var c worldOverrides
	c.register(fs)
	out := fs.StringP("output", "o", "", "where to write the minimal scenario")
	force := fs.Bool("force", false, "let -o overwrite the input FILE")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 || *out == "" {
		fmt.Fprintln(stderr, "sigsim shrink: want FILE and -o OUT")
		fs.printUsage(stderr)
		return exitUsage
	}
	opts, err := c.options(fs)
	if err != nil {
		fmt.Fprintln(stderr, "sigsim shrink:", err)
		return exitUsage
	}
	// Before shrinking (minutes, for a long script): -o must be writable, and
	// it must not silently replace the scenario being shrunk, someone's bug
	// report, with its shrunk version.
	inputs := []string{fs.Arg(0)}
	if *force {
		inputs = nil
	}
	if err := checkOutput("-o", *out, inputs...); err != nil {
		if !*force && sameFile(*out, fs.Arg(0)) {
			err = fmt.Errorf("-o %s is the input file: add --force to replace it with the shrunk script", *out)
		}
		fmt.Fprintln(stderr, "sigsim shrink:", err)
		return exitUsage
	}
	f, _, err := load(fs.Arg(0))
	if err == nil {
		err = inputErrors(f, opts)
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	shrunk, err := scenarios.Shrink(f, opts)
	if errors.Is(err, scenarios.ErrNoFailure) {
		fmt.Fprintf(stderr, "sigsim shrink: %s does not violate an invariant with these options; nothing to shrink\n", f.Name)
		return exitFailed
	}
	if err != nil {
		fmt.Fprintf(stderr, "sigsim shrink: %s: %v\n", f.Name, err)
		return exitFailed
	}
	if err := atomicfile.Write(*out, shrunk.Text, 0o644); err != nil {
		fmt.Fprintln(stderr, "sigsim shrink: -o:", err)
		return exitUsage
	}
	// The written file must fail alone, as the original did: run it as the
	// user will, with no flags.
	got, err := reproduces(*out, shrunk.Failure)
	if err != nil {
		fmt.Fprintf(stderr, "sigsim shrink: wrote %s, but it does not reproduce the failure alone (%s): %v\n", *out, shrunk.Failure, err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "wrote %s: %d lines still violate %s: %s\nreproduce: sigsim run %s\n", *out, shrunk.Lines, shrunk.Failure, got.Text, *out)
	return exitOK
}

// reproduces runs the scenario file at path with no options and says how it
// fails; an error if it does not fail as want.
func reproduces(path string, want scenarios.Failure) (scenarios.Failure, error) {
	f, _, err := load(path)
	if err != nil {
		return scenarios.Failure{}, err
	}
	res, err := scenarios.Run(f, scenarios.RunOptions{NoRecord: true})
	if err != nil {
		return scenarios.Failure{}, err
	}
	got, ok := res.Failure()
	if !ok {
		return got, errors.New("it passes")
	}
	if !got.Same(want) {
		return got, fmt.Errorf("it fails differently: %s", got.Text)
	}
	return got, nil
}

// completionCmd: sigsim completion bash|zsh|fish prints a completion script
// of every command and its flags.
func completionCmd(args []string, stdout, stderr io.Writer) int {
	fs := flags("completion", stdout, stderr)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 || !slices.Contains(completion.Shells, fs.Arg(0)) {
		return fs.usageError("sigsim completion: want one shell: %s", strings.Join(completion.Shells, ", "))
	}
	var cmds []completion.Command
	for _, name := range slices.Sorted(maps.Keys(commands)) {
		var help bytes.Buffer
		if name != "completion" {
			commands[name]([]string{"--help"}, &help, io.Discard)
		}
		cmds = append(cmds, completion.Command{Name: name, Flags: completion.FlagsOf(help.String())})
	}
	if err := completion.Write(stdout, fs.Arg(0), "sigsim", cmds); err != nil {
		fmt.Fprintln(stderr, "sigsim completion:", err)
		return exitUsage
	}
	return exitOK
}
