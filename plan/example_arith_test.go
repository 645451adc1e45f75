package plan_test

import (
	"fmt"
	"net/netip"

	"github.com/ip6plan/ip6plan/plan"
)

func ExampleParsePrefix() {
	p, err := plan.ParsePrefix("2001:DB8:1234:0:0:0:0:0/48")
	fmt.Println(p, err)

	_, err = plan.ParsePrefix("2001:db8:1234:5::/48")
	fmt.Println(err)
	// Output:
	// 2001:db8:1234::/48 <nil>
	// 2001:db8:1234:5::/48 has host bits set; did you mean 2001:db8:1234::/48?
}

func ExampleChild() {
	site := plan.MustParsePrefix("2001:db8:1234::/48")
	lan, _ := plan.Child(site, 64, 0x25)
	fmt.Println(lan)
	n, _ := plan.ChildIndex(site, lan)
	fmt.Println(n)
	// Output:
	// 2001:db8:1234:25::/64
	// 37
}

func ExampleChildren() {
	site := plan.MustParsePrefix("2001:db8:1234::/48")
	i := 0
	for p := range plan.Children(site, 56) {
		fmt.Println(p)
		if i++; i == 3 {
			break
		}
	}
	// Output:
	// 2001:db8:1234::/56
	// 2001:db8:1234:100::/56
	// 2001:db8:1234:200::/56
}

func ExampleChildCount() {
	site := plan.MustParsePrefix("2001:db8:1234::/48")
	fmt.Println("/64s:", plan.FormatCount(plan.ChildCount(site, 64)))
	fmt.Println("addresses:", plan.FormatCount(plan.AddrCount(site)))
	fmt.Println("last:", plan.LastAddr(site))
	// Output:
	// /64s: 65,536
	// addresses: 1,208,925,819,614,629,174,706,176
	// last: 2001:db8:1234:ffff:ffff:ffff:ffff:ffff
}

func ExampleNibbleAdvice() {
	site := plan.MustParsePrefix("2001:db8:1234::/48")
	a, _ := plan.NibbleAdvice(site, 20)
	fmt.Println(a.Exact, a.Nibble)
	fmt.Println(a)
	// Output:
	// 53 56
	// 20 children of a /48 need /53; use /56, the next nibble boundary (256 children), so prefixes and reverse zones stay readable
}

func ExampleClassOf() {
	for _, s := range []string{"2001:db8:1234::/48", "fd00:1:2::/48", "2a01:4f8::/32", "2000::/3"} {
		p := plan.MustParsePrefix(s)
		c := plan.ClassOf(p)
		fmt.Printf("%s: %s (%s) public=%t\n", p, c, c.RFC(), c.Public())
	}
	fmt.Println("fe80::1:", plan.AddrClass(netip.MustParseAddr("fe80::1")))
	for _, r := range plan.SpecialOverlaps(plan.MustParsePrefix("2000::/3"))[:2] {
		fmt.Println("2000::/3 overlaps", r.Prefix, r.Class, r.RFC)
	}
	// Output:
	// 2001:db8:1234::/48: documentation (RFC 3849, RFC 9637) public=false
	// fd00:1:2::/48: ula (RFC 4193) public=false
	// 2a01:4f8::/32: global (RFC 4291 §2.5.4) public=true
	// 2000::/3: global (RFC 4291 §2.5.4) public=true
	// fe80::1: link-local
	// 2000::/3 overlaps 2001::/32 teredo RFC 4380
	// 2000::/3 overlaps 2001:2::/48 benchmarking RFC 5180
}
