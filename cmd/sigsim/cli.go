package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/spf13/pflag"

	"sigsim/bench"
	"sigsim/engine"
	"sigsim/scenarios"
	"sigsim/sim/trace"
)

// Exit codes, documented in the README.
const (
	exitOK        = 0 // everything passed
	exitFailed    = 1 // an expectation or golden output did not match; a replay or diff diverged
	exitUsage     = 2 // bad flags, unreadable or malformed input
	exitViolation = 3 // an invariant was violated (and the scenario did not expect it)
)

const usage = `sigsim: deterministic simulation of call-invitation signaling

usage:
  sigsim run FILE [--seed N] [--arbiter server|client] [--swarm] [--trace OUT] [--diagram OUT] [--json]
  sigsim check DIR|FILE... [--rewrite] [--seed N]
  sigsim replay TRACE
  sigsim events TRACE [--grep TEXT]... [--from T] [--to T]
  sigsim diff A B
  sigsim explore FILE --seeds A..B [-j K] [--swarm] [--shard i/n] [--keep-going] [--json]
  sigsim merge SUMMARY.json...
  sigsim shrink FILE --seed N -o OUT [--swarm] [--arbiter server|client]

exit codes: 0 ok, 1 check failed (golden or expect mismatch, divergence),
            2 usage or input error, 3 invariant violation
`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmds := map[string]func([]string, io.Writer, io.Writer) int{
		"run": runCmd, "check": checkCmd, "replay": replayCmd, "events": eventsCmd, "diff": diffCmd,
		"explore": exploreCmd, "merge": mergeCmd, "shrink": shrinkCmd,
	}
	f, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "sigsim: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	return f(args[1:], stdout, stderr)
}

// flags builds a flag set that reports errors with the usage, never exits.
func flags(name string, stderr io.Writer) *pflag.FlagSet {
	fs := pflag.NewFlagSet("sigsim "+name, pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintf(stderr, "%s\nflags of sigsim %s:\n%s", usage, name, fs.FlagUsages()) }
	return fs
}

func parseFlags(fs *pflag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK, false
		}
		fmt.Fprintf(fs.Output(), "%s: %v\n", fs.Name(), err)
		fs.Usage()
		return exitUsage, false
	}
	return 0, true
}

// common holds the flags that override a scenario's world.
type common struct {
	seed    uint64
	arbiter string
	swarm   bool
}

func (c *common) register(fs *pflag.FlagSet) {
	fs.Uint64Var(&c.seed, "seed", 0, "override the scenario's seed")
	fs.StringVar(&c.arbiter, "arbiter", "", "override the arbitration mode: server or client")
	fs.BoolVar(&c.swarm, "swarm", false, "let the seed randomize faults (swarm mode)")
}

