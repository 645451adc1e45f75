package planfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLockPath(t *testing.T) {
	assert.Equal(t, "dir/example.lock", LockPath("dir/example.yaml"))
	assert.Equal(t, "plan.lock", LockPath("plan.json"))
	assert.Equal(t, "plan.lock", LockPath("plan"))
}

func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.lock")
	require.NoError(t, WriteAtomic(path, []byte("one\n"), 0o640))
	require.NoError(t, WriteAtomic(path, []byte("two\n"), 0o600))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "two\n", string(data))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o640), fi.Mode().Perm(), "an existing file keeps its mode")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file is left behind")
}

func TestWriteAtomicFailureLeavesOldFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes into read-only directories")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "x.lock")
	require.NoError(t, WriteAtomic(path, []byte("old\n"), 0o644))
	require.NoError(t, os.Chmod(dir, 0o555))
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	err := WriteAtomic(path, []byte("new\n"), 0o644)
	require.Error(t, err)
	data, _ := os.ReadFile(path)
	assert.Equal(t, "old\n", string(data))
}

func TestWriteNewRefusesToOverwrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.yaml")
	require.NoError(t, WriteNew(path, []byte("a"), 0o644, false))
	err := WriteNew(path, []byte("b"), 0o644, false)
	require.ErrorContains(t, err, "already exists; use --force")
	require.NoError(t, WriteNew(path, []byte("b"), 0o644, true))
}

func TestReadMissingLockIsEmpty(t *testing.T) {
	l, err := ReadLock(filepath.Join(t.TempDir(), "none.lock"))
	require.NoError(t, err)
	assert.Nil(t, l)
}

func TestReadStdin(t *testing.T) {
	p, err := Read("-", strings.NewReader("prefix: 2001:db8::/48\n"))
	require.NoError(t, err)
	assert.Equal(t, "2001:db8::/48", p.Prefix.String())
	_, err = Read("-", strings.NewReader("prefix: 2001:db8::/48\nbogus: 1\n"))
	assert.ErrorContains(t, err, "<stdin>:2:1: unknown key \"bogus\"")
}

// TestWriteAtomicFailureLeavesNoTemp makes the final rename fail (the path
// is a directory, which even root cannot replace with a file): the error
// is reported, what was there is untouched, and no temporary file stays.
func TestWriteAtomicFailureLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.lock")
	require.NoError(t, os.MkdirAll(filepath.Join(path, "inside"), 0o755))
	err := WriteAtomic(path, []byte("new\n"), 0o644)
	require.ErrorContains(t, err, "write "+path)
	fi, err := os.Stat(filepath.Join(path, "inside"))
	require.NoError(t, err)
	assert.True(t, fi.IsDir())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file is left behind")
}
