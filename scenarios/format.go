// Format: the file re-emitted byte for byte, expected outputs replaced.

package scenarios

import (
	"slices"
	"strings"
)

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
