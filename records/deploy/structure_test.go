package deploy

import (
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ip6plan/ip6plan/plan/plantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// The formats below have no reader in CI (exim4 and sendmail conflict
// with postfix; ifupdown, the ifcfg scripts, FreeBSD and Windows are not
// there to run), so each file is read back by a small parser of its
// format and must give the machine's addresses, gateway and names.

// structureSelections are the machines the structure tests configure,
// with the interface each uses.
var structureSelections = []struct {
	hosts []string
	iface string
}{
	{mailHosts, ""},
	{[]string{"mta1"}, "ens192"},
	{[]string{"mta3", "bulk1", "bulk2"}, "bond0.25"},
}

// forEach runs check on the files of kind for each structure selection,
// with the machine they were made for.
func forEach(t *testing.T, kind Kind, check func(t *testing.T, m *machine, f File)) {
	a := plantest.Example(t)
	for _, sel := range structureSelections {
		t.Run(strings.Join(sel.hosts, "+"), func(t *testing.T) {
			opt := Options{Hosts: sel.hosts, Iface: sel.iface}
			files, err := Generate(kind, a, opt)
			require.NoError(t, err)
			require.Len(t, files, 1)
			m, err := newMachine(kind, NewIndex(a), opt)
			require.NoError(t, err)
			check(t, m, files[0])
		})
	}
}

// contentLines returns the lines of s that are not comments or blank.
func contentLines(s, comment string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(l) == "" || strings.HasPrefix(strings.TrimSpace(l), comment) {
			continue
		}
		out = append(out, l)
	}
	return out
}

func cidrs(addrs []netip.Addr) []string {
	out := make([]string, len(addrs))
	for i, a := range addrs {
		out[i] = a.String() + "/64"
	}
	return out
}

// TestEximStructure reads the transports back: each is a name of
// letters, digits and underscores followed by indented options, with
// driver smtp, an interface list with "<;" as its separator whose first
// address is the host's, and helo_data equal to the host's name.
func TestEximStructure(t *testing.T) {
	forEach(t, Exim, func(t *testing.T, m *machine, f File) {
		var names []string
		opts := map[string]map[string]string{}
		cur := ""
		for _, l := range contentLines(f.Content, "#") {
			if !strings.HasPrefix(l, " ") {
				require.Regexp(t, `^[a-z][a-z0-9_]*:$`, l)
				cur = strings.TrimSuffix(l, ":")
				names = append(names, cur)
				opts[cur] = map[string]string{}
				continue
			}
			k, v, ok := strings.Cut(strings.TrimSpace(l), " = ")
			require.True(t, ok, "option line %q", l)
			require.NotEmpty(t, cur)
			opts[cur][k] = v
		}
		ts := m.transports()
		require.Len(t, names, len(ts))
		for i, tr := range ts {
			o := opts[names[i]]
			assert.Equal(t, eximName(tr.name), names[i])
			assert.Equal(t, "smtp", o["driver"])
			assert.Equal(t, tr.member.name, o["helo_data"])
			list, ok := strings.CutPrefix(o["interface"], "<; ")
			require.True(t, ok, "interface %q starts with <;", o["interface"])
			var addrs []netip.Addr
			for _, s := range strings.Split(list, ";") {
				addrs = append(addrs, netip.MustParseAddr(strings.TrimSpace(s)))
			}
			assert.Equal(t, tr.Addr, addrs[0])
			if tr.Host.IPv4.IsValid() {
				assert.Equal(t, []netip.Addr{tr.Addr, tr.Host.IPv4}, addrs)
			}
		}
	})
}

// TestRHELStructure reads the ifcfg lines as the shell variables they
// are.
func TestRHELStructure(t *testing.T) {
	forEach(t, RHEL, func(t *testing.T, m *machine, f File) {
		assert.Equal(t, "/etc/sysconfig/network-scripts/ifcfg-"+m.iface, f.Path)
		vars := map[string]string{}
		for _, l := range contentLines(f.Content, "#") {
			require.Regexp(t, `^[A-Z0-9_]+=("[^"$\x60\\]*"|[^\s"'$\x60\\]*)$`, l)
			k, v, _ := strings.Cut(l, "=")
			vars[k] = strings.Trim(v, `"`)
		}
		want := cidrs(m.addrs())
		assert.Equal(t, "yes", vars["IPV6INIT"])
		assert.Equal(t, "no", vars["IPV6_AUTOCONF"])
		assert.Equal(t, want[0], vars["IPV6ADDR"])
		assert.Equal(t, strings.Join(want[1:], " "), vars["IPV6ADDR_SECONDARIES"])
		assert.Equal(t, m.gw.String(), vars["IPV6_DEFAULTGW"])
	})
}

// TestDebianStructure reads the stanzas back (interfaces(5)): one
// "iface IF inet6 static" per address, options indented under it, the
// gateway and the autoconfiguration switches in the first only.
func TestDebianStructure(t *testing.T) {
	forEach(t, Debian, func(t *testing.T, m *machine, f File) {
		type stanza map[string]string
		var stanzas []stanza
		for _, l := range contentLines(f.Content, "#") {
			if strings.HasPrefix(l, "\t") {
				require.NotEmpty(t, stanzas, "option %q outside a stanza", l)
				k, v, ok := strings.Cut(strings.TrimSpace(l), " ")
				require.True(t, ok)
				stanzas[len(stanzas)-1][k] = v
				continue
			}
			require.Equal(t, "iface "+m.iface+" inet6 static", l)
			stanzas = append(stanzas, stanza{})
		}
		want := cidrs(m.addrs())
		require.Len(t, stanzas, len(want))
		for i, s := range stanzas {
			assert.Equal(t, want[i], s["address"])
			if i == 0 {
				assert.Equal(t, stanza{"address": want[0], "gateway": m.gw.String(), "autoconf": "0", "accept_ra": "0", "privext": "0"}, s)
			} else {
				assert.Len(t, s, 1, "only the first stanza sets the gateway")
			}
		}
	})
}

