//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package planfile

import "os"

// tryLock is a placeholder where there is no flock(2): it always succeeds,
// so concurrent runs are not kept apart on these systems.
func tryLock(*os.File) (bool, error) { return true, nil }

func unlock(*os.File) error { return nil }
