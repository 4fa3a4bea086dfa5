package completion

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestFlagsOf(t *testing.T) {
	usage := "      --expect-paths string   fail ...\n  -j, --jobs int   seeds ...\n      --json[=true|false]   print ...\n      --seeds string\n"
	if got, want := FlagsOf(usage), []string{"--expect-paths", "--jobs", "--json", "--seeds"}; !slices.Equal(got, want) {
		t.Errorf("FlagsOf = %v, want %v", got, want)
	}
}

// TestBashCompletes sources the bash script and asks it to complete.
func TestBashCompletes(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	var b strings.Builder
	cmds := []Command{{Name: "run", Flags: []string{"--seed", "--swarm"}}, {Name: "replay"}}
	if err := Write(&b, "bash", "sigsim", cmds); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(t.TempDir(), "c.bash")
	os.WriteFile(script, []byte(b.String()), 0o644)
	for words, want := range map[string]string{
		"sigsim ru":      "run",
		"sigsim re":      "replay",
		"sigsim run --s": "--seed --swarm",
	} {
		w := strings.Fields(words)
		cmd := exec.Command(bash, "-c", `source "$1"; COMP_WORDS=(`+words+`); COMP_CWORD=`+itoa(len(w)-1)+`; _sigsim; echo "${COMPREPLY[@]}"`, "_", script)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", words, err, out)
		}
		if got := strings.TrimSpace(string(out)); got != want {
			t.Errorf("complete %q = %q, want %q", words, got, want)
		}
	}
}

func itoa(n int) string { return string(rune('0' + n)) }

func TestWriteRefusesUnknownShells(t *testing.T) {
	for _, sh := range Shells {
		if err := Write(&strings.Builder{}, sh, "sigsim", []Command{{Name: "run"}}); err != nil {
			t.Errorf("%s: %v", sh, err)
		}
	}
	if err := Write(&strings.Builder{}, "tcsh", "sigsim", nil); err == nil {
		t.Error("tcsh accepted")
	}
}
