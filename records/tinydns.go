package records

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// TinydnsOptions chooses the tinydns-data dialect and the records.
type TinydnsOptions struct {
	// Generic writes AAAA records as generic :fqdn:28:rdata: lines and
	// PTRs as ^ lines, which stock djbdns 1.05 (Debian's tinydns) reads.
	// Without it, 6 lines give an AAAA and its PTR in one, and 3 lines an
	// AAAA alone: the IPv6 patch most djbdns builds carry.
	Generic bool
	Part    Part // zero means Both
}

// WriteTinydns writes the set as tinydns-data lines (djbdns), the records
// opt.Part selects (zero means both), names without their trailing dot.
// Each zone, forward and reverse, has its Z line (SOA) and & lines (NS);
// hosts have 6, 3 or generic lines as [TinydnsOptions] says, ^ lines for
// PTRs not given by a 6 line, and + lines (A without PTR) for IPv4
// addresses, whose PTRs live in someone's in-addr.arpa; the domain's MX
// records are @ lines, and TXT records ' lines whose text is written
// with octal escapes for ':', '\' and octets outside printable ASCII.
// tinydns-data cuts a ' line's text into strings of 127 octets, not 255;
// receivers join them all the same (RFC 7208 §3.3).
func (zs *ZoneSet) WriteTinydns(w io.Writer, opt TinydnsOptions) error {
	if err := zs.ConfigErr; err != nil {
		return err
	}
	if err := errors.Join(zs.Config.Check(), checkHosts(zs.Hosts)); err != nil {
		return err
	}
	part := opt.Part.orBoth()
	var forward []ForwardZone
	if part.Has(Forward) {
		forward = zs.forwardZones()
	}
	for _, fz := range forward {
		if err := checkRRs(fz.RRs); err != nil {
			return err
		}
	}
	z := newZoneWriter(w)
	z.str("# tinydns data " + writtenBy)
	for _, fz := range forward {
		z.tinySOA(zs, []byte(fz.Origin))
	}
	if part.Has(Reverse) {
		for _, rz := range zs.Reverse {
			var name [PTRNameLen]byte
			z.tinySOA(zs, rz.AppendName(name[:0]))
		}
	}
	for _, h := range zs.Hosts {
		z.tinyHost(zs, h, opt)
	}
	for _, fz := range forward {
		for _, rr := range fz.RRs {
			if err := z.tinyRR(rr); err != nil {
				return err
			}
		}
	}
	return z.flush()
}

// tinySOA writes the Z line (SOA) and & lines (NS) of the zone named name.
func (z *zoneWriter) tinySOA(zs *ZoneSet, name []byte) {
	cfg := zs.Config
	s := cfg.SOA
	z.b = bare(append(append(z.b, 'Z'), name...))
	z.b = append(z.b, ':')
	z.b = bare(append(z.b, s.MName...))
	z.b = append(z.b, ':')
	z.b = bare(append(z.b, s.RName...))
	for _, v := range []uint32{s.Serial, s.Refresh, s.Retry, s.Expire, s.Minimum, cfg.TTL} {
		z.b = strconv.AppendUint(append(z.b, ':'), uint64(v), 10)
	}
	z.line()
	for _, ns := range cfg.Nameservers {
		z.b = bare(append(append(z.b, '&'), name...))
		z.b = bare(append(append(z.b, "::"...), ns...))
		z.b = strconv.AppendUint(append(z.b, ':'), uint64(cfg.TTL), 10)
		z.line()
	}
}

// tinyHost writes the lines of host h that opt.Part selects: the AAAA
// records of each of its names the set publishes and + lines for its
// IPv4 address (forward), and its PTR (reverse, when the set has reverse
// zones). A 6 line gives the AAAA of its name and the PTR in one, unless
// opt.Generic.
func (z *zoneWriter) tinyHost(zs *ZoneSet, h Host, opt TinydnsOptions) {
	part, generic, ttl := opt.Part.orBoth(), opt.Generic, zs.Config.TTL
	fwd, rev := part.Has(Forward), part.Has(Reverse) && len(zs.Reverse) > 0
	names := append([]string{h.Name}, h.Aliases...)
	six := fwd && rev && !generic && zs.published(h.Name)
	for i, name := range names {
		switch {
		case !fwd || !zs.published(name):
		case i == 0 && six:
			z.tinyLine('6', name, h, ttl)
		case generic:
			z.genericAAAA(name, h, ttl)
		default:
			z.tinyLine('3', name, h, ttl)
		}
	}
	if rev && !six {
		z.b = bare(AppendPTRName(append(z.b, '^'), h.Addr))
		z.b = bare(append(append(z.b, ':'), h.Name...))
		z.b = strconv.AppendUint(append(z.b, ':'), uint64(ttl), 10)
		z.line()
	}
	if h.IPv4.IsValid() && fwd {
		for _, name := range names {
			if !zs.published(name) {
				continue
			}
			z.b = append(append(z.b, '+'), strings.TrimSuffix(name, ".")...)
			z.b = append(append(z.b, ':'), h.IPv4.String()...)
			z.b = strconv.AppendUint(append(z.b, ':'), uint64(ttl), 10)
			z.line()
		}
	}
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

// tinyRR writes an MX record as an @ line and a TXT record as a ' line;
// the address records are the hosts' lines.
func (z *zoneWriter) tinyRR(rr RR) error {
	switch rr.Type {
	case "MX":
		pref, target, _ := strings.Cut(rr.Data, " ")
		z.b = append(append(z.b, '@'), strings.TrimSuffix(rr.Name, ".")...)
		z.b = append(append(append(z.b, "::"...), strings.TrimSuffix(target, ".")...), ':')
		z.b = append(z.b, pref...)
		z.b = strconv.AppendUint(append(z.b, ':'), uint64(rr.TTL), 10)
		z.line()
	case "TXT":
		text, ok := unquoteTXT(rr.Data)
		if !ok {
			return fmt.Errorf("TXT record of %s: %q is not TXT data as QuoteTXT writes it, which tinydns lines are made from", rr.Name, rr.Data)
		}
		z.b = append(append(z.b, '\''), strings.TrimSuffix(rr.Name, ".")...)
		z.b = appendTinyText(append(z.b, ':'), text)
		z.b = strconv.AppendUint(append(z.b, ':'), uint64(rr.TTL), 10)
		z.line()
	}
	return nil
}

// appendTinyText appends s as tinydns-data reads the text of a ' line:
// ':' (the field separator), '\' (the escape) and every octet outside
// printable ASCII as '\' and three octal digits.
func appendTinyText(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ':' || c == '\\' || c < 0x20 || c >= 0x7f {
			b = append(b, '\\', '0'+c>>6, '0'+c>>3&7, '0'+c&7)
			continue
		}
		b = append(b, c)
	}
	return b
}

// bare drops a trailing dot from b.
func bare(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '.' {
		return b[:n-1]
	}
	return b
}
