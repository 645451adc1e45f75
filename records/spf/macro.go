package spf

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// MacroContext holds what the macros of RFC 7208 §7.3 expand to.
//
// The zero value of a field has a meaning: an empty Sender is
// "postmaster@" Domain, and a Sender without a local-part gets
// "postmaster" (§4.3); an empty Receiver and an empty ValidatedDomain
// expand to "unknown"; a zero Now is the time of the expansion. IP must be
// valid for %{i}, %{c} and %{v}; an IPv4-mapped IPv6 address counts as
// IPv4 (§5).
type MacroContext struct {
	Sender          string     // <sender>: %{s}, %{l} (local-part) and %{o} (its domain)
	Domain          string     // <domain>, the name being checked: %{d}
	IP              netip.Addr // <ip>, the SMTP client: %{i}, %{c} and %{v}
	HELO            string     // the HELO/EHLO name: %{h}
	Receiver        string     // the host doing the check: %{r}
	Now             time.Time  // %{t}
	ValidatedDomain string     // %{p}: the validated name of IP, found as in §5.5 by the caller
}

// Expand expands the macros of a macro-string (RFC 7208 §7.1, §7.3).
//
// inExp selects the context. With inExp true, spec is an explanation
// string (the TXT record an exp= modifier names): spaces and the letters c,
// r and t are allowed, and the result is text. With inExp false, spec is a
// domain-spec: the result is a domain name, so a trailing dot is dropped
// and, when longer than 253 octets, labels are removed from the left until
// it fits (§7.3).
//
// A macro is %{letter transformers delimiters}: the value is split at the
// delimiters (default "."), reversed when "r" is given, cut to its
// rightmost N parts when digits N are given, and joined with dots; an
// uppercase letter URL-escapes the result. "%%", "%_" and "%-" are "%", a
// space and "%20". For IPv6, %{i} is the 32 dotted nibbles, %{v} is "ip6"
// (IPv4: "in-addr") and %{c} is the address as RFC 5952 writes it.
// Expand resolves nothing: %{p} is ValidatedDomain.
func Expand(spec string, ctx MacroContext, inExp bool) (string, error) {
	parts, _, msg := scanMacros(spec, inExp)
	if msg != "" {
		return "", fmt.Errorf("spf: macro-string %q: %s", spec, msg)
	}
	var b strings.Builder
	for _, p := range parts {
		if p.letter == 0 {
			b.WriteString(p.lit)
			continue
		}
		v, msg := ctx.value(p.letter)
		if msg != "" {
			return "", fmt.Errorf("spf: macro-string %q: %s", spec, msg)
		}
		v = p.transform(v)
		if p.upper {
			v = urlEscape(v)
		}
		b.WriteString(v)
	}
	out := b.String()
	if !inExp {
		out = truncateName(strings.TrimSuffix(out, "."))
	}
	return out, nil
}

// macroPart is one piece of a macro-string: literal text, with "%%", "%_"
// and "%-" already decoded, or one macro.
type macroPart struct {
	lit     string
	letter  byte // the macro letter in lower case; 0 for literal text
	upper   bool // the letter was upper case: URL-escape the value
	keep    int  // the number of rightmost parts to keep; 0 keeps all
	reverse bool
	delims  string // the delimiters written; "" means "."
}

// maxKeep caps the digits transformer; any larger number keeps all parts
// of any value that fits in a DNS name or an email address.
const maxKeep = 1 << 16

// scanMacros splits a macro-string (RFC 7208 §7.1) into parts, or says what
// is wrong with it. endsInMacro reports whether it ends in a macro-expand,
// as a domain-spec may. inExp allows what an explanation string may hold:
// spaces and the letters c, r and t.
func scanMacros(s string, inExp bool) (parts []macroPart, endsInMacro bool, msg string) {
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, macroPart{lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c != '%' {
			if (c < 0x21 || c > 0x7e) && !(inExp && c == ' ') {
				return nil, false, fmt.Sprintf("byte 0x%02X is not allowed: a macro-string holds visible ASCII only (RFC 7208 §7.1)", c)
			}
			lit.WriteByte(c)
			endsInMacro = false
			i++
			continue
		}
		if i+1 == len(s) {
			return nil, false, `"%" at the end: a percent sign is written "%%" (RFC 7208 §7.1)`
		}
		switch s[i+1] {
		case '%':
			lit.WriteByte('%')
		case '_':
			lit.WriteByte(' ')
		case '-':
			lit.WriteString("%20")
		case '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return nil, false, fmt.Sprintf("macro %q has no closing brace", s[i:])
			}
			p, msg := parseMacro(s[i:i+end+1], inExp)
			if msg != "" {
				return nil, false, msg
			}
			flush()
			parts = append(parts, p)
			i += end + 1
			endsInMacro = true
			continue
		default:
			return nil, false, fmt.Sprintf(`%q is not a macro: "%%" must be followed by "{", "%%", "_" or "-" (RFC 7208 §7.1)`, s[i:i+2])
		}
		i += 2
		endsInMacro = true
	}
	flush()
	return parts, endsInMacro, ""
}

