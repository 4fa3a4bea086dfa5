// The command schema: what a command accepts (positionals, keys, flags,
// at TIME, as NAME), what it runs, and its synopsis. The table of all
// commands is in commands.go.

package scenarios

import (
	"slices"
	"strings"
)

type valueKind uint8

const (
	vStr       valueKind = iota // any text
	vName                       // a user name
	vDur                        // duration ≥ 0
	vSignedDur                  // duration, may be negative
	vCount                      // integer ≥ 0
	vPosInt                     // integer ≥ 1
	vSeed                       // unsigned 64-bit integer
	vFloat                      // finite float, or N%
	vProb                       // float in [0,1], or N%
	vList                       // comma-separated list with ranges
	vDist                       // latency distribution (kept as text)
	vBool                       // true/false
	vRate                       // N/s
	vWeights                    // name:p,name:p
	vBandwidth                  // 10Mbps, 1MB/s, 0
	vEnum                       // one of keySpec.enum
	vSecs                       // duration ≥ 0 in whole seconds (the API's timeout is an int)
	vSize                       // memory size: 16GiB, 512MiB
	vUsers                      // a LIST of declared users: the world must have each
)

var kindUsage = [...]string{
	vStr: "TEXT", vName: "USER", vDur: "DUR", vSignedDur: "±DUR", vCount: "N", vPosInt: "N",
	vSeed: "N", vFloat: "X", vProb: "P", vList: "LIST", vDist: "DIST", vBool: "BOOL",
	vRate: "N/s", vWeights: "NAME:P,...", vBandwidth: "BW", vEnum: "", vSecs: "SECS", vSize: "SIZE", vUsers: "LIST",
}

type keySpec struct {
	name     string
	kind     valueKind
	required bool
	enum     []string
}

type posKind uint8

const (
	pAny     posKind = iota // anything
	pDevice                 // alice or alice/2
	pUser                   // a user name
	pGroup                  // a group ID
	pNode                   // a DEVICE, a shard s0 or a room node r0
	pHandle                 // a handle defined earlier (posSpec.handle is its kind)
	pPattern                // a message pattern (non-empty text)
	pWord                   // one of posSpec.words
	pUsers                  // users entry: NAME or RANGE, optional /N, comma lists
	pRoom                   // a room ID (non-empty text)
)

type posSpec struct {
	name   string // for usage, e.g. "USER"
	kind   posKind
	words  []string
	handle string
	all    bool // a device may also be "*", every device
}

type rule uint8

const (
	no rule = iota
	optional
	required
)

// cmdSpec is one scenario command, whole: its synopsis, its argument
// schema, its checks and what it does. Every command is one entry of the
// table commands (commands.go); the parser, the reference checks, the setup
// and the runner only read that entry.
type cmdSpec struct {
	name     string
	synopsis string // when the one generated from the schema does not say it well

	// The argument schema, checked by the parser (cmdline.go).
	device  bool      // written "DEVICE name ...": Args[0] is the device
	pos     []posSpec // positional slots (after the device)
	min     int       // required positionals (not counting the device)
	rest    bool      // any number of further positionals, checked like the last slot
	keys    []keySpec
	flags   []string // flag words, also accepted as flag=true/false
	anyKeys bool     // any key=value accepted (expect)
	at      rule     // "at TIME" prefix
	as      rule     // trailing "as NAME"
	handle  string   // kind of handle "as NAME" defines
	first   bool     // must be the file's first command, and given once (world)

	// check runs at parse time after the schema's checks: what the schema
	// cannot say about the arguments, and what later lines may rely on
	// (users declares the names that read as devices). Optional.
	check func(p *parser, c *Cmd) *Error
	// renamed maps an old key to the name it has now: using it is an error
	// that gives the new name.
	renamed map[string]string
	// refs runs once the world is built, before anything runs, after the
	// checks the schema implies (a DEVICE, NODE or USER slot and a
	// user-list key name what the world must have): what only the world
	// can judge beyond those. Optional.
	refs func(r *runner, c *Cmd) error

	// scan runs for every command of the file, in file order, before the
	// world is built: what the command asks of the world (its options, its
	// users, whether to record a trace). Optional.
	scan func(r *runner, c *Cmd)
	// build is the part of the world a setup command makes, once the world
	// exists: every command of one entry in file order, the entries in
	// table order (users before group). Optional.
	build func(r *runner, c *Cmd) error
	// exec runs the command at its time (or when its block is reached). A
	// command without exec is a setup command (world, users, group): it
	// takes effect while the world is built, through scan and build.
	exec func(r *runner, c *Cmd)
}

// setupOnly tells whether the command only takes part in building the world.
func (s *cmdSpec) setupOnly() bool { return s.exec == nil }

func k(name string, kind valueKind) keySpec   { return keySpec{name: name, kind: kind} }
func req(name string, kind valueKind) keySpec { return keySpec{name: name, kind: kind, required: true} }
func enum(name string, vals ...string) keySpec {
	return keySpec{name: name, kind: vEnum, enum: vals}
}

// usage returns the command's synopsis, e.g.
// "[at TIME] DEVICE invite USER [data=TEXT] ... [online-only] [as NAME]".
func (s *cmdSpec) usage() string {
	if s.synopsis != "" {
		return s.synopsis
	}
	var b []string
	switch s.at {
	case optional:
		b = append(b, "[at TIME]")
	case required:
		b = append(b, "at TIME")
	}
	if s.device {
		b = append(b, "DEVICE")
	}
	b = append(b, s.name)
	for i, p := range s.pos {
		n := p.name
		if p.kind == pWord {
			n = strings.Join(p.words, "|")
		}
		if s.rest && i == len(s.pos)-1 {
			n += "..."
		}
		if i >= s.min {
			n = "[" + n + "]"
		}
		b = append(b, n)
	}
	for _, k := range s.keys {
		v := kindUsage[k.kind]
		if k.kind == vEnum {
			v = strings.Join(k.enum, "|")
		}
		if k.required {
			b = append(b, k.name+"="+v)
		} else {
			b = append(b, "["+k.name+"="+v+"]")
		}
	}
	for _, f := range s.flags {
		b = append(b, "["+f+"]")
	}
	if s.anyKeys {
		b = append(b, "[KEY=VALUE...]")
	}
	switch s.as {
	case optional:
		b = append(b, "[as NAME]")
	case required:
		b = append(b, "as NAME")
	}
	return strings.Join(b, " ")
}

func (s *cmdSpec) key(name string) (keySpec, bool) {
	for _, k := range s.keys {
		if k.name == name {
			return k, true
		}
	}
	return keySpec{}, false
}

func (s *cmdSpec) keyNames() []string {
	n := make([]string, len(s.keys))
	for i, k := range s.keys {
		n[i] = k.name
	}
	slices.Sort(n)
	return n
}
