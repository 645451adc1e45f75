package records

import (
	"encoding/hex"
	"errors"
	"io"
	"strconv"
	"strings"
)

// WriteTinydns writes tinydns-data lines (djbdns): for each reverse zone a
// Z line (SOA) and & lines (NS), then for each host a 6 line (AAAA and its
// PTR) for its name, 3 lines (AAAA only) for its aliases and + lines (A
// only) for an IPv4 address, whose PTR lives in someone's in-addr.arpa.
// Names are written without their trailing dot, as tinydns-data expects.
//
// The 6 and 3 lines come from the IPv6 patch that most djbdns builds
// carry. Stock djbdns 1.05 (Debian's tinydns package) rejects them; with
// generic set, AAAA records are written as generic :fqdn:28:rdata: lines
// and PTRs as ^ lines, which every tinydns-data reads.
func WriteTinydns(w io.Writer, zones []ReverseZone, cfg ZoneConfig, hosts []Host, generic bool) error {
	if err := errors.Join(cfg.Check(), checkHosts(hosts)); err != nil {
		return err
	}
	z := newZoneWriter(w)
	z.str("# tinydns data written by ip6plan")
	s := cfg.SOA
	for _, zone := range zones {
		z.b = append(z.b, 'Z')
		z.b = bare(zone.AppendName(z.b))
		z.b = append(z.b, ':')
		z.b = bare(append(z.b, s.MName...))
		z.b = append(z.b, ':')
		z.b = bare(append(z.b, s.RName...))
		for _, v := range []uint32{s.Serial, s.Refresh, s.Retry, s.Expire, s.Minimum, cfg.TTL} {
			z.b = strconv.AppendUint(append(z.b, ':'), uint64(v), 10)
		}
		z.line()
		for _, ns := range cfg.Nameservers {
			z.b = append(z.b, '&')
			z.b = bare(zone.AppendName(z.b))
			z.b = bare(append(append(z.b, "::"...), ns...))
			z.b = strconv.AppendUint(append(z.b, ':'), uint64(cfg.TTL), 10)
			z.line()
		}
	}
	for _, h := range hosts {
		if generic {
			z.genericAAAA(h.Name, h, cfg.TTL)
			for _, a := range h.Aliases {
				z.genericAAAA(a, h, cfg.TTL)
			}
			z.b = bare(AppendPTRName(append(z.b, '^'), h.Addr))
			z.b = bare(append(append(z.b, ':'), h.Name...))
			z.b = strconv.AppendUint(append(z.b, ':'), uint64(cfg.TTL), 10)
			z.line()
		} else {
			z.tinyLine('6', h.Name, h, cfg.TTL)
			for _, a := range h.Aliases {
				z.tinyLine('3', a, h, cfg.TTL)
			}
		}
		if h.IPv4.IsValid() {
			for _, name := range append([]string{h.Name}, h.Aliases...) {
				z.b = append(append(z.b, '+'), strings.TrimSuffix(name, ".")...)
				z.b = append(append(z.b, ':'), h.IPv4.String()...)
				z.b = strconv.AppendUint(append(z.b, ':'), uint64(cfg.TTL), 10)
				z.line()
			}
		}
	}
	return z.flush()
}

// tinyLine writes a 6 or 3 line: the address as 32 hex digits.
func (z *zoneWriter) tinyLine(kind byte, name string, h Host, ttl uint32) {
	ip := h.Addr.As16()
	z.b = append(append(z.b, kind), strings.TrimSuffix(name, ".")...)
	z.b = hex.AppendEncode(append(z.b, ':'), ip[:])
	z.b = strconv.AppendUint(append(z.b, ':'), uint64(ttl), 10)
	z.line()
}

// genericAAAA writes an AAAA record as a generic tinydns line: type 28
// and the 16 address octets, each as a three-digit octal escape.
func (z *zoneWriter) genericAAAA(name string, h Host, ttl uint32) {
	z.b = append(append(z.b, ':'), strings.TrimSuffix(name, ".")...)
	z.b = append(z.b, ":28:"...)
	for _, o := range h.Addr.As16() {
		z.b = append(z.b, '\\', '0'+o>>6, '0'+o>>3&7, '0'+o&7)
	}
	z.b = strconv.AppendUint(append(z.b, ':'), uint64(ttl), 10)
	z.line()
}

// bare drops a trailing dot from b.
func bare(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '.' {
		return b[:n-1]
	}
	return b
}
