package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
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
	"sigsim/internal/buildinfo"
	"sigsim/internal/completion"
	"sigsim/workload"
)

// Exit codes, as sigsim's (README, "Exit codes").
const (
	exitOK          = 0   // the run passed
	exitFail        = 1   // a threshold or a built-in check failed
	exitUsage       = 2   // usage or input error
	exitViolation   = 3   // an invariant was violated in server mode (checkers on)
	exitInterrupted = 130 // stopped by SIGINT or SIGTERM; the partial report was written
)

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: sigbench COMMAND [flags]

Benchmarks call-invitation signaling in sigsim's deterministic simulator.
Virtual-time metrics are identical for the same seed and options; wall-clock
metrics are reported apart.

workloads:
`)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range commands {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	fmt.Fprintf(tw, "  %s\t%s\n", "capacity", "sweep the rate (and shards) of a workload; find where an SLO breaks")
	tw.Flush()
	fmt.Fprint(w, `
other commands:
  compare OLD.json NEW.json [--threshold EXPR]...   what changed; exit 1 if a threshold fails, 2 if the
                                                    reports measured different things (--allow-option-diff)
  merge REPORT.json... [--out DIR]                  one report of several seeds' runs, histograms merged
  baselines [DIR]                                   regenerate the baseline reports in DIR (default reports)
  completion bash|zsh|fish                          a shell completion script
  version                                           the build (also --version)
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
	case "version", "--version":
		fmt.Fprintln(stdout, buildinfo.Read().Line("sigbench"))
		return exitOK
	case "completion":
		return runCompletion(rest, stdout, stderr)
	case "compare":
		return runCompare(rest, stdout, stderr)
	case "merge":
		return runMerge(rest, stdout, stderr)
	case "capacity":
		return runCapacity(ctx, rest, stdout, stderr)
	case "baselines":
		return runBaselines(ctx, rest, stdout, stderr)
	}
	c := findCommand(cmd)
	if c == nil {
		fmt.Fprintf(stderr, "sigbench: unknown command %q\n\n", cmd)
		usage(stderr)
		return exitUsage
	}
	return runWorkload(ctx, c, rest, stdout, stderr)
}

// runCompletion: sigbench completion bash|zsh|fish prints a completion
// script of every command and its flags (each read from its --help).
func runCompletion(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sigbench completion")
	const synopsis = "sigbench completion bash|zsh|fish   (e.g. source <(sigbench completion bash))"
	if st := parseFlags(fs, args, synopsis, stdout, stderr); st >= 0 {
		return st
	}
	if fs.NArg() != 1 || !slices.Contains(completion.Shells, fs.Arg(0)) {
		return usageError(fs, synopsis, stderr, "want one shell: %s", strings.Join(completion.Shells, ", "))
	}
	names := []string{"capacity", "compare", "merge", "baselines", "completion"}
	for _, c := range commands {
		names = append(names, c.name)
	}
	var cmds []completion.Command
	for _, name := range names {
		var help strings.Builder
		if name != "completion" {
			runContext(context.Background(), []string{name, "--help"}, &help, io.Discard)
		}
		cmds = append(cmds, completion.Command{Name: name, Flags: completion.FlagsOf(help.String())})
	}
	if err := completion.Write(stdout, fs.Arg(0), "sigbench", cmds); err != nil {
		fmt.Fprintln(stderr, "sigbench completion:", err)
		return exitUsage
	}
	return exitOK
}

// newFlagSet returns a flag set that reports errors to the caller instead of
// printing or exiting.
func newFlagSet(name string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {} // parseFlags prints it, where it belongs
	fs.SortFlags = false
	return fs
}

// parseFlags parses args; on --help it prints the usage to stdout (it was
// asked for), on a bad flag the error and the usage to stderr. It returns
// -1 to go on, or the exit status.
func parseFlags(fs *pflag.FlagSet, args []string, synopsis string, stdout, stderr io.Writer) int {
	fs.SetOutput(stderr) // pflag's notice for an old flag name (--arbiter: use --mode)
	err := fs.Parse(args)
	fs.SetOutput(io.Discard)
	switch {
	case errors.Is(err, pflag.ErrHelp):
		printUsage(stdout, fs, synopsis)
		return exitOK
	case err != nil:
		return usageError(fs, synopsis, stderr, "%v", err)
	}
	return -1
}

