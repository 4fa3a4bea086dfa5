// The lexer of a command line: whitespace-separated words, key=value,
// Go-style quoted strings, and quoting back for the canonical form.

package scenarios

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

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