func (c *common) options(fs *pflag.FlagSet) (scenarios.RunOptions, error) {
	o := scenarios.RunOptions{Seed: c.seed, HasSeed: fs.Changed("seed"), Swarm: c.swarm}
	if c.arbiter != "" {
		m, err := engine.ParseMode(c.arbiter)
		if err != nil {
			return o, err
		}
		o.Mode, o.HasMode = m, true
	}
	return o, nil
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
	fs := flags("run", stderr)
	var c common
	c.register(fs)
	tracePath := fs.String("trace", "", "write the run's trace (msgpack) to this file")
	diagram := fs.String("diagram", "", "write a sequence diagram: .md/.mmd (Mermaid), .svg or .html")
	asJSON := fs.Bool("json", false, "print one JSON object instead of the scenario")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "sigsim run: want one FILE, got %d\n", fs.NArg())
		fs.Usage()
		return exitUsage
	}
	opts, err := c.options(fs)
	if err != nil {
		fmt.Fprintln(stderr, "sigsim run:", err)
		return exitUsage
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
	if *tracePath != "" {
		if err := writeFile(*tracePath, func(w io.Writer) error { return res.WriteTrace(w, src, opts) }); err != nil {
			fmt.Fprintln(stderr, "sigsim run: trace:", err)
			return exitUsage
		}
	}
	if *diagram != "" {
		if err := writeDiagram(*diagram, res); err != nil {
			fmt.Fprintln(stderr, "sigsim run: diagram:", err)
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
	fmt.Fprintf(stdout, "# sigsim run %s: %s\n", f.Name, strings.Join(res.Options, " "))
	if len(res.SwarmPlan) > 0 {
		fmt.Fprintf(stdout, "# swarm plan for seed %d: %s\n", res.World.Options().Seed, strings.Join(res.SwarmPlan, "; "))
	}
	_, _ = stdout.Write(res.Text())
	fmt.Fprintf(stdout, "# hash %016x, %d events, virtual time %s\n", res.Hash(), res.World.Events(), strings.TrimSpace(trace.FormatTime(res.World.Now())))
	for _, fl := range res.Failures {
		fmt.Fprintln(stderr, fl)
	}
	if res.Unexpected {
		seed := res.World.Options().Seed
		fmt.Fprintf(stderr, "invariant violated: %s\nreplay: sigsim run %s --seed %d%s\n", res.Violations[0], f.Name, seed, swarmFlag(opts.Swarm))
		fmt.Fprintf(stderr, "events: sigsim run %s --seed %d%s --trace /tmp/seed%d.trace; sigsim events /tmp/seed%d.trace --grep ID\n",
			f.Name, seed, swarmFlag(opts.Swarm), seed, seed)
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

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeDiagram(path string, res *scenarios.Result) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".md", ".mmd":
		return writeFile(path, func(w io.Writer) error {
			if strings.HasSuffix(path, ".md") {
				if _, err := io.WriteString(w, "```mermaid\n"); err != nil {
					return err
				}
			}
			if err := res.WriteMermaid(w); err != nil {
				return err
			}
			if strings.HasSuffix(path, ".md") {
				_, err := io.WriteString(w, "```\n")
				return err
			}
			return nil
		})
	case ".svg":
		return writeFile(path, res.WriteSVG)
	case ".html":
		return writeFile(path, func(w io.Writer) error { return res.WriteHTML(w, "sigsim: "+res.File.Name) })
	}
	return fmt.Errorf("unknown diagram format %q (want .md, .mmd, .svg or .html)", filepath.Ext(path))
}

// checkCmd: the CI regression runner.
func checkCmd(args []string, stdout, stderr io.Writer) int {
	fs := flags("check", stderr)
	rewrite := fs.Bool("rewrite", false, "write the actual outputs into the files (expectations still fail)")
	seed := fs.Uint64("seed", 0, "override every scenario's seed")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "sigsim check: want at least one DIR or FILE")
		fs.Usage()
		return exitUsage
	}
	var files []string
	for _, a := range fs.Args() {
		st, err := os.Stat(a)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitUsage
		}
		if !st.IsDir() {
			files = append(files, a)
			continue
		}
		_ = filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".sig") || strings.HasSuffix(p, ".txt")) {
				files = append(files, p)
			}
			return nil
		})
	}
	sort.Strings(files)
	passed, failed := 0, 0
	for _, p := range files {
		ok := checkFile(p, *rewrite, *seed, fs.Changed("seed"), stdout)
		if ok {
			passed++
		} else {
			failed++
		}
	}
	fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return exitFailed
	}
	return exitOK
}

