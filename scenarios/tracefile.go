package scenarios

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"sigsim/engine"
	"sigsim/internal/buildinfo"
	"sigsim/sim"
	"sigsim/sim/trace"
)

// Header options that carry a run's overrides, so a replay runs it the same way.
const (
	optName  = "scenario.name"
	optSeed  = "override.seed"
	optMode  = "override.mode"
	optSwarm = "override.swarm"
	// optHandles maps the run's raw invitation IDs to the handles the
	// scenario gave them ("alice/1.0-1=call,..."), so that reading a trace
	// (events, diagrams) speaks the file's language.
	optHandles = "scenario.handles"
	// optBuild is the commit of the build that recorded the trace, and
	// optSchema the trace file format's version: a replay by another build
	// may legitimately diverge, and says so.
	optBuild  = "build.commit"
	optSchema = "schema_version"
)

// WriteTrace writes the run's trace (it must have been recorded) with a header
// holding the scenario text, seed, options and overrides.
func (r *Result) WriteTrace(w io.Writer, src []byte, opts RunOptions) error {
	if r.World == nil || (len(r.World.Trace()) == 0 && r.World.Events() > 0) {
		return errors.New("this run kept no trace (it was run without recording)")
	}
	h := trace.Header{Version: sim.Version, Seed: r.World.Options().Seed, Scenario: string(src)}
	h.Options = append(h.Options, trace.Option{Key: optName, Value: r.File.Name},
		trace.Option{Key: optBuild, Value: buildinfo.Read().Commit()},
		trace.Option{Key: optSchema, Value: strconv.Itoa(trace.FormatVersion)})
	for _, o := range r.Options {
		k, v, _ := cut(o)
		h.Options = append(h.Options, trace.Option{Key: k, Value: v})
	}
	if opts.HasSeed {
		h.Options = append(h.Options, trace.Option{Key: optSeed, Value: strconv.FormatUint(opts.Seed, 10)})
	}
	if opts.HasMode {
		h.Options = append(h.Options, trace.Option{Key: optMode, Value: opts.Mode.String()})
	}
	if opts.Swarm {
		h.Options = append(h.Options, trace.Option{Key: optSwarm, Value: "true"})
	}
	if len(r.handleOf) > 0 {
		pairs := make([]string, 0, len(r.handleOf))
		for _, id := range slices.Sorted(maps.Keys(r.handleOf)) {
			pairs = append(pairs, id+"="+r.handleOf[id])
		}
		h.Options = append(h.Options, trace.Option{Key: optHandles, Value: strings.Join(pairs, ",")})
	}
	tw, err := trace.NewWriter(w, h)
	if err != nil {
		return err
	}
	for _, e := range r.World.Trace() {
		if err := tw.Write(e); err != nil {
			return err
		}
	}
	return tw.Close(r.World.Hash())
}

func cut(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '=' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// ReplayReport is the verdict of a replay.
type ReplayReport struct {
	// RecordedBy is the commit of the build that recorded the trace ("" for
	// a trace without one); a replay by another build may diverge.
	RecordedBy string
	Events     int
	Identical  bool
	Divergence trace.Divergence // when not identical
	HashWant   uint64
	HashGot    uint64
}

// Replay re-runs the scenario recorded in a trace, with the same seed and
// overrides, and compares every event and the final hash.
func Replay(rd io.Reader) (*ReplayReport, error) {
	h, events, hash, err := trace.ReadAll(rd)
	if err != nil {
		return nil, err
	}
	var opts RunOptions
	name, recordedBy := "trace", ""
	for _, o := range h.Options {
		switch o.Key {
		case optName:
			name = o.Value
		case optSeed:
			opts.Seed, _ = strconv.ParseUint(o.Value, 10, 64)
			opts.HasSeed = true
		case optMode:
			m, err := engine.ParseMode(o.Value)
			if err != nil {
				return nil, fmt.Errorf("trace header: %w", err)
			}
			opts.Mode, opts.HasMode = m, true
		case optSwarm:
			opts.Swarm = o.Value == "true"
		case optBuild:
			recordedBy = o.Value
		}
	}
	f, err := Parse(name, []byte(h.Scenario))
	if err != nil {
		return nil, fmt.Errorf("the scenario in the trace does not parse: %w", err)
	}
	res, err := Run(f, opts)
	if err != nil {
		return nil, err
	}
	rep := &ReplayReport{RecordedBy: recordedBy, Events: len(events), HashWant: hash, HashGot: res.Hash()}
	d, differ := trace.FirstDivergence(events, res.World.Trace())
	rep.Identical = !differ && rep.HashWant == rep.HashGot
	rep.Divergence = d
	if !differ {
		rep.Divergence = trace.Divergence{Index: -1, HashA: hash, HashB: res.Hash()}
	}
	if recordedBy != "" && recordedBy != buildinfo.Read().Commit() {
		rep.Divergence.Header = append(rep.Divergence.Header, fmt.Sprintf("recorded by build %s, replayed by build %s", recordedBy, buildinfo.Read().Commit()))
	}
	if h.Version != sim.Version {
		rep.Divergence.Header = append(rep.Divergence.Header, fmt.Sprintf("recorded by %s, replayed by %s", h.Version, sim.Version))
	}
	return rep, nil
}

// TraceRenamer returns the function that writes a trace's raw invitation IDs
// as the handles its scenario gave them (from the trace header; the
// identity for a trace without them).
func TraceRenamer(h trace.Header) func(string) string {
	ids := map[string]string{}
	for _, o := range h.Options {
		if o.Key != optHandles {
			continue
		}
		for _, p := range strings.Split(o.Value, ",") {
			if id, handle, ok := strings.Cut(p, "="); ok {
				ids[id] = handle
			}
		}
	}
	return renamer(ids)
}
