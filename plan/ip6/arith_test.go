package ip6

import (
	"math/big"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go4.org/netipx"
)

// bigAddr, addrFromBig and pow2 are the slow, obvious oracle: an address
// as a big.Int.
func bigAddr(a netip.Addr) *big.Int {
	b := a.As16()
	return new(big.Int).SetBytes(b[:])
}

func addrFromBig(x *big.Int) netip.Addr {
	var b [16]byte
	x.FillBytes(b[:])
	return netip.AddrFrom16(b)
}

func pow2(k int) *big.Int { return new(big.Int).Lsh(big.NewInt(1), uint(k)) }

func randAddr(rng *rand.Rand) netip.Addr {
	return u128{rng.Uint64(), rng.Uint64()}.addr()
}

// randPrefix returns a random masked IPv6 prefix, often near the top or the
// bottom of the address space.
func randPrefix(rng *rand.Rand) netip.Prefix {
	a := randAddr(rng)
	switch rng.IntN(4) {
	case 0:
		a = u128From(a).or(u128{^uint64(0), ^uint64(0)}.shl(rng.IntN(129))).addr()
	case 1:
		a = u128From(a).and(u128{^uint64(0), ^uint64(0)}.shr(rng.IntN(129))).addr()
	}
	return netip.PrefixFrom(a, rng.IntN(129)).Masked()
}

func TestChild(t *testing.T) {
	tests := []struct {
		name, parent string
		bits         int
		n            uint64
		want, err    string
	}{
		{name: "first /56", parent: "2001:db8::/48", bits: 56, n: 0, want: "2001:db8::/56"},
		{name: "fourth /56", parent: "2001:db8::/48", bits: 56, n: 3, want: "2001:db8:0:300::/56"},
		{name: "last /64", parent: "2001:db8::/48", bits: 64, n: 65535, want: "2001:db8:0:ffff::/64"},
		{name: "itself", parent: "2001:db8::/48", bits: 48, n: 0, want: "2001:db8::/48"},
		{name: "non-nibble", parent: "2001:db8::/48", bits: 50, n: 3, want: "2001:db8:0:c000::/50"},
		{name: "wide", parent: "2001:db8::/48", bits: 128, n: 1<<64 - 1, want: "2001:db8::ffff:ffff:ffff:ffff/128"},
		{name: "top", parent: "ffff::/16", bits: 32, n: 65535, want: "ffff:ffff::/32"},
		{name: "host bits ignored", parent: "2001:db8::1/48", bits: 64, n: 1, want: "2001:db8:0:1::/64"},
		{name: "index too big", parent: "2001:db8::/48", bits: 56, n: 256,
			err: "2001:db8::/48 has 256 /56 children; index 256 is out of range"},
		{name: "shorter", parent: "2001:db8::/48", bits: 40,
			err: "2001:db8::/48 has no /40 children; use a length from /48 to /128"},
		{name: "too long", parent: "2001:db8::/48", bits: 129,
			err: "2001:db8::/48 has no /129 children; use a length from /48 to /128"},
		{name: "ipv4", parent: "192.0.2.0/24", bits: 28,
			err: "192.0.2.0/24 is an IPv4 prefix; ip6plan plans IPv6 prefixes"},
		{name: "invalid", parent: "", bits: 64, err: "invalid prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p netip.Prefix
			if tt.parent != "" {
				p = netip.MustParsePrefix(tt.parent)
			}
			c, err := Child(p, tt.bits, tt.n)
			cb, errBig := ChildBig(p, tt.bits, new(big.Int).SetUint64(tt.n))
			if tt.err != "" {
				assert.EqualError(t, err, tt.err)
				assert.Error(t, errBig)
				return
			}
			require.NoError(t, err)
			require.NoError(t, errBig)
			assert.Equal(t, tt.want, c.String())
			assert.Equal(t, c, cb, "ChildBig")
			n, err := ChildIndex(p, c)
			require.NoError(t, err)
			assert.Equal(t, tt.n, n, "ChildIndex round trip")
		})
	}
}

