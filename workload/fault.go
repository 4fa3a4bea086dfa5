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

// Fault is a node fault over a period of a run: Kind on Node from Start
// after the warm-up, for Duration. Its text form (String, ParseFault) is
// KIND:NODE@START+DURATION, e.g. "pause:s0@30s+2s".
type Fault struct {
	// Kind is one of FaultKinds: crash (a shard or device restarts after
	// Duration, its memory lost), pause (it stops, then resumes), partition
	// (its links to every shard, and a shard's to every device, drop
	// frames), disconnect (a device, or every device homed on a shard,
	// goes offline and reconnects after Duration).
	Kind string
	// Node is a shard ("s0", "s1", ...) or a device ("u3/1").
	Node string
	// Start is when the fault begins, from the end of the warm-up;
	// Duration how long it lasts (> 0).
	Start, Duration time.Duration
}

// FaultKinds are the kinds of fault a run can have.
var FaultKinds = []string{"crash", "pause", "partition", "disconnect"}

func (f Fault) String() string {
	return f.Kind + ":" + f.Node + "@" + f.Start.String() + "+" + f.Duration.String()
}

// ParseFault reads a fault's text form, KIND:NODE@START+DURATION.
func ParseFault(s string) (Fault, error) {
	kind, rest, ok := strings.Cut(s, ":")
	if !ok {
		return Fault{}, errors.New("want KIND:NODE@START+DURATION, e.g. crash:s0@10s+5s")
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
	return Fault{Kind: kind, Node: node, Start: start, Duration: dur}, nil
}

// validate reports what ParseFault would refuse in f.
func (f Fault) validate() error {
	switch {
	case !slices.Contains(FaultKinds, f.Kind):
		return fmt.Errorf("unknown fault kind %q (want %s)", f.Kind, strings.Join(FaultKinds, ", "))
	case f.Node == "":
		return errors.New("no node")
	case f.Start < 0:
		return fmt.Errorf("start %s must not be negative", f.Start)
	case f.Duration <= 0:
		return fmt.Errorf("duration %s must be positive", f.Duration)
	}
	return nil
}

// schedule puts the fault on the world's clock, base being the end of the
// warm-up, and notes its period for the charts. A node the world does not
// have is an error.
func (f Fault) schedule(e *env, base int64) error {
	w := e.w
	addr, err := w.Node(f.Node)
	if err != nil {
		return optionErrorf("%s %s: %v", Key("fault"), f, err)
	}
	from, to := base+int64(f.Start), base+int64(f.Start+f.Duration)
	isShard := int(addr) < w.NumShards()
	var devs []*sim.Device
	if f.Kind == "disconnect" {
		for _, d := range w.Devices() {
			if (isShard && d.Home == int(addr)) || (!isShard && d.Addr == addr) {
				devs = append(devs, d)
			}
		}
	}
	switch f.Kind {
	case "crash":
		w.At(from, func() { w.CrashFor(addr, int64(f.Duration)) })
	case "pause":
		w.At(from, func() { w.Pause(addr, int64(f.Duration)) })
	case "partition":
		var others []engine.Addr
		if isShard {
			for k := 0; k < w.NumShards(); k++ {
				if engine.Addr(k) != addr {
					others = append(others, engine.Addr(k))
				}
			}
			for _, d := range w.Devices() {
				others = append(others, d.Addr)
			}
		} else {
			for k := 0; k < w.NumShards(); k++ {
				others = append(others, engine.Addr(k))
			}
		}
		w.At(from, func() { w.PartitionFor([]engine.Addr{addr}, others, false, int64(f.Duration)) })
	case "disconnect":
		w.At(from, func() {
			for _, d := range devs {
				w.DisconnectFor(d, int64(f.Duration))
			}
		})
	}
	e.m.FaultPeriod(e.pfx+f.String(), from, to)
	return nil
}
