package records

import (
	"io"
	"slices"
	"strconv"
	"strings"
)

// WriteNsupdate writes a script for nsupdate (RFC 2136 dynamic updates)
// that makes the zones match the plan, for the records part selects (zero
// means both): for each name it deletes the
// record set and adds the planned records, so running it twice changes
// nothing. Names under domain are sent as one update to that zone, each
// reverse zone's PTRs as one update to it; other names go in updates of
// their own without a zone line, and nsupdate finds their zone. server, if
// not empty, names the primary to send to. Apply it with
// `nsupdate -k KEYFILE FILE`.
//
// Deprecated: use [ZoneSet.WriteNsupdate], which has the MX and SPF
// records and sends names outside the domain to their own zones (here they
// follow a zone line for the domain, which nsupdate keeps, so named
// refuses them with NOTZONE).
func WriteNsupdate(w io.Writer, server, domain string, zones []ReverseZone, ttl uint32, hosts []Host, part Part) error {
	if err := checkHosts(hosts); err != nil {
		return err
	}
	z := newZoneWriter(w)
	z.str("; nsupdate script written by ip6plan; apply with: nsupdate -k KEYFILE THIS-FILE")
	if server != "" {
		z.str("server ", server)
	}
	part = part.orBoth()
	var mine, others []RR // in domain's zone, and elsewhere
	suffix := "." + strings.TrimSuffix(domain, ".") + "."
	var forward []RR
	if part.Has(Forward) {
		forward = ForwardRecords(hosts, ttl)
	}
	if !part.Has(Reverse) {
		zones = nil
	}
	for _, rr := range forward {
		if domain != "" && strings.HasSuffix(rr.Name, suffix) {
			mine = append(mine, rr)
		} else {
			others = append(others, rr)
		}
	}
	if len(mine) > 0 {
		z.str("zone ", strings.TrimSuffix(domain, "."), ".")
		for i := range mine {
			z.updateSet(mine, i)
		}
		z.str("send")
	}
	for i, rr := range others {
		if i > 0 && others[i-1].Name != rr.Name {
			z.str("send")
		}
		z.updateSet(others, i)
	}
	if len(others) > 0 {
		z.str("send")
	}
	z.reverseUpdates(zones, ttl, hosts)
	return z.flush()
}

// reverseUpdates writes one update per reverse zone that holds PTRs of
// hosts: each PTR's record set deleted, then its record added.
func (z *zoneWriter) reverseUpdates(zones []ReverseZone, ttl uint32, hosts []Host) {
	for _, zone := range zones {
		started := false
		for h := range inZone(zone, Delegated(zone, zones), slices.Values(hosts)) {
			if !started {
				var origin [PTRNameLen]byte
				z.str("zone ", string(zone.AppendName(origin[:0])))
				started = true
			}
			var owner [PTRNameLen]byte
			name := AppendPTRName(owner[:0], h.Addr)
			z.str("update delete ", string(name), " PTR")
			z.b = append(append(z.b, "update add "...), name...)
			z.b = strconv.AppendUint(append(z.b, ' '), uint64(ttl), 10)
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
	z.b = append(append(z.b, "update add "...), rr.Name...)
	z.b = strconv.AppendUint(append(z.b, ' '), uint64(rr.TTL), 10)
	z.b = append(append(append(append(z.b, ' '), rr.Type...), ' '), rr.Data...)
	z.line()
}