// printUsage writes a command's synopsis and flags to w.
func printUsage(w io.Writer, fs *pflag.FlagSet, synopsis string) {
	fmt.Fprintf(w, "usage: %s\n\nflags:\n%s", synopsis, fs.FlagUsages())
}

// usageError prints a usage error and the command's usage to stderr and
// returns exitUsage.
func usageError(fs *pflag.FlagSet, synopsis string, stderr io.Writer, format string, args ...any) int {
	fmt.Fprintf(stderr, "%s: %s\n\n", fs.Name(), fmt.Sprintf(format, args...))
	printUsage(stderr, fs, synopsis)
	return exitUsage
}

// checkOutDir checks, before any work, that a report folder can be written.
func checkOutDir(dir string) error {
	if err := atomicfile.CheckDir(dir); err != nil {
		return fmt.Errorf("--out %s: %w", dir, err)
	}
	return nil
}

// A runner runs one workload command: its flags and what they made.
type runner struct {
	fs     *pflag.FlagSet
	f      *runFlags
	stdout io.Writer
	stderr io.Writer
	names  bench.Names // what the run reports (thresholds are checked against it)
	// memProfiled: the heap profile was written while the world was whole
	// (AtLoadEnd), so the end of the run need not write it.
	memProfiled bool
}

// fail prints err, its options spelled as flags, and returns exitUsage.
func (r *runner) fail(err error) int {
	fmt.Fprintf(r.stderr, "%s: %s\n", r.fs.Name(), workload.Spell(err, flagName))
	return exitUsage
}

// build makes the workload from the parsed flags and checks it, each
// option as given; it returns an exit status, or -1 to go on.
func (r *runner) build(build func(workload.Options) (workload.Workload, []error)) (workload.Workload, int) {
	if r.fs.NArg() > 0 {
		fmt.Fprintf(r.stderr, "%s: unexpected argument %q\n\n", r.fs.Name(), r.fs.Arg(0))
		usage(r.stderr)
		return nil, exitUsage
	}
	o, errs := r.f.options()
	w, werrs := build(o)
	errs = append(errs, werrs...)
	if w != nil {
		errs = append(errs, lateFaults(w, o.Faults)...)
	}
	if len(errs) > 0 {
		return nil, r.fail(errors.Join(errs...))
	}
	if err := workload.ValidateExact(w); err != nil {
		return nil, r.fail(err)
	}
	return w, -1
}

// hooks sets the options that tell the command line how the run goes: the
// progress bar, and the heap profile at the end of the load.
func (r *runner) hooks(o *workload.Options) {
	if file, ok := r.stderr.(*os.File); ok && r.f.progress {
		o.Progress = progressBar(file)
	}
	if path := r.f.memProfile; path != "" {
		o.AtLoadEnd = func() error {
			err := writeHeapProfile(path)
			r.memProfiled = r.memProfiled || err == nil
			return err
		}
	}
}

// progressBar draws the progress of each mode's world on a terminal.
func progressBar(file *os.File) func(workload.Progress) {
	var bar *bench.Progress
	var at int64
	return func(p workload.Progress) {
		if p.Done {
			bar.Finish()
			bar = nil
			return
		}
		if bar == nil {
			bar = bench.NewProgress(int64(p.Horizon/time.Millisecond), "sigbench "+p.Mode.String()+" (virtual ms)", file)
			at = 0
		}
		if now := int64(p.Now / time.Millisecond); now > at {
			bar.Add(now - at)
			at = now
		}
	}
}