func checkFile(path string, rewrite bool, seed uint64, hasSeed bool, stdout io.Writer) bool {
	f, _, err := load(path)
	if err != nil {
		fmt.Fprintf(stdout, "FAIL %s\n%v\n", path, err)
		return false
	}
	res, err := scenarios.Run(f, scenarios.RunOptions{Seed: seed, HasSeed: hasSeed})
	if err != nil {
		fmt.Fprintf(stdout, "FAIL %s\n%v\n", path, err)
		return false
	}
	ok := true
	var report []string
	for _, b := range res.Mismatches() {
		if rewrite {
			continue
		}
		ok = false
		d := difflib.UnifiedDiff{A: withEOL(b.Expected), B: withEOL(res.Outputs[b]), FromFile: "expected", ToFile: "actual", Context: 2}
		text, _ := difflib.GetUnifiedDiffString(d)
		report = append(report, fmt.Sprintf("%s:%d: output differs\n%s", path, b.Line, text))
	}
	for _, fl := range res.Failures {
		ok = false
		report = append(report, fl)
	}
	if res.Unexpected {
		ok = false
		report = append(report, fmt.Sprintf("%s: invariant violated: %s", path, res.Violations[0]))
	}
	if rewrite && len(res.Mismatches()) > 0 {
		if err := os.WriteFile(path, res.Text(), 0o644); err != nil {
			report = append(report, err.Error())
			ok = false
		} else {
			fmt.Fprintf(stdout, "rewrote %s\n", path)
		}
	}
	if !ok {
		fmt.Fprintf(stdout, "FAIL %s\n%s\n", path, strings.Join(report, "\n"))
	}
	return ok
}

func withEOL(l []string) []string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = s + "\n"
	}
	return out
}

// traceArgs parses a command's flags and opens its n trace files.
func traceArgs(fs *pflag.FlagSet, args []string, n int, want string, stderr io.Writer) ([]*os.File, int, bool) {
	if code, ok := parseFlags(fs, args); !ok {
		return nil, code, false
	}
	if fs.NArg() != n {
		fmt.Fprintf(stderr, "%s: want %s\n", fs.Name(), want)
		fs.Usage()
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
	fs := flags("replay", stderr)
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
	fs := flags("events", stderr)
	grep := fs.StringArray("grep", nil, "print only events whose line contains TEXT (repeatable: any of them)")
	from := fs.Duration("from", 0, "print only events at or after this virtual time")
	to := fs.Duration("to", 0, "print only events at or before this virtual time (0: to the end)")
	files, code, ok := traceArgs(fs, args, 1, "one TRACE", stderr)
	if !ok {
		return code
	}
	defer closeAll(files)
	r, err := trace.NewReader(bufio.NewReader(files[0]))
	if err != nil {
		fmt.Fprintf(stderr, "sigsim events: %s: %v\n", fs.Arg(0), err)
		return exitUsage
	}
	h := r.Header()
	fmt.Fprintf(stdout, "# trace %s: seed=%d version=%s", fs.Arg(0), h.Seed, h.Version)
	for _, o := range h.Options {
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
		line := e.String()
		if len(*grep) > 0 && !slices.ContainsFunc(*grep, func(g string) bool { return strings.Contains(line, g) }) {
			continue
		}
		fmt.Fprintln(w, line)
		shown++
	}
	count, hash := r.Trailer()
	fmt.Fprintf(w, "# %d of %d events, hash %016x\n", shown, count, hash)
	return exitOK
}

func diffCmd(args []string, stdout, stderr io.Writer) int {
	fs := flags("diff", stderr)
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
	if !differ {
		fmt.Fprintln(stdout, "identical")
		return exitOK
	}
	fmt.Fprintln(stdout, d)
	return exitFailed
}

func exploreCmd(args []string, stdout, stderr io.Writer) int {
	fs := flags("explore", stderr)
	seeds := fs.String("seeds", "1..100", "seed range A..B (inclusive)")
	jobs := fs.IntP("jobs", "j", 2, "seeds run in parallel")
	swarm := fs.Bool("swarm", false, "let each seed randomize faults")
	shard := fs.String("shard", "", "run the i-th of n disjoint slices of the range, as i/n (0-based)")
	keep := fs.Bool("keep-going", false, "run every seed even after a failure")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "sigsim explore: want one FILE")
		fs.Usage()
		return exitUsage
	}
	from, to, err := parseRange(*seeds)
	if err != nil {
		fmt.Fprintln(stderr, "sigsim explore: --seeds:", err)
		return exitUsage
	}
	i, n, err := parseShard(*shard)
	if err != nil || *jobs < 1 {
		fmt.Fprintln(stderr, "sigsim explore: --shard wants i/n with 0 ≤ i < n, and -j at least 1")
		return exitUsage
	}
	f, _, err := load(fs.Arg(0))
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
	lo, hi, _ := scenarios.Slice(from, to, i, n)
	var prog *bench.Progress
	if file, ok := stderr.(*os.File); ok {
		prog = bench.NewProgress(int64(hi-lo+1), "seeds", file)
	}
	sum := scenarios.Explore(f, scenarios.ExploreOptions{From: from, To: to, Jobs: *jobs, Swarm: *swarm, Shard: i, Shards: n,
		KeepGoing: *keep, Command: "sigsim run " + f.Name, Progress: func() { prog.Add(1) }})
	prog.Finish()
	return printSummary(sum, *asJSON, stdout)
}

