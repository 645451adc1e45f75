package live

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/records"
	"github.com/ip6plan/ip6plan/records/spf"
)

// An Item names one thing Check verifies.
type Item string

// The items Check verifies, for each sending host, each reverse zone that
// holds one, and the plan's domain.
const (
	AAAA        Item = "aaaa"         // the host's name has exactly the planned address
	PTR         Item = "ptr"          // the address has exactly one PTR record
	FCrDNS      Item = "fcrdns"       // the PTR name resolves back to the address (RFC 8601 §3, iprev)
	HELO        Item = "helo"         // the PTR name is the host's own name, which it gives in EHLO (RFC 5321 §4.1.4)
	SPF         Item = "spf"          // the domain's SPF record passes the address (RFC 7208 §4)
	HELOSPF     Item = "spf-helo"     // the HELO name's SPF record passes the address (RFC 7208 §2.3)
	ReverseZone Item = "reverse-zone" // the reverse zone has an SOA at its cut: it is delegated and served
	MX          Item = "mx"           // a mail exchanger of the domain has an IPv6 address
)

// A Result is the outcome of one check.
type Result struct {
	Subject string     // what the check is about: a host's name, a reverse zone or the domain, fully qualified
	Addr    netip.Addr // the host's planned address; the zero Addr for zones and the domain
	Item    Item
	OK      bool
	Detail  string // what DNS answered, or what is wrong
}

// String is the result on one line: "mta1.example.com. ptr FAIL: ...".
func (r Result) String() string {
	verdict := "ok"
	if !r.OK {
		verdict = "FAIL"
	}
	return fmt.Sprintf("%s %s %s: %s", r.Subject, r.Item, verdict, r.Detail)
}

// Check verifies, through r, that DNS publishes what the allocation a
// plans for its sending hosts (plan.Host.IsSender, with a static
// address): for each, its AAAA, one PTR, forward-confirmed reverse DNS,
// a PTR name that is its HELO name, and SPF records for the domain and
// for the HELO name that pass its address; for each reverse zone that
// holds a sender, an SOA at the zone cut; and for the domain, mail
// exchangers with IPv6 addresses. Results come in plan order: each
// host's items, then the zones, then the domain's.
//
// The error is for a plan that cannot be checked: one without a domain.
// What DNS gets wrong, including lookups that fail, are results that are
// not OK.
func Check(ctx context.Context, r Resolver, a *plan.Allocation) ([]Result, error) {
	if a.Plan.Domain == "" {
		return nil, errors.New("the plan has no domain, so there is no SPF record or MX to check")
	}
	domain := strings.ToLower(a.Plan.Domain) + "."
	zones, err := records.ReverseZonesOf(a, 0)
	if err != nil {
		return nil, err
	}
	var senders []plan.HostAlloc
	for _, h := range a.Hosts {
		if h.Host.IsSender() && h.Addr.IsValid() {
			senders = append(senders, h)
		}
	}
	perHost := make([][]Result, len(senders))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, h := range senders {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			perHost[i] = checkHost(ctx, r, domain, h.FQDN, h.Addr)
		})
	}
	var tail []Result
	wg.Go(func() {
		var seen []records.ReverseZone
		for _, h := range senders {
			z, ok := records.ZoneFor(zones, h.Addr)
			if ok && !slices.Contains(seen, z) {
				seen = append(seen, z)
				tail = append(tail, checkZone(ctx, r, z))
			}
		}
		tail = append(tail, checkMX(ctx, r, domain)...)
	})
	wg.Wait()
	return append(slices.Concat(perHost...), tail...), nil
}

