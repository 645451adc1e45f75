package deploy

import (
	"bytes"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/plan/plantest"
	"github.com/ip6plan/ip6plan/plan/tooltest"
)

// These tests hand the generated files to the programs that read them
// (Debian packages postfix, nftables, iptables, netplan.io, sendmail-cf)
// and fail on anything the program rejects or warns about. Each starts
// with a negative control: a file the program must reject, so that a
// check that cannot fail would be noticed.

// toolSelections are the machines the tool tests configure.
var toolSelections = [][]string{mailHosts, {"mta1"}, {"mta3", "bulk1", "bulk2"}, {"www", "ns1", "ns2", "submit"}}

// writeFiles writes files into dir under their base names and returns
// the paths by base name.
func writeFiles(t *testing.T, dir string, files []File) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range files {
		p := filepath.Join(dir, path.Base(f.Path))
		require.NoError(t, os.WriteFile(p, []byte(f.Content), f.Mode))
		out[path.Base(f.Path)] = p
	}
	return out
}

// runTool runs a program and returns its stdout and stderr.
func runTool(t *testing.T, name string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var o, e bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

// requireTools reports whether CI has asked for every tool to run.
func requireTools() bool { return os.Getenv("IP6PLAN_REQUIRE_TOOLS") == "1" }

// skipDenied skips the test when a firewall tool was refused the
// privileges it checks rules with: nft -c and ip6tables-restore --test
// have the kernel validate the rules over netlink, which needs
// CAP_NET_ADMIN, and the legacy ip6tables takes /run/xtables.lock. Under
// IP6PLAN_REQUIRE_TOOLS=1 (CI runs as root) it is a failure like any
// other.
func skipDenied(t *testing.T, tool, output string) {
	t.Helper()
	if requireTools() {
		return
	}
	for _, s := range []string{"Operation not permitted", "Permission denied", "you must be root"} {
		if strings.Contains(output, s) {
			t.Skipf("%s cannot check rules without root (netlink needs CAP_NET_ADMIN): %s", tool, strings.TrimSpace(output))
		}
	}
}

// postconfParams parses "name = value" lines.
func postconfParams(out string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, " = "); ok {
			m[k] = v
		}
	}
	return m
}

// TestPostconf reads the Postfix files with postconf(1): main.cf with -n,
// master.cf with -M and its -o overrides with -P. Postfix warns about an
// unknown parameter ("unused parameter") on standard error; nothing may
// appear there.
func TestPostconf(t *testing.T) {
	postconf := tooltest.Look(t, "postconf", "postfix")
	a := plantest.Example(t)

	t.Run("control", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "main.cf"), []byte("smtp_bind_adress6 = 2001:db8::1\n"), 0o644))
		_, stderr, err := runTool(t, postconf, "-c", dir, "-n")
		require.NoError(t, err)
		assert.Contains(t, stderr, "unused parameter: smtp_bind_adress6")
	})
	for _, hosts := range toolSelections[:3] {
		t.Run(strings.Join(hosts, "+"), func(t *testing.T) {
			t.Parallel() // postconf takes a second or two to start
			files, err := Generate(Postfix, a, Options{Hosts: hosts})
			require.NoError(t, err)
			dir := t.TempDir()
			writeFiles(t, dir, files)

			out, stderr, err := runTool(t, postconf, "-c", dir, "-n")
			require.NoError(t, err, stderr)
			assert.Empty(t, stderr, "postconf -n warnings")
			m := newMachineT(t, a, hosts)
			p := postconfParams(out)
			assert.Equal(t, "all", p["inet_protocols"])
			assert.Equal(t, m.primary().Addr.String(), p["smtp_bind_address6"])
			assert.Equal(t, m.primary().name, p["smtp_helo_name"])
			assert.Equal(t, "ipv6", p["smtp_address_preference"])
			for _, s := range m.subnets() {
				assert.Contains(t, strings.Fields(p["mynetworks"]), "["+s.Addr().String()+"]/64")
			}

			out, stderr, err = runTool(t, postconf, "-c", dir, "-M")
			require.NoError(t, err, stderr)
			assert.Empty(t, stderr, "postconf -M warnings")
			ts := m.transports()
			require.NotEmpty(t, ts)
			for _, tr := range ts {
				assert.Regexp(t, `(?m)^`+regexp.QuoteMeta(tr.name)+`\s+unix\s+-\s+-\s+n\s+-\s+-\s+smtp\s`, out)
			}

			out, stderr, err = runTool(t, postconf, "-c", dir, "-P")
			require.NoError(t, err, stderr)
			assert.Empty(t, stderr, "postconf -P warnings")
			p = postconfParams(out)
			for _, tr := range ts {
				assert.Equal(t, tr.Addr.String(), p[tr.name+"/unix/smtp_bind_address6"])
				assert.Equal(t, tr.member.name, p[tr.name+"/unix/smtp_helo_name"])
				if tr.Host.IPv4.IsValid() {
					assert.Equal(t, tr.Host.IPv4.String(), p[tr.name+"/unix/smtp_bind_address"])
				}
			}
		})
	}
}

