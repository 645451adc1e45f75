package spf

import (
	"errors"
	"fmt"
	"math"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Severity says how much a Finding matters.
type Severity uint8

// Severities, from least to most serious; the zero Severity is not one of
// them.
const (
	Info    Severity = iota + 1 // worth knowing; nothing to fix
	Warning                     // works, but not as the publisher probably means, or against a SHOULD
	Error                       // receivers return permerror or authorize what they should not
)

// String returns "info", "warning" or "error".
func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "Severity(" + strconv.Itoa(int(s)) + ")"
}

// A Finding is one problem Lint or LintDomain found in an SPF record.
type Finding struct {
	Severity Severity
	Domain   string // the name whose record it is about; "" from Lint
	Term     string // the term as written; "" when the finding is about the whole record
	Offset   int    // byte offset in the record text of Term, or of the octet at fault
	Message  string
	RFC      string // where the rule comes from, e.g. "RFC 7208 §4.6.4"
}

// String returns the finding on one line:
// "[DOMAIN: ]SEVERITY[ at offset N (TERM)]: MESSAGE (RFC)".
func (f Finding) String() string {
	var b strings.Builder
	if f.Domain != "" {
		b.WriteString(f.Domain + ": ")
	}
	b.WriteString(f.Severity.String())
	if f.Term != "" {
		fmt.Fprintf(&b, " at offset %d (%s)", f.Offset, f.Term)
	}
	b.WriteString(": " + f.Message)
	if f.RFC != "" {
		b.WriteString(" (" + f.RFC + ")")
	}
	return b.String()
}

// DefaultNameLen is the length in octets that [Lint] counts for the name
// a record is published at, which it does not know, in the size check:
// the wire form of a name such as "_spf.mail.example.com.". [LintName]
// counts the real name.
const DefaultNameLen = 32

// The size limits of RFC 7208 §3.4, in octets of the name plus its TXT
// data: above sizeWarn the answer may not fit a 512-octet UDP message
// with the rest of the response; above sizeError it cannot.
const (
	sizeWarn  = 450
	sizeError = 512
)

// maxDNSTerms, maxMX and maxVoid are the limits of RFC 7208 §4.6.4.
const (
	maxDNSTerms = 10
	maxMX       = 10
	maxVoid     = 2
)

// Lint checks the text of one SPF record without DNS and returns what it
// finds: findings about a term sorted by offset, then those about the
// whole record. As it does not know the name the record is published at,
// the size check counts [DefaultNameLen] octets for it; [LintName] takes
// the name. [LintDomain] follows includes and redirects and counts
// lookups across the whole evaluation.
//
// A term that does not parse, including a macro that does not (RFC 7208
// §7.1), is an Error finding at its offset; the other terms are still
// checked. The checks: ptr (§5.5); +all, ?all and ip4:/ip6: of /0 (§5.1,
// §8.2, §5.6); neither all nor redirect= (§4.7); mechanisms after all
// (§5.1); redirect= with all (§6.1); redirect= or exp= more than once
// (§6); unknown modifiers (§6, Info); ip4: and ip6: with host bits set or
// IPv4-mapped (§5.6); repeated, redundant or never reached ranges
// (§4.6.2); more than 10 DNS-querying terms (§4.6.4); the name and TXT
// data over 450 octets (Warning) or 512 (Error) (§3.4); non-ASCII octets
// (§7.1).
//
// Ranges that authorize a large share of the Internet are errors: a
// passing ip4: term broader than a /8 or ip6: term broader than a /19, a
// and mx with cidr lengths as broad, and passing ip4: or ip6: terms that
// together cover more than one such network (two /9s are one /8, three
// are too many). A /8 is the largest block ever allocated to one holder
// and a /19 the largest RIR allocation to a single ISP (2003::/19), while
// the largest senders publish far less (/14 to /17 for IPv4, /32 to /48
// for IPv6): a broader term spans unrelated networks, like the
// "ip4:0.0.0.0/1 ip4:128.0.0.0/1" that forgers publish to pass SPF from
// anywhere.
func Lint(txt string) []Finding { return lint(txt, DefaultNameLen, 0, true) }

