package records

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteBind writes the set in BIND zone-file form, the records part
// selects (zero means both). Forward records are a snippet of absolute
// names to paste into an existing zone, the domain's first and then those
// of each name outside it under a comment naming its zone; with complete,
// they are complete zones with SOA and NS records instead, which
// [ZoneSet.CheckComplete] says whether the set can have. Reverse zones
// are always complete. Zones follow one another, each starting with the
// comment that marks it as ip6plan's and its $ORIGIN; none has the
// $INCLUDE of a zone file kept on disk (see [ZoneSet.Files]).
func (zs *ZoneSet) WriteBind(w io.Writer, part Part, complete bool) error {
	part = part.orBoth()
	if part.Has(Reverse) || complete {
		if err := zs.ConfigErr; err != nil {
			return err
		}
	}
	z := newZoneWriter(w)
	if part.Has(Forward) {
		fzs := zs.forwardZones()
		if len(fzs) == 0 && len(zs.Omitted) == 0 {
			return errors.New(noDomain)
		}
		for _, fz := range fzs {
			var err error
			if complete {
				err = z.forwardZone(zs, fz, "")
			} else {
				err = z.snippet(zs, fz)
			}
			if err != nil {
				return err
			}
		}
		for _, name := range zs.Omitted {
			z.str("; left out: ", name, ", which is outside ", zs.domainOrNone())
		}
	}
	if part.Has(Reverse) {
		for _, rz := range zs.Reverse {
			if err := z.reverseZone(zs, rz, ""); err != nil {
				return err
			}
		}
	}
	return z.flush()
}

// CheckComplete reports why the forward zones of the set cannot be
// written complete, with their SOA and NS records, or nil when they can:
// the plan names no nameservers or contact (ConfigErr), or a nameserver
// inside a zone has no address there. It is the one choice between a
// complete zone and a snippet to paste into an existing one: WriteBind
// and Files fail with its error when asked for complete zones, and a
// caller that takes whichever it can get (the web app) writes the
// snippet when it is not nil, saying why.
func (zs *ZoneSet) CheckComplete() error {
	if err := zs.ConfigErr; err != nil {
		return err
	}
	for _, fz := range zs.forwardZones() {
		if err := fz.checkComplete(zs.Config); err != nil {
			return err
		}
	}
	return nil
}

// checkComplete reports why fz cannot be a zone of its own with the SOA
// and NS records of cfg.
func (fz ForwardZone) checkComplete(cfg ZoneConfig) error {
	return errors.Join(CheckHostname(fz.Origin), cfg.Check(), checkRRs(fz.RRs), checkGlue(fz.Origin, cfg.Nameservers, fz.RRs))
}

// snippet writes the records of fz with absolute names, under a comment
// that names the zone they belong in when it is not the domain's.
func (z *zoneWriter) snippet(zs *ZoneSet, fz ForwardZone) error {
	if err := checkRRs(fz.RRs); err != nil {
		return err
	}
	if fz.Origin != zs.Domain.Origin {
		z.str("; ", fz.Origin, " is outside ", zs.domainOrNone(), ": these records belong in the zone that holds it")
	}
	z.rrs(fz.RRs)
	return nil
}

// forwardZone writes fz as a complete zone with the SOA and NS records of
// the set, and an $INCLUDE of include after them unless include is empty.
func (z *zoneWriter) forwardZone(zs *ZoneSet, fz ForwardZone, include string) error {
	if err := fz.checkComplete(zs.Config); err != nil {
		return err
	}
	z.str("; forward zone ", fz.Origin, " "+writtenBy)
	z.str("$ORIGIN ", fz.Origin)
	z.soaAndNS(zs.Config)
	z.include(include, fz.Origin)
	z.rrs(fz.RRs)
	return nil
}

// reverseZone writes the reverse zone rz of the set: SOA and NS, an
// $INCLUDE of include unless it is empty, an NS delegation for each zone
// of the set that rz delegates, and one PTR for each host inside rz but
// outside the delegated zones, owner names relative to $ORIGIN. It reads
// the hosts once, in order, and allocates nothing for each.
func (z *zoneWriter) reverseZone(zs *ZoneSet, rz ReverseZone, include string) error {
	delegated := delegatedBy(rz, zs.Reverse)
	if err := z.reverseHead(zs.Config, rz, delegated, include); err != nil {
		return err
	}
	// A loop over a slice, not an iterator: the web app writes reverse
	// zones through here, and each range-over-func loop costs it the code
	// of a closure.
	for _, h := range zs.Hosts {
		if err := z.ptr(rz, delegated, h, zs.Config.TTL); err != nil {
			return err
		}
	}
	return nil
}

// rrs writes each record in the BIND form "owner ttl IN type data".
func (z *zoneWriter) rrs(rrs []RR) {
	for _, rr := range rrs {
		z.b = appendRR(z.b, rr.Name, rr.TTL, rr.Type, rr.Data)
		z.line()
	}
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

// reverseHead writes the lines of reverse zone zone before its PTRs: the
// header, the $INCLUDE of include unless it is empty, and the NS records
// of each zone it delegates.
func (z *zoneWriter) reverseHead(cfg ZoneConfig, zone ReverseZone, delegated []ReverseZone, include string) error {
	if err := cfg.Check(); err != nil {
		return err
	}
	if !zone.IsValid() {
		return fmt.Errorf("%s is not a reverse zone: zones are cut at nibble boundaries", zone.Prefix)
	}
	var origin [PTRNameLen]byte
	name := zone.AppendName(origin[:0])
	z.b = append(append(z.b, "; reverse zone for "...), zone.Prefix.String()...)
	z.b = append(z.b, " "+writtenBy...)
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

// include writes the $INCLUDE line of file with origin as the origin of
// the included records (RFC 1035 §5.1), unless file is empty.
func (z *zoneWriter) include(file, origin string) {
	if file != "" {
		z.str("$INCLUDE ", file, " ", origin, " ; records kept by hand; ip6plan never writes this file")
	}
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
