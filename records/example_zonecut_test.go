package records_test

import (
	"fmt"
	"net/netip"

	"github.com/ip6plan/ip6plan/plan/ip6"

	"github.com/ip6plan/ip6plan/records"
)

// A /48 is one zone; a /50 or a /62 is not on a nibble boundary, so it
// takes four zones one nibble further down, never one rounded zone.
func ExampleReverseZones() {
	for _, s := range []string{"2001:db8:d6::/48", "2001:db8:d6::/50", "2001:db8:d6:ab00::/62"} {
		zones, err := records.ReverseZones(ip6.MustParsePrefix(s))
		if err != nil {
			panic(err)
		}
		fmt.Println(s)
		for _, z := range zones {
			fmt.Printf("  %-22s %s\n", z.Prefix, z.Name())
		}
	}
	// Output:
	// 2001:db8:d6::/48
	//   2001:db8:d6::/48       6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa.
	// 2001:db8:d6::/50
	//   2001:db8:d6::/52       0.6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa.
	//   2001:db8:d6:1000::/52  1.6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa.
	//   2001:db8:d6:2000::/52  2.6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa.
	//   2001:db8:d6:3000::/52  3.6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa.
	// 2001:db8:d6:ab00::/62
	//   2001:db8:d6:ab00::/64  0.0.b.a.6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa.
	//   2001:db8:d6:ab01::/64  1.0.b.a.6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa.
	//   2001:db8:d6:ab02::/64  2.0.b.a.6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa.
	//   2001:db8:d6:ab03::/64  3.0.b.a.6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa.
}

func ExampleZoneName() {
	for _, s := range []string{"2001:db8:d6::/48", "2001:db8:d6::/50"} {
		name, err := records.ZoneName(ip6.MustParsePrefix(s))
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(name)
	}
	// Output:
	// 6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa.
	// error: 2001:db8:d6::/50 does not end on a nibble boundary, so it is not one ip6.arpa zone (RFC 3596 §2.5); use its 4 /52 zones, 2001:db8:d6::/52 through 2001:db8:d6:3000::/52
}

// The PTR record of 2001:db8:d6:25::25 in the zone file of
// 2001:db8:d6::/48, whose $ORIGIN is the zone name.
func ExampleRelativeOwner() {
	zone := records.ReverseZone{Prefix: ip6.MustParsePrefix("2001:db8:d6::/48")}
	a := netip.MustParseAddr("2001:db8:d6:25::25")
	fmt.Printf("$ORIGIN %s\n", zone.Name())
	fmt.Printf("%s IN PTR mail.example.com.\n", records.RelativeOwner(zone, a))
	// Output:
	// $ORIGIN 6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa.
	// 5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.5.2.0.0 IN PTR mail.example.com.
}

func ExampleZoneFor() {
	zones := []records.ReverseZone{
		{Prefix: ip6.MustParsePrefix("2001:db8:d6::/48")},
		{Prefix: ip6.MustParsePrefix("2001:db8:d6:ab00::/56")}, // delegated
	}
	for _, s := range []string{"2001:db8:d6:25::25", "2001:db8:d6:ab25::25", "2001:db8:d7::25"} {
		z, ok := records.ZoneFor(zones, netip.MustParseAddr(s))
		fmt.Println(s, z, ok)
	}
	// Output:
	// 2001:db8:d6:25::25 6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa. true
	// 2001:db8:d6:ab25::25 b.a.6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa. true
	// 2001:db8:d7::25 invalid ReverseZone false
}

func ExampleDNSBLName() {
	for _, s := range []string{"2001:db8:1:2:3:4:567:89ab", "192.0.2.99"} {
		name, err := records.DNSBLName(netip.MustParseAddr(s), "zen.spamhaus.org")
		if err != nil {
			panic(err)
		}
		fmt.Println(name)
	}
	// Output:
	// b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org.
	// 99.2.0.192.zen.spamhaus.org.
}

// A 300-octet SPF record does not fit in one character-string: QuoteTXT
// writes two, which receivers join without a space (RFC 7208 §3.3).
func ExampleQuoteTXT() {
	spf := "v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/24 ip4:203.0.113.0/24" +
		" ip6:2001:db8:d6::/48 ip6:2001:db8:d7:100::/56 ip6:2001:db8:d7:200::/56" +
		" ip6:2001:db8:d8:25::25 ip6:2001:db8:d8:25::26 ip6:2001:db8:d8:25::27" +
		" include:_spf.mail-provider.example include:_spf.newsletters.example" +
		" include:_spf.crm.example -all"
	fmt.Println(len(spf), "octets")
	fmt.Println("example.com. 3600 IN TXT " + records.QuoteTXT(spf))
	// Output:
	// 300 octets
	// example.com. 3600 IN TXT "v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/24 ip4:203.0.113.0/24 ip6:2001:db8:d6::/48 ip6:2001:db8:d7:100::/56 ip6:2001:db8:d7:200::/56 ip6:2001:db8:d8:25::25 ip6:2001:db8:d8:25::26 ip6:2001:db8:d8:25::27 include:_spf.mail-provider.example include:_spf.news" "letters.example include:_spf.crm.example -all"
}

func ExampleCheckHostname() {
	fmt.Println(records.CheckHostname("mail.example.com."))
	fmt.Println(records.CheckHostname("mail.example.com.\nevil 60 IN A 192.0.2.1"))
	fmt.Println(records.CheckOwner("_dmarc.example.com."))
	// Output:
	// <nil>
	// hostname "mail.example.com.\nevil 60 IN A 192.0.2.1": control character 0x0a at offset 17 is not allowed
	// <nil>
}
