package ip6

import (
	"fmt"
	"net/netip"
	"slices"
)

// A Class names a range of the IANA IPv6 Special-Purpose Address Registry
// (RFC 6890) or one of the other well-known special ranges. The zero Class
// is Global: an address in no special range.
type Class uint8

// The classes, in the order of their ranges in the address space.
const (
	Global        Class = iota // in no special range
	Unspecified                // ::/128, RFC 4291 §2.5.2
	Loopback                   // ::1/128, RFC 4291 §2.5.3
	IPv4Mapped                 // ::ffff:0:0/96, RFC 4291 §2.5.5.2
	NAT64                      // 64:ff9b::/96 (RFC 6052 §2.1) and 64:ff9b:1::/48 (RFC 8215)
	DiscardOnly                // 100::/64, RFC 6666
	Teredo                     // 2001::/32, RFC 4380
	Benchmarking               // 2001:2::/48, RFC 5180
	ORCHIDv2                   // 2001:20::/28, RFC 7343
	Documentation              // 2001:db8::/32 (RFC 3849) and 3fff::/20 (RFC 9637)
	SixToFour                  // 2002::/16, RFC 3056
	ULA                        // fc00::/7, unique local, RFC 4193
	LinkLocal                  // fe80::/10, RFC 4291 §2.5.6
	SiteLocal                  // fec0::/10, deprecated by RFC 3879
	Multicast                  // ff00::/8, RFC 4291 §2.7
	numClasses
)

var classInfo = [numClasses]struct{ name, rfc string }{
	Global:        {"global", "RFC 4291 §2.5.4"},
	Unspecified:   {"unspecified", "RFC 4291 §2.5.2"},
	Loopback:      {"loopback", "RFC 4291 §2.5.3"},
	IPv4Mapped:    {"ipv4-mapped", "RFC 4291 §2.5.5.2"},
	NAT64:         {"nat64", "RFC 6052, RFC 8215"},
	DiscardOnly:   {"discard-only", "RFC 6666"},
	Teredo:        {"teredo", "RFC 4380"},
	Benchmarking:  {"benchmarking", "RFC 5180"},
	ORCHIDv2:      {"orchidv2", "RFC 7343"},
	Documentation: {"documentation", "RFC 3849, RFC 9637"},
	SixToFour:     {"6to4", "RFC 3056"},
	ULA:           {"ula", "RFC 4193"},
	LinkLocal:     {"link-local", "RFC 4291 §2.5.6"},
	SiteLocal:     {"site-local", "RFC 3879"},
	Multicast:     {"multicast", "RFC 4291 §2.7"},
}

// String returns the short lower-case name of c, such as "documentation",
// "ula" or "link-local".
func (c Class) String() string {
	if c >= numClasses {
		return fmt.Sprintf("Class(%d)", uint8(c))
	}
	return classInfo[c].name
}

// RFC returns the RFC, and section where one applies, that defines c, such
// as "RFC 4193". A class with two ranges names both RFCs; see
// [SpecialRange.RFC] for the RFC of one range.
func (c Class) RFC() string {
	if c >= numClasses {
		return ""
	}
	return classInfo[c].rfc
}

// Public reports whether addresses of class c may appear in a public
// sender's DNS (AAAA, PTR, SPF ip6:). Only Global addresses may: the IANA
// registry marks the other ranges as not globally reachable, or they are
// transition and test ranges (Teredo, 6to4, NAT64, IPv4-mapped,
// benchmarking) whose addresses are not the sender's own; a receiver cannot
// reach them or will not trust them (RFC 6890 §2.2.3, RFC 3849 §3).
func (c Class) Public() bool { return c == Global }

// MarshalText implements [encoding.TextMarshaler], writing the String form.
func (c Class) MarshalText() ([]byte, error) {
	if c >= numClasses {
		return nil, fmt.Errorf("plan: cannot marshal unknown %v", c)
	}
	return []byte(c.String()), nil
}

