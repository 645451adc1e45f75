package ip6_test

import (
	"fmt"
	"net/netip"

	"github.com/ip6plan/ip6plan/plan/ip6"
)

func ExampleParsePrefix() {
	p, err := ip6.ParsePrefix("2001:DB8:1234:0:0:0:0:0/48")
	fmt.Println(p, err)

	_, err = ip6.ParsePrefix("2001:db8:1234:5::/48")
	fmt.Println(err)
	// Output:
	// 2001:db8:1234::/48 <nil>
	// 2001:db8:1234:5::/48 has host bits set; did you mean 2001:db8:1234::/48?
}

func ExampleChild() {
	site := ip6.MustParsePrefix("2001:db8:1234::/48")
	lan, _ := ip6.Child(site, 64, 0x25)
	fmt.Println(lan)
	n, _ := ip6.ChildIndex(site, lan)
	fmt.Println(n)
	// Output:
	// 2001:db8:1234:25::/64
	// 37
}

func ExampleChildren() {
	site := ip6.MustParsePrefix("2001:db8:1234::/48")
	i := 0
	for p := range ip6.Children(site, 56) {
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
	site := ip6.MustParsePrefix("2001:db8:1234::/48")
	fmt.Println("/64s:", ip6.FormatCount(ip6.ChildCount(site, 64)))
	fmt.Println("addresses:", ip6.FormatCount(ip6.AddrCount(site)))
	fmt.Println("last:", ip6.LastAddr(site))
	// Output:
	// /64s: 65,536
	// addresses: 1,208,925,819,614,629,174,706,176
	// last: 2001:db8:1234:ffff:ffff:ffff:ffff:ffff
}

func ExampleNibbleAdvice() {
	site := ip6.MustParsePrefix("2001:db8:1234::/48")
	a, _ := ip6.NibbleAdvice(site, 20)
	fmt.Println(a.Exact, a.Nibble)
	fmt.Println(a)
	// Output:
	// 53 56
	// 20 children of a /48 need /53; use /56, the next nibble boundary (256 children), so prefixes and reverse zones stay readable
}

func ExampleClassOf() {
	for _, s := range []string{"2001:db8:1234::/48", "fd00:1:2::/48", "2a01:4f8::/32", "2000::/3"} {
		p := ip6.MustParsePrefix(s)
		c := ip6.ClassOf(p)
		fmt.Printf("%s: %s (%s) public=%t\n", p, c, c.RFC(), c.Public())
	}
	fmt.Println("fe80::1:", ip6.AddrClass(netip.MustParseAddr("fe80::1")))
	for _, r := range ip6.SpecialOverlaps(ip6.MustParsePrefix("2000::/3"))[:2] {
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
