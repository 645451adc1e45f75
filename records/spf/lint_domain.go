package spf

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// LintDomain looks up the SPF record of domain with r and checks it: one
// SPF record among its TXT records (RFC 7208 §3.2, §4.5), then the static
// checks of [Lint] on it and on every record that its include: and
// redirect= terms lead to, followed recursively, each finding naming its
// domain. Across the whole evaluation it counts, as receivers would for a
// sender that no mechanism matches: DNS-querying terms (more than 10 is an
// error), MX hosts per mx (more than 10), void lookups, which find no
// records (more than 2, counted for IPv4 and IPv6 senders apart, as a
// and AAAA lookups differ), and loops (RFC 7208 §4.6.4). The size check
// counts the name and all of its TXT records, which share one answer.
//
// Terms whose domain holds macros depend on the sender and are not
// followed (an Info finding says so); ptr is not looked up. A lookup
// error other than ErrNoRecords is an Error finding (receivers return
// temperror). A nil r finds nothing but that it cannot look.
func LintDomain(ctx context.Context, r Resolver, domain string) []Finding {
	domain = strings.ToLower(strings.TrimSuffix(domain, "."))
	if r == nil {
		return []Finding{{Severity: Error, Domain: domain, Message: "no resolver: checking a domain needs DNS; use Lint to check a record's text offline"}}
	}
	w := &walker{ctx: ctx, r: r, domain: domain, linted: map[string]bool{}}
	w.visit(domain, Term{}, "")
	if !slices.ContainsFunc(w.out, func(f Finding) bool { return f.Severity == Error && strings.Contains(f.Message, "more than a /") }) {
		for _, f := range breadth(w.ranges, "across "+domain+"'s records and those they include, the") {
			f.Domain = domain
			w.add(f)
		}
	}
	if w.count > maxDNSTerms {
		f := w.eleventh
		f.Severity, f.RFC = Error, "RFC 7208 §4.6.4"
		f.Message = fmt.Sprintf("evaluating %s can take %d DNS-querying terms (include, a, mx, ptr, exists, redirect=) across its records; receivers allow 10 and return permerror at %s, the 11th", domain, w.count, f.Term)
		w.out = append(w.out, f)
	}
	w.voids()
	return w.out
}

// LintChain checks records meant to be published together, such as
// those of [Split] or [BuildChain], as [LintDomain] would once they are
// published, without DNS: the first record's name is the domain, and the
// includes and redirects among the records are followed, so DNS-querying
// terms are counted across the chain (RFC 7208 §4.6.4) and each record's
// size with its own name (§3.4). Names outside the chain are not
// followed, each an Info finding; records reached only through include:
// need no all. The findings name the record they are about; an empty
// chain is one Error finding.
func LintChain(chain []NamedRecord) []Finding {
	if len(chain) == 0 {
		return []Finding{{Severity: Error, Message: "no records to check"}}
	}
	txt := txtOnly{}
	for _, nr := range chain {
		txt[canonical(nr.Name)] = append(txt[canonical(nr.Name)], nr.Record.String())
	}
	return LintDomain(context.Background(), txt, chain[0].Name)
}

// txtOnly is a Resolver that knows the TXT records of some names and
// nothing else: every other question answers ErrOffline.
type txtOnly map[string][]string

func (t txtOnly) LookupTXT(_ context.Context, name string) ([]string, error) {
	if v, ok := t[canonical(name)]; ok {
		return v, nil
	}
	return nil, ErrOffline
}

func (txtOnly) LookupA(context.Context, string) ([]netip.Addr, error)    { return nil, ErrOffline }
func (txtOnly) LookupAAAA(context.Context, string) ([]netip.Addr, error) { return nil, ErrOffline }
func (txtOnly) LookupMX(context.Context, string) ([]MXHost, error)       { return nil, ErrOffline }
func (txtOnly) LookupPTR(context.Context, netip.Addr) ([]string, error)  { return nil, ErrOffline }

// walker follows one domain's SPF evaluation for LintDomain.
type walker struct {
	ctx          context.Context
	r            Resolver
	domain       string // the domain LintDomain was given
	out          []Finding
	linted       map[string]bool // domains whose record has had the static checks
	path         []string        // the include and redirect chain, for loops
	count        int             // DNS-querying terms so far
	eleventh     Finding         // where the count passed 10
	void4, void6 []string        // the terms whose lookups found nothing, per sender family
	failing      bool            // inside an include that does not pass
	ranges       []Term          // the passing ip4: and ip6: terms of every record, for breadth
}

// maxDepth bounds how deep the walker follows includes: well past what
// the 10-term limit lets receivers reach.
const maxDepth = 2 * maxDNSTerms

func (w *walker) add(f Finding) { w.out = append(w.out, f) }

