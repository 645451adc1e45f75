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
// only; an included record without all gives neutral when nothing in it
// matches, which makes its include not match (§5.2), so the evaluation
// goes on in the top record as before. A client gets the result it got
// from the whole record: a moved term matches through its include, with
// the result pass. One thing differs: a client inside a moved range that
// came after another DNS-querying term (an include: of an outside
// domain, say) now passes before that term is evaluated, so a DNS error
// there no longer changes its pass into temperror.
//
// The included records cost lookups: receivers allow 10 DNS-querying
// terms in a whole evaluation (§4.6.4), and the top record's own include:,
// a, mx, ptr, exists and redirect= count too (at least one each; the
// records they lead to may cost more, which Split cannot see). When the
// top record holding only includes would need too many, Split puts as
// many ranges as fit into the top record itself, which saves includes.
// It is an error when that is not enough, when the terms that stay do not
// fit in the top record, or when moving the ranges would change a result:
// a mechanism that does not pass (-ip4:, ~include:, ?a ...) between them.
//
// Split is deterministic: the same record and domain give the same
// records. Names are lower case with the final dot; a name that a term of
// the record already names is skipped (_spf2 is used if the record
// includes _spf1.DOMAIN itself). r is not modified.
func Split(r *Record, domain string) ([]NamedRecord, error) {
	domain = strings.ToLower(strings.TrimSuffix(domain, "."))
	top := domain + "."
	if !isValidDomain(domain) {
		return nil, fmt.Errorf("spf: cannot publish at %q: not a domain name", domain)
	}
	if answerSize(top, r) <= MaxAnswer {
		return []NamedRecord{{Name: top, Record: r}}, nil
	}

	// The terms that move: passing ranges before all.
	var move, stay []Term
	first := -1 // index in stay where the includes go
	lookups := 0
	var bad *Term
	end := len(r.Terms)
	for i, t := range r.Terms {
		if t.Kind == All {
			end = i
			break
		}
	}
	for i, t := range r.Terms {
		if i < end && passingIP(t) {
			if first < 0 {
				first = len(stay)
			}
			move = append(move, t)
			continue
		}
		if i < end && first >= 0 && !t.Kind.IsModifier() && !passing(t.Qualifier) && bad == nil {
			bad = &r.Terms[i]
		}
		if t.Kind.QueriesDNS() && (i < end || t.Kind == Redirect && end == len(r.Terms)) {
			lookups++
		}
		stay = append(stay, t)
	}
	size := answerSize(top, r)
	if first < 0 {
		return nil, fmt.Errorf("spf: the record for %s takes %d octets, over %d (RFC 7208 §3.4), and has no ip4: or ip6: terms that pass to move into included records", domain, size, MaxAnswer)
	}
	if bad != nil {
		return nil, fmt.Errorf("spf: the record for %s takes %d octets, over %d (RFC 7208 §3.4), and cannot be split: %s comes between the ip4: and ip6: terms that would move, and a client they match would pass before reaching it; move it before them", domain, size, MaxAnswer, bad)
	}

	// The names the record already uses, which the split must not reuse.
	used := map[string]bool{}
	for _, t := range r.Terms {
		if t.Domain != "" {
			used[canonical(t.Domain)] = true
		}
	}
	var names []string
	next := 1
	name := func(i int) string {
		for len(names) <= i {
			for used["_spf"+strconv.Itoa(next)+"."+domain] {
				next++
			}
			names = append(names, "_spf"+strconv.Itoa(next)+"."+domain)
			next++
		}
		return names[i]
	}

	// First with the top record holding only the includes; if that needs
	// too many, with as many ranges in the top record as fit beside k
	// includes, for k = 1, 2, ...: the first k that packs the rest into k
	// records is the fewest.
	chain, err := pack(top, stay, first, move, name, -1)
	if err != nil {
		return nil, err
	}
	if lookups+len(chain)-1 > DefaultMaxLookups {
		chain = nil
		for k := 1; lookups+k <= DefaultMaxLookups; k++ {
			c, err := pack(top, stay, first, move, name, k)
			if err != nil {
				return nil, err
			}
			if c != nil {
				chain = c
				break
			}
		}
		if chain == nil {
			return nil, fmt.Errorf("spf: the record for %s takes %d octets, over %d (RFC 7208 §3.4), and its %d ip4: and ip6: terms need more included records than the %d DNS lookups left of the 10 receivers allow (RFC 7208 §4.6.4); aggregate the ranges (spf scope streams lists one /64 per mail subnet) or publish fewer",
				domain, size, MaxAnswer, len(move), DefaultMaxLookups-lookups)
		}
	}
	return chain, nil
}

// pack builds the split records. With k < 0, the top record
// is stay with one include per record in place of the ranges, which all
// go into the included records. With k includes (k ≥ 1), the top record
// takes as many of the ranges as fit beside them; pack returns nil when
// the rest do not fit in k records.
func pack(top string, stay []Term, first int, move []Term, name func(int) string, k int) ([]NamedRecord, error) {
	include := func(n int) []Term {
		var ts []Term
		for i := range n {
			ts = append(ts, Term{Kind: Include, Domain: name(i)})
		}
		return ts
	}
	topRecord := func(ranges []Term, n int) *Record {
		ts := make([]Term, 0, len(stay)+len(ranges)+n)
		ts = append(ts, stay[:first]...)
		ts = append(ts, ranges...)
		ts = append(ts, include(n)...)
		ts = append(ts, stay[first:]...)
		r := &Record{Terms: ts}
		setOffsets(r)
		return r
	}
	rest := move
	var inTop []Term
	if k > 0 {
		for len(rest) > 0 && answerSize(top, topRecord(append(inTop, rest[0]), k)) <= MaxAnswer {
			inTop = append(inTop, rest[0])
			rest = rest[1:]
		}
	}
	var subs []NamedRecord
	for len(rest) > 0 {
		if k > 0 && len(subs) == k {
			return nil, nil
		}
		n := name(len(subs)) + "."
		r := &Record{}
		for len(rest) > 0 {
			r.Terms = append(r.Terms, rest[0])
			if answerSize(n, r) > MaxAnswer {
				r.Terms = r.Terms[:len(r.Terms)-1]
				break
			}
			rest = rest[1:]
		}
		if len(r.Terms) == 0 { // a name too long for even one term
			return nil, fmt.Errorf("spf: %s is too long a name to hold %s within %d octets", n, rest[0], MaxAnswer)
		}
		setOffsets(r)
		subs = append(subs, NamedRecord{Name: n, Record: r})
	}
	if k > 0 && len(subs) < k {
		k = len(subs) // fewer includes leave more room: never too few
	}
	if k < 0 {
		k = len(subs)
	}
	t := topRecord(inTop, k)
	if size := answerSize(top, t); size > MaxAnswer {
		return nil, fmt.Errorf("spf: the record for %s cannot be split within %d octets (RFC 7208 §3.4): with its ip4: and ip6: terms moved into %d included records, the terms that stay still take %d octets; %s", strings.TrimSuffix(top, "."), MaxAnswer, k, size, t)
	}
	return append([]NamedRecord{{Name: top, Record: t}}, subs...), nil
}
