package spf

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/plan/plantest"
	"github.com/ip6plan/ip6plan/records"
)

func TestBuildExample(t *testing.T) {
	a := plantest.Example(t)
	r, err := Build(a)
	require.NoError(t, err)
	// The two mail streams' /64s, mta2's and mta3's IPv4 addresses (not
	// one /31: .23 and .24 straddle a boundary), and the default -all.
	assert.Equal(t, "v=spf1 ip6:2001:db8:d6::/64 ip6:2001:db8:d6:25::/64 ip4:128.223.214.23 ip4:128.223.214.24 -all", r.String())
	assert.Equal(t, `"v=spf1 ip6:2001:db8:d6::/64 ip6:2001:db8:d6:25::/64 ip4:128.223.214.23 ip4:128.223.214.24 -all"`, TXT(r))
	assert.Empty(t, Lint(r.String()))
	checkOffsets(t, r)

	a.Plan.SPF.Scope = plan.SPFScopeHosts
	r, err = Build(a)
	require.NoError(t, err)
	assert.Equal(t, "v=spf1 ip6:2001:db8:d6:0:1213:72ff:fe5b:60c3 ip6:2001:db8:d6:0:d529:2d1a:a708:5c0d"+
		" ip6:2001:db8:d6:25::25 ip6:2001:db8:d6:25::80df:d617 ip6:2001:db8:d6:25:128:223:214:24"+
		" ip4:128.223.214.23 ip4:128.223.214.24 -all", r.String())
	assert.Empty(t, Lint(r.String()))
}

// TestBuildAuthorizesSenders evaluates the built record with the Checker,
// offline: every sending host's addresses pass, and addresses of hosts
// that do not send, of subnets that are not for mail and outside the plan
// fail.
func TestBuildAuthorizesSenders(t *testing.T) {
	a := plantest.Example(t)
	for _, scope := range []plan.SPFScope{plan.SPFScopeStreams, plan.SPFScopeHosts} {
		t.Run(string(scope), func(t *testing.T) {
			a.Plan.SPF.Scope = scope
			r, err := Build(a)
			require.NoError(t, err)
			var c Checker
			check := func(ip netip.Addr, want Result) {
				t.Helper()
				got, why, err := c.CheckRecord(context.Background(), r, ip, "example.com", "bounce@example.com", "mta1.example.com")
				assert.Equal(t, want, got, "%s: %s", ip, why)
				assert.NoError(t, err)
			}
			senders := 0
			for _, h := range a.Hosts {
				switch {
				case h.Host.IsSender():
					senders++
					check(h.Addr, Pass)
					if h.Host.IPv4.IsValid() {
						check(h.Host.IPv4, Pass)
						check(netip.AddrFrom16(h.Host.IPv4.As16()), Pass) // IPv4-mapped is IPv4 (RFC 7208 §5)
					}
				case h.Addr.IsValid():
					check(h.Addr, Fail) // www, ns1, ns2, submit, app1
				}
			}
			assert.Equal(t, 5, senders)
			check(netip.MustParseAddr("2001:db8:d6:180::99"), Fail)  // office, a lan
			check(netip.MustParseAddr("2001:db8:d6:ff00::25"), Fail) // reserved
			check(netip.MustParseAddr("2001:db8:d7::25"), Fail)      // another /48
			check(netip.MustParseAddr("128.223.214.25"), Fail)
			if scope == plan.SPFScopeHosts {
				check(netip.MustParseAddr("2001:db8:d6:25::26"), Fail)
			} else {
				check(netip.MustParseAddr("2001:db8:d6:25::26"), Pass) // room for the stream to grow
			}
		})
	}
}

const smallPlan = `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: transactional
    size: 64
    purpose: mail
    id: "25"
    hosts:
      - {name: mta1, address: "::25", roles: [outbound]}
      - {name: mta2, address: "::26", ipv4: 192.0.2.26, roles: [relay]}
      - {name: mx1, address: "::10", roles: [mx]}
  - name: servers
    size: 64
    id: "100"
    hosts:
      - {name: app, address: "::80", ipv4: 192.0.2.80, roles: [outbound]}
      - {name: www, address: "::443", ipv4: 192.0.2.81, roles: [web]}
  - name: idle
    size: 64
    purpose: mail
    id: "26"
    hosts:
      - {name: mx2, address: "::10", roles: [mx]}
`

