package scenarios

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"

	"sigsim/apps"
	"sigsim/engine"
	"sigsim/sim"
	"sigsim/sim/trace"
)

// RunOptions override a scenario's world for one run (the CLI's flags).
type RunOptions struct {
	Seed     uint64
	HasSeed  bool        // use Seed instead of the world's seed
	Mode     engine.Mode // used when HasMode
	HasMode  bool
	Swarm    bool // force swarm mode even if the file has no swarm command
	NoRecord bool // do not keep trace text (faster; show trace and traces unavailable)
}

// Result is what one run of a scenario produced.
type Result struct {
	File     *File
	Outputs  map[*Block][]string // actual output of every block
	Failures []string            // failed expectations and runtime errors, "file:line:col: what"
	// Violations are the invariant violations of the run; Unexpected tells
	// whether any of them was not announced by an `expect violation` line.
	// FirstUnexpected is the index in Violations of the first one that was
	// not announced (when Unexpected).
	Violations      []sim.Violation
	Unexpected      bool
	FirstUnexpected int
	World           *sim.World
	Options         []string // the world's options, one "key=value" each
	SwarmPlan       []string // what swarm mode chose for this seed, if it was on
	// Unjudged are the faults still active at the last check, which left
	// termination unjudged (nil if it was judged, or no check ran), and
	// UnjudgedAt that check's virtual time.
	Unjudged   []string
	UnjudgedAt engine.Time
	handleOf   map[string]string // invite ID → the handle the file gave it
}

// Mismatches lists the blocks whose actual output differs from the expected one.
func (r *Result) Mismatches() []*Block {
	var l []*Block
	for _, it := range r.File.Items {
		if b := it.Block; b != nil && !slices.Equal(r.Outputs[b], b.Expected) {
			l = append(l, b)
		}
	}
	return l
}

// Text is the scenario file with every block's expected output replaced by the
// actual one: what `run` prints and `--rewrite` writes.
func (r *Result) Text() []byte { return r.File.Format(r.Outputs) }

// Hash is the run's fingerprint.
func (r *Result) Hash() uint64 { return r.World.Hash() }

// runner executes one parsed file against one world.
type runner struct {
	f         *File
	opts      RunOptions
	w         *sim.World
	res       *Result
	out       *[]string                       // where output goes now: the current block's
	inviteIDs map[string]string               // invitation handle → the invite ID the run gave it
	handleOf  map[string]string               // invite ID → the handle the file gave it
	concerned map[string]concern              // invitation handle → whom it concerns
	members   map[string]map[string]bool      // group → the users the file made members
	invites   map[string]engine.SignalingInfo // handle → the invitation as invited
	rendered  int                             // trace events already rendered
	// The invariants the file expects violated (expect violation X): a
	// violation of one of them is no failure; expectsViolations: the file
	// expects a number of violations (expect violations N, N > 0), any.
	expectsViolation  map[string]bool
	expectsViolations bool
	stopOn            bool
	record            bool
	explicit          map[string]bool // devices with an explicit login command
	gen               int
	callbacks         map[string]int64 // callbacks by kind
	results           []resultRec
	setupLogins       map[string]int  // devices logged in by setup: lines of it still to hide
	attempted         map[string]bool // invitation handles whose invite has run
	running           bool            // a run command is running the world
	notes             []note          // the runner's lines to print with the run's events
	rules             []*msgRule
	rulesRead         int      // trace events matchRules has read
	lastRun           *Block   // the last block that ran a run command
	maxMemory         int64    // the world's max-memory (0: sim.DefaultMaxMemory)
	userNames         []string // declared users, for "did you mean" (the first maxSuggest)

	// What the scan before setup found (see cmdSpec.scan).
	worldCmd  *Cmd
	userCmds  []*Cmd
	groupCmds []*Cmd
	genCmds   []*Cmd
	rooms     bool // the file uses the room service (a room call, an app, a room node)

	// The reference apps the file runs (apps.go), nil if none.
	appHost *apps.Host
	calls   *apps.Calls
	class   *apps.Classroom
}

// maxSuggest bounds the names a "did you mean" compares with.
const maxSuggest = 100_000

