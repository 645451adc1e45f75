package plan

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/ip6plan/ip6plan/plan/ip6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fileErrorTests are plan files that ParseFile must refuse, each with the
// exact text of the error, one line per *Error. They also seed
// FuzzParseFile.
var fileErrorTests = []struct {
	name string
	in   string
	want string
}{
	// Unknown keys: the position is the key's.
	{
		name: "unknown key at top level",
		in: `prefix: 2001:db8:d6::/48
domian: example.com
`,
		want: `plan.yaml:2:1: unknown key "domian" in the plan; known keys: prefix, domain, ttl, nameservers, contact, allocation, secret, reserved, subnets, spf`,
	},
	{
		name: "unknown key in a subnet",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - name: lan
    size: 64
    sise: 64
`,
		want: `plan.yaml:5:5: unknown key "sise" in a subnet; known keys: name, size, purpose, id, prefix, allocation, gateway, reserved, subnets, hosts, links`,
	},
	{
		name: "unknown key in a host",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    size: 64
    hosts:
      - name: www
        adress: "::80"
`,
		want: `plan.yaml:8:9: unknown key "adress" in a host; known keys: name, aliases, scheme, address, ipv4, mac, port, roles, preference, stream`,
	},
	{
		name: "unknown key in a reserved range",
		in: `prefix: 2001:db8:d6::/48
reserved:
  - {prefix: 2001:db8:d6:ff00::/56, why: later}
`,
		want: `plan.yaml:3:37: unknown key "why" in a reserved range; known keys: prefix, note`,
	},
	{
		name: "duplicate key",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - name: lan
    size: 64
    size: 60
`,
		want: `plan.yaml:5:5: key "size" appears twice in a subnet`,
	},
	{
		name: "duplicate key at top level",
		in: `prefix: 2001:db8:d6::/48
prefix: 2001:db8:d7::/48
`,
		want: `plan.yaml:2:1: key "prefix" appears twice in the plan`,
	},

	// Wrong types: the position is the value's.
	{
		name: "size is not a number",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - name: lan
    size: abc
`,
		want: `plan.yaml:4:11: size must be a whole number, not "abc"`,
	},
	{
		name: "size is a quoted number",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - {name: lan, size: "64"}
`,
		want: `plan.yaml:3:23: size must be a whole number, not "64"`,
	},
	{
		name: "size is a list",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - {name: lan, size: [64]}
`,
		want: `plan.yaml:3:23: size must be a single value, not a list`,
	},
	{
		name: "subnets is a number",
		in: `prefix: 2001:db8:d6::/48
subnets: 5
`,
		want: `plan.yaml:2:10: subnets must be a list, not "5"`,
	},
	{
		name: "a subnet is a string",
		in: `prefix: 2001:db8:d6::/48
subnets: [lan]
`,
		want: `plan.yaml:2:11: a subnet must be a mapping of keys to values, not "lan"`,
	},
	{
		name: "hosts is a mapping",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    size: 64
    hosts:
      www: {address: "::80"}
`,
		want: `plan.yaml:7:7: hosts must be a list, not a mapping`,
	},
	{
		name: "roles is a string",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    size: 64
    hosts:
      - {name: mta1, address: "::25", roles: outbound}
`,
		want: `plan.yaml:7:46: roles must be a list, not "outbound"`,
	},
	{
		name: "the plan is a list",
		in: `- prefix: 2001:db8:d6::/48
`,
		want: `plan.yaml:1:1: the plan must be a mapping of keys to values, not a list`,
	},
	{
		name: "prefix is empty",
		in: `prefix:
`,
		want: `plan.yaml:1:8: prefix must be a single value, not empty`,
	},
	{
		name: "ttl out of range",
		in: `prefix: 2001:db8:d6::/48
ttl: -1
`,
		want: `plan.yaml:2:6: ttl -1 is out of range 0 to 2147483647`,
	},
	{
		name: "an alias is not followed",
		in: `prefix: &p 2001:db8:d6::/48
domain: *p
`,
		want: `plan.yaml:2:9: domain must be a single value, not an alias`,
	},

	// Prefixes.
	{
		name: "IPv4 prefix",
		in: `prefix: 192.0.2.0/24
`,
		want: `plan.yaml:1:9: prefix: "192.0.2.0/24" is an IPv4 prefix; ip6plan plans IPv6 prefixes`,
	},
	{
		name: "host bits set",
		in: `prefix: 2001:db8:1234:5::/48
`,
		want: `plan.yaml:1:9: prefix: 2001:db8:1234:5::/48 has host bits set; did you mean 2001:db8:1234::/48?`,
	},
	{
		name: "no prefix length",
		in: `prefix: "2001:db8:d6::"
`,
		want: `plan.yaml:1:9: prefix: "2001:db8:d6::" has no prefix length; write ADDRESS/LENGTH, e.g. 2001:db8::/48`,
	},
	{
		name: "unquoted address ending in ::",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - name: lan
    size: 64
    gateway: 2001:db8:d6::
`,
		want: `plan.yaml:5:1: mapping values are not allowed in this context; put an address that ends in "::" in quotes, e.g. "2001:db8::"`,
	},
	{
		name: "prefix too long for subnets",
		in: `prefix: 2001:db8:d6::/72
`,
		want: `plan.yaml:1:9: prefix 2001:db8:d6::/72 leaves no room for /64 subnets (RFC 7421); use a /64 or shorter`,
	},
	{
		name: "missing prefix",
		in: `# a plan without its prefix
domain: example.com
subnets: []
`,
		want: `plan.yaml:2:1: the plan has no prefix; add one, e.g. prefix: 2001:db8:d6::/48`,
	},
	{
		name: "subnet pin with host bits",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - {name: lan, size: 64, prefix: "2001:db8:d6:25::1/64"}
`,
		want: `plan.yaml:3:35: prefix: 2001:db8:d6:25::1/64 has host bits set; did you mean 2001:db8:d6:25::/64?`,
	},
	{
		name: "subnet pin of the wrong size",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - {name: lan, size: 64, prefix: "2001:db8:d6:100::/56"}
`,
		want: `plan.yaml:3:35: subnet "lan": prefix 2001:db8:d6:100::/56 is a /56 but size is /64`,
	},
	{
		name: "reserved range without a prefix",
		in: `prefix: 2001:db8:d6::/48
reserved:
  - note: kept for later
`,
		want: `plan.yaml:3:5: a reserved range has no prefix; add one, e.g. prefix: 2001:db8:d6:ff00::/56`,
	},
	{
		name: "reserved range longer than /64",
		in: `prefix: 2001:db8:d6::/48
reserved: ["2001:db8:d6:ff00::/120"]
`,
		want: `plan.yaml:2:12: reserved range 2001:db8:d6:ff00::/120 is longer than /64; ranges are kept free of subnets, which are /64 or shorter`,
	},

	// Sizes and pins.
	{
		name: "size /65",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - name: bulk
    size: 65
`,
		want: `plan.yaml:4:11: subnet "bulk": size /65 is longer than /64; every LAN is a /64 (RFC 7421), and point-to-point /127s go in links of a p2p /64`,
	},
	{
		name: "size written with a slash",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - {name: bulk, size: /127}
`,
		want: `plan.yaml:3:24: subnet "bulk": size /127 is longer than /64; every LAN is a /64 (RFC 7421), and point-to-point /127s go in links of a p2p /64`,
	},
	{
		name: "size equal to the parent",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - {name: all, size: 48}
`,
		want: `plan.yaml:3:23: subnet "all": size /48 does not fit in its /48 parent`,
	},
	{
		name: "size shorter than a nested parent",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - name: site
    size: 56
    subnets:
      - {name: big, size: 52}
`,
		want: `plan.yaml:6:27: subnet "big": size /52 does not fit in its /56 parent`,
	},
	{
		name: "no size",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - name: lan
`,
		want: `plan.yaml:3:5: subnet "lan" has no size; add one, e.g. size: 64`,
	},
	{
		name: "no size, with hosts",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    hosts: [{name: www}]
`,
		want: `plan.yaml:4:5: subnet "lan" has no size; add one, e.g. size: 64`,
	},
	{
		name: "size not a number, with hosts",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    size: big
    hosts: [{name: www}]
`,
		want: `plan.yaml:5:11: size must be a whole number, not "big"`,
	},
	{
		name: "no name",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - size: 64
`,
		want: `plan.yaml:3:5: a subnet has no name; every subnet needs one, and the lock file knows it by it`,
	},
	{
		name: "id does not fit",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - {name: site, size: 56, id: "100"}
`,
		want: `plan.yaml:3:32: subnet "site": id 100 does not fit in the 8 bits between /48 and /56 (highest is ff)`,
	},
	{
		name: "id is not hex",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - {name: lan, size: 64, id: g6}
`,
		want: `plan.yaml:3:31: id "g6" is not a hex subnet ID like d6 or 25`,
	},
	{
		name: "id and prefix",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - name: lan
    size: 64
    id: "25"
    prefix: 2001:db8:d6:25::/64
`,
		want: `plan.yaml:6:13: subnet "lan" has both an id and a prefix; pin it with one of them`,
	},
	{
		name: "hosts in a /56",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: site
    size: 56
    hosts: [{name: www}]
`,
		want: `plan.yaml:4:5: subnet "site": hosts and links need a /64 subnet (RFC 7421), not a /56; put them in a /64 subnet inside it`,
	},
	{
		name: "subnets and hosts in one block",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: site
    size: 60
    subnets: [{name: lan, size: 64}]
    hosts: [{name: www}]
`,
		want: `plan.yaml:4:5: subnet "site": hosts and links need a /64 subnet (RFC 7421), not a /60; put them in a /64 subnet inside it
plan.yaml:4:5: subnet "site" holds both subnets and hosts; hosts go in one of its subnets`,
	},
	{
		name: "reserved range in a /64",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - name: lan
    size: 64
    reserved: ["2001:db8:d6::/64"]
`,
		want: `plan.yaml:5:15: subnet "lan": reserved ranges keep subnets out of a block, and a /64 has no subnets; reserve the range in a shorter block`,
	},
	{
		name: "unknown purpose",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - {name: lan, size: 64, purpose: email}
`,
		want: `plan.yaml:3:36: unknown purpose "email"; want one of mail, servers, lan, dmz, infrastructure, management, p2p, site, reserved, other`,
	},
	{
		name: "unknown allocation",
		in: `prefix: 2001:db8:d6::/48
allocation: spread
`,
		want: `plan.yaml:2:13: unknown allocation "spread"; want dense, sparse or centermost`,
	},
	{
		name: "bad gateway",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - {name: lan, size: 64, gateway: "::g"}
`,
		want: `plan.yaml:3:36: gateway: "::g" is not an IPv6 address: each colon-separated field must have at least one digit (at "g")`,
	},

	// Names: unique, and nothing that could break a zone file line.
	{
		name: "duplicate subnet names among siblings",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - name: lan
    size: 64
  - name: lan
    size: 64
`,
		want: `plan.yaml:5:11: subnet "lan" is defined twice; the other is at plan.yaml:3:11`,
	},
	{
		name: "duplicate subnet names in a nested block",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - name: site
    size: 56
    subnets:
      - {name: lan, size: 64}
      - {name: lan, size: 64}
`,
		want: `plan.yaml:7:16: subnet "lan" is defined twice; the other is at plan.yaml:6:16`,
	},
	{
		name: "duplicate host names plan-wide",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: a
    size: 64
    hosts: [{name: www}]
  - name: b
    size: 64
    hosts: [{name: WWW}]
`,
		want: `plan.yaml:9:20: host "WWW": the name www.example.com. is used twice; the other use is at plan.yaml:6:20`,
	},
	{
		name: "duplicate host names, one as an FQDN",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: a
    size: 64
    hosts:
      - name: www
      - name: www.example.com.
`,
		want: `plan.yaml:8:15: host "www.example.com.": the name www.example.com. is used twice; the other use is at plan.yaml:7:15`,
	},
	{
		name: "subnet name with a newline",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - name: "a\nb"
    size: 64
`,
		want: `plan.yaml:3:11: name "a\nb" contains a control character`,
	},
	{
		name: "subnet name with a slash",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - {name: a/b, size: 64}
`,
		want: `plan.yaml:3:12: name "a/b": character '/' at offset 1 is not allowed; use letters, digits, '-', '_' and '.'`,
	},
	{
		name: "host name with a newline",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    size: 64
    hosts: [{name: "www\n@ IN NS evil.example."}]
`,
		want: `plan.yaml:6:20: name "www\n@ IN NS evil.example." contains a control character`,
	},
	{
		name: "host name with a space",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    size: 64
    hosts: [{name: "www IN A 192.0.2.1"}]
`,
		want: `plan.yaml:6:20: name: hostname "www IN A 192.0.2.1": space at offset 3 is not allowed in a name`,
	},
	{
		name: "host name with a semicolon",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    size: 64
    hosts: [{name: "www;x"}]
`,
		want: `plan.yaml:6:20: name: hostname "www;x": ';', which starts a zone file comment, at offset 3 is not allowed in a name`,
	},
	{
		name: "host name with a quote",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    size: 64
    hosts: [{name: 'www"x'}]
`,
		want: `plan.yaml:6:20: name: hostname "www\"x": '"', which quotes zone file text, at offset 3 is not allowed in a name`,
	},
	{
		name: "host name too long with the domain",
		in: `prefix: 2001:db8:d6::/48
domain: ` + longDomain + `
subnets:
  - name: lan
    size: 64
    hosts: [{name: ` + longLabel + `}]
`,
		want: `plan.yaml:6:20: host "` + longLabel + `": its name ` + longLabel + "." + longDomain + `. is 254 octets long; the limit is 253`,
	},
	{
		name: "domain with a space",
		in: `prefix: 2001:db8:d6::/48
domain: "example.com. IN NS"
`,
		want: `plan.yaml:2:9: domain: hostname "example.com. IN NS": space at offset 12 is not allowed in a name`,
	},
	{
		name: "nameserver with a semicolon",
		in: `prefix: 2001:db8:d6::/48
nameservers: ["ns1.example.com;"]
`,
		want: `plan.yaml:2:15: nameserver: hostname "ns1.example.com;": ';', which starts a zone file comment, at offset 15 is not allowed in a name`,
	},
	{
		// A domain is fully qualified, dot or not: its last label is the
		// top-level one, never all digits (RFC 1123 §2.1; RFC 3696 §2).
		name: "domain with an all-digit top-level label",
		in: `prefix: 2001:db8:d6::/48
domain: example.123
`,
		want: `plan.yaml:2:9: domain: hostname "example.123": the top-level label "123" is all digits, so the name reads like an address (RFC 1123 §2.1; RFC 3696 §2)`,
	},
	{
		name: "contact in an all-digit top-level domain",
		in: `prefix: 2001:db8:d6::/48
contact: hostmaster@192.0.2.1
`,
		want: `plan.yaml:2:10: contact "hostmaster@192.0.2.1" is not a mail address or domain name; write hostmaster@example.com or hostmaster.example.com.`,
	},
	{
		name: "nameserver with a single label",
		in: `prefix: 2001:db8:d6::/48
nameservers: [ns1.example.com, ns2]
`,
		want: `plan.yaml:2:32: nameserver "ns2" is a single label; write it in full, e.g. ns2.example.com.`,
	},
	{
		name: "contact with a single label",
		in: `prefix: 2001:db8:d6::/48
contact: hostmaster
`,
		want: `plan.yaml:2:10: contact "hostmaster" is a single label; write hostmaster@example.com or hostmaster.example.com.`,
	},
	{
		name: "contact local part with a space",
		in: `prefix: 2001:db8:d6::/48
contact: "host master@example.com"
`,
		want: `plan.yaml:2:10: contact "host master@example.com" is not a mail address or domain name; write hostmaster@example.com or hostmaster.example.com.`,
	},
	{
		name: "contact local part with a semicolon",
		in: `prefix: 2001:db8:d6::/48
contact: "a;b@example.com"
`,
		want: `plan.yaml:2:10: contact "a;b@example.com" is not a mail address or domain name; write hostmaster@example.com or hostmaster.example.com.`,
	},
	{
		name: "contact with an empty local part",
		in: `prefix: 2001:db8:d6::/48
contact: "@example.com"
`,
		want: `plan.yaml:2:10: contact "@example.com" is not a mail address or domain name; write hostmaster@example.com or hostmaster.example.com.`,
	},

	// Hosts and their schemes.
	{
		name: "host without a name",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    size: 64
    hosts: [{address: "::25"}]
`,
		want: `plan.yaml:6:13: a host has no name; every host needs one`,
	},
	{
		name: "unknown scheme",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    size: 64
    hosts: [{name: h, scheme: slaac}]
`,
		want: `plan.yaml:6:31: unknown scheme "slaac"; want one of explicit, sequential, service, ipv4, ipv4-decimal, eui64, stable, dynamic`,
	},
	{
		name: "scheme eui64 without mac",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    size: 64
    hosts: [{name: h, scheme: eui64}]
`,
		want: `plan.yaml:6:13: host "h" uses scheme eui64, which needs mac`,
	},
	{
		name: "scheme ipv4 without ipv4",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    size: 64
    hosts: [{name: h, scheme: ipv4-decimal}]
`,
		want: `plan.yaml:6:13: host "h" uses scheme ipv4-decimal, which needs ipv4`,
	},
	{
		name: "mac given with scheme ipv4",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    size: 64
    hosts:
      - name: h
        scheme: ipv4
        ipv4: 192.0.2.25
        mac: "10:13:72:5b:60:c3"
`,
		want: `plan.yaml:10:14: host "h": mac is only used with scheme eui64, and this host's scheme is ipv4`,
	},
	{
		name: "port given without a scheme",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    size: 64
    hosts: [{name: h, port: 25}]
`,
		want: `plan.yaml:6:29: host "h": port is only used with scheme service, and this host's scheme is sequential`,
	},
	{
		name: "address given with scheme stable",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    size: 64
    hosts: [{name: h, scheme: stable, address: "::25"}]
`,
		want: `plan.yaml:6:48: host "h": address is only used with scheme explicit, and this host's scheme is stable`,
	},
	{
		name: "bad MAC",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    size: 64
    hosts: [{name: h, scheme: eui64, mac: "10:13:72:5g:60:c3"}]
`,
		want: `plan.yaml:6:43: mac "10:13:72:5g:60:c3": invalid hex digit 'g' at offset 10`,
	},
	{
		name: "bad ipv4",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    size: 64
    hosts: [{name: h, scheme: ipv4, ipv4: 300.1.1.1}]
`,
		want: `plan.yaml:6:43: ipv4 "300.1.1.1" is not an IPv4 address like 192.0.2.25`,
	},
	{
		name: "ipv4 given as IPv6",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    size: 64
    hosts: [{name: h, scheme: ipv4, ipv4: "::ffff:192.0.2.1"}]
`,
		want: `plan.yaml:6:43: ipv4 "::ffff:192.0.2.1" is not an IPv4 address like 192.0.2.25`,
	},
	{
		name: "bad explicit address",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    size: 64
    hosts: [{name: h, address: "::25::1"}]
`,
		want: `plan.yaml:6:32: host "h": address "::25::1" is not an IPv6 address: multiple :: in address (at ":1")`,
	},
	{
		name: "port out of range",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    size: 64
    hosts: [{name: h, scheme: service, port: 70000}]
`,
		want: `plan.yaml:6:46: port 70000 is out of range 1 to 65535`,
	},
	{
		name: "port zero",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    size: 64
    hosts: [{name: h, scheme: service, port: 0}]
`,
		want: `plan.yaml:6:46: port 0 is out of range 1 to 65535`,
	},
	{
		name: "unknown role",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    size: 64
    hosts: [{name: h, roles: [mx, sender]}]
`,
		want: `plan.yaml:6:35: unknown role "sender"; want one of outbound, mx, submission, relay, ns, web, other`,
	},
	{
		name: "sending host with scheme dynamic",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    size: 64
    hosts: [{name: h, scheme: dynamic, roles: [outbound]}]
`,
		want: `plan.yaml:6:31: host "h" sends mail but has scheme dynamic; receivers require a static address with a PTR for every sending host, so give it one`,
	},
	{
		name: "host without a domain",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - name: lan
    size: 64
    hosts: [{name: www}, {name: mx.example.com.}]
`,
		want: `plan.yaml:5:20: host "www" has no domain to live under: set domain: at the top of the plan, or write the name as an FQDN ending in '.'`,
	},

	// Links.
	{
		name: "links without purpose p2p",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - name: links
    size: 64
    links: [uplink]
`,
		want: `plan.yaml:3:5: subnet "links" has links but its purpose is ""; links are /127s carved from a purpose: p2p /64 (RFC 6164)`,
	},
	{
		name: "link without a name",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - name: links
    size: 64
    purpose: p2p
    links: [{}]
`,
		want: `plan.yaml:6:13: a link has no name; every link needs one, and the lock file knows it by it`,
	},
	{
		name: "duplicate link names",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - name: links
    size: 64
    purpose: p2p
    links: [uplink, {name: uplink}]
`,
		want: `plan.yaml:6:21: link "uplink" is defined twice; the other is at plan.yaml:6:13`,
	},

	// The file as a whole.
	{
		name: "empty file",
		in:   ``,
		want: `plan.yaml:1:1: the plan is empty; it needs at least a prefix`,
	},
	{
		name: "only comments",
		in: `# nothing yet
`,
		want: `plan.yaml:1:1: the plan is empty; it needs at least a prefix`,
	},
	{
		name: "YAML syntax error: bad indentation",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - name: lan
    size: 64
   purpose: lan
`,
		want: `plan.yaml:5:1: did not find expected '-' indicator`,
	},
	{
		name: "YAML syntax error: tab",
		in:   "prefix: 2001:db8:d6::/48\nsubnets:\n\t- name: lan\n",
		want: `plan.yaml:3:1: found character that cannot start any token`,
	},
	{
		name: "YAML syntax error: unclosed list",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - {name: lan, size: 64}
nameservers: [ns1.example.com.
`,
		want: `plan.yaml:4:1: did not find expected ',' or ']'`,
	},
	{
		name: "control character",
		in:   "prefix: 2001:db8:d6::/48\ndomain: exa\x01mple.com\n",
		want: `plan.yaml:2:12: control characters are not allowed`,
	},
	{
		name: "a second document",
		in: `prefix: 2001:db8:d6::/48
---
prefix: 2001:db8:d7::/48
`,
		want: `plan.yaml:2:1: a second YAML document starts here; a plan file holds one plan`,
	},

	// JSON is YAML: errors carry line:col too.
	{
		name: "JSON: size /65",
		in: `{
  "prefix": "2001:db8:d6::/48",
  "subnets": [
    {"name": "bulk", "size": 65}
  ]
}`,
		want: `plan.yaml:4:30: subnet "bulk": size /65 is longer than /64; every LAN is a /64 (RFC 7421), and point-to-point /127s go in links of a p2p /64`,
	},
	{
		name: "JSON: unknown key",
		in: `{"prefix": "2001:db8:d6::/48",
 "subnets": [{"name": "lan", "size": 64, "hots": []}]}`,
		want: `plan.yaml:2:42: unknown key "hots" in a subnet; known keys: name, size, purpose, id, prefix, allocation, gateway, reserved, subnets, hosts, links`,
	},
	{
		name: "JSON: syntax error",
		in: `{"prefix": "2001:db8:d6::/48",
 "subnets": [
   {"name": "lan" "size": 64}
 ]}`,
		want: `plan.yaml:3:1: did not find expected ',' or '}'`,
	},
	{
		name: "JSON: escaped newline in a name",
		in: `{"prefix": "2001:db8:d6::/48", "domain": "example.com",
 "subnets": [{"name": "lan", "size": 64, "hosts": [{"name": "www\nx"}]}]}`,
		want: `plan.yaml:2:61: name "www\nx" contains a control character`,
	},
}

