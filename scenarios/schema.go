// The command schema: what a command accepts (positionals, keys, flags,
// at TIME, as NAME), its synopsis, and the table of all commands.

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
)

var kindUsage = [...]string{
	vStr: "TEXT", vName: "USER", vDur: "DUR", vSignedDur: "±DUR", vCount: "N", vPosInt: "N",
	vSeed: "N", vFloat: "X", vProb: "P", vList: "LIST", vDist: "DIST", vBool: "BOOL",
	vRate: "N/s", vWeights: "NAME:P,...", vBandwidth: "BW", vEnum: "", vSecs: "SECS", vSize: "SIZE",
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
	pNode                   // a DEVICE or a shard s0
	pHandle                 // a handle defined earlier (posSpec.handle is its kind)
	pPattern                // a message pattern (non-empty text)
	pWord                   // one of posSpec.words
	pUsers                  // users entry: NAME or RANGE, optional /N, comma lists
)

type posSpec struct {
	name   string // for usage, e.g. "USER"
	kind   posKind
	words  []string
	handle string
}

type rule uint8

const (
	no rule = iota
	optional
	required
)

// cmdSpec describes one command; the table commands below holds them all.
type cmdSpec struct {
	name    string
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
	check   func(p *parser, c *Cmd) *Error
	usage1  string // synopsis, when the generated one does not say it well
}

func k(name string, kind valueKind) keySpec   { return keySpec{name: name, kind: kind} }
func req(name string, kind valueKind) keySpec { return keySpec{name: name, kind: kind, required: true} }
func enum(name string, vals ...string) keySpec {
	return keySpec{name: name, kind: vEnum, enum: vals}
}

var (
	device   = posSpec{name: "DEVICE", kind: pDevice}
	node     = posSpec{name: "NODE", kind: pNode}
	groupID  = posSpec{name: "GROUP", kind: pGroup}
	pattern  = posSpec{name: "PATTERN", kind: pPattern}
	invHandl = posSpec{name: "H", kind: pHandle, handle: "invitation"}
	linkKeys = []keySpec{k("latency", vDist), k("loss", vProb), k("dup", vProb), k("reorder", vProb), k("bandwidth", vBandwidth)}
	dataKey  = []keySpec{k("data", vStr)}
)

