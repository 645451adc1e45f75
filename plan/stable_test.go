package plan

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ip6plan/ip6plan/plan/ip6"
)

// TestStableIID checks that Allocate places a stable host where
// Host.StableIID says, with or without a domain, and that the ID is the
// RFC 7217 hash of the host's FQDN.
func TestStableIID(t *testing.T) {
	for _, tc := range []struct {
		name, domain, host, fqdn string
	}{
		{name: "with a domain", domain: "example.com", host: "mta1", fqdn: "mta1.example.com."},
		{name: "without a domain", host: "mta1.example.com.", fqdn: "mta1.example.com."},
		{name: "a name with its final dot", domain: "example.com", host: "mta1.example.org.", fqdn: "mta1.example.org."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := "prefix: 2001:db8:d6::/48\nsecret: s3cret\n"
			if tc.domain != "" {
				text += "domain: " + tc.domain + "\n"
			}
			text += "subnets:\n  - name: mail\n    size: 64\n    hosts: [{name: \"" + tc.host + "\", scheme: stable}]\n"
			p, err := ParseFile("plan.yaml", []byte(text))
			require.NoError(t, err)
			a, err := Allocate(p, nil)
			require.NoError(t, err)
			require.Len(t, a.Hosts, 1)
			h := a.Hosts[0]
			subnet := netip.PrefixFrom(h.Addr, 64).Masked()

			id := h.Host.StableIID(subnet, tc.domain, "s3cret")
			assert.Equal(t, ip6.IIDOf(h.Addr), id, "Allocate places the host at its StableIID")
			assert.Equal(t, ip6.StableIID(subnet, tc.fqdn, []byte("s3cret"), 0), id)
			assert.NotEqual(t, id, h.Host.StableIID(subnet, tc.domain, "other"), "the secret changes the ID")
		})
	}
	// A name without a domain is fully qualified with or without its dot.
	p := netip.MustParsePrefix("2001:db8:d6:25::/64")
	assert.Equal(t, (&Host{Name: "mta1.example.com."}).StableIID(p, "", "k"), (&Host{Name: "mta1.example.com"}).StableIID(p, "", "k"))
}
