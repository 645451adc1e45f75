// Package spfzone reads the records SPF evaluation needs from zone file
// text into an [spf.StaticResolver], so that `ip6plan spf check` can
// follow a whole chain (include:, redirect=, a, mx, ptr) offline. It lives
// apart from package spf so that the browser app, which links spf, does
// not link a zone file parser.
package spfzone

import (
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"github.com/miekg/dns"

	"github.com/ip6plan/ip6plan/records"
	"github.com/ip6plan/ip6plan/records/spf"
)

// Parse reads a zone file (RFC 1035 §5.1, as BIND writes and reads it)
// into a new StaticResolver; see [Add].
func Parse(r io.Reader, origin, file string) (*spf.StaticResolver, error) {
	var s spf.StaticResolver
	if err := Add(&s, r, origin, file); err != nil {
		return nil, err
	}
	return &s, nil
}

// Add reads a zone file into s: its TXT records (the character-strings of
// each concatenated, escapes decoded), A, AAAA, MX, CNAME and PTR
// records; the other types are skipped. origin is the zone's origin, for
// names written without a final dot until a $ORIGIN line; file names
// the input in errors, and when it is not empty, $INCLUDE lines are read
// relative to its directory (with an empty file they are an error). A
// record without a TTL, in a file without $TTL, gets one of an hour.
//
// The owner of each SOA record becomes one of s.Zones, so that a name in
// the zone that the file does not have answers "no records" (NXDOMAIN),
// as the zone's server would; in a file without an SOA (a snippet), the
// origin does. A PTR record adds the address its owner name spells
// (under in-addr.arpa or ip6.arpa, complete); other PTR owners are
// skipped.
//
// The error of a file that does not parse names the file, line and
// column, as "zone.db: dns: bad AAAA AAAA: \"2001:db8::x\" at line: 3:19".
// Records read before it are kept in s.
func Add(s *spf.StaticResolver, r io.Reader, origin, file string) error {
	if origin != "" {
		origin = dns.Fqdn(origin)
		if _, ok := dns.IsDomainName(origin); !ok {
			return fmt.Errorf("spfzone: origin %q is not a domain name", origin)
		}
	}
	zp := dns.NewZoneParser(r, origin, file)
	zp.SetDefaultTTL(3600)
	zp.SetIncludeAllowed(file != "")
	soa := false
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		name := rr.Header().Name
		switch rr := rr.(type) {
		case *dns.SOA:
			soa = true
			s.Zones = append(s.Zones, name)
		case *dns.TXT:
			var b strings.Builder
			for _, str := range rr.Txt {
				b.WriteString(records.UnescapeString(str))
			}
			s.AddTXT(name, b.String())
		case *dns.A:
			if a, ok := netip.AddrFromSlice(rr.A); ok {
				s.AddAddr(name, a.Unmap())
			}
		case *dns.AAAA:
			if a, ok := netip.AddrFromSlice(rr.AAAA); ok {
				s.AddAddr(name, a)
			}
		case *dns.MX:
			s.AddMX(name, rr.Preference, rr.Mx)
		case *dns.CNAME:
			s.AddCNAME(name, rr.Target)
		case *dns.PTR:
			if a, ok := reverseAddr(name); ok {
				s.AddPTR(a, rr.Ptr)
			}
		}
	}
	if err := zp.Err(); err != nil {
		return err
	}
	if !soa && origin != "" {
		s.Zones = append(s.Zones, origin)
	}
	return nil
}

// reverseAddr returns the address a complete reverse name spells: four
// decimal labels under in-addr.arpa, or 32 nibbles under ip6.arpa.
func reverseAddr(name string) (netip.Addr, bool) {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if rest, ok := strings.CutSuffix(name, ".in-addr.arpa"); ok {
		labels := strings.Split(rest, ".")
		if len(labels) != 4 {
			return netip.Addr{}, false
		}
		var b [4]byte
		for i, l := range labels {
			n, err := strconv.Atoi(l)
			if err != nil || n < 0 || n > 255 || strconv.Itoa(n) != l {
				return netip.Addr{}, false
			}
			b[3-i] = byte(n)
		}
		return netip.AddrFrom4(b), true
	}
	if rest, ok := strings.CutSuffix(name, ".ip6.arpa"); ok {
		labels := strings.Split(rest, ".")
		if len(labels) != 32 {
			return netip.Addr{}, false
		}
		var b [16]byte
		for i, l := range labels {
			n, err := strconv.ParseUint(l, 16, 4)
			if err != nil || len(l) != 1 {
				return netip.Addr{}, false
			}
			nib := 31 - i // labels run from the last nibble to the first
			if nib%2 == 0 {
				b[nib/2] |= byte(n) << 4
			} else {
				b[nib/2] |= byte(n)
			}
		}
		return netip.AddrFrom16(b), true
	}
	return netip.Addr{}, false
}