// TestChildOracle checks Child, ChildBig, ChildIndex, ChildIndexBig,
// ChildCount, AddrCount and LastAddr against big.Int arithmetic and
// netipx on random prefixes.
func TestChildOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(48, 64))
	for range 20000 {
		p := randPrefix(rng)
		bits := p.Bits() + rng.IntN(129-p.Bits())
		k := bits - p.Bits()
		nBig := bigAddr(randAddr(rng)) // random, often small, below 2^k
		nBig.Rsh(nBig, uint(rng.IntN(129))).Mod(nBig, pow2(k))
		wantAddr := addrFromBig(new(big.Int).Add(bigAddr(p.Addr()), new(big.Int).Lsh(nBig, uint(128-bits))))
		want := netip.PrefixFrom(wantAddr, bits)

		c, err := ChildBig(p, bits, nBig)
		require.NoError(t, err)
		require.Equal(t, want, c, "ChildBig(%v, %d, %v)", p, bits, nBig)
		require.True(t, p.Contains(c.Addr()) && c == c.Masked(), "inside and aligned")
		gotBig, err := ChildIndexBig(p, c)
		require.NoError(t, err)
		require.Zero(t, nBig.Cmp(gotBig), "ChildIndexBig(%v, %v)", p, c)
		if nBig.IsUint64() {
			c, err := Child(p, bits, nBig.Uint64())
			require.NoError(t, err)
			require.Equal(t, want, c, "Child(%v, %d, %v)", p, bits, nBig)
			n, err := ChildIndex(p, c)
			require.NoError(t, err)
			require.Equal(t, nBig.Uint64(), n)
		} else {
			_, err := ChildIndex(p, c)
			require.Error(t, err, "index %v does not fit", nBig)
		}
		_, err = ChildBig(p, bits, pow2(k))
		require.Error(t, err, "index 2^%d is one too many", k)

		require.Zero(t, pow2(k).Cmp(ChildCount(p, bits)))
		require.Zero(t, pow2(128-p.Bits()).Cmp(AddrCount(p)))
		require.Equal(t, netipx.PrefixLastIP(p), LastAddr(p))
		require.Equal(t, netipx.PrefixLastIP(c), LastAddr(c))
	}
}

func TestChildIndexErrors(t *testing.T) {
	tests := []struct{ name, parent, child, err string }{
		{name: "outside", parent: "2001:db8::/48", child: "2001:db8:1::/56",
			err: "2001:db8:1::/56 is not inside 2001:db8::/48"},
		{name: "shorter", parent: "2001:db8::/48", child: "2001:db8::/32",
			err: "2001:db8::/32 is shorter than 2001:db8::/48, so it is not a child"},
		{name: "too wide", parent: "2001:db8::/32", child: "2001:db8:0:1::1/128",
			err: "the index of 2001:db8:0:1::1/128 in 2001:db8::/32 does not fit in 64 bits"},
		{name: "ipv4 child", parent: "2001:db8::/32", child: "192.0.2.0/24",
			err: "192.0.2.0/24 is an IPv4 prefix; ip6plan plans IPv6 prefixes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ChildIndex(netip.MustParsePrefix(tt.parent), netip.MustParsePrefix(tt.child))
			assert.EqualError(t, err, tt.err)
		})
	}
}

func TestChildren(t *testing.T) {
	tests := []struct {
		name, parent string
		bits         int
		first, last  string
	}{
		{name: "/56s of a /48", parent: "2001:db8::/48", bits: 56, first: "2001:db8::/56", last: "2001:db8:0:ff00::/56"},
		{name: "itself", parent: "2001:db8::/48", bits: 48, first: "2001:db8::/48", last: "2001:db8::/48"},
		{name: "non-nibble", parent: "2001:db8::/62", bits: 64, first: "2001:db8::/64", last: "2001:db8:0:3::/64"},
		{name: "top of the space", parent: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0/124", bits: 128,
			first: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0/128", last: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"},
		{name: "halves of everything", parent: "::/0", bits: 1, first: "::/1", last: "8000::/1"},
		{name: "all of it", parent: "::/0", bits: 0, first: "::/0", last: "::/0"},
		{name: "top /64 boundary", parent: "ffff:ffff:ffff:fff0::/60", bits: 64,
			first: "ffff:ffff:ffff:fff0::/64", last: "ffff:ffff:ffff:ffff::/64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := netip.MustParsePrefix(tt.parent)
			var got []netip.Prefix
			for c := range Children(p, tt.bits) {
				got = append(got, c)
			}
			require.Equal(t, ChildCount(p, tt.bits).Int64(), int64(len(got)), "count")
			assert.Equal(t, tt.first, got[0].String())
			assert.Equal(t, tt.last, got[len(got)-1].String())
			for i, c := range got {
				want, err := Child(p, tt.bits, uint64(i))
				require.NoError(t, err)
				require.Equal(t, want, c, "child %d", i)
				require.True(t, p.Contains(c.Addr()) && c.Bits() == tt.bits && c == c.Masked())
				if i > 0 {
					prev := got[i-1]
					require.False(t, prev.Overlaps(c), "%v and %v overlap", prev, c)
					require.Equal(t, LastAddr(prev).Next(), c.Addr(), "%v follows %v", c, prev)
				}
			}
			assert.Equal(t, LastAddr(p), LastAddr(got[len(got)-1]), "the children cover the parent")
		})
	}
}

