package spf

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// spfVersion is the version section every SPF record begins with (RFC 7208
// §4.5), matched without regard to case.
const spfVersion = "v=spf1"

// A ParseError is a record that does not follow the grammar of RFC 7208
// §4.5 and §12. It names the term at fault and its byte offset in the
// record; Term is empty when the version section is wrong.
type ParseError struct {
	Record string // the record text as given to Parse
	Term   string // the term in error, as written; "" for the version
	Offset int    // byte offset of Term in Record
	Msg    string // what is wrong with it
}

// Error returns the message in the form
// `spf: term "ip6:2001:db8::/129" at offset 7: cidr length 129 is more than 128`.
func (e *ParseError) Error() string {
	if e.Term == "" {
		return fmt.Sprintf("spf: record %q: %s", e.Record, e.Msg)
	}
	return fmt.Sprintf("spf: term %q at offset %d: %s", e.Term, e.Offset, e.Msg)
}

// IsSPF reports whether a TXT record (its strings already concatenated) is
// an SPF record: it begins with "v=spf1", in any case, followed by a space
// or nothing (RFC 7208 §4.5). Other TXT records at the name are none of
// SPF's business.
func IsSPF(txt string) bool {
	n := len(spfVersion)
	return len(txt) >= n && strings.EqualFold(txt[:n], spfVersion) && (len(txt) == n || txt[n] == ' ')
}

// Parse reads an SPF record per the ABNF of RFC 7208 §4.5 and §12: the
// version "v=spf1" (case-insensitive) followed by terms separated by one
// or more spaces; trailing spaces are allowed, other white space is not.
// Mechanism and modifier names are case-insensitive. Every term is
// checked in full, macro-strings and the domain-end rule of §7.1 included,
// so a record with a bad term anywhere is an error (§4.6); the error is a
// *ParseError naming the term and its offset.
//
// Terms keep their text: Domain holds the domain-spec as written with its
// macros unexpanded, Prefix the ip4 or ip6 network with any host bits, and
// CIDR4 and CIDR6 the lengths written after a and mx (-1 when absent; 0 on
// other kinds). Every term's Offset is set. A repeated redirect= or exp= is
// not a parse error: check_host() makes it a permerror (§6) and lint
// reports it. For every record Parse accepts, Parse(r.String()) gives the
// same terms (Offsets aside).
func Parse(s string) (*Record, error) {
	if !IsSPF(s) {
		return nil, &ParseError{Record: s, Msg: `not an SPF record: it must begin with "v=spf1" followed by a space or the end (RFC 7208 §4.5)`}
	}
	r := &Record{}
	for i := len(spfVersion); i < len(s); {
		if s[i] == ' ' {
			i++
			continue
		}
		end := strings.IndexByte(s[i:], ' ')
		if end < 0 {
			end = len(s)
		} else {
			end += i
		}
		t, msg := parseTerm(s[i:end])
		if msg != "" {
			return nil, &ParseError{Record: s, Term: s[i:end], Offset: i, Msg: msg}
		}
		t.Offset = i
		r.Terms = append(r.Terms, t)
		i = end
	}
	return r, nil
}

// parseTerm parses one directive or modifier (RFC 7208 §4.6.1, §12). It
// returns a message saying what is wrong, or "".
func parseTerm(text string) (Term, string) {
	// A modifier has "=" right after its name, before any ":" or "/".
	if eq := strings.IndexByte(text, '='); eq >= 0 && !strings.ContainsAny(text[:eq], ":/") {
		return parseModifier(text[:eq], text[eq+1:])
	}
	var t Term
	switch q := Qualifier(text[0]); q {
	case QualifierPass, QualifierFail, QualifierSoftfail, QualifierNeutral:
		t.Qualifier = q
		text = text[1:]
	}
	end := strings.IndexAny(text, ":/")
	if end < 0 {
		end = len(text)
	}
	name, rest := text[:end], text[end:]
	t.Kind = mechanismKind(name)
	switch t.Kind {
	case 0:
		if name == "" {
			return t, "no mechanism name after the qualifier"
		}
		return t, fmt.Sprintf("unknown mechanism %q (RFC 7208 §5)", name)
	case All:
		if rest != "" {
			return t, "all takes no argument (RFC 7208 §5.1)"
		}
	case Include, Exists:
		if !strings.HasPrefix(rest, ":") {
			return t, fmt.Sprintf("%s needs a domain-spec: %s:domain", t.Kind, t.Kind)
		}
		t.Domain = rest[1:]
		if msg := checkDomainSpec(t.Domain); msg != "" {
			return t, msg
		}
	case PTR:
		if rest != "" {
			if rest[0] == '/' {
				return t, "ptr takes no cidr length (RFC 7208 §5.5)"
			}
			t.Domain = rest[1:]
			if msg := checkDomainSpec(t.Domain); msg != "" {
				return t, msg
			}
		}
	case A, MX:
		return parseAMX(t, rest)
	case IP4, IP6:
		return parseIP(t, rest)
	}
	return t, ""
}

// mechanismKind returns the mechanism a name denotes, or 0.
func mechanismKind(name string) Kind {
	for _, k := range [...]Kind{All, Include, A, MX, PTR, IP4, IP6, Exists} {
		if strings.EqualFold(name, k.String()) {
			return k
		}
	}
	return 0
}