// A 63-octet label and a 190-octet domain: each is a valid name, but the
// host's FQDN would be 254 octets, one more than DNS allows.
var (
	longLabel  = strings.Repeat("h", 63)
	longDomain = strings.Repeat("d", 60) + "." + strings.Repeat("d", 60) + "." + strings.Repeat("d", 60) + ".example"
)

func TestParseFileErrors(t *testing.T) {
	for _, tt := range fileErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseFile("plan.yaml", []byte(tt.in))
			require.Error(t, err)
			assert.Nil(t, p)
			assert.Equal(t, tt.want, err.Error())
			// Every error is an *Error that carries the file name.
			for _, e := range flatten(err) {
				var pe *Error
				if assert.ErrorAs(t, e, &pe) {
					assert.Equal(t, "plan.yaml", pe.Pos.File)
				}
			}
		})
	}
}

// flatten returns the errors joined in err.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

func TestParseFileReportsEveryError(t *testing.T) {
	in := `prefix: 2001:db8:d6::/48
domain: example.com
ttl: soon
subnets:
  - name: mail
    size: 65
    hosts:
      - {name: mta1, scheme: eui64}
      - {name: "mta 2", address: "::25"}
  - name: mail
    size: 64
    colour: blue
`
	_, err := ParseFile("plan.yaml", []byte(in))
	require.Error(t, err)
	// In the order found: what each key says, then how the subnets fit.
	want := []string{
		`plan.yaml:3:6: ttl must be a whole number, not "soon"`,
		`plan.yaml:8:9: host "mta1" uses scheme eui64, which needs mac`,
		`plan.yaml:9:16: name: hostname "mta 2": space at offset 3 is not allowed in a name`,
		`plan.yaml:12:5: unknown key "colour" in a subnet; known keys: name, size, purpose, id, prefix, allocation, gateway, reserved, subnets, hosts, links`,
		`plan.yaml:6:11: subnet "mail": size /65 is longer than /64; every LAN is a /64 (RFC 7421), and point-to-point /127s go in links of a p2p /64`,
		`plan.yaml:5:5: subnet "mail": hosts and links need a /64 subnet (RFC 7421), not a /65; put them in a /64 subnet inside it`,
		`plan.yaml:10:11: subnet "mail" is defined twice; the other is at plan.yaml:5:11`,
	}
	assert.Len(t, flatten(err), len(want))
	assert.Equal(t, strings.Join(want, "\n"), err.Error())
}