// A SpecialRange is one special-purpose range, with its class and the RFC
// that reserves it.
type SpecialRange struct {
	Prefix netip.Prefix
	Class  Class
	RFC    string // such as "RFC 3849"
}

// specialRanges is sorted by address.
var specialRanges = []SpecialRange{
	{netip.MustParsePrefix("::/128"), Unspecified, "RFC 4291 §2.5.2"},
	{netip.MustParsePrefix("::1/128"), Loopback, "RFC 4291 §2.5.3"},
	{netip.MustParsePrefix("::ffff:0:0/96"), IPv4Mapped, "RFC 4291 §2.5.5.2"},
	{netip.MustParsePrefix("64:ff9b::/96"), NAT64, "RFC 6052 §2.1"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), NAT64, "RFC 8215"},
	{netip.MustParsePrefix("100::/64"), DiscardOnly, "RFC 6666"},
	{netip.MustParsePrefix("2001::/32"), Teredo, "RFC 4380"},
	{netip.MustParsePrefix("2001:2::/48"), Benchmarking, "RFC 5180"},
	{netip.MustParsePrefix("2001:20::/28"), ORCHIDv2, "RFC 7343"},
	{netip.MustParsePrefix("2001:db8::/32"), Documentation, "RFC 3849"},
	{netip.MustParsePrefix("2002::/16"), SixToFour, "RFC 3056"},
	{netip.MustParsePrefix("3fff::/20"), Documentation, "RFC 9637"},
	{netip.MustParsePrefix("fc00::/7"), ULA, "RFC 4193"},
	{netip.MustParsePrefix("fe80::/10"), LinkLocal, "RFC 4291 §2.5.6"},
	{netip.MustParsePrefix("fec0::/10"), SiteLocal, "RFC 3879"},
	{netip.MustParsePrefix("ff00::/8"), Multicast, "RFC 4291 §2.7"},
}

// SpecialRanges returns a copy of the special ranges that ClassOf knows, in
// address order.
func SpecialRanges() []SpecialRange { return slices.Clone(specialRanges) }

// ClassOf returns the class of the most specific special range that
// contains p, or Global if none does. A prefix that contains or straddles a
// special range without lying inside it, such as 2000::/3 or ::/0, is
// Global; [SpecialOverlaps] lists the ranges it touches. An IPv4 prefix is
// taken in its IPv4-mapped form (RFC 4291 §2.5.5.2); an invalid prefix is
// Global.
func ClassOf(p netip.Prefix) Class {
	p = as6(p)
	best, bits := Global, -1
	for _, r := range specialRanges {
		if r.Prefix.Bits() <= p.Bits() && r.Prefix.Contains(p.Addr()) && r.Prefix.Bits() > bits {
			best, bits = r.Class, r.Prefix.Bits()
		}
	}
	return best
}

// AddrClass returns the class of the address a, as ClassOf does for a/128.
func AddrClass(a netip.Addr) Class {
	return ClassOf(netip.PrefixFrom(a, a.BitLen()))
}

// SpecialOverlaps returns the special ranges that share at least one
// address with p, in address order: the range that contains p, if any, and
// the ranges inside p. It returns nil when p is entirely Global.
func SpecialOverlaps(p netip.Prefix) []SpecialRange {
	p = as6(p)
	var out []SpecialRange
	for _, r := range specialRanges {
		if p.IsValid() && r.Prefix.Overlaps(p) {
			out = append(out, r)
		}
	}
	return out
}

// as6 returns p with an IPv4 prefix turned into its IPv4-mapped form and
// any zone removed; host bits are cleared.
func as6(p netip.Prefix) netip.Prefix {
	if !p.IsValid() {
		return p
	}
	a, bits := p.Addr(), p.Bits()
	if a.Is4() {
		a, bits = netip.AddrFrom16(a.As16()), bits+96
	}
	return netip.PrefixFrom(a.WithZone(""), bits).Masked()
}
