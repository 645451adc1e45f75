package spf

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ip6plan/ip6plan/plan/plantest"
)

// messyRecord has a finding from every check of Lint: a non-ASCII octet,
// a term that does not parse, ptr, a repeated redirect= and exp=, an
// unknown modifier, IPv4-mapped and host-bit ranges, overlaps, ranges too
// broad alone and together, mechanisms after ?all, more than 10
// DNS-querying terms, and over 450 octets.
func messyRecord() string {
	var b strings.Builder
	b.WriteString("v=spf1 ip6:2001:db8:d6:25::/64 ip6:2001:db8:d6:25::1 ip6:2001:db8:d6::/48 ip4:192.0.2.1/24 ip6:::ffff:192.0.2.0/120")
	b.WriteString(" ip4:10.0.0.0/9 ip4:10.128.0.0/9 ip4:11.0.0.0/9 ip6:2000::/16 a/4 mx:example.com/8 ptr include:exämple.com include:%{i")
	for i := range 11 {
		fmt.Fprintf(&b, " include:_spf%d.example.net", i)
	}
	b.WriteString(" exp=a.example.com exp=b.example.com redirect=c.example.com redirect=d.example.com vendor=x ?all ip4:198.51.100.0/24 a")
	return b.String()
}

// espChain returns the records of an include chain depth names long, as
// an email service provider publishes (_spf.esp.example.net includes
// _spf1.esp.example.net, and so on), each with an IPv4 and an IPv6
// range.
func espChain(depth int) []string {
	var out []string
	for i := range depth {
		name := "_spf.esp.example.net"
		if i > 0 {
			name = fmt.Sprintf("_spf%d.esp.example.net", i)
		}
		rec := fmt.Sprintf("v=spf1 ip4:198.51.%d.0/24 ip6:2001:db8:e%d::/48", 100+i, i)
		if i < depth-1 {
			rec += fmt.Sprintf(" include:_spf%d.esp.example.net", i+1)
		}
		out = append(out, name+"="+rec+" ~all")
	}
	return out
}

// BenchmarkLint times the static checks on the example plan's record and
// on a record that sets off every check, and LintDomain over the split
// chain of a plan with 40 senders whose top record also includes an
// email service provider's include chain as deep as the lookup limit
// lets it be, all from a StaticResolver.
func BenchmarkLint(b *testing.B) {
	example, err := Build(plantest.Example(b))
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, txt string }{
		{"example", example.String()},
		{"messy", messyRecord()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			if len(Lint(bc.txt)) == 0 && bc.name == "messy" {
				b.Fatal("the messy record has no findings")
			}
			b.ReportAllocs()
			for b.Loop() {
				Lint(bc.txt)
			}
		})
	}
	b.Run("chain", func(b *testing.B) {
		chain, err := BuildChain(plantest.Alloc(b, fortySenders()))
		if err != nil {
			b.Fatal(err)
		}
		r := chainResolver(b, chain, espChain(5)...)
		if fs := LintDomain(context.Background(), r, "example.com"); Worst(fs) == Error {
			b.Fatalf("the chain has errors: %v", fs)
		}
		b.ReportAllocs()
		for b.Loop() {
			LintDomain(context.Background(), r, "example.com")
		}
	})
}
