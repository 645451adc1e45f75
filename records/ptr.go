// Package records turns an allocated plan into DNS data: PTR owner names,
// reverse zone cuts, zone files and the names mail receivers look up.
package records

import (
	"fmt"
	"net/netip"
)

const hexDigits = "0123456789abcdef"

// PTRNameLen is the length of every IPv6 PTR owner name: 32 nibbles and
// their dots, then "ip6.arpa.".
const PTRNameLen = 32*2 + len("ip6.arpa.")

// AppendPTRName appends the reverse-lookup owner name of an IPv6 address:
// its 32 nibbles in reverse order, dot-separated, under ip6.arpa. (RFC 3596
// §2.5). It allocates nothing when b has PTRNameLen bytes of room. The
// caller must pass an IPv6 address that is not IPv4-mapped; PTRName checks.
func AppendPTRName(b []byte, a netip.Addr) []byte {
	ip := a.As16()
	for i := 15; i >= 0; i-- {
		b = append(b, hexDigits[ip[i]&0xf], '.', hexDigits[ip[i]>>4], '.')
	}
	return append(b, "ip6.arpa."...)
}

// PTRName returns the ip6.arpa owner name of a. IPv4 and IPv4-mapped
// addresses are refused rather than turned into in-addr.arpa names: a
// mapped address is never on the wire as IPv6 (RFC 4291 §2.5.5.2).
func PTRName(a netip.Addr) (string, error) {
	if !a.Is6() || a.Is4In6() || a.Zone() != "" {
		return "", fmt.Errorf("%s has no ip6.arpa name: want a plain IPv6 address, not IPv4, IPv4-mapped or zoned", a)
	}
	return string(AppendPTRName(make([]byte, 0, PTRNameLen), a)), nil
}