// newMachineT is newMachine for tests: the Postfix view of hosts.
func newMachineT(t *testing.T, a *plan.Allocation, hosts []string) *machine {
	t.Helper()
	m, err := newMachine(Postfix, NewIndex(a), Options{Hosts: hosts})
	require.NoError(t, err)
	return m
}

// firewallPlan has a relay, which accepts SMTP from the plan's prefix
// only, beside the example's roles.
const firewallPlan = `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: servers
    size: 64
    gateway: "::1"
    hosts:
      - {name: relay1, address: "::25", roles: [relay]}
      - {name: box, address: "::80", roles: [web, ns, mx, submission, outbound]}
      - {name: quiet, address: "::99"}
`

// TestNft checks the nftables rules with nft -c -f, which parses them and
// has the kernel validate the batch without committing it.
func TestNft(t *testing.T) {
	nft := tooltest.Look(t, "nft", "nftables")
	t.Run("control", func(t *testing.T) {
		files, err := Generate(Nftables, plantest.Example(t), Options{Hosts: []string{"mta1"}})
		require.NoError(t, err)
		files[0].Content = strings.Replace(files[0].Content, "nd-neighbor-solicit", "nd-neighbour-solicit", 1)
		p := writeFiles(t, t.TempDir(), files)["ip6plan.nft"]
		_, stderr, err := runTool(t, nft, "-c", "-f", p)
		skipDenied(t, "nft -c", stderr)
		require.Error(t, err, "nft -c must reject an unknown ICMPv6 type")
	})
	check := func(t *testing.T, a *plan.Allocation, hosts []string) {
		files, err := Generate(Nftables, a, Options{Hosts: hosts})
		require.NoError(t, err)
		p := writeFiles(t, t.TempDir(), files)["ip6plan.nft"]
		stdout, stderr, err := runTool(t, nft, "-c", "-f", p)
		skipDenied(t, "nft -c", stderr)
		require.NoError(t, err, "nft -c -f %s:\n%s%s\n%s", p, stdout, stderr, files[0].Content)
		assert.Empty(t, stderr)
	}
	for _, hosts := range toolSelections {
		t.Run(strings.Join(hosts, "+"), func(t *testing.T) { check(t, plantest.Example(t), hosts) })
	}
	t.Run("relay", func(t *testing.T) { check(t, plantest.Alloc(t, firewallPlan), []string{"relay1", "box", "quiet"}) })
}

