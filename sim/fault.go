package sim

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"sigsim/engine"
)

// FaultKind is a kind of fault.
type FaultKind uint8

// The fault kinds, named as the scenario language's commands.
const (
	FaultPartition FaultKind = iota + 1
	FaultHeal
	FaultCrash
	FaultRestart
	FaultPause
	FaultDisconnect
	FaultReconnect
	FaultSkew
	FaultLink
	numFaultKinds
)

var faultNames = [numFaultKinds]string{"", "partition", "heal", "crash", "restart", "pause", "disconnect", "reconnect", "skew", "link"}

func (k FaultKind) String() string {
	if k > 0 && k < numFaultKinds {
		return faultNames[k]
	}
	return "fault(" + strconv.Itoa(int(k)) + ")"
}

// FaultKinds lists the fault kinds by name.
func FaultKinds() []string { return slices.Clone(faultNames[1:]) }

// Fault is one fault: the single vocabulary of the scenario language's fault
// commands, swarm mode's plans and sigbench's --fault, each of which is a
// Fault carried out by World.Inject. Its text form (String, ParseFault) is
// the scenario command without its `at`:
//
//	partition SIDE | SIDE [| SIDE...] [oneway] [for=DUR]
//	heal [partitions]
//	crash NODE [for=DUR]
//	restart NODE
//	pause NODE for=DUR
//	disconnect NODE [for=DUR]
//	reconnect NODE
//	skew NODE [offset=DUR] [drift=F]
//	link DEVICE|* [latency=DIST] [loss=P] [dup=P] [reorder=P] [bandwidth=BW]
//
// A SIDE is a comma-separated list of nodes (shards s0, s1, ...; devices
// alice/1, or alice for a user's first device; room nodes r0, ...), or "*":
// every node on no other side. Disconnecting or reconnecting a shard does it
// to every device homed on it; `link *` changes every device's link. A fault
// with a duration (for=) ends by itself; one without lasts until healed (a
// crash until its restart). Node names are resolved when the fault is
// injected.
type Fault struct {
	Kind FaultKind
	// Node is the node of every kind but partition and heal ("*" for link:
	// every device).
	Node string
	// Sides are a partition's sides, each a list of node names.
	Sides [][]string
	// OneWay cuts a partition one way: each side only toward the sides
	// after it (with two, from the first to the second).
	OneWay bool
	// For is how long a partition, crash, pause or disconnection lasts; 0 is
	// until healed (a pause needs one).
	For time.Duration
	// Offset and Drift are a skew's clock offset and drift (local time = t +
	// offset + drift·t).
	Offset time.Duration
	Drift  float64
	// Link holds a link fault's options; Given says which of them it sets
	// (the others keep the world's defaults).
	Link  LinkOptions
	Given LinkFields
	// Partitions heals partitions only (heal); without it a heal ends every
	// fault.
	Partitions bool
}

// LinkFields says which link options a link fault sets.
type LinkFields uint8

// The link options a link fault may set.
const (
	LinkLatency LinkFields = 1 << iota
	LinkLoss
	LinkDup
	LinkReorder
	LinkBandwidth
)

// String is the fault's text form, which ParseFault reads back.
func (f Fault) String() string {
	var b strings.Builder
	b.WriteString(f.Kind.String())
	switch f.Kind {
	case FaultPartition:
		for i, side := range f.Sides {
			if i > 0 {
				b.WriteString(" |")
			}
			b.WriteString(" " + strings.Join(side, ","))
		}
		if f.OneWay {
			b.WriteString(" oneway")
		}
	case FaultHeal:
		if f.Partitions {
			b.WriteString(" partitions")
		}
	default:
		b.WriteString(" " + f.Node)
	}
	if f.For != 0 {
		b.WriteString(" for=" + f.For.String())
	}
	if f.Kind == FaultSkew {
		b.WriteString(" offset=" + f.Offset.String() + " drift=" + strconv.FormatFloat(f.Drift, 'g', -1, 64))
	}
	if f.Kind == FaultLink {
		o := f.Link
		if f.Given&LinkLatency != 0 {
			b.WriteString(" latency=" + o.Latency.String())
		}
		for _, p := range []struct {
			bit  LinkFields
			name string
			v    float64
		}{{LinkLoss, "loss", o.Loss}, {LinkDup, "dup", o.Dup}, {LinkReorder, "reorder", o.Reorder}} {
			if f.Given&p.bit != 0 {
				b.WriteString(" " + p.name + "=" + strconv.FormatFloat(p.v, 'g', -1, 64))
			}
		}
		if f.Given&LinkBandwidth != 0 {
			b.WriteString(" bandwidth=" + FormatBandwidth(o.Bandwidth))
		}
	}
	return b.String()
}