// parseModifier parses name=value (RFC 7208 §6, §12).
func parseModifier(name, value string) (Term, string) {
	if name == "" {
		return Term{}, "empty modifier name"
	}
	if !isModifierName(name) {
		return Term{}, fmt.Sprintf(`invalid modifier name %q: a name is a letter followed by letters, digits, "-", "_" and "." (RFC 7208 §12)`, name)
	}
	var t Term
	switch {
	case strings.EqualFold(name, "redirect"):
		t = Term{Kind: Redirect, Domain: value}
	case strings.EqualFold(name, "exp"):
		t = Term{Kind: Exp, Domain: value}
	default:
		t = Term{Kind: Unknown, Name: name, Value: value}
		if _, _, msg := scanMacros(value, false); msg != "" {
			return t, msg
		}
		return t, ""
	}
	return t, checkDomainSpec(value)
}

// isModifierName reports whether s is ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ).
func isModifierName(s string) bool {
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isAlpha(c) && !isDigit(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// parseAMX parses what follows "a" or "mx": [ ":" domain-spec ] [ dual-cidr-length ].
func parseAMX(t Term, rest string) (Term, string) {
	body, c4, c6 := splitDualCIDR(rest)
	if strings.HasPrefix(body, ":") {
		t.Domain = body[1:]
		if msg := checkDomainSpec(t.Domain); msg != "" {
			return t, msg
		}
	} else if body != "" {
		return t, fmt.Sprintf("invalid cidr length %q: a dual cidr is /ip4-length, //ip6-length or both (RFC 7208 §5.6)", rest)
	}
	var msg string
	if t.CIDR4, msg = parseCIDR(c4, 32, "ip4 "); msg != "" {
		return t, msg
	}
	if t.CIDR6, msg = parseCIDR(c6, 128, "ip6 "); msg != "" {
		return t, msg
	}
	return t, ""
}

// splitDualCIDR splits a trailing dual-cidr-length off s, returning the
// digits of each length ("" when absent).
func splitDualCIDR(s string) (body, c4, c6 string) {
	body = s
	if d := trailingDigits(body); d != "" && strings.HasSuffix(body[:len(body)-len(d)], "//") {
		c6 = d
		body = body[:len(body)-len(d)-2]
	}
	if d := trailingDigits(body); d != "" && strings.HasSuffix(body[:len(body)-len(d)], "/") {
		c4 = d
		body = body[:len(body)-len(d)-1]
	}
	return body, c4, c6
}

// trailingDigits returns the decimal digits at the end of s.
func trailingDigits(s string) string {
	i := len(s)
	for i > 0 && isDigit(s[i-1]) {
		i--
	}
	return s[i:]
}

// parseCIDR checks the digits of a cidr length: no leading zeros (RFC 7208
// §5.6 forbids them in the addresses and, by the suite's reading, in
// lengths) and at most max. It returns -1 for "".
func parseCIDR(digits string, max int, family string) (int, string) {
	if digits == "" {
		return -1, ""
	}
	if len(digits) > 1 && digits[0] == '0' {
		return 0, fmt.Sprintf("%scidr length %q has a leading zero", family, digits)
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n > max {
		return 0, fmt.Sprintf("%scidr length %s is more than %d", family, digits, max)
	}
	return n, ""
}

// parseIP parses what follows "ip4" or "ip6": ":" network [ "/" length ].
func parseIP(t Term, rest string) (Term, string) {
	if !strings.HasPrefix(rest, ":") {
		return t, fmt.Sprintf("%s needs a network: %s:address[/length] (RFC 7208 §5.6)", t.Kind, t.Kind)
	}
	addrText, lenText, hasLen := strings.Cut(rest[1:], "/")
	addr, err := netip.ParseAddr(addrText)
	family, max := "IPv4", 32
	if t.Kind == IP6 {
		family, max = "IPv6", 128
	}
	if err != nil || addr.Zone() != "" || (t.Kind == IP4) != addr.Is4() {
		return t, fmt.Sprintf("%q is not an %s address", addrText, family)
	}
	bits := max
	if hasLen {
		if lenText == "" || trailingDigits(lenText) != lenText {
			return t, fmt.Sprintf("cidr length %q is not a number", lenText)
		}
		var msg string
		if bits, msg = parseCIDR(lenText, max, ""); msg != "" {
			return t, msg
		}
	}
	t.Prefix = netip.PrefixFrom(addr, bits)
	return t, ""
}

// checkDomainSpec checks domain-spec = macro-string domain-end, where
// domain-end = ( "." toplabel [ "." ] ) / macro-expand (RFC 7208 §7.1).
func checkDomainSpec(s string) string {
	if s == "" {
		return "empty domain-spec"
	}
	_, endsInMacro, msg := scanMacros(s, false)
	if msg != "" {
		return msg
	}
	if endsInMacro {
		return ""
	}
	name := strings.TrimSuffix(s, ".")
	dot := strings.LastIndexByte(name, '.')
	if dot < 0 || !isTopLabel(name[dot+1:]) {
		return fmt.Sprintf("domain-spec %q must end in a dot and a top-level label, or in a macro (RFC 7208 §7.1)", s)
	}
	return ""
}

// isTopLabel reports whether s is a toplabel of RFC 7208 §7.1:
// ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum ).
func isTopLabel(s string) bool {
	if s == "" {
		return false
	}
	alpha, hyphen := false, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isAlpha(c):
			alpha = true
		case isDigit(c):
		case c == '-':
			hyphen = true
		default:
			return false
		}
	}
	if hyphen {
		return s[0] != '-' && s[len(s)-1] != '-'
	}
	return alpha
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