// Run executes a parsed scenario.
func Run(f *File, opts RunOptions) (*Result, error) {
	r := &runner{f: f, opts: opts, inviteIDs: map[string]string{}, handleOf: map[string]string{},
		invites: map[string]engine.SignalingInfo{}, explicit: map[string]bool{}, record: !opts.NoRecord,
		callbacks: map[string]int64{}, attempted: map[string]bool{},
		expectsViolation: map[string]bool{}, concerned: map[string]concern{}, members: map[string]map[string]bool{}}
	r.res = &Result{File: f, Outputs: map[*Block][]string{}}
	if err := r.setup(); err != nil {
		return nil, err
	}
	for _, it := range f.Items {
		b := it.Block
		if b == nil {
			continue
		}
		out := []string{}
		r.out = &out
		for _, c := range b.Cmds {
			if c.Name == "run" {
				r.lastRun = b
			}
			if r.isSetup(c) {
				continue
			}
			if c.HasAt {
				c := c
				if c.At < r.w.Now() {
					// Only run until quiet leaves this to the run (checkSchedule
					// refuses the rest): the file fails, and the line runs now.
					r.fail(c, "at %s is in the past: run until quiet took the clock to %s; it runs now (write a later time)",
						time.Duration(c.At), time.Duration(r.w.Now()))
				}
				r.w.At(c.At, func() { r.exec(c) })
				continue
			}
			r.exec(c)
		}
		if len(out) > 0 || b.HasExpected {
			r.res.Outputs[b] = out
		}
	}
	if l := r.unmatchedRules(); len(l) > 0 && r.lastRun != nil {
		r.res.Outputs[r.lastRun] = append(r.res.Outputs[r.lastRun], l...)
	}
	r.res.World = r.w
	for _, p := range r.w.SwarmPlan() {
		r.res.SwarmPlan = append(r.res.SwarmPlan, p.String())
	}
	r.res.handleOf = r.handleOf
	r.res.Violations = r.w.Violations()
	r.res.Unexpected = false
	for i, v := range r.res.Violations {
		if !r.expectsViolations && !r.expectsViolation[v.Invariant] {
			r.res.Unexpected, r.res.FirstUnexpected = true, i
			break
		}
	}
	if err := swallowed(r.res); err != nil {
		return nil, err
	}
	return r.res, nil
}

// swallowed reports the expected-output lines that read as commands or
// comments (a blank line is missing before them) and that the run does not
// print. The expected output of a block runs to the next blank line, so
// those lines were never run, and --rewrite, which replaces the expected
// output by the actual one, would delete them: a user's script lines must
// never be lost that way. A line the run does print is output, whatever it
// looks like.
func swallowed(res *Result) error {
	var errs ErrorList
	for _, it := range res.File.Items {
		b := it.Block
		if b == nil || len(b.cmdLike) == 0 {
			continue
		}
		var actual []string
		for _, o := range res.Outputs[b] {
			actual = append(actual, strings.Split(o, "\n")...)
		}
		for _, i := range b.cmdLike {
			line := b.Expected[i]
			if slices.Contains(actual, line) || len(errs) == maxErrors {
				continue
			}
			what := "a command"
			if isComment(line) {
				what = "a comment"
			}
			col := len(line) - len(strings.TrimLeftFunc(line, unicode.IsSpace)) + 1
			errs = append(errs, &Error{Pos{res.File.Name, b.ExpectedLine + i, col}, fmt.Sprintf(
				"this line reads as %s but is part of the expected output of the block at line %d, which runs to the next blank line: "+
					"it never ran, and --rewrite would delete it; put a blank line before it", what, b.Line)})
		}
	}
	return errs.Err()
}

// isSetup tells whether c only takes part in building the world (world,
// users, group): it does not run when its block is reached.
func (r *runner) isSetup(c *Cmd) bool { return c.spec != nil && c.spec.setupOnly() }

func (r *runner) fail(c *Cmd, format string, args ...any) {
	msg := c.Pos.String() + ": " + fmt.Sprintf(format, args...)
	r.res.Failures = append(r.res.Failures, msg)
	if r.out != nil {
		*r.out = append(*r.out, "error: "+fmt.Sprintf(format, args...))
	}
}

// exec runs one command now: the exec function of its entry in commands.
func (r *runner) exec(c *Cmd) {
	if c.spec == nil || c.spec.exec == nil {
		r.fail(c, "%s cannot run here", c.Name)
		return
	}
	c.spec.exec(r, c)
}

// checkRun checks at parse time that run has a duration or "until quiet".
func checkRun(p *parser, c *Cmd) *Error {
	ps := c.positionals()
	switch {
	case len(ps) == 1 && ps[0].Value != "until":
		d, msg := parseDuration(ps[0].Value)
		if msg != "" {
			return &Error{ps[0].Pos, "run: " + msg + " (or run until quiet)"}
		}
		if d < 0 {
			return &Error{ps[0].Pos, "run: negative duration"}
		}
		if c.Has("limit") {
			return &Error{c.Pos, "run: limit= only applies to run until quiet"}
		}
	case len(ps) == 2 && ps[0].Value == "until" && ps[1].Value == "quiet":
	default:
		return &Error{c.Pos, "run takes a duration (run 5s) or until quiet (run until quiet limit=1m)"}
	}
	return nil
}

