package spf

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sized returns a record of n octets that Lint finds nothing else in.
func sized(n int) string {
	const head, tail = "v=spf1 -all exp=", ".example.com"
	return head + strings.Repeat("x", n-len(head)-len(tail)) + tail
}

func TestLint(t *testing.T) {
	tests := []struct {
		name string
		txt  string
		want []string // Finding.String of each finding, in order
	}{
		{name: "clean", txt: "v=spf1 ip6:2001:db8:d6:25::/64 ip4:192.0.2.1 include:_spf.esp.example.net -all"},
		{name: "softfail", txt: "v=spf1 ip6:2001:db8:d6:25::/64 ~all"},
		{name: "redirect without all", txt: "v=spf1 ip6:2001:db8:d6:25::/64 redirect=_spf.example.com"},
		{name: "trailing and double spaces", txt: "v=spf1  ip6:2001:db8:d6:25::/64   -all  "},
		{name: "upper case", txt: "V=SPF1 IP6:2001:DB8:D6:25::/64 -ALL"},
		{
			name: "ptr",
			txt:  "v=spf1 ptr -all",
			want: []string{"warning at offset 7 (ptr): ptr SHOULD NOT be used: it is slow and unreliable, and receivers may skip it; list the addresses with ip4: and ip6: instead (RFC 7208 §5.5)"},
		},
		{
			name: "ptr with a domain",
			txt:  "v=spf1 ?ptr:example.com -all",
			want: []string{"warning at offset 7 (?ptr:example.com): ptr SHOULD NOT be used: it is slow and unreliable, and receivers may skip it; list the addresses with ip4: and ip6: instead (RFC 7208 §5.5)"},
		},
		{
			name: "+all",
			txt:  "v=spf1 ip6:2001:db8::/32 +all",
			want: []string{"error at offset 25 (+all): +all authorizes every address on the Internet to send mail as this domain; end the record with -all or ~all (RFC 7208 §5.1)"},
		},
		{
			name: "all without qualifier",
			txt:  "v=spf1 all",
			want: []string{"error at offset 7 (all): all authorizes every address on the Internet to send mail as this domain; end the record with -all or ~all (RFC 7208 §5.1)"},
		},
		{
			name: "?all",
			txt:  "v=spf1 ?all",
			want: []string{"warning at offset 7 (?all): ?all gives neutral: receivers treat mail from unlisted addresses as if there were no SPF record; end the record with -all or ~all (RFC 7208 §8.2)"},
		},
		{
			name: "no all and no redirect",
			txt:  "v=spf1 ip4:192.0.2.1",
			want: []string{"warning: the record has neither all nor redirect=, so unlisted senders get neutral, as with no SPF record; end it with -all or ~all (RFC 7208 §4.7)"},
		},
		{
			name: "only the version",
			txt:  "v=spf1",
			want: []string{"warning: the record has neither all nor redirect=, so unlisted senders get neutral, as with no SPF record; end it with -all or ~all (RFC 7208 §4.7)"},
		},
		{
			name: "mechanisms after all",
			txt:  "v=spf1 -all ip4:192.0.2.1 exp=explain.example.com ~all",
			want: []string{
				"warning at offset 12 (ip4:192.0.2.1): ip4:192.0.2.1 comes after -all and is never evaluated; move it before -all or remove it (RFC 7208 §5.1)",
				"warning at offset 50 (~all): ~all comes after -all and is never evaluated; move it before -all or remove it (RFC 7208 §5.1)",
			},
		},
		{
			name: "redirect with all",
			txt:  "v=spf1 redirect=_spf.example.com -all",
			want: []string{"warning at offset 7 (redirect=_spf.example.com): redirect=_spf.example.com is ignored because the record has -all (RFC 7208 §6.1)"},
		},
		{
			name: "redirect and exp twice",
			txt:  "v=spf1 redirect=a.example.com exp=c.example.com redirect=b.example.com exp=d.example.com",
			want: []string{
				"error at offset 48 (redirect=b.example.com): redirect= appears again after redirect=a.example.com at offset 7; a record may have one redirect=, and receivers return permerror (RFC 7208 §6)",
				"error at offset 71 (exp=d.example.com): exp= appears again after exp=c.example.com at offset 30; a record may have one exp=, and receivers return permerror (RFC 7208 §6)",
			},
		},
		{
			name: "unknown modifier",
			txt:  "v=spf1 -all redirekt=_spf.example.com",
			want: []string{"info at offset 12 (redirekt=_spf.example.com): redirekt= is not a modifier receivers know, so they ignore it; check its spelling (redirect=, exp=) (RFC 7208 §6)"},
		},
		{
			name: "host bits",
			txt:  "v=spf1 ip4:192.0.2.1/24 -ip6:2001:db8::1/64 -all",
			want: []string{
				"warning at offset 7 (ip4:192.0.2.1/24): ip4:192.0.2.1/24 has host bits set; receivers compare only the first 24 bits, so it means ip4:192.0.2.0/24: write that (RFC 7208 §5.6)",
				"warning at offset 24 (-ip6:2001:db8::1/64): -ip6:2001:db8::1/64 has host bits set; receivers compare only the first 64 bits, so it means -ip6:2001:db8::/64: write that (RFC 7208 §5.6)",
			},
		},
		{
			name: "IPv4-mapped",
			txt:  "v=spf1 ip6:::ffff:192.0.2.1 ip6:::FFFF:192.0.2.0/120 ip6:::ffff:0:0/96 ip6:::fffe:0:0/95 -all",
			want: []string{
				"error at offset 7 (ip6:::ffff:192.0.2.1): ip6:::ffff:192.0.2.1 is IPv4-mapped and never matches: receivers check IPv4 senders against ip4: terms only; write ip4:192.0.2.1 (RFC 7208 §5.6)",
				"error at offset 28 (ip6:::FFFF:192.0.2.0/120): ip6:::FFFF:192.0.2.0/120 is IPv4-mapped and never matches: receivers check IPv4 senders against ip4: terms only; write ip4:192.0.2.0/24 (RFC 7208 §5.6)",
				"error at offset 53 (ip6:::ffff:0:0/96): ip6:::ffff:0:0/96 is the IPv4-mapped range, which never matches: receivers check IPv4 senders against ip4: terms only; remove it (RFC 7208 §5.6)",
			},
		},
		{
			name: "every address",
			txt:  "v=spf1 ip4:0.0.0.0/0 ip6:::/0 -ip6:2001:db8::/0 -all",
			want: []string{
				"error at offset 7 (ip4:0.0.0.0/0): ip4:0.0.0.0/0 authorizes every IPv4 address on the Internet to send mail as this domain; list your own networks (RFC 7208 §5.6)",
				"error at offset 21 (ip6:::/0): ip6:::/0 authorizes every IPv6 address on the Internet to send mail as this domain; list your own networks (RFC 7208 §5.6)",
				"warning at offset 30 (-ip6:2001:db8::/0): -ip6:2001:db8::/0 has host bits set; receivers compare only the first 0 bits, so it means -ip6:::/0: write that (RFC 7208 §5.6)",
				"warning at offset 30 (-ip6:2001:db8::/0): -ip6:2001:db8::/0 is never reached: ip6:::/0 at offset 21 covers it and matches first (RFC 7208 §4.6.2)",
			},
		},
		{
			name: "the issue's record: halves of IPv4 and all of 2000::/3",
			txt:  "v=spf1 ip4:0.0.0.0/1 ip4:128.0.0.0/1 ip6:2000::/3",
			want: []string{
				"error at offset 7 (ip4:0.0.0.0/1): ip4:0.0.0.0/1: 50% of IPv4 may send mail as this domain, more than a /8 (the largest block ever allocated to one holder); list your own networks (RFC 7208 §5.6)",
				"error at offset 21 (ip4:128.0.0.0/1): ip4:128.0.0.0/1: 50% of IPv4 may send mail as this domain, more than a /8 (the largest block ever allocated to one holder); list your own networks (RFC 7208 §5.6)",
				"error at offset 37 (ip6:2000::/3): ip6:2000::/3: 100% of the global unicast 2000::/3 may send mail as this domain, more than a /19 (the largest allocation to a single ISP); list your own networks (RFC 7208 §5.6)",
				"warning: the record has neither all nor redirect=, so unlisted senders get neutral, as with no SPF record; end it with -all or ~all (RFC 7208 §4.7)",
			},
		},
		{
			name: "at the bounds: a /8 and a /19 are fine",
			txt:  "v=spf1 ip4:17.0.0.0/8 +ip6:2003::/19 a/8 mx//19 -all",
		},
		{
			name: "just past the bounds",
			txt:  "v=spf1 ip4:16.0.0.0/7 ip6:2a00::/18 -all",
			want: []string{
				"error at offset 7 (ip4:16.0.0.0/7): ip4:16.0.0.0/7: 0.781% of IPv4 may send mail as this domain, more than a /8 (the largest block ever allocated to one holder); list your own networks (RFC 7208 §5.6)",
				"error at offset 22 (ip6:2a00::/18): ip6:2a00::/18: 0.00305% of the global unicast 2000::/3 may send mail as this domain, more than a /19 (the largest allocation to a single ISP); list your own networks (RFC 7208 §5.6)",
			},
		},
		{
			name: "broad ranges that do not pass are fine",
			txt:  "v=spf1 ip4:192.0.2.0/24 -ip4:0.0.0.0/1 ~ip4:128.0.0.0/1 ?ip6:2000::/3 -a/0 ~mx//0 -all",
		},
		{
			name: "broad ranges after all are flagged too",
			txt:  "v=spf1 -all ip4:0.0.0.0/1",
			want: []string{
				"error at offset 12 (ip4:0.0.0.0/1): ip4:0.0.0.0/1: 50% of IPv4 may send mail as this domain, more than a /8 (the largest block ever allocated to one holder); list your own networks (RFC 7208 §5.6)",
				"warning at offset 12 (ip4:0.0.0.0/1): ip4:0.0.0.0/1 comes after -all and is never evaluated; move it before -all or remove it (RFC 7208 §5.1)",
			},
		},
		{
			name: "a and mx with broad cidr lengths",
			txt:  "v=spf1 a/0 +mx:example.org/7 a//18 mx/24//0 -all",
			want: []string{
				"error at offset 7 (a/0): a/0 (around each IPv4 address it finds): 100% of IPv4 may send mail as this domain, more than a /8 (the largest block ever allocated to one holder); list your own networks (RFC 7208 §5.6)",
				"error at offset 11 (+mx:example.org/7): +mx:example.org/7 (around each IPv4 address it finds): 0.781% of IPv4 may send mail as this domain, more than a /8 (the largest block ever allocated to one holder); list your own networks (RFC 7208 §5.6)",
				"error at offset 29 (a//18): a//18 (around each IPv6 address it finds): 0.00305% of the global unicast 2000::/3 may send mail as this domain, more than a /19 (the largest allocation to a single ISP); list your own networks (RFC 7208 §5.6)",
				"error at offset 35 (mx/24//0): mx/24//0 (around each IPv6 address it finds): more than 100% of the global unicast 2000::/3 may send mail as this domain, more than a /19 (the largest allocation to a single ISP); list your own networks (RFC 7208 §5.6)",
			},
		},
		{
			name: "many /9s together",
			txt:  "v=spf1 ip4:10.0.0.0/9 ip4:11.0.0.0/9 ip4:12.0.0.0/9 -all",
			want: []string{"error: the record's ip4: terms together: 0.586% of IPv4 may send mail as this domain, more than a /8 (the largest block ever allocated to one holder); list your own networks (RFC 7208 §5.6)"},
		},
		{
			name: "two /9s are one /8, and overlaps count once",
			txt:  "v=spf1 ip4:10.0.0.0/9 ip4:10.128.0.0/9 ip4:10.1.0.0/16 -all",
			want: []string{"warning at offset 39 (ip4:10.1.0.0/16): ip4:10.1.0.0/16 is redundant: ip4:10.0.0.0/9 at offset 7 covers it (RFC 7208 §4.6.2)"},
		},
		{
			name: "two /19s together",
			txt:  "v=spf1 ip6:2003::/19 ip6:2a01:c000::/19 ip6:2001:db8::/32 -all",
			want: []string{"error: the record's ip6: terms together: 0.00305% of the global unicast 2000::/3 may send mail as this domain, more than a /19 (the largest allocation to a single ISP); list your own networks (RFC 7208 §5.6)"},
		},
		{
			name: "repeated, redundant and shadowed ranges",
			txt:  "v=spf1 ip4:192.0.2.0/24 ip4:192.0.2.0/24 ip4:192.0.2.5 -ip4:192.0.2.7 -ip4:198.51.100.1 ip4:198.51.100.0/24 ip6:2001:db8::1 IP6:2001:DB8::/32 ~ip6:2001:db8::2 -all",
			want: []string{
				"warning at offset 24 (ip4:192.0.2.0/24): ip4:192.0.2.0/24 repeats ip4:192.0.2.0/24 at offset 7; remove one (RFC 7208 §4.6.2)",
				"warning at offset 41 (ip4:192.0.2.5): ip4:192.0.2.5 is redundant: ip4:192.0.2.0/24 at offset 7 covers it (RFC 7208 §4.6.2)",
				"warning at offset 55 (-ip4:192.0.2.7): -ip4:192.0.2.7 is never reached: ip4:192.0.2.0/24 at offset 7 covers it and matches first (RFC 7208 §4.6.2)",
				"warning at offset 108 (ip6:2001:db8::1): ip6:2001:db8::1 is redundant: IP6:2001:DB8::/32 at offset 124 covers it (RFC 7208 §4.6.2)",
				"warning at offset 142 (~ip6:2001:db8::2): ~ip6:2001:db8::2 is never reached: IP6:2001:DB8::/32 at offset 124 covers it and matches first (RFC 7208 §4.6.2)",
			},
		},
		{
			name: "same qualifier other than pass",
			txt:  "v=spf1 ~ip4:192.0.2.0/24 ~ip4:192.0.2.1 -ip4:198.51.100.0/24 ?ip4:198.51.100.1 -all",
			want: []string{
				"warning at offset 25 (~ip4:192.0.2.1): ~ip4:192.0.2.1 is redundant: ~ip4:192.0.2.0/24 at offset 7 covers it (RFC 7208 §4.6.2)",
				"warning at offset 61 (?ip4:198.51.100.1): ?ip4:198.51.100.1 is never reached: -ip4:198.51.100.0/24 at offset 40 covers it and matches first (RFC 7208 §4.6.2)",
			},
		},
		{
			name: "ranges after all are not compared",
			txt:  "v=spf1 ip4:192.0.2.0/24 -all ip4:192.0.2.1",
			want: []string{"warning at offset 29 (ip4:192.0.2.1): ip4:192.0.2.1 comes after -all and is never evaluated; move it before -all or remove it (RFC 7208 §5.1)"},
		},
		{
			name: "macros that do not parse",
			txt:  "v=spf1 a:%{q}.example.com include:%{i exists:%{i}._spf.example.com -all",
			want: []string{
				`error at offset 7 (a:%{q}.example.com): unknown macro letter "q" in "%{q}": the letters are s, l, o, d, i, p, h, v and, in exp text, c, r and t (RFC 7208 §7.1)`,
				`error at offset 26 (include:%{i): macro "%{i" has no closing brace (RFC 7208 §7.1)`,
			},
		},
		{
			name: "terms that do not parse",
			txt:  "v=spf1 foo ip4:300.1.1.1 ip6:2001:db8::/129 -all",
			want: []string{
				`error at offset 7 (foo): unknown mechanism "foo" (RFC 7208 §5)`,
				`error at offset 11 (ip4:300.1.1.1): "300.1.1.1" is not an IPv4 address (RFC 7208 §4.6.1)`,
				`error at offset 25 (ip6:2001:db8::/129): cidr length 129 is more than 128 (RFC 7208 §4.6.1)`,
			},
		},
		{
			name: "11 DNS-querying terms",
			txt:  "v=spf1 include:a.example.com include:b.example.com include:c.example.com include:d.example.com include:e.example.com include:f.example.com a mx exists:%{i}.x.example.com exists:y.example.com a:z.example.com -all",
			want: []string{"error at offset 191 (a:z.example.com): the record has 11 terms that query DNS (include, a, mx, ptr, exists, redirect=); receivers allow 10 in a whole evaluation and return permerror at a:z.example.com, the 11th (RFC 7208 §4.6.4)"},
		},
		{
			name: "redirect is counted last",
			txt:  "v=spf1 redirect=x.example.com a a a a a a a a a mx",
			want: []string{"error at offset 7 (redirect=x.example.com): the record has 11 terms that query DNS (include, a, mx, ptr, exists, redirect=); receivers allow 10 in a whole evaluation and return permerror at redirect=x.example.com, the 11th (RFC 7208 §4.6.4)"},
		},
		{
			name: "10 DNS-querying terms, and some after all",
			txt:  "v=spf1 a a a a a a a a a mx -all a mx redirect=x.example.com",
			want: []string{
				"warning at offset 33 (a): a comes after -all and is never evaluated; move it before -all or remove it (RFC 7208 §5.1)",
				"warning at offset 35 (mx): mx comes after -all and is never evaluated; move it before -all or remove it (RFC 7208 §5.1)",
				"warning at offset 38 (redirect=x.example.com): redirect=x.example.com is ignored because the record has -all (RFC 7208 §6.1)",
			},
		},
		{
			name: "non-ASCII",
			txt:  "v=spf1 ip4:192.0.2.1 include:exämple.com -all",
			want: []string{"error at offset 31 (include:exämple.com): character 'ä' is not ASCII; SPF records are ASCII text, and a name with other characters must be written in its A-label (xn--) form (RFC 7208 §7.1)"},
		},
		{
			name: "not an SPF record",
			txt:  "v=spf10 -all",
			want: []string{"error at offset 0 (v=spf10): the record does not start with v=spf1, so receivers do not take it for an SPF record (RFC 7208 §4.5)"},
		},
		{
			name: "empty",
			txt:  "",
			want: []string{"error: the record does not start with v=spf1, so receivers do not take it for an SPF record (RFC 7208 §4.5)"},
		},
		{name: "418 octets: 450 with the name", txt: sized(416)},
		{
			name: "419 octets: 451 with the name",
			txt:  sized(417),
			want: []string{"warning: the name and its TXT data take 451 octets, over 450: the answer may not fit a 512-octet UDP message; shorten the record (RFC 7208 §3.4)"},
		},
		{
			name: "512 with the name",
			txt:  sized(478),
			want: []string{"warning: the name and its TXT data take 512 octets, over 450: the answer may not fit a 512-octet UDP message; shorten the record (RFC 7208 §3.4)"},
		},
		{
			name: "513 with the name",
			txt:  sized(479),
			want: []string{"error: the name and its TXT data take 513 octets, over 512: the answer does not fit a 512-octet UDP message and receivers without TCP or EDNS get none; shorten the record, e.g. by aggregating ranges or moving some to an include (RFC 7208 §3.4)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range Lint(tt.txt) {
				got = append(got, f.String())
				assert.NotZero(t, f.Severity)
				assert.NotEmpty(t, f.RFC)
				assert.Empty(t, f.Domain)
				if f.Term != "" && f.Offset >= 0 && f.Offset < len(tt.txt) {
					// The offset points into the term (at it, or at the octet at fault).
					start := strings.LastIndexByte(tt.txt[:f.Offset+1], ' ') + 1
					assert.True(t, strings.HasPrefix(tt.txt[start:], f.Term), "term %q at offset %d", f.Term, f.Offset)
				}
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestLintName(t *testing.T) {
	// "example.com" takes 13 octets in wire form: 32 - 13 = 19 more for the text.
	assert.Empty(t, LintName("example.com.", sized(416+19)))
	got := LintName("example.com", sized(417+19))
	require.Len(t, got, 1)
	assert.Equal(t, "warning: the name and its TXT data take 451 octets, over 450: the answer may not fit a 512-octet UDP message; shorten the record (RFC 7208 §3.4)", got[0].String())
}

func TestFindingString(t *testing.T) {
	f := Finding{Severity: Error, Domain: "example.com", Term: "ptr", Offset: 7, Message: "m", RFC: "RFC 7208 §5.5"}
	assert.Equal(t, "example.com: error at offset 7 (ptr): m (RFC 7208 §5.5)", f.String())
	assert.Equal(t, "warning: m", Finding{Severity: Warning, Message: "m"}.String())
	assert.Equal(t, "info", Info.String())
	assert.Equal(t, "Severity(0)", Severity(0).String())
}

// FuzzLint checks that Lint never panics, that every finding has a
// severity, a message, a section and an offset inside the text, and that
// a record Parse refuses gets at least one Error finding.
func FuzzLint(f *testing.F) {
	f.Add("v=spf1 ip6:2001:db8:d6:25::/64 ip4:192.0.2.1 include:_spf.esp.example.net -all")
	f.Add("v=spf1 a:%{q}.example.com include:%{i -all")
	f.Add("v=spf1 ip6:::ffff:192.0.2.1 ip4:192.0.2.1/24 redirect=a.b redirect=c.d")
	f.Add("v=spf1 ip4:192.0.2.1 include:exämple.com -all")
	f.Fuzz(func(t *testing.T, txt string) {
		errs := 0
		for _, fd := range Lint(txt) {
			if fd.Severity < Info || fd.Severity > Error || fd.Message == "" || fd.RFC == "" {
				t.Fatalf("bad finding %+v", fd)
			}
			if fd.Offset < 0 || fd.Offset > len(txt) {
				t.Fatalf("offset %d outside the text: %s", fd.Offset, fd)
			}
			if fd.Severity == Error {
				errs++
			}
		}
		if _, err := Parse(txt); err != nil && errs == 0 {
			t.Fatalf("Parse refuses %q (%v) but Lint finds no error", txt, err)
		}
	})
}

// fakeDNS is a Resolver over canned data. Names are looked up in lower
// case without the trailing dot; a name in fail gives that error for
// every type.
type fakeDNS struct {
	txt     map[string][]string
	a, aaaa map[string][]netip.Addr
	mx      map[string][]MXHost
	fail    map[string]error
	asked   []string // every lookup, as "TYPE name"
}

func canon(name string) string { return strings.ToLower(strings.TrimSuffix(name, ".")) }

func lookup[T any](d *fakeDNS, typ string, m map[string][]T, name string) ([]T, error) {
	name = canon(name)
	d.asked = append(d.asked, typ+" "+name)
	if err := d.fail[name]; err != nil {
		return nil, err
	}
	if v, ok := m[name]; ok && len(v) > 0 {
		return v, nil
	}
	return nil, ErrNoRecords
}

func (d *fakeDNS) LookupTXT(_ context.Context, name string) ([]string, error) {
	return lookup(d, "TXT", d.txt, name)
}
func (d *fakeDNS) LookupA(_ context.Context, name string) ([]netip.Addr, error) {
	return lookup(d, "A", d.a, name)
}
func (d *fakeDNS) LookupAAAA(_ context.Context, name string) ([]netip.Addr, error) {
	return lookup(d, "AAAA", d.aaaa, name)
}
func (d *fakeDNS) LookupMX(_ context.Context, name string) ([]MXHost, error) {
	return lookup(d, "MX", d.mx, name)
}
func (d *fakeDNS) LookupPTR(_ context.Context, addr netip.Addr) ([]string, error) {
	d.asked = append(d.asked, "PTR "+addr.String())
	return nil, ErrNoRecords
}

func addrs(ss ...string) []netip.Addr {
	out := make([]netip.Addr, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParseAddr(s)
	}
	return out
}

func TestLintDomain(t *testing.T) {
	elevenMX := make([]MXHost, 11)
	for i := range elevenMX {
		elevenMX[i] = MXHost{Host: "mx" + string(rune('a'+i)) + ".example.com", Pref: 10}
	}
	tests := []struct {
		name   string
		dns    fakeDNS
		domain string
		want   []string
		// What the Checker gives an IPv6 sender that no term lists, over
		// the same DNS: the results the findings predict.
		check Result
	}{
		{
			name:  "clean, with includes, a and mx",
			check: Fail,
			dns: fakeDNS{
				txt: map[string][]string{
					"example.com":          {"google-site-verification=abc", "v=spf1 ip6:2001:db8:d6:25::/64 a mx include:_spf.esp.example.net -all"},
					"_spf.esp.example.net": {"v=spf1 ip4:198.51.100.0/24 ip6:2001:db8:e5::/48 ~all"},
				},
				a:    map[string][]netip.Addr{"example.com": addrs("192.0.2.1")},
				aaaa: map[string][]netip.Addr{"example.com": addrs("2001:db8:d6:25::80")},
				mx:   map[string][]MXHost{"example.com": {{Host: "mx.example.com", Pref: 10}}},
			},
			domain: "Example.COM.",
		},
		{
			name:   "no SPF record",
			check:  None,
			dns:    fakeDNS{txt: map[string][]string{"example.com": {"google-site-verification=abc"}}},
			domain: "example.com",
			want:   []string{"example.com: error: example.com has no SPF record; receivers get none and cannot tell its senders from forgers (RFC 7208 §4.5)"},
		},
		{
			name:   "no TXT records at all",
			check:  None,
			domain: "example.com",
			want:   []string{"example.com: error: example.com has no SPF record; receivers get none and cannot tell its senders from forgers (RFC 7208 §4.5)"},
		},
		{
			name:   "two SPF records",
			check:  Permerror,
			dns:    fakeDNS{txt: map[string][]string{"example.com": {"v=spf1 -all", "V=SPF1 ip4:192.0.2.1 -all"}}},
			domain: "example.com",
			want:   []string{"example.com: error: example.com has 2 SPF records; receivers return permerror: merge them into one (RFC 7208 §3.2)"},
		},
		{
			name:   "lookup failure",
			check:  Temperror,
			dns:    fakeDNS{fail: map[string]error{"example.com": errors.New("SERVFAIL")}},
			domain: "example.com",
			want:   []string{"example.com: error: looking up the TXT records of example.com failed: SERVFAIL; receivers return temperror (RFC 7208 §4.4)"},
		},
		{
			name:  "static findings name their domain",
			check: Fail,
			dns: fakeDNS{txt: map[string][]string{
				"example.com":     {"v=spf1 include:esp.example.net include:esp.example.net -all"},
				"esp.example.net": {"v=spf1 ptr ?all"},
			}},
			domain: "example.com",
			want: []string{
				"esp.example.net: warning at offset 7 (ptr): ptr SHOULD NOT be used: it is slow and unreliable, and receivers may skip it; list the addresses with ip4: and ip6: instead (RFC 7208 §5.5)",
				"esp.example.net: warning at offset 11 (?all): ?all gives neutral: receivers treat mail from unlisted addresses as if there were no SPF record; end the record with -all or ~all (RFC 7208 §8.2)",
			},
		},
		{
			name:  "include and redirect of names without SPF",
			check: Permerror,
			dns: fakeDNS{txt: map[string][]string{
				"example.com":       {"v=spf1 include:gone.example.net redirect=other.example.org"},
				"other.example.org": {"hello"},
			}},
			domain: "example.com",
			want: []string{
				"example.com: error at offset 7 (include:gone.example.net): gone.example.net has no SPF record; receivers return permerror for include:gone.example.net (RFC 7208 §5.2)",
				"example.com: error at offset 32 (redirect=other.example.org): other.example.org has no SPF record; receivers return permerror for redirect=other.example.org (RFC 7208 §6.1)",
			},
		},
		{
			name:  "11 DNS-querying terms across includes",
			check: Permerror,
			dns: fakeDNS{
				txt: map[string][]string{
					"example.com":     {"v=spf1 a include:esp.example.net include:crm.example.org mx -all"},
					"esp.example.net": {"v=spf1 a:a.esp.example.net a:b.esp.example.net a:c.esp.example.net -all"},
					"crm.example.org": {"v=spf1 include:esp.example.net a:mail.example.org -all"},
				},
				a:    map[string][]netip.Addr{"example.com": addrs("192.0.2.1"), "a.esp.example.net": addrs("192.0.2.2"), "b.esp.example.net": addrs("192.0.2.3"), "c.esp.example.net": addrs("192.0.2.4"), "mail.example.org": addrs("192.0.2.5")},
				aaaa: map[string][]netip.Addr{"example.com": addrs("2001:db8::1"), "a.esp.example.net": addrs("2001:db8::2"), "b.esp.example.net": addrs("2001:db8::3"), "c.esp.example.net": addrs("2001:db8::4"), "mail.example.org": addrs("2001:db8::5")},
				mx:   map[string][]MXHost{"example.com": {{Host: "mx.example.com"}}},
			},
			domain: "example.com",
			// a, include, 3×a, include, include, 3×a, a:mail = 11; mx is the 12th.
			want: []string{"crm.example.org: error at offset 31 (a:mail.example.org): evaluating example.com can take 12 DNS-querying terms (include, a, mx, ptr, exists, redirect=) across its records; receivers allow 10 and return permerror at a:mail.example.org, the 11th (RFC 7208 §4.6.4)"},
		},
		{
			name:  "too many MX hosts",
			check: Permerror,
			dns: fakeDNS{
				txt: map[string][]string{"example.com": {"v=spf1 mx:mail.example.com -all"}},
				mx:  map[string][]MXHost{"mail.example.com": elevenMX},
			},
			domain: "example.com",
			want:   []string{"example.com: error at offset 7 (mx:mail.example.com): mail.example.com has 11 MX hosts; receivers look up at most 10 per mx and return permerror (RFC 7208 §4.6.4)"},
		},
		{
			name:  "void lookups for any sender",
			check: Permerror,
			dns: fakeDNS{txt: map[string][]string{
				"example.com": {"v=spf1 a:old1.example.com mx:old2.example.com exists:old3.example.com ip6:2001:db8::/32 -all"},
			}},
			domain: "example.com",
			want:   []string{"example.com: error: 3 lookups find no records for any sender (example.com: a:old1.example.com, example.com: mx:old2.example.com, example.com: exists:old3.example.com); receivers allow 2 such void lookups and then return permerror (RFC 7208 §4.6.4)"},
		},
		{
			name:  "void lookups for IPv6 senders only",
			check: Permerror,
			dns: fakeDNS{
				txt: map[string][]string{"example.com": {"v=spf1 a:m1.example.com a:m2.example.com a:m3.example.com -all"}},
				a:   map[string][]netip.Addr{"m1.example.com": addrs("192.0.2.1"), "m2.example.com": addrs("192.0.2.2"), "m3.example.com": addrs("192.0.2.3")},
			},
			domain: "example.com",
			want:   []string{"example.com: error: 3 lookups find no records for an IPv6 sender (example.com: a:m1.example.com, example.com: a:m2.example.com, example.com: a:m3.example.com); receivers allow 2 such void lookups and then return permerror (RFC 7208 §4.6.4)"},
		},
		{
			name:  "two void lookups are allowed",
			check: Fail,
			dns: fakeDNS{txt: map[string][]string{
				"example.com": {"v=spf1 a:old1.example.com a:old2.example.com -all"},
			}},
			domain: "example.com",
		},
		{
			name:  "a loop",
			check: Permerror,
			dns: fakeDNS{txt: map[string][]string{
				"example.com":   {"v=spf1 include:a.example.net -all"},
				"a.example.net": {"v=spf1 redirect=b.example.net"},
				"b.example.net": {"v=spf1 include:example.com. -all"},
			}},
			domain: "example.com",
			want:   []string{"b.example.net: error at offset 7 (include:example.com.): include:example.com. loops back to example.com (example.com → a.example.net → b.example.net → example.com); receivers stop with permerror (RFC 7208 §4.6.4)"},
		},
		{
			name:  "macros are counted, not followed",
			check: Permerror,
			dns: fakeDNS{txt: map[string][]string{
				"example.com": {"v=spf1 exists:%{i}._spf.example.com include:%{d2}._spf.example.net -all"},
			}},
			domain: "example.com",
			want: []string{
				"example.com: info at offset 7 (exists:%{i}._spf.example.com): exists:%{i}._spf.example.com uses macros, so its target depends on the sender; it is counted but not followed (RFC 7208 §7)",
				"example.com: info at offset 36 (include:%{d2}._spf.example.net): include:%{d2}._spf.example.net uses macros, so its target depends on the sender; it is counted but not followed (RFC 7208 §7)",
			},
		},
		{
			name:  "a lookup failure under an include",
			check: Temperror,
			dns: fakeDNS{
				txt:  map[string][]string{"example.com": {"v=spf1 a:broken.example.net -all"}},
				fail: map[string]error{"broken.example.net": errors.New("timeout")},
			},
			domain: "example.com",
			want:   []string{"example.com: error at offset 7 (a:broken.example.net): looking up the address records of broken.example.net failed: timeout; receivers return temperror (RFC 7208 §4.4)"},
		},
		{
			name:  "the size counts every TXT record of the name",
			check: Fail,
			dns: fakeDNS{txt: map[string][]string{
				"example.com": {"v=spf1 -all", strings.Repeat("x", 255), strings.Repeat("y", 179)},
			}},
			domain: "example.com",
			// 13 (name) + 12 + 256 + 180 = 461
			want: []string{"example.com: warning: the name and its TXT data take 461 octets, over 450: the answer may not fit a 512-octet UDP message; shorten the record (RFC 7208 §3.4)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range LintDomain(context.Background(), &tt.dns, tt.domain) {
				got = append(got, f.String())
			}
			assert.Equal(t, tt.want, got)
			c := Checker{Resolver: &tt.dns}
			res, why, _ := c.CheckHost(context.Background(), netip.MustParseAddr("2001:db8:ffff::1"), tt.domain, "", "mta.example.com")
			assert.Equal(t, tt.check, res, why)
		})
	}
}

func TestLintDomainOffline(t *testing.T) {
	got := LintDomain(context.Background(), nil, "example.com")
	require.Len(t, got, 1)
	assert.Equal(t, "example.com: error: no resolver: checking a domain needs DNS; use Lint to check a record's text offline", got[0].String())
}

// TestLintDomainCountMatchesLint checks that LintDomain's count across
// the evaluation equals Lint's count for a record without includes.
func TestLintDomainCountMatchesLint(t *testing.T) {
	txt := "v=spf1 a a a a a a a a a a mx redirect=x.example.com"
	dns := fakeDNS{txt: map[string][]string{"example.com": {txt}, "x.example.com": {"v=spf1 -all"}},
		a: map[string][]netip.Addr{"example.com": addrs("192.0.2.1")}, aaaa: map[string][]netip.Addr{"example.com": addrs("2001:db8::1")},
		mx: map[string][]MXHost{"example.com": {{Host: "mx.example.com"}}}}
	got := LintDomain(context.Background(), &dns, "example.com")
	require.Len(t, got, 1)
	assert.Contains(t, got[0].Message, "can take 12 DNS-querying terms")
	assert.Equal(t, "mx", got[0].Term)
	assert.Contains(t, Lint(txt)[0].Message, "the record has 12 terms")
}
