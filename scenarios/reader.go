// The file reader: blocks of command lines, their expected output (short
// and ----/---- long form), comments and the description.

package scenarios

import (
	"slices"
	"strings"
	"unicode"
)

// Parse parses and validates a scenario file. On failure it returns the
// first error as an *Error, or an ErrorList of up to 10 errors.
func Parse(name string, src []byte) (*File, error) {
	p := &parser{file: name, handles: map[string]handleDef{}, groups: map[string]Pos{}, released: map[string]Pos{}}
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
	if err := p.errs.Err(); err != nil {
		return nil, err
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
