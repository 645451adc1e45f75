package ip6

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
)

// An interface identifier (IID) is the low 64 bits of an IPv6 unicast
// address (RFC 4291 §2.5.1), held here as a uint64. The functions below
// build IDs by the schemes mail senders use for static addresses; none of
// them allocates.

// errZeroIID is returned instead of the all-zero ID.
var errZeroIID = errors.New("the all-zero interface ID is the Subnet-Router anycast address (RFC 4291 §2.6.1)")

// IPv4Hex returns the interface ID that carries the IPv4 address a in its
// last 32 bits, written in hex (RFC 4291 §2.5.1): 128.223.214.23 gives
// ::80df:d617, as in 2001:468:d01:d6::80df:d617. An IPv4-mapped IPv6 address
// is unmapped first; any other IPv6 address, and 0.0.0.0 (which would give
// the all-zero ID), is an error.
func IPv4Hex(a netip.Addr) (uint64, error) {
	a = a.Unmap()
	if !a.Is4() {
		return 0, fmt.Errorf("interface ID from IPv4: %s is not an IPv4 address", a)
	}
	b := a.As4()
	if id := uint64(binary.BigEndian.Uint32(b[:])); id != 0 {
		return id, nil
	}
	return 0, errZeroIID
}

// IPv4Decimal returns the interface ID that carries the IPv4 address a in its
// last four groups "decimal as hex" (RFC 4291 §2.5.1): each octet's decimal
// digits are written as one hex group, so 128.223.214.23 gives
// ::128:223:214:23. Inputs are handled as for IPv4Hex.
func IPv4Decimal(a netip.Addr) (uint64, error) {
	a = a.Unmap()
	if !a.Is4() {
		return 0, fmt.Errorf("interface ID from IPv4: %s is not an IPv4 address", a)
	}
	var id uint64
	for _, o := range a.As4() {
		id = id<<16 | decimalAsHex(uint64(o))
	}
	if id == 0 {
		return 0, errZeroIID
	}
	return id, nil
}

// Service returns the interface ID that spells the port number in its low
// bits, decimal digits read as hex (RFC 4291 §2.5.1): port 25 gives ::25,
// 587 gives ::587. A port with five digits does not fit one group and spills
// into the one before it: 10025 gives ::1:25. Port 0 would give the all-zero
// ID and is an error.
func Service(port uint16) (uint64, error) {
	if port == 0 {
		return 0, errZeroIID
	}
	return decimalAsHex(uint64(port)), nil
}

// decimalAsHex returns the number whose hex digits are the decimal digits of
// v; v must have at most 16 decimal digits.
func decimalAsHex(v uint64) uint64 {
	var h uint64
	for shift := 0; v > 0; shift += 4 {
		h |= v % 10 << shift
		v /= 10
	}
	return h
}

// Sequential returns the nth host interface ID counting from ::1 (RFC 4291
// §2.5.1): n itself. n == 0 is an error, because the all-zero ID is the
// Subnet-Router anycast address (RFC 4291 §2.6.1), and so is any other n
// that RFC 5453 reserves (see ReservedIID).
func Sequential(n uint64) (uint64, error) {
	if n == 0 {
		return 0, errZeroIID
	}
	if ReservedIID(n) {
		return 0, fmt.Errorf("interface ID %s is reserved (RFC 5453)", FormatIID(n))
	}
	return n, nil
}

// stableInline is the size of the hash input StableIID builds on the stack:
// room for a name and a secret of 64 bytes each.
const stableInline = 17 + 8 + 64 + 8 + 1 + 8 + 64

// StableIID returns a stable, opaque interface ID in the style of RFC 7217
// §5: RID = F(Prefix, Net_Iface, Network_ID, DAD_Counter, secret_key) with
// SHA-256 as F, name as Net_Iface and an empty Network_ID; the ID is the low
// (least significant) 64 bits of RID.
// If the result is an ID that RFC 5453 reserves, the DAD counter is
// incremented and the hash taken again (RFC 7217 §5 steps 4 and 6).
//
// The hash input is, in this order: the masked prefix address in its 16-byte
// form and the prefix length as one byte (0xff for the invalid Prefix); the
// length of name as a big-endian uint64, then name; the length of Network_ID
// (0) as a big-endian uint64; dadCounter as one byte; the length of secret as
// a big-endian uint64, then secret. The lengths keep ("ab", "c") apart from
// ("a", "bc").
//
// This construction is a stability promise: published addresses depend on
// it, so it must never change. It allocates nothing while name and secret
// together hold at most 128 bytes (64 each, say).
func StableIID(prefix netip.Prefix, name string, secret []byte, dadCounter uint8) uint64 {
	var buf [stableInline]byte
	in := buf[:0]
	if n := 17 + 8 + len(name) + 8 + 1 + 8 + len(secret); n > len(buf) {
		in = make([]byte, 0, n)
	}
	p := prefix.Masked()
	a16 := p.Addr().As16()
	in = append(in, a16[:]...)
	in = append(in, byte(p.Bits())) // -1 for the invalid Prefix gives 0xff
	in = binary.BigEndian.AppendUint64(in, uint64(len(name)))
	in = append(in, name...)
	in = binary.BigEndian.AppendUint64(in, 0) // Network_ID
	dad := len(in)
	in = append(in, 0)
	in = binary.BigEndian.AppendUint64(in, uint64(len(secret)))
	in = append(in, secret...)
	for ; ; dadCounter++ { // a reserved ID comes once in 2^40 tries
		in[dad] = dadCounter
		sum := sha256.Sum256(in)
		if id := binary.BigEndian.Uint64(sum[24:]); !ReservedIID(id) {
			return id
		}
	}
}

