package spf_test

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/ip6plan/ip6plan/records/spf"
)

func ExampleSplit() {
	var terms []string
	for i := range 24 {
		terms = append(terms, fmt.Sprintf("ip6:2001:db8:d6:%x::25", i+0x100))
	}
	r, _ := spf.Parse("v=spf1 " + strings.Join(terms, " ") + " include:_spf.esp.example.net -all")
	chain, err := spf.Split(r, "example.com")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, nr := range chain {
		fmt.Printf("%s %d terms, %.60s\n", nr.Name, len(nr.Record.Terms), nr.Record)
	}
	// Lint the records as published; the ESP's include is not among
	// them, which is worth knowing (info) but not wrong.
	fmt.Println(spf.Worst(spf.LintChain(chain)))
	// Output:
	// example.com. 4 terms, v=spf1 include:_spf1.example.com include:_spf2.example.com i
	// _spf1.example.com. 17 terms, v=spf1 ip6:2001:db8:d6:100::25 ip6:2001:db8:d6:101::25 ip6:2
	// _spf2.example.com. 7 terms, v=spf1 ip6:2001:db8:d6:111::25 ip6:2001:db8:d6:112::25 ip6:2
	// info
}

func ExampleChecker_CheckTXT() {
	// The records behind the includes, as spf check --txt NAME=RECORD
	// gives them.
	var dns spf.StaticResolver
	dns.Zones = []string{"example.com"}
	dns.AddPair("_spf1.example.com=v=spf1 ip6:2001:db8:d6:25::/64")
	c := spf.Checker{Resolver: &dns}
	for _, rec := range []string{
		"v=spf1 include:_spf1.example.com -all",
		"v=spf1 include:_spf2.example.com -all", // not published: NXDOMAIN
		"v=spf10 -all",                          // not an SPF record (RFC 7208 §4.5)
	} {
		res, why, _ := c.CheckTXT(context.Background(), []string{rec}, netip.MustParseAddr("2001:db8:d6:25::25"), "example.com", "bounce@example.com", "")
		fmt.Println(res, "-", why)
	}
	// Output:
	// pass - "include:_spf1.example.com" matched at example.com
	// permerror - example.com: "include:_spf2.example.com": no SPF record at _spf2.example.com (RFC 7208 §5.2)
	// none - no SPF record at example.com
}

func ExampleLint_broad() {
	for _, f := range spf.Lint("v=spf1 ip4:0.0.0.0/1 ip4:128.0.0.0/1 ip6:2000::/3 -all") {
		fmt.Println(f.Severity, f.Term)
	}
	// Output:
	// error ip4:0.0.0.0/1
	// error ip4:128.0.0.0/1
	// error ip6:2000::/3
}
