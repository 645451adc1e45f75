package deploy

import (
	"flag"
	"net/netip"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/plan/plantest"
)

var updateConfig = flag.Bool("update-config", false, "rewrite the golden files in testdata")

// mailHosts are the two senders of the example's transactional stream,
// carried by one machine.
var mailHosts = []string{"mta1", "mta2"}

// goldenCases are the golden files: every kind for the example's two
// transactional MTAs, and the firewalls for its servers too.
var goldenCases = []struct {
	name  string
	kind  Kind
	hosts []string
	iface string
}{
	{"postfix", Postfix, mailHosts, ""},
	{"exim", Exim, mailHosts, ""},
	{"sendmail", Sendmail, mailHosts, ""},
	{"rhel", RHEL, mailHosts, ""},
	{"debian", Debian, mailHosts, ""},
	{"netplan", Netplan, mailHosts, ""},
	{"networkd", Networkd, mailHosts, ""},
	{"freebsd", FreeBSD, mailHosts, ""},
	{"windows", Windows, mailHosts, ""},
	{"nftables", Nftables, mailHosts, ""},
	{"ip6tables", IP6tables, mailHosts, ""},
	{"nftables-servers", Nftables, []string{"www", "ns1", "ns2", "submit"}, ""},
	{"ip6tables-servers", IP6tables, []string{"www", "ns1", "ns2", "submit"}, ""},
	{"freebsd-vlan", FreeBSD, []string{"mta1.example.com.", "mail-bulk/bulk2"}, "vlan0.25"},
}

// archive returns files as a txtar archive, one file per target path.
func archive(files []File) []byte {
	var ar txtar.Archive
	for _, f := range files {
		ar.Files = append(ar.Files, txtar.File{Name: f.Path, Data: []byte(f.Content)})
	}
	return txtar.Format(&ar)
}

// TestGolden pins each kind's output on the shipped example plan; run
// with -update-config to rewrite testdata/*.txtar after a deliberate
// change, and review the diff.
func TestGolden(t *testing.T) {
	a := plantest.Example(t)
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			files, err := Generate(tc.kind, a, Options{Hosts: tc.hosts, Iface: tc.iface})
			require.NoError(t, err)
			got := archive(files)
			golden := filepath.Join("testdata", tc.name+".txtar")
			if *updateConfig {
				require.NoError(t, os.WriteFile(golden, got, 0o644))
				return
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test -update-config to create it")
			assert.Equal(t, string(want), string(got))
		})
	}
}

// TestInvariants checks what holds for every kind and selection of
// hosts: each file names its path in its first line, base names are
// unique, every selected address is in the output, and nothing is
// written for hosts that were not selected.
func TestInvariants(t *testing.T) {
	a := plantest.Example(t)
	selections := [][]string{{"mta1"}, mailHosts, {"mta3", "bulk1", "bulk2"}, {"submit", "mta1"}}
	for _, kind := range Kinds() {
		for _, hosts := range selections {
			t.Run(string(kind)+"/"+strings.Join(hosts, "+"), func(t *testing.T) {
				files, err := Generate(kind, a, Options{Hosts: hosts})
				require.NoError(t, err)
				require.NotEmpty(t, files)
				bases := map[string]bool{}
				var all strings.Builder
				for _, f := range files {
					first, _, _ := strings.Cut(f.Content, "\n")
					assert.Contains(t, first, f.Path, "the first line names the target path")
					base := path.Base(f.Path)
					assert.False(t, bases[base], "base name %s repeats", base)
					bases[base] = true
					assert.NotZero(t, f.Mode)
					all.WriteString(f.Content)
				}
				out := all.String()
				for _, h := range a.Hosts {
					if !h.Addr.IsValid() {
						continue
					}
					present := regexp.MustCompile(regexp.QuoteMeta(h.Addr.String()) + `($|[^0-9a-f:])`).MatchString(out)
					if !selected(a, hosts, h.Path) {
						assert.False(t, present, "%s (%s) is not on this machine", h.Path, h.Addr)
						continue
					}
					want := true
					switch kind {
					case Postfix, Exim:
						want = h.Host.IsSender()
					case Sendmail:
						want = h.Host.IsSender() || len(daemonsOf(member{HostAlloc: h})) > 0
					}
					if want {
						assert.True(t, present, "%s (%s) is on this machine", h.Path, h.Addr)
					}
				}
			})
		}
	}
}

