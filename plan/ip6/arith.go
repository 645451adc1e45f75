package ip6

import (
	"errors"
	"fmt"
	"iter"
	"math/big"
	"net/netip"
)

// Prefix arithmetic: the children of a prefix p at a longer length bits are
// the 2^(bits-p.Bits()) prefixes of that length inside p, numbered from 0 in
// address order (RFC 4291 §2.3). Every function here works on IPv6 prefixes
// only; host bits of a parent are ignored, as by [netip.Prefix.Masked].

// check6 returns an error unless p is a valid IPv6 prefix.
func check6(p netip.Prefix) error {
	switch {
	case !p.IsValid():
		return errors.New("invalid prefix")
	case p.Addr().Is4():
		return fmt.Errorf("%s is an IPv4 prefix; ip6plan plans IPv6 prefixes", p)
	}
	return nil
}

// childBase checks that p has /bits children and returns p's first address.
func childBase(p netip.Prefix, bits int) (u128, error) {
	if err := check6(p); err != nil {
		return u128{}, err
	}
	if bits < p.Bits() || bits > 128 {
		return u128{}, fmt.Errorf("%s has no /%d children; use a length from /%d to /128", p, bits, p.Bits())
	}
	return u128From(p.Masked().Addr()), nil
}

// Child returns the nth child (counting from 0) of length bits of the IPv6
// prefix p: Child(2001:db8::/48, 56, 3) is 2001:db8:0:300::/56. It fails if
// bits is shorter than p or longer than 128, if n is not below
// [ChildCount], or if p is not an IPv6 prefix. It does not allocate.
func Child(p netip.Prefix, bits int, n uint64) (netip.Prefix, error) {
	base, err := childBase(p, bits)
	if err != nil {
		return netip.Prefix{}, err
	}
	if k := bits - p.Bits(); k < 64 && n>>k != 0 {
		return netip.Prefix{}, fmt.Errorf("%s has %d /%d children; index %d is out of range", p, uint64(1)<<k, bits, n)
	}
	return netip.PrefixFrom(base.or(u128{0, n}.shl(128-bits)).addr(), bits), nil
}

// ChildBig is like [Child] for an index of any size, for spaces wider than
// 2^64 children (such as the /128s of a /48).
func ChildBig(p netip.Prefix, bits int, n *big.Int) (netip.Prefix, error) {
	base, err := childBase(p, bits)
	if err != nil {
		return netip.Prefix{}, err
	}
	if n == nil || n.Sign() < 0 || n.BitLen() > bits-p.Bits() {
		return netip.Prefix{}, fmt.Errorf("%s has %s /%d children; index %v is out of range",
			p, FormatPow2(bits-p.Bits()), bits, n)
	}
	return netip.PrefixFrom(base.or(u128FromBig(n).shl(128-bits)).addr(), bits), nil
}

// ChildIndex returns n such that Child(parent, child.Bits(), n) is child. It
// fails if child is shorter than parent or not inside it, or if n does not
// fit in a uint64 (use [ChildIndexBig] then). It does not allocate.
func ChildIndex(parent, child netip.Prefix) (uint64, error) {
	n, err := childIndex(parent, child)
	if err != nil {
		return 0, err
	}
	if n.hi != 0 {
		return 0, fmt.Errorf("the index of %s in %s does not fit in 64 bits", child, parent)
	}
	return n.lo, nil
}

// ChildIndexBig is like [ChildIndex] for an index of any size.
func ChildIndexBig(parent, child netip.Prefix) (*big.Int, error) {
	n, err := childIndex(parent, child)
	if err != nil {
		return nil, err
	}
	return bigFromU128(n), nil
}

func childIndex(parent, child netip.Prefix) (u128, error) {
	if err := check6(parent); err != nil {
		return u128{}, err
	}
	if err := check6(child); err != nil {
		return u128{}, err
	}
	if child.Bits() < parent.Bits() {
		return u128{}, fmt.Errorf("%s is shorter than %s, so it is not a child", child, parent)
	}
	if !parent.Contains(child.Addr()) {
		return u128{}, fmt.Errorf("%s is not inside %s", child, parent)
	}
	off := u128From(child.Masked().Addr()).and(hostMask(parent.Bits()))
	return off.shr(128 - child.Bits()), nil
}