// LintName is [Lint] for a record published at name: the size check
// counts the wire form of name (its length plus two octets, for the first
// label's length octet and the root).
func LintName(name, txt string) []Finding {
	return lint(txt, nameLen(name), 0, true)
}

func nameLen(name string) int {
	name = strings.TrimSuffix(name, ".")
	if name == "" {
		return 1
	}
	return len(name) + 2
}

// token is one space-separated piece of a record text.
type token struct {
	text   string
	offset int
}

// lint runs the static checks on txt. nameLen is the wire length of the
// name; others is the TXT data of the name's other TXT records, which
// share the answer; dnsCount says whether to count DNS-querying terms
// (LintDomain counts them across the evaluation instead).
//
// The checks run in phases, each adding its findings in turn: octets that
// are not ASCII, terms that do not parse, each term on its own, how the
// record ends, ranges together, and the DNS count; then the findings
// about a term are sorted by offset, stably, and the size check comes
// last.
func lint(txt string, nameLen, others int, dnsCount bool) []Finding {
	toks := split(txt)
	if len(toks) == 0 || !IsSPF(txt) {
		return []Finding{notSPF(toks)}
	}
	l := &linter{txt: txt, firstAll: -1}
	l.parseTerms(toks, l.nonASCII(toks))
	l.checkTerms()
	l.checkEnd()
	reached := l.terms // what receivers evaluate: up to the first all
	if l.firstAll >= 0 {
		reached = l.terms[:l.firstAll+1]
	}
	l.overlaps(reached)
	l.out = append(l.out, breadth(reached, "the record's")...)
	if dnsCount {
		l.countDNS(reached)
	}
	sortFindings(l.out)
	l.checkSize(nameLen + txtDataLen(len(txt)) + others)
	return l.out
}

// linter holds what the phases of lint share: the record, the findings
// so far, the terms that parse, and what the term checks find of the
// record's shape.
type linter struct {
	txt      string
	out      []Finding
	terms    []Term // the terms that parse, each at its offset in txt
	firstAll int    // the index in terms of the first all, or -1
	redirect *Term  // the first redirect=, or nil
	exp      *Term  // the first exp=, or nil
}

// text returns the term t as written in the record: from its offset to
// the next space.
func (l *linter) text(t Term) string {
	s := l.txt[t.Offset:]
	if i := strings.IndexByte(s, ' '); i >= 0 {
		s = s[:i]
	}
	return s
}

// add adds a finding about the term t.
func (l *linter) add(sev Severity, t Term, rfc, format string, args ...any) {
	l.out = append(l.out, Finding{Severity: sev, Term: l.text(t), Offset: t.Offset, Message: fmt.Sprintf(format, args...), RFC: rfc})
}

// notSPF is the one finding about a text that is not an SPF record, toks
// being its pieces.
func notSPF(toks []token) Finding {
	f := Finding{Severity: Error, Message: "the record does not start with v=spf1, so receivers do not take it for an SPF record", RFC: "RFC 7208 §4.5"}
	if len(toks) > 0 {
		f.Term = toks[0].text
	}
	return f
}

// nonASCII reports the first octet that is not ASCII of each term (§7.1)
// and returns the indexes in toks of those terms, nil if none.
func (l *linter) nonASCII(toks []token) map[int]bool {
	var bad map[int]bool
	for i, tok := range toks {
		j := 0
		for j < len(tok.text) && tok.text[j] < utf8.RuneSelf {
			j++
		}
		if j == len(tok.text) {
			continue
		}
		what := fmt.Sprintf("octet 0x%02x", tok.text[j])
		if r, _ := utf8.DecodeRuneInString(tok.text[j:]); r != utf8.RuneError {
			what = fmt.Sprintf("character %q", r)
		}
		l.out = append(l.out, Finding{Severity: Error, Term: tok.text, Offset: tok.offset + j,
			Message: what + " is not ASCII; SPF records are ASCII text, and a name with other characters must be written in its A-label (xn--) form",
			RFC:     "RFC 7208 §7.1"})
		if bad == nil {
			bad = map[int]bool{}
		}
		bad[i] = true
	}
	return bad
}

