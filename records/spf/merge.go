package spf

import (
	"net/netip"
	"slices"
	"strings"

	"go4.org/netipx"
)

// Op is what a Change did to a record.
type Op string

// The operations of a Change.
const (
	Added   Op = "added"
	Removed Op = "removed"
)

// A Change is one term that Merge added to a record or removed from it.
type Change struct {
	Op     Op
	Term   Term
	Reason string // why, for a removal: "covered by ip6:2001:db8:d6:25::/64"
}

// String returns the change as a diff line: "+ TERM" for an addition,
// "- TERM (REASON)" for a removal.
func (c Change) String() string {
	sign := "+ "
	if c.Op == Removed {
		sign = "- "
	}
	s := sign + c.Term.String()
	if c.Reason != "" {
		s += " (" + c.Reason + ")"
	}
	return s
}

// Merge adds the networks add and the include domains to a copy of the
// existing record and returns it with what changed; existing itself is
// not modified, and a nil existing is the empty record "v=spf1".
//
// The existing terms keep their order and are never dropped, with one
// exception: an ip4: or ip6: term that passes (no qualifier, or "+") and
// lies inside one of the added networks is redundant, and the added
// network takes its place, so the addresses it matched are still matched
// at the same point of the evaluation (RFC 7208 §4.6.2: the first
// matching mechanism decides). Every other added term goes before the
// first all, or, if there is none, before redirect= (RFC 7208 §6.1), or
// at the end.
//
// A network is not added when the existing passing ip4: and ip6: terms
// before all already cover it, nor an include that the record already has. The
// added networks are aggregated to the fewest prefixes first (ip6 and
// ip4 apart, each sorted); an IPv4-mapped IPv6 network is added as the
// IPv4 network it maps, since ip6: never matches an IPv4 sender (RFC 7208
// §5.6). Invalid prefixes and empty include domains are ignored.
//
// New terms carry no qualifier. Every term's Offset is set to where it
// stands in the merged record's String.
func Merge(existing *Record, add []netip.Prefix, includes []string) (*Record, []Change) {
	var old []Term
	if existing != nil {
		old = existing.Terms
	}

	// What the record already passes, to skip networks it covers; terms
	// after all are never evaluated (RFC 7208 §5.1).
	var have netipx.IPSetBuilder
	for _, t := range old {
		if t.Kind == All {
			break
		}
		if passingIP(t) {
			have.AddPrefix(t.Prefix.Masked())
		}
	}
	covered, _ := have.IPSet()

	type addition struct {
		term     Term
		replaces []int // indexes of the old terms it makes redundant
	}
	var adds []addition
	removed := map[int]bool{}
	for _, p := range aggregate(add) {
		if covered.ContainsPrefix(p) {
			continue
		}
		kind := IP6
		if p.Addr().Is4() {
			kind = IP4
		}
		a := addition{term: Term{Kind: kind, Prefix: p}}
		for i, t := range old {
			if passingIP(t) && !removed[i] && contains(p, t.Prefix.Masked()) {
				a.replaces = append(a.replaces, i)
				removed[i] = true
			}
		}
		adds = append(adds, a)
	}
	for _, d := range includes {
		d = strings.TrimSuffix(d, ".")
		if d == "" || slices.ContainsFunc(old, func(t Term) bool { return passingInclude(t, d) }) ||
			slices.ContainsFunc(adds, func(a addition) bool { return passingInclude(a.term, d) }) {
			continue
		}
		adds = append(adds, addition{term: Term{Kind: Include, Domain: d}})
	}

	at := insertionPoint(old)
	// Where each addition goes: before the first old term it replaces,
	// unless that lies past the insertion point (after all, where it
	// would never be reached).
	before := make(map[int][]Term)
	var changes []Change
	for _, a := range adds {
		pos := at
		if len(a.replaces) > 0 {
			pos = min(pos, a.replaces[0])
		}
		before[pos] = append(before[pos], a.term)
		changes = append(changes, Change{Op: Added, Term: a.term})
		for _, i := range a.replaces {
			changes = append(changes, Change{Op: Removed, Term: old[i], Reason: "covered by " + a.term.String()})
		}
	}
	r := &Record{Terms: make([]Term, 0, len(old)+len(adds)-len(removed))}
	for i := 0; i <= len(old); i++ {
		r.Terms = append(r.Terms, before[i]...)
		if i < len(old) && !removed[i] {
			r.Terms = append(r.Terms, old[i])
		}
	}
	setOffsets(r)
	return r, changes
}

// aggregate returns the fewest prefixes that cover exactly the valid
// prefixes of ps: the IPv6 ones first, then the IPv4 ones, each sorted.
// IPv4-mapped IPv6 prefixes of /96 or longer count as IPv4.
func aggregate(ps []netip.Prefix) []netip.Prefix {
	var v6, v4 netipx.IPSetBuilder
	for _, p := range ps {
		if !p.IsValid() {
			continue
		}
		p = p.Masked()
		switch {
		case p.Addr().Is4():
			v4.AddPrefix(p)
		case p.Addr().Is4In6() && p.Bits() >= 96:
			v4.AddPrefix(netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96))
		default:
			v6.AddPrefix(p)
		}
	}
	s6, _ := v6.IPSet()
	s4, _ := v4.IPSet()
	return append(s6.Prefixes(), s4.Prefixes()...)
}

// contains reports whether the network p holds all of q.
func contains(p, q netip.Prefix) bool {
	return p.Addr().BitLen() == q.Addr().BitLen() && p.Bits() <= q.Bits() && p.Contains(q.Addr())
}

// passing reports whether a mechanism with qualifier q gives pass when it
// matches (RFC 7208 §4.6.2).
func passing(q Qualifier) bool { return q == QualifierNone || q == QualifierPass }

// passingIP reports whether t is an ip4: or ip6: mechanism that passes.
func passingIP(t Term) bool {
	return (t.Kind == IP4 || t.Kind == IP6) && t.Prefix.IsValid() && passing(t.Qualifier)
}

// passingInclude reports whether t is an include of domain that passes;
// domain names compare without case and trailing dot.
func passingInclude(t Term, domain string) bool {
	return t.Kind == Include && passing(t.Qualifier) && strings.EqualFold(strings.TrimSuffix(t.Domain, "."), domain)
}

// insertionPoint returns the index before which new terms go: the first
// all, else the first redirect=, else the end.
func insertionPoint(terms []Term) int {
	if i := slices.IndexFunc(terms, func(t Term) bool { return t.Kind == All }); i >= 0 {
		return i
	}
	if i := slices.IndexFunc(terms, func(t Term) bool { return t.Kind == Redirect }); i >= 0 {
		return i
	}
	return len(terms)
}

// setOffsets sets each term's Offset to where it stands in r.String().
func setOffsets(r *Record) {
	off := len("v=spf1")
	for i := range r.Terms {
		off++ // the space before the term
		r.Terms[i].Offset = off
		off += len(r.Terms[i].AppendTo(nil))
	}
}