// execute checks what the run will write and report, prints its options
// and runs it under the profiles asked for; it returns the report, or an
// exit status.
func (r *runner) execute(ctx context.Context, cmd string, w workload.Workload) (*bench.Report, *workload.Result, int) {
	p, err := workload.Prepare(w)
	if err != nil {
		return nil, nil, r.fail(err)
	}
	r.names = p.Names()
	if err := checkThresholds(r.f.ths, r.names); err != nil {
		return nil, nil, r.fail(err)
	}
	if err := r.f.checkOutputs(); err != nil {
		return nil, nil, r.fail(err)
	}
	hdr := p.Header()
	hdr.Command = commandLine(cmd, r.fs)
	fmt.Fprintf(r.stderr, "sigbench %s: %s\n", cmd, describeOptions(hdr.Options))
	stop, err := r.startProfile()
	if err != nil {
		return nil, nil, r.fail(err)
	}
	res, err := p.Run(ctx)
	if perr := stop(); err == nil && perr != nil {
		err = perr
	}
	if err != nil {
		return nil, nil, r.fail(err)
	}
	return res.Report(hdr), res, -1
}

// runWorkload runs one workload command.
func runWorkload(ctx context.Context, c *command, args []string, stdout, stderr io.Writer) int {
	r := &runner{fs: newFlagSet("sigbench " + c.name), f: &runFlags{}, stdout: stdout, stderr: stderr}
	r.f.register(r.fs, c.defaults())
	build := c.flags(r.fs)
	if st := parseFlags(r.fs, args, "sigbench "+c.name+" [flags]", stdout, stderr); st >= 0 {
		return st
	}
	w, st := r.build(func(o workload.Options) (workload.Workload, []error) {
		r.hooks(&o)
		return build(o)
	})
	if st >= 0 {
		return st
	}
	rep, res, st := r.execute(ctx, c.name, w)
	if st >= 0 {
		return st
	}
	return r.finish(rep, res)
}

// checkOutputs checks, before any work, that every file and folder the run
// will write can be written: a run can take minutes, and then have nowhere
// to go. Each error names its flag.
func (f *runFlags) checkOutputs() error {
	if f.out != "" {
		if err := checkOutDir(f.out); err != nil {
			return err
		}
	}
	for _, x := range []struct{ flag, path string }{{"--cpuprofile", f.cpuProfile}, {"--memprofile", f.memProfile}} {
		if x.path == "" {
			continue
		}
		if err := atomicfile.CheckFile(x.path); err != nil {
			return fmt.Errorf("%s %s: %w", x.flag, x.path, err)
		}
	}
	return nil
}

