package scenarios

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"sigsim/sim"
)

// ---------------------------------------------------------------------------
// AST

// File is a parsed scenario file.
type File struct {
	Name        string   // the name given to Parse, used in positions
	Description []string // the leading comment lines, without "#" and one space
	Items       []Item   // blocks, comments and blank lines, in file order

	eols []string // line terminator of each source line: "\n", "\r\n" or "" (last line)
}

// Item is one element of a file: exactly one of Block, Comment, Blank is set.
type Item struct {
	Block   *Block
	Comment string // the comment line as written, leading spaces and "#" included
	Blank   bool

	raw  string // a blank line as written (it may hold spaces)
	line int
}

// Block is one or more command lines, optionally followed by "----" and the
// expected output.
type Block struct {
	Line         int      // line of the first command
	Cmds         []*Cmd   // the command lines
	HasExpected  bool     // a "----" separator follows the commands
	Expected     []string // expected output lines (without line terminators)
	ExpectedLine int      // line of the first expected-output line (0 without "----")

	sep  int  // line of the (first) "----"
	long bool // written in the "----\n----" form that allows blank lines
	// cmdLike are the indexes of the Expected lines that read as command
	// or comment lines: a missing blank line may have put them there, and
	// a rewrite must not delete them (see Run).
	cmdLike []int
}

// Cmd is one command line.
type Cmd struct {
	Pos    Pos    // position of the first token of the line
	Name   string // the command name, e.g. "invite"
	At     int64  // resolved absolute virtual time in ns (when HasAt)
	HasAt  bool   // the line has an "at TIME" prefix
	Args   []Arg  // arguments in order; for device operations Args[0] is the device (positional 0)
	Handle string // the NAME of a trailing "as NAME", or ""
	Raw    string // the line as written

	spec *cmdSpec
}

// Arg is one argument: a positional word (Key == "") or key=value.
type Arg struct {
	Pos   Pos
	Key   string // "" for positional
	Value string // unquoted
}

// Pos is a position in a scenario file; Line and Col (a byte column) are 1-based.
type Pos struct {
	File      string
	Line, Col int
}

// String returns "file:line:col" ("line:col" when File is empty).
func (p Pos) String() string {
	s := strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
	if p.File != "" {
		s = p.File + ":" + s
	}
	return s
}

// Error is a parse or argument error at a position.
type Error struct {
	Pos Pos
	Msg string
}

// Error returns "file:line:col: msg".
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// ErrorList is several errors, in file order (Parse reports at most 10).
type ErrorList []*Error

// Error returns the errors, one per line.
func (l ErrorList) Error() string {
	s := make([]string, len(l))
	for i, e := range l {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// Unwrap returns the errors, for errors.As and errors.Is.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// MaxList is the largest number of names one list (or one range) may expand to.
const MaxList = 10_000_000

const (
	maxErrors  = 10
	maxDevices = 1 << 16
)

// ---------------------------------------------------------------------------
// Schema

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

// ---------------------------------------------------------------------------
// Parser

type handleDef struct {
	pos  Pos
	kind string
}

type parser struct {
	file    string
	errs    ErrorList
	handles map[string]handleDef
	lastAt  int64
	haveAt  bool
	first   *Cmd // first command of the file
	world   *Cmd
	users   []listItem // the users declared so far (ranges unexpanded)
}

// declared tells whether a users line above declared the user of device
// token s ("alice", "alice/2").
func (p *parser) declared(s string) bool {
	u, _, msg := parseDevice(s)
	if msg != "" {
		return false
	}
	for _, it := range p.users {
		if !it.isRng {
			if it.word == u {
				return true
			}
			continue
		}
		rest, ok := strings.CutPrefix(u, it.prefix)
		if !ok || rest == "" || (it.width > 0 && len(rest) != it.width) || (it.width == 0 && len(rest) > 1 && rest[0] == '0') {
			continue
		}
		if n, err := strconv.ParseUint(rest, 10, 64); err == nil && n >= it.lo && n <= it.hi {
			return true
		}
	}
	return false
}

type srcLine struct {
	text, eol string
}

func splitLines(src []byte) []srcLine {
	var out []srcLine
	s := string(src)
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, srcLine{text: s})
			break
		}
		text, eol := s[:i], "\n"
		if strings.HasSuffix(text, "\r") {
			text, eol = text[:len(text)-1], "\r\n"
		}
		out = append(out, srcLine{text: text, eol: eol})
		s = s[i+1:]
	}
	return out
}

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

func isComment(s string) bool {
	return strings.HasPrefix(strings.TrimLeftFunc(s, unicode.IsSpace), "#")
}

func (p *parser) pos(line, col int) Pos { return Pos{File: p.file, Line: line, Col: col} }

