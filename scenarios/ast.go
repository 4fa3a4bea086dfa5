// The AST of a scenario file, positions and errors.

package scenarios

import (
	"strconv"
	"strings"

	"sigsim/engine"
)

// File is a parsed scenario file.
type File struct {
	Name        string   // the name given to Parse, used in positions
	Description []string // the leading comment lines, without "#" and one space
	Items       []Item   // blocks, comments and blank lines, in file order

	eols []string // line terminator of each source line: "\n", "\r\n" or "" (last line)
}

// cmds returns the file's command lines in file order.
func (f *File) cmds() []*Cmd {
	var l []*Cmd
	for _, it := range f.Items {
		if it.Block != nil {
			l = append(l, it.Block.Cmds...)
		}
	}
	return l
}

// Item is one element of a file: exactly one of Block, Comment, Blank is set.
type Item struct {
	Block   *Block
	Comment string // the comment line as written, leading spaces and "#" included
	Blank   bool

	raw  string // a blank line as written (it may hold spaces)
	line int
}

// Block is one or more command lines, optionally followed by "----" and the
// expected output.
type Block struct {
	Line         int      // line of the first command
	Cmds         []*Cmd   // the command lines
	HasExpected  bool     // a "----" separator follows the commands
	Expected     []string // expected output lines (without line terminators)
	ExpectedLine int      // line of the first expected-output line (0 without "----")

	sep  int  // line of the (first) "----"
	long bool // written in the "----\n----" form that allows blank lines
	// cmdLike are the indexes of the Expected lines that read as command
	// or comment lines: a missing blank line may have put them there, and
	// a rewrite must not delete them (see Run).
	cmdLike []int
}

// Cmd is one command line.
type Cmd struct {
	Pos    Pos         // position of the first token of the line
	Name   string      // the command name, e.g. "invite"
	At     engine.Time // resolved absolute virtual time (when HasAt)
	HasAt  bool        // the line has an "at TIME" prefix
	Args   []Arg       // arguments in order; for device operations Args[0] is the device (positional 0)
	Handle string      // the NAME of a trailing "as NAME", or ""
	Raw    string      // the line as written

	spec  *cmdSpec
	atPos Pos // the position of the time after at
}

// Arg is one argument: a positional word (Key == "") or key=value.
type Arg struct {
	Pos   Pos
	Key   string // "" for positional
	Value string // unquoted
}

// Pos is a position in a scenario file; Line and Col (a byte column) are 1-based.
type Pos struct {
	File      string
	Line, Col int
}

// String returns "file:line:col" ("line:col" when File is empty).
func (p Pos) String() string {
	s := strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
	if p.File != "" {
		s = p.File + ":" + s
	}
	return s
}

// Error is a parse or argument error at a position.
type Error struct {
	Pos Pos
	Msg string
}

// Error returns "file:line:col: msg".
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// ErrorList is several errors, in file order (Parse reports at most 10).
type ErrorList []*Error

// Error returns the errors, one per line.
func (l ErrorList) Error() string {
	s := make([]string, len(l))
	for i, e := range l {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// Err is nil for no error, the error itself for one, the list for more.
func (l ErrorList) Err() error {
	switch len(l) {
	case 0:
		return nil
	case 1:
		return l[0]
	}
	return l
}

// Unwrap returns the errors, for errors.As and errors.Is.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// MaxList is the largest number of names one list (or one range) may expand to.
const MaxList = 10_000_000

const (
	maxErrors  = 10
	maxDevices = 1 << 16
)