func TestBuild(t *testing.T) {
	tests := []struct {
		name string
		spf  string // the plan's spf settings
		want string
	}{
		{
			name: "defaults",
			// The mail stream's /64; app sends from a server subnet, so
			// only its own address; the idle mail subnet has no senders.
			want: "v=spf1 ip6:2001:db8:d6:25::/64 ip6:2001:db8:d6:100::80 ip4:192.0.2.26 ip4:192.0.2.80 -all",
		},
		{
			name: "hosts, ~all, includes and ip4 networks",
			spf: `spf:
  scope: hosts
  policy: ~all
  include: [_spf.esp.example.net, spf.crm.example.org]
  ip4: [198.51.100.0/25, 198.51.100.128/25, 192.0.2.27]
`,
			want: "v=spf1 ip6:2001:db8:d6:25::25 ip6:2001:db8:d6:25::26 ip6:2001:db8:d6:100::80 ip4:192.0.2.26/31 ip4:192.0.2.80 ip4:198.51.100.0/24 include:_spf.esp.example.net include:spf.crm.example.org ~all",
		},
		{
			name: "an ip4 network covers sender addresses",
			spf: `spf:
  ip4: [192.0.2.0/24]
`,
			want: "v=spf1 ip6:2001:db8:d6:25::/64 ip6:2001:db8:d6:100::80 ip4:192.0.2.0/24 -all",
		},
		{
			name: "merged into an existing record",
			spf: `spf:
  include: [_spf.google.com]
  existing: "v=spf1 ip6:2001:db8:d6:25::25 ip4:192.0.2.26 include:_spf.google.com mx ~all"
`,
			want: "v=spf1 ip6:2001:db8:d6:25::/64 ip4:192.0.2.26 include:_spf.google.com mx ip6:2001:db8:d6:100::80 ip4:192.0.2.80 ~all",
		},
		{
			name: "an existing record without all gets the policy",
			spf: `spf:
  existing: "v=spf1 mx"
`,
			want: "v=spf1 mx ip6:2001:db8:d6:25::/64 ip6:2001:db8:d6:100::80 ip4:192.0.2.26 ip4:192.0.2.80 -all",
		},
		{
			name: "an existing record with redirect keeps it",
			spf: `spf:
  existing: "v=spf1 redirect=_spf.example.net"
`,
			want: "v=spf1 ip6:2001:db8:d6:25::/64 ip6:2001:db8:d6:100::80 ip4:192.0.2.26 ip4:192.0.2.80 redirect=_spf.example.net",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := plantest.Alloc(t, smallPlan+tt.spf)
			r, err := Build(a)
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.String())
			checkOffsets(t, r)
		})
	}
}

func TestBuildErrors(t *testing.T) {
	a := plantest.Alloc(t, smallPlan+`spf:
  existing: "v=spf1 ip6:2001:db8::/129 -all"
`)
	_, err := Build(a)
	require.Error(t, err)
	assert.Equal(t, `plan.yaml:25:13: spf existing: spf: term "ip6:2001:db8::/129" at offset 7: cidr length 129 is more than 128`, err.Error())
	var pe *plan.Error
	assert.True(t, errors.As(err, &pe))

	// Plan validation refuses senders without an address; an allocation
	// built by hand may still have them.
	a.Plan.SPF = plan.SPFSettings{Pos: plan.Pos{File: "plan.yaml", Line: 25, Col: 3}}
	a.Hosts[0].Addr = netip.Addr{} // transactional/mta1: its subnet's /64 stands for it
	a.Hosts[3].Addr = netip.Addr{} // servers/app
	_, err = Build(a)
	require.Error(t, err)
	assert.Equal(t, `plan.yaml:16:9: sending host "servers/app" has no address; SPF can only list fixed addresses`, err.Error())

	a.Plan.SPF = plan.SPFSettings{Scope: plan.SPFScopeHosts}
	_, err = Build(a)
	assert.EqualError(t, err, `plan.yaml:9:9: sending host "transactional/mta1" has no address; SPF can only list fixed addresses
plan.yaml:16:9: sending host "servers/app" has no address; SPF can only list fixed addresses`)

	// The policy and scope rules are the plan's: Allocate refuses what
	// the plan file refuses (plan.TestValidateSPF). Settings changed by
	// hand since are taken at their strictest: any policy but ~all fails.
	a = plantest.Alloc(t, "prefix: 2001:db8:d6::/48\ndomain: example.com\n")
	a.Plan.SPF = plan.SPFSettings{Policy: "+all"}
	r, err := Build(a)
	require.NoError(t, err)
	assert.Equal(t, "v=spf1 -all", r.String())
}

// TestBuildNoSenders checks that a plan with no senders gets a record
// that authorizes nothing: its domain sends no mail (RFC 7208 §10.1.2).
func TestBuildNoSenders(t *testing.T) {
	a := plantest.Alloc(t, "prefix: 2001:db8:d6::/48\ndomain: example.com\nsubnets: [{name: lan, size: 64, hosts: [{name: www}]}]\n")
	r, err := Build(a)
	require.NoError(t, err)
	assert.Equal(t, "v=spf1 -all", r.String())
}

