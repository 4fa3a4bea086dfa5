package scenarios

import (
	"errors"
	"reflect"
	"slices"
	"testing"
)

func TestQuoting(t *testing.T) {
	c := lastCmd(t, `alice invite bob data="room=42 x" push="a\"b\\c\t\u00e9" as c1`)
	if c.Str("data", "") != "room=42 x" || c.Str("push", "") != "a\"b\\c\té" || c.Handle != "c1" {
		t.Errorf("values %q %q", c.Str("data", ""), c.Str("push", ""))
	}
	c = lastCmd(t, `alice invite bob data=pre"mid dle"post`)
	if c.Str("data", "") != "premid dlepost" {
		t.Errorf("mixed %q", c.Str("data", ""))
	}
	c = lastCmd(t, `hold "a=b" as h`)
	if p0, _ := c.Positional(0); p0 != "a=b" || c.Handle != "h" {
		t.Errorf("hold %+v", c.Args)
	}
	c = lastCmd(t, `show trace "as" filter=""`)
	if p1, _ := c.Positional(1); p1 != "as" || c.NPositional() != 2 || !c.Has("filter") || c.Str("filter", "d") != "" {
		t.Errorf("show %+v", c.Args)
	}
	if c.String() != `show trace "as" filter=` {
		t.Errorf("String %q", c.String())
	}
}