// LastAddr returns the last address of the IPv6 prefix p, the one with all
// host bits set. It returns the zero Addr if p is not a valid IPv6 prefix.
func LastAddr(p netip.Prefix) netip.Addr {
	if check6(p) != nil {
		return netip.Addr{}
	}
	return u128From(p.Masked().Addr()).or(hostMask(p.Bits())).addr()
}

// Children returns the children of length bits of the IPv6 prefix p in
// address order. It yields them one at a time and stops when the consumer
// does, so walking the 2^32 /64s of a /32 costs nothing up front. It yields
// nothing if bits is shorter than p or longer than 128, or if p is not an
// IPv6 prefix.
func Children(p netip.Prefix, bits int) iter.Seq[netip.Prefix] {
	return func(yield func(netip.Prefix) bool) {
		first, err := childBase(p, bits)
		if err != nil {
			return
		}
		last := first.or(hostMask(p.Bits()).and(hostMask(bits).not()))
		step := u128{0, 1}.shl(128 - bits)
		for c := first; ; c = c.add(step) {
			if !yield(netip.PrefixFrom(c.addr(), bits)) || c == last {
				return
			}
		}
	}
}

// IsNibbleAligned reports whether the prefix length bits falls on a nibble
// (hex digit) boundary, 0, 4, ... 128: only there can reverse zones be cut
// (RFC 3596 §2.5), and only there do prefixes read cleanly in hex.
func IsNibbleAligned(bits int) bool { return bits >= 0 && bits <= 128 && bits%4 == 0 }

// NibbleCeil returns the first nibble boundary at or past the prefix
// length bits: /52 for /49 to /52. Plans and ip6.arpa zones are cut there
// (RFC 3596 §2.5).
func NibbleCeil(bits int) int { return (bits + 3) &^ 3 }

// Advice is the answer of [NibbleAdvice]: the child length that holds Need
// children of Parent, and the nibble-aligned length to use instead.
type Advice struct {
	Parent netip.Prefix // the prefix to divide
	Need   uint64       // how many children are needed
	Exact  int          // the longest length with at least Need children
	Nibble int          // Exact rounded up to a multiple of 4
}

// NibbleAdvice returns the longest child length of p that still gives n
// children (20 children of a /48 fit in /53s) and the first nibble boundary
// at or after it (/56), as addressing plans round up to nibbles so that
// prefixes stay readable and reverse zones can be cut (RIPE-690 §4; RFC
// 3596 §2.5). It fails if n is 0 or if even /128 does not give n children.
func NibbleAdvice(p netip.Prefix, n uint64) (Advice, error) {
	if err := check6(p); err != nil {
		return Advice{}, err
	}
	if n == 0 {
		return Advice{}, errors.New("cannot plan for 0 children; ask for at least 1")
	}
	exact := p.Bits() + ceilLog2(n)
	if exact > 128 {
		return Advice{}, fmt.Errorf("%s holds at most %s /128s, fewer than %s",
			p, FormatPow2(128-p.Bits()), FormatCount(new(big.Int).SetUint64(n)))
	}
	return Advice{Parent: p.Masked(), Need: n, Exact: exact, Nibble: NibbleCeil(exact)}, nil
}

// String describes the advice for a person, such as "20 children of a /48
// need /53; use /56, the next nibble boundary (256 children), so prefixes
// and reverse zones stay readable". The zero Advice is "invalid Advice".
func (a Advice) String() string {
	if a.Need == 0 || !a.Parent.IsValid() {
		return "invalid Advice"
	}
	what := FormatCount(new(big.Int).SetUint64(a.Need)) + " children of a /%d need /%d"
	if a.Need == 1 {
		what = "1 child of a /%d needs /%d"
	}
	what = fmt.Sprintf(what, a.Parent.Bits(), a.Exact)
	if a.Exact == a.Nibble {
		return what + ", which is already a nibble boundary"
	}
	return fmt.Sprintf("%s; use /%d, the next nibble boundary (%s children), so prefixes and reverse zones stay readable",
		what, a.Nibble, FormatPow2(a.Nibble-a.Parent.Bits()))
}
