package live_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ip6plan/ip6plan/plan/planfile"
	"github.com/ip6plan/ip6plan/plan/plantest"
	"github.com/ip6plan/ip6plan/records/live"
	"github.com/ip6plan/ip6plan/records/live/namedtest"
)

// The commands `ip6plan check` and `ip6plan survey` are thin over this
// package, but what they add (exit statuses, streaming rows to a file,
// stopping and resuming) needs a DNS server to show, which the CLI's
// testscript tests cannot start. These tests build the command and run it
// against named.

// buildCLI builds cmd/ip6plan into a temporary directory.
func buildCLI(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH, so the CLI cannot be built")
	}
	bin := filepath.Join(t.TempDir(), "ip6plan")
	out, err := exec.Command(goTool, "build", "-o", bin, "github.com/ip6plan/ip6plan/cmd/ip6plan").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runCLI runs the command and returns its stdout, stderr and exit status.
func runCLI(t *testing.T, bin string, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()
}

func TestCLICheck(t *testing.T) {
	namedtest.Path(t)
	bin := buildCLI(t)
	a := plantest.Example(t)
	planFile := plantest.ExamplePath(t)
	lock := filepath.Join(t.TempDir(), "example.lock")
	shipped, err := os.ReadFile(planfile.LockPath(planFile))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(lock, shipped, 0o644))

	_, good := servers(t, deploy(t, a).zoneFiles(t), 0)
	stdout, stderr, code := runCLI(t, bin, "check", "-f", planFile, "--lock", lock, "--resolver", good.Addr())
	assert.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "SUBJECT")
	assert.Contains(t, stdout, "\n32 checks, 0 failed\n")
	assert.Regexp(t, `(?m)^mta1\.example\.com\. +fcrdns +ok +mta1\.example\.com\. has AAAA 2001:db8:d6:25::25$`, stdout)

	d := deploy(t, a)
	d.ptr("mta1.example.com.", "")
	_, bad := servers(t, d.zoneFiles(t), 0)
	stdout, _, code = runCLI(t, bin, "check", "-f", planFile, "--lock", lock, "--resolver", bad.Addr(), "-o", "json")
	assert.Equal(t, 1, code)
	var doc struct {
		Resolver string
		Checks   int
		Failed   int
		Results  []struct {
			Subject, Address, Check, Detail string
			OK                              bool
		}
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc), stdout)
	assert.Equal(t, bad.Addr(), doc.Resolver)
	assert.Equal(t, 32, doc.Checks)
	assert.Equal(t, 3, doc.Failed)
	for _, r := range doc.Results {
		if r.Subject == "mta1.example.com." && r.Check == "ptr" {
			assert.False(t, r.OK)
			assert.Equal(t, "2001:db8:d6:25::25", r.Address)
			assert.Contains(t, r.Detail, "NXDOMAIN")
		}
	}
	got, err := os.ReadFile(lock)
	require.NoError(t, err)
	assert.Equal(t, string(shipped), string(got), "check must not change the lock")
}

// TestCLISurveyResume stops a survey part way with SIGINT, resumes it,
// and wants every domain's row exactly once, as planned.
func TestCLISurveyResume(t *testing.T) {
	namedtest.Path(t)
	bin := buildCLI(t)
	zones, domains, want := surveyZones(func(kind string) bool {
		return kind != "big" && kind != "v4" && kind != "v6"
	})
	_, res := servers(t, zones, 0)
	dir := t.TempDir()
	list := filepath.Join(dir, "domains.csv")
	var b strings.Builder
	b.WriteString("rank,domain\n")
	// Four domains that time out first, so that the run is still going
	// when it is stopped, whatever the speed of the rest.
	slow := []string{"quiet-0.test", "quiet-1.test", "quiet-2.test", "quiet-3.test"}
	b.WriteString(strings.Join(slow, "\n") + "\n")
	for i, d := range domains {
		if !strings.HasPrefix(d, "quiet-") {
			b.WriteString(strconv.Itoa(i) + "," + d + "\n")
		} else if !slices.Contains(slow, d) {
			delete(want, d)
		}
	}
	require.NoError(t, os.WriteFile(list, []byte(b.String()), 0o644))
	out := filepath.Join(dir, "survey.json")
	args := []string{"survey", list, "--resolver", res.Addr(), "--out", out, "-o", "json", "--workers", "8", "--timeout", "2s", "--attempts", "2"}

	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	deadline := time.Now().Add(20 * time.Second)
	for {
		data, _ := os.ReadFile(out)
		if bytes.Count(data, []byte("\n")) >= 20 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no rows after 20 s:\n%s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	err := cmd.Wait()
	var ee *exec.ExitError
	require.True(t, errors.As(err, &ee), "survey should stop with an error status: %v", err)
	assert.Equal(t, 2, ee.ExitCode())
	assert.Contains(t, stderr.String(), "run again with --resume")
	first, err := os.ReadFile(out)
	require.NoError(t, err)
	firstRows, n, err := live.ReadRows(first)
	require.NoError(t, err)
	require.Equal(t, len(first), n, "the file holds whole rows")
	require.Less(t, len(firstRows), len(want), "the run was stopped before the end")

	_, errText, code := runCLI(t, bin, append(args, "--resume")...)
	require.Equal(t, 0, code, errText)
	assert.Contains(t, errText, "rows;")
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(data, first), "resuming keeps the rows found")
	rows, _, err := live.ReadRows(data)
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, r := range rows {
		assert.False(t, seen[r.Domain], "two rows for %s", r.Domain)
		seen[r.Domain] = true
		assert.Equal(t, want[r.Domain], r, r.Domain)
	}
	assert.Len(t, seen, len(want))
	var tally live.Tally
	for _, r := range want {
		tally.Add(r)
	}
	assert.Contains(t, errText, "ip6plan: survey: "+tally.String()+"\n")

	// A CSV run stopped before its first row left only the header:
	// resuming writes no second one.
	csvOut := filepath.Join(dir, "survey.csv")
	require.NoError(t, os.WriteFile(csvOut, []byte("domain,ipv6,status,mx,ipv6_mx,implicit,error\n"), 0o644))
	three := filepath.Join(dir, "three.txt")
	require.NoError(t, os.WriteFile(three, []byte("v4-0.test\nnxdomain-0.test\nimplicit-0.test\n"), 0o644))
	_, errText, code = runCLI(t, bin, "survey", three, "--resolver", res.Addr(), "--out", csvOut, "--resume")
	require.Equal(t, 0, code, errText)
	data, err = os.ReadFile(csvOut)
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(string(data), "domain,ipv6"), "one header:\n%s", data)
	rows, _, err = live.ReadRows(data)
	require.NoError(t, err)
	assert.Len(t, rows, 3)

	// Again, with nothing left to do: the resolver is not even asked.
	_, errText, code = runCLI(t, bin, "survey", list, "--resolver", "127.0.0.1:1", "--out", out, "-o", "json", "--resume")
	assert.Equal(t, 0, code, errText)
	assert.Contains(t, errText, "0 of "+strconv.Itoa(len(want))+" domains left")
}
