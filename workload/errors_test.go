package workload

import (
	"errors"
	"fmt"
	"testing"
)

// flag spells an option as sigbench does.
func flag(k Key) string { return "--" + string(k) }

// TestSpell: an OptionError quoted in another is spelled too; an error of
// several problems is one a line; other errors are written as they are.
func TestSpell(t *testing.T) {
	inner := optionErrorf("raise %s", Key("max-memory"))
	outer := optionErrorf("at %s/s: %v", "10", inner)
	if got := Spell(outer, flag); got != "at 10/s: raise --max-memory" {
		t.Errorf("nested: %q", got)
	}
	if got := outer.Error(); got != "at 10/s: raise max-memory" {
		t.Errorf("Error() = %q", got)
	}
	if !errors.Is(outer, inner) {
		t.Error("errors.Is does not see the quoted error")
	}
	j := errors.Join(inner, errors.New("plain --x"), outer)
	if got := Spell(j, flag); got != "raise --max-memory\nplain --x\nat 10/s: raise --max-memory" {
		t.Errorf("joined: %q", got)
	}
	if got := Spell(j, nil); got != j.Error() {
		t.Errorf("Spell(nil) = %q, Error() = %q", got, j.Error())
	}
	// An error that wraps several its own way is written as it is.
	w := fmt.Errorf("a: %w; b: %w", inner, inner)
	if got := Spell(w, flag); got != w.Error() {
		t.Errorf("fmt.Errorf of two: %q", got)
	}
}
