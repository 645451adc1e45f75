package spfzone_test

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/ip6plan/ip6plan/records/spf"
	"github.com/ip6plan/ip6plan/records/spf/spfzone"
)

func ExampleParse() {
	const zone = `$TTL 3600
@	SOA	ns1 hostmaster 1 3600 600 86400 300
@	MX	10 mx1
@	TXT	"v=spf1 mx include:_spf1.example.com -all"
_spf1	TXT	"v=spf1 ip6:2001:db8:d6:25::/64"
mx1	AAAA	2001:db8:d6:1::25
`
	dns, err := spfzone.Parse(strings.NewReader(zone), "example.com.", "example.com.db")
	if err != nil {
		fmt.Println(err)
		return
	}
	c := spf.Checker{Resolver: dns}
	for _, ip := range []string{"2001:db8:d6:25::25", "2001:db8:d6:1::25", "2001:db8:d6:2::25"} {
		res, _, _ := c.CheckHost(context.Background(), netip.MustParseAddr(ip), "example.com", "bounce@example.com", "")
		fmt.Println(ip, res)
	}
	// Output:
	// 2001:db8:d6:25::25 pass
	// 2001:db8:d6:1::25 pass
	// 2001:db8:d6:2::25 fail
}
