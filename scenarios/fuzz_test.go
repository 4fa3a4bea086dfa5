package scenarios

import (
	"bytes"
	"reflect"
	"testing"

	"sigsim/engine"
)

// FuzzParse checks that Parse never panics, and that a file it accepts
// round-trips through Format byte for byte, re-parses to the same
// commands, and takes replaced outputs that re-parse as given.
func FuzzParse(f *testing.F) {
	seeds := []string{
		complexFile,
		prelude + "at +1s bob accept call\nrun until quiet limit=1m\n----\nout\n",
		"world seed=1\nusers u1..u100/2\ngenerate invites count=10 from=u1..u50 rate=10/s answer=accept:0.5\nrun 5s\n",
		"partition alice,bob | s0 oneway\nat 1s heal\nskew s1 offset=-3s drift=1%\n",
		"run 1s\n----\n----\na\n\nb\n----\n----\n\nshow trace\n----\n",
		"hold \"a=\\\"b\\\"\" as h\nrelease h\r\n----\r\nx\r\n",
		// broken files
		"alice invit bob\n", "at +5ms run\n", "----\n", "run 1s\n----\n----\nnever closed\n",
		"users s1..s3 a/0\n", "x \"unterminated\n", "alice accept nope\n", "world\nworld\n",
		"expect \"\\q\"\n", "users u0..u99999999999\n", "",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := Parse("fuzz.sig", src)
		if err != nil {
			switch e := err.(type) {
			case *Error:
			case ErrorList:
				if len(e) < 2 || len(e) > maxErrors {
					t.Fatalf("ErrorList of %d", len(e))
				}
			default:
				t.Fatalf("error of type %T", err)
			}
			return
		}
		out := file.Format(nil)
		if !bytes.Equal(out, src) {
			t.Fatalf("round trip:\n got %q\nwant %q", out, src)
		}
		again, err := Parse("fuzz.sig", out)
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if !reflect.DeepEqual(summary(file), summary(again)) {
			t.Fatal("re-parse gives different commands")
		}
		// Replace every block's output (blank lines force the long form).
		outputs := map[*Block][]string{}
		var blocks []*Block
		for _, it := range file.Items {
			if it.Block != nil {
				blocks = append(blocks, it.Block)
				outputs[it.Block] = []string{"out", "", "  x"}
			}
		}
		re, err := Parse("fuzz.sig", file.Format(outputs))
		if err != nil {
			t.Fatalf("re-parse after rewrite: %v\n%q", err, file.Format(outputs))
		}
		i := 0
		for _, it := range re.Items {
			if it.Block == nil {
				continue
			}
			if i >= len(blocks) || !reflect.DeepEqual(it.Block.Expected, []string{"out", "", "  x"}) {
				t.Fatalf("rewritten block %d: %q", i, it.Block.Expected)
			}
			i++
		}
		if i != len(blocks) {
			t.Fatalf("rewrite changed the block count: %d -> %d", len(blocks), i)
		}
	})
}

type cmdSummary struct {
	Pos    Pos
	Name   string
	At     engine.Time
	HasAt  bool
	Args   []Arg
	Handle string
	Raw    string
}

func summary(f *File) (out [][]cmdSummary) {
	for _, it := range f.Items {
		if it.Block == nil {
			continue
		}
		var b []cmdSummary
		for _, c := range it.Block.Cmds {
			b = append(b, cmdSummary{c.Pos, c.Name, c.At, c.HasAt, c.Args, c.Handle, c.Raw})
		}
		out = append(out, b)
	}
	return out
}