func (p *parser) errorf(pos Pos, format string, args ...any) {
	if len(p.errs) < maxErrors {
		p.errs = append(p.errs, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
	}
}

func (p *parser) add(e *Error) {
	if e != nil && len(p.errs) < maxErrors {
		p.errs = append(p.errs, e)
	}
}

// Parse parses and validates a scenario file. On failure it returns the
// first error as an *Error, or an ErrorList of up to 10 errors.
func Parse(name string, src []byte) (*File, error) {
	p := &parser{file: name, handles: map[string]handleDef{}}
	lines := splitLines(src)
	f := &File{Name: name, eols: make([]string, len(lines))}
	for i, l := range lines {
		f.eols[i] = l.eol
	}
	n := len(lines)
	for i := 0; i < n && len(p.errs) < maxErrors; {
		text := lines[i].text
		ln := i + 1
		switch {
		case isBlank(text):
			f.Items = append(f.Items, Item{Blank: true, raw: text, line: ln})
			i++
			continue
		case isComment(text):
			f.Items = append(f.Items, Item{Comment: text, line: ln})
			i++
			continue
		case strings.TrimSpace(text) == "----":
			p.errorf(p.pos(ln, 1), "---- must follow a command line (no command before it)")
			i++
			continue
		}
		b := &Block{Line: ln}
		for i < n {
			t := lines[i].text
			if isBlank(t) || isComment(t) || strings.TrimSpace(t) == "----" {
				break
			}
			if c := p.parseCmd(t, i+1); c != nil {
				b.Cmds = append(b.Cmds, c)
			}
			i++
		}
		if i < n && strings.TrimSpace(lines[i].text) == "----" {
			if lines[i].text != "----" {
				p.errorf(p.pos(i+1, 1), "the separator must be exactly ---- (no spaces around it)")
			}
			b.HasExpected, b.sep = true, i+1
			i++
			if i < n && lines[i].text == "----" {
				// Long form: output may hold blank lines; it ends at
				// "----", "----" followed by a blank line or the end.
				b.long = true
				i++
				start := i
				end := -1
				for j := i; j+1 < n; j++ {
					if lines[j].text == "----" && lines[j+1].text == "----" && (j+2 == n || isBlank(lines[j+2].text)) {
						end = j
						break
					}
				}
				if end < 0 {
					p.errorf(p.pos(b.sep, 1), "expected output opened with ----/---- is not closed by ----/---- and a blank line")
					i = n
				} else {
					for j := start; j < end; j++ {
						b.addExpected(lines[j].text)
					}
					i = end + 2
				}
				b.ExpectedLine = start + 1
			} else {
				b.ExpectedLine = i + 1
				for i < n && !isBlank(lines[i].text) {
					b.addExpected(lines[i].text)
					i++
				}
			}
		}
		f.Items = append(f.Items, Item{Block: b, line: b.Line})
	}
	if len(p.errs) == 0 && !slices.ContainsFunc(f.Items, func(it Item) bool { return it.Block != nil && len(it.Block.Cmds) > 0 }) {
		p.errorf(p.pos(1, 1), "empty scenario: no command (a scenario needs at least a users line and a run; see scenarios/LANGUAGE.md)")
	}
	if len(p.errs) == 1 {
		return nil, p.errs[0]
	}
	if len(p.errs) > 1 {
		return nil, p.errs
	}
	for _, it := range f.Items {
		if it.Blank {
			if len(f.Description) == 0 {
				continue
			}
			break
		}
		if it.Block != nil {
			break
		}
		d := strings.TrimLeftFunc(it.Comment, unicode.IsSpace)[1:]
		f.Description = append(f.Description, strings.TrimPrefix(d, " "))
	}
	return f, nil
}

func (b *Block) addExpected(line string) {
	if looksLikeCommand(line) {
		b.cmdLike = append(b.cmdLike, len(b.Expected))
	}
	b.Expected = append(b.Expected, line)
}

// looksLikeCommand tells whether an expected-output line reads as a line of
// the script rather than of the runner's output: a comment, a line starting
// with "at TIME", a command name, or a device followed by a device operation
// (or a near miss of one, "bob acept call"). No output line of the runner
// has these shapes (it starts with a time, a node and a colon, "ok:",
// "error:", ...). An indented line is output: the runner indents its event
// and summary lines ("  result invite -> ok   200" would read as the
// device "result" inviting), and script lines start in column 1.
func looksLikeCommand(text string) bool {
	if isComment(text) {
		return true
	}
	if text == "" || unicode.IsSpace(rune(text[0])) {
		return false
	}
	toks, _, msg := tokenize(text)
	if msg != "" || len(toks) == 0 || !toks[0].bare || toks[0].keyed {
		return false
	}
	t0 := toks[0].val
	if t0 == "at" {
		if len(toks) < 3 || !toks[1].bare {
			return false
		}
		_, m := parseDuration(strings.TrimPrefix(toks[1].val, "+"))
		return m == ""
	}
	if specs[t0] != nil {
		return true
	}
	if len(toks) < 2 || !validDevice(t0) || !toks[1].bare || toks[1].keyed {
		return false
	}
	if s := specs[toks[1].val]; s != nil && s.device {
		return true
	}
	return suggest(toks[1].val, deviceOps) != ""
}

// token is one whitespace-separated word of a command line.
type token struct {
	col   int // 1-based byte column
	raw   string
	keyed bool // key=value
	key   string
	val   string // unquoted value (the whole word when positional)
	vcol  int    // column of the value
	bare  bool   // no quotes
}

func (t token) word(w string) bool { return t.bare && !t.keyed && t.val == w }

// tokenize splits a command line into tokens; it returns an error position
// (column) and message on a bad quoted string.
func tokenize(text string) ([]token, int, string) {
	var toks []token
	i := 0
	for i < len(text) {
		r, w := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			i += w
			continue
		}
		start, bare := i, true
		for i < len(text) {
			r, w := utf8.DecodeRuneInString(text[i:])
			if unicode.IsSpace(r) {
				break
			}
			if text[i] == '"' {
				j := i + 1
				for j < len(text) && text[j] != '"' {
					if text[j] == '\\' {
						j++
					}
					j++
				}
				if j >= len(text) {
					return nil, i + 1, "unterminated quoted string"
				}
				i, bare = j+1, false
				continue
			}
			i += w
		}
		raw := text[start:i]
		t := token{col: start + 1, raw: raw, bare: bare, vcol: start + 1}
		q := strings.IndexByte(raw, '"')
		if q < 0 {
			q = len(raw)
		}
		vraw, voff := raw, 0
		if eq := strings.IndexByte(raw[:q], '='); eq > 0 && !isOperator(raw) {
			t.keyed, t.key = true, raw[:eq]
			vraw, voff = raw[eq+1:], eq+1
			t.vcol = start + voff + 1
		}
		v, ecol, msg := unquoteWord(vraw)
		if msg != "" {
			return nil, start + voff + ecol, msg
		}
		t.val = v
		toks = append(toks, t)
	}
	return toks, 0, ""
}

// isOperator tells a comparison operator (for expect lines) from key=value.
func isOperator(s string) bool {
	switch s {
	case "=", "==", "!=", "<", "<=", ">", ">=":
		return true
	}
	return false
}

