package records

import (
	"bufio"
	"errors"
	"fmt"
	"hash"
	"io"
	"iter"
	"net/netip"
	"strconv"
	"strings"
)

// zoneWriter writes zone-file lines through one buffer that every line
// reuses, so a zone of any size streams out in constant memory.
type zoneWriter struct {
	w      *bufio.Writer
	b      []byte
	err    error
	digest hash.Hash64 // when not nil, every line written goes into it; see writeDigest
}

func newZoneWriter(w io.Writer) *zoneWriter {
	return &zoneWriter{w: bufio.NewWriterSize(w, 64<<10), b: make([]byte, 0, 512)}
}

// line writes b as one line.
func (z *zoneWriter) line() {
	if z.err == nil {
		z.b = append(z.b, '\n')
		_, z.err = z.w.Write(z.b)
		if z.digest != nil {
			z.digest.Write(z.b)
		}
	}
	z.b = z.b[:0]
}

func (z *zoneWriter) str(parts ...string) {
	for _, p := range parts {
		z.b = append(z.b, p...)
	}
	z.line()
}

func (z *zoneWriter) flush() error {
	if z.err != nil {
		return z.err
	}
	return z.w.Flush()
}

// appendRR appends one record line in the BIND form "owner ttl IN type data".
func appendRR(b []byte, owner string, ttl uint32, typ, data string) []byte {
	b = append(b, owner...)
	b = append(b, '\t')
	b = strconv.AppendUint(b, uint64(ttl), 10)
	b = append(b, "\tIN\t"...)
	b = append(b, typ...)
	b = append(b, '\t')
	return append(b, data...)
}

// header writes $ORIGIN, $TTL, the SOA and the apex NS records.
func (z *zoneWriter) header(origin string, cfg ZoneConfig) {
	z.str("$ORIGIN ", origin)
	z.soaAndNS(cfg)
}

// WriteForwardSnippet writes records in BIND zone-file form with absolute
// names, so the lines mean the same whatever $ORIGIN the zone they are
// pasted into has.
//
// Deprecated: given ForwardRecords, it lacks the MX and SPF records and
// mixes in names outside the domain; write ZonesOf's set with
// [ZoneSet.WriteBind] (complete false) instead.
func WriteForwardSnippet(w io.Writer, rrs []RR) error {
	if err := checkRRs(rrs); err != nil {
		return err
	}
	z := newZoneWriter(w)
	for _, rr := range rrs {
		z.b = appendRR(z.b, rr.Name, rr.TTL, rr.Type, rr.Data)
		z.line()
	}
	return z.flush()
}

// WriteForwardZone writes a complete zone file for origin holding rrs: the
// snippet with the SOA and NS records the plan gives, for a domain that has
// no zone yet. Every record must lie in origin.
//
// Deprecated: write ZonesOf's set with [ZoneSet.WriteBind] (complete
// true), or [ZoneSet.Files] for files on disk, which also have the MX and
// SPF records, keep names outside the domain out, and $INCLUDE the
// hand-maintained records.
func WriteForwardZone(w io.Writer, origin string, cfg ZoneConfig, rrs []RR) error {
	return writeForwardZone(newZoneWriter(w), origin, cfg, rrs, "")
}

// writeForwardZone writes a forward zone through z, with an $INCLUDE of
// include after the apex records unless include is empty.
func writeForwardZone(z *zoneWriter, origin string, cfg ZoneConfig, rrs []RR, include string) error {
	if err := errors.Join(CheckHostname(origin), cfg.Check(), checkRRs(rrs), checkGlue(origin, cfg.Nameservers, rrs)); err != nil {
		return err
	}
	z.str("; forward zone ", origin, " written by ip6plan")
	z.header(origin, cfg)
	z.include(include, origin)
	for _, rr := range rrs {
		z.b = appendRR(z.b, rr.Name, rr.TTL, rr.Type, rr.Data)
		z.line()
	}
	return z.flush()
}

// WriteReverseZone writes the complete zone file of the reverse zone zone:
// $ORIGIN, $TTL, SOA and NS from cfg; an NS delegation for each zone of
// delegated (cuts inside zone that get zone files of their own); and one
// PTR for each host inside zone but outside the delegated zones, owner
// names relative to $ORIGIN. hosts must come sorted by address; they are
// read once, so a million of them stream through in constant memory.
func WriteReverseZone(w io.Writer, zone ReverseZone, cfg ZoneConfig, delegated []ReverseZone, hosts iter.Seq[Host]) error {
	z := newZoneWriter(w)
	if err := z.reverseHead(zone, cfg, delegated, ""); err != nil {
		return err
	}
	for h := range hosts {
		if err := z.ptr(zone, delegated, h, cfg.TTL); err != nil {
			return err
		}
	}
	return z.flush()
}

