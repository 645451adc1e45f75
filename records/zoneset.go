package records

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/ip6plan/ip6plan/plan"
)

// A ZoneSet is every zone ip6plan publishes for an allocation, complete
// enough to load as it is: the forward zone of the plan's domain, with
// the hosts' AAAA and A records, the domain's MX records and SPF TXT
// records, and the TXT record of each HELO name; a zone of its own for
// each name outside the domain (or none, see [OutOfZone]); and the
// reverse zones of the plan's prefix with one PTR per host. Each writer
// of the set (bind, tinydns, JSON, nsupdate) writes the same records.
type ZoneSet struct {
	// Config holds the SOA and NS records of every zone. When the plan
	// names no nameservers or contact, it holds the TTL only and
	// ConfigErr says why: a forward snippet can still be written, a
	// complete zone cannot.
	Config    ZoneConfig
	ConfigErr error
	// Domain is the forward zone of the plan's domain; its Origin is ""
	// when the plan has no domain.
	Domain ForwardZone
	// Outside holds, with OwnZones, one zone for each name outside the
	// domain, sorted by name; see [OutOfZone].
	Outside []ForwardZone
	// Omitted lists, with LeaveOut, the names outside the domain whose
	// records the set leaves out.
	Omitted []string
	// Reverse holds the ip6.arpa zones of the plan's prefix, cut as
	// [ReverseZonesOf] cuts them, and Hosts the hosts whose PTRs they
	// hold, sorted by address.
	Reverse []ReverseZone
	Hosts   []Host
	// Warnings are what the user should know about the records: names
	// left out, MX hosts without an address.
	Warnings []string

	opt ZoneOptions
}

// A ForwardZone is a zone of names: the records under Origin, the zone's
// apex, without its SOA and NS records, which the set's Config gives.
type ForwardZone struct {
	Origin string // fully qualified, lower case
	RRs    []RR   // every owner at or under Origin; sorted as [ZonesOf] says
}

// OutOfZone says what a zone set does with a name outside the plan's
// domain, such as a host named gw.other.example.org. in a plan for
// example.com: its records cannot go into the domain's zone, where a
// name server ignores them ("ignoring out-of-zone data").
type OutOfZone uint8

const (
	// OwnZones gives each such name a zone of its own, whose apex is the
	// name: the narrowest zone that can hold its records, so it claims
	// nothing else of the other domain. The other domain's zone must
	// delegate the name to the plan's name servers, or its owner copies
	// the records into their zone instead. A name under another such
	// name shares that name's zone.
	OwnZones OutOfZone = iota
	// LeaveOut writes no record of such a name and adds a warning that
	// names it to the set. Its PTR stays in the reverse zone: FCrDNS then
	// holds only once someone publishes its AAAA where it belongs.
	LeaveOut
)

// ZoneOptions choose how [ZonesOf] builds a zone set.
type ZoneOptions struct {
	// SplitAt gives each allocated subnet of this length a reverse zone
	// of its own, as [ReverseZonesOf] does; 0 means no split.
	SplitAt int
	// OutOfZone says what becomes of names outside the domain.
	OutOfZone OutOfZone
	// IncludeDir is the directory, as the name server sees it, that
	// holds the hand-maintained files zone files $INCLUDE (see
	// [ZoneFile]). Empty, the $INCLUDE names the file alone, which named
	// reads relative to its directory option and named-checkzone
	// relative to the directory it runs in: keep the zone files in
	// named's directory, or set IncludeDir to where they are.
	IncludeDir string
}

// TXTFunc returns the TXT records to publish with an allocation's
// addresses. Pass spf.TXTRecords (records/spf), which builds the
// domain's SPF record and one for each HELO name: records/spf imports
// records, so records cannot call it itself.
type TXTFunc func(*plan.Allocation) ([]RR, error)

