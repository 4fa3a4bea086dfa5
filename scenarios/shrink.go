package scenarios

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Failure identifies the failure of a run, what shrinking must keep: the
// invariant, the node it was seen on (a device, or the shard a shard-side
// violation names), and the invitation, by the script's handle for it ("" if
// the violation names none, or one the script does not name).
type Failure struct {
	Invariant string
	Node      string
	Handle    string
	Text      string // the violation as printed, invitation IDs written as handles
}

// Same tells whether g is the same failure as f: same invariant, node and
// invitation handle (the rest of the text, times and event indices, may
// differ).
func (f Failure) Same(g Failure) bool {
	return f.Invariant == g.Invariant && f.Node == g.Node && f.Handle == g.Handle
}

func (f Failure) String() string {
	s := f.Invariant + " on " + f.Node
	if f.Handle != "" {
		s += " (" + f.Handle + ")"
	}
	return s
}

// Failure is the run's failure: its first invariant violation; false if none.
func (r *Result) Failure() (Failure, bool) {
	if len(r.Violations) == 0 {
		return Failure{}, false
	}
	v := r.Violations[0]
	f := Failure{Invariant: v.Invariant, Node: v.Node, Text: renamer(r.handleOf)(v.String())}
	if f.Node == "-" { // a shard's violation: "shard s1 still holds ..."
		if _, rest, ok := strings.Cut(v.Text, "shard "); ok {
			f.Node, _, _ = strings.Cut(rest, " ")
		}
	}
	// The invitation: the first ID of the script's handles in the text (the
	// longest at one place, as "a-10" contains "a-1").
	best, bestLen := len(v.Text), 0
	for id, h := range r.handleOf {
		i := strings.Index(v.Text, id)
		if i >= 0 && (i < best || i == best && len(id) > bestLen) {
			best, bestLen, f.Handle = i, len(id), h
		}
	}
	return f, true
}

// Shrunk is the result of Shrink.
type Shrunk struct {
	Text    []byte  // the minimal script, with its actual outputs as expected outputs
	Failure Failure // the failure it keeps, as it shows in the minimal script
	Lines   int     // its command lines
}

// ErrNoFailure: the scenario does not violate an invariant with the options
// given; there is nothing to shrink.
var ErrNoFailure = errors.New("no invariant violation to shrink")

// Shrink minimizes a failing scenario by delta debugging (Zeller's ddmin, our
// own: the scenario is a list of lines, and no property-testing library shrinks
// that better): it removes command lines, and users nobody refers to, while
// the run still fails the same way (Failure.Same): not with any violation, as
// removing a heal makes a different, false failure.
//
// The options the failure was found with (a seed, an arbitration mode, swarm
// mode) are written into the script first, as its world line's seed= and
// mode= and a swarm line, and every candidate runs from its text alone, so
// the minimal script fails by itself with plain `sigsim run`. Shrink checks
// that it does before returning it.
func Shrink(f *File, opts RunOptions) (*Shrunk, error) {
	opts.NoRecord = true
	res, err := Run(f, opts)
	if err != nil {
		return nil, err
	}
	want, ok := res.Failure()
	if !ok {
		return nil, ErrNoFailure
	}
	fixed, lines, err := bake(f, opts, res)
	if err != nil {
		return nil, err
	}
	fails := func(all []string) bool {
		g, err := Parse(f.Name, []byte(strings.Join(all, "\n")+"\n"))
		if err != nil {
			return false
		}
		r, err := Run(g, RunOptions{NoRecord: true})
		if err != nil {
			return false
		}
		got, ok := r.Failure()
		return ok && got.Same(want)
	}
	if !fails(append(append([]string{}, fixed...), lines...)) {
		return nil, fmt.Errorf("the scenario with its options written into it (%s) does not fail as it did (%s): cannot shrink it",
			strings.Join(fixed, "; "), want)
	}
	lines = ddmin(lines, func(keep []string) bool { return fails(append(append([]string{}, fixed...), keep...)) })
	fixed = shrinkUsers(fixed, lines, fails)
	header := fmt.Sprintf("# Shrunk by sigsim shrink from %s: the smallest set of lines found that still\n"+
		"# violates %s the same way (%s). It fails alone: sigsim run FILE.\n", f.Name, want.Invariant, want)
	text := header + strings.Join(append(fixed, lines...), "\n") + "\n"
	// Give every block its actual output, so the result is a regression
	// script, and check that it fails by itself as the original did.
	g, err := Parse(f.Name, []byte(text))
	if err != nil {
		return nil, fmt.Errorf("the shrunk script does not parse: %v", err)
	}
	r, err := Run(g, RunOptions{})
	if err != nil {
		return nil, fmt.Errorf("the shrunk script does not run: %v", err)
	}
	got, ok := r.Failure()
	if !ok || !got.Same(want) {
		return nil, fmt.Errorf("the shrunk script does not fail alone as the original did: want %s, got %s", want, describe(got, ok))
	}
	return &Shrunk{Text: r.Text(), Failure: got, Lines: len(fixed) + len(lines)}, nil
}

