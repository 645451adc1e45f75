// Package planfile reads plan files and their locks from disk and writes
// locks back atomically. It is the only part of the plan packages that
// touches the file system, so the plan package itself stays pure and runs
// unchanged in the browser.
package planfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ip6plan/ip6plan/plan"
)

// LockPath returns the path of the lock that belongs to a plan file: the
// plan's path with its extension replaced by ".lock", next to it
// (example.yaml → example.lock).
func LockPath(planPath string) string {
	return strings.TrimSuffix(planPath, filepath.Ext(planPath)) + ".lock"
}

// Read reads and parses a plan file; "-" reads stdin.
func Read(path string, stdin io.Reader) (*plan.Plan, error) {
	var data []byte
	var err error
	name := path
	if path == "-" {
		name = "<stdin>"
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, err
	}
	return plan.ParseFile(name, data)
}

// ReadLock reads a lock file. A lock that does not exist yet is not an
// error: it returns nil, nil, and Allocate starts afresh.
func ReadLock(path string) (*plan.Lock, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return plan.ParseLock(path, data)
}

// WriteAtomic replaces the file at path with data so that a reader sees
// either the old file or the new one, never a part: it writes a temporary
// file in the same directory, syncs it to disk, renames it over path and
// syncs the directory. An existing file keeps its permissions.
func WriteAtomic(path string, data []byte, perm fs.FileMode) (err error) {
	if fi, err := os.Stat(path); err == nil {
		perm = fi.Mode().Perm()
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil { // make the rename itself durable
		d.Sync()
		d.Close()
	}
	return nil
}

// WriteNew writes data to path atomically, refusing to replace an
// existing file unless force is set.
func WriteNew(path string, data []byte, perm fs.FileMode, force bool) error {
	if !force {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%s already exists; use --force to overwrite it", path)
		}
	}
	return WriteAtomic(path, data, perm)
}
