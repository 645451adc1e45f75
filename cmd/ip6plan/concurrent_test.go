package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/plan/planfile"
)

func needFlock(t *testing.T) {
	switch runtime.GOOS {
	case "darwin", "dragonfly", "freebsd", "linux", "netbsd", "openbsd":
	default:
		t.Skip("no flock(2) on " + runtime.GOOS)
	}
}

// ip6planBin is the ip6plan command that TestMain puts on $PATH: this
// test binary under another name, which runs run() as its main.
func ip6planBin(t *testing.T) string {
	bin, err := exec.LookPath("ip6plan")
	require.NoError(t, err, "TestMain puts ip6plan on $PATH")
	return bin
}

// concurrentPlan is one plan file of the concurrency test, written from
// the names it holds: prefix names the plan's own entries, so two plans
// that share a lock never share a name.
type concurrentPlan struct {
	file, prefix string
	names        []string // subnets, in order
}

func (p *concurrentPlan) write(t *testing.T) {
	var b strings.Builder
	b.WriteString("# a plan edited by concurrent runs\nprefix: 2001:db8:77::/48\nsubnets:\n")
	for _, n := range p.names {
		fmt.Fprintf(&b, "  - name: %s  # %s\n    size: 64\n", n, n)
	}
	require.NoError(t, os.WriteFile(p.file, []byte(b.String()), 0o644))
}

func (p *concurrentPlan) replace(old, new string) {
	for i, n := range p.names {
		if n == old {
			p.names[i] = new
		}
	}
}

func (p *concurrentPlan) remove(name string) {
	for i, n := range p.names {
		if n == name {
			p.names = append(p.names[:i], p.names[i+1:]...)
			return
		}
	}
}

// TestConcurrentRunsLoseNothing runs plan (placing a new subnet), release
// (of a subnet removed from the plan) and rename, each as its own process,
// all at once, 50 times over, against one plan and against two plans that
// share one lock, and checks after each round that every update is in the
// lock: the new subnets placed, the released ones gone, the renamed ones
// under their new names at their old addresses.
func TestConcurrentRunsLoseNothing(t *testing.T) {
	needFlock(t)
	bin := ip6planBin(t)
	rounds := 50
	if testing.Short() {
		rounds = 10
	}
	for _, shared := range []bool{false, true} {
		t.Run(fmt.Sprintf("shared=%v", shared), func(t *testing.T) {
			dir := t.TempDir()
			lockPath := filepath.Join(dir, "plan.lock")
			plans := []*concurrentPlan{{file: filepath.Join(dir, "plan.yaml"), prefix: "a"}}
			if shared {
				plans = append(plans, &concurrentPlan{file: filepath.Join(dir, "other.yaml"), prefix: "b"})
			}
			for _, p := range plans {
				p.names = []string{p.prefix + "-keep"}
				for r := range rounds {
					p.names = append(p.names, fmt.Sprintf("%s-gone-%d", p.prefix, r), fmt.Sprintf("%s-ren-%d", p.prefix, r))
				}
				p.write(t)
			}
			cmd := func(p *concurrentPlan, args ...string) *exec.Cmd {
				args = append(args[:1:1], append([]string{"-f", p.file, "--lock", lockPath, "--wait", "2m"}, args[1:]...)...)
				c := exec.Command(bin, args...)
				c.Dir = dir
				return c
			}
			for _, p := range plans {
				out, err := cmd(p, "plan").CombinedOutput()
				require.NoError(t, err, "%s", out)
			}
			lock := readLock(t, lockPath)
			was := map[string]string{} // a renamed subnet's prefix, by its old name
			for _, e := range lock.Entries() {
				was[e.Path] = e.Prefix.String()
			}

			for r := range rounds {
				var cmds []*exec.Cmd
				for _, p := range plans {
					added := fmt.Sprintf("%s-new-%d", p.prefix, r)
					gone := fmt.Sprintf("%s-gone-%d", p.prefix, r)
					p.names = append(p.names, added)
					p.remove(gone)
					p.write(t)
					oldName := fmt.Sprintf("%s-ren-%d", p.prefix, r)
					p.replace(oldName, oldName+"-x") // what rename will do
					cmds = append(cmds,
						cmd(p, "plan", "-o", "csv"),
						cmd(p, "release", gone),
						cmd(p, "rename", oldName, oldName+"-x"))
				}
				var wg sync.WaitGroup
				outs := make([][]byte, len(cmds))
				errs := make([]error, len(cmds))
				for i, c := range cmds {
					wg.Go(func() { outs[i], errs[i] = c.CombinedOutput() })
				}
				wg.Wait()
				for i := range cmds {
					require.NoError(t, errs[i], "round %d: %s: %s", r, cmds[i].Args[1:], outs[i])
				}

				lock := readLock(t, lockPath)
				for _, p := range plans {
					for k := 0; k <= r; k++ {
						_, ok := lock.Get(plan.KindSubnet, fmt.Sprintf("%s-new-%d", p.prefix, k))
						require.True(t, ok, "round %d: %s-new-%d is in the lock", r, p.prefix, k)
						_, ok = lock.Get(plan.KindSubnet, fmt.Sprintf("%s-gone-%d", p.prefix, k))
						require.False(t, ok, "round %d: %s-gone-%d stays released", r, p.prefix, k)
						old := fmt.Sprintf("%s-ren-%d", p.prefix, k)
						_, ok = lock.Get(plan.KindSubnet, old)
						require.False(t, ok, "round %d: %s is renamed in the lock", r, old)
						e, ok := lock.Get(plan.KindSubnet, old+"-x")
						require.True(t, ok, "round %d: %s-x is in the lock", r, old)
						require.Equal(t, was[old], e.Prefix.String(), "round %d: %s keeps its prefix", r, old)
					}
					src, err := os.ReadFile(p.file)
					require.NoError(t, err)
					require.Contains(t, string(src), fmt.Sprintf("- name: %s-ren-%d-x  # %s-ren-%d\n", p.prefix, r, p.prefix, r), "the plan file is renamed in place, comment kept")
				}
			}
			// Nothing is left for plan to do, in either plan.
			for _, p := range plans {
				out, err := cmd(p, "plan", "--check").CombinedOutput()
				require.NoError(t, err, "%s", out)
			}
		})
	}
}

