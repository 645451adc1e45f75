package plan

import (
	"net/netip"

	"github.com/ip6plan/ip6plan/plan/ip6"
)

// StableIID returns the interface ID that SchemeStable gives h in the /64
// p of a plan with this domain and secret: an opaque ID (RFC 7217) hashed
// from p, the host's fully qualified name ([Host.FQDN]) and the secret,
// with a DAD counter of 0. A name with or without its final dot in a plan
// without a domain is the same name, and gets the same ID.
func (h *Host) StableIID(p netip.Prefix, domain, secret string) uint64 {
	return ip6.StableIID(p, h.FQDN(domain), []byte(secret), 0)
}