// parseTerms parses each term after v=spf1 on its own, so that one bad
// term hides no other finding, and keeps those that parse; it skips the
// terms whose index in toks is in bad.
func (l *linter) parseTerms(toks []token, bad map[int]bool) {
	for i, tok := range toks[1:] {
		if bad[i+1] {
			continue
		}
		r, err := Parse("v=spf1 " + tok.text)
		if err != nil {
			l.out = append(l.out, parseFinding(tok, err))
			continue
		}
		for _, t := range r.Terms { // one
			t.Offset = tok.offset
			l.terms = append(l.terms, t)
		}
	}
}

// parseFinding is the finding about the term tok, which Parse refused
// with err: at the octet at fault, citing the section the parser cites.
func parseFinding(tok token, err error) Finding {
	f := Finding{Severity: Error, Term: tok.text, Offset: tok.offset, Message: err.Error(), RFC: "RFC 7208 §4.6.1"}
	var pe *ParseError
	if errors.As(err, &pe) {
		f.Message = pe.Msg
		if off := pe.Offset - len("v=spf1 "); off > 0 && off < len(tok.text) {
			f.Offset += off
		}
	}
	if strings.Contains(tok.text, "%") {
		f.RFC = "RFC 7208 §7.1"
	}
	// The parser cites its section at the end of the message.
	if i := strings.LastIndex(f.Message, " (RFC "); i > 0 && strings.HasSuffix(f.Message, ")") {
		f.Message, f.RFC = f.Message[:i], f.Message[i+2:len(f.Message)-1]
	}
	return f
}

// checkTerms checks each term on its own, in order, and notes the first
// all, redirect= and exp=.
func (l *linter) checkTerms() {
	for i, t := range l.terms {
		switch t.Kind {
		case PTR:
			l.add(Warning, t, "RFC 7208 §5.5", "ptr SHOULD NOT be used: it is slow and unreliable, and receivers may skip it; list the addresses with ip4: and ip6: instead")
		case All:
			l.checkAll(i)
		case Redirect, Exp:
			l.checkModifier(i)
		case A, MX:
			l.checkCIDR(t)
		case Unknown:
			l.add(Info, t, "RFC 7208 §6", "%s= is not a modifier receivers know, so they ignore it; check its spelling (redirect=, exp=)", t.Name)
		case IP4, IP6:
			l.checkRange(t)
		}
	}
}

// checkAll checks the all term terms[i] if it is the first: one that
// passes authorizes everyone (§5.1), and ?all gives neutral (§8.2).
func (l *linter) checkAll(i int) {
	if l.firstAll >= 0 {
		return
	}
	l.firstAll = i
	t := l.terms[i]
	switch t.Qualifier {
	case QualifierNone, QualifierPass:
		l.add(Error, t, "RFC 7208 §5.1", "%s authorizes every address on the Internet to send mail as this domain; end the record with -all or ~all", l.text(t))
	case QualifierNeutral:
		l.add(Warning, t, "RFC 7208 §8.2", "%s gives neutral: receivers treat mail from unlisted addresses as if there were no SPF record; end the record with -all or ~all", l.text(t))
	}
}

// checkModifier notes the redirect= or exp= terms[i], or reports it if
// the record has one already (§6).
func (l *linter) checkModifier(i int) {
	t := l.terms[i]
	first := &l.redirect
	if t.Kind == Exp {
		first = &l.exp
	}
	if *first != nil {
		l.add(Error, t, "RFC 7208 §6", "%s= appears again after %s at offset %d; a record may have one %s=, and receivers return permerror", t.Kind, l.text(**first), (*first).Offset, t.Kind)
		return
	}
	*first = &l.terms[i]
}

