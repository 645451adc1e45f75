package records

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/ip6plan/ip6plan/plan"
)

// SOA holds a zone's start-of-authority values (RFC 1035 §3.3.13).
type SOA struct {
	MName   string // primary name server, fully qualified
	RName   string // contact mailbox as a name: hostmaster.example.com.
	Serial  uint32
	Refresh uint32
	Retry   uint32
	Expire  uint32
	Minimum uint32 // negative-caching TTL (RFC 2308 §4)
}

// ZoneConfig is what every zone ip6plan writes for a plan shares.
type ZoneConfig struct {
	TTL         uint32
	Nameservers []string // fully qualified
	SOA         SOA
}

// Timer defaults for the SOA, as RFC 1912 §2.2 suggests for zones that
// change now and then: refresh 2 h, retry 1 h, expire 14 days, and an
// hour of negative caching.
const (
	DefaultRefresh = 7200
	DefaultRetry   = 3600
	DefaultExpire  = 1209600
	DefaultMinimum = 3600
)

// ConfigFor returns the zone settings a plan gives, with the serial the
// caller chooses. The first name server is the SOA's primary. A plan
// without name servers or contact cannot have complete zones.
func ConfigFor(p *plan.Plan, serial uint32) (ZoneConfig, error) {
	var errs []error
	if len(p.Nameservers) == 0 {
		errs = append(errs, errors.New("the plan names no nameservers; add nameservers: [ns1.example.com.] to write complete zones"))
	}
	if p.Contact == "" {
		errs = append(errs, errors.New("the plan names no contact; add contact: hostmaster@example.com to write complete zones"))
	}
	for _, ns := range p.Nameservers {
		if err := CheckHostname(ns); err != nil {
			errs = append(errs, fmt.Errorf("nameserver: %w", err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return ZoneConfig{}, err
	}
	return ZoneConfig{
		TTL:         p.TTL,
		Nameservers: slices.Clone(p.Nameservers),
		SOA: SOA{MName: p.Nameservers[0], RName: p.Contact, Serial: serial,
			Refresh: DefaultRefresh, Retry: DefaultRetry, Expire: DefaultExpire, Minimum: DefaultMinimum},
	}, nil
}

// ReverseZonesOf returns the reverse zones of an allocation: those that
// cover the plan's prefix, cut at nibbles and never rounded, and, when
// splitAt is a nibble-aligned length longer than the prefix, one zone for
// each allocated subnet of exactly that length, which its parent zone
// delegates (a /48 zone handing each /56 site its own zone).
func ReverseZonesOf(a *plan.Allocation, splitAt int) ([]ReverseZone, error) {
	zones, err := ReverseZones(a.Plan.Prefix)
	if err != nil {
		return nil, err
	}
	if splitAt == 0 {
		return zones, nil
	}
	if splitAt%4 != 0 || splitAt <= a.Plan.Prefix.Bits() || splitAt > 64 {
		return nil, fmt.Errorf("cannot split reverse zones at /%d: want a nibble boundary (a multiple of 4) longer than /%d and at most /64", splitAt, a.Plan.Prefix.Bits())
	}
	for _, s := range a.Subnets {
		if s.Prefix.Bits() == splitAt {
			zones = append(zones, ReverseZone{Prefix: s.Prefix})
		}
	}
	sort.Slice(zones, func(i, j int) bool {
		x, y := zones[i].Prefix, zones[j].Prefix
		if c := x.Addr().Compare(y.Addr()); c != 0 {
			return c < 0
		}
		return x.Bits() < y.Bits()
	})
	return zones, nil
}

// delegatedBy returns the zones of all that lie directly inside z: the
// cuts z delegates to zones of their own.
func delegatedBy(z ReverseZone, all []ReverseZone) []ReverseZone {
	var out []ReverseZone
	for _, c := range all {
		if c.Prefix.Bits() > z.Prefix.Bits() && z.Prefix.Contains(c.Prefix.Addr()) && !insideAny(c.Prefix, all, z) {
			out = append(out, c)
		}
	}
	return out
}

// insideAny reports whether p lies inside a zone of all, other than
// outer, that itself lies inside outer.
func insideAny(p netip.Prefix, all []ReverseZone, outer ReverseZone) bool {
	for _, m := range all {
		b := m.Prefix.Bits()
		if b > outer.Prefix.Bits() && b < p.Bits() && outer.Prefix.Contains(m.Prefix.Addr()) && m.Prefix.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

// Check reports names in the configuration that cannot go into a zone
// file as they are.
func (cfg ZoneConfig) Check() error {
	var errs []error
	for _, ns := range cfg.Nameservers {
		if err := CheckFQDN(ns, CheckHostname); err != nil {
			errs = append(errs, fmt.Errorf("nameserver: %w", err))
		}
	}
	if err := CheckFQDN(cfg.SOA.MName, CheckHostname); err != nil {
		errs = append(errs, fmt.Errorf("SOA primary: %w", err))
	}
	if err := CheckFQDN(cfg.SOA.RName, CheckName); err != nil {
		errs = append(errs, fmt.Errorf("SOA contact: %w", err))
	}
	return errors.Join(errs...)
}

// checkHost reports a host whose name would break a zone file line or
// whose address has no ip6.arpa name.
func checkHost(h Host) error {
	if err := CheckFQDN(h.Name, CheckHostname); err != nil {
		return fmt.Errorf("host %s: %w", h.Addr, err)
	}
	for _, a := range h.Aliases {
		if err := CheckFQDN(a, CheckHostname); err != nil {
			return fmt.Errorf("alias of %s: %w", h.Name, err)
		}
	}
	if !h.Addr.Is6() || h.Addr.Is4In6() || h.Addr.Zone() != "" {
		return fmt.Errorf("host %s: %s is not a plain IPv6 address", h.Name, h.Addr)
	}
	return nil
}

// checkRRs reports a record whose owner or data would break a zone file.
// Owners are hostnames, except that a TXT record's may start a label with
// '_' (CheckOwner); an MX record's data is a preference and a hostname,
// and a TXT record's quoted strings as QuoteTXT writes them.
func checkRRs(rrs []RR) error {
	for _, rr := range rrs {
		check := CheckHostname
		if rr.Type == "TXT" {
			check = CheckOwner
		}
		if err := CheckFQDN(rr.Name, check); err != nil {
			return fmt.Errorf("%s record: %w", rr.Type, err)
		}
		switch rr.Type {
		case "A", "AAAA":
			if a, err := netip.ParseAddr(rr.Data); err != nil || a.Is6() != (rr.Type == "AAAA") || a.Zone() != "" {
				return fmt.Errorf("%s record of %s: %q is not an address of that type", rr.Type, rr.Name, rr.Data)
			}
		case "MX":
			pref, target, _ := strings.Cut(rr.Data, " ")
			if _, err := strconv.ParseUint(pref, 10, 16); err != nil {
				return fmt.Errorf("MX record of %s: %q does not start with a preference from 0 to 65535", rr.Name, rr.Data)
			}
			if err := CheckFQDN(target, CheckHostname); err != nil {
				return fmt.Errorf("MX record of %s: %w", rr.Name, err)
			}
		case "TXT":
			if !txtForm(rr.Data) {
				return fmt.Errorf("TXT record of %s: %q is not quoted TXT data on one line, strings of at most 255 octets (QuoteTXT writes it)", rr.Name, rr.Data)
			}
		default:
			return fmt.Errorf("record of %s: type %s is not one ip6plan writes here", rr.Name, rr.Type)
		}
	}
	return nil
}

func checkHosts(hosts []Host) error {
	for _, h := range hosts {
		if err := checkHost(h); err != nil {
			return err
		}
	}
	return nil
}

// CheckFQDN checks name with check and insists on the trailing dot: in a
// zone file a name without one is relative to $ORIGIN, so a PTR to "mta1"
// in an ip6.arpa zone would point at mta1.<zone>.ip6.arpa.
func CheckFQDN(name string, check func(string) error) error {
	if err := check(name); err != nil {
		return err
	}
	if !strings.HasSuffix(name, ".") {
		return fmt.Errorf("name %q is not fully qualified; write it with its trailing dot", name)
	}
	return nil
}