func TestChildrenStreams(t *testing.T) {
	for _, tt := range []struct {
		parent string
		bits   int
		want   []string
	}{
		{"2001:db8::/32", 64, []string{"2001:db8::/64", "2001:db8:0:1::/64", "2001:db8:0:2::/64"}},
		{"::/0", 128, []string{"::/128", "::1/128", "::2/128"}},
		{"ffff::/16", 128, []string{"ffff::/128", "ffff::1/128", "ffff::2/128"}},
	} {
		t.Run(tt.parent, func(t *testing.T) {
			var got []string
			for c := range Children(netip.MustParsePrefix(tt.parent), tt.bits) {
				got = append(got, c.String())
				if len(got) == 3 {
					break
				}
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestChildrenNone(t *testing.T) {
	for _, tt := range []struct {
		name   string
		parent netip.Prefix
		bits   int
	}{
		{"shorter", netip.MustParsePrefix("2001:db8::/48"), 40},
		{"too long", netip.MustParsePrefix("2001:db8::/48"), 129},
		{"ipv4", netip.MustParsePrefix("192.0.2.0/24"), 28},
		{"invalid", netip.Prefix{}, 64},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for c := range Children(tt.parent, tt.bits) {
				t.Fatalf("yielded %v", c)
			}
			assert.Zero(t, ChildCount(tt.parent, tt.bits).Sign())
		})
	}
	assert.False(t, LastAddr(netip.MustParsePrefix("192.0.2.0/24")).IsValid())
	assert.Zero(t, AddrCount(netip.Prefix{}).Sign())
}

func TestFormatCount(t *testing.T) {
	tests := []struct {
		name string
		n    *big.Int
		want string
	}{
		{name: "zero", n: big.NewInt(0), want: "0"},
		{name: "nil", n: nil, want: "0"},
		{name: "three digits", n: big.NewInt(256), want: "256"},
		{name: "four digits", n: big.NewInt(4096), want: "4,096"},
		{name: "2^16", n: big.NewInt(65536), want: "65,536"},
		{name: "million", n: big.NewInt(1000000), want: "1,000,000"},
		{name: "negative", n: big.NewInt(-1234), want: "-1,234"},
		{name: "2^80", n: pow2(80), want: "1,208,925,819,614,629,174,706,176"},
		{name: "2^128", n: pow2(128), want: "340,282,366,920,938,463,463,374,607,431,768,211,456"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FormatCount(tt.n)
			assert.Equal(t, tt.want, got)
			back, ok := new(big.Int).SetString(stripCommas(got), 10)
			require.True(t, ok)
			if tt.n != nil {
				assert.Zero(t, tt.n.Cmp(back), "round trip")
			}
		})
	}
	for k := range 129 {
		assert.Equal(t, FormatCount(pow2(k)), FormatPow2(k))
	}
	assert.Equal(t, "0", FormatPow2(-1))
}

func stripCommas(s string) string {
	b := []byte(s)[:0:0]
	for _, c := range []byte(s) {
		if c != ',' {
			b = append(b, c)
		}
	}
	return string(b)
}

func TestNibbleAdvice(t *testing.T) {
	tests := []struct {
		name, parent  string
		n             uint64
		exact, nibble int
		text, err     string
	}{
		{name: "20 of a /48", parent: "2001:db8::/48", n: 20, exact: 53, nibble: 56,
			text: "20 children of a /48 need /53; use /56, the next nibble boundary (256 children), so prefixes and reverse zones stay readable"},
		{name: "16 of a /48", parent: "2001:db8::/48", n: 16, exact: 52, nibble: 52,
			text: "16 children of a /48 need /52, which is already a nibble boundary"},
		{name: "17 of a /48", parent: "2001:db8::/48", n: 17, exact: 53, nibble: 56,
			text: "17 children of a /48 need /53; use /56, the next nibble boundary (256 children), so prefixes and reverse zones stay readable"},
		{name: "one", parent: "2001:db8::/48", n: 1, exact: 48, nibble: 48,
			text: "1 child of a /48 needs /48, which is already a nibble boundary"},
		{name: "two of a /50", parent: "2001:db8::/50", n: 2, exact: 51, nibble: 52,
			text: "2 children of a /50 need /51; use /52, the next nibble boundary (4 children), so prefixes and reverse zones stay readable"},
		{name: "lots", parent: "2001:db8::/32", n: 100000, exact: 49, nibble: 52,
			text: "100,000 children of a /32 need /49; use /52, the next nibble boundary (1,048,576 children), so prefixes and reverse zones stay readable"},
		{name: "max", parent: "::/0", n: 1<<64 - 1, exact: 64, nibble: 64,
			text: "18,446,744,073,709,551,615 children of a /0 need /64, which is already a nibble boundary"},
		{name: "all /128s", parent: "2001:db8::/126", n: 4, exact: 128, nibble: 128,
			text: "4 children of a /126 need /128, which is already a nibble boundary"},
		{name: "zero", parent: "2001:db8::/48", n: 0, err: "cannot plan for 0 children; ask for at least 1"},
		{name: "too many", parent: "2001:db8::/126", n: 5, err: "2001:db8::/126 holds at most 4 /128s, fewer than 5"},
		{name: "ipv4", parent: "192.0.2.0/24", n: 5, err: "192.0.2.0/24 is an IPv4 prefix; ip6plan plans IPv6 prefixes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := netip.MustParsePrefix(tt.parent)
			a, err := NibbleAdvice(p, tt.n)
			if tt.err != "" {
				assert.EqualError(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, Advice{Parent: p, Need: tt.n, Exact: tt.exact, Nibble: tt.nibble}, a)
			assert.Equal(t, tt.text, a.String())
			// Exact is the longest length that holds n, Nibble the first nibble at or after it.
			assert.True(t, ChildCount(p, a.Exact).Cmp(new(big.Int).SetUint64(tt.n)) >= 0)
			if a.Exact > p.Bits() {
				assert.True(t, ChildCount(p, a.Exact-1).Cmp(new(big.Int).SetUint64(tt.n)) < 0)
			}
			assert.True(t, IsNibbleAligned(a.Nibble))
			assert.Less(t, a.Nibble-a.Exact, 4)
		})
	}
	assert.Equal(t, "invalid Advice", Advice{}.String())
}

func TestIsNibbleAligned(t *testing.T) {
	for bits := -4; bits <= 132; bits++ {
		want := bits >= 0 && bits <= 128 && bits%4 == 0
		assert.Equal(t, want, IsNibbleAligned(bits), "/%d", bits)
	}
}

func TestChildNoAllocs(t *testing.T) {
	p := netip.MustParsePrefix("2001:db8::/48")
	c := netip.MustParsePrefix("2001:db8:0:1234::/64")
	assert.Zero(t, testing.AllocsPerRun(1000, func() {
		if _, err := Child(p, 64, 0x1234); err != nil {
			t.Fatal(err)
		}
	}), "Child")
	assert.Zero(t, testing.AllocsPerRun(1000, func() {
		if _, err := ChildIndex(p, c); err != nil {
			t.Fatal(err)
		}
	}), "ChildIndex")
}

func BenchmarkChild(b *testing.B) {
	p := netip.MustParsePrefix("2001:db8::/48")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Child(p, 64, uint64(i)&0xffff); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkChildIndex(b *testing.B) {
	p := netip.MustParsePrefix("2001:db8::/48")
	c := netip.MustParsePrefix("2001:db8:0:1234::/64")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ChildIndex(p, c); err != nil {
			b.Fatal(err)
		}
	}
}

func TestNibbleCeil(t *testing.T) {
	for bits := 0; bits <= 128; bits++ {
		got := NibbleCeil(bits)
		want := bits
		for !IsNibbleAligned(want) {
			want++
		}
		if got != want {
			t.Errorf("NibbleCeil(%d) = %d, want %d", bits, got, want)
		}
	}
}
