package records

import (
	"cmp"
	"net/netip"
	"sort"
	"strings"

	"github.com/ip6plan/ip6plan/plan"
)

// A Host is what DNS publishes for one planned address: its name, the
// address, and the other names that resolve to it.
type Host struct {
	Name    string     // fully qualified, with the trailing dot; the PTR target and HELO name
	Addr    netip.Addr // IPv6
	IPv4    netip.Addr // optional; published as an A record for Name and Aliases
	Aliases []string   // more fully qualified names with the same addresses, no PTR
}

// HostsOf returns the hosts of an allocation that DNS publishes, sorted by
// address. Hosts with dynamic addresses are left out: they have nothing
// stable to publish.
//
// Forward-confirmed reverse DNS holds by construction (RFC 8601 §3,
// "iprev"): every address gets exactly one PTR, to its host's own name,
// and that name's AAAA is the same address; plan validation has already
// made names and addresses unique.
func HostsOf(a *plan.Allocation) []Host {
	var out []Host
	for _, h := range a.Hosts {
		if !h.Addr.IsValid() {
			continue
		}
		names := h.Host.FQDNs(a.Plan.Domain)
		out = append(out, Host{Name: strings.ToLower(names[0]), Addr: h.Addr, IPv4: h.Host.IPv4, Aliases: lower(names[1:])})
	}
	// sort.Slice: each slices.SortFunc of a new element type adds its own
	// pdqsort to app.wasm (these two, 7 KB gzipped).
	sort.Slice(out, func(i, j int) bool { return out[i].Addr.Less(out[j].Addr) })
	return out
}

func lower(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strings.ToLower(n)
	}
	return out
}

// An RR is one resource record of the forward zone, in presentation form.
type RR struct {
	Name string // fully qualified
	TTL  uint32
	Type string // A, AAAA, PTR, NS, SOA, TXT
	Data string
}

// ForwardRecords returns the AAAA (and A) records of hosts, sorted by name
// and then type, so that output diffs cleanly.
func ForwardRecords(hosts []Host, ttl uint32) []RR {
	out := addressRecords(hosts, ttl)
	sort.Slice(out, func(i, j int) bool {
		x, y := out[i], out[j]
		return cmp.Or(compareNames(x.Name, y.Name), strings.Compare(x.Type, y.Type), strings.Compare(x.Data, y.Data)) < 0
	})
	return out
}

// addressRecords returns the AAAA (and A) records of hosts, in the order
// of hosts: those of each host's name, then of each alias.
func addressRecords(hosts []Host, ttl uint32) []RR {
	var out []RR
	for _, h := range hosts {
		for _, name := range append([]string{h.Name}, h.Aliases...) {
			out = append(out, RR{name, ttl, "AAAA", h.Addr.String()})
			if h.IPv4.IsValid() {
				out = append(out, RR{name, ttl, "A", h.IPv4.String()})
			}
		}
	}
	return out
}

// compareNames orders domain names the DNSSEC way (RFC 4034 §6.1): label
// by label from the right, so a zone's names group under their parents.
// It walks the names in place: sorting a million records allocates nothing.
func compareNames(a, b string) int {
	a, b = strings.TrimSuffix(a, "."), strings.TrimSuffix(b, ".")
	for a != "" && b != "" {
		la, lb := a[strings.LastIndexByte(a, '.')+1:], b[strings.LastIndexByte(b, '.')+1:]
		if c := strings.Compare(la, lb); c != 0 {
			return c
		}
		a, b = strings.TrimSuffix(a[:len(a)-len(la)], "."), strings.TrimSuffix(b[:len(b)-len(lb)], ".")
	}
	return cmp.Compare(len(a), len(b))
}