func TestParseFileValid(t *testing.T) {
	in := `# a small plan
prefix: 2001:DB8:D6::/48
domain: example.com.
nameservers: [ns1.example.com, ns2.example.net.]
contact: hostmaster@example.com
allocation: leftmost
secret: s3cret
reserved:
  - 2001:db8:d6:ff00::/56
  - {prefix: "2001:db8:d6:fe00::/56", note: kept for a site}
subnets:
  - name: mail
    size: /64
    purpose: mail
    id: D6
    gateway: "::1"
    hosts:
      - {name: mta1, address: "::25", roles: [outbound, mx], stream: transactional}
      - {name: mta2, scheme: ipv4, ipv4: 128.223.214.23}
      - {name: bulk1, scheme: eui64, mac: 10-13-72-5B-60-C3}
      - {name: submit, scheme: service, port: 587}
      - {name: app}
      - {name: mx.example.net., scheme: stable}
      - {name: laptop, scheme: dynamic}
  - name: site-a
    size: 56
    prefix: 2001:db8:d6:100::/56
    allocation: centermost
    subnets:
      - name: links
        size: 64
        purpose: p2p
        links: [isp-a, {name: isp-b}]
`
	p, err := ParseFile("plan.yaml", []byte(in))
	require.NoError(t, err)

	assert.Equal(t, netip.MustParsePrefix("2001:db8:d6::/48"), p.Prefix)
	assert.Equal(t, "example.com", p.Domain, "the trailing dot is dropped")
	assert.Equal(t, uint32(3600), p.TTL, "default TTL")
	assert.Equal(t, []string{"ns1.example.com.", "ns2.example.net."}, p.Nameservers, "nameservers are fully qualified")
	assert.Equal(t, "hostmaster.example.com.", p.Contact, "a mail address becomes an RNAME")
	assert.Equal(t, ip6.Sparse, p.Allocation)
	assert.Equal(t, "s3cret", p.Secret)
	assert.Equal(t, Pos{File: "plan.yaml", Line: 2, Col: 1}, p.Pos)
	assert.Equal(t, []Reserved{
		{Prefix: netip.MustParsePrefix("2001:db8:d6:ff00::/56"), Pos: Pos{"plan.yaml", 9, 5}},
		{Prefix: netip.MustParsePrefix("2001:db8:d6:fe00::/56"), Note: "kept for a site", Pos: Pos{"plan.yaml", 10, 5}},
	}, p.Reserved)

	require.Len(t, p.Subnets, 2)
	mail := p.Subnets[0]
	assert.Equal(t, "mail", mail.Name)
	assert.Equal(t, 64, mail.Size)
	assert.Equal(t, PurposeMail, mail.Purpose)
	assert.Equal(t, "d6", mail.ID, "ids are lower case")
	assert.Equal(t, netip.MustParseAddr("::1"), mail.Gateway)
	assert.Equal(t, Pos{"plan.yaml", 12, 5}, mail.Pos)

	require.Len(t, mail.Hosts, 7)
	h := mail.Hosts
	assert.Equal(t, &Host{Name: "mta1", Scheme: SchemeExplicit, Address: "::25", Roles: []string{"outbound", "mx"},
		Stream: "transactional", Pos: Pos{"plan.yaml", 18, 9}}, h[0], "an address makes the scheme explicit")
	assert.Equal(t, SchemeIPv4, h[1].Scheme)
	assert.Equal(t, netip.MustParseAddr("128.223.214.23"), h[1].IPv4)
	assert.Equal(t, SchemeEUI64, h[2].Scheme)
	assert.Equal(t, ip6.MAC{0x10, 0x13, 0x72, 0x5b, 0x60, 0xc3}, h[2].MAC)
	assert.Equal(t, SchemeService, h[3].Scheme)
	assert.Equal(t, uint16(587), h[3].Port)
	assert.Equal(t, SchemeSequential, h[4].Scheme, "no scheme and no address is sequential")
	assert.Equal(t, "mx.example.net.", h[5].FQDN(p.Domain))
	assert.Equal(t, "app.example.com.", h[4].FQDN(p.Domain))
	assert.Equal(t, SchemeDynamic, h[6].Scheme)

	site := p.Subnets[1]
	assert.Equal(t, netip.MustParsePrefix("2001:db8:d6:100::/56"), site.Pin)
	assert.Equal(t, ip6.Centermost, site.Allocation)
	require.Len(t, site.Subnets, 1)
	links := site.Subnets[0].Links
	require.Len(t, links, 2)
	assert.Equal(t, "isp-a", links[0].Name)
	assert.Equal(t, "isp-b", links[1].Name)
	assert.Equal(t, Pos{"plan.yaml", 33, 17}, links[0].Pos)
}