// Validate reports what is wrong with the fault, apart from its node names
// (which only a world can resolve).
func (f Fault) Validate() error {
	switch {
	case f.Kind == 0 || f.Kind >= numFaultKinds:
		return fmt.Errorf("unknown fault kind %d", f.Kind)
	case f.For < 0:
		return fmt.Errorf("%s: for=%s must not be negative", f.Kind, f.For)
	case f.Kind == FaultPause && f.For <= 0:
		return errors.New("pause: for=DUR is required (how long the node is frozen)")
	case f.For != 0 && !slices.Contains([]FaultKind{FaultPartition, FaultCrash, FaultPause, FaultDisconnect}, f.Kind):
		return fmt.Errorf("%s: takes no for=", f.Kind)
	case f.Kind == FaultPartition && len(f.Sides) < 2:
		return errors.New("partition: want two sides or more, SIDE | SIDE")
	case f.Kind != FaultPartition && f.Kind != FaultHeal && f.Node == "":
		return fmt.Errorf("%s: no node", f.Kind)
	case f.Kind == FaultSkew && (f.Drift <= -1 || f.Drift >= 1):
		return fmt.Errorf("skew: drift %g out of range (-1,1)", f.Drift)
	case f.Kind == FaultLink && f.Given == 0:
		return errors.New("link: set at least one of latency, loss, dup, reorder, bandwidth")
	case f.Kind == FaultLink:
		return f.Link.validGiven(f.Given)
	}
	for _, side := range f.Sides {
		if len(side) == 0 || slices.Contains(side, "") {
			return errors.New("partition: an empty side")
		}
	}
	return nil
}

// validGiven validates the given fields of link options.
func (o LinkOptions) validGiven(given LinkFields) error {
	full := o
	if given&LinkLatency == 0 {
		full.Latency = Const(DefaultLatency)
	}
	if err := full.Validate(); err != nil {
		return fmt.Errorf("link: %w", err)
	}
	return nil
}

// ParseFault reads a fault's text form (see Fault).
func ParseFault(s string) (Fault, error) {
	words := strings.Fields(s)
	if len(words) == 0 {
		return Fault{}, fmt.Errorf("empty fault (want one of %s)", strings.Join(FaultKinds(), ", "))
	}
	var f Fault
	for k := FaultKind(1); k < numFaultKinds; k++ {
		if faultNames[k] == words[0] {
			f.Kind = k
		}
	}
	if f.Kind == 0 {
		return Fault{}, fmt.Errorf("unknown fault %q (want one of %s)", words[0], strings.Join(FaultKinds(), ", "))
	}
	var pos []string
	for _, w := range words[1:] {
		key, val, isKV := strings.Cut(w, "=")
		if !isKV {
			pos = append(pos, w)
			continue
		}
		if err := f.set(key, val); err != nil {
			return Fault{}, fmt.Errorf("%s: %s: %w", f.Kind, key, err)
		}
	}
	switch f.Kind {
	case FaultPartition:
		var side []string
		for _, p := range pos {
			switch {
			case p == "|":
				f.Sides = append(f.Sides, side)
				side = nil
			case p == "oneway":
				f.OneWay = true
			default:
				side = append(side, strings.Split(p, ",")...)
			}
		}
		f.Sides = append(f.Sides, side)
	case FaultHeal:
		switch {
		case len(pos) == 1 && pos[0] == "partitions":
			f.Partitions = true
		case len(pos) > 0:
			return Fault{}, fmt.Errorf("heal: %q: want nothing (heal every fault) or partitions", strings.Join(pos, " "))
		}
	default:
		if len(pos) != 1 {
			return Fault{}, fmt.Errorf("%s: want one node, got %d words", f.Kind, len(pos))
		}
		f.Node = pos[0]
	}
	if err := f.Validate(); err != nil {
		return Fault{}, err
	}
	return f, nil
}

// set sets the option key of a fault to its text value.
func (f *Fault) set(key, val string) error {
	allowed := map[FaultKind][]string{
		FaultPartition: {"for"}, FaultCrash: {"for"}, FaultPause: {"for"}, FaultDisconnect: {"for"},
		FaultSkew: {"offset", "drift"}, FaultLink: {"latency", "loss", "dup", "reorder", "bandwidth"},
	}[f.Kind]
	if !slices.Contains(allowed, key) {
		if len(allowed) == 0 {
			return fmt.Errorf("%s takes no options", f.Kind)
		}
		return fmt.Errorf("unknown option (want %s)", strings.Join(allowed, ", "))
	}
	var err error
	switch key {
	case "for":
		f.For, err = time.ParseDuration(val)
	case "offset":
		f.Offset, err = time.ParseDuration(val)
	case "drift":
		f.Drift, err = strconv.ParseFloat(val, 64)
	case "latency":
		f.Link.Latency, err = ParseDist(val)
		f.Given |= LinkLatency
	case "loss", "dup", "reorder":
		var p float64
		if p, err = ParseProbability(val); err == nil {
			switch key {
			case "loss":
				f.Link.Loss, f.Given = p, f.Given|LinkLoss
			case "dup":
				f.Link.Dup, f.Given = p, f.Given|LinkDup
			default:
				f.Link.Reorder, f.Given = p, f.Given|LinkReorder
			}
		}
	case "bandwidth":
		f.Link.Bandwidth, err = ParseBandwidth(val)
		f.Given |= LinkBandwidth
	}
	return err
}