// writeReverseZone writes a reverse zone through z, as WriteReverseZone
// does, with an $INCLUDE of include after the apex records unless include
// is empty. It loops over a slice, not an iterator: the web app writes
// reverse zones through here, and each range-over-func loop costs it the
// code of a closure.
func writeReverseZone(z *zoneWriter, zone ReverseZone, cfg ZoneConfig, delegated []ReverseZone, hosts []Host, include string) error {
	if err := z.reverseHead(zone, cfg, delegated, include); err != nil {
		return err
	}
	for _, h := range hosts {
		if err := z.ptr(zone, delegated, h, cfg.TTL); err != nil {
			return err
		}
	}
	return z.flush()
}

// reverseHead writes the lines of reverse zone zone before its PTRs: the
// header, the $INCLUDE of include unless it is empty, and the NS records
// of each zone it delegates.
func (z *zoneWriter) reverseHead(zone ReverseZone, cfg ZoneConfig, delegated []ReverseZone, include string) error {
	if err := cfg.Check(); err != nil {
		return err
	}
	if !zone.IsValid() {
		return fmt.Errorf("%s is not a reverse zone: zones are cut at nibble boundaries", zone.Prefix)
	}
	var origin [PTRNameLen]byte
	name := zone.AppendName(origin[:0])
	z.b = append(append(z.b, "; reverse zone for "...), zone.Prefix.String()...)
	z.b = append(z.b, " written by ip6plan"...)
	z.line()
	z.str("$ORIGIN ", string(name))
	z.soaAndNS(cfg)
	z.include(include, string(name))
	for _, d := range delegated {
		for _, ns := range cfg.Nameservers {
			z.b = d.appendRelative(z.b, zone)
			z.b = append(z.b, '\t')
			z.b = strconv.AppendUint(z.b, uint64(cfg.TTL), 10)
			z.b = append(z.b, "\tIN\tNS\t"...)
			z.b = append(z.b, ns...)
			z.line()
		}
	}
	return nil
}

// ptr writes the PTR record of h if its address lies in zone and outside
// the zones zone delegates. A host whose name or address cannot be
// written is an error, after what was written so far is flushed.
func (z *zoneWriter) ptr(zone ReverseZone, delegated []ReverseZone, h Host, ttl uint32) error {
	if !zone.Contains(h.Addr) || inDelegated(h.Addr, delegated) {
		return nil
	}
	if err := checkHost(h); err != nil {
		z.flush()
		return err // the caller's temporary file is never renamed into place
	}
	z.b = AppendRelativeOwner(z.b, zone, h.Addr)
	z.b = append(z.b, '\t')
	z.b = strconv.AppendUint(z.b, uint64(ttl), 10)
	z.b = append(z.b, "\tIN\tPTR\t"...)
	z.b = append(z.b, h.Name...)
	z.line()
	return nil
}

// soaAndNS writes $TTL, the SOA and the apex NS records.
func (z *zoneWriter) soaAndNS(cfg ZoneConfig) {
	z.b = strconv.AppendUint(append(z.b, "$TTL "...), uint64(cfg.TTL), 10)
	z.line()
	s := cfg.SOA
	z.b = appendRR(z.b, "@", cfg.TTL, "SOA", s.MName)
	z.b = append(z.b, ' ')
	z.b = append(z.b, s.RName...)
	z.b = append(z.b, " ("...)
	for _, v := range []uint32{s.Serial, s.Refresh, s.Retry, s.Expire, s.Minimum} {
		z.b = append(z.b, ' ')
		z.b = strconv.AppendUint(z.b, uint64(v), 10)
	}
	z.b = append(z.b, " )"...)
	z.line()
	for _, ns := range cfg.Nameservers {
		z.b = appendRR(z.b, "@", cfg.TTL, "NS", ns)
		z.line()
	}
}

func inDelegated(a netip.Addr, delegated []ReverseZone) bool {
	for _, d := range delegated {
		if d.Prefix.Contains(a) {
			return true
		}
	}
	return false
}

// appendRelative appends the name of zone d relative to its parent zone
// outer: the nibbles between the two cuts.
func (d ReverseZone) appendRelative(b []byte, outer ReverseZone) []byte {
	ip := d.Prefix.Addr().As16()
	for i := d.Prefix.Bits()/4 - 1; i >= outer.Prefix.Bits()/4; i-- {
		nib := ip[i/2] >> 4
		if i%2 == 1 {
			nib = ip[i/2] & 0xf
		}
		b = append(b, hexDigits[nib])
		if i > outer.Prefix.Bits()/4 {
			b = append(b, '.')
		}
	}
	return b
}

// checkGlue reports a name server inside origin that rrs give no address:
// the zone could not be loaded, since nobody could reach that server
// (RFC 1034 §4.2.1).
func checkGlue(origin string, nameservers []string, rrs []RR) error {
	for _, ns := range nameservers {
		if !strings.HasSuffix(strings.ToLower(ns), "."+strings.ToLower(origin)) {
			continue
		}
		found := false
		for _, rr := range rrs {
			found = found || rr.Name == strings.ToLower(ns) && (rr.Type == "AAAA" || rr.Type == "A")
		}
		if !found {
			return fmt.Errorf("nameserver %s is inside %s but the plan gives it no address; add it as a host", ns, origin)
		}
	}
	return nil
}