// finish writes the report and evaluates thresholds and built-in checks.
func (r *runner) finish(rep *bench.Report, res *workload.Result) int {
	stdout, stderr := r.stdout, r.stderr
	if res.Interrupted != nil {
		fmt.Fprintf(stderr, "sigbench: %s; the report covers the run up to then\n", res.Interrupted)
	}
	if r.f.out != "" {
		if err := bench.WriteReport(r.f.out, rep, res.Metrics); err != nil {
			fmt.Fprintf(stderr, "sigbench: --out: %v\n", err)
			return exitUsage
		}
	}
	verdictOut := stdout
	if r.f.json {
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
	thFailed := printThresholds(verdictOut, r.f.ths, func(th bench.Threshold) (bool, string, error) {
		return evalThreshold(th, rep, r.names)
	})
	for _, f := range res.Failures {
		fmt.Fprintf(verdictOut, "FAIL: %s\n", f)
	}
	if res.Violation != "" {
		fmt.Fprintf(verdictOut, "INVARIANT VIOLATED: %s\n", res.Violation)
	}
	if res.Interrupted != nil {
		fmt.Fprintf(verdictOut, "INTERRUPTED: %s\n", res.Interrupted)
	}
	return exitStatus(res, thFailed)
}

// exitStatus maps a finished run to its exit status: 130 if it was
// interrupted (its verdict is not one), else 3 if an invariant was violated
// in server mode (a bug in the engine outranks any measurement), else 1 if a
// threshold or a built-in check failed, else 0. Client-mode violations and
// anomalies are measurements and change nothing.
func exitStatus(res *workload.Result, thresholdFailed bool) int {
	switch {
	case res.Interrupted != nil:
		return exitInterrupted
	case res.Violation != "":
		return exitViolation
	case thresholdFailed || len(res.Failures) > 0:
		return exitFail
	}
	return exitOK
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

// renamedFlags are old flag names and the names the options have now.
var renamedFlags = map[string]string{"arbiter": "mode", "service-time": "service"}

// commandLine is the canonical command that reproduces a run: the command and
// every flag set, in name order, output flags left out.
func commandLine(cmd string, fs *pflag.FlagSet) string {
	parts := []string{"sigbench", cmd}
	fs.Visit(func(f *pflag.Flag) {
		if outputFlags[f.Name] {
			return
		}
		name := f.Name
		if to, ok := renamedFlags[name]; ok {
			name = to // reproduce with the name the option has everywhere
		}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			for _, v := range sv.GetSlice() {
				parts = append(parts, "--"+name+"="+shellQuote(v))
			}
			return
		}
		parts = append(parts, "--"+name+"="+shellQuote(f.Value.String()))
	})
	return strings.Join(parts, " ")
}

// printSummary prints a report for people.
func printSummary(w io.Writer, r *bench.Report, res *workload.Result) {
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
	for _, n := range res.Notes {
		fmt.Fprintf(w, "%s\n", n)
	}
	if wl := r.Wall; wl != nil {
		fmt.Fprintln(w, "\nwall clock (not deterministic)")
		fmt.Fprintf(w, "  wall %s, events %d, %.0f events/s, %.0f ns/event, %.0f ns/invitation\n",
			time.Duration(wl.WallNS).Round(time.Millisecond), wl.Events, wl.EventsPerSec, wl.NsPerEvent, wl.NsPerInvitation)
		perLive := ""
		if wl.BytesPerLiveInvitation > 0 {
			perLive = fmt.Sprintf(", %.0f B per live invitation", wl.BytesPerLiveInvitation)
		}
		fmt.Fprintf(w, "  peak heap %.1f MiB%s, speedup %.1fx\n", float64(wl.PeakHeapBytes)/(1<<20), perLive, wl.Speedup)
		fmt.Fprintf(w, "  on %s\n", r.Environment)
	}
	for _, n := range res.WallNotes {
		fmt.Fprintf(w, "  %s\n", n)
	}
}

func ms(ns int64) string {
	return fmt.Sprintf("%.3fms", float64(ns)/1e6)
}

// startProfile starts the CPU profile if asked; stop ends it and writes the
// heap profile if asked and the workload did not. Both files are written
// atomically: the CPU profile goes to a temporary file that stop renames
// into place.
func (r *runner) startProfile() (stop func() error, err error) {
	var cpu *atomicfile.Pending
	if path := r.f.cpuProfile; path != "" {
		if cpu, err = atomicfile.Create(path, 0o644); err != nil {
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
		if r.f.memProfile != "" && !r.memProfiled {
			return writeHeapProfile(r.f.memProfile)
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

// lateFaults refuses the faults that start after the load ends (START is
// from the end of the warm-up): --fault 'at 10m crash s0' on a 1m load would
// otherwise be dropped without a word, and the report read as a run with
// the fault.
func lateFaults(w workload.Workload, faults []workload.Fault) []error {
	var d time.Duration
	switch v := w.(type) {
	case workload.Calls:
		d = v.Duration
	case *workload.Calls:
		d = v.Duration
	case workload.Classroom:
		d = v.Duration
	case *workload.Classroom:
		d = v.Duration
	case workload.MassTimeout:
		d = v.Duration
	case *workload.MassTimeout:
		d = v.Duration
	case workload.Race:
		d = v.Duration
	case *workload.Race:
		d = v.Duration
	default:
		return nil
	}
	var errs []error
	for _, f := range faults {
		if d > 0 && f.Start > d {
			errs = append(errs, fmt.Errorf("--fault %q: starts at %s, after the load's --duration %s (START counts from the end of the warm-up): it would never happen", f.String(), f.Start, d))
		}
	}
	return errs
}
