// Command ip6plan turns an IPv6 prefix into a stable address plan and the
// DNS and mail settings that go with it. See the README for a tour.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

// Exit statuses, as ipcalc and named-checkzone users expect them.
//
// run maps what a command returns to one of them, and this is the whole
// rule:
//   - nil is exitOK;
//   - an error that wraps an *exitError ends with its code, which is how a
//     command says exitFindings; its message is printed unless it has none
//     (the findings are printed already, as check and lint do);
//   - every other error is exitInput, printed one "ip6plan: " line per
//     line.
//
// So a command returns plain errors for bad usage and input and for work
// that could not be done, and wraps in an exitError with exitFindings only
// what ends with status 1: problems a check or lint found, a lock that is
// behind the plan or busy, moves it refuses to make.
const (
	exitOK       = 0
	exitFindings = 1 // a check or lint found problems
	exitInput    = 2 // bad usage or input, or the job could not be done
)

// exitError carries a status other than exitInput for a failure: see the
// exit statuses.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// run is the whole command, with its environment passed in so tests can
// drive it without a process.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRoot(stdin, stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	code := exitInput
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	if ee == nil || ee.err != nil {
		for _, line := range strings.Split(strings.TrimRight(err.Error(), "\n"), "\n") {
			fmt.Fprintf(stderr, "ip6plan: %s\n", line)
		}
	}
	return code
}

func newRoot(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "ip6plan",
		Short: "IPv6 address plans, DNS records and mail settings for senders",
		Long: `ip6plan turns an IPv6 prefix into a complete, stable address plan: subnets
and static host addresses on nibble boundaries that never move once made,
with the DNS and mail settings that go with them.`,
		Example:       "  ip6plan plan -f testdata/example.yaml",
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w\nRun '%s --help' for usage.", err, c.CommandPath())
	})
	root.AddCommand(newPlanCmd(), newReleaseCmd(), newRenameCmd(), newLockCmd(), newZoneCmd(), newPTRCmd(), newSubnetCmd(), newHostCmd(), newDNSBLCmd(), newInitCmd(), newSchemaCmd(), newSPFCmd(), newConfigCmd(), newReadyCmd(), newCheckCmd(), newSurveyCmd())
	return root
}

// version is the module version when built from a tagged module, else
// the VCS revision, else "devel".
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "devel-" + s.Value[:12]
		}
	}
	return "devel"
}
