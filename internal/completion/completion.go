// Package completion writes shell completion scripts (bash, zsh, fish) for
// a command with subcommands and long flags, as both CLIs describe
// themselves: `sigsim completion bash`, `sigbench completion zsh`.
package completion

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Command is a subcommand and its long flags ("--seed", ...).
type Command struct {
	Name  string
	Flags []string
}

// Shells are the shells Write knows.
var Shells = []string{"bash", "zsh", "fish"}

// flagRE finds a flag at the start of a pflag usage line: "  -j, --jobs int"
// or "      --json[=true|false]".
var flagRE = regexp.MustCompile(`^\s+(?:-\w, )?(--[a-z][a-z0-9-]*)`)

// FlagsOf reads the long flags from a pflag usage text (FlagUsages).
func FlagsOf(usage string) []string {
	var l []string
	sc := bufio.NewScanner(strings.NewReader(usage))
	for sc.Scan() {
		if m := flagRE.FindStringSubmatch(sc.Text()); m != nil && !slices.Contains(l, m[1]) {
			l = append(l, m[1])
		}
	}
	sort.Strings(l)
	return l
}

// Write writes the completion script of prog for shell.
func Write(w io.Writer, shell, prog string, cmds []Command) error {
	cmds = slices.Clone(cmds)
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].Name < cmds[j].Name })
	names := make([]string, len(cmds))
	for i, c := range cmds {
		names[i] = c.Name
	}
	fn := "_" + strings.ReplaceAll(prog, "-", "_")
	var b strings.Builder
	switch shell {
	case "bash", "zsh":
		if shell == "zsh" {
			b.WriteString("autoload -U +X bashcompinit && bashcompinit\n")
		}
		fmt.Fprintf(&b, "# %s completion for %s: source it, e.g. source <(%s completion %s)\n", shell, prog, prog, shell)
		fmt.Fprintf(&b, "%s() {\n  local cur=${COMP_WORDS[COMP_CWORD]} opts=\"\"\n", fn)
		fmt.Fprintf(&b, "  if [ \"$COMP_CWORD\" -eq 1 ]; then\n    COMPREPLY=($(compgen -W %q -- \"$cur\"))\n    return\n  fi\n", strings.Join(names, " ")+" help --help --version")
		b.WriteString("  case ${COMP_WORDS[1]} in\n")
		for _, c := range cmds {
			fmt.Fprintf(&b, "    %s) opts=%q ;;\n", c.Name, strings.Join(append(slices.Clone(c.Flags), "--help"), " "))
		}
		b.WriteString("  esac\n")
		b.WriteString("  if [[ $cur == -* ]]; then\n    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n  else\n    COMPREPLY=($(compgen -f -- \"$cur\"))\n  fi\n}\n")
		fmt.Fprintf(&b, "complete -o filenames -F %s %s\n", fn, prog)
	case "fish":
		fmt.Fprintf(&b, "# fish completion for %s: %s completion fish > ~/.config/fish/completions/%s.fish\n", prog, prog, prog)
		fmt.Fprintf(&b, "complete -c %s -f -n __fish_use_subcommand -a %q\n", prog, strings.Join(names, " "))
		for _, c := range cmds {
			for _, f := range c.Flags {
				fmt.Fprintf(&b, "complete -c %s -n '__fish_seen_subcommand_from %s' -l %s\n", prog, c.Name, strings.TrimPrefix(f, "--"))
			}
		}
	default:
		return fmt.Errorf("unknown shell %q (want %s)", shell, strings.Join(Shells, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
