package ip6

import (
	"math/big"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClassOf(t *testing.T) {
	tests := []struct {
		name     string
		prefix   string
		want     Class
		overlaps []string // SpecialOverlaps, by prefix
	}{
		{name: "global /48", prefix: "2a01:4f8:1::/48", want: Global},
		{name: "global unicast block", prefix: "2000::/3", want: Global,
			overlaps: []string{"2001::/32", "2001:2::/48", "2001:20::/28", "2001:db8::/32", "2002::/16", "3fff::/20"}},
		{name: "everything", prefix: "::/0", want: Global}, // overlaps all; checked below
		{name: "straddles 6to4", prefix: "2002::/15", want: Global, overlaps: []string{"2002::/16"}},
		{name: "unspecified", prefix: "::/128", want: Unspecified, overlaps: []string{"::/128"}},
		{name: "loopback", prefix: "::1/128", want: Loopback, overlaps: []string{"::1/128"}},
		{name: "ipv4-mapped", prefix: "::ffff:192.0.2.0/120", want: IPv4Mapped, overlaps: []string{"::ffff:0.0.0.0/96"}},
		{name: "ipv4 prefix is mapped", prefix: "192.0.2.0/24", want: IPv4Mapped, overlaps: []string{"::ffff:0.0.0.0/96"}},
		{name: "nat64", prefix: "64:ff9b::/96", want: NAT64, overlaps: []string{"64:ff9b::/96"}},
		{name: "local nat64", prefix: "64:ff9b:1:2::/64", want: NAT64, overlaps: []string{"64:ff9b:1::/48"}},
		{name: "discard", prefix: "100::/64", want: DiscardOnly, overlaps: []string{"100::/64"}},
		{name: "teredo", prefix: "2001:0:4136:e378::/64", want: Teredo, overlaps: []string{"2001::/32"}},
		{name: "benchmarking", prefix: "2001:2:0:1::/64", want: Benchmarking, overlaps: []string{"2001:2::/48"}},
		{name: "orchid", prefix: "2001:2f::/32", want: ORCHIDv2, overlaps: []string{"2001:20::/28"}},
		{name: "documentation", prefix: "2001:db8:1234::/48", want: Documentation, overlaps: []string{"2001:db8::/32"}},
		{name: "documentation 3fff", prefix: "3fff:fff::/32", want: Documentation, overlaps: []string{"3fff::/20"}},
		{name: "just past 3fff::/20", prefix: "3fff:1000::/32", want: Global},
		{name: "6to4", prefix: "2002:c000:204::/48", want: SixToFour, overlaps: []string{"2002::/16"}},
		{name: "ula", prefix: "fd12:3456:789a::/48", want: ULA, overlaps: []string{"fc00::/7"}},
		{name: "link-local", prefix: "fe80::/64", want: LinkLocal, overlaps: []string{"fe80::/10"}},
		{name: "site-local", prefix: "fec0::/10", want: SiteLocal, overlaps: []string{"fec0::/10"}},
		{name: "multicast", prefix: "ff02::1/128", want: Multicast, overlaps: []string{"ff00::/8"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := netip.MustParsePrefix(tt.prefix)
			assert.Equal(t, tt.want, ClassOf(p))
			if tt.want != Global || tt.overlaps == nil && tt.prefix != "::/0" {
				assert.Equal(t, tt.want, AddrClass(p.Addr()), "first address")
				if LastAddr(p).IsValid() {
					assert.Equal(t, tt.want, AddrClass(LastAddr(p)), "last address")
				}
			}
			got := SpecialOverlaps(p)
			if tt.prefix == "::/0" {
				assert.Equal(t, SpecialRanges(), got)
				return
			}
			var names []string
			for _, r := range got {
				names = append(names, r.Prefix.String())
			}
			assert.Equal(t, tt.overlaps, names)
		})
	}
}

func TestClassSpecialRanges(t *testing.T) {
	rs := SpecialRanges()
	require.NotEmpty(t, rs)
	rs[0].Class = Multicast
	assert.Equal(t, Unspecified, SpecialRanges()[0].Class, "SpecialRanges returns a copy")
	rs = SpecialRanges()
	for i, r := range rs {
		assert.Equal(t, r.Prefix, r.Prefix.Masked(), "%v is masked", r.Prefix)
		assert.Equal(t, r.Class, ClassOf(r.Prefix), "%v", r.Prefix)
		assert.NotEqual(t, Global, r.Class)
		assert.Contains(t, r.Class.RFC(), r.RFC[:8], "%v: the class names the range's RFC", r.Prefix)
		if i > 0 {
			assert.Negative(t, rs[i-1].Prefix.Addr().Compare(r.Prefix.Addr()), "address order")
		}
	}
}

func TestClassNames(t *testing.T) {
	seen := map[string]Class{}
	for c := range numClasses {
		name := c.String()
		require.NotContains(t, seen, name, "duplicate name")
		seen[name] = c
		assert.NotEmpty(t, c.RFC())
		assert.Equal(t, c == Global, c.Public())
		text, err := c.MarshalText()
		require.NoError(t, err)
		assert.Equal(t, name, string(text))
	}
	assert.Equal(t, "global", Class(0).String(), "the zero Class is Global")
	assert.Equal(t, "documentation", Documentation.String())
	assert.Equal(t, "ula", ULA.String())
	assert.Equal(t, "link-local", LinkLocal.String())
	assert.Equal(t, "ipv4-mapped", IPv4Mapped.String())
	assert.Equal(t, "RFC 4193", ULA.RFC())
	assert.Equal(t, "Class(200)", Class(200).String())
	_, err := Class(200).MarshalText()
	assert.Error(t, err)
	assert.Equal(t, Global, ClassOf(netip.Prefix{}), "invalid prefix")
	assert.Equal(t, Global, AddrClass(netip.Addr{}), "invalid address")
	assert.Equal(t, LinkLocal, AddrClass(netip.MustParseAddr("fe80::1%eth0")))
}

// TestAddrClassOracle compares AddrClass with a slow scan over the ranges
// as big.Int intervals, and with netip's own predicates, for random
// addresses in and around every special range.
func TestAddrClassOracle(t *testing.T) {
	type interval struct {
		lo, hi *big.Int
		bits   int
		class  Class
	}
	var ivs []interval
	for _, r := range SpecialRanges() {
		lo := bigAddr(r.Prefix.Addr())
		size := new(big.Int).Lsh(big.NewInt(1), uint(128-r.Prefix.Bits()))
		ivs = append(ivs, interval{lo, new(big.Int).Sub(new(big.Int).Add(lo, size), big.NewInt(1)), r.Prefix.Bits(), r.Class})
	}
	slow := func(a netip.Addr) Class {
		x, c, best := bigAddr(a), Global, -1
		for _, iv := range ivs {
			if x.Cmp(iv.lo) >= 0 && x.Cmp(iv.hi) <= 0 && iv.bits > best {
				c, best = iv.class, iv.bits
			}
		}
		return c
	}
	rng := rand.New(rand.NewPCG(1, 2))
	rs := SpecialRanges()
	for range 20000 {
		a := randAddr(rng)
		if rng.IntN(2) == 0 { // near or inside a special range
			r := rs[rng.IntN(len(rs))].Prefix
			bits := max(0, r.Bits()-rng.IntN(3))
			a = u128From(r.Addr()).and(hostMask(bits).not()).or(u128From(a).and(hostMask(bits))).addr()
		}
		c := AddrClass(a)
		require.Equal(t, slow(a), c, "%v", a)
		if c == IPv4Mapped {
			continue // netip's predicates judge the IPv4 address inside
		}
		require.Equal(t, a.IsLoopback(), c == Loopback, "%v", a)
		require.Equal(t, a.IsMulticast(), c == Multicast, "%v", a)
		require.Equal(t, a.IsLinkLocalUnicast(), c == LinkLocal, "%v", a)
		require.Equal(t, a.IsPrivate(), c == ULA, "%v", a)
		require.Equal(t, a.IsUnspecified(), c == Unspecified, "%v", a)
	}
}
