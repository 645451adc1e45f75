package records

import (
	"fmt"
	"net/netip"
	"strings"
)

// DNSBLName returns the name a mail receiver looks up to ask the DNS
// blocklist at zone whether it lists the address a (RFC 5782 §2). For an
// IPv6 address it is the 32 nibbles of a in reverse order under zone, as
// for ip6.arpa (RFC 5782 §2.4): 2001:db8:1:2:3:4:567:89ab under
// zen.spamhaus.org is
// "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org.".
// For an IPv4 address, or an IPv4-mapped IPv6 one, it is the four octets
// in reverse order (RFC 5782 §2.1): 192.0.2.99 gives "99.2.0.192.zone.".
//
// The zone may end in '.' or not; it is always taken as absolute, and the
// name returned always ends in '.'. The zone must pass the checks of
// [CheckOwner] except the wildcard, and the whole name must fit in 255
// octets (RFC 1035 §2.3.4). Zoned addresses are refused.
func DNSBLName(a netip.Addr, zone string) (string, error) {
	switch {
	case !a.IsValid():
		return "", fmt.Errorf("invalid address; want an IPv4 or IPv6 address to look up in DNS blocklist %q", zone)
	case a.Zone() != "":
		return "", fmt.Errorf("%s has a zone; DNS blocklists list global addresses, so drop the %%%s", a, a.Zone())
	}
	if zone == "" || zone == "." {
		return "", fmt.Errorf("DNSBL zone %q is empty; want a list zone such as zen.spamhaus.org", zone)
	}
	if err := dnsblRules.Check(zone); err != nil {
		return "", err
	}
	name := AppendDNSBLName(make([]byte, 0, dnsblPrefixLen(a)+len(zone)+1), a, zone)
	if len(name)+1 > 255 {
		return "", fmt.Errorf("DNSBL name %q is %d octets long in wire form; the limit is 255 (RFC 1035 §2.3.4), so zone %q is too long",
			name, len(name)+1, zone)
	}
	return string(name), nil
}

// dnsblPrefixLen returns the length of the reversed address part of a's
// DNSBL name, with its final dot.
func dnsblPrefixLen(a netip.Addr) int {
	if a.Unmap().Is4() {
		return len("255.255.255.255.")
	}
	return 64
}

// AppendDNSBLName appends the name [DNSBLName] returns to b, followed by a
// '.' if zone lacks one. It checks neither the zone nor the length of the
// name, and it appends nothing if a is not a valid address; callers check
// their zone once with DNSBLName. It allocates nothing when b has room for
// the name (64 octets and the zone for IPv6).
func AppendDNSBLName(b []byte, a netip.Addr, zone string) []byte {
	if !a.IsValid() {
		return b
	}
	a = a.Unmap()
	if a.Is4() {
		ip := a.As4()
		for i := 3; i >= 0; i-- {
			b = appendDecimal(b, ip[i])
			b = append(b, '.')
		}
	} else {
		ip := a.As16()
		for k := 31; k >= 0; k-- {
			b = append(b, nibble(&ip, k), '.')
		}
	}
	b = append(b, zone...)
	if !strings.HasSuffix(zone, ".") {
		b = append(b, '.')
	}
	return b
}

// appendDecimal appends the decimal form of v to b.
func appendDecimal(b []byte, v byte) []byte {
	if v >= 100 {
		b = append(b, '0'+v/100)
	}
	if v >= 10 {
		b = append(b, '0'+v/10%10)
	}
	return append(b, '0'+v%10)
}
