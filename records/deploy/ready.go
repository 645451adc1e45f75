package deploy

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/ip6plan/ip6plan/plan/ip6"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/records"
	"github.com/ip6plan/ip6plan/records/spf"
)

// Status is the outcome of one readiness check.
type Status uint8

// The outcomes, from best to worst.
const (
	Pass Status = iota // the host meets the requirement
	Warn               // it meets it, but fragile: receivers may still object
	Fail               // receivers will reject or distrust the host's mail
)

// String returns "pass", "warn" or "fail".
func (s Status) String() string {
	switch s {
	case Pass:
		return "pass"
	case Warn:
		return "warn"
	case Fail:
		return "fail"
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// MarshalText implements encoding.TextMarshaler.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// The items of the readiness checklist, in the order Readiness gives them.
const (
	ItemStatic = "static address" // planned, not dynamic, global; EUI-64 warned
	ItemStream = "stream /64"     // inside its subnet's /64
	ItemPTR    = "PTR and FCrDNS" // exactly one PTR, whose name's AAAA is the address
	ItemHELO   = "HELO = PTR"     // the HELO name the MTA kinds write is the PTR name
	ItemSPF    = "SPF"            // the domain's and the HELO name's SPF records pass the address
	ItemShared = "/64 not shared" // no other stream sends from the /64
)

// A Check is one item of the readiness checklist of one sending host.
type Check struct {
	Host   string     // the host's path in the plan
	Addr   netip.Addr // its address; invalid for a dynamic host
	Item   string     // one of the Item constants
	Status Status
	Msg    string // what was found, and what to do about a failure
}

func (c Check) String() string {
	return fmt.Sprintf("%s: %s: %s: %s", c.Host, c.Item, c.Status, c.Msg)
}

// Readiness returns the checklist that mail receivers (Gmail, Microsoft,
// Yahoo) hold each sending host (plan.Host.IsSender) to, in plan order,
// six items a host, computed offline from the plan:
//
//   - ItemStatic: the address is planned, not dynamic, and global (a
//     documentation address is a warning: fine for trying a plan; other
//     special ranges such as ULA fail, RFC 6890); an EUI-64 address is a
//     warning, since a new network card renumbers it.
//   - ItemStream: the address lies in its subnet's /64, the unit
//     blocklists list IPv6 by.
//   - ItemPTR: the address has exactly one PTR (RFC 3596 §2.5), and the
//     name it points to has an AAAA record with the same address:
//     forward-confirmed reverse DNS (RFC 8601 §3, "iprev"). It passes
//     only when the plan's own zones publish both (records.PublishesFCrDNS):
//     a name outside the plan's domain is a warning, as its AAAA lives in
//     a zone the plan does not own.
//   - ItemHELO: the HELO name is fully qualified and equals the PTR name
//     (RFC 5321 §4.1.1.1, §4.1.4).
//   - ItemSPF: the domain's SPF record (spf.Build), evaluated offline
//     for the address with a MAIL FROM in the domain, gives pass, and so
//     does the HELO name's record (spf.HELORecord, RFC 7208 §2.3).
//   - ItemShared: no other stream sends from the /64 (its reputation
//     would become this stream's); a /64 whose purpose is not mail is a
//     warning, as its other hosts share the reputation too.
func Readiness(a *plan.Allocation) []Check {
	subnets := make(map[string]plan.SubnetAlloc, len(a.Subnets))
	for _, s := range a.Subnets {
		subnets[s.Path] = s
	}
	streams := map[string][]string{} // subnet path → streams sending from it
	others := map[string]int{}       // subnet path → hosts that do not send
	for _, h := range a.Hosts {
		if !h.Host.IsSender() {
			others[h.Subnet]++
			continue
		}
		if s := streamOf(h); !slices.Contains(streams[h.Subnet], s) {
			streams[h.Subnet] = append(streams[h.Subnet], s)
		}
	}
	r := readiness{a: a, hosts: records.HostsOf(a)}
	r.publish()
	r.record, r.spfErr = spf.Build(a)
	if r.spfErr == nil && a.Plan.Domain == "" {
		r.spfErr = errors.New("the plan has no domain, so there is no SPF record to publish")
	}
	var out []Check
	for _, h := range a.Hosts {
		if !h.Host.IsSender() {
			continue
		}
		s := subnets[h.Subnet]
		add := func(item string, st Status, format string, args ...any) {
			out = append(out, Check{Host: h.Path, Addr: h.Addr, Item: item, Status: st, Msg: fmt.Sprintf(format, args...)})
		}
		if !h.Addr.IsValid() {
			add(ItemStatic, Fail, "the address is %s: receivers tie reputation and PTR to a fixed address; give the host a static scheme", h.Host.Scheme)
			continue // nothing else can be checked without an address
		}
		st, msgs := Pass, []string{fmt.Sprintf("%s (scheme %s)", h.Addr, h.Host.Scheme)}
		if h.Host.Scheme == plan.SchemeEUI64 {
			st, msgs = Warn, append(msgs, "it comes from the MAC (EUI-64): a new network card renumbers it; prefer an explicit or service ID")
		}
		switch c := ip6.AddrClass(h.Addr); {
		case c == ip6.Documentation:
			st, msgs = max(st, Warn), append(msgs, fmt.Sprintf("it is %s space (%s): fine for trying a plan, but no receiver will ever see it", c, c.RFC()))
		case !c.Public():
			st, msgs = Fail, append(msgs, fmt.Sprintf("it is %s space (%s): receivers cannot reach it or will not trust it; plan from your global prefix", c, c.RFC()))
		}
		add(ItemStatic, st, "%s", strings.Join(msgs, "; "))

		stream := streamOf(h)
		switch {
		case !s.Prefix.IsValid() || s.Prefix.Bits() != 64:
			add(ItemStream, Fail, "subnet %s is %s, not a /64: each stream needs a /64 of its own", h.Subnet, s.Prefix)
		case !s.Prefix.Contains(h.Addr):
			add(ItemStream, Fail, "%s is outside its subnet %s", h.Addr, s.Prefix)
		default:
			add(ItemStream, Pass, "stream %s sends from %s", stream, s.Prefix)
		}

		ptr, st, msg := r.ptr(h)
		add(ItemPTR, st, "%s", msg)
		st, msg = r.helo(h, ptr)
		add(ItemHELO, st, "%s", msg)
		st, msg = r.spf(h)
		add(ItemSPF, st, "%s", msg)

		switch list := streams[h.Subnet]; {
		case len(list) > 1:
			add(ItemShared, Fail, "streams %s share %s: blocklists list IPv6 by /64, so one stream's reputation becomes the others'; give each stream a /64 of its own", strings.Join(list, " and "), s.Prefix)
		case s.Subnet != nil && s.Subnet.Purpose != plan.PurposeMail && others[h.Subnet] > 0:
			n := fmt.Sprintf("%d hosts that do not send mail: they share", others[h.Subnet])
			if others[h.Subnet] == 1 {
				n = "a host that does not send mail: it shares"
			}
			add(ItemShared, Warn, "%s is a %s subnet with %s the stream's reputation; move mail to a subnet of purpose mail", s.Prefix, purpose(s), n)
		default:
			add(ItemShared, Pass, "%s carries stream %s alone", s.Prefix, stream)
		}
	}
	return out
}

// readiness holds what the checks of all hosts share.
type readiness struct {
	a       *plan.Allocation
	hosts   []records.Host // what DNS publishes
	record  *spf.Record
	spfErr  error
	ptrs    map[netip.Addr][]string // the PTR targets of each address
	forward map[string][]netip.Addr // the AAAA records of each name
}

// publish indexes what DNS publishes once, so that each sender's check
// looks its address and name up rather than walking every host.
func (r *readiness) publish() {
	r.ptrs = make(map[netip.Addr][]string, len(r.hosts))
	r.forward = make(map[string][]netip.Addr, len(r.hosts))
	for _, rh := range r.hosts {
		r.ptrs[rh.Addr] = append(r.ptrs[rh.Addr], rh.Name)
		r.forward[rh.Name] = append(r.forward[rh.Name], rh.Addr)
		for _, n := range rh.Aliases {
			r.forward[n] = append(r.forward[n], rh.Addr)
		}
	}
}

// ptr checks that h's address has exactly one PTR and that the name it
// points to resolves back to the address. It returns the PTR name.
func (r *readiness) ptr(h plan.HostAlloc) (string, Status, string) {
	owner, err := records.PTRName(h.Addr)
	if err != nil {
		return "", Fail, err.Error()
	}
	targets := r.ptrs[h.Addr]
	switch len(targets) {
	case 0:
		return "", Fail, fmt.Sprintf("no PTR is planned for %s", h.Addr)
	case 1:
	default:
		return "", Fail, fmt.Sprintf("%s has %d PTRs (%s); receivers want exactly one", h.Addr, len(targets), strings.Join(targets, ", "))
	}
	name := targets[0]
	if !slices.Contains(r.forward[name], h.Addr) {
		return name, Fail, fmt.Sprintf("%s points to %s, whose AAAA records (%v) do not include the address", owner, name, r.forward[name])
	}
	// A plan without a domain has no forward zone of its own to compare
	// with; its SPF item fails already for want of one.
	if r.a.Plan.Domain != "" && !records.PublishesFCrDNS(r.a.Plan, records.Host{Name: name, Addr: h.Addr}) {
		return name, Warn, fmt.Sprintf("%s PTR %s, AAAA %s, but %s is outside %s, so the plan's zones publish the PTR but not the AAAA: publish the AAAA in the zone that holds the name (zone -d writes it a zone of its own to delegate), then confirm with a live check", owner, name, h.Addr, name, r.a.Plan.Domain)
	}
	return name, Pass, fmt.Sprintf("%s PTR %s, AAAA %s", owner, name, h.Addr)
}

// helo checks that the HELO name the MTA kinds write for h is a fully
// qualified hostname equal to the PTR name.
func (r *readiness) helo(h plan.HostAlloc, ptr string) (Status, string) {
	name := heloName(h.FQDN)
	if err := plan.CheckHostname(name); err != nil {
		return Fail, err.Error()
	}
	if !strings.Contains(name, ".") {
		return Fail, fmt.Sprintf("HELO name %q is not fully qualified (RFC 5321 §4.1.1.1); give the plan a domain", name)
	}
	if ptr == "" {
		return Fail, fmt.Sprintf("HELO name %s, but there is no PTR name to match", name)
	}
	if !strings.EqualFold(name, heloName(ptr)) {
		return Fail, fmt.Sprintf("HELO name %s differs from the PTR name %s", name, ptr)
	}
	return Pass, fmt.Sprintf("HELO %s", name)
}

// spf evaluates the domain's record for a MAIL FROM in the domain and
// the HELO name's record for the HELO identity, both offline.
func (r *readiness) spf(h plan.HostAlloc) (Status, string) {
	if r.spfErr != nil {
		return Fail, r.spfErr.Error()
	}
	ctx := context.Background()
	domain := strings.TrimSuffix(strings.ToLower(r.a.Plan.Domain), ".")
	helo := heloName(h.FQDN)
	var c spf.Checker
	res, why, _ := c.CheckRecord(ctx, r.record, h.Addr, domain, "postmaster@"+domain, helo)
	if res != spf.Pass {
		return Fail, fmt.Sprintf("%s's record %q gives %s for %s: %s", domain, r.record, res, h.Addr, why)
	}
	hr := spf.HELORecord(records.Host{Addr: h.Addr, IPv4: h.Host.IPv4})
	hres, hwhy, _ := c.CheckRecord(ctx, hr, h.Addr, helo, "", helo)
	if hres != spf.Pass {
		return Fail, fmt.Sprintf("the HELO name's record %q gives %s: %s", hr, hres, hwhy)
	}
	return Pass, fmt.Sprintf("MAIL FROM @%s: %s, %s; HELO %s: %s", domain, res, why, helo, hres)
}

func purpose(s plan.SubnetAlloc) string {
	if s.Subnet == nil || s.Subnet.Purpose == "" {
		return "general"
	}
	return s.Subnet.Purpose
}
