package spf_test

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/ip6plan/ip6plan/records/spf"
)

func ExampleParse() {
	r, err := spf.Parse("v=spf1 ip6:2001:db8:d6::/48 a/24//64 include:_spf.example.net -all")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range r.Terms {
		fmt.Printf("%2d %-8s %s\n", t.Offset, t.Kind, t)
	}
	// Output:
	//  7 ip6      ip6:2001:db8:d6::/48
	// 28 a        a/24//64
	// 37 include  include:_spf.example.net
	// 62 all      -all
}

func ExampleParse_error() {
	_, err := spf.Parse("v=spf1 ip6:2001:db8::/129 -all")
	fmt.Println(err)
	// Output:
	// spf: term "ip6:2001:db8::/129" at offset 7: cidr length 129 is more than 128
}

func ExampleExpand() {
	ctx := spf.MacroContext{
		Sender: "strong-bad@email.example.com",
		Domain: "email.example.com",
		IP:     netip.MustParseAddr("2001:db8::cb01"),
	}
	name, _ := spf.Expand("%{ir}.%{v}._spf.%{d2}", ctx, false)
	fmt.Println(name)
	name, _ = spf.Expand("%{lr-}.lp._spf.%{d2}", ctx, false)
	fmt.Println(name)
	text, _ := spf.Expand("%{c} is not one of %{d}'s designated mail servers.", ctx, true)
	fmt.Println(text)
	// Output:
	// 1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com
	// bad.strong.lp._spf.example.com
	// 2001:db8::cb01 is not one of email.example.com's designated mail servers.
}

func ExampleChecker_CheckRecord() {
	r, _ := spf.Parse("v=spf1 ip6:2001:db8:d6:25::/64 ip4:192.0.2.0/24 mx -all")
	var offline spf.Checker // no Resolver: no DNS
	for _, ip := range []string{"2001:db8:d6:25::25", "::ffff:192.0.2.25", "2001:db8:ffff::1"} {
		res, why, _ := offline.CheckRecord(context.Background(), r, netip.MustParseAddr(ip), "example.com", "bounce@example.com", "mail.example.com")
		fmt.Printf("%s: %s (%s)\n", ip, res, why)
	}
	// Output:
	// 2001:db8:d6:25::25: pass ("ip6:2001:db8:d6:25::/64" matched at example.com)
	// ::ffff:192.0.2.25: pass ("ip4:192.0.2.0/24" matched at example.com)
	// 2001:db8:ffff::1: temperror (example.com: "mx": needs DNS, and the checker is offline (no Resolver))
}
