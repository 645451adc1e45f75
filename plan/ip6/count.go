package ip6

import (
	"encoding/binary"
	"math/big"
	"math/bits"
	"net/netip"
	"strings"
)

// ChildCount returns the number of children of length bits of the IPv6
// prefix p, 2^(bits-p.Bits()), exactly. It returns 0 if bits is shorter
// than p or longer than 128, or if p is not an IPv6 prefix.
func ChildCount(p netip.Prefix, bits int) *big.Int {
	if check6(p) != nil || bits < p.Bits() || bits > 128 {
		return new(big.Int)
	}
	return new(big.Int).Lsh(big.NewInt(1), uint(bits-p.Bits()))
}

// AddrCount returns the number of addresses in the IPv6 prefix p,
// 2^(128-p.Bits()): 2^80 for a /48. It returns 0 if p is not a valid IPv6
// prefix.
func AddrCount(p netip.Prefix) *big.Int { return ChildCount(p, 128) }

// FormatCount returns n in decimal with commas between groups of three
// digits, the way people read large counts: 65536 is "65,536". A nil n is
// "0".
func FormatCount(n *big.Int) string {
	if n == nil {
		return "0"
	}
	s := n.String()
	var b strings.Builder
	if s[0] == '-' {
		b.WriteByte('-')
		s = s[1:]
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// FormatPow2 returns 2^k as [FormatCount] writes it: FormatPow2(16) is
// "65,536". For k < 0 it returns "0", matching [ChildCount] for a child
// length shorter than its parent.
func FormatPow2(k int) string {
	if k < 0 {
		return "0"
	}
	return FormatCount(new(big.Int).Lsh(big.NewInt(1), uint(k)))
}

// ceilLog2 returns the least k with 2^k >= n, for n >= 1.
func ceilLog2(n uint64) int { return bits.Len64(n - 1) }

// u128FromBig returns n, which must be in [0, 2^128).
func u128FromBig(n *big.Int) u128 {
	var b [16]byte
	n.FillBytes(b[:])
	return u128{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

// bigFromU128 returns u as a big.Int.
func bigFromU128(u u128) *big.Int {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], u.hi)
	binary.BigEndian.PutUint64(b[8:], u.lo)
	return new(big.Int).SetBytes(b[:])
}
