package records

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Domain names written into zone files. A zone file is text read line by
// line (RFC 1035 §5.1): a name holding a newline, a space, ';' (a comment),
// '"', '(' or ')' ends the record early or starts another one, so a name
// taken from a plan file could inject records. Every name ip6plan writes
// passes one of these checks first; they accept only ASCII letters,
// digits, '-', '_' and '*' where each is allowed, and never an escape.

// nameRules says which of the optional forms a check accepts.
type nameRules struct {
	what       string // what the name is, for errors: "hostname", "owner name"
	underscore int    // where '_' may appear: noUnderscore, labelStart or anywhere
	wildcard   bool   // accept "*" as the whole first label (RFC 4592 §2.1.1)
	hyphens    bool   // refuse labels that start or end with '-' (RFC 952)
	numericTop bool   // refuse an all-digit top-level label (RFC 1123 §2.1)
}

// Values of nameRules.underscore.
const (
	noUnderscore = iota
	labelStart
	anywhere
)

var (
	hostnameRules = nameRules{what: "hostname", hyphens: true, numericTop: true}
	ownerRules    = nameRules{what: "owner name", underscore: labelStart, wildcard: true, hyphens: true}
	anyNameRules  = nameRules{what: "name", underscore: anywhere, wildcard: true}
	dnsblRules    = nameRules{what: "DNSBL zone", underscore: labelStart, hyphens: true}
)

// CheckName reports why name cannot be written into a zone file as a
// domain name (RFC 1035 §5.1). A name ending in '.' is absolute; any other
// is relative to $ORIGIN and counted as if the origin were the root. The
// rules are those every name ip6plan writes must meet, whatever its record:
// dot-separated labels of 1 to 63 octets, at most 255 octets in wire form
// (RFC 1035 §2.3.4), each label made of ASCII letters, digits, '-' and '_',
// except a first label that is exactly "*" (RFC 4592 §2.1.1). Whitespace,
// control characters, non-ASCII octets, '.' runs ("a..b") and the zone file
// specials ';', '"', '\', '(', ')', '$' and '@' are errors that name their
// offset. Names of hosts and of TXT owners have stricter checks,
// [CheckHostname] and [CheckOwner].
func CheckName(name string) error { return checkName(name, anyNameRules) }

// CheckHostname reports why name is not a hostname that can be an A, AAAA
// or PTR target or owner: [CheckName]'s rules, with labels of letters,
// digits and inner hyphens only (RFC 952; RFC 1123 §2.1) and, in an
// absolute name, a top-level label that is not all digits (so that
// "192.0.2.1." is refused; RFC 1123 §2.1). A trailing dot marks a fully
// qualified name.
func CheckHostname(name string) error { return checkName(name, hostnameRules) }

// CheckOwner reports why name cannot own a TXT record such as SPF or DMARC
// data: the rules of [CheckHostname] without the top-level label rule, but
// a label may start with '_', as in _dmarc or _mta-sts (RFC 8552 §2), and
// the whole first label may be "*" (RFC 4592 §2.1.1).
func CheckOwner(name string) error { return checkName(name, ownerRules) }

// zoneSpecial says why c cannot appear in a zone file name, or is "".
// (A switch, not a map: a map literal costs the web app its own init code.)
func zoneSpecial(c byte) string {
	switch c {
	case ' ':
		return "space"
	case ';':
		return "';', which starts a zone file comment,"
	case '"':
		return "'\"', which quotes zone file text,"
	case '\\':
		return "'\\', which starts a zone file escape,"
	case '(':
		return "'(', which continues a zone file record,"
	case ')':
		return "')', which continues a zone file record,"
	case '$':
		return "'$', which starts a zone file directive,"
	case '@':
		return "'@', which stands for the zone file origin,"
	}
	return ""
}

// checkName checks name against the rules r; see CheckName.
func checkName(name string, r nameRules) error {
	switch name {
	case "":
		return fmt.Errorf("%s is empty", r.what)
	case ".":
		return fmt.Errorf("%s %q is the root; want a name below it", r.what, name)
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s %q: %s", r.what, name, fmt.Sprintf(format, args...))
	}
	start, allDigits, labels, digitLabels := 0, true, 0, 0
	for i := 0; i <= len(name); i++ {
		if i == len(name) || name[i] == '.' {
			label := name[start:i]
			switch {
			case label == "" && i == len(name):
				// The trailing dot of an absolute name.
			case label == "":
				return fail("empty label at offset %d", start)
			case len(label) > 63:
				return fail("label %q at offset %d is %d octets long; the limit is 63 (RFC 1035 §2.3.4)", label, start, len(label))
			case r.hyphens && (label[0] == '-' || label[len(label)-1] == '-'):
				return fail("label %q at offset %d starts or ends with '-' (RFC 952; RFC 1123 §2.1)", label, start)
			}
			if label != "" {
				labels++
				if allDigits {
					digitLabels++
				}
			}
			start, allDigits = i+1, true
			continue
		}
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-':
			allDigits = false
		case c >= '0' && c <= '9':
		case c == '_' && (r.underscore == anywhere || r.underscore == labelStart && i == start):
			allDigits = false
		case c == '_' && r.underscore == labelStart:
			return fail("'_' at offset %d is allowed only at the start of a label, as in _dmarc (RFC 8552 §2)", i)
		case c == '*' && r.wildcard && i == 0 && (len(name) == 1 || name[1] == '.'):
			allDigits = false
		case c == '*' && r.wildcard:
			return fail("'*' at offset %d is allowed only as the whole first label, as in *.example.com. (RFC 4592 §2.1.1)", i)
		case c >= utf8.RuneSelf:
			if r, _ := utf8.DecodeRuneInString(name[i:]); r != utf8.RuneError {
				return fail("character %q at offset %d is not ASCII; write internationalized labels in their xn-- form (RFC 5891 §4.4)", r, i)
			}
			return fail("octet 0x%02x at offset %d is not ASCII; write internationalized labels in their xn-- form (RFC 5891 §4.4)", c, i)
		case c < 0x20 || c == 0x7f:
			return fail("control character 0x%02x at offset %d is not allowed", c, i)
		case zoneSpecial(c) != "":
			return fail("%s at offset %d is not allowed in a name", zoneSpecial(c), i)
		default:
			return fail("character %q at offset %d is not allowed; %s", rune(c), i, r.allowed())
		}
	}
	wire := len(name) + 1 // a length octet per label and the root's
	if !strings.HasSuffix(name, ".") {
		wire++
	}
	if wire > 255 {
		return fail("the name is %d octets long in wire form; the limit is 255 (RFC 1035 §2.3.4)", wire)
	}
	if r.numericTop {
		trimmed := strings.TrimSuffix(name, ".")
		last := trimmed[strings.LastIndexByte(trimmed, '.')+1:]
		if len(trimmed) < len(name) && isDigits(last) || digitLabels == labels {
			return fail("the last label %q is all digits, so the name reads like an address (RFC 1123 §2.1)", last)
		}
	}
	return nil
}

// allowed says which characters r accepts in a label.
func (r nameRules) allowed() string {
	switch r.underscore {
	case anywhere:
		return "use letters, digits, '-' and '_'"
	case labelStart:
		return "use letters, digits and '-', and '_' only to start a label"
	}
	return "use letters, digits and '-' (RFC 952; RFC 1123 §2.1)"
}

// isDigits reports whether s is a non-empty run of decimal digits.
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