func printSummary(sum scenarios.Summary, asJSON bool, stdout io.Writer) int {
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if sum.Failures == nil {
			sum.Failures = []scenarios.SeedFailure{}
		}
		_ = enc.Encode(sum)
	} else {
		for _, fl := range sum.Failures {
			fmt.Fprintf(stdout, "seed %d FAILED: %s\n  replay: %s\n", fl.Seed, fl.Reason, fl.Replay)
		}
		fmt.Fprintf(stdout, "seeds=%d failed=%d seeds_per_s=%.1f wall=%.2fs\n", sum.Seeds, sum.Failed, sum.SeedsPerSec, sum.WallSeconds)
	}
	for _, fl := range sum.Failures {
		if strings.Contains(fl.Reason, "violated") {
			return exitViolation
		}
	}
	if sum.Failed > 0 {
		return exitFailed
	}
	return exitOK
}

func parseRange(s string) (uint64, uint64, error) {
	a, b, ok := strings.Cut(s, "..")
	if !ok {
		return 0, 0, fmt.Errorf("%q is not A..B", s)
	}
	from, err1 := strconv.ParseUint(a, 10, 64)
	to, err2 := strconv.ParseUint(b, 10, 64)
	if err1 != nil || err2 != nil || from > to {
		return 0, 0, fmt.Errorf("%q is not A..B with A ≤ B", s)
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
		return 0, 0, fmt.Errorf("bad shard %q", s)
	}
	return i, n, nil
}

func mergeCmd(args []string, stdout, stderr io.Writer) int {
	fs := flags("merge", stderr)
	asJSON := fs.Bool("json", false, "print the merged summary as JSON")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "sigsim merge: want summary files (explore --json output)")
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
	sum, err := scenarios.Merge(parts)
	if err != nil {
		fmt.Fprintln(stderr, "sigsim merge:", err)
		return exitUsage
	}
	return printSummary(sum, *asJSON, stdout)
}

func shrinkCmd(args []string, stdout, stderr io.Writer) int {
	fs := flags("shrink", stderr)
	var c common
	c.register(fs)
	out := fs.StringP("output", "o", "", "where to write the minimal scenario")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 || *out == "" {
		fmt.Fprintln(stderr, "sigsim shrink: want FILE and -o OUT")
		fs.Usage()
		return exitUsage
	}
	opts, err := c.options(fs)
	if err != nil {
		fmt.Fprintln(stderr, "sigsim shrink:", err)
		return exitUsage
	}
	f, src, err := load(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	text, inv, ok := scenarios.Shrink(f, src, opts)
	if !ok {
		fmt.Fprintf(stderr, "sigsim shrink: %s does not violate an invariant with these options; nothing to shrink\n", f.Name)
		return exitFailed
	}
	if err := os.WriteFile(*out, text, 0o644); err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "wrote %s: %d lines still violate %s\n", *out, strings.Count(string(text), "\n"), inv)
	return exitOK
}
