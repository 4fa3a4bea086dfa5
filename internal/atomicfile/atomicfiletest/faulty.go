// Package atomicfiletest injects write failures into atomicfile, so that
// tests of the commands can show that a failed write leaves the user's file
// as it was.
package atomicfiletest

import (
	"errors"
	"os"
	"strings"
	"testing"

	"sigsim/internal/atomicfile"
)

// ErrInjected is the error an injected failure returns.
var ErrInjected = errors.New("injected write failure")

// Faulty is the real file system, except that writes whose file name
// contains Match fail at Step: "create" (the temporary file), "write" (after
// half the bytes of the first write reach the temporary file), "sync" or
// "rename". Hits counts the failures it injected.
type Faulty struct {
	Match string
	Step  string
	Hits  int
	real  atomicfile.FS
}

// Inject makes every atomic write go through f until the test ends.
func Inject(t testing.TB, f *Faulty) {
	t.Helper()
	f.real = atomicfile.System
	atomicfile.System = f
	t.Cleanup(func() { atomicfile.System = f.real })
}

func (f *Faulty) hit(name, step string) bool {
	if f.Step == step && strings.Contains(name, f.Match) && !strings.Contains(name, ".sigsim-probe-") {
		f.Hits++
		return true
	}
	return false
}

func (f *Faulty) CreateTemp(dir, pattern string) (atomicfile.File, error) {
	if f.hit(pattern, "create") {
		return nil, &os.PathError{Op: "open", Path: dir + "/" + pattern, Err: ErrInjected}
	}
	file, err := f.real.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	return &faultyFile{File: file, fs: f}, nil
}

func (f *Faulty) Rename(oldpath, newpath string) error {
	if f.hit(oldpath, "rename") {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: ErrInjected}
	}
	return f.real.Rename(oldpath, newpath)
}

func (f *Faulty) Remove(name string) error { return f.real.Remove(name) }
func (f *Faulty) SyncDir(dir string) error { return f.real.SyncDir(dir) }

type faultyFile struct {
	atomicfile.File
	fs      *Faulty
	written bool
}

func (w *faultyFile) Write(p []byte) (int, error) {
	if !w.written && w.fs.hit(w.Name(), "write") {
		w.written = true
		n, _ := w.File.Write(p[:len(p)/2])
		return n, ErrInjected
	}
	w.written = true
	return w.File.Write(p)
}

func (w *faultyFile) Sync() error {
	if w.fs.hit(w.Name(), "sync") {
		return ErrInjected
	}
	return w.File.Sync()
}
