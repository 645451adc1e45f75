package records_test

import (
	"fmt"
	"os"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/records"
	"github.com/ip6plan/ip6plan/records/spf"
)

// The forward records of a plan as a postmaster publishes them: AAAA, the
// MX records by preference, the domain's SPF record and each HELO name's.
// The host named outside the domain is left out, with a warning.
func ExampleZonesOf() {
	p, err := plan.ParseFile("plan.yaml", []byte(`prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: mail
    size: 64
    purpose: mail
    id: "25"
    hosts:
      - {name: mx2, address: "::26", roles: [mx], preference: 20}
      - {name: mta1, address: "::25", roles: [outbound, mx]}
      - {name: gw.other.example.org., address: "::99"}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	a, err := plan.Allocate(p, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	zs, err := records.ZonesOf(a, 2026120700, spf.TXTRecords, records.ZoneOptions{OutOfZone: records.LeaveOut})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := zs.WriteBind(os.Stdout, records.Forward, false); err != nil {
		fmt.Println(err)
	}
	for _, w := range zs.Warnings {
		fmt.Println("warning:", w)
	}
	// Output:
	// example.com.	3600	IN	MX	10 mta1.example.com.
	// example.com.	3600	IN	MX	20 mx2.example.com.
	// example.com.	3600	IN	TXT	"v=spf1 ip6:2001:db8:d6:25::/64 -all"
	// mta1.example.com.	3600	IN	AAAA	2001:db8:d6:25::25
	// mta1.example.com.	3600	IN	TXT	"v=spf1 ip6:2001:db8:d6:25::25 -all"
	// mx2.example.com.	3600	IN	AAAA	2001:db8:d6:25::26
	// ; left out: gw.other.example.org., which is outside example.com.
	// warning: left out the records of gw.other.example.org.: outside example.com, so not in its zone; publish them in the zone that holds each name, or the PTRs that point there fail forward-confirmed reverse DNS
}