func (r *runner) run(c *Cmd) {
	w := r.w
	first, _ := c.Positional(0)
	r.running = true
	defer func() { r.running = false }()
	if first == "until" {
		limit, _ := c.Dur("limit", time.Hour)
		if !w.RunQuiet(w.Now().Add(limit)) && !w.Stopped() {
			*r.out = append(*r.out, fmt.Sprintf("not quiet after %s", limit))
		}
	} else {
		d, err := c.PositionalDur(0)
		if err != nil {
			r.fail(c, "%v", err)
			return
		}
		w.RunUntil(w.Now().Add(d))
	}
	r.render(r.out)
	if w.Stopped() {
		*r.out = append(*r.out, "stopped: "+r.subst(w.Violation().String()))
	}
}

// observable event kinds: what `run` prints (frames and timers are left to
// `show trace`).
func observable(k trace.Kind) bool {
	switch k {
	case trace.Call, trace.Result, trace.Callback, trace.Fault, trace.Note, trace.Violation:
		return true
	}
	return false
}

// maxRunLines is the most lines `run` prints; a busier run prints a summary.
const maxRunLines = 150

func (r *runner) render(out *[]string) {
	notes := r.notes
	r.notes = nil
	if !r.record {
		*out = append(*out, r.summary(nil)...)
		for _, n := range notes {
			*out = append(*out, n.text)
		}
		return
	}
	first := r.rendered
	evs := r.w.Trace()[first:]
	r.rendered = len(r.w.Trace())
	var lines []string
	var kept []trace.Event
	var at []int // the trace index of each kept event
	for i, e := range evs {
		if observable(e.Kind) && !r.setupLine(e) {
			kept = append(kept, e)
			at = append(at, first+i)
		}
	}
	if len(kept) > maxRunLines {
		*out = append(*out, r.summary(kept)...)
		for _, n := range notes {
			*out = append(*out, n.text)
		}
		return
	}
	for i, e := range kept {
		for len(notes) > 0 && notes[0].event <= at[i] {
			lines = append(lines, notes[0].text)
			notes = notes[1:]
		}
		lines = append(lines, r.line(e))
	}
	for _, n := range notes {
		lines = append(lines, n.text)
	}
	*out = append(*out, lines...)
}

// setupLine tells whether e is the automatic login of a device (hidden).
func (r *runner) setupLine(e trace.Event) bool {
	n := r.setupLogins[e.Node]
	if n == 0 || !(e.Kind == trace.Call && e.Text == "login" || e.Kind == trace.Result && e.Text == "login -> ok") {
		return false
	}
	r.setupLogins[e.Node] = n - 1
	return true
}

func (r *runner) line(e trace.Event) string {
	s := trace.FormatTime(e.At) + " " + e.Node
	if e.Peer != "" {
		s += " -> " + e.Peer
	}
	return s + ": " + r.subst(e.Text)
}

// summary counts events by kind and callback, for runs too busy to list.
func (r *runner) summary(evs []trace.Event) []string {
	counts := map[string]int{}
	if evs == nil {
		c := r.w.Counts
		counts["events"] = int(c.Events)
		counts["calls"] = int(c.Calls)
		counts["results"] = int(c.Results)
		counts["callbacks"] = int(c.Callbacks)
	}
	for _, e := range evs {
		key := e.Kind.String()
		if e.Kind == trace.Callback || e.Kind == trace.Result {
			name, _, _ := strings.Cut(e.Text, "(")
			if e.Kind == trace.Result {
				op, rest, _ := strings.Cut(e.Text, " ")
				_, code, _ := strings.Cut(rest, "-> ")
				code, _, _ = strings.Cut(code, " (")
				name = op + " -> " + code
			}
			key += " " + name
		}
		counts[key]++
	}
	keys := slices.Sorted(maps.Keys(counts))
	lines := []string{fmt.Sprintf("at %s: summary of a busy run", trace.FormatTime(int64(r.w.Now())))}
	for _, k := range keys {
		lines = append(lines, fmt.Sprintf("  %-50s %d", k, counts[k]))
	}
	return lines
}

// subst writes invitation IDs as the handles the file gave them.
func (r *runner) subst(s string) string { return renamer(r.handleOf)(s) }
