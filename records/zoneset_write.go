package records

import (
	"encoding/json"
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
// they are complete zones with SOA and NS records instead. Reverse zones
// are always complete. Zones follow one another, each starting with its
// $ORIGIN; none has the $INCLUDE of a zone file kept on disk (see
// [ZoneSet.Files]).
func (zs *ZoneSet) WriteBind(w io.Writer, part Part, complete bool) error {
	part = part.orBoth()
	if part.Has(Reverse) || complete {
		if err := zs.needConfig(); err != nil {
			return err
		}
	}
	z := newZoneWriter(w)
	if part.Has(Forward) {
		if len(zs.forwardZones()) == 0 && zs.Domain.Origin == "" && len(zs.Omitted) == 0 {
			return errors.New(noDomain)
		}
		for i, fz := range zs.forwardZones() {
			if complete {
				if err := writeForwardZone(z, fz.Origin, zs.Config, fz.RRs, ""); err != nil {
					return err
				}
				continue
			}
			if err := checkRRs(fz.RRs); err != nil {
				return err
			}
			if i > 0 || fz.Origin != zs.Domain.Origin {
				z.str("; ", fz.Origin, " is outside ", zs.domainOrNone(), ": these records belong in the zone that holds it")
			}
			for _, rr := range fz.RRs {
				z.b = appendRR(z.b, rr.Name, rr.TTL, rr.Type, rr.Data)
				z.line()
			}
		}
		for _, name := range zs.Omitted {
			z.str("; left out: ", name, ", which is outside ", zs.domainOrNone())
		}
	}
	if part.Has(Reverse) {
		for _, rz := range zs.Reverse {
			if err := writeReverseZone(z, rz, zs.Config, Delegated(rz, zs.Reverse), zs.Hosts, ""); err != nil {
				return err
			}
		}
	}
	return z.flush()
}

func (zs *ZoneSet) domainOrNone() string {
	if zs.Domain.Origin == "" {
		return "the plan's domain (it has none)"
	}
	return zs.Domain.Origin
}

// WriteTinydns writes the set as tinydns-data lines (djbdns), the records
// opt.Part selects (zero means both), names without their trailing dot.
// Each zone, forward and reverse, has its Z line (SOA) and & lines (NS);
// hosts have 6, 3 or generic lines as [TinydnsOptions] says, ^ lines for
// PTRs not given by a 6 line, and + lines for IPv4 addresses; the
// domain's MX records are @ lines, and TXT records ' lines whose text is
// written with octal escapes for ':', '\' and octets outside printable
// ASCII. tinydns-data cuts a ' line's text into strings of 127 octets,
// not 255; receivers join them all the same (RFC 7208 §3.3).
func (zs *ZoneSet) WriteTinydns(w io.Writer, opt TinydnsOptions) error {
	if err := zs.needConfig(); err != nil {
		return err
	}
	part := opt.Part.orBoth()
	in := tinyInput{cfg: zs.Config, hosts: zs.Hosts, opt: opt, publish: zs.published}
	if part.Has(Forward) {
		in.forward = zs.forwardZones()
	}
	if part.Has(Reverse) {
		in.reverse = zs.Reverse
	}
	return writeTinydns(w, in)
}

// WriteJSON writes the set as one JSON document for programs, the records
// part selects (zero means both): "forward" holds the domain's records,
// "outside" each zone of a name outside the domain with its records,
// "omitted" the names left out, and "reverse" each reverse zone with its
// PTR records. Names are fully qualified, records in the order of the
// zone files, and data in zone-file form (TXT data quoted).
func (zs *ZoneSet) WriteJSON(w io.Writer, part Part) error {
	part = part.orBoth()
	doc := jsonDoc{Forward: []jsonRR{}, Reverse: []jsonZone{}, Outside: []jsonZone{}, Omitted: []string{}}
	if part.Has(Forward) {
		doc.Forward = jsonRRs(zs.Domain.RRs)
		for _, fz := range zs.Outside {
			doc.Outside = append(doc.Outside, jsonZone{Zone: fz.Origin, Records: jsonRRs(fz.RRs)})
		}
		doc.Omitted = append(doc.Omitted, zs.Omitted...)
	}
	if part.Has(Reverse) {
		doc.Reverse = reverseJSON(zs.Reverse, zs.Config, zs.Hosts)
	}
	if err := checkHosts(zs.Hosts); err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func jsonRRs(rrs []RR) []jsonRR {
	out := make([]jsonRR, 0, len(rrs))
	for _, rr := range rrs {
		out = append(out, jsonRR{rr.Name, rr.TTL, rr.Type, rr.Data})
	}
	return out
}

// WriteNsupdate writes a script for nsupdate (RFC 2136 dynamic updates)
// that publishes the set, the records part selects (zero means both);
// server, if not empty, names the primary to send to. Apply it with
// `nsupdate -k KEYFILE FILE`.
//
// The records of each zone, the domain's, those of names outside it (each
// a zone of its own, see OwnZones) and the reverse zones, go as one update
// to that zone. Every record set the plan gives is replaced (deleted, then added),
// so running the script twice changes nothing, with one exception: at
// the domain's apex TXT records are only added, since the apex holds
// other TXT records (site verification and the like) that the plan does
// not know. A changed SPF record is therefore added next to the old one,
// which must be deleted by hand (two SPF records are a permerror, RFC
// 7208 §3.2); the script says so in a comment.
func (zs *ZoneSet) WriteNsupdate(w io.Writer, server string, part Part) error {
	if err := checkHosts(zs.Hosts); err != nil {
		return err
	}
	part = part.orBoth()
	z := newZoneWriter(w)
	z.str("; nsupdate script written by ip6plan; apply with: nsupdate -k KEYFILE THIS-FILE")
	if server != "" {
		z.str("server ", server)
	}
	if part.Has(Forward) {
		if d := zs.Domain; len(d.RRs) > 0 {
			if err := checkRRs(d.RRs); err != nil {
				return err
			}
			z.str("zone ", d.Origin)
			for i, rr := range d.RRs {
				if rr.Name == d.Origin && rr.Type == "TXT" {
					if i == 0 || d.RRs[i-1].Type != "TXT" || d.RRs[i-1].Name != rr.Name {
						z.str("; ", d.Origin, " TXT: added, not replaced, to keep the apex's other TXT records; delete an older v=spf1 record by hand (RFC 7208 §3.2)")
					}
					z.updateAdd(rr)
					continue
				}
				z.updateSet(d.RRs, i)
			}
			z.str("send")
		}
		for _, fz := range zs.Outside {
			if err := checkRRs(fz.RRs); err != nil {
				return err
			}
			// A zone line for each: nsupdate keeps the last one across
			// sends and has no way to forget it.
			z.str("zone ", fz.Origin)
			for i := range fz.RRs {
				z.updateSet(fz.RRs, i)
			}
			z.str("send")
		}
		for _, name := range zs.Omitted {
			z.str("; left out: ", name, ", which is outside ", zs.domainOrNone())
		}
	}
	if part.Has(Reverse) {
		z.reverseUpdates(zs.Reverse, zs.Config.TTL, zs.Hosts)
	}
	return z.flush()
}

// updateAdd writes the add line of rr.
func (z *zoneWriter) updateAdd(rr RR) {
	z.b = append(append(z.b, "update add "...), rr.Name...)
	z.b = strconv.AppendUint(append(z.b, ' '), uint64(rr.TTL), 10)
	z.b = append(append(append(append(z.b, ' '), rr.Type...), ' '), rr.Data...)
	z.line()
}

// tinyInput is what writeTinydns writes.
type tinyInput struct {
	forward []ForwardZone // zones whose Z, &, @ and ' lines to write
	reverse []ReverseZone // zones whose Z and & lines to write; nil leaves PTRs out
	cfg     ZoneConfig
	hosts   []Host
	opt     TinydnsOptions
	publish func(name string) bool // whether to write a name's forward records
}

// writeTinydns writes the lines of in; see WriteTinydns.
func writeTinydns(w io.Writer, in tinyInput) error {
	if err := errors.Join(in.cfg.Check(), checkHosts(in.hosts)); err != nil {
		return err
	}
	for _, fz := range in.forward {
		if err := checkRRs(fz.RRs); err != nil {
			return err
		}
	}
	part := in.opt.Part.orBoth()
	z := newZoneWriter(w)
	z.str("# tinydns data written by ip6plan")
	for _, fz := range in.forward {
		z.tinySOA([]byte(fz.Origin), in.cfg)
	}
	for _, zone := range in.reverse {
		var name [PTRNameLen]byte
		z.tinySOA(zone.AppendName(name[:0]), in.cfg)
	}
	fwd, rev := part.Has(Forward), part.Has(Reverse) && in.reverse != nil
	for _, h := range in.hosts {
		names := append([]string{h.Name}, h.Aliases...)
		six := fwd && rev && !in.opt.Generic && in.publish(h.Name)
		for i, name := range names {
			switch {
			case !fwd || !in.publish(name):
			case i == 0 && six:
				z.tinyLine('6', name, h, in.cfg.TTL)
			case in.opt.Generic:
				z.genericAAAA(name, h, in.cfg.TTL)
			default:
				z.tinyLine('3', name, h, in.cfg.TTL)
			}
		}
		if rev && !six {
			z.b = bare(AppendPTRName(append(z.b, '^'), h.Addr))
			z.b = bare(append(append(z.b, ':'), h.Name...))
			z.b = strconv.AppendUint(append(z.b, ':'), uint64(in.cfg.TTL), 10)
			z.line()
		}
		if h.IPv4.IsValid() && fwd {
			for _, name := range names {
				if !in.publish(name) {
					continue
				}
				z.b = append(append(z.b, '+'), strings.TrimSuffix(name, ".")...)
				z.b = append(append(z.b, ':'), h.IPv4.String()...)
				z.b = strconv.AppendUint(append(z.b, ':'), uint64(in.cfg.TTL), 10)
				z.line()
			}
		}
	}
	for _, fz := range in.forward {
		for _, rr := range fz.RRs {
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
		}
	}
	return z.flush()
}

// tinySOA writes the Z line (SOA) and & lines (NS) of the zone named name.
func (z *zoneWriter) tinySOA(name []byte, cfg ZoneConfig) {
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
