// Package tooltest finds the outside programs that tests compare ip6plan
// with (ipv6calc, named-checkzone, pyspf, postconf, chromium). A missing
// program skips the test with the command that installs it, or fails it
// when IP6PLAN_REQUIRE_TOOLS=1, as CI sets, so CI can never pass by
// skipping.
package tooltest

import (
	"os"
	"os/exec"
	"testing"
)

// Look returns the path of program, or skips (fails under
// IP6PLAN_REQUIRE_TOOLS=1) with the Debian package that provides it.
func Look(t testing.TB, program, debianPackage string) string {
	t.Helper()
	path, err := exec.LookPath(program)
	if err == nil {
		return path
	}
	msg := program + " is not installed; install it with: apt-get install -y " + debianPackage
	if os.Getenv("IP6PLAN_REQUIRE_TOOLS") == "1" {
		t.Fatal(msg + " (IP6PLAN_REQUIRE_TOOLS=1 makes this a failure)")
	}
	t.Skip(msg)
	return ""
}
