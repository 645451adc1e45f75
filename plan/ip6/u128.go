package ip6

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
)

// u128 is an IPv6 address as a 128-bit unsigned number, the form in which
// prefix arithmetic is plain integer arithmetic. netip.Addr keeps the same
// representation internally but does not export it.
type u128 struct{ hi, lo uint64 }

// u128From returns the number behind an IPv6 address. An IPv4 address is
// taken in its IPv4-mapped form.
func u128From(a netip.Addr) u128 {
	b := a.As16()
	return u128{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

// addr returns the IPv6 address with the number u.
func (u u128) addr() netip.Addr {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], u.hi)
	binary.BigEndian.PutUint64(b[8:], u.lo)
	return netip.AddrFrom16(b)
}

func (u u128) add(v u128) u128 {
	lo, carry := bits.Add64(u.lo, v.lo, 0)
	hi, _ := bits.Add64(u.hi, v.hi, carry)
	return u128{hi, lo}
}

func (u u128) sub(v u128) u128 {
	lo, borrow := bits.Sub64(u.lo, v.lo, 0)
	hi, _ := bits.Sub64(u.hi, v.hi, borrow)
	return u128{hi, lo}
}

func (u u128) and(v u128) u128 { return u128{u.hi & v.hi, u.lo & v.lo} }
func (u u128) or(v u128) u128  { return u128{u.hi | v.hi, u.lo | v.lo} }
func (u u128) not() u128       { return u128{^u.hi, ^u.lo} }
func (u u128) xor(v u128) u128 { return u128{u.hi ^ v.hi, u.lo ^ v.lo} }
func (u u128) isZero() bool    { return u.hi|u.lo == 0 }

// shl shifts left by n bits; n may be anything from 0 to 128.
func (u u128) shl(n int) u128 {
	switch {
	case n >= 128:
		return u128{}
	case n >= 64:
		return u128{u.lo << (n - 64), 0}
	case n == 0:
		return u
	}
	return u128{u.hi<<n | u.lo>>(64-n), u.lo << n}
}

// shr shifts right by n bits; n may be anything from 0 to 128.
func (u u128) shr(n int) u128 {
	switch {
	case n >= 128:
		return u128{}
	case n >= 64:
		return u128{0, u.hi >> (n - 64)}
	case n == 0:
		return u
	}
	return u128{u.hi >> n, u.lo>>n | u.hi<<(64-n)}
}

// hostMask returns the mask of the 128-bits host bits of a /bits prefix.
func hostMask(bits int) u128 { return u128{^uint64(0), ^uint64(0)}.shr(bits) }