// checkCIDR reports an a or mx term that passes with a cidr length
// broader than the broadest accepted network (§5.6).
func (l *linter) checkCIDR(t Term) {
	if !passing(t.Qualifier) {
		return
	}
	if t.CIDR4 >= 0 && t.CIDR4 < broadest4 {
		l.add(Error, t, "RFC 7208 §5.6", "%s", tooBroad(l.text(t)+" (around each IPv4 address it finds)", IP4, math.Ldexp(1, -t.CIDR4)))
	} else if t.CIDR6 >= 0 && t.CIDR6 < broadest6 {
		l.add(Error, t, "RFC 7208 §5.6", "%s", tooBroad(l.text(t)+" (around each IPv6 address it finds)", IP6, math.Ldexp(1, -t.CIDR6)))
	}
}

// checkRange checks an ip4: or ip6: term (§5.6): IPv4-mapped, which never
// matches; /0 or too broad, when it passes; host bits set.
func (l *linter) checkRange(t Term) {
	p := t.Prefix
	switch {
	case t.Kind == IP6 && p.Addr().Is4In6() && p.Bits() == 96:
		l.add(Error, t, "RFC 7208 §5.6", "%s is the IPv4-mapped range, which never matches: receivers check IPv4 senders against ip4: terms only; remove it", l.text(t))
	case t.Kind == IP6 && p.Addr().Is4In6() && p.Bits() > 96:
		m := t
		m.Kind, m.Prefix = IP4, netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96).Masked()
		l.add(Error, t, "RFC 7208 §5.6", "%s is IPv4-mapped and never matches: receivers check IPv4 senders against ip4: terms only; write %s", l.text(t), m)
	case p.Bits() == 0 && passing(t.Qualifier):
		l.add(Error, t, "RFC 7208 §5.6", "%s authorizes every IPv%d address on the Internet to send mail as this domain; list your own networks", l.text(t), map[Kind]int{IP4: 4, IP6: 6}[t.Kind])
	case passing(t.Qualifier) && p.Bits() < broadest(t.Kind):
		l.add(Error, t, "RFC 7208 §5.6", "%s", tooBroad(l.text(t), t.Kind, math.Ldexp(1, -p.Bits())))
	case p.Masked() != p:
		m := t
		m.Prefix = p.Masked()
		l.add(Warning, t, "RFC 7208 §5.6", "%s has host bits set; receivers compare only the first %d bits, so it means %s: write that", l.text(t), p.Bits(), m)
	}
}

// checkEnd checks how the record ends: mechanisms after the first all are
// never evaluated (§5.1), a redirect= beside all is ignored (§6.1), and
// with neither, unlisted senders get neutral (§4.7).
func (l *linter) checkEnd() {
	if l.firstAll < 0 {
		if l.redirect == nil {
			l.out = append(l.out, Finding{Severity: Warning, Offset: len(l.txt), RFC: "RFC 7208 §4.7",
				Message: "the record has neither all nor redirect=, so unlisted senders get neutral, as with no SPF record; end it with -all or ~all"})
		}
		return
	}
	all := l.text(l.terms[l.firstAll])
	for _, t := range l.terms[l.firstAll+1:] {
		if !t.Kind.IsModifier() {
			l.add(Warning, t, "RFC 7208 §5.1", "%s comes after %s and is never evaluated; move it before %s or remove it", l.text(t), all, all)
		}
	}
	if l.redirect != nil {
		l.add(Warning, *l.redirect, "RFC 7208 §6.1", "%s is ignored because the record has %s", l.text(*l.redirect), all)
	}
}