// selected reports whether names select the host at path.
func selected(a *plan.Allocation, names []string, path string) bool {
	for _, n := range names {
		if h, err := Lookup(a, n); err == nil && h.Path == path {
			return true
		}
	}
	return false
}

func TestGenerateErrors(t *testing.T) {
	a := plantest.Example(t)
	tests := []struct {
		name string
		kind Kind
		opt  Options
		want string
	}{
		{"unknown kind", "qmail", Options{Hosts: []string{"mta1"}}, `unknown kind "qmail"`},
		{"no host", Postfix, Options{}, "no host given"},
		{"unknown host", Postfix, Options{Hosts: []string{"mta9"}}, `no host "mta9" in the plan`},
		{"each unknown host", RHEL, Options{Hosts: []string{"mta9", "mta1", "nope"}}, `no host "nope"`},
		{"dynamic host", Debian, Options{Hosts: []string{"printer"}}, `"site-a/office/printer" has a dynamic address`},
		{"no mail role", Postfix, Options{Hosts: []string{"www", "ns1"}}, "has a mail role"},
		{"bad iface", RHEL, Options{Hosts: []string{"mta1"}, Iface: "eth0\nX=1"}, "is not allowed"},
		{"long iface", Networkd, Options{Hosts: []string{"mta1"}, Iface: "enp0s31f6-extralong"}, "longer than 15"},
		{"quote in Windows iface", Windows, Options{Hosts: []string{"mta1"}, Iface: `Ethernet" & del`}, "is not allowed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files, err := Generate(tc.kind, a, tc.opt)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Nil(t, files)
		})
	}
}

// TestMissingGateway: operating system kinds need a default route and
// refuse a machine none of whose subnets has a gateway, naming the
// subnet; MTA and firewall kinds do not need one.
func TestMissingGateway(t *testing.T) {
	a := plantest.Alloc(t, `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: mail
    size: 64
    purpose: mail
    hosts: [{name: mta1, address: "::25", roles: [outbound, mx]}]
  - name: bulk
    size: 64
    purpose: mail
    gateway: "2001:db8:d6:1::fe"
    hosts: [{name: bulk1, address: "::25", roles: [outbound]}]
`)
	for _, kind := range Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			_, err := Generate(kind, a, Options{Hosts: []string{"mta1"}})
			if !kind.IsHost() {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), `subnet "mail" has no gateway`)
			// With a second host whose subnet has a gateway, that one is used.
			files, err := Generate(kind, a, Options{Hosts: []string{"mta1", "bulk1"}})
			require.NoError(t, err)
			assert.Contains(t, files[0].Content, "2001:db8:d6:1::fe")
			assert.Contains(t, files[0].Content, "has no gateway of its own")
		})
	}
}

func TestGateway(t *testing.T) {
	a := plantest.Example(t)
	for _, s := range a.Subnets {
		g := s.Gateway()
		switch s.Path {
		case "mail-transactional":
			assert.Equal(t, netip.MustParseAddr("2001:db8:d6:25::1"), g)
		case "site-a/office", "site-a", "site-a/links":
			assert.False(t, g.IsValid(), "%s has no gateway", s.Path)
		default:
			assert.True(t, s.Prefix.Contains(g), "%s's gateway %s is in %s", s.Path, g, s.Prefix)
		}
	}
}

func TestLookup(t *testing.T) {
	a := plantest.Example(t)
	for _, name := range []string{"mta1", "MTA1", "mta1.example.com", "mta1.example.com.", "mail-transactional/mta1"} {
		h, err := Lookup(a, name)
		require.NoError(t, err, name)
		assert.Equal(t, "mail-transactional/mta1", h.Path)
	}
	_, err := Lookup(a, "mail-transactional")
	assert.ErrorContains(t, err, "no host")
}

func TestParseKind(t *testing.T) {
	for _, k := range Kinds() {
		got, err := ParseKind(string(k))
		require.NoError(t, err)
		assert.Equal(t, k, got)
		assert.Equal(t, 1, btoi(k.IsMTA())+btoi(k.IsHost())+btoi(k.IsFirewall()), "%s is in exactly one group", k)
	}
	_, err := ParseKind("Postfix")
	assert.ErrorContains(t, err, "want one of postfix, exim")
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
