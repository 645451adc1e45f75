package planfile

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFlockPath(t *testing.T) {
	assert.Equal(t, filepath.Join("dir", ".plan.lock.flock"), FlockPath("dir/plan.lock"))
	assert.Equal(t, ".plan.lock.flock", FlockPath("plan.lock"))
}

func flockWorks(t *testing.T) {
	switch runtime.GOOS {
	case "darwin", "dragonfly", "freebsd", "linux", "netbsd", "openbsd":
	default:
		t.Skip("no flock(2) on " + runtime.GOOS)
	}
}

// Each LockExclusive opens the sidecar afresh, and flock(2) locks belong
// to the open file, so two calls in one process exclude each other as two
// processes do.
func TestLockExclusiveExcludes(t *testing.T) {
	flockWorks(t)
	lock := filepath.Join(t.TempDir(), "plan.lock")
	first, err := LockExclusive(lock, 0, nil)
	require.NoError(t, err)

	waited := 0
	_, err = LockExclusive(lock, 0, func() { waited++ })
	require.ErrorIs(t, err, ErrBusy, "a second run that will not wait gives up at once")
	assert.Equal(t, 0, waited, "a run that does not wait says nothing of waiting")
	assert.Contains(t, err.Error(), lock)

	_, err = LockExclusive(lock, 20*time.Millisecond, func() { waited++ })
	require.ErrorIs(t, err, ErrBusy)
	assert.Equal(t, 1, waited, "waiting is said once")

	// The holder lets go while the second run waits: it gets the lock.
	second, err := LockExclusive(lock, time.Minute, func() { require.NoError(t, first.Unlock()) })
	require.NoError(t, err)
	_, err = LockExclusive(lock, 0, nil)
	require.True(t, errors.Is(err, ErrBusy), "the second run holds it now")
	require.NoError(t, second.Unlock())
	third, err := LockExclusive(lock, 0, nil)
	require.NoError(t, err)
	require.NoError(t, third.Unlock())
	require.NoError(t, third.Unlock(), "unlocking twice is harmless")

	_, err = os.Stat(FlockPath(lock))
	assert.NoError(t, err, "the sidecar stays")
	_, err = os.Stat(lock)
	assert.ErrorIs(t, err, os.ErrNotExist, "locking does not create the lock file")
}

func TestLockExclusiveNoDirectory(t *testing.T) {
	_, err := LockExclusive(filepath.Join(t.TempDir(), "missing", "plan.lock"), 0, nil)
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrBusy)
}
