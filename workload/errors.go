package workload

import (
	"fmt"
	"strings"
)

// Key names an option the way report headers and sigbench's flags do
// ("rate", "ring-time", "max-memory"): errors about options name them by
// their keys, which each front end spells its own way (see OptionError).
type Key string

// An OptionError is one problem with one or more options. Its text names
// each option by its Key; Error writes the keys as they are ("rate -5 must
// be > 0"), Spell lets a front end write them its own way (sigbench: "--rate
// -5 must be > 0").
type OptionError struct {
	format string
	args   []any // Keys among them are spelled
}

// optionErrorf returns an OptionError; every Key among args is an option's
// name, the rest are formatted as fmt.Sprintf would.
func optionErrorf(format string, args ...any) *OptionError {
	return &OptionError{format: format, args: args}
}

func (e *OptionError) Error() string { return e.Spell(nil) }

// Spell formats the error with each option's key written by name (nil:
// the key itself).
func (e *OptionError) Spell(name func(Key) string) string {
	args := make([]any, len(e.args))
	for i, a := range e.args {
		switch a := a.(type) {
		case Key:
			args[i] = string(a)
			if name != nil {
				args[i] = name(a)
			}
		case error:
			args[i] = Spell(a, name)
		default:
			args[i] = a
		}
	}
	return fmt.Sprintf(e.format, args...)
}

// Unwrap returns the errors the message quotes, so that errors.Is and
// errors.As see through it.
func (e *OptionError) Unwrap() []error {
	var errs []error
	for _, a := range e.args {
		if err, ok := a.(error); ok {
			errs = append(errs, err)
		}
	}
	return errs
}

// Spell writes err, as Error would, with the option keys of every
// OptionError in it (joined by errors.Join, or quoted by another
// OptionError) spelled by name.
func Spell(err error, name func(Key) string) string {
	if err == nil {
		return ""
	}
	if oe, ok := err.(*OptionError); ok {
		return oe.Spell(name)
	}
	// errors.Join writes its errors one a line; another error that wraps
	// several writes them its own way, and is written as it is.
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var plain, lines []string
		for _, e := range j.Unwrap() {
			plain = append(plain, e.Error())
			lines = append(lines, Spell(e, name))
		}
		if strings.Join(plain, "\n") == err.Error() {
			return strings.Join(lines, "\n")
		}
	}
	return err.Error()
}
