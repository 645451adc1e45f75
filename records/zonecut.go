package records

import (
	"errors"
	"fmt"
	"iter"
	"net/netip"

	"github.com/ip6plan/ip6plan/plan/ip6"
)

// Reverse zone cuts. An ip6.arpa name has one label per nibble (RFC 3596
// §2.5), so a zone, and a delegation to another zone, can only start at a
// prefix whose length is a multiple of 4. A prefix of any other length is
// covered exactly by 2^(4 - len mod 4) zones at the next nibble boundary: a
// /62 by four /64 zones, a /50 by four /52 zones. This file never rounds a
// prefix to a shorter zone, which would claim addresses that belong to
// someone else.

// ip6arpa is the suffix of every IPv6 reverse name (RFC 3596 §2.5).
const ip6arpa = "ip6.arpa."

// A ReverseZone is an ip6.arpa zone: the names of the addresses in Prefix,
// a masked IPv6 prefix whose length is a multiple of 4 (RFC 3596 §2.5). The
// zero ReverseZone is not valid; see [ReverseZone.IsValid].
type ReverseZone struct {
	Prefix netip.Prefix // masked IPv6 prefix of length 0, 4, ... 128
}

// IsValid reports whether z.Prefix is a masked IPv6 prefix whose length is a
// multiple of 4, the only prefixes at which ip6.arpa zones can be cut.
func (z ReverseZone) IsValid() bool {
	p := z.Prefix
	return p.IsValid() && p.Addr().Is6() && ip6.IsNibbleAligned(p.Bits()) && p.Masked() == p
}

// NameLen returns the length of z's name: 2 octets per nibble label, then
// "ip6.arpa.". It returns 0 if z is not valid.
func (z ReverseZone) NameLen() int {
	if !z.IsValid() {
		return 0
	}
	return z.Prefix.Bits()/4*2 + len(ip6arpa)
}

// Name returns the zone's owner name, the nibbles of its prefix reversed
// under ip6.arpa. (RFC 3596 §2.5): "6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa." for
// 2001:db8:d6::/48, "ip6.arpa." for ::/0. It returns "" if z is not valid.
func (z ReverseZone) Name() string {
	if !z.IsValid() {
		return ""
	}
	return string(z.AppendName(make([]byte, 0, z.NameLen())))
}

// AppendName appends z's name, as returned by [ReverseZone.Name], to b. It
// appends nothing if z is not valid, and it allocates nothing when b has
// [ReverseZone.NameLen] bytes of room.
func (z ReverseZone) AppendName(b []byte) []byte {
	if !z.IsValid() {
		return b
	}
	ip := z.Prefix.Addr().As16()
	for k := z.Prefix.Bits()/4 - 1; k >= 0; k-- {
		b = append(b, nibble(&ip, k), '.')
	}
	return append(b, ip6arpa...)
}

// nibble returns the hex digit of the kth nibble of ip, counting from 0 at
// the most significant.
func nibble(ip *[16]byte, k int) byte {
	if k%2 == 0 {
		return hexDigits[ip[k/2]>>4]
	}
	return hexDigits[ip[k/2]&0xf]
}

// Contains reports whether the address a has its PTR record in zone z: z is
// valid and a is in z.Prefix. IPv4 and zoned addresses are in no zone.
func (z ReverseZone) Contains(a netip.Addr) bool {
	return z.IsValid() && z.Prefix.Contains(a)
}

// String returns z's name, or "invalid ReverseZone" if z is not valid.
func (z ReverseZone) String() string {
	if !z.IsValid() {
		return "invalid ReverseZone"
	}
	return z.Name()
}

// ZoneName returns the name of the ip6.arpa zone of the prefix p, such as
// "6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa." for 2001:db8:d6::/48 (RFC 3596 §2.5).
// It fails unless p is a masked IPv6 prefix whose length is a multiple of
// 4; for other lengths the error names the zones that cover p, as
// [ReverseZones] returns them. ZoneName never rounds a prefix to a shorter
// zone.
func ZoneName(p netip.Prefix) (string, error) {
	if err := checkZonePrefix(p); err != nil {
		return "", err
	}
	if !ip6.IsNibbleAligned(p.Bits()) {
		n := ip6.NibbleCeil(p.Bits())
		first, last := firstLastZones(p, n)
		return "", fmt.Errorf("%s does not end on a nibble boundary, so it is not one ip6.arpa zone (RFC 3596 §2.5); use its %d /%d zones, %s through %s",
			p, 1<<(n-p.Bits()), n, first, last)
	}
	return ReverseZone{Prefix: p}.Name(), nil
}

// firstLastZones returns the first and the last /n child of p.
func firstLastZones(p netip.Prefix, n int) (first, last netip.Prefix) {
	return netip.PrefixFrom(p.Addr(), n), netip.PrefixFrom(ip6.LastAddr(p), n).Masked()
}

