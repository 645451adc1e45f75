package live_test

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/ip6plan/ip6plan/records/live"
	"github.com/ip6plan/ip6plan/records/spf"
)

func ExampleSurvey_Lookup() {
	// Any MXResolver will do; dnsclient.Client asks a real server.
	r := newFake()
	r.mx["example.com."] = []spf.MXHost{{Host: "mx2.example.com.", Pref: 20}, {Host: "mx1.example.com.", Pref: 10}}
	r.a["mx1.example.com."] = []netip.Addr{netip.MustParseAddr("192.0.2.25")}
	r.aaaa["mx2.example.com."] = []netip.Addr{netip.MustParseAddr("2001:db8::25")}
	r.aaaa["example.org."] = []netip.Addr{netip.MustParseAddr("2001:db8::26")}

	s := &live.Survey{Resolver: r}
	for _, d := range []string{"example.com", "example.org", "example.net"} {
		row := s.Lookup(context.Background(), d)
		fmt.Printf("%s: status %s, IPv6 %t, implicit MX %t\n", row.Domain, row.Status, row.IPv6, row.Implicit)
		for _, ex := range row.MX {
			fmt.Printf("  %d %s %s %v\n", ex.Pref, ex.Host, ex.Status, ex.AAAA)
		}
	}
	// Output:
	// example.com: status ok, IPv6 true, implicit MX false
	//   10 mx1.example.com. NODATA []
	//   20 mx2.example.com. ok [2001:db8::25]
	// example.org: status ok, IPv6 true, implicit MX true
	//   0 example.org. ok [2001:db8::26]
	// example.net: status NXDOMAIN, IPv6 false, implicit MX false
}
