package ip6

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// A PrefixError reports why a text is not an IPv6 prefix or address that
// ip6plan can plan with. Msg says what is wrong and how to fix it.
type PrefixError struct {
	Input string // the text as given
	Msg   string // what is wrong, usually naming Input
}

// Error returns Msg when Msg contains Input, plain or quoted, and otherwise
// Msg prefixed by the quoted Input, so that the text as typed is always
// shown (a host-bits error names the prefix in RFC 5952 form, which may
// differ from Input).
func (e *PrefixError) Error() string {
	if strings.Contains(e.Msg, e.Input) || strings.Contains(e.Msg, strconv.Quote(e.Input)) {
		return e.Msg
	}
	return fmt.Sprintf("%q: %s", e.Input, e.Msg)
}

// prefixErr returns a *PrefixError whose message starts with the quoted s.
func prefixErr(s, format string, args ...any) error {
	return &PrefixError{Input: s, Msg: fmt.Sprintf("%q ", s) + fmt.Sprintf(format, args...)}
}

// ParsePrefix parses an IPv6 prefix written ADDRESS/LENGTH. The address may
// be in any text form of RFC 4291 §2.2 (compressed, full, upper case, or
// with a dotted-quad IPv4 tail such as ::ffff:0:0/96); LENGTH is a decimal
// number from 0 to 128 without leading zeros (RFC 4291 §2.3).
//
// Unlike [netip.ParsePrefix], ParsePrefix refuses IPv4 prefixes, zones,
// surrounding whitespace (the caller trims) and set host bits, since
// 2001:db8:1234:5::/48 is almost always a typing mistake. Errors are of type
// [*PrefixError] and say how to fix the input.
func ParsePrefix(s string) (netip.Prefix, error) {
	if err := checkText(s, "prefix"); err != nil {
		return netip.Prefix{}, err
	}
	i := strings.LastIndexByte(s, '/')
	if i < 0 {
		a, err := netip.ParseAddr(s)
		switch {
		case err != nil:
			return netip.Prefix{}, prefixErr(s, "is not an IPv6 prefix; write ADDRESS/LENGTH, e.g. 2001:db8::/48")
		case a.Is4():
			return netip.Prefix{}, prefixErr(s, "is an IPv4 address; ip6plan plans IPv6 prefixes")
		}
		return netip.Prefix{}, prefixErr(s, "has no prefix length; write ADDRESS/LENGTH, e.g. 2001:db8::/48")
	}
	if strings.Count(s, "/") > 1 && !strings.Contains(s, "%") {
		return netip.Prefix{}, prefixErr(s, "has more than one slash; write ADDRESS/LENGTH, e.g. 2001:db8::/48")
	}
	addrText, lenText := s[:i], s[i+1:]
	a, err := parseAddrPart(s, addrText, "prefix")
	if err != nil {
		return netip.Prefix{}, err
	}
	bits, err := parseBits(s, lenText)
	if err != nil {
		return netip.Prefix{}, err
	}
	p := netip.PrefixFrom(a, bits)
	if m := p.Masked(); m != p {
		return netip.Prefix{}, &PrefixError{Input: s,
			Msg: fmt.Sprintf("%s has host bits set; did you mean %s?", p, m)}
	}
	return p, nil
}

// MustParsePrefix is like [ParsePrefix] but panics on an error. It is meant
// for tests and examples with constant input.
func MustParsePrefix(s string) netip.Prefix {
	p, err := ParsePrefix(s)
	if err != nil {
		panic(err)
	}
	return p
}

// ParseAddr parses an IPv6 address in any text form of RFC 4291 §2.2. It
// refuses IPv4 addresses (an IPv4-mapped address written as IPv6 text, such
// as ::ffff:192.0.2.1, is accepted; RFC 4291 §2.5.5.2), zones, prefixes and
// surrounding whitespace. Errors are of type [*PrefixError].
func ParseAddr(s string) (netip.Addr, error) {
	if err := checkText(s, "address"); err != nil {
		return netip.Addr{}, err
	}
	if strings.Contains(s, "/") && !strings.Contains(s, "%") {
		return netip.Addr{}, prefixErr(s, "is a prefix, not an address; leave out the /LENGTH")
	}
	return parseAddrPart(s, s, "address")
}