// voids reports the void lookups, if too many: once for IPv4 and IPv6
// senders when they are the same, else for each family over the limit.
func (w *walker) voids() {
	report := func(who string, terms []string) {
		w.add(Finding{Severity: Error, Domain: w.domain, RFC: "RFC 7208 §4.6.4", Message: fmt.Sprintf(
			"%d lookups find no records for %s (%s); receivers allow %d such void lookups and then return permerror",
			len(terms), who, strings.Join(terms, ", "), maxVoid)})
	}
	if len(w.void6) > maxVoid && slices.Equal(w.void4, w.void6) {
		report("any sender", w.void6)
		return
	}
	if len(w.void6) > maxVoid {
		report("an IPv6 sender", w.void6)
	}
	if len(w.void4) > maxVoid {
		report("an IPv4 sender", w.void4)
	}
}

// visit checks the SPF record of domain, reached through the term via of
// the record of from ("" for the domain LintDomain was given), and
// follows its DNS-querying terms.
func (w *walker) visit(domain string, via Term, from string) {
	s := &step{domain, via, from}
	txts, ok := w.lookupTXT(s)
	if !ok {
		return
	}
	txt, others, ok := w.spfRecord(s, txts)
	if !ok {
		return
	}
	w.lintOnce(s, txt, others)
	rec, err := Parse(txt)
	if err != nil {
		return // reported by lint
	}
	w.path = append(w.path, domain)
	defer func() { w.path = w.path[:len(w.path)-1] }()
	if !w.failing {
		w.addRanges(rec)
	}
	w.follow(domain, rec)
}

// step is how the walk reaches a record: the domain's, through the term
// via of the record of from ("" for the domain LintDomain was given).
type step struct {
	domain string
	via    Term
	from   string
}

// where places f: on the term that led to the record, or on the domain
// LintDomain was given.
func (s *step) where(f Finding) Finding {
	if s.from != "" {
		f.Domain, f.Term, f.Offset = s.from, s.via.String(), s.via.Offset
	} else {
		f.Domain = s.domain
	}
	return f
}

// lookupTXT returns the TXT records of s.domain, or reports why it has
// none to check: a failed lookup (§4.4), or a name outside the records
// LintChain was given. A name without TXT records is a void lookup.
func (w *walker) lookupTXT(s *step) ([]string, bool) {
	txts, err := w.r.LookupTXT(w.ctx, s.domain)
	switch {
	case errors.Is(err, ErrNoRecords):
		txts = nil
	case errors.Is(err, ErrOffline) && s.from != "":
		w.add(s.where(Finding{Severity: Info, RFC: "RFC 7208 §4.6.4", Message: fmt.Sprintf("%s is not among the records given, so it is not checked; its own DNS-querying terms count toward the 10 too", s.domain)}))
		return nil, false
	case err != nil:
		w.add(s.where(Finding{Severity: Error, RFC: "RFC 7208 §4.4", Message: fmt.Sprintf("looking up the TXT records of %s failed: %v; receivers return temperror", s.domain, err)}))
		return nil, false
	}
	if len(txts) == 0 && s.from != "" {
		w.void(s.from+": "+s.via.String(), true, true)
	}
	return txts, true
}

// spfRecord returns the one SPF record among txts and the size of the
// TXT data of the others, or reports that there is none or more than one
// (§3.2, §4.5, §5.2, §6.1).
func (w *walker) spfRecord(s *step, txts []string) (txt string, others int, ok bool) {
	var spf []string
	for _, t := range txts {
		if IsSPF(t) {
			spf = append(spf, t)
		} else {
			others += txtDataLen(len(t))
		}
	}
	switch {
	case len(spf) == 0 && s.from == "":
		w.add(s.where(Finding{Severity: Error, RFC: "RFC 7208 §4.5", Message: fmt.Sprintf("%s has no SPF record; receivers get none and cannot tell its senders from forgers", s.domain)}))
	case len(spf) == 0 && s.via.Kind == Include:
		w.add(s.where(Finding{Severity: Error, RFC: "RFC 7208 §5.2", Message: fmt.Sprintf("%s has no SPF record; receivers return permerror for %s", s.domain, s.via)}))
	case len(spf) == 0:
		w.add(s.where(Finding{Severity: Error, RFC: "RFC 7208 §6.1", Message: fmt.Sprintf("%s has no SPF record; receivers return permerror for %s", s.domain, s.via)}))
	case len(spf) > 1:
		w.add(s.where(Finding{Severity: Error, RFC: "RFC 7208 §3.2", Message: fmt.Sprintf("%s has %d SPF records; receivers return permerror: merge them into one", s.domain, len(spf))}))
	default:
		return spf[0], others, true
	}
	return "", 0, false
}

// lintOnce runs the static checks on the record txt of s.domain, the
// first time the walk reaches it, counting the other TXT records' data
// in the size.
func (w *walker) lintOnce(s *step, txt string, others int) {
	if w.linted[s.domain] {
		return
	}
	w.linted[s.domain] = true
	for _, f := range lint(txt, nameLen(s.domain), others, false) {
		if s.via.Kind == Include && f.RFC == "RFC 7208 §4.7" {
			// An included record without all gives neutral when
			// nothing matches, so the include does not match and the
			// evaluation goes on (§5.2): as meant.
			continue
		}
		f.Domain = s.domain
		w.add(f)
	}
}

// addRanges keeps the passing ip4: and ip6: terms of rec before its all,
// for the breadth check across records.
func (w *walker) addRanges(rec *Record) {
	for _, t := range rec.Terms {
		if t.Kind == All {
			break
		}
		if passingIP(t) {
			w.ranges = append(w.ranges, t)
		}
	}
}