// TestIP6tablesRestore checks the ip6tables rules with
// ip6tables-restore --test (the nf_tables backend Debian uses), and with
// ip6tables-legacy-restore --test where installed, which also loads each
// match and target.
func TestIP6tablesRestore(t *testing.T) {
	restore := tooltest.Look(t, "ip6tables-restore", "iptables")
	tools := []string{restore}
	if legacy, err := exec.LookPath("ip6tables-legacy-restore"); err == nil {
		tools = append(tools, legacy)
	}
	for _, tool := range tools {
		t.Run(filepath.Base(tool), func(t *testing.T) {
			t.Run("control", func(t *testing.T) {
				files, err := Generate(IP6tables, plantest.Example(t), Options{Hosts: []string{"mta1"}})
				require.NoError(t, err)
				files[0].Content = strings.Replace(files[0].Content, "neighbour-solicitation", "nd-neighbor-solicit", 1) // nft's name
				p := writeFiles(t, t.TempDir(), files)["rules.v6"]
				_, stderr, err := runTool(t, tool, "--test", p)
				skipDenied(t, "ip6tables-restore --test", stderr)
				require.Error(t, err, "ip6tables-restore --test must reject nft's ICMPv6 type name")
			})
			check := func(t *testing.T, a *plan.Allocation, hosts []string) {
				files, err := Generate(IP6tables, a, Options{Hosts: hosts})
				require.NoError(t, err)
				p := writeFiles(t, t.TempDir(), files)["rules.v6"]
				stdout, stderr, err := runTool(t, tool, "--test", p)
				skipDenied(t, "ip6tables-restore --test", stderr)
				require.NoError(t, err, "%s --test %s:\n%s%s\n%s", tool, p, stdout, stderr, files[0].Content)
				assert.Empty(t, stderr)
			}
			for _, hosts := range toolSelections {
				t.Run(strings.Join(hosts, "+"), func(t *testing.T) { check(t, plantest.Example(t), hosts) })
			}
			t.Run("relay", func(t *testing.T) { check(t, plantest.Alloc(t, firewallPlan), []string{"relay1", "box", "quiet"}) })
		})
	}
}

// TestNetplanGenerate has netplan itself read the YAML: netplan generate
// --root-dir turns DIR/etc/netplan into systemd-networkd files under
// DIR/run, touching nothing outside DIR. The .network file it writes must
// hold the same addresses and gateway as the one Generate writes for
// networkd.
func TestNetplanGenerate(t *testing.T) {
	netplan := tooltest.Look(t, "netplan", "netplan.io")
	a := plantest.Example(t)
	t.Run("control", func(t *testing.T) {
		root := t.TempDir()
		dir := filepath.Join(root, "etc", "netplan")
		require.NoError(t, os.MkdirAll(dir, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "60-bad.yaml"), []byte("network:\n  version: 2\n  ethernets:\n    eth0:\n      addresses: [\"2001:db8::1/129\"]\n"), 0o600))
		_, _, err := runTool(t, netplan, "generate", "--root-dir", root)
		require.Error(t, err, "netplan must reject a /129")
	})
	for _, hosts := range toolSelections[:3] {
		t.Run(strings.Join(hosts, "+"), func(t *testing.T) {
			files, err := Generate(Netplan, a, Options{Hosts: hosts, Iface: "ens3"})
			require.NoError(t, err)
			root := t.TempDir()
			dir := filepath.Join(root, "etc", "netplan")
			require.NoError(t, os.MkdirAll(dir, 0o755))
			writeFiles(t, dir, files)
			stdout, stderr, err := runTool(t, netplan, "generate", "--root-dir", root)
			require.NoError(t, err, "%s%s", stdout, stderr)
			assert.Empty(t, stderr)
			got, err := os.ReadFile(filepath.Join(root, "run", "systemd", "network", "10-netplan-ens3.network"))
			require.NoError(t, err)

			nd, err := Generate(Networkd, a, Options{Hosts: hosts, Iface: "ens3"})
			require.NoError(t, err)
			assert.Equal(t, networkdKeys(nd[0].Content), networkdKeys(string(got)), "netplan's .network and ours")
		})
	}
}

// networkdKeys returns the Name, Address and Gateway lines of a .network
// file and whether it accepts router advertisements, in order.
func networkdKeys(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		for _, k := range []string{"Name=", "Address=", "Gateway=", "IPv6AcceptRA="} {
			if strings.HasPrefix(line, k) {
				out = append(out, line)
			}
		}
	}
	return out
}

