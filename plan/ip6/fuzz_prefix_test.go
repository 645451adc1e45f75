package ip6

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

// FuzzParsePrefix checks that ParsePrefix never panics, that every prefix it
// accepts is a masked IPv6 prefix whose RFC 5952 form parses back to itself,
// and that it accepts exactly what netip.ParsePrefix accepts less IPv4,
// zones, surrounding white space and host bits.
func FuzzParsePrefix(f *testing.F) {
	for _, tt := range parsePrefixTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePrefix(s)
		std, stdErr := netip.ParsePrefix(s)
		if err != nil {
			var pe *PrefixError
			if !errors.As(err, &pe) || pe.Input != s || pe.Msg == "" {
				t.Fatalf("ParsePrefix(%q) error %#v is not a *PrefixError naming the input", s, err)
			}
			if stdErr == nil && std.Addr().Is6() && std.Masked() == std && strings.TrimSpace(s) == s {
				t.Fatalf("ParsePrefix(%q) = %v, but netip accepts it as %v", s, err, std)
			}
			return
		}
		if !p.Addr().Is6() || p.Addr().Zone() != "" || p.Masked() != p {
			t.Fatalf("ParsePrefix(%q) = %v, not a masked IPv6 prefix", s, p)
		}
		if stdErr != nil || std != p {
			t.Fatalf("ParsePrefix(%q) = %v; netip says %v, %v", s, p, std, stdErr)
		}
		q, err := ParsePrefix(p.String())
		if err != nil || q != p {
			t.Fatalf("ParsePrefix(%q) = %v, %v; want %v", p.String(), q, err, p)
		}
	})
}
