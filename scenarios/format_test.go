package scenarios

import (
	"slices"
	"strings"
	"testing"
)

// complexFile exercises every layout feature Format must reproduce.
const complexFile = "# Complex scenario\n" +
	"#   indented description\n" +
	"\n" +
	"world seed=9 latency=uniform(10ms,50ms)\n" +
	"users alice bob carol/2 u001..u010\n" +
	"\n" +
	"  # an indented comment\n" +
	"at 100ms alice invite bob data=\"room=42 \\\"x\\\"\" timeout=30s as call\n" +
	"at +50ms   bob accept call\t\n" +
	"----\n" +
	"# output lines may look like comments\n" +
	"  indented output\n" +
	"   \n" +
	"hold \"to=bob\" as h\n" +
	"----\n" +
	"\n" +
	"run 5s\n" +
	"----\n" +
	"----\n" +
	"first\n" +
	"\n" +
	"after a blank\n" +
	"----\n" +
	"----\n" +
	"\r\n" +
	"show callbacks\r\n" +
	"----\r\n" +
	"crlf output\r\n" +
	"\n" +
	"run until quiet\n" +
	"# a comment right after a block\n" +
	"check\n" +
	"\n\n" +
	"expect violations 0\n" +
	"----\n" +
	"ok"

func TestFormatRoundTrip(t *testing.T) {
	for _, src := range []string{complexFile, complexFile + "\n", "run 1s", "run 1s\n----", "run 1s\n----\n", "run 1s\n----\n----\n----\n----", "\r\n\r\nrun 1s\r\n"} {
		f, err := Parse("c.sig", []byte(src))
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if got := string(f.Format(nil)); got != src {
			t.Errorf("round trip:\n got %q\nwant %q", got, src)
		}
	}
	f := mustParse(t, complexFile)
	var blocks []*Block
	for _, it := range f.Items {
		if it.Block != nil {
			blocks = append(blocks, it.Block)
		}
	}
	if len(blocks) != 8 {
		t.Fatalf("%d blocks", len(blocks))
	}
	if b := blocks[1]; !slices.Equal(b.Expected, []string{"# output lines may look like comments", "  indented output"}) || b.ExpectedLine != 11 {
		t.Errorf("block 1 expected %q line %d", b.Expected, b.ExpectedLine)
	}
	if b := blocks[2]; !b.HasExpected || len(b.Expected) != 0 {
		t.Errorf("block 2 %+v", b)
	}
	if b := blocks[3]; !slices.Equal(b.Expected, []string{"first", "", "after a blank"}) || b.ExpectedLine != 20 {
		t.Errorf("long form %q line %d", b.Expected, b.ExpectedLine)
	}
	if b := blocks[4]; !slices.Equal(b.Expected, []string{"crlf output"}) || b.Cmds[0].Raw != "show callbacks" {
		t.Errorf("crlf %q %q", b.Expected, b.Cmds[0].Raw)
	}
	if b := blocks[7]; !slices.Equal(b.Expected, []string{"ok"}) {
		t.Errorf("last %q", b.Expected)
	}
	if !slices.Equal(f.Description, []string{"Complex scenario", "  indented description"}) {
		t.Errorf("description %q", f.Description)
	}
}

func TestFormatOutputs(t *testing.T) {
	f := mustParse(t, complexFile)
	var blocks []*Block
	for _, it := range f.Items {
		if it.Block != nil {
			blocks = append(blocks, it.Block)
		}
	}
	out := map[*Block][]string{
		blocks[1]: {"new 1", "new 2\nnew 3"},    // replaced; multi-line strings split
		blocks[3]: {"short now"},                // long form no longer needed
		blocks[4]: {"a", "", "b"},               // needs the long form
		blocks[5]: {"gets a ----"},              // had none, a comment follows: blank line inserted
		blocks[6]: {},                           // had none: gets an empty one
		blocks[7]: {"----", "starts with ----"}, // long form, at the end of a file without final newline
	}
	got := string(f.Format(out))
	want := strings.NewReplacer(
		"----\n# output lines may look like comments\n  indented output\n", "----\nnew 1\nnew 2\nnew 3\n",
		"----\n----\nfirst\n\nafter a blank\n----\n----\n", "----\nshort now\n",
		"----\r\ncrlf output\r\n", "----\n----\na\n\nb\n----\n----\n",
		"run until quiet\n", "run until quiet\n----\ngets a ----\n\n",
		"check\n", "check\n----\n",
		"----\nok", "----\n----\n----\nstarts with ----\n----\n----\n",
	).Replace(complexFile)
	if got != want {
		t.Errorf("Format:\n got %q\nwant %q", got, want)
	}
	g := mustParse(t, got)
	var nb []*Block
	for _, it := range g.Items {
		if it.Block != nil {
			nb = append(nb, it.Block)
		}
	}
	wantExp := [][]string{nil, {"new 1", "new 2", "new 3"}, nil, {"short now"}, {"a", "", "b"}, {"gets a ----"}, nil, {"----", "starts with ----"}}
	for i, b := range nb {
		if i == 0 || i == 2 {
			continue
		}
		if !slices.Equal(b.Expected, wantExp[i]) || !b.HasExpected {
			t.Errorf("block %d re-parsed expected %q, want %q", i, b.Expected, wantExp[i])
		}
	}
	// Unchanged blocks keep their bytes.
	if string(g.Format(nil)) != got {
		t.Error("second round trip")
	}
}

func TestCmdStringReparses(t *testing.T) {
	f := mustParse(t, complexFile)
	for _, c := range f.cmds() {
		_, err := Parse("s", []byte(c.String()))
		if err == nil {
			continue
		}
		// Lines that use handles need their definitions first.
		if !strings.Contains(err.Error(), "handle") {
			t.Errorf("%q: %v", c.String(), err)
		}
	}
}
