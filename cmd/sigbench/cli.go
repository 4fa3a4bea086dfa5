package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"sigsim/bench"
	"sigsim/internal/atomicfile"
	"sigsim/sim"
)

// Exit codes, as sigsim's (README, "Exit codes").
const (
	exitOK          = 0   // the run passed
	exitFail        = 1   // a threshold or a built-in check failed
	exitUsage       = 2   // usage or input error
	exitViolation   = 3   // an invariant was violated in server mode (checkers on)
	exitInterrupted = 130 // stopped by SIGINT or SIGTERM; the partial report was written
)

// workloads lists the workload commands in usage order.
var workloads = []func() workload{
	func() workload { return &callsWorkload{} },
	func() workload { return &classroomWorkload{} },
	func() workload { return &massTimeoutWorkload{} },
	func() workload { return &raceWorkload{} },
}

func findWorkload(name string) workload {
	for _, f := range workloads {
		if w := f(); w.name() == name {
			return w
		}
	}
	return nil
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: sigbench COMMAND [flags]

Benchmarks call-invitation signaling in sigsim's deterministic simulator.
Virtual-time metrics are identical for the same seed and options; wall-clock
metrics are reported apart.

workloads:
`)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, f := range workloads {
		wl := f()
		fmt.Fprintf(tw, "  %s\t%s\n", wl.name(), wl.summary())
	}
	fmt.Fprintf(tw, "  %s\t%s\n", "capacity", "sweep the rate (and shards) of a workload; find where an SLO breaks")
	tw.Flush()
	fmt.Fprint(w, `
other commands:
  compare OLD.json NEW.json [--threshold EXPR]...   what changed; exit 1 if a threshold fails
  baselines [DIR]                                   regenerate the baseline reports in DIR (default reports)
  help                                              this text

Run "sigbench COMMAND --help" for the flags of a command.
Exit status: 0 ok, 1 a threshold or check failed, 2 usage or input error,
3 an invariant was violated in server mode (with the checkers on),
130 interrupted (SIGINT or SIGTERM): the partial report is written.
`)
}

// run is the whole program: it parses args, runs the command and returns
// the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdout, stderr)
}

// runContext is run, stopped early when ctx is done (main cancels it on
// SIGINT or SIGTERM, with the signal as its cause): a workload then writes
// the report of what ran, marked interrupted, and exits 130.
func runContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "help", "-h", "--help":
		usage(stdout)
		return exitOK
	case "compare":
		return runCompare(rest, stdout, stderr)
	case "capacity":
		return runCapacity(ctx, rest, stdout, stderr)
	case "baselines":
		return runBaselines(ctx, rest, stdout, stderr)
	}
	wl := findWorkload(cmd)
	if wl == nil {
		fmt.Fprintf(stderr, "sigbench: unknown command %q\n\n", cmd)
		usage(stderr)
		return exitUsage
	}
	return runWorkload(ctx, wl, rest, stdout, stderr)
}

// newFlagSet returns a flag set that reports errors to the caller instead of
// printing or exiting.
func newFlagSet(name string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	return fs
}

// parseFlags parses args; on --help it prints the usage to stdout. It
// returns -1 to go on, or the exit status.
func parseFlags(fs *pflag.FlagSet, args []string, synopsis string, stdout, stderr io.Writer) int {
	err := fs.Parse(args)
	printUsage := func(w io.Writer) {
		fmt.Fprintf(w, "usage: %s\n\nflags:\n", synopsis)
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	switch {
	case errors.Is(err, pflag.ErrHelp):
		printUsage(stdout)
		return exitOK
	case err != nil:
		fmt.Fprintf(stderr, "%s: %v\n\n", fs.Name(), err)
		printUsage(stderr)
		return exitUsage
	}
	return -1
}

// parseWorkloadFlags parses a workload command's flags and checks the common and
// workload options; it returns an exit status, or -1 to go on.
func parseWorkloadFlags(fs *pflag.FlagSet, args []string, synopsis string, c *common, wl workload, stdout, stderr io.Writer) int {
	if st := parseFlags(fs, args, synopsis, stdout, stderr); st >= 0 {
		return st
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q\n\n", fs.Name(), fs.Arg(0))
		usage(stderr)
		return exitUsage
	}
	if err := c.check(wl); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", fs.Name(), err)
		return exitUsage
	}
	if err := wl.check(c); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", fs.Name(), err)
		return exitUsage
	}
	if err := c.finishCheck(wl); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", fs.Name(), err)
		return exitUsage
	}
	return -1
}

// runWorkload runs one workload command.
func runWorkload(ctx context.Context, wl workload, args []string, stdout, stderr io.Writer) int {
	c := &common{ctx: ctx}
	fs := newFlagSet("sigbench " + wl.name())
	c.register(fs, wl)
	wl.register(fs)
	if st := parseWorkloadFlags(fs, args, "sigbench "+wl.name()+" [flags]", c, wl, stdout, stderr); st >= 0 {
		return st
	}
	c.names = names(wl, c)
	if err := checkThresholds(c.ths, c.names); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", fs.Name(), err)
		return exitUsage
	}
	if err := c.checkOutputs(); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", fs.Name(), err)
		return exitUsage
	}
	c.command = commandLine(wl.name(), fs)
	hdr := header(wl, c)
	fmt.Fprintf(stderr, "sigbench %s: %s\n", wl.name(), describeOptions(hdr.Options))

	stop, err := startProfile(c)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", fs.Name(), err)
		return exitUsage
	}
	res, err := execute(wl, c, stderr)
	if perr := stop(); err == nil && perr != nil {
		err = perr
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", fs.Name(), err)
		return exitUsage
	}
	rep := res.m.Report(hdr)
	wall := res.wall.Wall()
	rep.Wall = &wall
	return finish(rep, res, c, stdout, stderr)
}

// checkOutputs checks, before any work, that every file and folder the run
// will write can be written: a run can take minutes, and then have nowhere
// to go. Each error names its flag.
func (c *common) checkOutputs() error {
	if c.out != "" {
		if err := atomicfile.CheckDir(c.out); err != nil {
			return fmt.Errorf("--out %s: %w", c.out, err)
		}
	}
	for _, f := range []struct{ flag, path string }{{"--cpuprofile", c.cpuProfile}, {"--memprofile", c.memProfile}} {
		if f.path == "" {
			continue
		}
		if err := atomicfile.CheckFile(f.path); err != nil {
			return fmt.Errorf("%s %s: %w", f.flag, f.path, err)
		}
	}
	return nil
}

// finish writes the report and evaluates thresholds and built-in checks.
func finish(rep *bench.Report, res *result, c *common, stdout, stderr io.Writer) int {
	if len(res.notes)+len(res.failures) > 0 || res.violation != "" {
		rep.Findings = &bench.Findings{Notes: res.notes, Failures: res.failures, Violation: res.violation}
	}
	if rep.Wall != nil {
		rep.Wall.Notes = res.wallNote
	}
	rep.Interrupted = res.interrupted
	if res.interrupted != nil {
		fmt.Fprintf(stderr, "sigbench: %s; the report covers the run up to then\n", res.interrupted)
	}
	if c.out != "" {
		if err := bench.WriteReport(c.out, rep, res.m); err != nil {
			fmt.Fprintf(stderr, "sigbench: --out: %v\n", err)
			return exitUsage
		}
	}
	verdictOut := stdout
	if c.json {
		js, err := rep.JSON()
		if err != nil {
			fmt.Fprintf(stderr, "sigbench: %v\n", err)
			return exitUsage
		}
		stdout.Write(js)
		verdictOut = stderr
	} else {
		printSummary(stdout, rep, res)
	}
	thFailed := false
	if len(c.ths) > 0 {
		fmt.Fprintln(verdictOut, "\nthresholds")
		tw := tabwriter.NewWriter(verdictOut, 0, 0, 2, ' ', 0)
		for _, th := range c.ths {
			ok, actual, err := evalThreshold(th, rep, c.names)
			switch {
			case err != nil:
				thFailed = true
				fmt.Fprintf(tw, "ERROR\t%s\t%v\n", th, err)
			case ok:
				fmt.Fprintf(tw, "PASS\t%s\tactual %s\n", th, actual)
			default:
				thFailed = true
				fmt.Fprintf(tw, "FAIL\t%s\tactual %s\n", th, actual)
			}
		}
		tw.Flush()
	}
	for _, f := range res.failures {
		fmt.Fprintf(verdictOut, "FAIL: %s\n", f)
	}
	if res.violation != "" {
		fmt.Fprintf(verdictOut, "INVARIANT VIOLATED: %s\n", res.violation)
	}
	if res.interrupted != nil {
		fmt.Fprintf(verdictOut, "INTERRUPTED: %s\n", res.interrupted)
	}
	return exitStatus(res, thFailed)
}

// exitStatus maps a finished run to its exit status: 130 if it was
// interrupted (its verdict is not one), else 3 if an invariant was violated
// in server mode (a bug in the engine outranks any measurement), else 1 if a
// threshold or a built-in check failed, else 0. Client-mode violations and
// anomalies are measurements and change nothing.
func exitStatus(res *result, thresholdFailed bool) int {
	switch {
	case res.interrupted != nil:
		return exitInterrupted
	case res.violation != "":
		return exitViolation
	case thresholdFailed || len(res.failures) > 0:
		return exitFail
	}
	return exitOK
}

// result is what a workload run produced.
type result struct {
	m        *bench.Metrics
	wall     bench.WallInput
	notes    []string // deterministic findings, for the summary
	wallNote []string // wall-clock findings (not deterministic)
	failures []string // built-in checks that failed: exit 1
	// violation names the first invariant violation in server mode: exit 3.
	violation string
	// interrupted says where the run stopped on SIGINT or SIGTERM: exit 130.
	interrupted *bench.Interrupted
}

// header returns the report header: what ran, with every option.
func header(wl workload, c *common) bench.Header {
	h := bench.Header{Workload: wl.name(), Version: sim.Version, Seed: c.seed, Command: c.command}
	o := c.simOptions(c.modes[0])
	for _, kv := range o.Describe() {
		k, v, _ := strings.Cut(kv, "=")
		if k == "mode" {
			v = c.arbiter
		}
		h.Options = append(h.Options, bench.Option{Key: k, Value: v})
	}
	h.Options = append(h.Options, c.describe()...)
	h.Options = append(h.Options, wl.describe()...)
	return h
}

func describeOptions(l []bench.Option) string {
	s := make([]string, len(l))
	for i, o := range l {
		s[i] = o.Key + "=" + o.Value
	}
	return strings.Join(s, " ")
}

// outputFlags do not change what a run measures; the command line in the
// report leaves them out so that it is the same wherever the report goes.
var outputFlags = map[string]bool{"out": true, "json": true, "threshold": true, "progress": true,
	"cpuprofile": true, "memprofile": true}

var plainArg = regexp.MustCompile(`^[A-Za-z0-9_./:=,+@%-]*$`)

func shellQuote(s string) string {
	if s != "" && plainArg.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// commandLine is the canonical command that reproduces a run: the command and
// every flag set, in name order, output flags left out.
func commandLine(cmd string, fs *pflag.FlagSet) string {
	parts := []string{"sigbench", cmd}
	fs.Visit(func(f *pflag.Flag) {
		if outputFlags[f.Name] {
			return
		}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			for _, v := range sv.GetSlice() {
				parts = append(parts, "--"+f.Name+"="+shellQuote(v))
			}
			return
		}
		parts = append(parts, "--"+f.Name+"="+shellQuote(f.Value.String()))
	})
	return strings.Join(parts, " ")
}

// printSummary prints a report for people.
func printSummary(w io.Writer, r *bench.Report, res *result) {
	fmt.Fprintf(w, "%s: seed %d, %s virtual\n", r.Header.Workload, r.Header.Seed, time.Duration(r.Virtual.DurationNS))
	fmt.Fprintf(w, "reproduce: %s\n", r.Header.Command)
	names := slices.Sorted(maps.Keys(r.Virtual.Metrics))
	if len(names) > 0 {
		fmt.Fprintln(w, "\nlatency (virtual, deterministic)")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "metric\tcount\tp50\tp90\tp99\tp99.9\tmax\tmean\t")
		for _, n := range names {
			s := r.Virtual.Metrics[n]
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t\n", n, s.Count, ms(s.P50NS), ms(s.P90NS),
				ms(s.P99NS), ms(s.P999NS), ms(s.MaxNS), ms(s.MeanNS))
		}
		tw.Flush()
	}
	counts := slices.Sorted(maps.Keys(r.Virtual.Counts))
	if len(counts) > 0 {
		fmt.Fprintln(w, "\ncounts (deterministic)")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, n := range counts {
			fmt.Fprintf(tw, "  %s\t%d\n", n, r.Virtual.Counts[n])
		}
		tw.Flush()
	}
	if c := r.Capacity; c != nil {
		fmt.Fprintf(w, "\ncapacity: metric %s, SLO %s\n", c.Metric, c.SLO)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "shards\trate/s\tp99\tok\t")
		for _, p := range c.Points {
			p99, ok := ms(p.P99NS), fmt.Sprint(p.OK)
			if p.NoData {
				p99, ok = "no data", "-"
			}
			fmt.Fprintf(tw, "%d\t%g\t%s\t%s\t\n", p.Shards, p.Rate, p99, ok)
		}
		tw.Flush()
	}
	for _, n := range res.notes {
		fmt.Fprintf(w, "%s\n", n)
	}
	if wl := r.Wall; wl != nil {
		fmt.Fprintln(w, "\nwall clock (not deterministic)")
		fmt.Fprintf(w, "  wall %s, events %d, %.0f events/s, %.0f ns/event, %.0f ns/invitation\n",
			time.Duration(wl.WallNS).Round(time.Millisecond), wl.Events, wl.EventsPerSec, wl.NsPerEvent, wl.NsPerInvitation)
		fmt.Fprintf(w, "  peak heap %.1f MiB, %.0f B per live invitation, speedup %.1fx\n",
			float64(wl.PeakHeapBytes)/(1<<20), wl.BytesPerLiveInvitation, wl.Speedup)
	}
	for _, n := range res.wallNote {
		fmt.Fprintf(w, "  %s\n", n)
	}
}

func ms(ns int64) string {
	return fmt.Sprintf("%.3fms", float64(ns)/1e6)
}

// mdEscape is how report.md writes a finding.
func mdEscape(s string) string { return bench.MarkdownEscape(s) }

// startProfile starts the CPU profile if asked; stop ends it and writes the
// heap profile if asked. Both files are written atomically: the CPU profile
// goes to a temporary file that stop renames into place.
func startProfile(c *common) (stop func() error, err error) {
	var cpu *atomicfile.Pending
	if c.cpuProfile != "" {
		if cpu, err = atomicfile.Create(c.cpuProfile, 0o644); err != nil {
			return nil, fmt.Errorf("--cpuprofile: %w", err)
		}
		if err := pprof.StartCPUProfile(cpu); err != nil {
			cpu.Abort()
			return nil, fmt.Errorf("--cpuprofile: %w", err)
		}
	}
	return func() error {
		if cpu != nil {
			pprof.StopCPUProfile()
			if err := cpu.Commit(); err != nil {
				return fmt.Errorf("--cpuprofile: %w", err)
			}
		}
		if c.memProfile != "" && !c.memProfileDone {
			return writeHeapProfile(c.memProfile)
		}
		return nil
	}, nil
}

// writeHeapProfile writes the live heap, after a GC, to path.
func writeHeapProfile(path string) error {
	runtime.GC()
	if err := atomicfile.WriteFile(path, 0o644, pprof.WriteHeapProfile); err != nil {
		return fmt.Errorf("--memprofile: %w", err)
	}
	return nil
}
