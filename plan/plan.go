package plan

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/ip6plan/ip6plan/plan/ip6"
)

// A Plan is what a sender asks for: a prefix, the subnets to carve out of
// it, and the hosts inside them. It is read from a plan file (ParseFile)
// or built in code; Allocate turns it into prefixes and addresses.
type Plan struct {
	Prefix      netip.Prefix
	Domain      string   // DNS domain the host names live under, without the trailing dot
	TTL         uint32   // default TTL for records, seconds
	Nameservers []string // NS for reverse zones, fully qualified
	Contact     string   // SOA RNAME, as a domain name
	Allocation  ip6.Mode // how top-level subnets are placed
	Secret      string   // key for stable (RFC 7217) interface IDs
	Reserved    []Reserved
	Subnets     []*Subnet
	SPF         SPFSettings // how to build the domain's SPF record
	Pos         Pos         // where the plan starts; Pos.File names the plan file
}

// SPFSettings say how to build the SPF record (RFC 7208) that authorizes
// the plan's senders. The zero value is the default: no includes, policy
// "-all", scope streams, no extra IPv4 networks, nothing to merge into.
type SPFSettings struct {
	Include     []string       // domains whose SPF records are included, e.g. an ESP's _spf.esp.example.net, without the trailing dot
	Policy      string         // the closing all: "-all" (fail) or "~all" (softfail); "" means "-all"
	Scope       SPFScope       // which IPv6 addresses the record lists; "" means SPFScopeStreams
	IPv4        []netip.Prefix // IPv4 networks to authorize besides the senders' own IPv4 addresses
	Existing    string         // the record already published, to merge the plan's terms into; "" for none
	ExistingPos Pos            // where Existing is written, for errors about it
	Pos         Pos            // where the spf settings start; zero when the plan has none
}

// SPFScope says which IPv6 addresses a plan's SPF record lists.
type SPFScope string

const (
	// SPFScopeStreams lists the whole /64 of each mail subnet that has
	// senders: the unit blocklists judge a stream by, and room for the
	// stream to add hosts without an SPF change.
	SPFScopeStreams SPFScope = "streams"
	// SPFScopeHosts lists each sending host's address as a /128.
	SPFScopeHosts SPFScope = "hosts"
)

// A Subnet is a block of the plan: a /64 that holds hosts or links, or a
// shorter prefix (a /56 site) that holds more subnets.
type Subnet struct {
	Name       string
	Size       int    // prefix length
	Purpose    string // what the block is for: mail, servers, p2p, ...
	ID         string // pin: the child index in hex within the parent block, e.g. "d6"
	Pin        netip.Prefix
	Allocation ip6.Mode // how this block's subnets are placed
	Gateway    netip.Addr
	Reserved   []Reserved
	Subnets    []*Subnet
	Hosts      []*Host
	Links      []*Link
	Pos        Pos
}

// Purposes a subnet may name. Mail marks a sending stream: each stream
// needs a /64 of its own, because blocklists list IPv6 by /64.
const (
	PurposeMail     = "mail"
	PurposeP2P      = "p2p"
	PurposeReserved = "reserved"
)

// purposes lists the accepted Purpose words; the empty purpose is allowed.
var purposes = []string{"mail", "servers", "lan", "dmz", "infrastructure", "management", "p2p", "site", "reserved", "other"}

// Reserved is a range the allocator must leave alone.
type Reserved struct {
	Prefix netip.Prefix
	Note   string
	Pos    Pos
}

// A Host is one static address inside a /64 subnet.
type Host struct {
	Name    string   // a label under the plan's domain, or an FQDN ending in "."; its PTR points here
	Aliases []string // more names with the same addresses (AAAA and A only, no PTR)
	Scheme  Scheme
	Address string     // explicit interface ID ("::25") or full address
	IPv4    netip.Addr // for the IPv4-embedding schemes; also the host's A record
	MAC     ip6.MAC    // for EUI-64
	Port    uint16     // for the service scheme
	Roles   []string
	// Preference is the MX preference (RFC 1035 §3.3.9; RFC 5321 §5.1)
	// of a host with role mx; nil means DefaultPreference. See
	// [Host.MXPreference].
	Preference *uint16
	Stream     string // mail stream this host sends for; defaults to its subnet's name
	Pos        Pos
}

// DefaultPreference is the MX preference of a host with role mx that
// gives none: the customary 10, which leaves room for a preferred server
// below it and backups above.
const DefaultPreference = 10

// MXPreference returns the host's MX preference: the lower, the sooner
// senders try it (RFC 5321 §5.1).
func (h *Host) MXPreference() uint16 {
	if h.Preference == nil {
		return DefaultPreference
	}
	return *h.Preference
}

// Roles a host may have. Outbound hosts send mail and are held to the
// receivers' rules: static address, PTR, FCrDNS, a /64 per stream.
const (
	RoleOutbound = "outbound"
	RoleMX       = "mx"
)

var roles = []string{"outbound", "mx", "submission", "relay", "ns", "web", "other"}

// A Link is a point-to-point link numbered with a /127 from a p2p /64
// (RFC 6164).
type Link struct {
	Name string
	Pos  Pos
}

// IsSender reports whether h sends mail.
func (h *Host) IsSender() bool {
	return slices.Contains(h.Roles, RoleOutbound) || slices.Contains(h.Roles, "relay")
}

// FQDN returns the host's fully qualified name with its trailing dot: the
// name its PTR record points to and its HELO name.
func (h *Host) FQDN(domain string) string { return fqdnOf(h.Name, domain) }

// FQDNs returns the host's name and its aliases, fully qualified.
func (h *Host) FQDNs(domain string) []string {
	out := []string{h.FQDN(domain)}
	for _, a := range h.Aliases {
		out = append(out, fqdnOf(a, domain))
	}
	return out
}

// fqdnOf qualifies name with domain unless it already ends in a dot.
func fqdnOf(name, domain string) string {
	if strings.HasSuffix(name, ".") {
		return name
	}
	if domain == "" {
		return name + "."
	}
	return name + "." + domain + "."
}

// DefaultFile is the name of a plan file when the user names none:
// ip6plan init writes it, and the web app reads and downloads its plan
// under it, so positions in its errors read plan.yaml:LINE:COL.
const DefaultFile = "plan.yaml"
