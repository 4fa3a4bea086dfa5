// One command line against the schema: the command name, at TIME, the
// device, as NAME, then every argument checked against the command's spec.

package scenarios

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"sigsim/engine"
)

type handleDef struct {
	pos  Pos
	kind string
}

type parser struct {
	file    string
	errs    ErrorList
	handles map[string]handleDef
	lastAt  engine.Time
	haveAt  bool
	first   *Cmd       // first command of the file
	header  *Cmd       // the command that must come first (world), once seen
	users   []listItem // the users declared so far (ranges unexpanded)

	groups   map[string]Pos // group ID → its group line's ID
	released map[string]Pos // hold handle → its release
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
		c.atPos = tp(toks[1])
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
	n, msg := parseDuration(s)
	if msg != "" {
		return &Error{pos, "at: " + msg}
	}
	d := engine.Time(n)
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
	// A command marked first (world) comes first, once.
	if s.first {
		if p.header != nil {
			return errAt(c.Pos, "%s given twice (first at %s)", s.name, p.header.Pos)
		}
		if p.first != nil {
			return errAt(c.Pos, "%s must be the first command (%s at %s comes before it)", s.name, p.first.Name, p.first.Pos)
		}
		p.header = c
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
	if to, ok := s.renamed[key]; ok {
		return fmt.Sprintf("%s= is now %s= (one name everywhere: scripts, sigbench's flags, run headers)", key, to)
	}
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
		if v == "*" && ps.all {
			break
		}
		if _, _, msg := parseDevice(v); msg != "" {
			return bad("%s", msg)
		}
	case pUser:
		if !isName(v) {
			return bad("invalid user name %q (want letters, digits, _ or -)", v)
		}
	case pGroup, pPattern, pRoom:
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
