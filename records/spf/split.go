package spf

import (
	"fmt"
	"strconv"
	"strings"
)

// A NamedRecord is an SPF record and the name it is published at.
type NamedRecord struct {
	Name   string // fully qualified, lower case, with the final dot
	Record *Record
}

// MaxAnswer is the most octets [Split] lets one answer take: the name
// in wire form plus the TXT record's data, its strings' length octets
// included. RFC 7208 §3.4 advises keeping them under 450 octets, so that
// the whole DNS response, with its header and question, fits the 512
// octets of a UDP message without EDNS; Lint warns above it and reports
// an error above 512.
const MaxAnswer = sizeWarn

// answerSize returns the octets the answer for r at name takes, as Lint
// counts them.
func answerSize(name string, r *Record) int { return nameLen(name) + txtDataLen(len(r.String())) }

// Split publishes an SPF record at domain within the size receivers can
// be sure to get: every answer, the name and its TXT data, within
// [MaxAnswer] (450) octets (RFC 7208 §3.4). A record that fits comes back
// alone, unchanged. A longer one, which should already have its ranges
// aggregated to the fewest prefixes (as [Build] does), becomes a top
// record at domain and records at _spf1.DOMAIN, _spf2.DOMAIN and so on
// that hold its ip4: and ip6: terms, which the top record includes:
//
//	example.com.       "v=spf1 include:_spf1.example.com include:_spf2.example.com -all"
//	_spf1.example.com. "v=spf1 ip6:2001:db8:d6:25::25 ip6:2001:db8:d6:26::26 ..."
//	_spf2.example.com. "v=spf1 ip4:192.0.2.25 ..."
//
// The terms that move are the ip4: and ip6: terms that pass (no
// qualifier or "+") and come before all, in their order, as many to each
// record as fit; the include: terms take the place of the first of them.
// Every other term stays in the top record where it was: include: and
// the other DNS-querying terms, exceptions such as -ip4:, all and the
// modifiers. So all (-all or ~all) and redirect= appear in the top record
// only, which keeps the apex answer small for the domain's other TXT
// records. An included record without all gives neutral when nothing in
// it matches, which makes its include not match (§5.2), so the
// evaluation goes on in the top record as before. A client gets the
// result it got from the whole record, with one difference: a client
// inside a moved range that came after another DNS-querying term (an
// include: of an outside domain, say) now passes before that term is
// evaluated, so a DNS error there no longer turns its pass into
// temperror.
//
// Each included record costs a lookup, and receivers allow 10
// DNS-querying terms in a whole evaluation (§4.6.4), the top record's own
// include:, a, mx, ptr, exists and redirect= among them (at least one
// each; what their targets hold may cost more, which Split cannot see).
// It is an error when the ranges need more included records than that
// leaves, when the terms that stay do not fit in the top record, or when
// moving the ranges would change a result: a mechanism that does not pass
// (-ip4:, ~include:, ?a ...) between them.
//
// Split is deterministic: the same record and domain give the same
// records. Names are lower case with the final dot; a name that a term of
// the record already names is skipped (_spf2 is used if the record
// includes _spf1.DOMAIN itself). r is not modified.
func Split(r *Record, domain string) ([]NamedRecord, error) {
	domain = strings.ToLower(strings.TrimSuffix(domain, "."))
	if !isValidDomain(domain) {
		return nil, fmt.Errorf("spf: cannot publish at %q: not a domain name", domain)
	}
	out := []NamedRecord{{Name: domain + ".", Record: r}}
	size := answerSize(out[0].Name, r)
	if size <= MaxAnswer {
		return out, nil
	}
	why := ""
	n, lookups, first := 0, 0, -1
	var stay []Term
	var sub *Record
	reached := true
	for _, t := range r.Terms {
		reached = reached && t.Kind != All
		if !reached || !passingIP(t) {
			if reached && first >= 0 && !t.Kind.IsModifier() && !passing(t.Qualifier) && why == "" {
				why = "cannot be split: " + t.String() + " comes between the ip4: and ip6: terms that would move, so a client they match would pass before reaching it; move it before them"
			}
			if t.Kind.QueriesDNS() && (reached && t.Kind != Redirect || t.Kind == Redirect && !hasKind(r, All)) {
				lookups++
			}
			stay = append(stay, t)
			continue
		}
		if first < 0 {
			first = len(stay)
		}
		if sub != nil {
			sub.Terms = append(sub.Terms, t)
			if answerSize(out[len(out)-1].Name, sub) <= MaxAnswer {
				continue
			}
			sub.Terms = sub.Terms[:len(sub.Terms)-1]
		}
		// A new included record, at the next name the record does not
		// use already.
		name := ""
		for name == "" || names(r, name) {
			n++
			name = "_spf" + strconv.Itoa(n) + "." + domain + "."
		}
		sub = &Record{Terms: append(make([]Term, 0, 16), t)}
		out = append(out, NamedRecord{Name: name, Record: sub})
		lookups++
	}
	top := &Record{Terms: make([]Term, 0, len(stay)+len(out))}
	if first < 0 {
		first = len(stay)
	}
	top.Terms = append(top.Terms, stay[:first]...)
	for _, nr := range out[1:] {
		setOffsets(nr.Record)
		top.Terms = append(top.Terms, Term{Kind: Include, Domain: nr.Name[:len(nr.Name)-1]})
	}
	top.Terms = append(top.Terms, stay[first:]...)
	setOffsets(top)
	out[0].Record = top
	topSize := answerSize(out[0].Name, top)
	switch {
	case len(out) == 1:
		why = "has no ip4: or ip6: terms that pass to move into included records"
	case why != "":
	case !isValidName(out[len(out)-1].Name[:len(out[len(out)-1].Name)-1]):
		why = "the names of its included records, such as " + out[len(out)-1].Name + ", are too long for DNS"
	case lookups > DefaultMaxLookups:
		why = fmt.Sprintf("its ip4: and ip6: terms need %d included records, which with its other DNS-querying terms make %d lookups, over the 10 receivers allow (RFC 7208 §4.6.4); aggregate the ranges (spf scope streams lists one /64 per mail subnet) or list fewer", len(out)-1, lookups)
	case topSize > MaxAnswer:
		why = fmt.Sprintf("the terms that stay take %d octets even with the ranges moved: %s", topSize, top)
	default:
		return out, nil
	}
	return nil, fmt.Errorf("spf: the record for %s takes %d octets, over 450 (RFC 7208 §3.4), and %s", domain, size, why)
}

// names reports whether a term of r names name (lower case, with the
// final dot).
func names(r *Record, name string) bool {
	for _, t := range r.Terms {
		if canonical(t.Domain)+"." == name {
			return true
		}
	}
	return false
}
