package scenarios

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzRun: whatever parses also runs without panicking (user input never
// crashes the runner). Inputs that would build huge worlds are skipped.
func FuzzRun(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.sig"))
	for _, p := range files {
		if strings.Contains(p, "mass") {
			continue
		}
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 4000 || strings.Contains(string(src), "..") || strings.Contains(string(src), "count=") {
			return // ranges and generators can ask for millions of users or invitations
		}
		file, err := Parse("fuzz.sig", src)
		if err != nil {
			return
		}
		for _, it := range file.Items {
			if b := it.Block; b != nil {
				for _, c := range b.Cmds {
					if c.Name == "run" || c.Name == "swarm" || c.Name == "world" {
						if d, err := c.Dur("limit", 0); err == nil && d > 3600e9 {
							return
						}
					}
				}
			}
		}
		_, _ = Run(file, RunOptions{NoRecord: true})
	})
}
