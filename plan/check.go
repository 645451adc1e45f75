package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ip6plan/ip6plan/plan/ip6"
)

// Check returns the warnings about an allocation that a mail sender must
// hear before publishing it: special-purpose prefixes that do not belong
// in public DNS, mail streams sharing a /64 (blocklists such as Spamhaus
// list IPv6 by /64), and sending hosts whose address is not fixed by the
// plan alone, and names with dots but no final dot, which are relative to
// the domain (RFC 1035 §5.1) though they read as whole names.
func Check(a *Allocation) []Finding {
	var out []Finding
	p := a.Plan
	if c := ip6.ClassOf(p.Prefix); !c.Public() {
		out = append(out, Finding{p.Pos, fmt.Sprintf("prefix %s is %s space (%s): fine for trying a plan, but it must not be published in public DNS", p.Prefix, c, c.RFC())})
	}
	streams := map[string][]string{} // subnet path → streams sending from it
	for _, h := range a.Hosts {
		for _, name := range append([]string{h.Host.Name}, h.Host.Aliases...) {
			if p.Domain != "" && strings.Contains(name, ".") && !strings.HasSuffix(name, ".") {
				out = append(out, Finding{h.Host.Pos, fmt.Sprintf("host %q: name %q has dots but no final dot, so it reads as a label under the domain: %s; if %s. is the whole name, write it with the final dot", h.Path, name, fqdnOf(name, p.Domain), name)})
			}
		}
		if !h.Host.IsSender() {
			continue
		}
		stream := h.Host.Stream
		if stream == "" {
			stream = h.Subnet
		}
		if !slices.Contains(streams[h.Subnet], stream) {
			streams[h.Subnet] = append(streams[h.Subnet], stream)
		}
		if h.Host.Scheme == SchemeEUI64 {
			out = append(out, Finding{h.Host.Pos, fmt.Sprintf("sending host %q takes its address from its MAC (EUI-64): a new network card renumbers it, and receivers tie reputation to the address; prefer an explicit or service ID", h.Path)})
		}
	}
	for _, s := range a.Subnets {
		if bits := s.Prefix.Bits(); !ip6.IsNibbleAligned(bits) {
			out = append(out, Finding{s.Subnet.Pos, fmt.Sprintf("subnet %q is a /%d, off the nibble boundaries: its reverse DNS needs %d zones of /%d and its prefix reads poorly in hex; plan /%d or /%d instead (RIPE-690)",
				s.Path, bits, 1<<(4-bits%4), bits+4-bits%4, bits-bits%4, bits+4-bits%4)})
		}
		if list := streams[s.Path]; len(list) > 1 {
			out = append(out, Finding{s.Subnet.Pos, fmt.Sprintf("mail streams %s share the /64 %s: blocklists list IPv6 by /64, so one stream's reputation becomes the others'; give each stream a /64 of its own", strings.Join(list, " and "), s.Prefix)})
		}
	}
	return out
}
