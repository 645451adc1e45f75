package records

import "github.com/ip6plan/ip6plan/plan"

// Domain names written into zone files pass one of these checks first.
// They are rule sets of plan.NameRules, the one scanner of names, which
// says why a name could break a zone file line (RFC 1035 §5.1).
var (
	ownerRules   = plan.NameRules{What: "owner name", LabelUnderscore: true, Wildcard: true, Hyphens: true}
	anyNameRules = plan.NameRules{What: "name", Underscore: true, Wildcard: true}
	dnsblRules   = plan.NameRules{What: "DNSBL zone", LabelUnderscore: true, Hyphens: true}
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
func CheckName(name string) error { return anyNameRules.Check(name) }

// CheckHostname reports why name is not a hostname that can be an A, AAAA
// or PTR target or owner. It is [plan.CheckHostname], which plan files
// are checked with too: [CheckName]'s rules, with labels of letters,
// digits and inner hyphens only (RFC 952; RFC 1123 §2.1) and, in an
// absolute name, a top-level label that is not all digits (RFC 1123 §2.1;
// RFC 3696 §2).
func CheckHostname(name string) error { return plan.CheckHostname(name) }

// CheckOwner reports why name cannot own a TXT record such as SPF or DMARC
// data: the rules of [CheckHostname] without the top-level label rule, but
// a label may start with '_', as in _dmarc or _mta-sts (RFC 8552 §2), and
// the whole first label may be "*" (RFC 4592 §2.1.1).
func CheckOwner(name string) error { return ownerRules.Check(name) }

// isDigits reports whether s is a non-empty run of decimal digits.
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