// parseMacro parses "%{" macro-letter transformers *delimiter "}".
func parseMacro(m string, inExp bool) (macroPart, string) {
	body := m[2 : len(m)-1]
	if body == "" {
		return macroPart{}, `empty macro "%{}"`
	}
	var p macroPart
	l := body[0]
	p.letter = l | 0x20
	p.upper = 'A' <= l && l <= 'Z'
	if !isAlpha(l) || !strings.ContainsRune("slodiphcrtv", rune(p.letter)) {
		return p, fmt.Sprintf("unknown macro letter %q in %q: the letters are s, l, o, d, i, p, h, v and, in exp text, c, r and t (RFC 7208 §7.1)", string(l), m)
	}
	if !inExp && strings.IndexByte("crt", p.letter) >= 0 {
		return p, fmt.Sprintf("macro %q is allowed only in exp text (RFC 7208 §7.1)", m)
	}
	i := 1
	for i < len(body) && isDigit(body[i]) {
		if p.keep < maxKeep {
			p.keep = p.keep*10 + int(body[i]-'0')
		}
		i++
	}
	if i > 1 && p.keep == 0 {
		return p, fmt.Sprintf("macro %q keeps zero parts: the number must be nonzero (RFC 7208 §7.1)", m)
	}
	p.keep = min(p.keep, maxKeep)
	if i < len(body) && body[i]|0x20 == 'r' {
		p.reverse = true
		i++
	}
	p.delims = body[i:]
	for j := 0; j < len(p.delims); j++ {
		if strings.IndexByte(".-+,/_=", p.delims[j]) < 0 {
			return p, fmt.Sprintf(`macro %q: %q is neither a transformer nor a delimiter (. - + , / _ =) (RFC 7208 §7.1)`, m, string(p.delims[j]))
		}
	}
	return p, ""
}

// transform splits v at the delimiters, reverses, keeps the rightmost
// parts and joins them with dots (RFC 7208 §7.3).
func (p macroPart) transform(v string) string {
	delims := p.delims
	if delims == "" {
		delims = "."
	}
	if p.keep == 0 && !p.reverse && delims == "." {
		return v
	}
	var fields []string
	start := 0
	for i := 0; i < len(v); i++ {
		if strings.IndexByte(delims, v[i]) >= 0 {
			fields = append(fields, v[start:i])
			start = i + 1
		}
	}
	fields = append(fields, v[start:])
	if p.reverse {
		for i, j := 0, len(fields)-1; i < j; i, j = i+1, j-1 {
			fields[i], fields[j] = fields[j], fields[i]
		}
	}
	if p.keep > 0 && p.keep < len(fields) {
		fields = fields[len(fields)-p.keep:]
	}
	return strings.Join(fields, ".")
}

// value returns what a macro letter stands for, or a message.
func (ctx MacroContext) value(letter byte) (string, string) {
	local, domain := senderParts(ctx.Sender, ctx.Domain)
	ip := ctx.IP.Unmap()
	switch letter {
	case 's':
		return local + "@" + domain, ""
	case 'l':
		return local, ""
	case 'o':
		return domain, ""
	case 'd':
		return ctx.Domain, ""
	case 'h':
		return ctx.HELO, ""
	case 'p':
		if ctx.ValidatedDomain == "" {
			return "unknown", ""
		}
		return ctx.ValidatedDomain, ""
	case 'r':
		if ctx.Receiver == "" {
			return "unknown", ""
		}
		return ctx.Receiver, ""
	case 't':
		now := ctx.Now
		if now.IsZero() {
			now = time.Now()
		}
		return strconv.FormatInt(now.Unix(), 10), ""
	}
	if !ip.IsValid() {
		return "", fmt.Sprintf("macro %%{%c} needs the client IP address", letter)
	}
	switch letter {
	case 'i':
		if ip.Is4() {
			return ip.String(), ""
		}
		return dottedNibbles(ip), ""
	case 'c':
		return ip.String(), ""
	default: // 'v'
		if ip.Is4() {
			return "in-addr", ""
		}
		return "ip6", ""
	}
}

// senderParts splits a sender into its local-part and domain: an empty
// sender is postmaster at domain, one without "@" is a domain, and an
// empty local-part is "postmaster" (RFC 7208 §4.3).
func senderParts(sender, domain string) (local, dom string) {
	at := strings.LastIndexByte(sender, '@')
	switch {
	case sender == "":
		return "postmaster", domain
	case at < 0:
		return "postmaster", sender
	case at == 0:
		return "postmaster", sender[1:]
	}
	return sender[:at], sender[at+1:]
}

// dottedNibbles writes an IPv6 address as %{i} does: 32 hex nibbles in
// address order, lower case, separated by dots (RFC 7208 §7.4).
func dottedNibbles(ip netip.Addr) string {
	const hex = "0123456789abcdef"
	a := ip.As16()
	b := make([]byte, 0, 63)
	for i, x := range a {
		if i > 0 {
			b = append(b, '.')
		}
		b = append(b, hex[x>>4], '.', hex[x&15])
	}
	return string(b)
}

// urlEscape escapes all octets but the unreserved ones of RFC 3986 as
// %XX, as uppercase macro letters ask (RFC 7208 §7.3).
func urlEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAlpha(c) || isDigit(c) || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// truncateName removes labels from the left of a name longer than 253
// octets until it fits (RFC 7208 §7.3).
func truncateName(name string) string {
	for len(name) > 253 {
		dot := strings.IndexByte(name, '.')
		if dot < 0 {
			break
		}
		name = name[dot+1:]
	}
	return name
}
