package scenarios

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"sigsim/engine"
)

// TestLanguageDoc checks LANGUAGE.md against the schema: every command has
// a section whose synopsis is the parser's, and an example using it; all
// examples together parse, and every full example file parses.
func TestLanguageDoc(t *testing.T) {
	doc, err := os.ReadFile("LANGUAGE.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(doc), "\n")
	var examples []string
	section := map[int]string{} // line in examples file -> section command
	synopsis := map[string]string{}
	cur, fence := "", ""
	var full []string
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case fence != "" && l == "```":
			if fence == "scenario" {
				if _, err := Parse("LANGUAGE.md", []byte(strings.Join(full, "\n")+"\n")); err != nil {
					t.Errorf("full example: %v", err)
				}
				full = nil
			}
			fence = ""
		case fence == "sig":
			examples = append(examples, l)
			section[len(examples)] = cur
		case fence == "scenario":
			full = append(full, l)
		case fence != "":
		case strings.HasPrefix(l, "```"):
			fence = strings.TrimPrefix(strings.TrimSpace(l), "```")
			if fence == "" {
				fence = "other"
			}
		case strings.HasPrefix(l, "### "):
			cur = strings.TrimPrefix(l, "### ")
			if i+1 < len(lines) {
				synopsis[cur] = strings.Trim(lines[i+1], "`")
			}
		}
	}
	f, err := Parse("examples", []byte(strings.Join(examples, "\n")+"\n"))
	if err != nil {
		t.Fatalf("examples: %v", err)
	}
	used := map[string]bool{}
	for _, c := range f.cmds() {
		if section[c.Pos.Line] == c.Name {
			used[c.Name] = true
		}
	}
	for _, s := range commands {
		syn, ok := synopsis[s.name]
		if !ok {
			t.Errorf("LANGUAGE.md: no section for %s", s.name)
			continue
		}
		if syn != s.usage() {
			t.Errorf("LANGUAGE.md: synopsis of %s:\n doc    %s\n parser %s", s.name, syn, s.usage())
		}
		if !used[s.name] {
			t.Errorf("LANGUAGE.md: no example of %s in its section", s.name)
		}
	}
	for name := range synopsis {
		if specs[name] == nil {
			t.Errorf("LANGUAGE.md documents unknown command %s", name)
		}
	}
}

// TestCommandTable checks the table's entries are whole: unique names, a
// synopsis, and either an exec function or a part in setup; a setup command
// never runs at a time, so it takes neither at TIME nor as NAME.
func TestCommandTable(t *testing.T) {
	if len(specs) != len(commands) {
		t.Errorf("%d commands but %d names: a name is given twice", len(commands), len(specs))
	}
	if !slices.IsSorted(commandNames) || len(commandNames) != len(commands) {
		t.Errorf("commandNames %v", commandNames)
	}
	for _, s := range commands {
		if s.usage() == "" || !strings.Contains(s.usage(), s.name) {
			t.Errorf("%s: synopsis %q", s.name, s.usage())
		}
		if s.min > len(s.pos) || s.rest && len(s.pos) == 0 {
			t.Errorf("%s: min=%d rest=%v with %d slots", s.name, s.min, s.rest, len(s.pos))
		}
		if (s.as == no) != (s.handle == "") {
			t.Errorf("%s: as NAME and the handle kind go together", s.name)
		}
		if s.exec != nil {
			continue
		}
		if s.scan == nil && s.build == nil {
			t.Errorf("%s: no exec function and no part in setup: it would do nothing", s.name)
		}
		if s.at != no || s.as != no || s.device {
			t.Errorf("%s: a setup command takes no at TIME, as NAME or device", s.name)
		}
	}
}

// withCommand adds s to the table for the test.
func withCommand(t *testing.T, s *cmdSpec) {
	saved, savedNames, savedOps := commands, commandNames, deviceOps
	commands = append(slices.Clone(commands), s)
	specs[s.name] = s
	commandNames = slices.Sorted(slices.Values(append(slices.Clone(commandNames), s.name)))
	if s.device {
		deviceOps = slices.Sorted(slices.Values(append(slices.Clone(deviceOps), s.name)))
	}
	t.Cleanup(func() {
		commands, commandNames, deviceOps = saved, savedNames, savedOps
		delete(specs, s.name)
	})
}

// TestAddingACommandIsOneEntry adds a command to the table and nothing else:
// the parser checks its arguments against the entry, the reference check
// finds its misspelt users, and the runner runs it at its time.
func TestAddingACommandIsOneEntry(t *testing.T) {
	var ran []engine.Time
	withCommand(t, &cmdSpec{name: "ping", device: true, at: optional,
		keys: []keySpec{req("to", vUsers), k("n", vCount)},
		exec: func(r *runner, c *Cmd) {
			d := r.device(c, 0)
			to, _ := c.List("to")
			n, _ := c.Int("n", 1)
			ran = append(ran, r.w.Now())
			*r.out = append(*r.out, fmt.Sprintf("%s pings %s %d times", d.Name, strings.Join(to, ","), n))
		}})
	f := mustParse(t, "world seed=1\nusers alice bob\nat 50ms alice ping to=bob n=2\nrun 1s\n")
	res, err := Run(f, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ran, []engine.Time{engine.Time(50 * time.Millisecond)}) {
		t.Errorf("ping ran at %v, want once at 50ms", ran)
	}
	if out := res.Outputs[f.Items[0].Block]; !slices.Contains(out, "alice/1 pings bob 2 times") {
		t.Errorf("output %q", out)
	}

	for _, tt := range []struct{ src, want string }{
		{"users alice bob\nalice ping\n", "p.sig:2:1: ping: missing required to=LIST (usage: [at TIME] DEVICE ping to=LIST [n=N])"},
		{"users alice bob\nalice ping to=bob n=-1\n", `p.sig:2:19: ping: n: negative number "-1"`},
		{"users alice bob\nping alice to=bob\n", `p.sig:2:1: ping is a device operation: write the device first, e.g. "alice ping"`},
		{"users alice bob\nalice pong to=bob\n", `p.sig:2:7: unknown command "pong" (did you mean "ping"?)`},
		{"users alice bob\nalice ping to=bobb\nrun 1s\n", `p.sig:2:12: ping: to: unknown user "bobb" (did you mean "bob"?); declare it with users`},
		{"users alice bob\ncarol ping to=bob\nrun 1s\n", `p.sig:2:1: ping: unknown device carol/1 (declare it with users)`},
	} {
		f, err := Parse("p.sig", []byte(tt.src))
		if err == nil {
			_, err = Run(f, RunOptions{})
		}
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%q:\n got %v\nwant %s", tt.src, err, tt.want)
		}
	}
}
