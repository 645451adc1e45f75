package planfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// ErrBusy is the error LockExclusive wraps when another process held the
// lock for longer than the caller would wait.
var ErrBusy = errors.New("another ip6plan run holds the lock")

// FlockPath returns the sidecar file that LockExclusive locks for the lock
// file at lockPath: ".NAME.flock" next to it (plan.lock → .plan.lock.flock).
// The lock file itself cannot carry the lock, as WriteAtomic replaces it
// with a new file; the sidecar is never replaced nor deleted, so every
// process locks the same file. It holds no data and belongs in .gitignore.
func FlockPath(lockPath string) string {
	return filepath.Join(filepath.Dir(lockPath), "."+filepath.Base(lockPath)+".flock")
}

// A Flock is an exclusive advisory lock (flock(2)) on a lock file's
// sidecar, held from LockExclusive until Unlock or the end of the process.
// Runs that read a lock, change it and write it back hold one across all
// three, so two runs at once cannot both start from the same lock and
// lose one's update.
type Flock struct {
	f    *os.File
	path string
}

// LockExclusive takes the exclusive lock that guards the lock file at
// lockPath, creating its sidecar (FlockPath) when needed. When another
// process holds it, LockExclusive calls waiting once (if not nil) and
// tries again until it gets the lock or wait has passed; then it returns
// an error that wraps ErrBusy. A wait of zero or less tries once.
//
// On systems without flock(2) the lock is only a placeholder: runs are
// not kept apart there.
func LockExclusive(lockPath string, wait time.Duration, waiting func()) (*Flock, error) {
	path := FlockPath(lockPath)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", lockPath, err)
	}
	deadline := time.Now().Add(wait)
	pause := time.Millisecond
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if ok {
			return &Flock{f: f, path: path}, nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			f.Close()
			return nil, fmt.Errorf("%w on %s (through %s) and did not let go within %s", ErrBusy, lockPath, path, wait)
		}
		if waiting != nil {
			waiting()
			waiting = nil
		}
		// flock(2) cannot time out, so poll: quickly at first, for runs
		// that take milliseconds, then at most every 50ms.
		time.Sleep(min(pause, left))
		pause = min(2*pause, 50*time.Millisecond)
	}
}

// Unlock releases the lock. The sidecar stays, for the next run.
func (l *Flock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := unlock(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	if err != nil {
		return fmt.Errorf("unlock %s: %w", l.path, err)
	}
	return nil
}
