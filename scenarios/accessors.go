// Accessors: a command's arguments as typed values, for the runner, and
// its canonical form.

package scenarios

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"sigsim/engine"
	"sigsim/sim"
)

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

// PositionalDur returns positional argument i as a duration.
func (c *Cmd) PositionalDur(i int) (time.Duration, error) {
	ps := c.positionals()
	if i < 0 || i >= len(ps) {
		return 0, c.Errorf("%s: missing argument %d", c.Name, i+1)
	}
	d, msg := parseDuration(ps[i].Value)
	if msg != "" {
		return 0, c.argErr(ps[i], "argument "+strconv.Itoa(i+1), msg)
	}
	return time.Duration(d), nil
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
		if a.Value == "*" { // every node on no other side
			out = append(out, []string{"*"})
			cur = nil
			return nil
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

// Dur returns the value of key as a duration, or def if absent.
func (c *Cmd) Dur(key string, def time.Duration) (time.Duration, error) {
	a, ok := c.arg(key)
	if !ok {
		return def, nil
	}
	d, msg := parseDuration(a.Value)
	if msg != "" {
		return 0, c.argErr(a, key, msg)
	}
	return time.Duration(d), nil
}

// Time returns the value of key, a duration since the start of the run, as a
// virtual time, or def if absent.
func (c *Cmd) Time(key string, def engine.Time) (engine.Time, error) {
	d, err := c.Dur(key, time.Duration(def))
	return engine.Time(d), err
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