func TestRanges(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  string
	}{
		{"u1..u3", []string{"u1", "u2", "u3"}, ""},
		{"u1..3,a", []string{"u1", "u2", "u3", "a"}, ""},
		{"u08..u11", []string{"u08", "u09", "u10", "u11"}, ""},
		{"u001..u003", []string{"u001", "u002", "u003"}, ""},
		{"7..9", []string{"7", "8", "9"}, ""},
		{"a, b ,c", []string{"a", "b", "c"}, ""},
		{"x9..x10", []string{"x9", "x10"}, ""},
		{"u5..u5", []string{"u5"}, ""},
		{"", nil, ""},
		{"u1..u10000000", nil, ""},
		{"u0..u10000000", nil, `range "u0..u10000000" is too large (more than 10000000 names)`},
		{"u1..u5000000,v1..v5000001", nil, "list expands to more than 10000000 names"},
		{"u3..u1", nil, `range "u3..u1" goes backwards`},
		{"u1..v3", nil, `invalid range "u1..v3" (want PREFIX1..PREFIX100 or PREFIX1..100, e.g. u1..u100)`},
		{"u..u3", nil, `invalid range "u..u3" (want PREFIX1..PREFIX100 or PREFIX1..100, e.g. u1..u100)`},
		{"a,,b", nil, `empty element in list "a,,b"`},
		{"u1..u99999999999999999999", nil, `range "u1..u99999999999999999999": number too large`},
	}
	for _, tt := range tests {
		if tt.in == "u1..u10000000" { // the limit itself is allowed (counted, not expanded here)
			if items, msg := parseList(tt.in); msg != "" || items[0].count() != MaxList {
				t.Errorf("limit: %v %s", items, msg)
			}
			continue
		}
		got, err := ExpandList(tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ExpandList(%q) error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ExpandList(%q): %v", tt.in, err)
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("ExpandList(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	c := lastCmd(t, prelude+"users u01..u12/3 v\n")
	us, err := c.Users()
	if err != nil || len(us) != 13 || us[0] != (User{"u01", 3}) || us[11] != (User{"u12", 3}) || us[12] != (User{"v", 1}) {
		t.Errorf("Users() = %v, %v", us, err)
	}
}

func TestAccessors(t *testing.T) {
	c := lastCmd(t, prelude+"generate invites count=12 from=u1..u3,x rate=50/100ms start=1.5s answer=accept:0.5,reject:25% online-only\n")
	if n, err := c.Int("count", 0); n != 12 || err != nil {
		t.Errorf("Int %d %v", n, err)
	}
	if n, err := c.Int("missing", 7); n != 7 || err != nil {
		t.Errorf("Int default %d %v", n, err)
	}
	if l, err := c.List("from"); !slices.Equal(l, []string{"u1", "u2", "u3", "x"}) || err != nil {
		t.Errorf("List %q %v", l, err)
	}
	if l, err := c.List("to"); l != nil || err != nil {
		t.Errorf("List absent %q %v", l, err)
	}
	if r, err := c.Rate("rate", 0); r != 500 || err != nil {
		t.Errorf("Rate %v %v", r, err)
	}
	if d, err := c.Dur("start", 0); d != 1.5e9 || err != nil {
		t.Errorf("Dur %v %v", d, err)
	}
	if w, err := c.Weights("answer"); !reflect.DeepEqual(w, []Weight{{"accept", 0.5}, {"reject", 0.25}}) || err != nil {
		t.Errorf("Weights %v %v", w, err)
	}
	if !c.Bool("online-only") || !c.Has("online-only") || c.Bool("count") || c.Has("nope") {
		t.Error("Bool/Has")
	}
	if c.NPositional() != 1 {
		t.Errorf("NPositional %d (the flag must not count)", c.NPositional())
	}
	if _, err := c.Positional(1); err == nil || err.Error() != "t.sig:6:1: generate: missing argument 2" {
		t.Errorf("Positional(1) error %v", err)
	}

	w := lastCmd(t, "world seed=18446744073709551615 loss=2% bandwidth=10Mbps\n")
	if s, err := w.Uint("seed", 0); s != 1<<64-1 || err != nil {
		t.Errorf("Uint %v %v", s, err)
	}
	if x, err := w.Float("loss", 0); x != 0.02 || err != nil {
		t.Errorf("Float %v %v", x, err)
	}
	if b, err := w.Bandwidth("bandwidth", 0); b != 1_250_000 || err != nil {
		t.Errorf("Bandwidth %v %v", b, err)
	}

	d := lastCmd(t, prelude+"carol/2 invite bob online-only=false\n")
	if u, n, err := d.Device(0); u != "carol" || n != 2 || err != nil {
		t.Errorf("Device %v %v %v", u, n, err)
	}
	if d.Bool("online-only") || !d.Has("online-only") {
		t.Error("online-only=false")
	}
	if n, err := lastCmd(t, "crash s3\n").Node(0); n != (Node{Shard: 3}) || err != nil {
		t.Errorf("Node %v %v", n, err)
	}
	if n, err := lastCmd(t, "crash bob/2\n").Node(0); n != (Node{User: "bob", Device: 2}) || err != nil {
		t.Errorf("Node %v %v", n, err)
	}
	if d, err := lastCmd(t, "run 1m\n").PositionalDur(0); d != 60e9 || err != nil {
		t.Errorf("PositionalDur %v %v", d, err)
	}
	sides, err := lastCmd(t, "partition a,u1..u2 | s0 | b/2\n").Sides()
	if err != nil || !reflect.DeepEqual(sides, [][]string{{"a", "u1", "u2"}, {"s0"}, {"b/2"}}) {
		t.Errorf("Sides %q %v", sides, err)
	}
	if e := d.Errorf("boom %d", 3); e.Error() != "t.sig:6:1: boom 3" {
		t.Errorf("Errorf %v", e)
	}

	// Bad values (built by hand: the parser would reject them) give errors
	// at the argument's position.
	p := Pos{"h.sig", 2, 9}
	bad := &Cmd{Pos: Pos{"h.sig", 2, 1}, Name: "x", Args: []Arg{
		{p, "d", "30"}, {p, "i", "1.5"}, {p, "f", "abc"}, {p, "l", "u3..u1"}, {p, "b", "maybe"},
		{p, "r", "100"}, {p, "bw", "100"}, {p, "w", "accept:2"}, {p, "u", "-1"}, {p, "", "alice/0"},
	}}
	checks := []struct {
		err  error
		want string
	}{
		{second(bad.Dur("d", 0)), `h.sig:2:9: x: d: duration "30" has no unit; add one (e.g. 30s or 30ms)`},
		{second(bad.Int("i", 0)), `h.sig:2:9: x: i: invalid integer "1.5"`},
		{second(bad.Float("f", 0)), `h.sig:2:9: x: f: invalid number "abc"`},
		{second(bad.List("l")), `h.sig:2:9: x: l: range "u3..u1" goes backwards`},
		{second(bad.Rate("r", 0)), `h.sig:2:9: x: r: rate "100" has no unit; add one (e.g. 100/s)`},
		{second(bad.Bandwidth("bw", 0)), `h.sig:2:9: x: bw: bandwidth "100" has no unit; add one (e.g. 100Mbps or 100KB/s; 0 = unlimited)`},
		{second(bad.Weights("w")), `h.sig:2:9: x: w: accept: "2" is not a probability in [0,1] (or 0%..100%)`},
		{second(bad.Uint("u", 0)), `h.sig:2:9: x: u: invalid unsigned integer "-1"`},
		{third(bad.Device(0)), `h.sig:2:9: x: device: invalid device number in "alice/0" (want USER/N with N ≥ 1)`},
		{second(bad.Node(0)), `h.sig:2:9: x: node: invalid node "alice/0" (want a shard like s0, a room node like r0 or a device like alice, alice/2)`},
		{second(bad.Positional(5)), `h.sig:2:1: x: missing argument 6`},
	}
	for _, ck := range checks {
		var pe *Error
		if ck.err == nil || ck.err.Error() != ck.want || !errors.As(ck.err, &pe) {
			t.Errorf("got %v\nwant %s", ck.err, ck.want)
		}
	}
	if bad.Bool("b") {
		t.Error("Bool(maybe)")
	}
}

func second[T any](_ T, err error) error        { return err }
func third[T, U any](_ T, _ U, err error) error { return err }

func TestSuggest(t *testing.T) {
	tests := []struct{ word, want string }{
		{"invit", "invite"}, {"acept", "accept"}, {"cancle", "cancel"}, {"hael", "heal"},
		{"rn", "run"}, {"x", ""}, {"zzzzzz", ""}, {"invite-grop", "invite-group"}, {"worlds", "world"},
	}
	for _, tt := range tests {
		if got := suggest(tt.word, commandNames); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
	if d := osa("ca", "ac"); d != 1 {
		t.Errorf("osa transposition %d", d)
	}
}