// commands is the schema: one entry per command. Adding a command is adding
// an entry here (and a section to LANGUAGE.md).
var commands = []*cmdSpec{
	// setup
	{name: "world", keys: []keySpec{
		k("seed", vSeed), enum("mode", "server", "client"), k("shards", vPosInt),
		k("latency", vDist), k("loss", vProb), k("dup", vProb), k("reorder", vProb),
		k("bandwidth", vBandwidth), k("shard-latency", vDist), k("service", vDist),
		k("workers", vPosInt), k("rto", vDur), k("retention", vDur), k("bound", vDur),
		enum("stop", "on-violation", "never"), k("max-memory", vSize),
	}},
	{name: "users", pos: []posSpec{{name: "USERS", kind: pUsers}}, min: 1, rest: true},
	{name: "group", pos: []posSpec{groupID}, min: 1, keys: []keySpec{req("owner", vName), k("members", vList)}},

	// device operations: "[at T] DEVICE name ..."
	{name: "login", device: true, at: optional},
	{name: "logout", device: true, at: optional},
	{name: "invite", device: true, at: optional, as: optional, handle: "invitation",
		pos: []posSpec{{name: "USER", kind: pUser}}, min: 1,
		keys: []keySpec{k("data", vStr), k("timeout", vSecs), k("push", vStr)}, flags: []string{"online-only"}},
	{name: "invite-group", device: true, at: optional, as: optional, handle: "invitation",
		pos: []posSpec{groupID}, min: 1,
		keys: []keySpec{req("invitees", vList), k("data", vStr), k("timeout", vSecs)}, flags: []string{"online-only"}},
	{name: "cancel", device: true, at: optional, pos: []posSpec{invHandl}, min: 1, keys: dataKey},
	{name: "accept", device: true, at: optional, pos: []posSpec{invHandl}, min: 1, keys: dataKey},
	{name: "reject", device: true, at: optional, pos: []posSpec{invHandl}, min: 1, keys: dataKey},
	{name: "modify", device: true, at: optional, pos: []posSpec{invHandl}, min: 1, keys: dataKey},
	{name: "add-invited", device: true, at: optional, pos: []posSpec{invHandl}, min: 1},
	{name: "create-group", device: true, at: optional, pos: []posSpec{groupID}, min: 1, keys: []keySpec{k("members", vList)}},
	{name: "join-group", device: true, at: optional, pos: []posSpec{groupID}, min: 1},
	{name: "quit-group", device: true, at: optional, pos: []posSpec{groupID}, min: 1},
	{name: "dismiss-group", device: true, at: optional, pos: []posSpec{groupID}, min: 1},
	{name: "group-members", device: true, at: optional, pos: []posSpec{groupID}, min: 1},

	// faults
	{name: "partition", at: optional, pos: []posSpec{{name: "SIDE | SIDE", kind: pAny}}, min: 1, rest: true,
		flags: []string{"oneway"}, check: checkPartition, usage1: "[at TIME] partition SIDE | SIDE [| SIDE...] [oneway]"},
	{name: "heal", at: optional, pos: []posSpec{{name: "WHAT", kind: pAny}}, rest: true},
	{name: "link", at: optional, pos: []posSpec{device}, min: 1, keys: linkKeys},
	{name: "crash", at: optional, pos: []posSpec{node}, min: 1},
	{name: "restart", at: optional, pos: []posSpec{node}, min: 1},
	{name: "pause", at: optional, pos: []posSpec{node}, min: 1, keys: []keySpec{req("for", vDur)}},
	{name: "skew", at: optional, pos: []posSpec{node}, min: 1, keys: []keySpec{k("offset", vSignedDur), k("drift", vFloat)}},
	{name: "disconnect", at: optional, pos: []posSpec{device}, min: 1},
	{name: "reconnect", at: optional, pos: []posSpec{device}, min: 1},

	// message control
	{name: "hold", at: optional, as: required, handle: "hold", pos: []posSpec{pattern}, min: 1},
	{name: "release", at: optional, pos: []posSpec{{name: "H", kind: pHandle, handle: "hold"}}, min: 1},
	{name: "drop-next", at: optional, pos: []posSpec{pattern}, min: 1},
	{name: "dup-next", at: optional, pos: []posSpec{pattern}, min: 1},

	// running
	{name: "run", pos: []posSpec{{name: "DUR|until quiet", kind: pAny}}, min: 1, rest: true,
		keys: []keySpec{k("limit", vDur)}, check: checkRun, usage1: "run DUR | run until quiet [limit=DUR]"},
	{name: "swarm", keys: []keySpec{k("faults", vList), k("intensity", vProb), k("until", vDur)}},

	// observing and checking
	{name: "show", pos: []posSpec{
		{name: "WHAT", kind: pWord, words: []string{"callbacks", "counts", "invitations", "pushes", "results", "server", "signaling", "trace"}},
		{name: "FILTER", kind: pAny}}, min: 1, keys: []keySpec{k("filter", vStr)}},
	{name: "check"},
	{name: "expect", pos: []posSpec{{name: "WHAT", kind: pAny}}, rest: true, anyKeys: true, check: checkExpect,
		usage1: "expect WHAT... [KEY=VALUE...]"},

	// generators
	{name: "generate", pos: []posSpec{{name: "KIND", kind: pWord, words: []string{"group-invites", "invites"}}}, min: 1,
		keys: []keySpec{k("count", vCount), k("from", vList), k("to", vList), k("group", vStr), k("rate", vRate),
			k("start", vDur), k("timeout", vSecs), k("data", vStr), k("answer", vWeights)},
		flags: []string{"online-only"}, check: checkGenerate},
}

var (
	specs        = map[string]*cmdSpec{}
	commandNames []string // sorted
	deviceOps    []string // sorted names of device operations
)

func init() {
	for _, s := range commands {
		specs[s.name] = s
		commandNames = append(commandNames, s.name)
		if s.device {
			deviceOps = append(deviceOps, s.name)
		}
	}
	slices.Sort(commandNames)
	slices.Sort(deviceOps)
}

// Commands returns the names of all commands, sorted.
func Commands() []string { return slices.Clone(commandNames) }

// usage returns the command's synopsis, e.g.
// "[at TIME] DEVICE invite USER [data=TEXT] ... [online-only] [as NAME]".
func (s *cmdSpec) usage() string {
	if s.usage1 != "" {
		return s.usage1
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
