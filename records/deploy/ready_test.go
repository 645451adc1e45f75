package deploy

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/plan/plantest"
)

var items = []string{ItemStatic, ItemStream, ItemPTR, ItemHELO, ItemSPF, ItemShared}

// statuses returns host path → item → status.
func statuses(checks []Check) map[string]map[string]Status {
	out := map[string]map[string]Status{}
	for _, c := range checks {
		if out[c.Host] == nil {
			out[c.Host] = map[string]Status{}
		}
		out[c.Host][c.Item] = c.Status
	}
	return out
}

// TestReadinessExample: on the shipped example every sender is ready,
// except that its addresses are documentation space and bulk1's is
// EUI-64, both warnings; every sender gets every item, in order.
func TestReadinessExample(t *testing.T) {
	a := plantest.Example(t)
	checks := Readiness(a)
	var senders []string
	for _, h := range a.Hosts {
		if h.Host.IsSender() {
			senders = append(senders, h.Path)
		}
	}
	require.Len(t, checks, len(senders)*len(items))
	for i, c := range checks {
		assert.Equal(t, senders[i/len(items)], c.Host)
		assert.Equal(t, items[i%len(items)], c.Item)
		assert.NotEmpty(t, c.Msg)
		want := Pass
		if c.Item == ItemStatic {
			want = Warn
			assert.Contains(t, c.Msg, "documentation space")
			assert.Equal(t, c.Host == "mail-bulk/bulk1", strings.Contains(c.Msg, "EUI-64"), c.Msg)
		}
		assert.Equal(t, want, c.Status, "%s", c)
	}
	assert.Contains(t, checks[2].Msg, "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.5.2.0.0.6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa. PTR mta1.example.com.")
	assert.Contains(t, checks[4].Msg, "example.com: pass")
}