// TestNetplanStructure parses the YAML and checks the keys netplan(5)
// reads.
func TestNetplanStructure(t *testing.T) {
	forEach(t, Netplan, func(t *testing.T, m *machine, f File) {
		assert.EqualValues(t, 0o600, f.Mode, "netplan wants its files readable by root only")
		var doc struct {
			Network struct {
				Version   int `yaml:"version"`
				Ethernets map[string]struct {
					AcceptRA    *bool    `yaml:"accept-ra"`
					IPv6Privacy *bool    `yaml:"ipv6-privacy"`
					Addresses   []string `yaml:"addresses"`
					Routes      []struct {
						To  string `yaml:"to"`
						Via string `yaml:"via"`
					} `yaml:"routes"`
				} `yaml:"ethernets"`
			} `yaml:"network"`
		}
		dec := yaml.NewDecoder(strings.NewReader(f.Content))
		dec.KnownFields(true)
		require.NoError(t, dec.Decode(&doc))
		assert.Equal(t, 2, doc.Network.Version)
		require.Len(t, doc.Network.Ethernets, 1)
		e, ok := doc.Network.Ethernets[m.iface]
		require.True(t, ok, "ethernets has %s", m.iface)
		require.NotNil(t, e.AcceptRA)
		assert.False(t, *e.AcceptRA)
		require.NotNil(t, e.IPv6Privacy)
		assert.False(t, *e.IPv6Privacy)
		assert.Equal(t, cidrs(m.addrs()), e.Addresses)
		require.Len(t, e.Routes, 1)
		assert.Equal(t, "::/0", e.Routes[0].To)
		assert.Equal(t, m.gw.String(), e.Routes[0].Via)
	})
}

// TestNetworkdStructure reads the .network file's sections
// (systemd.network(5)).
func TestNetworkdStructure(t *testing.T) {
	forEach(t, Networkd, func(t *testing.T, m *machine, f File) {
		assert.True(t, strings.HasSuffix(f.Path, ".network"))
		sections := map[string][]string{}
		cur := ""
		for _, l := range contentLines(f.Content, "#") {
			if strings.HasPrefix(l, "[") {
				cur = l
				continue
			}
			require.Regexp(t, `^[A-Za-z0-9]+=\S+$`, l)
			sections[cur] = append(sections[cur], l)
		}
		assert.Equal(t, []string{"Name=" + m.iface}, sections["[Match]"])
		var want []string
		for _, c := range cidrs(m.addrs()) {
			want = append(want, "Address="+c)
		}
		want = append(want, "IPv6AcceptRA=no", "IPv6PrivacyExtensions=no", "Gateway="+m.gw.String())
		assert.Equal(t, want, sections["[Network]"])
		assert.Len(t, sections, 2)
	})
}

// TestFreeBSDStructure reads the rc.conf lines as the shell variables
// they are; rc.conf names an interface with '_' for '.'.
func TestFreeBSDStructure(t *testing.T) {
	forEach(t, FreeBSD, func(t *testing.T, m *machine, f File) {
		v := strings.NewReplacer(".", "_").Replace(m.iface)
		var got []string
		for _, l := range contentLines(f.Content, "#") {
			require.Regexp(t, `^[a-z][a-z0-9_]*="[^"$\x60\\]*"$`, l)
			got = append(got, l)
		}
		want := []string{}
		for i, a := range m.addrs() {
			if i == 0 {
				want = append(want, "ifconfig_"+v+`_ipv6="inet6 `+a.String()+` prefixlen 64"`)
			} else {
				want = append(want, "ifconfig_"+v+"_alias"+string(rune('0'+i-1))+`="inet6 `+a.String()+` prefixlen 64"`)
			}
		}
		want = append(want, `ipv6_defaultrouter="`+m.gw.String()+`"`)
		assert.Equal(t, want, got)
	})
}

// TestWindowsStructure: a batch file with CRLF line ends, REM comments
// and netsh interface ipv6 commands only, the interface quoted.
func TestWindowsStructure(t *testing.T) {
	forEach(t, Windows, func(t *testing.T, m *machine, f File) {
		require.True(t, strings.HasSuffix(f.Content, "\r\n"))
		assert.NotRegexp(t, `[^\r]\n`, f.Content, "every line ends in CRLF")
		var cmds []string
		for _, l := range contentLines(f.Content, "REM") {
			require.True(t, strings.HasPrefix(l, "netsh interface ipv6 "), l)
			assert.Contains(t, l, `interface="`+m.iface+`"`)
			cmds = append(cmds, l)
		}
		want := []string{"set interface", "add address", "add route"}
		var got []string
		for _, c := range cmds {
			verb := strings.Join(strings.Fields(c)[3:5], " ")
			if !slices.Contains(got, verb) {
				got = append(got, verb)
			}
		}
		assert.Equal(t, want, got)
		for i, a := range m.addrs() {
			re := `address=` + regexp.QuoteMeta(a.String()) + `/64 store=persistent`
			if i > 0 {
				re += ` skipassource=true`
			}
			assert.Regexp(t, re+`\r\n`, f.Content)
		}
		assert.Contains(t, f.Content, "prefix=::/0 interface=\""+m.iface+"\" nexthop="+m.gw.String()+" store=persistent\r\n")
	})
}