// Inject carries out fault f now. Node names that do not exist in the
// world are an error, and nothing is done.
func (w *World) Inject(f Fault) error {
	if err := f.Validate(); err != nil {
		return err
	}
	switch f.Kind {
	case FaultPartition:
		return w.injectPartition(f)
	case FaultHeal:
		if f.Partitions {
			w.Heal()
		} else {
			w.HealAll()
		}
		return nil
	case FaultLink:
		return w.injectLink(f)
	}
	a, err := w.Node(f.Node)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Kind, err)
	}
	switch f.Kind {
	case FaultCrash:
		if f.For > 0 {
			w.CrashFor(a, f.For)
		} else {
			w.Crash(a)
		}
	case FaultRestart:
		w.Restart(a)
	case FaultPause:
		w.Pause(a, f.For)
	case FaultSkew:
		return w.Skew(a, f.Offset, f.Drift)
	case FaultDisconnect, FaultReconnect:
		devs := w.devicesOf(a)
		if len(devs) == 0 {
			return fmt.Errorf("%s: %s is neither a device nor a shard", f.Kind, f.Node)
		}
		for _, d := range devs {
			switch {
			case f.Kind == FaultReconnect:
				w.Reconnect(d)
			case f.For > 0:
				w.DisconnectFor(d, f.For)
			default:
				w.Disconnect(d)
			}
		}
	}
	return nil
}

// devicesOf is the device at a, or every device homed on shard a.
func (w *World) devicesOf(a engine.Addr) []*Device {
	if d := w.device(a); d != nil {
		return []*Device{d}
	}
	if int(a) < 0 || int(a) >= len(w.shards) {
		return nil
	}
	var l []*Device
	for _, d := range w.devs {
		if d.Home == int(a) {
			l = append(l, d)
		}
	}
	return l
}

// injectPartition cuts every side from every other ("*" being every node
// on no other side); one way, each side only toward the sides after it.
func (w *World) injectPartition(f Fault) error {
	sides := make([][]engine.Addr, len(f.Sides))
	named := map[engine.Addr]bool{}
	star := -1
	for i, side := range f.Sides {
		for _, n := range side {
			if n == "*" {
				if star >= 0 && star != i {
					return errors.New("partition: * on two sides")
				}
				star = i
				continue
			}
			a, err := w.Node(n)
			if err != nil {
				return fmt.Errorf("partition: %w", err)
			}
			sides[i] = append(sides[i], a)
			named[a] = true
		}
	}
	if star >= 0 {
		for _, a := range w.allNodes() {
			if !named[a] {
				sides[star] = append(sides[star], a)
			}
		}
	}
	for i := 0; i < len(sides); i++ {
		for j := i + 1; j < len(sides); j++ {
			if f.For > 0 {
				w.PartitionFor(sides[i], sides[j], f.OneWay, f.For)
			} else {
				w.Partition(sides[i], sides[j], f.OneWay)
			}
		}
	}
	return nil
}

// allNodes lists the world's nodes: shards, devices, room nodes.
func (w *World) allNodes() []engine.Addr {
	var l []engine.Addr
	for k := range w.shards {
		l = append(l, engine.Addr(k))
	}
	for _, d := range w.devs {
		l = append(l, d.Addr)
	}
	for k := range w.RoomNodes() {
		l = append(l, w.RoomNodeAddr(k))
	}
	return l
}

// LinkOver is base with the link options a link fault gives (Given).
func (f Fault) LinkOver(base LinkOptions) LinkOptions {
	o := base
	if f.Given&LinkLatency != 0 {
		o.Latency = f.Link.Latency
	}
	if f.Given&LinkLoss != 0 {
		o.Loss = f.Link.Loss
	}
	if f.Given&LinkDup != 0 {
		o.Dup = f.Link.Dup
	}
	if f.Given&LinkReorder != 0 {
		o.Reorder = f.Link.Reorder
	}
	if f.Given&LinkBandwidth != 0 {
		o.Bandwidth = f.Link.Bandwidth
	}
	return o
}

// injectLink changes a device's link, or every device's (`link *`): the
// options the fault gives, the world's defaults for the others.
func (w *World) injectLink(f Fault) error {
	o := f.LinkOver(w.opts.Link)
	if f.Node != "*" {
		d := w.Device(f.Node)
		if d == nil {
			return fmt.Errorf("link: no device %q", f.Node)
		}
		return w.SetLink(d, o)
	}
	if err := o.Validate(); err != nil {
		return err
	}
	// Every device shares one copy: a world may hold millions.
	shared := new(LinkOptions)
	*shared = o
	w.fault(-1, "link * "+o.String())
	for _, d := range w.devs {
		d.up.share(shared)
		d.dn.share(shared)
		d.linkDefault = o == w.opts.Link
	}
	return nil
}
