package ip6_test

import (
	"fmt"
	"log"
	"net/netip"

	"github.com/ip6plan/ip6plan/plan/ip6"
)

var subnet = netip.MustParsePrefix("2001:db8:1::/64")

func ExampleEUI64() {
	m, err := ip6.ParseMAC("10:13:72:5b:60:c3")
	if err != nil {
		log.Fatal(err)
	}
	a, err := ip6.AddrWithIID(subnet, ip6.EUI64(m))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a)
	// Output: 2001:db8:1:0:1213:72ff:fe5b:60c3
}

func ExampleIPv4Hex() {
	id, err := ip6.IPv4Hex(netip.MustParseAddr("128.223.214.23"))
	if err != nil {
		log.Fatal(err)
	}
	a, err := ip6.AddrWithIID(netip.MustParsePrefix("2001:468:d01:d6::/64"), id)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ip6.FormatIID(id), a)
	// Output: ::80df:d617 2001:468:d01:d6::80df:d617
}

func ExampleIPv4Decimal() {
	id, err := ip6.IPv4Decimal(netip.MustParseAddr("128.223.214.23"))
	if err != nil {
		log.Fatal(err)
	}
	a, err := ip6.AddrWithIID(netip.MustParsePrefix("2001:468:d01:d6::/64"), id)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ip6.FormatIID(id), a)
	// Output: ::128:223:214:23 2001:468:d01:d6:128:223:214:23
}

func ExampleService() {
	for _, port := range []uint16{25, 587, 10025} {
		id, err := ip6.Service(port)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(port, ip6.FormatIID(id))
	}
	_, err := ip6.Service(0)
	fmt.Println(err)
	// Output:
	// 25 ::25
	// 587 ::587
	// 10025 ::1:25
	// the all-zero interface ID is the Subnet-Router anycast address (RFC 4291 §2.6.1)
}

func ExampleStableIID() {
	id := ip6.StableIID(subnet, "mx1", []byte("s3cret"), 0)
	a, err := ip6.AddrWithIID(subnet, id)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ip6.FormatIID(id), a)
	// Output: ::3e3e:a9e7:1915:a2e6 2001:db8:1:0:3e3e:a9e7:1915:a2e6
}

func ExampleParseIID() {
	id, err := ip6.ParseIID("::25")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%#x\n", id)
	_, err = ip6.ParseIID("2001:db8::25")
	fmt.Println(err)
	// Output:
	// 0x25
	// interface ID "2001:db8::25" sets bits above the low 64: write a full address instead, or keep the ID within the last four groups
}

func ExampleParseMAC() {
	for _, s := range []string{"10-13-72-5B-60-C3", "1013.725b.60c3", "10:13:72:5g:60:c3"} {
		m, err := ip6.ParseMAC(s)
		fmt.Println(m, err)
	}
	// Output:
	// 10:13:72:5b:60:c3 <nil>
	// 10:13:72:5b:60:c3 <nil>
	// 00:00:00:00:00:00 "10:13:72:5g:60:c3": invalid hex digit 'g' at offset 10
}
