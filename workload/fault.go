package workload

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"sigsim/engine"
	"sigsim/sim"
)

// Fault is a fault over a period of a run: a sim.Fault — the vocabulary the
// scenario language and swarm mode share — injected Start after the
// warm-up, lasting its For. Its text form (String, ParseFault) is the
// scenario line that does it, "at 30s pause s0 for=2s"; the older form
// KIND:NODE@START+DURATION ("pause:s0@30s+2s") is read too.
type Fault struct {
	// Start is when the fault begins, from the end of the warm-up.
	Start time.Duration
	sim.Fault
}

// FaultKinds are the kinds of fault a run can have: those with a period.
var FaultKinds = []string{"partition", "crash", "pause", "disconnect"}

func (f Fault) String() string { return "at " + f.Start.String() + " " + f.Fault.String() }

// ParseFault reads a fault: "at START FAULT" (FAULT as sim.ParseFault reads
// it, with a for=DURATION), or KIND:NODE@START+DURATION, where a partition
// cuts NODE from every other node and a shard's disconnection disconnects
// its devices.
func ParseFault(s string) (Fault, error) {
	if rest, ok := strings.CutPrefix(s, "at "); ok {
		at, text, _ := strings.Cut(strings.TrimSpace(rest), " ")
		start, err := time.ParseDuration(at)
		if err != nil || start < 0 {
			return Fault{}, fmt.Errorf("bad START %q (want at START FAULT, e.g. at 30s pause s0 for=2s)", at)
		}
		sf, err := sim.ParseFault(text)
		if err != nil {
			return Fault{}, err
		}
		f := Fault{Start: start, Fault: sf}
		return f, f.validate()
	}
	kind, rest, ok := strings.Cut(s, ":")
	if !ok {
		return Fault{}, errors.New("want at START FAULT (e.g. at 30s pause s0 for=2s) or KIND:NODE@START+DURATION (e.g. crash:s0@10s+5s)")
	}
	if !slices.Contains(FaultKinds, kind) {
		return Fault{}, fmt.Errorf("unknown fault kind %q (want %s)", kind, strings.Join(FaultKinds, ", "))
	}
	node, when, ok := strings.Cut(rest, "@")
	if !ok || node == "" {
		return Fault{}, errors.New("want KIND:NODE@START+DURATION, e.g. crash:s0@10s+5s")
	}
	at, length, ok := strings.Cut(when, "+")
	if !ok {
		return Fault{}, errors.New("missing +DURATION after START")
	}
	start, err := time.ParseDuration(at)
	if err != nil || start < 0 {
		return Fault{}, fmt.Errorf("bad START %q", at)
	}
	dur, err := time.ParseDuration(length)
	if err != nil || dur <= 0 {
		return Fault{}, fmt.Errorf("bad DURATION %q (must be positive)", length)
	}
	f := Fault{Start: start, Fault: sim.Fault{Node: node, For: dur}}
	switch kind {
	case "partition":
		f.Kind, f.Node, f.Sides = sim.FaultPartition, "", [][]string{{node}, {"*"}}
	case "crash":
		f.Kind = sim.FaultCrash
	case "pause":
		f.Kind = sim.FaultPause
	case "disconnect":
		f.Kind = sim.FaultDisconnect
	}
	return f, f.validate()
}

// validate reports what a run refuses in f: a fault without a period.
func (f Fault) validate() error {
	switch {
	case !slices.Contains(FaultKinds, f.Kind.String()):
		return fmt.Errorf("%s: a run's fault is one of %s, with for=DURATION", f.Kind, strings.Join(FaultKinds, ", "))
	case f.Start < 0:
		return fmt.Errorf("start %s must not be negative", f.Start)
	case f.For <= 0:
		return fmt.Errorf("%s: for=DURATION must be positive (the fault's period)", f.Kind)
	}
	return f.Fault.Validate()
}

// schedule puts the fault on the world's clock, base being the end of the
// warm-up, and notes its period for the charts. A node the world does not
// have is an error, found before the run.
func (f Fault) schedule(e *env, base int64) error {
	w := e.w
	names := []string{f.Node}
	if f.Kind == sim.FaultPartition {
		names = slices.Concat(f.Sides...)
	}
	for _, n := range names {
		if n == "*" {
			continue
		}
		if _, err := w.Node(n); err != nil {
			return optionErrorf("%s %s: %v", Key("fault"), f, err)
		}
	}
	from, to := base+int64(f.Start), base+int64(f.Start+f.For)
	w.At(engine.Time(from), func() {
		if err := w.Inject(f.Fault); err != nil {
			panic("workload: a checked fault refused: " + err.Error())
		}
	})
	e.m.FaultPeriod(e.pfx+f.String(), from, to)
	return nil
}