// TestBuildManySenders checks aggregation and the TXT split for a plan
// with many sending hosts listed one by one.
func TestBuildManySenders(t *testing.T) {
	var b strings.Builder
	b.WriteString("prefix: 2001:db8:d6::/48\ndomain: example.com\nspf: {scope: hosts}\nsubnets:\n  - name: bulk\n    size: 64\n    purpose: mail\n    hosts:\n")
	for i := range 40 {
		b.WriteString("      - {name: b" + string(rune('a'+i/26)) + string(rune('a'+i%26)) + ", roles: [outbound]}\n")
	}
	a := plantest.Alloc(t, b.String())
	r, err := Build(a)
	require.NoError(t, err)
	// Sequential ::1 to ::40 (hex 0x28) aggregate to ::1, ::2/127, ::4/126,
	// ::8/125, ::10/124, ::20/125 and ::28.
	assert.Equal(t, "v=spf1 ip6:2001:db8:d6::1 ip6:2001:db8:d6::2/127 ip6:2001:db8:d6::4/126 ip6:2001:db8:d6::8/125"+
		" ip6:2001:db8:d6::10/124 ip6:2001:db8:d6::20/125 ip6:2001:db8:d6::28 -all", r.String())

	// A long record splits into strings of at most 255 octets.
	long := &Record{}
	for i := range 40 {
		long.Terms = append(long.Terms, Term{Kind: IP6, Prefix: netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 15: byte(2 * i)}), 128)})
	}
	txt := TXT(long)
	parts := strings.Split(strings.Trim(txt, `"`), `" "`)
	require.Len(t, parts, 3)
	assert.Len(t, parts[0], 255)
	assert.Equal(t, long.String(), strings.Join(parts, ""))
}

func TestHELORecord(t *testing.T) {
	tests := []struct {
		host records.Host
		want string
	}{
		{records.Host{Name: "mta1.example.com.", Addr: netip.MustParseAddr("2001:db8:d6:25::25")}, "v=spf1 ip6:2001:db8:d6:25::25 -all"},
		{records.Host{Name: "mta2.example.com.", Addr: netip.MustParseAddr("2001:db8:d6:25::80df:d617"), IPv4: netip.MustParseAddr("128.223.214.23")},
			"v=spf1 ip6:2001:db8:d6:25::80df:d617 ip4:128.223.214.23 -all"},
	}
	for _, tt := range tests {
		t.Run(tt.host.Name, func(t *testing.T) {
			r := HELORecord(tt.host)
			assert.Equal(t, tt.want, r.String())
			assert.Empty(t, Lint(r.String()))
			checkOffsets(t, r)
			var c Checker
			got, _, _ := c.CheckRecord(context.Background(), r, tt.host.Addr, tt.host.Name, "", tt.host.Name)
			assert.Equal(t, Pass, got)
			got, _, _ = c.CheckRecord(context.Background(), r, tt.host.Addr.Next(), tt.host.Name, "", tt.host.Name)
			assert.Equal(t, Fail, got)
		})
	}
}

func TestTXTRecords(t *testing.T) {
	rrs, err := TXTRecords(plantest.Example(t))
	require.NoError(t, err)
	var got []string
	for _, rr := range rrs {
		assert.Equal(t, "TXT", rr.Type)
		assert.Equal(t, uint32(3600), rr.TTL)
		got = append(got, rr.Name+" "+rr.Data)
	}
	assert.Equal(t, []string{
		`example.com. "v=spf1 ip6:2001:db8:d6::/64 ip6:2001:db8:d6:25::/64 ip4:128.223.214.23 ip4:128.223.214.24 -all"`,
		`bulk1.example.com. "v=spf1 ip6:2001:db8:d6:0:1213:72ff:fe5b:60c3 -all"`,
		`bulk2.example.com. "v=spf1 ip6:2001:db8:d6:0:d529:2d1a:a708:5c0d -all"`,
		`mta1.example.com. "v=spf1 ip6:2001:db8:d6:25::25 -all"`,
		`mta2.example.com. "v=spf1 ip6:2001:db8:d6:25::80df:d617 ip4:128.223.214.23 -all"`,
		`mta3.example.com. "v=spf1 ip6:2001:db8:d6:25:128:223:214:24 ip4:128.223.214.24 -all"`,
	}, got)

	_, err = TXTRecords(plantest.Alloc(t, "prefix: 2001:db8:d6::/48\n"))
	assert.EqualError(t, err, "plan.yaml:1:1: the plan has no domain; its SPF record needs one to be published at")
}