func TestReadinessFailures(t *testing.T) {
	tests := []struct {
		name   string
		plan   string
		mutate func(a *plan.Allocation)
		want   map[string]map[string]Status // only the items named
	}{
		{
			name: "two streams in one /64",
			plan: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: mail
    size: 64
    purpose: mail
    hosts:
      - {name: tx1, address: "::25", roles: [outbound], stream: transactional}
      - {name: news1, address: "::26", roles: [outbound], stream: marketing}
`,
			want: map[string]map[string]Status{
				"mail/tx1":   {ItemShared: Fail, ItemSPF: Pass, ItemPTR: Pass},
				"mail/news1": {ItemShared: Fail},
			},
		},
		{
			name: "sender among servers",
			plan: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: servers
    size: 64
    purpose: servers
    hosts:
      - {name: relay1, address: "::25", roles: [relay]}
      - {name: www, address: "::80", roles: [web]}
`,
			want: map[string]map[string]Status{"servers/relay1": {ItemShared: Warn, ItemSPF: Pass}},
		},
		{
			name: "no domain",
			plan: `prefix: 2001:db8:d6::/48
subnets:
  - name: mail
    size: 64
    purpose: mail
    hosts: [{name: mta1.example.net., address: "::25", roles: [outbound]}]
`,
			want: map[string]map[string]Status{"mail/mta1.example.net.": {ItemHELO: Pass, ItemSPF: Fail, ItemPTR: Pass, ItemShared: Pass}},
		},
		{
			name: "single-label name",
			plan: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: mail
    size: 64
    purpose: mail
    hosts: [{name: mta1, address: "::25", roles: [outbound]}]
`,
			mutate: func(a *plan.Allocation) { a.Hosts[0].Host.Name, a.Hosts[0].FQDN = "mta1.", "mta1." },
			want:   map[string]map[string]Status{"mail/mta1": {ItemHELO: Fail, ItemPTR: Warn}}, // mta1. is outside example.com
		},
		{
			name: "name outside the domain",
			plan: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: mail
    size: 64
    purpose: mail
    hosts:
      - {name: gw.other.example.org., address: "::25", roles: [outbound]}
      - {name: mta1, address: "::26", roles: [outbound]}
`,
			want: map[string]map[string]Status{
				"mail/gw.other.example.org.": {ItemPTR: Warn, ItemHELO: Pass},
				"mail/mta1":                  {ItemPTR: Pass},
			},
		},
		{
			name: "address moved out of its /64",
			plan: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: mail
    size: 64
    purpose: mail
    hosts: [{name: mta1, address: "::25", roles: [outbound]}]
`,
			mutate: func(a *plan.Allocation) { a.Hosts[0].Addr = netip.MustParseAddr("2001:db8:d6:99::25") },
			want:   map[string]map[string]Status{"mail/mta1": {ItemStream: Fail, ItemSPF: Fail, ItemPTR: Pass}},
		},
		{
			name: "two hosts on one address",
			plan: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: mail
    size: 64
    purpose: mail
    hosts:
      - {name: mta1, address: "::25", roles: [outbound]}
      - {name: mta2, address: "::26", roles: [outbound]}
`,
			mutate: func(a *plan.Allocation) { a.Hosts[1].Addr = a.Hosts[0].Addr },
			want: map[string]map[string]Status{
				"mail/mta1": {ItemPTR: Fail, ItemHELO: Fail},
				"mail/mta2": {ItemPTR: Fail},
			},
		},
		{
			name: "SPF policy that needs DNS first",
			plan: `prefix: 2001:db8:d6::/48
domain: example.com
spf:
  existing: "v=spf1 exists:%{i}.allow.example.net -all"
subnets:
  - name: mail
    size: 64
    purpose: mail
    hosts: [{name: mta1, address: "::25", roles: [outbound]}]
`,
			want: map[string]map[string]Status{"mail/mta1": {ItemSPF: Fail}},
		},
		{
			name: "unique local addresses",
			plan: `prefix: fd00:d6::/48
domain: example.com
subnets:
  - name: mail
    size: 64
    purpose: mail
    hosts: [{name: mta1, address: "::25", roles: [outbound]}]
`,
			want: map[string]map[string]Status{"mail/mta1": {ItemStatic: Fail, ItemPTR: Pass}},
		},
		{
			name: "global addresses",
			plan: `prefix: 2a01:4f8:d6::/48
domain: example.com
subnets:
  - name: mail
    size: 64
    purpose: mail
    hosts: [{name: mta1, address: "::25", roles: [outbound]}]
`,
			want: map[string]map[string]Status{"mail/mta1": {ItemStatic: Pass, ItemStream: Pass, ItemPTR: Pass, ItemHELO: Pass, ItemSPF: Pass, ItemShared: Pass}},
		},
		{
			name: "dynamic sender built by hand",
			plan: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: mail
    size: 64
    purpose: mail
    hosts: [{name: mta1, address: "::25", roles: [outbound]}]
`,
			mutate: func(a *plan.Allocation) { a.Hosts[0].Addr = netip.Addr{} },
			want:   map[string]map[string]Status{"mail/mta1": {ItemStatic: Fail}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := plantest.Alloc(t, tc.plan)
			if tc.mutate != nil {
				tc.mutate(a)
			}
			checks := Readiness(a)
			got := statuses(checks)
			for host, items := range tc.want {
				for item, st := range items {
					assert.Equal(t, st, got[host][item], "%s %s: %v", host, item, checks)
				}
			}
		})
	}
}

func TestStatusString(t *testing.T) {
	for s, want := range map[Status]string{Pass: "pass", Warn: "warn", Fail: "fail", 7: "Status(7)"} {
		assert.Equal(t, want, s.String())
	}
}

// TestReadinessOutsideMessage: the PTR item of a host named outside the
// domain says why it is not a pass and what to do.
func TestReadinessOutsideMessage(t *testing.T) {
	a := plantest.Alloc(t, `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: mail
    size: 64
    purpose: mail
    hosts: [{name: gw.other.example.org., address: "::25", roles: [outbound]}]
`)
	for _, c := range Readiness(a) {
		if c.Item == ItemPTR {
			assert.Equal(t, Warn, c.Status)
			assert.Contains(t, c.Msg, "gw.other.example.org. is outside example.com, so the plan's zones publish the PTR but not the AAAA")
			return
		}
	}
	t.Fatal("no PTR item")
}
