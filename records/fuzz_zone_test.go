package records

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// FuzzWriteReverseZone feeds arbitrary names and addresses to the
// reverse zone writer (ZoneSet.WriteBind): it either refuses them before
// writing a record, or writes a zone that miekg/dns parses to exactly the
// SOA, the NS records and one PTR from the address's ip6.arpa name to the
// host's name.
func FuzzWriteReverseZone(f *testing.F) {
	for _, seed := range []struct {
		name, ns string
		addr     []byte
	}{
		{"mta1.example.com.", "ns1.example.com.", netip.MustParseAddr("2001:db8::25").AsSlice()},
		{"mta1.example.com.\nevil 3600 IN A 1.2.3.4", "ns1.example.com.", netip.MustParseAddr("2001:db8::25").AsSlice()},
		{"a;b.example.com.", "ns1.example.com.", netip.MustParseAddr("2001:db8::1").AsSlice()},
		{"x.", "ns\".example.com.", netip.MustParseAddr("2001:db8:ffff::1").AsSlice()},
		{strings.Repeat("a.", 130), "ns1.example.com.", netip.MustParseAddr("2001:db8::2").AsSlice()},
	} {
		f.Add(seed.name, seed.ns, seed.addr, uint8(32))
	}
	f.Fuzz(func(t *testing.T, name, ns string, addr []byte, bits uint8) {
		a, ok := netip.AddrFromSlice(addr)
		if !ok || !a.Is6() {
			return
		}
		zone := ReverseZone{Prefix: netip.PrefixFrom(a, int(bits%33)*4).Masked()}
		cfg := streamCfg
		cfg.Nameservers = []string{ns}
		cfg.SOA.MName = ns
		host := Host{Name: name, Addr: a}
		var out bytes.Buffer
		zs := &ZoneSet{Config: cfg, Reverse: []ReverseZone{zone}, Hosts: []Host{host}}
		err := zs.WriteBind(&out, Reverse, true)
		if err != nil {
			if checkHost(host) == nil && cfg.Check() == nil && !a.Is4In6() {
				t.Fatalf("refused a valid host %q at %s: %v", name, a, err)
			}
			if strings.Contains(out.String(), "PTR") {
				t.Fatalf("wrote a PTR before refusing: %q", out.String())
			}
			return
		}
		zp := dns.NewZoneParser(bytes.NewReader(out.Bytes()), "", "")
		ptrs := 0
		for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
			switch rr := rr.(type) {
			case *dns.PTR:
				ptrs++
				want, _ := PTRName(a)
				if !strings.EqualFold(rr.Hdr.Name, want) || !strings.EqualFold(rr.Ptr, name) {
					t.Fatalf("PTR %s -> %s, want %s -> %s", rr.Hdr.Name, rr.Ptr, want, name)
				}
			case *dns.SOA, *dns.NS:
			default:
				t.Fatalf("unexpected record %s in\n%s", rr, out.String())
			}
		}
		if err := zp.Err(); err != nil {
			t.Fatalf("zone does not parse: %v\n%s", err, out.String())
		}
		if ptrs != 1 {
			t.Fatalf("%d PTRs, want 1:\n%s", ptrs, out.String())
		}
	})
}