// checkText rejects the empty string and surrounding whitespace.
func checkText(s, what string) error {
	if s == "" {
		return &PrefixError{Input: s, Msg: fmt.Sprintf("empty IPv6 %s; write one such as %s", what, example(what))}
	}
	if strings.TrimSpace(s) != s {
		return prefixErr(s, "has leading or trailing white space; remove it")
	}
	return nil
}

func example(what string) string {
	if what == "prefix" {
		return "2001:db8::/48"
	}
	return "2001:db8::25"
}

// parseAddrPart parses the address a found in the input s, which names a
// prefix or an address (what).
func parseAddrPart(s, a, what string) (netip.Addr, error) {
	if i := strings.IndexByte(a, '%'); i >= 0 {
		fix := a[:i] + strings.TrimPrefix(s, a)
		return netip.Addr{}, prefixErr(s, "has a zone (%s); zones are not allowed in an IPv6 %s; write %s", a[i:], what, fix)
	}
	addr, err := netip.ParseAddr(a)
	if err != nil {
		// netip says ParseAddr("a"): reason; keep the reason only.
		msg := err.Error()
		if _, reason, ok := strings.Cut(msg, "): "); ok {
			msg = reason
		}
		if a != s {
			msg = fmt.Sprintf("address %q: %s", a, msg)
		}
		return netip.Addr{}, prefixErr(s, "is not an IPv6 %s: %s", what, msg)
	}
	if addr.Is4() {
		if what == "prefix" {
			return netip.Addr{}, prefixErr(s, "is an IPv4 prefix; ip6plan plans IPv6 prefixes")
		}
		return netip.Addr{}, prefixErr(s, "is an IPv4 address; ip6plan needs IPv6 addresses")
	}
	return addr, nil
}

// parseBits parses the prefix length t of the prefix s: decimal digits,
// no sign, no leading zeros, 0 to 128.
func parseBits(s, t string) (int, error) {
	if t == "" {
		return 0, prefixErr(s, "has an empty prefix length; write a length from 0 to 128 after the slash")
	}
	n := 0
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c < '0' || c > '9' {
			return 0, prefixErr(s, "has prefix length %q; write a decimal number from 0 to 128", t)
		}
		if n <= 128 {
			n = n*10 + int(c-'0')
		}
	}
	if n > 128 {
		return 0, prefixErr(s, "has prefix length %s; IPv6 prefix lengths run from 0 to 128", t)
	}
	if len(t) > 1 && t[0] == '0' {
		return 0, prefixErr(s, "has prefix length %q with a leading zero; write /%d (0 to 128, no leading zeros)", t, n)
	}
	return n, nil
}

// Without returns the prefixes that cover outer but not inner, which lies
// inside it: at each length from outer's plus one to inner's, the half that
// does not hold inner. It returns nil when inner is not inside outer.
func Without(outer, inner netip.Prefix) []netip.Prefix {
	if !inner.IsValid() || !outer.IsValid() || inner.Bits() < outer.Bits() || !outer.Contains(inner.Addr()) {
		return nil
	}
	var out []netip.Prefix
	for bits := outer.Bits() + 1; bits <= inner.Bits(); bits++ {
		half := u128From(netip.PrefixFrom(inner.Addr(), bits).Masked().Addr())
		bit := u128{0, 1}.shl(128 - bits) // the last bit of the prefix, flipped for the other half
		out = append(out, netip.PrefixFrom(half.xor(bit).addr(), bits))
	}
	return out
}

// Rebase returns p, which lies inside the block from, at the same offset
// inside the block to. It reports false when the offset is past the end of
// to, as when to is smaller than from.
func Rebase(p, from, to netip.Prefix) (netip.Prefix, bool) {
	off := u128From(p.Addr()).sub(u128From(from.Addr()))
	if to.Bits() > from.Bits() && !off.shr(128-to.Bits()).isZero() {
		return p, false
	}
	return netip.PrefixFrom(u128From(to.Addr()).add(off).addr(), p.Bits()), true
}
