package spf_test

import (
	"fmt"
	"log"
	"net/netip"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/records/spf"
)

// Build lists each mail stream's /64 and the senders' IPv4 addresses,
// then the includes and the policy.
func ExampleBuild() {
	p, err := plan.ParseFile("plan.yaml", []byte(`prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: transactional
    size: 64
    purpose: mail
    id: "25"
    hosts:
      - {name: mta1, address: "::25", roles: [outbound]}
      - {name: mta2, scheme: ipv4, ipv4: 192.0.2.26, roles: [outbound]}
  - name: servers
    size: 64
    hosts:
      - {name: www, address: "::80"}
spf:
  include: [_spf.esp.example.net]
  policy: ~all
`))
	if err != nil {
		log.Fatal(err)
	}
	a, err := plan.Allocate(p, nil)
	if err != nil {
		log.Fatal(err)
	}
	r, err := spf.Build(a)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r)
	fmt.Println("example.com. TXT", spf.TXT(r))
	// Output:
	// v=spf1 ip6:2001:db8:d6:25::/64 ip4:192.0.2.26 include:_spf.esp.example.net ~all
	// example.com. TXT "v=spf1 ip6:2001:db8:d6:25::/64 ip4:192.0.2.26 include:_spf.esp.example.net ~all"
}

// Merge adds a stream's /64 to a record already published: the /128 it
// covers gives way to it, everything else stays where it was.
func ExampleMerge() {
	old, err := spf.Parse("v=spf1 ip6:2001:db8:d6:25::25 include:_spf.google.com mx ~all")
	if err != nil {
		log.Fatal(err)
	}
	r, changes := spf.Merge(old, []netip.Prefix{
		netip.MustParsePrefix("2001:db8:d6:25::/64"),
		netip.MustParsePrefix("192.0.2.26/32"),
	}, []string{"_spf.google.com"})
	fmt.Println(r)
	for _, c := range changes {
		fmt.Println(c)
	}
	// Output:
	// v=spf1 ip6:2001:db8:d6:25::/64 include:_spf.google.com mx ip4:192.0.2.26 ~all
	// + ip6:2001:db8:d6:25::/64
	// - ip6:2001:db8:d6:25::25 (covered by ip6:2001:db8:d6:25::/64)
	// + ip4:192.0.2.26
}

func ExampleLint() {
	for _, f := range spf.Lint("v=spf1 ip6:2001:db8:d6:25::1/64 ptr ip6:::ffff:192.0.2.26 +all ip4:192.0.2.0/24") {
		fmt.Println(f)
	}
	// Output:
	// warning at offset 7 (ip6:2001:db8:d6:25::1/64): ip6:2001:db8:d6:25::1/64 has host bits set; receivers compare only the first 64 bits, so it means ip6:2001:db8:d6:25::/64: write that (RFC 7208 §5.6)
	// warning at offset 32 (ptr): ptr SHOULD NOT be used: it is slow and unreliable, and receivers may skip it; list the addresses with ip4: and ip6: instead (RFC 7208 §5.5)
	// error at offset 36 (ip6:::ffff:192.0.2.26): ip6:::ffff:192.0.2.26 is IPv4-mapped and never matches: receivers check IPv4 senders against ip4: terms only; write ip4:192.0.2.26 (RFC 7208 §5.6)
	// error at offset 58 (+all): +all authorizes every address on the Internet to send mail as this domain; end the record with -all or ~all (RFC 7208 §5.1)
	// warning at offset 63 (ip4:192.0.2.0/24): ip4:192.0.2.0/24 comes after +all and is never evaluated; move it before +all or remove it (RFC 7208 §5.1)
}
