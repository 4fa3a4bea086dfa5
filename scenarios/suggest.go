// "Did you mean": the closest candidate to a misspelt word.

package scenarios

import (
	"unicode/utf8"
)

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
