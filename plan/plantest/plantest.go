// Package plantest gives tests the plans they share: a plan text parsed
// and allocated in one call, and the example plan shipped in the module's
// testdata with its lock. It is for tests only, as net/http/httptest is:
// its functions fail the test they are given rather than return errors,
// and TestDependencyDirection fails when a file other than a _test.go
// file imports it.
//
// Tests inside package plan cannot use it (it imports plan); they keep
// small helpers of their own.
package plantest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/plan/planfile"
)

// Alloc parses the plan text src as the file plan.yaml and allocates it
// without a lock, as a first run does. If either step fails, it fails the
// test with the errors, each at its plan.yaml:LINE:COL.
func Alloc(t testing.TB, src string) *plan.Allocation {
	t.Helper()
	p, err := plan.ParseFile("plan.yaml", []byte(src))
	if err != nil {
		t.Fatalf("plantest: %v", err)
	}
	a, err := plan.Allocate(p, nil)
	if err != nil {
		t.Fatalf("plantest: %v", err)
	}
	return a
}

// Example reads the shipped example plan, testdata/example.yaml, and
// allocates it with its shipped lock, testdata/example.lock, as a user
// running ip6plan on it sees it: a.Plan is the plan, and a.Lock the lock,
// with the same entries as the shipped one. Each call reads the files
// again, so a test may change what it gets.
func Example(t testing.TB) *plan.Allocation {
	t.Helper()
	path := ExamplePath(t)
	p, err := planfile.Read(path, nil)
	if err != nil {
		t.Fatalf("plantest: the shipped example: %v", err)
	}
	lock, err := planfile.ReadLock(planfile.LockPath(path))
	if err != nil {
		t.Fatalf("plantest: the shipped example's lock: %v", err)
	}
	if lock == nil {
		t.Fatalf("plantest: the shipped example's lock %s is missing", planfile.LockPath(path))
	}
	a, err := plan.Allocate(p, lock)
	if err != nil {
		t.Fatalf("plantest: the shipped example: %v", err)
	}
	return a
}

// ExamplePath returns the path of the shipped example plan,
// testdata/example.yaml at the module root, found from the directory the
// test runs in (its package's); its lock is planfile.LockPath of it.
func ExamplePath(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("plantest: %v", err)
	}
	start := dir
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "testdata", "example.yaml")
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatalf("plantest: no go.mod in %s or above it, so no module root to find testdata/example.yaml in", start)
		}
		dir = up
	}
}
