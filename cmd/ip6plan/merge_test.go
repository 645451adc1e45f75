package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ip6plan/ip6plan/plan"
)

// gitRepo is a Git repository in a temporary directory, with a plan and
// its lock committed on main.
type gitRepo struct {
	t   *testing.T
	dir string
	bin string // ip6plan
}

func newGitRepo(t *testing.T, driver bool) *gitRepo {
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("IP6PLAN_REQUIRE_TOOLS") == "1" {
			t.Fatal("git is not installed: apt-get install git")
		}
		t.Skip("git is not installed: apt-get install git")
	}
	r := &gitRepo{t: t, dir: t.TempDir(), bin: ip6planBin(t)}
	t.Setenv("HOME", r.dir)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	for _, kv := range [][2]string{{"GIT_AUTHOR_NAME", "t"}, {"GIT_AUTHOR_EMAIL", "t@example.com"}, {"GIT_COMMITTER_NAME", "t"}, {"GIT_COMMITTER_EMAIL", "t@example.com"}} {
		t.Setenv(kv[0], kv[1])
	}
	r.git("init", "-q", "-b", "main")
	if driver {
		// As the README sets it up, with this ip6plan.
		r.git("config", "merge.ip6plan-lock.name", "ip6plan lock merge")
		r.git("config", "merge.ip6plan-lock.driver", r.bin+" lock merge %O %A %B --name %P")
		r.write(".gitattributes", "plan.lock merge=ip6plan-lock\n")
	}
	r.write(".gitignore", ".plan.lock.flock\n")
	r.write("plan.yaml", mergePlan(nil, nil))
	r.ip6plan("plan", "-f", "plan.yaml")
	r.git("add", ".")
	r.git("commit", "-q", "-m", "plan")
	return r
}

// mergePlan is a plan with subnets added at its top and at its bottom,
// far enough apart for Git to merge the two edits of the plan file.
func mergePlan(top, bottom []string) string {
	var b strings.Builder
	b.WriteString("prefix: 2001:db8:88::/48\nsubnets:\n")
	for _, s := range top {
		b.WriteString(s + "\n")
	}
	for _, n := range []string{"one", "two", "three", "four"} {
		b.WriteString("  - name: " + n + "\n    size: 64\n")
	}
	for _, s := range bottom {
		b.WriteString(s + "\n")
	}
	return b.String()
}

func (r *gitRepo) write(name, text string) {
	require.NoError(r.t, os.WriteFile(filepath.Join(r.dir, name), []byte(text), 0o644))
}

func (r *gitRepo) read(name string) string {
	data, err := os.ReadFile(filepath.Join(r.dir, name))
	require.NoError(r.t, err)
	return string(data)
}

func (r *gitRepo) run(name string, args ...string) (string, error) {
	c := exec.Command(name, args...)
	c.Dir = r.dir
	out, err := c.CombinedOutput()
	return string(out), err
}

func (r *gitRepo) git(args ...string) string {
	out, err := r.run("git", args...)
	require.NoError(r.t, err, "git %s: %s", args, out)
	return out
}

func (r *gitRepo) ip6plan(args ...string) string {
	out, err := r.run(r.bin, args...)
	require.NoError(r.t, err, "ip6plan %s: %s", args, out)
	return out
}

// branch makes a branch from main whose plan has the given subnets added,
// planned and committed.
func (r *gitRepo) branch(name string, top, bottom []string) {
	r.git("checkout", "-q", "-b", name, "main")
	r.write("plan.yaml", mergePlan(top, bottom))
	r.ip6plan("plan", "-f", "plan.yaml")
	r.git("commit", "-q", "-am", name)
}

func TestLockMergeDriver(t *testing.T) {
	t.Run("both branches add a subnet", func(t *testing.T) {
		r := newGitRepo(t, true)
		r.branch("a", []string{`  - {name: alpha, size: 64, id: "a0"}`}, nil)
		r.branch("b", nil, []string{`  - {name: omega, size: 64, id: "b0"}`})
		r.git("merge", "-q", "--no-edit", "a")

		l, err := plan.ParseLock("plan.lock", []byte(r.read("plan.lock")))
		require.NoError(t, err, "the merged lock is whole")
		for path, want := range map[string]string{"alpha": "2001:db8:88:a0::/64", "omega": "2001:db8:88:b0::/64", "one": "2001:db8:88::/64"} {
			e, ok := l.Get(plan.KindSubnet, path)
			require.True(t, ok, "%s is in the merged lock", path)
			assert.Equal(t, want, e.Prefix.String())
		}
		assert.Contains(t, r.ip6plan("plan", "-f", "plan.yaml", "--check"), "no changes", "the merged lock is current for the merged plan")
		assert.Empty(t, strings.TrimSpace(r.git("status", "--porcelain")), "nothing left over: no sidecar from the driver, no temporary file")
	})

	t.Run("both branches place a subnet on the same space", func(t *testing.T) {
		r := newGitRepo(t, true)
		r.branch("a", []string{`  - {name: alpha, size: 64}`}, nil)
		r.branch("b", nil, []string{`  - {name: omega, size: 64}`})
		ours := r.read("plan.lock")
		out, err := r.run("git", "merge", "--no-edit", "a")
		require.Error(t, err, "the merge fails: %s", out)
		assert.Contains(t, out, "ip6plan: plan.lock: the locks conflict")
		assert.Contains(t, out, "ip6plan: plan.lock is left as it was on our side, without conflict markers")
		assert.Regexp(t, `alpha[^\n]*omega|omega[^\n]*alpha`, out, "the message names both entries on one line")
		assert.Contains(t, out, "CONFLICT (content): Merge conflict in plan.lock")
		assert.Equal(t, ours, r.read("plan.lock"), "the lock in the work tree is ours, with no conflict markers")
	})

	t.Run("without the driver, the README's recovery", func(t *testing.T) {
		r := newGitRepo(t, false)
		r.branch("a", []string{`  - {name: alpha, size: 64, id: "a0"}`}, nil)
		r.branch("b", nil, []string{`  - {name: omega, size: 64, id: "b0"}`})
		out, err := r.run("git", "merge", "--no-edit", "a")
		require.Error(t, err, "a text merge of the lock conflicts: %s", out)
		require.Contains(t, r.read("plan.lock"), "<<<<<<<")
		out, err = r.run(r.bin, "plan", "-f", "plan.yaml")
		require.Error(t, err)
		assert.Contains(t, out, "is a Git conflict marker", "plan refuses the conflicted lock")

		// The README's steps.
		for i, side := range []string{"base", "ours", "theirs"} {
			r.write(side+".lock", r.git("show", ":"+string(rune('1'+i))+":plan.lock"))
		}
		r.ip6plan("lock", "merge", "base.lock", "ours.lock", "theirs.lock")
		r.ip6plan("lock", "check", "ours.lock")
		r.write("plan.lock", r.read("ours.lock"))
		assert.Contains(t, r.ip6plan("plan", "-f", "plan.yaml", "--check"), "no changes")
	})
}