// ZonesOf returns the zone set of an allocation, with serial as every
// SOA's serial and txt giving the TXT records (nil publishes none). It
// is the one place the records of a plan are put together; the CLI and
// the web app write what it returns.
//
// The records of each forward zone are sorted by owner name (RFC 4034
// §6.1 order), then type; within a record set AAAA and A records are
// sorted by address, and MX records by preference and then, for equal
// preferences, in plan order, as a postmaster lists them. The domain's
// MX records point at the name of each host with role mx that has an
// address (RFC 5321 §5.1; never at an alias, RFC 2181 §10.3), whether or
// not that name lies in the domain.
//
// It returns an error when txt does, or when a record could not be
// written into a zone file as it is; a plan without nameservers or
// contact is not an error here (see ZoneSet.ConfigErr).
func ZonesOf(a *plan.Allocation, serial uint32, txt TXTFunc, opt ZoneOptions) (*ZoneSet, error) {
	zs := &ZoneSet{Hosts: HostsOf(a), opt: opt}
	zs.Config, zs.ConfigErr = ConfigFor(a.Plan, serial)
	if zs.ConfigErr != nil {
		zs.Config = ZoneConfig{TTL: a.Plan.TTL}
	}
	if opt.OutOfZone > LeaveOut {
		return nil, errors.New("out-of-zone choice " + strconv.Itoa(int(opt.OutOfZone)) + " is not OwnZones or LeaveOut")
	}
	var err error
	if zs.Reverse, err = ReverseZonesOf(a, opt.SplitAt); err != nil {
		return nil, err
	}
	rrs := addressRecords(zs.Hosts, zs.Config.TTL) // by address, as zs.Hosts are
	domain := ""
	if a.Plan.Domain != "" {
		domain = strings.ToLower(strings.TrimSuffix(a.Plan.Domain, ".")) + "."
		zs.Domain.Origin = domain
		mx, warnings := mxRecords(a, domain, zs.Config.TTL)
		rrs = append(rrs, mx...)
		zs.Warnings = append(zs.Warnings, warnings...)
		if txt != nil {
			t, err := txt(a)
			if err != nil {
				return nil, err
			}
			rrs = append(rrs, t...)
		}
	}
	if err := checkRRs(rrs); err != nil {
		return nil, err
	}
	// Stable: record sets keep the order they were built in, so AAAA and
	// A records stay in address order and MX records in theirs. (sort, not
	// slices: the web app links sort.SliceStable already, and each new
	// instance of a generic sort costs it kilobytes.)
	sort.SliceStable(rrs, func(i, j int) bool {
		return cmp.Or(compareNames(rrs[i].Name, rrs[j].Name), strings.Compare(rrs[i].Type, rrs[j].Type)) < 0
	})
	var outside []RR
	for _, rr := range rrs {
		if domain != "" && InDomain(rr.Name, domain) {
			zs.Domain.RRs = append(zs.Domain.RRs, rr)
		} else {
			outside = append(outside, rr)
		}
	}
	switch opt.OutOfZone {
	case OwnZones:
		zs.Outside = ownZones(outside)
		for _, fz := range zs.Outside {
			zs.Warnings = append(zs.Warnings, fz.Origin+" is outside "+zs.domainOrNone()+", so it has a zone of its own: the zone of its parent must delegate it to "+
				strings.Join(zs.Config.Nameservers, " and ")+", or its records go into that zone by hand")
		}
	case LeaveOut:
		for _, rr := range outside {
			if !slices.Contains(zs.Omitted, rr.Name) {
				zs.Omitted = append(zs.Omitted, rr.Name)
			}
		}
		if len(zs.Omitted) > 0 {
			zs.Warnings = append(zs.Warnings, "left out the records of "+strings.Join(zs.Omitted, ", ")+": outside "+strings.TrimSuffix(domain, ".")+
				", so not in its zone; publish them in the zone that holds each name, or the PTRs that point there fail forward-confirmed reverse DNS")
		}
	}
	return zs, nil
}

