// The line scanner: source lines with their terminators, blank and
// comment lines.

package scenarios

import (
	"strings"
	"unicode"
)

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
