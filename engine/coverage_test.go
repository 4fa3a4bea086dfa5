package engine

import "testing"

func TestPathNames(t *testing.T) {
	if len(pathNames) != int(NumPaths) {
		t.Fatalf("pathNames has %d entries, want %d", len(pathNames), NumPaths)
	}
	seen := map[string]bool{}
	for p := Path(1); p < NumPaths; p++ {
		name := p.String()
		if seen[name] {
			t.Errorf("path name %q repeats", name)
		}
		seen[name] = true
		if q, ok := ParsePath(name); !ok || q != p {
			t.Errorf("ParsePath(%q) = %v, %v; want %v", name, q, ok, p)
		}
	}
	if _, ok := ParsePath("no-such-path"); ok {
		t.Error("ParsePath accepted an unknown name")
	}
}
