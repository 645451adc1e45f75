package spfzone

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/ip6plan/ip6plan/records"
	"github.com/ip6plan/ip6plan/records/spf"
)

// FuzzParse feeds zone file text to Parse, seeded from the tests: it
// must never panic nor read a file ($INCLUDE needs a file name), and
// what it accepts it accepts again with the same result for every name
// the text could hold.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		zone,
		"$TTL 300\nmx1 AAAA 2001:db8::x\n",
		"@ TXT \"v=spf1\n",
		"$INCLUDE /etc/passwd\n",
		"x 300 TXT \"y\"\n",
		"$ORIGIN 8.b.d.0.1.0.0.2.ip6.arpa.\n5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 PTR mta1.example.com.\n",
		"a CNAME b\nb CNAME a\n",
		"@ TXT \"\\\\\" \"\\0\" \"\\999\" \"\\25\" \"\\\"\n",
		"@ MX 0 .\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s1, err1 := Parse(strings.NewReader(text), "example.com.", "")
		s2, err2 := Parse(strings.NewReader(text), "example.com.", "")
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("parsed once but not twice: %v, %v", err1, err2)
		}
		if err1 != nil {
			return
		}
		ctx := context.Background()
		for _, field := range strings.Fields(text) {
			name := strings.Trim(field, `"();`)
			if !strings.HasSuffix(name, ".") {
				name += ".example.com."
			}
			t1, e1 := s1.LookupTXT(ctx, name)
			t2, e2 := s2.LookupTXT(ctx, name)
			if strings.Join(t1, "\x00") != strings.Join(t2, "\x00") || (e1 == nil) != (e2 == nil) {
				t.Fatalf("%s: %q %v, then %q %v", name, t1, e1, t2, e2)
			}
			s1.LookupA(ctx, name)
			s1.LookupAAAA(ctx, name)
			s1.LookupMX(ctx, name)
		}
		// The chain through whatever it holds must evaluate, not panic.
		c := spf.Checker{Resolver: s1}
		c.CheckHost(ctx, netip.MustParseAddr("2001:db8::1"), "example.com", "", "")
		c.CheckHost(ctx, netip.MustParseAddr("192.0.2.1"), "example.com", "", "")
	})
}

// FuzzTXTRoundTrip quotes any text as ip6plan's zone writer does
// (records.QuoteTXT), reads it back with Parse, and wants the same
// octets: the escapes the zone parser leaves are all decoded.
func FuzzTXTRoundTrip(f *testing.F) {
	for _, s := range []string{"v=spf1 -all", `a"b\c`, "\x00\x7f\xff", strings.Repeat("x", 300), "", "%{i} \\065"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		text := "@ 300 TXT " + records.QuoteTXT(s) + "\n"
		r, err := Parse(strings.NewReader(text), "example.com.", "")
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		got, err := r.LookupTXT(context.Background(), "example.com")
		if err != nil || len(got) != 1 || got[0] != s {
			t.Fatalf("%q: read back %q, %v", s, got, err)
		}
	})
}
