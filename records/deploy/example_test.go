package deploy_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/records/deploy"
)

const examplePlan = `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: transactional
    size: 64
    purpose: mail
    id: "25"
    gateway: "::1"
    hosts: [{name: mta1, address: "::25", roles: [outbound, mx]}]
  - name: marketing
    size: 64
    purpose: mail
    id: "26"
    gateway: "::1"
    hosts: [{name: news1, address: "::25", roles: [outbound]}]
`

func allocate() *plan.Allocation {
	p, err := plan.ParseFile("plan.yaml", []byte(examplePlan))
	if err != nil {
		log.Fatal(err)
	}
	a, err := plan.Allocate(p, nil)
	if err != nil {
		log.Fatal(err)
	}
	return a
}

// One machine sends two streams: networkd gets both addresses and the
// default route via the first subnet's gateway (::1 in its /64).
func ExampleGenerate() {
	files, err := deploy.Generate(deploy.Networkd, allocate(), deploy.Options{Hosts: []string{"mta1", "news1"}, Iface: "ens3"})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range files {
		fmt.Print(f.Content)
	}
	// Output:
	// # /etc/systemd/network/10-ip6plan-ens3.network, written by ip6plan for mta1.example.com, news1.example.com.
	// # systemd-networkd applies only the first .network file, in lexical order, that
	// # matches an interface: if ens3 has one already (for IPv4), copy the [Network]
	// # lines into it, or into a drop-in beside it (FILE.network.d/ip6plan.conf),
	// # instead. Apply with "networkctl reload".
	// # news1.example.com's subnet 2001:db8:d6:26::/64 has gateway 2001:db8:d6:26::1;
	// # only one default route (via 2001:db8:d6:25::1) is set here, so that router
	// # must accept traffic from 2001:db8:d6:26::/64 too.
	// [Match]
	// Name=ens3
	//
	// [Network]
	// Address=2001:db8:d6:25::25/64
	// Address=2001:db8:d6:26::25/64
	// IPv6AcceptRA=no
	// IPv6PrivacyExtensions=no
	// Gateway=2001:db8:d6:25::1
}

// Postfix gets one smtp transport per stream, each sending from its own
// address with its PTR name as HELO.
func ExampleGenerate_postfix() {
	files, err := deploy.Generate(deploy.Postfix, allocate(), deploy.Options{Hosts: []string{"mta1", "news1"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(files[1].Content[strings.Index(files[1].Content, "\n\n")+2:])
	// Output:
	// # stream transactional, host mta1.example.com
	// transactional    unix  -       -       n       -       -       smtp
	//   -o smtp_bind_address6=2001:db8:d6:25::25
	//   -o smtp_helo_name=mta1.example.com
	//   -o syslog_name=postfix/transactional
	//
	// # stream marketing, host news1.example.com
	// marketing        unix  -       -       n       -       -       smtp
	//   -o smtp_bind_address6=2001:db8:d6:26::25
	//   -o smtp_helo_name=news1.example.com
	//   -o syslog_name=postfix/marketing
}

func ExampleReadiness() {
	for _, c := range deploy.Readiness(allocate()) {
		if c.Host == "transactional/mta1" {
			fmt.Printf("%-15s %s\n", c.Item, c.Status)
		}
	}
	// Output:
	// static address  warn
	// stream /64      pass
	// PTR and FCrDNS  pass
	// HELO = PTR      pass
	// SPF             pass
	// /64 not shared  pass
}