// follow counts and follows the DNS-querying terms of domain's record
// rec in evaluation order: its mechanisms up to all, then redirect= if
// it has no all.
func (w *walker) follow(domain string, rec *Record) {
	hasAll := hasKind(rec, All)
	var redirect *Term
	for _, t := range rec.Terms {
		if t.Kind == Redirect {
			if redirect == nil {
				redirect = &t
			}
			continue
		}
		if t.Kind.IsModifier() {
			continue
		}
		if t.Kind.QueriesDNS() {
			w.term(domain, t)
		}
		if t.Kind == All {
			break
		}
	}
	if redirect != nil && !hasAll {
		w.term(domain, *redirect)
	}
}

// term counts and follows one DNS-querying term of domain's record.
func (w *walker) term(domain string, t Term) {
	if w.count++; w.count == maxDNSTerms+1 {
		w.eleventh = Finding{Domain: domain, Term: t.String(), Offset: t.Offset}
	}
	if t.Kind == PTR {
		return
	}
	at := Finding{Domain: domain, Term: t.String(), Offset: t.Offset}
	target := t.Domain
	if target == "" {
		target = domain
	}
	if strings.Contains(target, "%") {
		at.Severity, at.RFC = Info, "RFC 7208 §7"
		at.Message = fmt.Sprintf("%s uses macros, so its target depends on the sender; it is counted but not followed", t)
		w.add(at)
		return
	}
	target = strings.ToLower(strings.TrimSuffix(target, "."))
	switch t.Kind {
	case Include, Redirect:
		w.include(at, t, target)
	case A, Exists, MX:
		w.lookupHosts(at, t, target)
	}
}

// include follows the include: or redirect= t of the record at.Domain
// to target's record, unless it loops back (§4.6.4) or the walk is far
// past the limit.
func (w *walker) include(at Finding, t Term, target string) {
	if slices.Contains(w.path, target) {
		at.Severity, at.RFC = Error, "RFC 7208 §4.6.4"
		at.Message = fmt.Sprintf("%s loops back to %s (%s); receivers stop with permerror", t, target, strings.Join(append(w.path, target), " → "))
		w.add(at)
		return
	}
	if len(w.path) >= maxDepth || w.count > 5*maxDNSTerms {
		return // far past the limit, which is reported
	}
	failing := w.failing
	w.failing = failing || t.Kind == Include && !passing(t.Qualifier)
	w.visit(target, t, at.Domain)
	w.failing = failing
}

// lookupHosts looks up the addresses or MX hosts of target that the a,
// exists or mx t of the record at.Domain asks for: none is a void lookup,
// and more than 10 MX hosts an error (§4.6.4).
func (w *walker) lookupHosts(at Finding, t Term, target string) {
	what := at.Domain + ": " + t.String()
	switch t.Kind {
	case A:
		a, err4 := w.r.LookupA(w.ctx, target)
		aaaa, err6 := w.r.LookupAAAA(w.ctx, target)
		for _, err := range []error{err4, err6} {
			if err != nil && !errors.Is(err, ErrNoRecords) {
				w.failed(at, "address", target, err)
				return
			}
		}
		w.void(what, len(a) == 0, len(aaaa) == 0)
	case Exists:
		a, err := w.r.LookupA(w.ctx, target)
		if err != nil && !errors.Is(err, ErrNoRecords) {
			w.failed(at, "A", target, err)
			return
		}
		w.void(what, len(a) == 0, len(a) == 0)
	case MX:
		mx, err := w.r.LookupMX(w.ctx, target)
		if err != nil && !errors.Is(err, ErrNoRecords) {
			w.failed(at, "MX", target, err)
			return
		}
		w.void(what, len(mx) == 0, len(mx) == 0)
		if len(mx) > maxMX {
			at.Severity, at.RFC = Error, "RFC 7208 §4.6.4"
			at.Message = fmt.Sprintf("%s has %d MX hosts; receivers look up at most %d per mx and return permerror", target, len(mx), maxMX)
			w.add(at)
		}
	}
}

// failed reports, at at, that looking up the what records of target
// failed with err: temperror for receivers (§4.4), or, for a name outside
// the records LintChain was given, an Info finding that it is not
// checked.
func (w *walker) failed(at Finding, what, target string, err error) {
	at.Severity, at.RFC = Error, "RFC 7208 §4.4"
	at.Message = fmt.Sprintf("looking up the %s records of %s failed: %v; receivers return temperror", what, target, err)
	if errors.Is(err, ErrOffline) {
		at.Severity, at.RFC = Info, "RFC 7208 §4.6.4"
		at.Message = fmt.Sprintf("the %s records of %s are not among the records given, so they are not checked", what, target)
	}
	w.add(at)
}

// void records a lookup that found nothing for IPv4 or IPv6 senders.
func (w *walker) void(what string, v4, v6 bool) {
	if v4 {
		w.void4 = append(w.void4, what)
	}
	if v6 {
		w.void6 = append(w.void6, what)
	}
}