// checkHost runs the per-host checks for the sender name with address
// addr.
func checkHost(ctx context.Context, r Resolver, domain, name string, addr netip.Addr) []Result {
	res := func(item Item, ok bool, format string, args ...any) Result {
		return Result{Subject: name, Addr: addr, Item: item, OK: ok, Detail: fmt.Sprintf(format, args...)}
	}
	var out []Result

	addrs, err := r.LookupAAAA(ctx, name)
	switch {
	case err != nil:
		out = append(out, res(AAAA, false, "no AAAA record, want %s: %s", addr, describe(err)))
	case !slices.Contains(addrs, addr):
		out = append(out, res(AAAA, false, "AAAA is %s, the plan says %s", join(addrs), addr))
	case len(addrs) > 1:
		out = append(out, res(AAAA, false, "AAAA is %s, the plan says only %s", join(addrs), addr))
	default:
		out = append(out, res(AAAA, true, "%s", addr))
	}

	ptrName, _ := records.PTRName(addr)
	names, err := r.LookupPTR(ctx, addr)
	switch {
	case err != nil:
		out = append(out, res(PTR, false, "no PTR record at %s: %s", ptrName, describe(err)))
	case len(names) != 1:
		out = append(out, res(PTR, false, "%d PTR records (%s), want exactly one: receivers check only one name", len(names), strings.Join(names, ", ")))
	default:
		out = append(out, res(PTR, true, "%s", names[0]))
	}

	// FCrDNS holds when a name a PTR gives has the address (RFC 8601 §3).
	if len(names) == 0 {
		out = append(out, res(FCrDNS, false, "no PTR name to resolve back"))
	} else {
		var why []string
		ok := false
		for _, n := range names {
			back, err := r.LookupAAAA(ctx, n)
			switch {
			case err != nil:
				why = append(why, fmt.Sprintf("%s has no AAAA: %s", n, describe(err)))
			case slices.Contains(back, addr):
				ok = true
				why = append(why, fmt.Sprintf("%s has AAAA %s", n, addr))
			default:
				why = append(why, fmt.Sprintf("%s has AAAA %s, not %s", n, join(back), addr))
			}
		}
		out = append(out, res(FCrDNS, ok, "%s", strings.Join(why, "; ")))
	}

	switch {
	case len(names) == 0:
		out = append(out, res(HELO, false, "no PTR name to compare with the HELO name %s", name))
	case !slices.ContainsFunc(names, func(n string) bool { return sameName(n, name) }):
		out = append(out, res(HELO, false, "the PTR names %s, but the host's name, which it gives in EHLO, is %s", strings.Join(names, ", "), name))
	default:
		out = append(out, res(HELO, true, "EHLO %s", name))
	}

	helo := strings.TrimSuffix(name, ".")
	c := &spf.Checker{Resolver: r}
	result, why, _ := c.CheckHost(ctx, addr, strings.TrimSuffix(domain, "."), "postmaster@"+strings.TrimSuffix(domain, "."), helo)
	out = append(out, res(SPF, result == spf.Pass, "%s: %s", result, why))
	result, why, _ = c.CheckHost(ctx, addr, helo, "", helo)
	out = append(out, res(HELOSPF, result == spf.Pass, "%s: %s", result, why))
	return out
}

// checkZone looks for the SOA at the cut of zone z.
func checkZone(ctx context.Context, r Resolver, z records.ReverseZone) Result {
	out := Result{Subject: z.Name(), Item: ReverseZone}
	soa, err := r.LookupSOA(ctx, z.Name())
	if err != nil {
		out.Detail = fmt.Sprintf("no SOA at the zone cut for %s, so the zone is not delegated or not served: %s", z.Prefix, describe(err))
		return out
	}
	out.OK = true
	out.Detail = fmt.Sprintf("SOA %s serial %d", soa.MName, soa.Serial)
	return out
}

// checkMX looks up the domain's mail exchangers and their IPv6
// addresses: one result per exchanger, or one for the domain when it has
// none.
func checkMX(ctx context.Context, r Resolver, domain string) []Result {
	res := func(ok bool, format string, args ...any) Result {
		return Result{Subject: domain, Item: MX, OK: ok, Detail: fmt.Sprintf(format, args...)}
	}
	mxs, err := r.LookupMX(ctx, domain)
	switch {
	case StatusOf(err) == NoData:
		// No MX: mail goes to the domain's own address (RFC 5321 §5.1).
		addrs, err := r.LookupAAAA(ctx, domain)
		if err != nil {
			return []Result{res(false, "no MX record, and the domain itself, its implicit MX (RFC 5321 §5.1), has no AAAA: %s", describe(err))}
		}
		return []Result{res(true, "no MX record; the domain itself, its implicit MX (RFC 5321 §5.1), has AAAA %s", join(addrs))}
	case err != nil:
		return []Result{res(false, "no MX record: %s", describe(err))}
	case len(mxs) == 1 && mxs[0].Host == ".":
		return []Result{res(false, "a null MX (RFC 7505): the domain accepts no mail, so receivers may refuse mail from it (RFC 7505 §4.2)")}
	}
	var out []Result
	for _, mx := range mxs {
		addrs, err := r.LookupAAAA(ctx, mx.Host)
		if err != nil {
			out = append(out, res(false, "MX %d %s has no AAAA, so IPv6-only senders cannot reach it: %s", mx.Pref, mx.Host, describe(err)))
		} else {
			out = append(out, res(true, "MX %d %s has AAAA %s", mx.Pref, mx.Host, join(addrs)))
		}
	}
	return out
}

// describe says what a failed lookup answered: its Status, and the
// underlying error for a Failed one.
func describe(err error) string {
	var e *Error
	if errors.As(err, &e) {
		if e.Err != nil {
			return string(e.Status) + ": " + e.Err.Error()
		}
		return string(e.Status)
	}
	return err.Error()
}

func join(addrs []netip.Addr) string {
	s := make([]string, len(addrs))
	for i, a := range addrs {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

// sameName reports whether two domain names are equal, ignoring case
// (RFC 4343) and a trailing dot.
func sameName(a, b string) bool {
	return strings.EqualFold(strings.TrimSuffix(a, "."), strings.TrimSuffix(b, "."))
}