// countDNS reports more than 10 DNS-querying terms (§4.6.4), counted in
// evaluation order: the mechanisms reached, then redirect=.
func (l *linter) countDNS(reached []Term) {
	var querying []Term
	for _, t := range reached {
		if t.Kind.QueriesDNS() && !t.Kind.IsModifier() {
			querying = append(querying, t)
		}
	}
	if l.redirect != nil && l.firstAll < 0 {
		querying = append(querying, *l.redirect)
	}
	if n := len(querying); n > maxDNSTerms {
		t := querying[maxDNSTerms]
		l.add(Error, t, "RFC 7208 §4.6.4", "the record has %d terms that query DNS (include, a, mx, ptr, exists, redirect=); receivers allow 10 in a whole evaluation and return permerror at %s, the 11th", n, l.text(t))
	}
}

// sortFindings puts the findings about a term first, by offset, and
// those about the whole record after them, each kept in the order found.
func sortFindings(out []Finding) {
	sort.SliceStable(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if (x.Term == "") != (y.Term == "") {
			return y.Term == ""
		}
		return x.Offset < y.Offset
	})
}

// checkSize reports a name and TXT data of size octets that may not fit,
// or cannot fit, a 512-octet UDP answer (§3.4).
func (l *linter) checkSize(size int) {
	switch {
	case size > sizeError:
		l.out = append(l.out, Finding{Severity: Error, RFC: "RFC 7208 §3.4", Message: fmt.Sprintf(
			"the name and its TXT data take %d octets, over %d: the answer does not fit a 512-octet UDP message and receivers without TCP or EDNS get none; shorten the record, e.g. by aggregating ranges or moving some to an include", size, sizeError)})
	case size > sizeWarn:
		l.out = append(l.out, Finding{Severity: Warning, RFC: "RFC 7208 §3.4", Message: fmt.Sprintf(
			"the name and its TXT data take %d octets, over %d: the answer may not fit a 512-octet UDP message; shorten the record", size, sizeWarn)})
	}
}

// The broadest ip4: and ip6: networks Lint accepts in a term that
// passes, and in all of a record's passing terms together. A term
// broader than this is an Error, as are terms that together cover more
// addresses than one such network (many /9s are no better than a /1).
//
// IPv4: a /8, 16,777,216 addresses, the largest block ever allocated to
// one holder (IANA's legacy /8s, such as Apple's 17.0.0.0/8); the
// largest networks big senders publish are far smaller (Microsoft's
// outbound ranges are /14 to /17). Anything broader spans several
// unrelated holders: the "ip4:0.0.0.0/1 ip4:128.0.0.0/1" that forgers
// publish to pass SPF from anywhere, or a typo for /18. The "Lazy
// Gatekeepers" study (Czybik, Horlboge, Rieck, IMC 2023) found a third of
// 12 million domains authorizing over 100,000 addresses and showed such
// lax records being used for forgery.
//
// IPv6: a /19, the largest single allocations RIRs have made, to the
// largest ISPs (2003::/19 Deutsche Telekom, 2a01:c000::/19 Orange); big
// mail senders publish /32 to /48 (Google /36, Microsoft /48).
const (
	broadest4 = 8
	broadest6 = 19
)

// tooBroad says that what, a term or a record's terms, passes more
// addresses than the broadest accepted network of family k, share being
// the part of the family's addresses it passes (2^-len for a /len), or
// returns "" if it does not.
func tooBroad(what string, k Kind, share float64) string {
	b, over, name := broadest4, 0, "IPv4 may send mail as this domain, more than a /8 (the largest block ever allocated to one holder)"
	if k == IP6 {
		b, over, name = broadest6, 3, "the global unicast 2000::/3 may send mail as this domain, more than a /19 (the largest allocation to a single ISP)"
	}
	if share <= math.Ldexp(1, -b) {
		return ""
	}
	pct := "more than 100"
	if f := math.Ldexp(100*share, over); f <= 100 {
		pct = strconv.FormatFloat(f, 'g', 3, 64)
	}
	return what + ": " + pct + "% of " + name + "; list your own networks"
}

// broadest returns the broadest prefix length Lint accepts for ip4 or ip6.
func broadest(k Kind) int {
	if k == IP4 {
		return broadest4
	}
	return broadest6
}