// unquoteWord joins the bare and quoted parts of a word, unquoting the
// quoted ones Go-style.
func unquoteWord(s string) (string, int, string) {
	if !strings.Contains(s, `"`) {
		return s, 0, ""
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '"' {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i + 1
		for j < len(s) && s[j] != '"' {
			if s[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(s) {
			return "", i + 1, "unterminated quoted string"
		}
		u, err := strconv.Unquote(s[i : j+1])
		if err != nil {
			return "", i + 1, "invalid quoted string " + s[i:j+1] + " (Go syntax: \\\" \\\\ \\n \\t \\xNN \\uNNNN)"
		}
		b.WriteString(u)
		i = j + 1
	}
	return b.String(), 0, ""
}

// parseCmd parses and validates one command line; it returns nil on error.
func (p *parser) parseCmd(text string, ln int) *Cmd {
	toks, ecol, msg := tokenize(text)
	if msg != "" {
		p.errorf(p.pos(ln, ecol), "%s", msg)
		return nil
	}
	if len(toks) == 0 {
		return nil
	}
	c := &Cmd{Pos: p.pos(ln, toks[0].col), Raw: text}
	tp := func(t token) Pos { return p.pos(ln, t.col) }
	var atPos Pos
	i := 0
	if toks[0].word("at") {
		atPos = tp(toks[0])
		if len(toks) < 2 {
			p.errorf(atPos, "missing time after at (e.g. at 100ms, at +50ms)")
			return nil
		}
		if e := p.resolveAt(c, toks[1], tp(toks[1])); e != nil {
			p.add(e)
			return nil
		}
		i = 2
		if i >= len(toks) {
			p.errorf(atPos, "missing command after at %s", toks[1].val)
			return nil
		}
	}
	// Command name: "name ..." or "DEVICE name ..." for device operations.
	t0 := toks[i]
	var spec *cmdSpec
	var rest []token
	var devTok *token
	if s, ok := specs[t0.val]; ok && t0.word(t0.val) {
		if s.device {
			ex := "alice " + s.name
			if i+1 < len(toks) && !toks[i+1].keyed {
				ex = toks[i+1].val + " " + s.name
			}
			p.errorf(tp(t0), "%s is a device operation: write the device first, e.g. %q", s.name, ex)
			return nil
		}
		spec, rest = s, toks[i+1:]
	} else if i+1 < len(toks) && toks[i+1].bare && !toks[i+1].keyed && specs[toks[i+1].val] != nil && t0.bare && !t0.keyed {
		s := specs[toks[i+1].val]
		if !s.device {
			p.errorf(tp(toks[i+1]), "%s is not a device operation: write %q", s.name, s.name+" "+t0.val)
			return nil
		}
		spec, rest, devTok = s, toks[i+2:], &toks[i]
	} else {
		// Unknown: report the word that most likely was meant as the name.
		// After a declared user it is the next word ("alice frobnicate bob"
		// means an unknown device operation); otherwise the closest to a
		// command ("alice invit bob" means invite, "heel" means heal).
		bad := t0
		userFirst := t0.bare && !t0.keyed && p.declared(t0.val)
		switch {
		case userFirst && i+1 == len(toks):
			p.errorf(tp(t0), "missing command after the device %s (e.g. %s invite bob, %s accept H)", t0.val, t0.val, t0.val)
			return nil
		case i+1 < len(toks) && userFirst:
			bad = toks[i+1]
		case i+1 < len(toks) && suggest(t0.val, commandNames) == "" && suggest(toks[i+1].val, commandNames) != "":
			bad = toks[i+1]
		}
		w := bad.raw
		if !bad.keyed {
			w = bad.val
		}
		m := fmt.Sprintf("unknown command %q", w)
		if s := suggest(w, commandNames); s != "" {
			m += fmt.Sprintf(" (did you mean %q?)", s)
		}
		p.errorf(tp(bad), "%s; valid commands: %s", m, strings.Join(commandNames, ", "))
		return nil
	}
	c.Name, c.spec = spec.name, spec
	if devTok != nil {
		c.Args = append(c.Args, Arg{Pos: tp(*devTok), Value: devTok.val})
	}
	// Trailing "as NAME".
	var asPos, handlePos Pos
	for j, t := range rest {
		if !t.word("as") {
			continue
		}
		if j == len(rest)-1 {
			p.errorf(tp(t), "missing handle name after as")
			return nil
		}
		if j != len(rest)-2 {
			p.errorf(tp(t), "as NAME must come last on the line")
			return nil
		}
		asPos, handlePos = tp(t), tp(rest[j+1])
		if rest[j+1].keyed {
			p.errorf(handlePos, "invalid handle name %q (want letters, digits, _ or -)", rest[j+1].raw)
			return nil
		}
		c.Handle = rest[j+1].val
		rest = rest[:j]
		break
	}
	for _, t := range rest {
		a := Arg{Pos: tp(t), Value: t.val}
		if t.keyed {
			a.Key = t.key
		}
		c.Args = append(c.Args, a)
	}
	if e := p.validate(c, spec, atPos, asPos, handlePos); e != nil {
		p.add(e)
		return nil
	}
	if spec.name == "users" {
		for _, a := range c.positionals() {
			if e, msg := parseUsers(a.Value); msg == "" {
				p.users = append(p.users, e.items...)
			}
		}
	}
	return c
}

func (p *parser) resolveAt(c *Cmd, t token, pos Pos) *Error {
	s := t.val
	if strings.HasPrefix(s, "-") {
		return &Error{pos, fmt.Sprintf("time %q is negative", t.val)}
	}
	rel := strings.HasPrefix(s, "+")
	if rel {
		s = s[1:]
		if strings.HasPrefix(s, "+") || strings.HasPrefix(s, "-") {
			return &Error{pos, fmt.Sprintf("malformed relative time %q (want e.g. at +50ms)", t.val)}
		}
	}
	d, msg := parseDuration(s)
	if msg != "" {
		return &Error{pos, "at: " + msg}
	}
	if d < 0 {
		return &Error{pos, fmt.Sprintf("time %q is negative", t.val)}
	}
	if rel {
		if !p.haveAt {
			return &Error{pos, fmt.Sprintf("relative time %q needs an earlier at in the file", t.val)}
		}
		if d > math.MaxInt64-p.lastAt {
			return &Error{pos, fmt.Sprintf("time %q overflows", t.val)}
		}
		d += p.lastAt
	}
	p.lastAt, p.haveAt = d, true
	c.At, c.HasAt = d, true
	return nil
}

func (p *parser) validate(c *Cmd, s *cmdSpec, atPos, asPos, handlePos Pos) *Error {
	errAt := func(pos Pos, format string, args ...any) *Error {
		return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
	}
	// world comes first, once.
	if s.name == "world" {
		if p.world != nil {
			return errAt(c.Pos, "world given twice (first at %s)", p.world.Pos)
		}
		if p.first != nil {
			return errAt(c.Pos, "world must be the first command (%s at %s comes before it)", p.first.Name, p.first.Pos)
		}
		p.world = c
	}
	if p.first == nil {
		p.first = c
	}
	// Handle definition first, so later lines do not cascade on an error here.
	if c.Handle != "" {
		if s.as == no {
			return errAt(asPos, "%s does not take as NAME", s.name)
		}
		if !isName(c.Handle) {
			return errAt(handlePos, "invalid handle name %q (want letters, digits, _ or -)", c.Handle)
		}
		if d, ok := p.handles[c.Handle]; ok {
			return errAt(handlePos, "handle %q already defined at %s", c.Handle, d.pos)
		}
		p.handles[c.Handle] = handleDef{pos: handlePos, kind: s.handle}
	} else if s.as == required {
		return errAt(c.Pos, "%s needs a handle: add as NAME at the end (usage: %s)", s.name, s.usage())
	}
	if c.HasAt && s.at == no {
		return errAt(atPos, "%s cannot have an at TIME prefix", s.name)
	}
	if !c.HasAt && s.at == required {
		return errAt(c.Pos, "%s needs an at TIME prefix", s.name)
	}
	// Keys and flags.
	seen := map[string]Pos{}
	var pos []Arg
	for _, a := range c.Args {
		name := a.Key
		switch {
		case a.Key == "" && slices.Contains(s.flags, a.Value):
			name = a.Value
		case a.Key == "":
			pos = append(pos, a)
			continue
		case slices.Contains(s.flags, a.Key):
			if _, err := strconv.ParseBool(a.Value); err != nil {
				return errAt(a.Pos, "%s: flag %s takes true or false, not %q", s.name, a.Key, a.Value)
			}
		case s.anyKeys:
		default:
			ks, ok := s.key(a.Key)
			if !ok {
				return errAt(a.Pos, "%s", unknownKey(s, a.Key))
			}
			if msg := checkValue(ks, a.Value); msg != "" {
				return errAt(a.Pos, "%s: %s: %s", s.name, a.Key, msg)
			}
		}
		if first, dup := seen[name]; dup {
			return errAt(a.Pos, "%s: duplicate %s (first at %s)", s.name, name, first)
		}
		seen[name] = a.Pos
	}
	for _, ks := range s.keys {
		if _, ok := seen[ks.name]; ks.required && !ok {
			return errAt(c.Pos, "%s: missing required %s=%s (usage: %s)", s.name, ks.name, kindUsage[ks.kind], s.usage())
		}
	}
	// Positionals.
	slots := s.pos
	if s.device {
		if len(pos) == 0 { // cannot happen: the device came before the name
			return errAt(c.Pos, "%s: missing DEVICE", s.name)
		}
		if e := p.checkPositional(s, device, pos[0]); e != nil {
			return e
		}
		pos = pos[1:]
	}
	if len(pos) < s.min && len(slots) > 0 {
		return errAt(c.Pos, "%s: missing %s (usage: %s)", s.name, slots[min(len(pos), len(slots)-1)].name, s.usage())
	}
	if !s.rest && len(pos) > len(slots) {
		return errAt(pos[len(slots)].Pos, "%s: unexpected argument %q (usage: %s)", s.name, pos[len(slots)].Value, s.usage())
	}
	for i, a := range pos {
		if len(slots) == 0 {
			break
		}
		if e := p.checkPositional(s, slots[min(i, len(slots)-1)], a); e != nil {
			return e
		}
	}
	if s.check != nil {
		return s.check(p, c)
	}
	return nil
}

func unknownKey(s *cmdSpec, key string) string {
	m := fmt.Sprintf("unknown key %q for %s", key, s.name)
	cands := append(s.keyNames(), s.flags...)
	if g := suggest(key, cands); g != "" {
		m += fmt.Sprintf(" (did you mean %q?)", g)
	}
	switch {
	case len(s.keys) > 0:
		m += "; valid keys: " + strings.Join(s.keyNames(), ", ")
		if len(s.flags) > 0 {
			m += "; flags: " + strings.Join(s.flags, ", ")
		}
	case len(s.flags) > 0:
		m += "; it takes no keys, only the flags " + strings.Join(s.flags, ", ")
	default:
		m += "; it takes no key=value arguments (quote a word that contains =)"
	}
	return m
}

func (p *parser) checkPositional(s *cmdSpec, ps posSpec, a Arg) *Error {
	bad := func(format string, args ...any) *Error {
		return &Error{Pos: a.Pos, Msg: s.name + ": " + fmt.Sprintf(format, args...)}
	}
	v := a.Value
	switch ps.kind {
	case pDevice:
		if _, _, msg := parseDevice(v); msg != "" {
			return bad("%s", msg)
		}
	case pUser:
		if !isName(v) {
			return bad("invalid user name %q (want letters, digits, _ or -)", v)
		}
	case pGroup, pPattern:
		if v == "" {
			return bad("empty %s", ps.name)
		}
	case pNode:
		if _, msg := ParseNode(v); msg != nil {
			return bad("%s", msg.Error())
		}
	case pWord:
		if !slices.Contains(ps.words, v) {
			m := fmt.Sprintf("unknown %s %q", strings.ToLower(ps.name), v)
			if g := suggest(v, ps.words); g != "" {
				m += fmt.Sprintf(" (did you mean %q?)", g)
			}
			return bad("%s; want one of %s", m, strings.Join(ps.words, ", "))
		}
	case pUsers:
		if _, msg := parseUsers(v); msg != "" {
			return bad("%s", msg)
		}
	case pHandle:
		d, ok := p.handles[v]
		if !ok {
			names := slices.Sorted(maps.Keys(p.handles))
			if len(names) == 0 {
				return &Error{Pos: a.Pos, Msg: fmt.Sprintf("unknown handle %q (no handles defined yet; define one with as NAME)", v)}
			}
			return &Error{Pos: a.Pos, Msg: fmt.Sprintf("unknown handle %q (defined: %s)", v, strings.Join(names, ", "))}
		}
		if d.kind != ps.handle {
			return bad("handle %q names %s (defined at %s); %s needs %s", v, article(d.kind), d.pos, s.name, article(ps.handle))
		}
	}
	return nil
}

func article(s string) string {
	if s != "" && strings.ContainsRune("aeiou", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}

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

func checkExpect(p *parser, c *Cmd) *Error {
	if len(c.Args) == 0 {
		return &Error{c.Pos, "expect needs something to check (e.g. expect violations 0)"}
	}
	return nil
}

func checkGenerate(p *parser, c *Cmd) *Error {
	kind, _ := c.Positional(0)
	switch {
	case kind == "group-invites" && !c.Has("group"):
		return &Error{c.Pos, "generate group-invites: missing required group=GROUP"}
	case kind == "invites" && c.Has("group"):
		a, _ := c.arg("group")
		return &Error{a.Pos, "generate invites: group= only applies to group-invites"}
	}
	return nil
}

func checkPartition(p *parser, c *Cmd) *Error {
	_, err := c.sides(false)
	return err
}

// ---------------------------------------------------------------------------
// Values

func isName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

func isPlainNumber(s string) bool {
	s = strings.TrimLeft(s, "+-")
	digits := 0
	dot := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// parseDuration parses Go duration syntax; a bare number is an error that
// asks for a unit (except 0).
func parseDuration(s string) (int64, string) {
	d, err := time.ParseDuration(s)
	if err == nil {
		return int64(d), ""
	}
	if isPlainNumber(s) {
		return 0, fmt.Sprintf("duration %q has no unit; add one (e.g. %ss or %sms)", s, s, s)
	}
	return 0, fmt.Sprintf("invalid duration %q (want e.g. 100ms, 1.5s, 2m)", s)
}

// parseSeconds parses a timeout: a duration of whole seconds, as the API's
// timeout is an integer number of seconds. 500ms would be 0 (never times
// out) and 1.9s would be 1s: both are errors rather than a silent change.
func parseSeconds(s string) (int64, string) {
	d, msg := parseDuration(s)
	switch {
	case msg != "":
		return 0, msg
	case d < 0:
		return 0, fmt.Sprintf("negative duration %q", s)
	case d%int64(time.Second) != 0:
		lo := d / int64(time.Second)
		fix := fmt.Sprintf("write %ds or %ds", lo, lo+1)
		if lo == 0 {
			fix = "write 1s; 0 never times out"
		}
		return 0, fmt.Sprintf("%q is not a whole number of seconds: the API's timeout is an integer number of seconds (%s)", s, fix)
	}
	return d, ""
}

func parseInt(s string) (int64, string) {
	t := s
	if strings.Contains(s, "_") {
		if strings.HasPrefix(s, "_") || strings.HasSuffix(s, "_") || strings.Contains(s, "__") {
			return 0, fmt.Sprintf("invalid integer %q", s)
		}
		t = strings.ReplaceAll(s, "_", "")
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return 0, fmt.Sprintf("invalid integer %q", s)
	}
	return n, ""
}

func parseUint(s string) (uint64, string) {
	n, err := strconv.ParseUint(strings.ReplaceAll(s, "_", ""), 10, 64)
	if err != nil || strings.HasPrefix(s, "_") || strings.HasSuffix(s, "_") || strings.Contains(s, "__") {
		return 0, fmt.Sprintf("invalid unsigned integer %q", s)
	}
	return n, ""
}

func parseFloat(s string) (float64, string) {
	t, pct := strings.CutSuffix(s, "%")
	x, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Sprintf("invalid number %q", s)
	}
	if pct {
		x /= 100
	}
	return x, ""
}

func parseProb(s string) (float64, string) {
	x, msg := parseFloat(s)
	if msg != "" {
		return 0, msg
	}
	if x < 0 || x > 1 {
		return 0, fmt.Sprintf("%q is not a probability in [0,1] (or 0%%..100%%)", s)
	}
	return x, ""
}

// parseRate parses "N/s", "N/100ms", ... into events per second.
func parseRate(s string) (float64, string) {
	num, unit, ok := strings.Cut(s, "/")
	if !ok {
		if isPlainNumber(s) {
			return 0, fmt.Sprintf("rate %q has no unit; add one (e.g. %s/s)", s, s)
		}
		return 0, fmt.Sprintf("invalid rate %q (want e.g. 1000/s)", s)
	}
	x, msg := parseFloat(num)
	if msg != "" || x < 0 || strings.HasSuffix(num, "%") {
		return 0, fmt.Sprintf("invalid rate %q (want e.g. 1000/s)", s)
	}
	if unit != "" && (unit[0] < '0' || unit[0] > '9') && unit[0] != '.' {
		unit = "1" + unit
	}
	d, err := time.ParseDuration(unit)
	if err != nil || d <= 0 {
		return 0, fmt.Sprintf("invalid rate %q (want e.g. 1000/s, 50/100ms)", s)
	}
	r := x * 1e9 / float64(d)
	if math.IsInf(r, 0) {
		return 0, fmt.Sprintf("rate %q is too large", s)
	}
	return r, ""
}

var bandwidthUnits = []struct {
	unit string
	mul  float64 // bytes per second per unit
}{
	{"GiB/s", 1 << 30}, {"MiB/s", 1 << 20}, {"KiB/s", 1 << 10},
	{"GB/s", 1e9}, {"MB/s", 1e6}, {"KB/s", 1e3}, {"kB/s", 1e3}, {"B/s", 1},
	{"Gbps", 1e9 / 8}, {"Mbps", 1e6 / 8}, {"Kbps", 1e3 / 8}, {"kbps", 1e3 / 8}, {"bps", 1.0 / 8},
}

// parseBandwidth parses "10Mbps", "1MB/s", ... into bytes per second; "0" is unlimited.
func parseBandwidth(s string) (int64, string) {
	if s == "0" {
		return 0, ""
	}
	for _, u := range bandwidthUnits {
		num, ok := strings.CutSuffix(s, u.unit)
		if !ok {
			continue
		}
		x, err := strconv.ParseFloat(num, 64)
		if err != nil || math.IsNaN(x) || x < 0 || !isPlainNumber(num) {
			break
		}
		b := math.Round(x * u.mul)
		if b >= math.MaxInt64 {
			return 0, fmt.Sprintf("bandwidth %q is too large", s)
		}
		if b < 1 && x > 0 {
			return 0, fmt.Sprintf("bandwidth %q is below 1 byte per second", s)
		}
		return int64(b), ""
	}
	if isPlainNumber(s) {
		return 0, fmt.Sprintf("bandwidth %q has no unit; add one (e.g. %sMbps or %sKB/s; 0 = unlimited)", s, s, s)
	}
	return 0, fmt.Sprintf("invalid bandwidth %q (want e.g. 10Mbps, 1MB/s, 0 = unlimited)", s)
}

// Weight is one entry of a weights list such as answer=accept:0.5,reject:0.2.
type Weight struct {
	Name string  // e.g. "accept"
	P    float64 // probability in [0,1]
}

func parseWeights(s string) ([]Weight, string) {
	var out []Weight
	sum := 0.0
	for _, e := range strings.Split(s, ",") {
		name, ps, ok := strings.Cut(strings.TrimSpace(e), ":")
		if !ok || !isName(name) {
			return nil, fmt.Sprintf("invalid weight %q (want NAME:P, e.g. accept:0.5)", e)
		}
		x, msg := parseProb(ps)
		if msg != "" {
			return nil, name + ": " + msg
		}
		for _, w := range out {
			if w.Name == name {
				return nil, fmt.Sprintf("%s given twice", name)
			}
		}
		sum += x
		out = append(out, Weight{name, x})
	}
	if sum > 1+1e-9 {
		return nil, fmt.Sprintf("weights add up to %g, more than 1", sum)
	}
	return out, ""
}

var distNames = []string{"const", "constant", "exp", "exponential", "lognormal", "measured", "normal", "pareto", "uniform"}

// checkDist checks the shape of a distribution (a duration or NAME(ARGS));
// the runner parses the arguments.
func checkDist(s string) string {
	open := strings.IndexByte(s, '(')
	if open < 0 {
		d, msg := parseDuration(s)
		if msg != "" {
			return msg + "; or a distribution like uniform(10ms,50ms)"
		}
		if d < 0 {
			return fmt.Sprintf("negative latency %q", s)
		}
		return ""
	}
	name := strings.TrimSpace(s[:open])
	if !slices.Contains(distNames, name) {
		m := fmt.Sprintf("unknown distribution %q", name)
		if g := suggest(name, distNames); g != "" {
			m += fmt.Sprintf(" (did you mean %q?)", g)
		}
		return m + "; want uniform, normal, lognormal, pareto, exp, measured or a duration"
	}
	if !strings.HasSuffix(s, ")") || strings.Count(s, "(") != 1 || strings.Count(s, ")") != 1 {
		return fmt.Sprintf("malformed distribution %q (want e.g. %s(...))", s, name)
	}
	return ""
}

func checkValue(ks keySpec, v string) string {
	var msg string
	switch ks.kind {
	case vName:
		if !isName(v) {
			msg = fmt.Sprintf("invalid user name %q", v)
		}
	case vDur:
		var d int64
		if d, msg = parseDuration(v); msg == "" && d < 0 {
			msg = fmt.Sprintf("negative duration %q", v)
		}
	case vSignedDur:
		_, msg = parseDuration(v)
	case vSecs:
		_, msg = parseSeconds(v)
	case vSize:
		if _, err := sim.ParseSize(v); err != nil {
			msg = err.Error()
		}
	case vCount, vPosInt:
		var n int64
		if n, msg = parseInt(v); msg == "" && n < 0 {
			msg = fmt.Sprintf("negative number %q", v)
		} else if msg == "" && n < 1 && ks.kind == vPosInt {
			msg = fmt.Sprintf("%q must be at least 1", v)
		}
	case vSeed:
		_, msg = parseUint(v)
	case vFloat:
		_, msg = parseFloat(v)
	case vProb:
		_, msg = parseProb(v)
	case vList:
		_, msg = parseList(v)
	case vDist:
		msg = checkDist(v)
	case vBool:
		if _, err := strconv.ParseBool(v); err != nil {
			msg = fmt.Sprintf("want true or false, not %q", v)
		}
	case vRate:
		_, msg = parseRate(v)
	case vWeights:
		_, msg = parseWeights(v)
	case vBandwidth:
		_, msg = parseBandwidth(v)
	case vEnum:
		if !slices.Contains(ks.enum, v) {
			msg = fmt.Sprintf("unknown value %q", v)
			if g := suggest(v, ks.enum); g != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", g)
			}
			msg += "; want " + strings.Join(ks.enum, " or ")
		}
	}
	return msg
}

// listItem is one element of a list: a single word or a numeric range.
type listItem struct {
	word   string
	prefix string
	lo, hi uint64
	width  int
	isRng  bool
}

func (it listItem) count() uint64 {
	if it.isRng {
		return it.hi - it.lo + 1
	}
	return 1
}

func splitDigits(s string) (string, string) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	return s[:i], s[i:]
}

func parseListItem(e string) (listItem, string) {
	a, b, ok := strings.Cut(e, "..")
	if !ok {
		return listItem{word: e}, ""
	}
	pa, da := splitDigits(a)
	pb, db := splitDigits(b)
	if da == "" || db == "" || (pb != "" && pb != pa) {
		return listItem{}, fmt.Sprintf("invalid range %q (want PREFIX1..PREFIX100 or PREFIX1..100, e.g. u1..u100)", e)
	}
	lo, err1 := strconv.ParseUint(da, 10, 64)
	hi, err2 := strconv.ParseUint(db, 10, 64)
	if err1 != nil || err2 != nil {
		return listItem{}, fmt.Sprintf("range %q: number too large", e)
	}
	if hi < lo {
		return listItem{}, fmt.Sprintf("range %q goes backwards", e)
	}
	if hi-lo >= MaxList {
		return listItem{}, fmt.Sprintf("range %q is too large (more than %d names)", e, MaxList)
	}
	it := listItem{prefix: pa, lo: lo, hi: hi, isRng: true}
	if len(da) > 1 && da[0] == '0' {
		it.width = len(da)
	}
	return it, ""
}

// parseList parses a comma-separated list without expanding its ranges.
// An empty string is an empty list.
func parseList(s string) ([]listItem, string) {
	if strings.TrimSpace(s) == "" {
		return nil, ""
	}
	var out []listItem
	var total uint64
	for _, e := range strings.Split(s, ",") {
		e = strings.TrimSpace(e)
		if e == "" {
			return nil, fmt.Sprintf("empty element in list %q", s)
		}
		it, msg := parseListItem(e)
		if msg != "" {
			return nil, msg
		}
		total += it.count()
		if total > MaxList {
			return nil, fmt.Sprintf("list expands to more than %d names", MaxList)
		}
		out = append(out, it)
	}
	return out, ""
}

func expandItems(items []listItem) []string {
	n := uint64(0)
	for _, it := range items {
		n += it.count()
	}
	out := make([]string, 0, n)
	var buf []byte
	for _, it := range items {
		if !it.isRng {
			out = append(out, it.word)
			continue
		}
		for v := it.lo; ; v++ {
			buf = append(buf[:0], it.prefix...)
			d := strconv.AppendUint(nil, v, 10)
			for i := len(d); i < it.width; i++ {
				buf = append(buf, '0')
			}
			buf = append(buf, d...)
			out = append(out, string(buf))
			if v == it.hi {
				break
			}
		}
	}
	return out
}

// ExpandList expands a comma-separated list with numeric ranges:
// "a,u1..u3,x08..x10" is a, u1, u2, u3, x08, x09, x10. Lists and ranges
// longer than MaxList are an error; an empty string is an empty list.
func ExpandList(s string) ([]string, error) {
	items, msg := parseList(s)
	if msg != "" {
		return nil, errors.New(msg)
	}
	return expandItems(items), nil
}

func validDevice(s string) bool {
	_, _, msg := parseDevice(s)
	return msg == ""
}

func parseDevice(s string) (string, int, string) {
	user, n, hasN := strings.Cut(s, "/")
	dev := 1
	if hasN {
		d, err := strconv.Atoi(n)
		if err != nil || d < 1 || d > maxDevices || n[0] == '+' {
			return "", 0, fmt.Sprintf("invalid device number in %q (want USER/N with N ≥ 1)", s)
		}
		dev = d
	}
	if _, ok := shardIndex(user); ok && !hasN {
		return "", 0, fmt.Sprintf("%q is a server shard, not a device", s)
	}
	if !isName(user) {
		return "", 0, fmt.Sprintf("invalid device %q (want USER or USER/N, e.g. alice or alice/2)", s)
	}
	return user, dev, ""
}

func shardIndex(s string) (int, bool) {
	if len(s) < 2 || s[0] != 's' {
		return 0, false
	}
	for _, r := range s[1:] {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s[1:])
	return n, err == nil
}

// Node is the target of a node fault: a server shard (User == "") or a device.
type Node struct {
	Shard  int    // shard index, when User == ""
	User   string // the user, for a device
	Device int    // 1-based device number, for a device
}

// ParseNode parses a node: a shard "s0" or a device "alice", "alice/2".
func ParseNode(s string) (Node, error) {
	if n, ok := shardIndex(s); ok {
		return Node{Shard: n}, nil
	}
	u, d, msg := parseDevice(s)
	if msg != "" {
		return Node{}, fmt.Errorf("invalid node %q (want a shard like s0 or a device like alice, alice/2)", s)
	}
	return Node{User: u, Device: d}, nil
}

// User is one user declared by the users command.
type User struct {
	Name    string
	Devices int // number of devices, ≥ 1
}

func reservedUser(name string) string {
	if _, ok := shardIndex(name); ok {
		return fmt.Sprintf("user name %q is reserved for server shards", name)
	}
	if specs[name] != nil || name == "at" || name == "as" {
		return fmt.Sprintf("user name %q is reserved (it is a keyword)", name)
	}
	return ""
}

type userEntry struct {
	items   []listItem
	devices int
}

func parseUsers(s string) (userEntry, string) {
	var e userEntry
	e.devices = 1
	base := s
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		n, err := strconv.Atoi(s[i+1:])
		if err != nil || n < 1 || n > maxDevices || s[i+1] == '+' {
			return e, fmt.Sprintf("invalid device count in %q (want NAME/N with N ≥ 1)", s)
		}
		base, e.devices = s[:i], n
	}
	items, msg := parseList(base)
	if msg != "" {
		return e, msg
	}
	if len(items) == 0 {
		return e, fmt.Sprintf("empty user list %q", s)
	}
	for _, it := range items {
		name := it.word
		if it.isRng {
			if it.prefix != "" && !isName(it.prefix) {
				return e, fmt.Sprintf("invalid user name prefix %q (want letters, digits, _ or -)", it.prefix)
			}
			if it.prefix == "s" {
				return e, fmt.Sprintf("user names s0, s1, ... are reserved for server shards (range %s..)", it.prefix)
			}
			continue
		}
		if !isName(name) {
			return e, fmt.Sprintf("invalid user name %q (want letters, digits, _ or -)", name)
		}
		if m := reservedUser(name); m != "" {
			return e, m
		}
	}
	e.items = items
	return e, ""
}

// ---------------------------------------------------------------------------
// Suggestions

// osa is the optimal string alignment distance (Levenshtein plus adjacent
// transpositions) between a and b.
func osa(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}

// suggest returns the candidate closest to word, if close enough: 1 edit
// for words of 2-4 letters, 2 for longer ones; ties go to the first candidate.
func suggest(word string, cands []string) string {
	n := utf8.RuneCountInString(word)
	if n < 2 || n > 64 {
		return ""
	}
	limit := 1
	if n >= 5 {
		limit = 2
	}
	best, bd := "", limit+1
	for _, c := range cands {
		if d := osa(word, c); d < bd && d > 0 {
			best, bd = c, d
		}
	}
	return best
}

// ---------------------------------------------------------------------------
// Accessors

func (c *Cmd) isFlag(a Arg) bool {
	return a.Key == "" && c.spec != nil && slices.Contains(c.spec.flags, a.Value)
}

func (c *Cmd) positionals() []Arg {
	var out []Arg
	for _, a := range c.Args {
		if a.Key == "" && !c.isFlag(a) {
			out = append(out, a)
		}
	}
	return out
}

func (c *Cmd) arg(key string) (Arg, bool) {
	for _, a := range c.Args {
		if a.Key == key {
			return a, true
		}
	}
	return Arg{}, false
}

func (c *Cmd) argErr(a Arg, what, msg string) error {
	return &Error{Pos: a.Pos, Msg: c.Name + ": " + what + ": " + msg}
}

// Errorf returns an error at the command's position.
func (c *Cmd) Errorf(format string, args ...any) *Error {
	return &Error{Pos: c.Pos, Msg: fmt.Sprintf(format, args...)}
}

// NPositional returns the number of positional arguments (device included,
// flag words excluded).
func (c *Cmd) NPositional() int { return len(c.positionals()) }

// Positional returns positional argument i (0 is the device of a device
// operation); flag words are skipped.
func (c *Cmd) Positional(i int) (string, error) {
	ps := c.positionals()
	if i < 0 || i >= len(ps) {
		return "", c.Errorf("%s: missing argument %d", c.Name, i+1)
	}
	return ps[i].Value, nil
}

// PositionalDur returns positional argument i as a duration in ns.
func (c *Cmd) PositionalDur(i int) (int64, error) {
	ps := c.positionals()
	if i < 0 || i >= len(ps) {
		return 0, c.Errorf("%s: missing argument %d", c.Name, i+1)
	}
	d, msg := parseDuration(ps[i].Value)
	if msg != "" {
		return 0, c.argErr(ps[i], "argument "+strconv.Itoa(i+1), msg)
	}
	return d, nil
}

// Device returns positional argument i as a device: user and 1-based number.
func (c *Cmd) Device(i int) (string, int, error) {
	ps := c.positionals()
	if i < 0 || i >= len(ps) {
		return "", 0, c.Errorf("%s: missing device", c.Name)
	}
	u, d, msg := parseDevice(ps[i].Value)
	if msg != "" {
		return "", 0, c.argErr(ps[i], "device", msg)
	}
	return u, d, nil
}

// Node returns positional argument i as a node (a shard or a device).
func (c *Cmd) Node(i int) (Node, error) {
	ps := c.positionals()
	if i < 0 || i >= len(ps) {
		return Node{}, c.Errorf("%s: missing node", c.Name)
	}
	n, err := ParseNode(ps[i].Value)
	if err != nil {
		return Node{}, c.argErr(ps[i], "node", err.Error())
	}
	return n, nil
}

// Users returns the users declared by a users command, ranges expanded.
func (c *Cmd) Users() ([]User, error) {
	var out []User
	var total uint64
	for _, a := range c.positionals() {
		e, msg := parseUsers(a.Value)
		if msg != "" {
			return nil, c.argErr(a, "users", msg)
		}
		for _, it := range e.items {
			total += it.count()
		}
		if total > MaxList {
			return nil, c.argErr(a, "users", fmt.Sprintf("more than %d users", MaxList))
		}
		for _, n := range expandItems(e.items) {
			out = append(out, User{Name: n, Devices: e.devices})
		}
	}
	return out, nil
}

// Sides returns the sides of a partition command ("a,b | s0"), expanded.
func (c *Cmd) Sides() ([][]string, error) {
	s, err := c.sides(true)
	if err != nil {
		return nil, err
	}
	return s, nil
}

func (c *Cmd) sides(expand bool) ([][]string, *Error) {
	var out [][]string
	var cur []Arg
	var bar Arg
	flush := func() *Error {
		if len(cur) == 0 {
			return &Error{bar.Pos, c.Name + ": empty side (want SIDE | SIDE, e.g. alice,bob | s0)"}
		}
		if len(cur) > 1 {
			return &Error{cur[1].Pos, c.Name + ": a side is one comma-separated list; put | between sides"}
		}
		a := cur[0]
		if strings.Contains(a.Value, "|") {
			return &Error{a.Pos, c.Name + ": put spaces around |"}
		}
		items, msg := parseList(a.Value)
		if msg == "" && len(items) == 0 {
			msg = "empty side"
		}
		for _, it := range items {
			if msg != "" {
				break
			}
			if !it.isRng {
				if _, err := ParseNode(it.word); err != nil {
					msg = err.Error()
				}
			}
		}
		if msg != "" {
			return &Error{a.Pos, c.Name + ": " + msg}
		}
		if expand {
			out = append(out, expandItems(items))
		} else {
			out = append(out, nil)
		}
		cur = nil
		return nil
	}
	ps := c.positionals()
	bar = Arg{Pos: c.Pos}
	for _, a := range ps {
		if a.Value == "|" {
			if e := flush(); e != nil {
				return nil, e
			}
			bar = a
			continue
		}
		cur = append(cur, a)
	}
	if e := flush(); e != nil {
		return nil, e
	}
	if len(out) < 2 {
		return nil, c.Errorf("%s needs two or more sides separated by | (e.g. partition alice,bob | s0)", c.Name)
	}
	return out, nil
}

// Has reports whether key was given as key=value, or as a flag word.
func (c *Cmd) Has(key string) bool {
	for _, a := range c.Args {
		if a.Key == key || (a.Key == "" && a.Value == key && c.isFlag(a)) {
			return true
		}
	}
	return false
}

// Str returns the value of key, or def if absent.
func (c *Cmd) Str(key, def string) string {
	if a, ok := c.arg(key); ok {
		return a.Value
	}
	return def
}

// Dur returns the value of key as a duration in ns, or def if absent.
func (c *Cmd) Dur(key string, def int64) (int64, error) {
	a, ok := c.arg(key)
	if !ok {
		return def, nil
	}
	d, msg := parseDuration(a.Value)
	if msg != "" {
		return 0, c.argErr(a, key, msg)
	}
	return d, nil
}

// Size returns the value of key as a memory size in bytes ("16GiB"), or def.
func (c *Cmd) Size(key string, def int64) (int64, error) {
	a, ok := c.arg(key)
	if !ok {
		return def, nil
	}
	n, err := sim.ParseSize(a.Value)
	if err != nil {
		return 0, c.argErr(a, key, err.Error())
	}
	return n, nil
}

// Int returns the value of key as an integer (underscores allowed), or def.
func (c *Cmd) Int(key string, def int64) (int64, error) {
	a, ok := c.arg(key)
	if !ok {
		return def, nil
	}
	n, msg := parseInt(a.Value)
	if msg != "" {
		return 0, c.argErr(a, key, msg)
	}
	return n, nil
}

// Uint returns the value of key as an unsigned 64-bit integer (e.g. a seed), or def.
func (c *Cmd) Uint(key string, def uint64) (uint64, error) {
	a, ok := c.arg(key)
	if !ok {
		return def, nil
	}
	n, msg := parseUint(a.Value)
	if msg != "" {
		return 0, c.argErr(a, key, msg)
	}
	return n, nil
}

// Float returns the value of key as a float ("50%" is 0.5), or def.
func (c *Cmd) Float(key string, def float64) (float64, error) {
	a, ok := c.arg(key)
	if !ok {
		return def, nil
	}
	x, msg := parseFloat(a.Value)
	if msg != "" {
		return 0, c.argErr(a, key, msg)
	}
	return x, nil
}

// Rate returns the value of key ("1000/s", "50/100ms") in events per second, or def.
func (c *Cmd) Rate(key string, def float64) (float64, error) {
	a, ok := c.arg(key)
	if !ok {
		return def, nil
	}
	x, msg := parseRate(a.Value)
	if msg != "" {
		return 0, c.argErr(a, key, msg)
	}
	return x, nil
}

// Bandwidth returns the value of key ("10Mbps", "1MB/s") in bytes per
// second (0 = unlimited), or def.
func (c *Cmd) Bandwidth(key string, def int64) (int64, error) {
	a, ok := c.arg(key)
	if !ok {
		return def, nil
	}
	x, msg := parseBandwidth(a.Value)
	if msg != "" {
		return 0, c.argErr(a, key, msg)
	}
	return x, nil
}

// Weights returns the value of key ("accept:0.5,reject:0.2") in order, or nil if absent.
func (c *Cmd) Weights(key string) ([]Weight, error) {
	a, ok := c.arg(key)
	if !ok {
		return nil, nil
	}
	w, msg := parseWeights(a.Value)
	if msg != "" {
		return nil, c.argErr(a, key, msg)
	}
	return w, nil
}

// Bool reports whether the flag key is set: present as a flag word, or key=true.
func (c *Cmd) Bool(key string) bool {
	for _, a := range c.Args {
		if a.Key == "" && a.Value == key && (c.spec == nil || c.isFlag(a)) {
			return true
		}
		if a.Key == key {
			b, _ := strconv.ParseBool(a.Value)
			return b
		}
	}
	return false
}

// List returns the value of key as a list with ranges expanded, or nil if absent.
func (c *Cmd) List(key string) ([]string, error) {
	a, ok := c.arg(key)
	if !ok {
		return nil, nil
	}
	l, err := ExpandList(a.Value)
	if err != nil {
		return nil, c.argErr(a, key, err.Error())
	}
	return l, nil
}

// String returns the command in canonical form (absolute time, values
// quoted where needed); Raw is the line as written.
func (c *Cmd) String() string {
	var b []string
	if c.HasAt {
		b = append(b, "at", time.Duration(c.At).String())
	}
	args := c.Args
	dev := c.spec != nil && c.spec.device && len(args) > 0 && args[0].Key == ""
	if dev {
		b = append(b, quoteWord(args[0].Value, true))
		args = args[1:]
	}
	b = append(b, c.Name)
	for _, a := range args {
		if a.Key == "" {
			b = append(b, quoteWord(a.Value, true))
		} else {
			b = append(b, a.Key+"="+quoteWord(a.Value, false))
		}
	}
	if c.Handle != "" {
		b = append(b, "as", c.Handle)
	}
	return strings.Join(b, " ")
}

func quoteWord(s string, positional bool) string {
	need := s == "" && positional
	for _, r := range s {
		if unicode.IsSpace(r) || r == '"' || !unicode.IsPrint(r) {
			need = true
			break
		}
	}
	if positional && (s == "as" || strings.HasPrefix(s, "#") || strings.IndexByte(s, '=') > 0) {
		need = true
	}
	if need {
		return strconv.Quote(s)
	}
	return s
}

// ---------------------------------------------------------------------------
// Format

type writer struct {
	b       []byte
	def     string
	pending bool // the last line had no terminator: add one before more text
}

func (w *writer) line(text, eol string) {
	if w.pending {
		w.b = append(w.b, w.def...)
	}
	w.b = append(w.b, text...)
	w.b = append(w.b, eol...)
	w.pending = eol == ""
}

func (f *File) eol(line int) string {
	if line >= 1 && line <= len(f.eols) {
		return f.eols[line-1]
	}
	if len(f.eols) > 0 && f.eols[0] == "\r\n" {
		return "\r\n"
	}
	return "\n"
}

// needsLong reports whether output lines need the ----/---- form.
func needsLong(lines []string) bool {
	if len(lines) > 0 && lines[0] == "----" {
		return true
	}
	return slices.ContainsFunc(lines, isBlank)
}

// Format re-emits the file exactly as parsed, replacing the expected output
// of the blocks in outputs (a block without ---- gets one; output strings
// may hold several lines). Output with blank lines is written in the
// ----/---- long form. Format(nil) reproduces the parsed source byte for byte.
func (f *File) Format(outputs map[*Block][]string) []byte {
	def := f.eol(0)
	w := &writer{def: def}
	for idx, it := range f.Items {
		switch {
		case it.Block != nil:
			b := it.Block
			for _, c := range b.Cmds {
				raw := c.Raw
				if raw == "" {
					raw = c.String()
				}
				w.line(raw, f.eol(c.Pos.Line))
			}
			if out, ok := outputs[b]; ok {
				var lines []string
				for _, o := range out {
					for _, l := range strings.Split(o, "\n") {
						lines = append(lines, strings.TrimSuffix(l, "\r"))
					}
				}
				long := needsLong(lines)
				w.line("----", def)
				if long {
					w.line("----", def)
				}
				for _, l := range lines {
					w.line(l, def)
				}
				if long {
					w.line("----", def)
					w.line("----", def)
				}
				if idx+1 < len(f.Items) && !f.Items[idx+1].Blank {
					w.line("", def)
				}
			} else if b.HasExpected {
				w.line("----", f.eol(b.sep))
				if b.long {
					w.line("----", f.eol(b.sep+1))
				}
				for i, l := range b.Expected {
					w.line(l, f.eol(b.ExpectedLine+i))
				}
				if b.long {
					end := b.ExpectedLine + len(b.Expected)
					w.line("----", f.eol(end))
					w.line("----", f.eol(end+1))
				}
				if idx+1 < len(f.Items) && !f.Items[idx+1].Blank && b.sep == 0 {
					w.line("", def)
				}
			}
		case it.Blank:
			w.line(it.raw, f.eol(it.line))
		default:
			w.line(it.Comment, f.eol(it.line))
		}
	}
	return w.b
}
