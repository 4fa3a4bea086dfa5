package atomicfile_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigsim/internal/atomicfile"
	"sigsim/internal/atomicfile/atomicfiletest"
)

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// leftovers lists what is in dir besides the names given.
func leftovers(t *testing.T, dir string, keep ...string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		if !strings.Contains(strings.Join(keep, "\x00"), e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestWriteReplacesAndKeepsMode(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.sig")
	if err := os.WriteFile(p, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.Write(p, []byte("new\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := read(t, p); got != "new\n" {
		t.Fatalf("content %q", got)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the replaced file's 0600", st.Mode().Perm())
	}
	if l := leftovers(t, dir, "a.sig"); len(l) > 0 {
		t.Errorf("temporary files left: %v", l)
	}
	fresh := filepath.Join(dir, "b.sig")
	if err := atomicfile.Write(fresh, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(fresh); st.Mode().Perm() != 0o644 {
		t.Errorf("new file mode %v", st.Mode().Perm())
	}
}

// TestInjectedFailuresKeepTheOriginal: whichever step fails, the target
// keeps its old bytes and no temporary file is left behind.
func TestInjectedFailuresKeepTheOriginal(t *testing.T) {
	for _, step := range []string{"create", "write", "sync", "rename"} {
		t.Run(step, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "work.sig")
			const orig = "world seed=1\nusers alice bob\n"
			if err := os.WriteFile(p, []byte(orig), 0o644); err != nil {
				t.Fatal(err)
			}
			f := &atomicfiletest.Faulty{Match: "work.sig", Step: step}
			atomicfiletest.Inject(t, f)
			err := atomicfile.Write(p, []byte(strings.Repeat("replacement\n", 10000)), 0o644)
			if !errors.Is(err, atomicfiletest.ErrInjected) || f.Hits != 1 {
				t.Fatalf("error %v, %d hits; want the injected failure", err, f.Hits)
			}
			if got := read(t, p); got != orig {
				t.Fatalf("the original changed: %q", got)
			}
			if l := leftovers(t, dir, "work.sig"); len(l) > 0 {
				t.Errorf("temporary files left: %v", l)
			}
		})
	}
}

func TestWriteFuncErrorAborts(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "t.trace")
	boom := errors.New("boom")
	err := atomicfile.WriteFile(p, 0o644, func(w io.Writer) error {
		_, _ = io.WriteString(w, "half")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Errorf("a failed write created the file: %v", err)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("temporary files left: %v", l)
	}
}

func TestSymlinkTargetIsReplaced(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.sig")
	link := filepath.Join(dir, "link.sig")
	if err := os.WriteFile(real, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, link); err != nil {
		t.Skip(err)
	}
	if err := atomicfile.Write(link, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced by a file")
	}
	if got := read(t, real); got != "new" {
		t.Errorf("target %q", got)
	}
}

func TestChecks(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"file in a missing directory", atomicfile.CheckFile(filepath.Join(dir, "no", "x")), "no such file"},
		{"file under a file", atomicfile.CheckFile(filepath.Join(file, "x")), "not a directory"},
		{"file that is a directory", atomicfile.CheckFile(dir), "is a directory"},
		{"special file", atomicfile.CheckFile(os.DevNull), "not a regular file"},
		{"dir that is a file", atomicfile.CheckDir(file), "is not a directory"},
		{"dir under a file", atomicfile.CheckDir(filepath.Join(file, "sub")), "not a directory"},
		{"/proc", atomicfile.CheckDir("/proc/sigsim-no-such-dir"), ""},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error saying %q", tc.name, tc.err, tc.want)
		}
	}
	if err := atomicfile.CheckFile(filepath.Join(dir, "new.trace")); err != nil {
		t.Errorf("new file: %v", err)
	}
	if err := atomicfile.CheckFile(file); err != nil {
		t.Errorf("existing file: %v", err)
	}
	sub := filepath.Join(dir, "a", "b")
	if err := atomicfile.CheckDir(sub); err != nil {
		t.Errorf("new directory: %v", err)
	}
	if l := leftovers(t, dir, "f", "a"); len(l) > 0 {
		t.Errorf("probe files left: %v", l)
	}
	if os.Geteuid() != 0 {
		ro := filepath.Join(dir, "ro")
		if err := os.Mkdir(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		if err := atomicfile.CheckDir(ro); err == nil {
			t.Error("read-only directory accepted")
		}
		if err := atomicfile.CheckFile(filepath.Join(ro, "x")); err == nil {
			t.Error("file in a read-only directory accepted")
		}
		rof := filepath.Join(dir, "ro.sig")
		if err := os.WriteFile(rof, []byte("keep"), 0o444); err != nil {
			t.Fatal(err)
		}
		if err := atomicfile.CheckFile(rof); err == nil {
			t.Error("read-only file accepted")
		}
		if err := atomicfile.Write(rof, []byte("new"), 0o644); err == nil || read(t, rof) != "keep" {
			t.Errorf("a read-only file was replaced: %v", err)
		}
	}
}
