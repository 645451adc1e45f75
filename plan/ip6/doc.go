// Package ip6 is the IPv6 toolkit under the plan: parsing and formatting
// prefixes and addresses with errors that say what to write instead,
// arithmetic on 128-bit addresses (children of a prefix, their index and
// count), address classes from the IANA special-purpose registry (RFC 6890),
// interface IDs (sequential, service port, IPv4-derived, RFC 7217 stable,
// modified EUI-64 from a MAC) and a dense, sparse or centermost allocator of
// child prefixes.
//
// It knows nothing of plans, locks or DNS; it works on net/netip values, in
// the style of net/netip and go4.org/netipx, and does no I/O.
package ip6
