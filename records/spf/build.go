package spf

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/records"
)

// Build returns the SPF record for the plan's domain: "v=spf1", the
// networks of [Networks] as ip6: and ip4: terms, an include: for each
// domain the plan's spf settings list, and the policy's all ("-all"
// unless the settings say "~all").
//
// When the settings hold an existing record, the plan's terms are merged
// into it instead, as [Merge] does, and its all or redirect= stays as it
// is; only a record with neither gets the policy's all appended (without
// one, unlisted senders get neutral, RFC 7208 §4.7). Use Merge directly
// to see what changed.
//
// The record lists addresses only, never a or mx, so it costs receivers
// no DNS lookups of its own (RFC 7208 §4.6.4). The spf settings are
// those of a validated plan (plan.Allocate refuses a policy or scope the
// plan file would not take). Errors are *plan.Error values at the place
// in the plan that caused them, joined.
func Build(a *plan.Allocation) (*Record, error) {
	var errs []error
	nets, err := Networks(a)
	if err != nil {
		errs = append(errs, err)
	}
	s := a.Plan.SPF
	var old *Record
	if s.Existing != "" {
		if old, err = Parse(s.Existing); err != nil {
			errs = append(errs, &plan.Error{Pos: s.ExistingPos, Msg: "spf existing: " + err.Error()})
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	r, _ := Merge(old, nets, s.Include)
	if !hasKind(r, All) && !hasKind(r, Redirect) {
		r.Terms = append(r.Terms, policy(s))
		setOffsets(r)
	}
	return r, nil
}

// policy returns the all term the settings ask for: softfail for "~all",
// fail otherwise. The policy is as plan validation left it, "", "-all"
// or "~all"; any other is taken as the strictest.
func policy(s plan.SPFSettings) Term {
	if s.Policy == "~all" {
		return Term{Kind: All, Qualifier: QualifierSoftfail}
	}
	return Term{Kind: All, Qualifier: QualifierFail}
}

func hasKind(r *Record, k Kind) bool {
	for _, t := range r.Terms {
		if t.Kind == k {
			return true
		}
	}
	return false
}

// Networks returns the networks the plan's SPF record authorizes,
// aggregated to the fewest prefixes with the IPv6 ones first, each family
// sorted. For every sending host (plan.Host.IsSender: roles outbound and
// relay):
//
//   - with scope streams (the default), the /64 of its subnet if the
//     subnet's purpose is mail, and its own address otherwise;
//   - with scope hosts, its own address;
//   - its IPv4 address, if it has one (plan.Host.IPv4, also its A record).
//
// The spf settings' ip4 networks are added. A sending host without an
// address is an error wherever its own address is needed (plan
// validation already refuses dynamic senders). The scope is as plan
// validation left it: "", streams or hosts.
func Networks(a *plan.Allocation) ([]netip.Prefix, error) {
	s := a.Plan.SPF
	var errs []error
	subnets := make(map[string]plan.SubnetAlloc, len(a.Subnets))
	for _, sa := range a.Subnets {
		subnets[sa.Path] = sa
	}
	var nets []netip.Prefix
	for _, h := range a.Hosts {
		if !h.Host.IsSender() {
			continue
		}
		if h.Host.IPv4.IsValid() {
			nets = append(nets, netip.PrefixFrom(h.Host.IPv4, 32))
		}
		if sa, ok := subnets[h.Subnet]; ok && s.Scope != plan.SPFScopeHosts && sa.Subnet.Purpose == plan.PurposeMail && sa.Prefix.IsValid() {
			nets = append(nets, sa.Prefix)
			continue
		}
		if !h.Addr.IsValid() { // plan validation refuses dynamic senders; an allocation built by hand may not
			errs = append(errs, &plan.Error{Pos: h.Host.Pos, Msg: fmt.Sprintf("sending host %q has no address; SPF can only list fixed addresses", h.Path)})
			continue
		}
		nets = append(nets, netip.PrefixFrom(h.Addr, 128))
	}
	nets = append(nets, s.IPv4...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return aggregate(nets), nil
}

// HELORecord returns the SPF record for a host's HELO name: its IPv6
// address, its IPv4 address if it has one, and -all. Receivers check the
// HELO identity of bounces, whose envelope sender is empty (RFC 7208
// §2.3, §2.4); a HELO name sends only from its own host, so nothing else
// is authorized. Address terms, not a, keep the check free of DNS
// lookups.
func HELORecord(h records.Host) *Record {
	r := &Record{}
	if h.Addr.IsValid() {
		r.Terms = append(r.Terms, Term{Kind: IP6, Prefix: netip.PrefixFrom(h.Addr, 128)})
	}
	if h.IPv4.IsValid() {
		r.Terms = append(r.Terms, Term{Kind: IP4, Prefix: netip.PrefixFrom(h.IPv4, 32)})
	}
	r.Terms = append(r.Terms, Term{Kind: All, Qualifier: QualifierFail})
	setOffsets(r)
	return r
}

// TXT returns r as the data of a zone file TXT record: quoted, split into
// strings of at most 255 octets (RFC 7208 §3.3), as records.QuoteTXT
// writes it.
func TXT(r *Record) string { return records.QuoteTXT(r.String()) }

// BuildChain returns the records that publish the plan's SPF record: the
// record [Build] makes, at the plan's domain, split by [Split] into a top
// record and included records at _spf1.DOMAIN, _spf2.DOMAIN ... when it
// is too long for one answer (RFC 7208 §3.4), else that record alone. The
// first record is the domain's. Errors are *plan.Error values.
func BuildChain(a *plan.Allocation) ([]NamedRecord, error) {
	if a.Plan.Domain == "" {
		return nil, &plan.Error{Pos: a.Plan.Pos, Msg: "the plan has no domain; its SPF record needs one to be published at"}
	}
	r, err := Build(a)
	if err != nil {
		return nil, err
	}
	chain, err := Split(r, a.Plan.Domain)
	if err != nil {
		pos := a.Plan.SPF.Pos
		if pos == (plan.Pos{}) {
			pos = a.Plan.Pos
		}
		return nil, &plan.Error{Pos: pos, Msg: strings.TrimPrefix(err.Error(), "spf: ")}
	}
	return chain, nil
}

// TXTRecords returns the SPF TXT records of an allocation: those of
// [BuildChain] for the plan's domain (one record, or a top record and the
// records it includes), then one [HELORecord] for each sending host's
// name, sorted by address, except a name that is the domain itself. TTLs
// are the plan's.
func TXTRecords(a *plan.Allocation) ([]records.RR, error) {
	chain, err := BuildChain(a)
	if err != nil {
		return nil, err
	}
	domain := strings.ToLower(a.Plan.Domain) + "."
	out := make([]records.RR, 0, len(chain)+len(a.Hosts))
	for _, nr := range chain {
		out = append(out, records.RR{Name: nr.Name, TTL: a.Plan.TTL, Type: "TXT", Data: TXT(nr.Record)})
	}
	senders := map[netip.Addr]bool{}
	for _, h := range a.Hosts {
		if h.Host.IsSender() && h.Addr.IsValid() {
			senders[h.Addr] = true
		}
	}
	for _, h := range records.HostsOf(a) {
		if senders[h.Addr] && h.Name != domain {
			out = append(out, records.RR{Name: h.Name, TTL: a.Plan.TTL, Type: "TXT", Data: TXT(HELORecord(h))})
		}
	}
	return out, nil
}
