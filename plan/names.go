package plan

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"unicode/utf8"
)

// Domain names in plans and in the zone files written from them. A zone
// file is text read line by line (RFC 1035 §5.1): a name holding a newline,
// a space, ';' (a comment), '"', '(' or ')' ends the record early or starts
// another one, so a name taken from a plan file could inject records. Every
// name ip6plan reads or writes passes a NameRules check first; the checks
// accept only ASCII letters, digits, '-', '_' and '*' where each is
// allowed, and never an escape. This is the one scanner: hostnames here,
// owner names and the rest in package records.

// NameRules says which forms of a domain name a check accepts beyond the
// rules every name meets: dot-separated labels of 1 to 63 octets, at most
// 255 octets in wire form (RFC 1035 §2.3.4), made of ASCII letters, digits
// and '-'. A name ending in '.' is absolute; any other is relative to
// $ORIGIN and counted as if the origin were the root, unless Qualified says
// it is fully qualified as written.
type NameRules struct {
	What string // what the name is, for errors: "hostname", "owner name"

	Underscore      bool // accept '_' anywhere in a label
	LabelUnderscore bool // accept '_' as a label's first octet, as in _dmarc (RFC 8552 §2)
	Wildcard        bool // accept "*" as the whole first label (RFC 4592 §2.1.1)
	Hyphens         bool // refuse labels that start or end with '-' (RFC 952; RFC 1123 §2.1)

	// NumericTop refuses an all-digit top-level label: a hostname "will
	// never have the dotted-decimal form #.#.#.#, since at least the
	// highest-level component label will be alphabetic" (RFC 1123 §2.1;
	// RFC 3696 §2). It applies to an absolute name, or to any name when
	// Qualified is set; a relative name's top-level label is its origin's.
	NumericTop bool
	Qualified  bool // the name is fully qualified with or without its final dot
}

// hostnameRules are the rules of CheckHostname.
var hostnameRules = NameRules{What: "hostname", Hyphens: true, NumericTop: true}

// CheckHostname reports why name is not a hostname (RFC 952; RFC 1123
// §2.1): dot-separated labels of letters, digits and inner hyphens, each
// at most 63 octets, at most 255 octets in wire form (RFC 1035 §2.3.4). A
// trailing dot marks a fully qualified name, whose top-level label must
// not be all digits ("192.0.2.1." is refused, RFC 1123 §2.1; RFC 3696 §2).
// A name without it is relative to a domain, which gives it its top-level
// label: "host.25" and "192.0.2.1" are hostnames below example.com. Anything
// that could break a zone file line, such as whitespace, ';', quotes or
// control characters, is refused with the offset at which it appears.
func CheckHostname(name string) error { return hostnameRules.Check(name) }

// CheckFQDN is CheckHostname for a name that is fully qualified whether or
// not it ends in '.', as a plan's domain and nameservers are, and as the
// name ip6plan host --stable hashes is: its top-level label must not be
// all digits.
func CheckFQDN(name string) error {
	r := hostnameRules
	r.Qualified = true
	return r.Check(name)
}

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

// Check reports why name does not meet the rules r, naming the offset of
// the first octet or label at fault.
func (r NameRules) Check(name string) error {
	switch name {
	case "":
		return errors.New(r.What + " is empty")
	case ".":
		return errors.New(r.What + ` "." is the root; want a name below it`)
	}
	if why := r.problem(name); why != "" {
		return errors.New(r.What + " " + strconv.Quote(name) + ": " + why)
	}
	return nil
}

// problem says what is wrong with name, which is neither empty nor the
// root, or is "". (Messages are joined, not formatted: fmt's argument
// lists cost the web app more code than the rest of the scanner.)
func (r NameRules) problem(name string) string {
	start, allDigits, top := 0, true, ""
	for i := 0; i <= len(name); i++ {
		if i == len(name) || name[i] == '.' {
			label := name[start:i]
			switch {
			case label == "" && i == len(name):
				// The trailing dot of an absolute name.
			case label == "":
				return "empty label" + offset(start)
			case len(label) > 63:
				return "label " + strconv.Quote(label) + offset(start) + " is " + strconv.Itoa(len(label)) + " octets long; the limit is 63 (RFC 1035 §2.3.4)"
			case r.Hyphens && (label[0] == '-' || label[len(label)-1] == '-'):
				return "label " + strconv.Quote(label) + offset(start) + " starts or ends with '-' (RFC 952; RFC 1123 §2.1)"
			case allDigits:
				top = label
			default:
				top = ""
			}
			start, allDigits = i+1, true
			continue
		}
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-':
			allDigits = false
		case c >= '0' && c <= '9':
		case c == '_' && (r.Underscore || r.LabelUnderscore && i == start):
			allDigits = false
		case c == '_' && r.LabelUnderscore:
			return "'_'" + offset(i) + " is allowed only at the start of a label, as in _dmarc (RFC 8552 §2)"
		case c == '*' && r.Wildcard && i == 0 && (len(name) == 1 || name[1] == '.'):
			allDigits = false
		case c == '*' && r.Wildcard:
			return "'*'" + offset(i) + " is allowed only as the whole first label, as in *.example.com. (RFC 4592 §2.1.1)"
		case c >= utf8.RuneSelf:
			what := "octet " + hexOctet(c)
			if r, _ := utf8.DecodeRuneInString(name[i:]); r != utf8.RuneError {
				what = "character " + strconv.QuoteRune(r)
			}
			return what + offset(i) + " is not ASCII; write internationalized labels in their xn-- form (RFC 5891 §4.4)"
		case c < 0x20 || c == 0x7f:
			return "control character " + hexOctet(c) + offset(i) + " is not allowed"
		case zoneSpecial(c) != "":
			return zoneSpecial(c) + offset(i) + " is not allowed in a name"
		default:
			return "character " + strconv.QuoteRune(rune(c)) + offset(i) + " is not allowed; " + r.allowed()
		}
	}
	absolute := name[len(name)-1] == '.'
	wire := len(name) + 1 // a length octet per label and the root's
	if !absolute {
		wire++
	}
	if wire > 255 {
		return "the name is " + strconv.Itoa(wire) + " octets long in wire form; the limit is 255 (RFC 1035 §2.3.4)"
	}
	if r.NumericTop && top != "" && (absolute || r.Qualified) {
		return "the top-level label " + strconv.Quote(top) + " is all digits, so the name reads like an address (RFC 1123 §2.1; RFC 3696 §2)"
	}
	return ""
}

// offset is " at offset i", as the messages of problem say it.
func offset(i int) string { return " at offset " + strconv.Itoa(i) }

// hexOctet writes c as fmt's 0x%02x does.
func hexOctet(c byte) string {
	const digits = "0123456789abcdef"
	return "0x" + string([]byte{digits[c>>4], digits[c&15]})
}

// allowed says which characters r accepts in a label.
func (r NameRules) allowed() string {
	switch {
	case r.Underscore:
		return "use letters, digits, '-' and '_'"
	case r.LabelUnderscore:
		return "use letters, digits and '-', and '_' only to start a label"
	}
	return "use letters, digits and '-' (RFC 952; RFC 1123 §2.1)"
}

// parseIPv4 parses a dotted-quad IPv4 address.
func parseIPv4(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return netip.Addr{}, fmt.Errorf("ipv4 %q is not an IPv4 address like 192.0.2.25", s)
	}
	return a, nil
}