func readLock(t *testing.T, path string) *plan.Lock {
	t.Helper()
	l, err := planfile.ReadLock(path)
	require.NoError(t, err)
	require.NotNil(t, l)
	return l
}

// TestWaitForLock: a run that finds the lock held says so once and waits;
// it gives up after --wait with exit 1 and writes nothing, and goes ahead
// as soon as the holder lets go.
func TestWaitForLock(t *testing.T) {
	needFlock(t)
	bin := ip6planBin(t)
	dir := t.TempDir()
	planPath := filepath.Join(dir, "plan.yaml")
	lockPath := filepath.Join(dir, "plan.lock")
	require.NoError(t, os.WriteFile(planPath, []byte("prefix: 2001:db8::/48\nsubnets: [{name: a, size: 64}]\n"), 0o644))

	held, err := planfile.LockExclusive(lockPath, 0, nil)
	require.NoError(t, err)

	for _, args := range [][]string{
		{"plan", "-f", planPath, "--wait", "100ms"},
		{"release", "-f", planPath, "--wait", "100ms", "a"},
		{"rename", "-f", planPath, "--wait", "100ms", "a", "b"},
	} {
		c := exec.Command(bin, args...)
		var stdout, stderr bytes.Buffer
		c.Stdout, c.Stderr = &stdout, &stderr
		err := c.Run()
		require.Error(t, err, "%s", args)
		assert.Equal(t, exitFindings, c.ProcessState.ExitCode(), "%s: %s", args, stderr.String())
		assert.Equal(t, "ip6plan: waiting for another ip6plan run to finish with "+lockPath+"\n"+
			"ip6plan: another ip6plan run holds the lock on "+lockPath+" (through "+planfile.FlockPath(lockPath)+") and did not let go within 100ms: nothing was done; run the command again once the other run is over, or wait longer with --wait\n",
			stderr.String(), "%s", args)
		assert.Empty(t, stdout.String())
		_, err = os.Stat(lockPath)
		assert.ErrorIs(t, err, os.ErrNotExist, "%s wrote no lock", args)
	}
	data, err := os.ReadFile(planPath)
	require.NoError(t, err)
	assert.Contains(t, string(data), "name: a,", "rename did not touch the plan")

	// A run that waits goes ahead once the lock is let go.
	c := exec.Command(bin, "plan", "-f", planPath, "--wait", "10m")
	stderr, err := c.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, c.Start())
	lines := bufio.NewScanner(stderr)
	for lines.Scan() && !strings.HasPrefix(lines.Text(), "ip6plan: waiting for another ip6plan run") {
	}
	require.NoError(t, held.Unlock())
	kill := time.AfterFunc(time.Minute, func() { c.Process.Kill() })
	for lines.Scan() { // to the end: the run is over
	}
	require.NoError(t, c.Wait(), "the waiting run goes ahead once the lock is let go")
	kill.Stop()
	readLock(t, lockPath)
}