func TestParseFileDefaults(t *testing.T) {
	p, err := ParseFile("plan.yaml", []byte("prefix: 2001:db8:d6::/48\nttl: 300\ncontact: hostmaster.example.com\n"))
	require.NoError(t, err)
	assert.Equal(t, uint32(300), p.TTL)
	assert.Equal(t, "hostmaster.example.com.", p.Contact, "an RNAME gets its trailing dot")
	assert.Equal(t, ip6.Dense, p.Allocation, "dense by default")
	assert.Empty(t, p.Subnets)

	// A dot in the local part of a mail address is escaped in the RNAME
	// (RFC 1035 §8).
	p, err = ParseFile("plan.yaml", []byte("prefix: 2001:db8:d6::/48\ncontact: dns.admin@example.com\n"))
	require.NoError(t, err)
	assert.Equal(t, `dns\.admin.example.com.`, p.Contact)
}

// TestParseFileJSON checks that a plan written in JSON reads as the same
// plan as in YAML.
func TestParseFileJSON(t *testing.T) {
	yamlIn := `prefix: 2001:db8:d6::/48
domain: example.com
nameservers: [ns1.example.com]
subnets:
  - name: mail
    size: 64
    id: "25"
    hosts:
      - {name: mta1, address: "::25", roles: [outbound]}
      - {name: mta2, scheme: ipv4, ipv4: 128.223.214.23, roles: [outbound]}
  - name: links
    size: 64
    purpose: p2p
    links: [isp]
`
	jsonIn := `{
  "prefix": "2001:db8:d6::/48",
  "domain": "example.com",
  "nameservers": ["ns1.example.com"],
  "subnets": [
    {"name": "mail", "size": 64, "id": "25", "hosts": [
      {"name": "mta1", "address": "::25", "roles": ["outbound"]},
      {"name": "mta2", "scheme": "ipv4", "ipv4": "128.223.214.23", "roles": ["outbound"]}
    ]},
    {"name": "links", "size": 64, "purpose": "p2p", "links": ["isp"]}
  ]
}`
	fromYAML, err := ParseFile("plan.yaml", []byte(yamlIn))
	require.NoError(t, err)
	fromJSON, err := ParseFile("plan.json", []byte(jsonIn))
	require.NoError(t, err)

	a, err := Allocate(fromYAML, nil)
	require.NoError(t, err)
	b, err := Allocate(fromJSON, nil)
	require.NoError(t, err)
	assert.Equal(t, string(a.Lock.Bytes()), string(b.Lock.Bytes()))
	assert.Equal(t, Pos{"plan.json", 7, 7}, fromJSON.Subnets[0].Hosts[0].Pos)
}

// TestParseFileSiblingNames checks that names need only be unique among
// siblings: the lock knows a subnet by its path.
func TestParseFileSiblingNames(t *testing.T) {
	in := `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: site-a
    size: 56
    subnets: [{name: servers, size: 64, hosts: [{name: www-a}]}]
  - name: site-b
    size: 56
    subnets: [{name: servers, size: 64, hosts: [{name: www-b}]}]
`
	p, err := ParseFile("plan.yaml", []byte(in))
	require.NoError(t, err)
	a, err := Allocate(p, nil)
	require.NoError(t, err)
	var paths []string
	for _, s := range a.Subnets {
		paths = append(paths, s.Path)
	}
	assert.Equal(t, []string{"site-a", "site-a/servers", "site-b", "site-b/servers"}, paths)
}

func TestParseFileErrorType(t *testing.T) {
	_, err := ParseFile("x.yaml", []byte("prefix: 2001:db8:d6::/48\nfoo: 1\n"))
	var pe *Error
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, Pos{File: "x.yaml", Line: 2, Col: 1}, pe.Pos)
	assert.Equal(t, `unknown key "foo" in the plan; known keys: prefix, domain, ttl, nameservers, contact, allocation, secret, reserved, subnets, spf`, pe.Msg)
}