// breadth reports the passing ip4: and ip6: terms of a record (whose
// says which: "the record's") that together cover more than one of the
// broadest accepted networks, when no one term does: the addresses are
// counted once however many terms hold them.
func breadth(terms []Term, whose string) []Finding {
	var ps []netip.Prefix
	var broad [2]bool // IPv6, IPv4: a term too broad on its own, reported apart
	for _, t := range terms {
		if isRange(t) && passing(t.Qualifier) {
			ps = append(ps, t.Prefix)
			broad[IP6-t.Kind] = broad[IP6-t.Kind] || t.Prefix.Bits() < broadest(t.Kind)
		}
	}
	var sum [2]float64 // the share of each family's addresses
	for _, p := range aggregate(ps) {
		if p.Addr().Is4() {
			sum[1] += math.Ldexp(1, -p.Bits())
		} else {
			sum[0] += math.Ldexp(1, -p.Bits())
		}
	}
	var out []Finding
	for i, k := range [2]Kind{IP6, IP4} {
		if msg := tooBroad(whose+" "+k.String()+": terms together", k, sum[i]); !broad[i] && msg != "" {
			out = append(out, Finding{Severity: Error, RFC: "RFC 7208 §5.6", Message: msg})
		}
	}
	return out
}

// txtDataLen returns the RDATA length of a TXT record holding n octets of
// text: the text and one length octet per string of up to 255 octets.
func txtDataLen(n int) int { return n + max(1, (n+254)/255) }

// overlaps reports ip4: and ip6: terms that repeat or lie inside one
// another: a later term inside an earlier one with the same result is
// redundant, with another result never reached; an earlier term inside a
// later one with the same result is redundant (a narrower earlier term
// with another result is an exception and fine).
func (l *linter) overlaps(terms []Term) {
	for j, b := range terms {
		if !isRange(b) {
			continue
		}
		for _, a := range terms[:j] {
			if !isRange(a) || a.Kind != b.Kind {
				continue
			}
			pa, pb := a.Prefix.Masked(), b.Prefix.Masked()
			same := passing(a.Qualifier) == passing(b.Qualifier) && (passing(a.Qualifier) || a.Qualifier == b.Qualifier)
			f := Finding{Severity: Warning, Term: l.text(b), Offset: b.Offset, RFC: "RFC 7208 §4.6.2"}
			switch {
			case pa == pb && same:
				f.Message = fmt.Sprintf("%s repeats %s at offset %d; remove one", l.text(b), l.text(a), a.Offset)
			case contains(pa, pb) && same:
				f.Message = fmt.Sprintf("%s is redundant: %s at offset %d covers it", l.text(b), l.text(a), a.Offset)
			case contains(pa, pb):
				f.Message = fmt.Sprintf("%s is never reached: %s at offset %d covers it and matches first", l.text(b), l.text(a), a.Offset)
			case contains(pb, pa) && same:
				f.Term, f.Offset = l.text(a), a.Offset
				f.Message = fmt.Sprintf("%s is redundant: %s at offset %d covers it", l.text(a), l.text(b), b.Offset)
			default:
				continue
			}
			l.out = append(l.out, f)
			break
		}
	}
}

// isRange reports whether t is an ip4: or ip6: term that can match.
func isRange(t Term) bool {
	return (t.Kind == IP4 || t.Kind == IP6) && t.Prefix.IsValid() && !(t.Kind == IP6 && t.Prefix.Addr().Is4In6() && t.Prefix.Bits() >= 96)
}

// split returns the space-separated pieces of s with their offsets.
func split(s string) []token {
	var out []token
	for i := 0; i < len(s); {
		if s[i] == ' ' {
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] != ' ' {
			j++
		}
		out = append(out, token{s[i:j], i})
		i = j
	}
	return out
}

// Worst returns the severity of the most serious finding, or 0 when
// there are none: `ip6plan spf` exits 1 when it is Error.
func Worst(findings []Finding) Severity {
	var w Severity
	for _, f := range findings {
		w = max(w, f.Severity)
	}
	return w
}