// mxRecords returns the domain's MX records, one for each host with role
// mx that has an address, by preference and then plan order, and a
// warning for each that has none.
func mxRecords(a *plan.Allocation, domain string, ttl uint32) ([]RR, []string) {
	var out []RR
	var prefs []uint16
	var warnings []string
	for _, h := range a.Hosts {
		if !slices.Contains(h.Host.Roles, plan.RoleMX) {
			continue
		}
		if !h.Addr.IsValid() { // HostsOf publishes every host that has one
			warnings = append(warnings, "host "+h.Path+" has role mx but no planned address, so "+strings.TrimSuffix(domain, ".")+" has no MX record for it: an MX must point at a name with an address (RFC 5321 §5.1)")
			continue
		}
		// Insert after every MX of the same or a lower preference: a
		// stable insertion sort (no sort.SliceStable of a type of its own,
		// which costs the web app its code).
		pref := h.Host.MXPreference()
		i := len(out)
		for i > 0 && prefs[i-1] > pref {
			i--
		}
		out, prefs = append(out, RR{}), append(prefs, 0)
		copy(out[i+1:], out[i:])
		copy(prefs[i+1:], prefs[i:])
		out[i] = RR{Name: domain, TTL: ttl, Type: "MX", Data: strconv.Itoa(int(pref)) + " " + strings.ToLower(h.FQDN)}
		prefs[i] = pref
	}
	return out, warnings
}

// ownZones groups the records of names outside the domain into zones of
// their own: one per name, except that a name under another such name
// goes into that name's zone.
func ownZones(rrs []RR) []ForwardZone {
	var zones []ForwardZone
	for _, rr := range rrs { // sorted: a name's parents come before it
		i := len(zones) - 1
		for i >= 0 && !InDomain(rr.Name, zones[i].Origin) {
			i--
		}
		if i < 0 {
			zones = append(zones, ForwardZone{Origin: rr.Name})
			i = len(zones) - 1
		}
		zones[i].RRs = append(zones[i].RRs, rr)
	}
	return zones
}

// InDomain reports whether name is domain or lies under it, comparing
// without regard to case; both are fully qualified.
func InDomain(name, domain string) bool {
	if len(name) < len(domain) || !strings.EqualFold(name[len(name)-len(domain):], domain) {
		return false
	}
	return len(name) == len(domain) || domain == "." || name[len(name)-len(domain)-1] == '.'
}

// PublishesFCrDNS reports whether the plan's own zones publish both
// sides of h's forward-confirmed reverse DNS (RFC 8601 §3, "iprev"): the
// PTR of h.Addr, in a reverse zone of the plan's prefix, and the AAAA of
// h.Name, in the zone of the plan's domain. A name outside the domain is
// published, if at all, in a zone the plan does not own (a zone of its
// own that someone must delegate, or another domain's), so its FCrDNS is
// not the plan's to promise.
func PublishesFCrDNS(p *plan.Plan, h Host) bool {
	if p.Domain == "" || !h.Addr.IsValid() || !p.Prefix.Contains(h.Addr) {
		return false
	}
	return InDomain(h.Name, strings.TrimSuffix(p.Domain, ".")+".")
}

// checkIncludeDir reports an IncludeDir that cannot follow $INCLUDE
// unquoted on a zone file line.
func checkIncludeDir(dir string) error {
	for i := 0; i < len(dir); i++ {
		if c := dir[i]; c <= ' ' || c >= 0x7f || strings.IndexByte(`;"\()`, c) >= 0 { // a comment, quotes, an escape, a continuation
			return fmt.Errorf("include directory %q: character %q at offset %d cannot be written into a zone file's $INCLUDE line", dir, rune(c), i)
		}
	}
	return nil
}

// forwardZones returns the domain's zone, if the plan has a domain, and
// the zones of names outside it.
func (zs *ZoneSet) forwardZones() []ForwardZone {
	var out []ForwardZone
	if zs.Domain.Origin != "" {
		out = append(out, zs.Domain)
	}
	return append(out, zs.Outside...)
}

// published reports whether the set writes records of name.
func (zs *ZoneSet) published(name string) bool {
	return !slices.Contains(zs.Omitted, name)
}

// domainOrNone names the plan's domain in a comment about a name outside it.
func (zs *ZoneSet) domainOrNone() string {
	if zs.Domain.Origin == "" {
		return "the plan's domain (it has none)"
	}
	return zs.Domain.Origin
}

const noDomain = "the plan has no domain, so there is no forward zone to write"
