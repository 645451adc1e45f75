package plan

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"
)

// CheckHostname reports why s is not a hostname (RFC 952, RFC 1123 §2.1):
// dot-separated labels of letters, digits and inner hyphens, each at most
// 63 octets, the whole at most 253 (255 in wire form, RFC 1035 §2.3.4). A
// single trailing dot marks a fully qualified name. Anything that could
// break a zone file line, such as whitespace, ';', quotes or control
// characters, is rejected with the offset at which it appears.
func CheckHostname(s string) error {
	name := strings.TrimSuffix(s, ".")
	switch {
	case name == "":
		return fmt.Errorf("hostname %q is empty", s)
	case len(name) > 253:
		return fmt.Errorf("hostname %q is %d octets long; the limit is 253", s, len(name))
	}
	start := 0
	for i := 0; i <= len(name); i++ {
		if i < len(name) && name[i] != '.' {
			c := name[i]
			if c >= utf8.RuneSelf {
				r, _ := utf8.DecodeRuneInString(name[i:])
				if r == utf8.RuneError {
					return fmt.Errorf("hostname %q: octet 0x%02x at offset %d is not UTF-8 text", s, c, i)
				}
				return fmt.Errorf("hostname %q: character %q at offset %d is not ASCII; write internationalized labels in their xn-- form (RFC 5891 §4.4)", s, r, i)
			}
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Errorf("hostname %q: character %q at offset %d is not allowed; use letters, digits and '-'", s, rune(c), i)
			}
			continue
		}
		label := name[start:i]
		switch {
		case label == "":
			return fmt.Errorf("hostname %q has an empty label at offset %d", s, start)
		case len(label) > 63:
			return fmt.Errorf("hostname %q: label %q is %d octets long; the limit is 63", s, label, len(label))
		case label[0] == '-' || label[len(label)-1] == '-':
			return fmt.Errorf("hostname %q: label %q starts or ends with '-'", s, label)
		}
		start = i + 1
	}
	return nil
}

// parseIPv4 parses a dotted-quad IPv4 address.
func parseIPv4(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return netip.Addr{}, fmt.Errorf("ipv4 %q is not an IPv4 address like 192.0.2.25", s)
	}
	return a, nil
}
