package plan_test

import (
	"fmt"

	"github.com/ip6plan/ip6plan/plan/ip6"

	"github.com/ip6plan/ip6plan/plan"
)

// A plan file names the prefix, the subnets and the hosts; Allocate places
// them. Pinned subnets (id) land where the pin says, the rest go into the
// free space; each host's scheme decides its interface ID.
func ExampleParseFile() {
	const planFile = `
prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: mail
    size: 64
    id: "25"
    hosts:
      - {name: mta1, address: "::25", roles: [outbound]}
      - {name: mta2, scheme: ipv4, ipv4: 128.223.214.23, roles: [outbound]}
  - name: servers
    size: 64
    hosts:
      - {name: www}
      - {name: ns1, scheme: service, port: 53}
`
	p, err := plan.ParseFile("plan.yaml", []byte(planFile))
	if err != nil {
		fmt.Println(err)
		return
	}
	a, err := plan.Allocate(p, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range a.Subnets {
		fmt.Println(s.Path, s.Prefix)
	}
	for _, h := range a.Hosts {
		fmt.Println(h.FQDN, h.Addr)
	}
	// Output:
	// mail 2001:db8:d6:25::/64
	// servers 2001:db8:d6::/64
	// mta1.example.com. 2001:db8:d6:25::25
	// mta2.example.com. 2001:db8:d6:25::80df:d617
	// www.example.com. 2001:db8:d6::1
	// ns1.example.com. 2001:db8:d6::53
}

// Errors name the file, line and column, and every problem is reported at
// once.
func ExampleParseFile_errors() {
	const planFile = `prefix: 2001:db8:d6::/48
subnets:
  - name: bulk
    size: 65
    purpos: mail
`
	_, err := plan.ParseFile("plan.yaml", []byte(planFile))
	fmt.Println(err)
	// Output:
	// plan.yaml:5:5: unknown key "purpos" in a subnet; known keys: name, size, purpose, id, prefix, allocation, gateway, reserved, subnets, hosts, links
	// plan.yaml:4:11: subnet "bulk": size /65 is longer than /64; every LAN is a /64 (RFC 7421), and point-to-point /127s go in links of a p2p /64
}

// Dense allocation packs /56s at the start of a /48, as NetBox does; sparse
// allocation (RFC 3531 §3.1, leftmost) spreads them, so that each can grow
// to a /55, a /54, ... without renumbering: the fourth group runs 0,
// 8000, 4000, c000.
func ExampleAllocator() {
	block := ip6.MustParsePrefix("2001:db8:d6::/48")
	for _, mode := range []ip6.Mode{ip6.Dense, ip6.Sparse} {
		a, err := ip6.NewAllocator(block, 64, mode)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Print(mode, ":")
		for range 4 {
			p, err := a.Next(56)
			if err != nil {
				fmt.Println(err)
				return
			}
			fmt.Print(" ", p)
		}
		fmt.Println()
	}
	// Output:
	// dense: 2001:db8:d6::/56 2001:db8:d6:100::/56 2001:db8:d6:200::/56 2001:db8:d6:300::/56
	// sparse: 2001:db8:d6::/56 2001:db8:d6:8000::/56 2001:db8:d6:4000::/56 2001:db8:d6:c000::/56
}

// A subnet removed from the plan keeps its space in the lock until it is
// released; Diff shows what an edit changes in the lock file.
func ExampleLock_Release() {
	const before = `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - {name: old, size: 64, hosts: [{name: legacy}]}
  - {name: lan, size: 64}
`
	const after = `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - {name: lan, size: 64}
  - {name: new, size: 64}
`
	allocate := func(text string, lock *plan.Lock) *plan.Allocation {
		p, err := plan.ParseFile("plan.yaml", []byte(text))
		if err != nil {
			panic(err)
		}
		a, err := plan.Allocate(p, lock)
		if err != nil {
			panic(err)
		}
		return a
	}
	first := allocate(before, nil)
	second := allocate(after, first.Lock)
	fmt.Println("held:")
	for _, e := range second.Held {
		fmt.Println(" ", e)
	}
	fmt.Println("diff:")
	for _, c := range plan.Diff(first.Lock, second.Lock) {
		fmt.Println(" ", c)
	}

	released := allocate(after, first.Lock) // a copy of second to release from
	gone, _ := released.Lock.Release("old")
	fmt.Println("released:")
	for _, e := range gone {
		fmt.Println(" ", e)
	}
	fmt.Println("diff:")
	for _, c := range plan.Diff(second.Lock, released.Lock) {
		fmt.Println(" ", c)
	}
	// Output:
	// held:
	//   subnet 2001:db8:d6::/64 old
	//   host 2001:db8:d6::1 old/legacy
	// diff:
	//   + subnet 2001:db8:d6:2::/64 new
	// released:
	//   subnet 2001:db8:d6::/64 old
	//   host 2001:db8:d6::1 old/legacy
	// diff:
	//   - subnet 2001:db8:d6::/64 old
	//   - host 2001:db8:d6::1 old/legacy
}