// lookFile returns path, or skips (fails under IP6PLAN_REQUIRE_TOOLS=1)
// with the Debian package that provides it, as tooltest.Look does for
// programs.
func lookFile(t *testing.T, path, debianPackage string) string {
	t.Helper()
	if _, err := os.Stat(path); err == nil {
		return path
	}
	msg := path + " is not installed; install it with: apt-get install -y " + debianPackage
	if requireTools() {
		t.Fatal(msg + " (IP6PLAN_REQUIRE_TOOLS=1 makes this a failure)")
	}
	t.Skip(msg)
	return ""
}

// TestSendmailM4 builds a sendmail.cf from a minimal sendmail.mc with the
// generated lines, using sendmail-cf's m4 macros as make -C /etc/mail
// does, and checks the options they become: DaemonPortOptions,
// ClientPortOptions and HeloName.
func TestSendmailM4(t *testing.T) {
	m4 := tooltest.Look(t, "m4", "m4")
	cf := lookFile(t, "/usr/share/sendmail/cf/m4/cf.m4", "sendmail-cf")
	build := func(t *testing.T, lines string) (string, string, error) {
		mc := "include(`" + cf + "')dnl\nOSTYPE(`debian')dnl\n" + lines + "MAILER(`local')dnl\nMAILER(`smtp')dnl\n"
		p := filepath.Join(t.TempDir(), "sendmail.mc")
		require.NoError(t, os.WriteFile(p, []byte(mc), 0o644))
		return runTool(t, m4, p)
	}
	t.Run("control", func(t *testing.T) {
		_, stderr, _ := build(t, "CLIENT_OPTIONS(`Family=inet6, Addr=2001:db8::1'\n")
		assert.NotEmpty(t, stderr, "m4 must complain about an unclosed macro call")
	})
	a := plantest.Example(t)
	for _, hosts := range [][]string{mailHosts, {"mta3", "submit"}} {
		t.Run(strings.Join(hosts, "+"), func(t *testing.T) {
			files, err := Generate(Sendmail, a, Options{Hosts: hosts})
			require.NoError(t, err)
			out, stderr, err := build(t, files[0].Content)
			require.NoError(t, err, stderr)
			assert.Empty(t, stderr)
			m, err := newMachine(Sendmail, NewIndex(a), Options{Hosts: hosts})
			require.NoError(t, err)
			s := m.senders()[0]
			assert.Contains(t, out, "\nO ClientPortOptions=Family=inet6, Addr="+s.Addr.String()+"\n")
			assert.Contains(t, out, "\nO HeloName="+s.name+"\n")
			for _, h := range m.hosts {
				for _, d := range daemonsOf(h) {
					assert.Regexp(t, `\nO DaemonPortOptions=Family=inet6, Name=`+d.name+`-[a-z0-9-]+, Addr=`+regexp.QuoteMeta(h.Addr.String())+`, Port=`+d.port, out)
				}
			}
		})
	}
}

// TestExim runs exim -bV on a configuration holding the generated
// transports. Debian's exim4 and postfix packages conflict (both are the
// system's mail-transport-agent), and CI needs postfix, so this test runs
// only where exim4 is installed, even under IP6PLAN_REQUIRE_TOOLS=1;
// TestEximStructure checks the same files without it.
func TestExim(t *testing.T) {
	exim, err := exec.LookPath("exim4")
	if err != nil {
		if exim, err = exec.LookPath("exim"); err != nil {
			t.Skip("exim4 is not installed (apt-get install -y exim4-daemon-light; it replaces postfix, which the other tests need)")
		}
	}
	a := plantest.Example(t)
	files, err := Generate(Exim, a, Options{Hosts: mailHosts})
	require.NoError(t, err)
	conf := "primary_hostname = mta1.example.com\nbegin routers\ndnslookup:\n  driver = dnslookup\n  transport = remote_smtp_mail_transactional_mta1\n  no_more\nbegin transports\n" + files[0].Content
	p := filepath.Join(t.TempDir(), "exim.conf")
	require.NoError(t, os.WriteFile(p, []byte(conf), 0o644))
	_, stderr, err := runTool(t, exim, "-bV", "-C", p)
	require.NoError(t, err, stderr)
	assert.NotContains(t, stderr, "error")
}