// ReservedIID reports whether iid is an interface ID reserved by RFC 5453
// §3: the all-zero Subnet-Router anycast ID (RFC 4291 §2.6.1), the IDs built
// from IANA's Ethernet block 0200:5EFF:FE00:0000–0200:5EFF:FEFF:FFFF
// (including 0200:5EFF:FE00:5213 for Proxy Mobile IPv6), and the subnet
// anycast IDs FDFF:FFFF:FFFF:FF80–FDFF:FFFF:FFFF:FFFF (RFC 2526).
func ReservedIID(iid uint64) bool {
	switch {
	case iid == 0:
		return true
	case 0x0200_5eff_fe00_0000 <= iid && iid <= 0x0200_5eff_feff_ffff:
		return true
	case 0xfdff_ffff_ffff_ff80 <= iid && iid <= 0xfdff_ffff_ffff_ffff:
		return true
	}
	return false
}

// ParseIID parses an interface ID (RFC 4291 §2.5.1) written as an IPv6
// address with nothing in its upper 64 bits, as in "::25", "::80df:d617" or
// "::1:2:3:4".
func ParseIID(s string) (uint64, error) {
	a, err := netip.ParseAddr(s)
	switch {
	case err != nil:
		return 0, fmt.Errorf("invalid interface ID: %w", err)
	case !a.Is6() || a.Zone() != "":
		return 0, fmt.Errorf("invalid interface ID %q: want an IPv6 form such as ::25", s)
	}
	u := u128From(a)
	if u.hi != 0 {
		return 0, fmt.Errorf("interface ID %q sets bits above the low 64: write a full address instead, or keep the ID within the last four groups", s)
	}
	return u.lo, nil
}

// AddrWithIID returns the address in subnet p whose low 64 bits are iid
// (RFC 4291 §2.5.1). p must be an IPv6 prefix of at most 64 bits with no
// host bits set; the bits between p.Bits() and 64 stay zero.
func AddrWithIID(p netip.Prefix, iid uint64) (netip.Addr, error) {
	switch {
	case !p.IsValid() || !p.Addr().Is6():
		return netip.Addr{}, fmt.Errorf("prefix %s: want an IPv6 prefix", p)
	case p.Bits() > 64:
		return netip.Addr{}, fmt.Errorf("prefix %s is longer than /64: no room for a 64-bit interface ID", p)
	case p != p.Masked():
		return netip.Addr{}, fmt.Errorf("prefix %s has host bits set; did you mean %s?", p, p.Masked())
	}
	return u128{u128From(p.Addr()).hi, iid}.addr(), nil
}

// IIDOf returns the interface ID of a, its low 64 bits (RFC 4291 §2.5.1). An
// IPv4 address is taken in its IPv4-mapped form.
func IIDOf(a netip.Addr) uint64 { return u128From(a).lo }

// FormatIID returns iid in the RFC 5952 §4 text form of the address with
// all-zero upper 64 bits, as in "::25" or "::1213:72ff:fe5b:60c3"; "::" for
// the all-zero ID. Unlike netip, it never uses the dotted IPv4 form (§5).
func FormatIID(iid uint64) string { return string(AppendIID(make([]byte, 0, 21), iid)) }

// AppendIID appends the FormatIID form of iid to b and returns the extended
// slice; it allocates nothing when b has room.
func AppendIID(b []byte, iid uint64) []byte {
	// The four zero groups on top are always the longest zero run, leftmost
	// on a tie, so "::" replaces them and the zero groups on top of iid.
	b = append(b, "::"...)
	started := false
	for shift := 48; shift >= 0; shift -= 16 {
		g := iid >> shift & 0xffff
		if g == 0 && !started {
			continue
		}
		if started {
			b = append(b, ':')
		}
		b = strconv.AppendUint(b, g, 16)
		started = true
	}
	return b
}
