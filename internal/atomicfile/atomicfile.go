// Package atomicfile writes files so that nobody ever finds half of one: the
// bytes go to a temporary file in the same directory, which is synced and then
// renamed over the target. A reader, or the user after a crash or a kill,
// sees the old file or the new one, never a truncated mix. Every file the
// sigsim and sigbench commands write goes through here (scenario rewrites,
// shrunk scripts, traces, diagrams, reports, profiles).
//
// It also checks outputs before a long run (CheckFile, CheckDir), so that an
// unwritable path is an error at once, not after minutes of work.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// FS is the part of the file system an atomic write uses. System is the real
// one; a test replaces it to inject a failure at any step and check that the
// original file survives.
type FS interface {
	// CreateTemp creates a new file in dir, as os.CreateTemp.
	CreateTemp(dir, pattern string) (File, error)
	// Rename replaces newpath by oldpath, as os.Rename.
	Rename(oldpath, newpath string) error
	// Remove removes a file, as os.Remove.
	Remove(name string) error
	// SyncDir makes a rename in dir durable (fsync of the directory).
	SyncDir(dir string) error
}

// File is an open temporary file.
type File interface {
	io.Writer
	Name() string
	Chmod(mode os.FileMode) error
	Sync() error
	Close() error
}

// System is the file system every write of this package goes through.
var System FS = osFS{}

type osFS struct{}

func (osFS) CreateTemp(dir, pattern string) (File, error) { return os.CreateTemp(dir, pattern) }
func (osFS) Rename(oldpath, newpath string) error         { return os.Rename(oldpath, newpath) }
func (osFS) Remove(name string) error                     { return os.Remove(name) }

func (osFS) SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	// Some file systems cannot sync a directory; the rename itself is
	// still atomic there.
	if errors.Is(err, os.ErrInvalid) || errors.Is(err, errors.ErrUnsupported) {
		return nil
	}
	return err
}

// Pending is a file being written: nothing is visible at its path until
// Commit. Abort (or a failed Commit) leaves the path as it was.
type Pending struct {
	fs     FS
	f      File
	w      *bufio.Writer
	path   string // the target, symbolic links resolved
	perm   os.FileMode
	err    error // the first write error
	closed bool
}

// Create starts writing path. The file gets perm, or the mode of the file it
// replaces; a symbolic link at path is followed (its target is replaced, the
// link stays).
func Create(path string, perm os.FileMode) (*Pending, error) {
	target := path
	if t, err := filepath.EvalSymlinks(path); err == nil {
		target = t
	}
	if st, err := os.Stat(target); err == nil {
		if !st.Mode().IsRegular() {
			return nil, fmt.Errorf("%s: not a regular file", path)
		}
		// A rename would replace a read-only file too: refuse, as writing
		// it in place would have.
		w, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		_ = w.Close()
		perm = st.Mode().Perm()
	}
	f, err := System.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return nil, err
	}
	return &Pending{fs: System, f: f, w: bufio.NewWriterSize(f, 64<<10), path: target, perm: perm}, nil
}

// Write buffers p; the first error sticks and fails Commit.
func (p *Pending) Write(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	n, err := p.w.Write(b)
	if err != nil {
		p.err = err
	}
	return n, err
}

// Commit flushes, syncs and closes the temporary file, then renames it over
// the target and syncs the directory. On any error the temporary file is
// removed and the target is left as it was.
func (p *Pending) Commit() error {
	if p.closed {
		return errors.New("atomicfile: commit of a closed file")
	}
	err := p.err
	if err == nil {
		err = p.w.Flush()
	}
	if err == nil {
		err = p.f.Chmod(p.perm)
	}
	if err == nil {
		err = p.f.Sync()
	}
	if cerr := p.f.Close(); err == nil {
		err = cerr
	}
	p.closed = true
	if err == nil {
		err = p.fs.Rename(p.f.Name(), p.path)
	}
	if err != nil {
		_ = p.fs.Remove(p.f.Name())
		return fmt.Errorf("writing %s: %w", p.path, err)
	}
	if err := p.fs.SyncDir(filepath.Dir(p.path)); err != nil {
		return fmt.Errorf("writing %s: %w", p.path, err)
	}
	return nil
}

// Abort discards the file; the target is untouched. It does nothing after
// Commit, so it can be deferred.
func (p *Pending) Abort() {
	if p == nil || p.closed {
		return
	}
	p.closed = true
	_ = p.f.Close()
	_ = p.fs.Remove(p.f.Name())
}

// WriteFile writes path atomically with what write produces.
func WriteFile(path string, perm os.FileMode, write func(io.Writer) error) error {
	p, err := Create(path, perm)
	if err != nil {
		return err
	}
	defer p.Abort()
	if err := write(p); err != nil {
		return err
	}
	return p.Commit()
}

// Write writes data to path atomically.
func Write(path string, data []byte, perm os.FileMode) error {
	return WriteFile(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// CheckFile tells, before any work, whether path can be written as a file:
// its directory exists and takes a new file, and path is not a directory or
// a special file (atomic replacement would turn /dev/null into a regular
// file). It writes nothing that stays.
func CheckFile(path string) error {
	if path == "" {
		return errors.New("empty path")
	}
	target := path
	if t, err := filepath.EvalSymlinks(path); err == nil {
		target = t
	}
	st, err := os.Stat(target)
	switch {
	case err == nil && st.IsDir():
		return fmt.Errorf("%s is a directory", path)
	case err == nil && !st.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file", path)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return err
	case err == nil:
		w, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return unwrapPath(err)
		}
		_ = w.Close()
	}
	dir := filepath.Dir(target)
	if st, err := os.Stat(dir); err != nil {
		return fmt.Errorf("directory %s: %w", dir, unwrapPath(err))
	} else if !st.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	return probe(dir)
}

// CheckDir makes sure dir exists (creating it and its parents if needed)
// and takes new files.
func CheckDir(dir string) error {
	if dir == "" {
		return errors.New("empty path")
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return fmt.Errorf("%s exists and is not a directory", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return probe(dir)
}

// probe creates and removes a temporary file in dir: the only sure test of
// writability (permission bits say nothing about read-only mounts, /proc,
// or root).
func probe(dir string) error {
	f, err := System.CreateTemp(dir, ".sigsim-probe-*")
	if err != nil {
		return fmt.Errorf("cannot create files in %s: %w", dir, unwrapPath(err))
	}
	name := f.Name()
	_ = f.Close()
	return System.Remove(name)
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