// checkZonePrefix returns an error unless p is a masked IPv6 prefix.
func checkZonePrefix(p netip.Prefix) error {
	switch {
	case !p.IsValid():
		return errors.New("invalid prefix; want an IPv6 prefix such as 2001:db8:d6::/48")
	case p.Addr().Is4():
		return fmt.Errorf("%s is an IPv4 prefix; ip6.arpa zones are cut from IPv6 prefixes (RFC 3596 §2.5)", p)
	case p.Masked() != p:
		return fmt.Errorf("%s has host bits set; did you mean %s?", p, p.Masked())
	}
	return nil
}

// ReverseZones returns the ip6.arpa zones that cover the prefix p exactly,
// in address order: p itself if its length is a multiple of 4, and
// otherwise the 2^(4 - len mod 4) zones at the next nibble boundary (RFC
// 3596 §2.5). A /48 is one /48 zone, a /50 is four /52 zones, a /62 is four
// /64 zones and a /63 two. ReverseZones never rounds p to a shorter zone,
// which would take in addresses outside p. It fails unless p is a masked
// IPv6 prefix.
func ReverseZones(p netip.Prefix) ([]ReverseZone, error) {
	if err := checkZonePrefix(p); err != nil {
		return nil, err
	}
	// A loop, not a range over ReverseZonesSeq: the web app cuts zones
	// through here, and each range-over-func loop costs it a closure.
	zones := make([]ReverseZone, reverseCuts(p))
	for i := range zones {
		zones[i] = reverseCut(p, i)
	}
	return zones, nil
}

// ReverseZonesSeq yields the zones of [ReverseZones] one at a time without
// allocating. It yields nothing if p is not a masked IPv6 prefix.
func ReverseZonesSeq(p netip.Prefix) iter.Seq[ReverseZone] {
	return func(yield func(ReverseZone) bool) {
		if checkZonePrefix(p) != nil {
			return
		}
		for i := range reverseCuts(p) {
			if !yield(reverseCut(p, i)) {
				return
			}
		}
	}
}

// reverseCuts is how many zones cover the masked IPv6 prefix p: 1, 2, 4
// or 8, as its length is 0, 3, 2 or 1 bits short of a nibble boundary.
func reverseCuts(p netip.Prefix) int { return 1 << ((4 - p.Bits()%4) % 4) }

// reverseCut returns zone i of the reverse zones of the masked IPv6
// prefix p: p's bits up to the next nibble boundary, the bits between
// set to i, which lie in the last nibble of the zone.
func reverseCut(p netip.Prefix, i int) ReverseZone {
	bits := ip6.NibbleCeil(p.Bits())
	a := p.Addr().As16()
	if k := bits/4 - 1; k >= 0 { // the zone's last nibble: high in byte k/2 when k is even
		a[k/2] |= byte(i) << (4 * (1 - k%2))
	}
	return ReverseZone{Prefix: netip.PrefixFrom(netip.AddrFrom16(a), bits)}
}

// ZoneFor returns the most specific of zones that contains the address a,
// the zone where a's PTR record belongs when zones are delegated from one
// another, and whether there is one.
func ZoneFor(zones []ReverseZone, a netip.Addr) (ReverseZone, bool) {
	best, found := ReverseZone{}, false
	for _, z := range zones {
		if z.Contains(a) && (!found || z.Prefix.Bits() > best.Prefix.Bits()) {
			best, found = z, true
		}
	}
	return best, found
}

// RelativeOwner returns the owner name of a's PTR record relative to the
// origin of zone z, as written in z's zone file: the nibbles of a below
// the zone cut, reversed and dot-separated, without a trailing dot (RFC
// 1035 §5.1; RFC 3596 §2.5). For zone 2001:db8:d6::/48 and address
// 2001:db8:d6:25::25 it is "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.5.2.0.0"; the
// owner of a /128 zone's only address is "@". It returns "" if z does not
// contain a.
func RelativeOwner(z ReverseZone, a netip.Addr) string {
	if !z.Contains(a) {
		return ""
	}
	return string(AppendRelativeOwner(make([]byte, 0, relativeOwnerLen(z)), z, a))
}

// relativeOwnerLen returns the length of a relative owner name in zone z.
func relativeOwnerLen(z ReverseZone) int {
	if n := 32 - z.Prefix.Bits()/4; n > 0 {
		return 2*n - 1
	}
	return 1
}

// AppendRelativeOwner appends the name [RelativeOwner] returns to b. It
// appends nothing if z does not contain a, and it allocates nothing when b
// has 63 bytes of room.
func AppendRelativeOwner(b []byte, z ReverseZone, a netip.Addr) []byte {
	if !z.Contains(a) {
		return b
	}
	top := z.Prefix.Bits() / 4
	if top == 32 {
		return append(b, '@')
	}
	ip := a.As16()
	for k := 31; k > top; k-- {
		b = append(b, nibble(&ip, k), '.')
	}
	return append(b, nibble(&ip, top))
}
