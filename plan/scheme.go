package plan

import (
	"fmt"
	"strings"
)

// Scheme is how a host's interface ID (the low 64 bits) is chosen.
type Scheme uint8

const (
	// SchemeExplicit takes the ID or full address the plan gives.
	SchemeExplicit Scheme = iota
	// SchemeSequential numbers hosts ::1, ::2, ... in the order they are first
	// allocated, skipping IDs in use; the lock keeps each where it is.
	SchemeSequential
	// SchemeService writes the port's decimal digits as the ID: ::25 for SMTP.
	SchemeService
	// SchemeIPv4 puts the host's IPv4 address in the last 32 bits in
	// hex: ::80df:d617 for 128.223.214.23.
	SchemeIPv4
	// SchemeIPv4Decimal writes each IPv4 octet's decimal digits as a
	// group: ::128:223:214:23.
	SchemeIPv4Decimal
	// SchemeEUI64 derives the ID from the MAC (RFC 4291 Appendix A).
	SchemeEUI64
	// SchemeStable derives an opaque ID from the plan secret, the subnet and the
	// host name (RFC 7217).
	SchemeStable
	// SchemeDynamic means the host gets its address from SLAAC or DHCPv6: it is
	// not planned, so it has no AAAA or PTR and cannot send mail.
	SchemeDynamic
)

var schemeNames = [...]string{
	SchemeExplicit: "explicit", SchemeSequential: "sequential", SchemeService: "service",
	SchemeIPv4: "ipv4", SchemeIPv4Decimal: "ipv4-decimal", SchemeEUI64: "eui64",
	SchemeStable: "stable", SchemeDynamic: "dynamic",
}

// Schemes returns every scheme, in the order of their values.
func Schemes() []Scheme {
	out := make([]Scheme, len(schemeNames))
	for i := range out {
		out[i] = Scheme(i)
	}
	return out
}

// String returns the scheme's name in plan files.
func (s Scheme) String() string {
	if int(s) < len(schemeNames) {
		return schemeNames[s]
	}
	return fmt.Sprintf("Scheme(%d)", uint8(s))
}

// ParseScheme parses a scheme name as String returns it.
func ParseScheme(name string) (Scheme, error) {
	for i, n := range schemeNames {
		if n == name {
			return Scheme(i), nil
		}
	}
	return 0, fmt.Errorf("unknown scheme %q; want one of %s", name, strings.Join(schemeNames[:], ", "))
}

// MarshalText implements encoding.TextMarshaler.
func (s Scheme) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
