package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ip6plan/ip6plan/plan/plantest"
	"github.com/ip6plan/ip6plan/plan/tooltest"
)

func TestLogicalLines(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"heading up to the empty comment", "# /etc/postfix/main.cf\n# add these lines\n#\n# kept\na = 1\n", []string{"# kept", "a = 1"}},
		{"heading of one line", "# /etc/postfix/main.cf\n# kept\na = 1\n", []string{"# kept", "a = 1"}},
		{"continuation", "# f\na = 1\n  2\n\t3\n", []string{"a = 1 2 3"}},
		{"no continuation of a comment", "# f\n# c\n  x = 1\n", []string{"# c", "x = 1"}},
		{"no continuation across an empty line", "# f\na = 1\n\n  b = 2\n", []string{"a = 1", "", "b = 2"}},
		{"service with options", "# f\nsmtp1 unix - - n - - smtp\n  -o a=b\n", []string{"smtp1 unix - - n - - smtp -o a=b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, logicalLines(tc.text))
		})
	}
}

func TestPostconfEntryErrors(t *testing.T) {
	_, err := mainCFEntries("# f\nnot a setting\n")
	assert.ErrorContains(t, err, `"not a setting" is not a parameter = value line`)
	_, err = masterCFEntries("# f\nsmtp1 unix - - n\n")
	assert.ErrorContains(t, err, `has 5 fields; a service has 8 and its arguments`)
	_, err = postconfScript([]File{{Path: "/etc/mailname", Content: "x\n"}}, nil)
	assert.ErrorContains(t, err, "/etc/mailname: postconf edits only main.cf and master.cf")
}

// TestPostconfScript checks the script against the files it is made of:
// one postconf -e for each main.cf setting, one postconf -M for each
// master.cf service, each quoted for sh, and the hosts in its heading.
func TestPostconfScript(t *testing.T) {
	a := plantest.Example(t)
	for _, hosts := range toolSelections[:3] {
		t.Run(strings.Join(hosts, "+"), func(t *testing.T) {
			script, err := PostconfScript(a, Options{Hosts: hosts})
			require.NoError(t, err)
			files, err := Generate(Postfix, a, Options{Hosts: hosts})
			require.NoError(t, err)
			m := newMachineT(t, a, hosts)

			heading, _, _ := strings.Cut(script, "\n# Each command")
			for _, h := range m.hosts {
				assert.Contains(t, heading, h.name)
			}
			var settings, services int
			for _, f := range files {
				for _, l := range strings.Split(f.Content, "\n") {
					switch {
					case l == "" || l[0] == '#' || l[0] == ' ' || l[0] == '\t':
					case strings.HasSuffix(f.Path, "main.cf"):
						settings++
					default:
						services++
					}
				}
			}
			assert.Equal(t, settings, strings.Count(script, "\npostconf -e '"))
			assert.Equal(t, services, strings.Count(script, "\npostconf -M '"))
			assert.Equal(t, len(m.transports()), services)
			for _, tr := range m.transports() {
				assert.Contains(t, script, "\npostconf -M '"+tr.name+"/unix="+tr.name+" unix ")
			}
		})
	}
	_, err := PostconfScript(a, Options{Hosts: []string{"nosuchhost"}})
	assert.ErrorContains(t, err, `no host "nosuchhost"`)
}

// TestPostconfScriptApplies runs the script with postconf(1) on empty
// configuration files and compares what Postfix then reads with what it
// reads from the files Generate writes: the two forms must set the same.
// Run again, the script must change nothing.
func TestPostconfScriptApplies(t *testing.T) {
	postconf := tooltest.Look(t, "postconf", "postfix")
	a := plantest.Example(t)
	settings := func(t *testing.T, dir string) []string {
		var out []string
		for _, flag := range []string{"-n", "-M", "-P"} {
			stdout, stderr, err := runTool(t, postconf, "-c", dir, flag)
			require.NoError(t, err, stderr)
			assert.Empty(t, stderr, "postconf %s warnings", flag)
			for _, l := range strings.Split(stdout, "\n") {
				if !strings.HasPrefix(l, "config_directory = ") {
					out = append(out, strings.Join(strings.Fields(l), " "))
				}
			}
		}
		return out
	}
	for _, hosts := range toolSelections[:3] {
		t.Run(strings.Join(hosts, "+"), func(t *testing.T) {
			t.Parallel() // postconf takes a second or two to start
			files, err := Generate(Postfix, a, Options{Hosts: hosts})
			require.NoError(t, err)
			fromFiles := t.TempDir()
			writeFiles(t, fromFiles, files)

			script, err := PostconfScript(a, Options{Hosts: hosts})
			require.NoError(t, err)
			applied := t.TempDir()
			for _, name := range []string{"main.cf", "master.cf"} {
				require.NoError(t, os.WriteFile(filepath.Join(applied, name), nil, 0o644))
			}
			run := func() {
				cmd := exec.Command("sh", "-c", script)
				cmd.Env = append(os.Environ(), "MAIL_CONFIG="+applied, "PATH="+filepath.Dir(postconf)+":"+os.Getenv("PATH"))
				out, err := cmd.CombinedOutput()
				require.NoError(t, err, "%s", out)
				assert.Empty(t, string(out))
			}
			run()
			assert.Equal(t, settings(t, fromFiles), settings(t, applied))

			once, err := os.ReadFile(filepath.Join(applied, "main.cf"))
			require.NoError(t, err)
			onceMaster, err := os.ReadFile(filepath.Join(applied, "master.cf"))
			require.NoError(t, err)
			run()
			again, err := os.ReadFile(filepath.Join(applied, "main.cf"))
			require.NoError(t, err)
			againMaster, err := os.ReadFile(filepath.Join(applied, "master.cf"))
			require.NoError(t, err)
			assert.Equal(t, string(once), string(again))
			assert.Equal(t, string(onceMaster), string(againMaster))
		})
	}
}
