package records

import (
	"io"
	"slices"
	"strconv"
)

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
	z.str("; nsupdate script " + writtenBy + "; apply with: nsupdate -k KEYFILE THIS-FILE")
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
		z.reverseUpdates(zs)
	}
	return z.flush()
}

// reverseUpdates writes one update per reverse zone of the set that holds
// PTRs: each PTR's record set deleted, then its record added.
func (z *zoneWriter) reverseUpdates(zs *ZoneSet) {
	for _, zone := range zs.Reverse {
		started := false
		for h := range inZone(zone, delegatedBy(zone, zs.Reverse), slices.Values(zs.Hosts)) {
			if !started {
				var origin [PTRNameLen]byte
				z.str("zone ", string(zone.AppendName(origin[:0])))
				started = true
			}
			var owner [PTRNameLen]byte
			name := AppendPTRName(owner[:0], h.Addr)
			z.str("update delete ", string(name), " PTR")
			z.b = append(append(z.b, "update add "...), name...)
			z.b = strconv.AppendUint(append(z.b, ' '), uint64(zs.Config.TTL), 10)
			z.b = append(append(z.b, " PTR "...), h.Name...)
			z.line()
		}
		if started {
			z.str("send")
		}
	}
}

// updateSet writes the lines for rrs[i]: a delete of its record set when
// it is the first of the set, then its add.
func (z *zoneWriter) updateSet(rrs []RR, i int) {
	rr := rrs[i]
	if i == 0 || rrs[i-1].Name != rr.Name || rrs[i-1].Type != rr.Type {
		z.str("update delete ", rr.Name, " ", rr.Type)
	}
	z.updateAdd(rr)
}

// updateAdd writes the add line of rr.
func (z *zoneWriter) updateAdd(rr RR) {
	z.b = append(append(z.b, "update add "...), rr.Name...)
	z.b = strconv.AppendUint(append(z.b, ' '), uint64(rr.TTL), 10)
	z.b = append(append(append(append(z.b, ' '), rr.Type...), ' '), rr.Data...)
	z.line()
}