func describe(f Failure, ok bool) string {
	if !ok {
		return "no violation"
	}
	return f.Text
}

// bake splits the scenario into its fixed lines (world, users, and a swarm
// line if swarm mode was forced) and the candidate lines, with the run's
// options written into the world line, and every relative time ("at +40ms")
// made absolute, so that removing a line moves no other.
func bake(f *File, opts RunOptions, res *Result) (fixed, lines []string, err error) {
	var world *Cmd
	var users []string
	hasSwarm := false
	for _, it := range f.Items {
		if it.Block == nil {
			continue
		}
		for _, c := range it.Block.Cmds {
			switch c.Name {
			case "world":
				world = c
			case "users":
				users = append(users, c.Raw)
			default:
				if c.Name == "swarm" {
					hasSwarm = true
				}
				lines = append(lines, absolute(c))
			}
		}
	}
	seed := res.World.Options().Seed
	fixed = append(fixed, worldLine(world, seed, opts))
	fixed = append(fixed, users...)
	if opts.Swarm && !hasSwarm {
		fixed = append(fixed, "swarm until=30s intensity=0.5") // what --swarm runs
	}
	return fixed, lines, nil
}

// worldLine is the world line with seed= set to seed and, if the options
// override it, mode= to their mode; other keys stay as written.
func worldLine(c *Cmd, seed uint64, opts RunOptions) string {
	args := []string{"world", "seed=" + strconv.FormatUint(seed, 10)}
	if opts.HasMode {
		args = append(args, "mode="+opts.Mode.String())
	}
	if c != nil {
		for _, a := range c.Args {
			if a.Key == "seed" || a.Key == "mode" && opts.HasMode {
				continue
			}
			v := a.Value
			if strings.ContainsAny(v, " \t\"") {
				v = strconv.Quote(v)
			}
			if a.Key != "" {
				v = a.Key + "=" + v
			}
			args = append(args, v)
		}
	}
	return strings.Join(args, " ")
}

// absolute returns a command line with a relative time ("at +40ms") written
// as the absolute time it resolved to.
func absolute(c *Cmd) string {
	if !c.HasAt {
		return c.Raw
	}
	line := strings.TrimLeft(c.Raw, " \t")
	rest, ok := strings.CutPrefix(line, "at")
	if !ok {
		return c.Raw
	}
	rest = strings.TrimLeft(rest, " \t")
	if !strings.HasPrefix(rest, "+") {
		return c.Raw
	}
	_, after, _ := strings.Cut(rest, " ")
	return "at " + time.Duration(c.At).String() + " " + strings.TrimLeft(after, " \t")
}

// ddmin returns a 1-minimal subset of lines (in order) for which fails holds.
func ddmin(lines []string, fails func([]string) bool) []string {
	n := 2
	for len(lines) >= 2 {
		chunk := (len(lines) + n - 1) / n
		reduced := false
		for start := 0; start < len(lines); start += chunk {
			end := min(start+chunk, len(lines))
			complement := append(append([]string{}, lines[:start]...), lines[end:]...)
			if fails(complement) {
				lines = complement
				n = max(n-1, 2)
				reduced = true
				break
			}
		}
		if !reduced {
			if n >= len(lines) {
				break
			}
			n = min(2*n, len(lines))
		}
	}
	if len(lines) == 1 && fails(nil) {
		return nil
	}
	return lines
}

// shrinkUsers drops users from the users lines one at a time while the run still fails.
func shrinkUsers(fixed, lines []string, failsAll func([]string) bool) []string {
	for i, l := range fixed {
		fields := strings.Fields(l)
		if len(fields) < 3 || fields[0] != "users" {
			continue
		}
		for j := 1; j < len(fields) && len(fields) > 2; {
			try := append(append([]string{}, fields[:j]...), fields[j+1:]...)
			cand := append([]string{}, fixed...)
			cand[i] = strings.Join(try, " ")
			if failsAll(append(cand[:len(cand):len(cand)], lines...)) {
				fields = try
				fixed = cand
				continue
			}
			j++
		}
	}
	return fixed
}
