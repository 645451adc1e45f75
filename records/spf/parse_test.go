package spf

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parseCases are the records the tests and the fuzz seed corpus share.
var parseCases = []struct {
	name  string
	in    string
	terms []Term // Offsets included
	err   string // the whole error text; "" when Parse must succeed
}{
	{name: "version only", in: "v=spf1", terms: nil},
	{name: "version in any case", in: "V=SpF1 -ALL", terms: []Term{{Kind: All, Qualifier: QualifierFail, Offset: 7}}},
	{name: "trailing and repeated spaces", in: "v=spf1  a   -all ", terms: []Term{
		{Kind: A, CIDR4: -1, CIDR6: -1, Offset: 8},
		{Kind: All, Qualifier: QualifierFail, Offset: 12},
	}},
	{name: "builder shape", in: "v=spf1 ip6:2001:db8:d6:25::/64 ip6:2001:db8:d6::/64 ip4:192.0.2.0/24 -all", terms: []Term{
		{Kind: IP6, Prefix: netip.MustParsePrefix("2001:db8:d6:25::/64"), Offset: 7},
		{Kind: IP6, Prefix: netip.MustParsePrefix("2001:db8:d6::/64"), Offset: 31},
		{Kind: IP4, Prefix: netip.MustParsePrefix("192.0.2.0/24"), Offset: 52},
		{Kind: All, Qualifier: QualifierFail, Offset: 69},
	}},
	{name: "every qualifier", in: "v=spf1 +all -all ~all ?all all", terms: []Term{
		{Kind: All, Qualifier: QualifierPass, Offset: 7},
		{Kind: All, Qualifier: QualifierFail, Offset: 12},
		{Kind: All, Qualifier: QualifierSoftfail, Offset: 17},
		{Kind: All, Qualifier: QualifierNeutral, Offset: 22},
		{Kind: All, Offset: 27},
	}},
	{name: "host bits and defaults kept", in: "v=spf1 ip4:192.0.2.1/24 ip4:192.0.2.1 ip6:2001:db8::1 ip6:::ffff:192.0.2.1/120", terms: []Term{
		{Kind: IP4, Prefix: netip.PrefixFrom(netip.MustParseAddr("192.0.2.1"), 24), Offset: 7},
		{Kind: IP4, Prefix: netip.MustParsePrefix("192.0.2.1/32"), Offset: 24},
		{Kind: IP6, Prefix: netip.MustParsePrefix("2001:db8::1/128"), Offset: 38},
		{Kind: IP6, Prefix: netip.PrefixFrom(netip.MustParseAddr("::ffff:192.0.2.1"), 120), Offset: 54},
	}},
	{name: "cidr zero", in: "v=spf1 ip4:0.0.0.0/0 ip6:::/0", terms: []Term{
		{Kind: IP4, Prefix: netip.MustParsePrefix("0.0.0.0/0"), Offset: 7},
		{Kind: IP6, Prefix: netip.MustParsePrefix("::/0"), Offset: 21},
	}},
	{name: "dual cidr", in: "v=spf1 a/24//64 mx//64 a:mail.example.com/24 mx:example.com/0//0 a//128", terms: []Term{
		{Kind: A, CIDR4: 24, CIDR6: 64, Offset: 7},
		{Kind: MX, CIDR4: -1, CIDR6: 64, Offset: 16},
		{Kind: A, Domain: "mail.example.com", CIDR4: 24, CIDR6: -1, Offset: 23},
		{Kind: MX, Domain: "example.com", CIDR4: 0, CIDR6: 0, Offset: 45},
		{Kind: A, CIDR4: -1, CIDR6: 128, Offset: 65},
	}},
	{name: "domain-specs", in: "v=spf1 include:_spf.example.com ptr ptr:example.com. exists:%{i}.%{l1r-}.user.%{d2} a:foo:bar/baz.example.com mx:%{d}", terms: []Term{
		{Kind: Include, Domain: "_spf.example.com", Offset: 7},
		{Kind: PTR, Offset: 32},
		{Kind: PTR, Domain: "example.com.", Offset: 36},
		{Kind: Exists, Domain: "%{i}.%{l1r-}.user.%{d2}", Offset: 53},
		{Kind: A, Domain: "foo:bar/baz.example.com", CIDR4: -1, CIDR6: -1, Offset: 84},
		{Kind: MX, Domain: "%{d}", CIDR4: -1, CIDR6: -1, Offset: 110},
	}},
	{name: "idn top label", in: "v=spf1 a:foo.example.xn--zckzah", terms: []Term{
		{Kind: A, Domain: "foo.example.xn--zckzah", CIDR4: -1, CIDR6: -1, Offset: 7},
	}},
	{name: "macro mania", in: "v=spf1 a:macro%%percent%_%_space%-url-space.example.com exists:%{ir}.%{v}._spf.%{d2}", terms: []Term{
		{Kind: A, Domain: "macro%%percent%_%_space%-url-space.example.com", CIDR4: -1, CIDR6: -1, Offset: 7},
		{Kind: Exists, Domain: "%{ir}.%{v}._spf.%{d2}", Offset: 56},
	}},
	{name: "modifiers", in: "v=spf1 redirect=_spf.example.com exp=explain.%{d} moo.cow-far_out=man:dog/cat Default=+ EXP=x.example.com", terms: []Term{
		{Kind: Redirect, Domain: "_spf.example.com", Offset: 7},
		{Kind: Exp, Domain: "explain.%{d}", Offset: 33},
		{Kind: Unknown, Name: "moo.cow-far_out", Value: "man:dog/cat", Offset: 50},
		{Kind: Unknown, Name: "Default", Value: "+", Offset: 78},
		{Kind: Exp, Domain: "x.example.com", Offset: 88},
	}},
	{name: "repeated redirect parses", in: "v=spf1 redirect=a.example.com redirect=b.example.com", terms: []Term{
		{Kind: Redirect, Domain: "a.example.com", Offset: 7},
		{Kind: Redirect, Domain: "b.example.com", Offset: 30},
	}},
	{name: "empty unknown modifier", in: "v=spf1 moo=", terms: []Term{{Kind: Unknown, Name: "moo", Offset: 7}}},
	{name: "upper-case names", in: "v=spf1 IP4:192.0.2.0/24 Include:example.com MX A:example.com", terms: []Term{
		{Kind: IP4, Prefix: netip.MustParsePrefix("192.0.2.0/24"), Offset: 7},
		{Kind: Include, Domain: "example.com", Offset: 24},
		{Kind: MX, CIDR4: -1, CIDR6: -1, Offset: 44},
		{Kind: A, Domain: "example.com", CIDR4: -1, CIDR6: -1, Offset: 47},
	}},
	{name: "terms after all parse", in: "v=spf1 -all a", terms: []Term{
		{Kind: All, Qualifier: QualifierFail, Offset: 7},
		{Kind: A, CIDR4: -1, CIDR6: -1, Offset: 12},
	}},

	{name: "ip6 length over 128", in: "v=spf1 ip6:2001:db8::/129",
		err: `spf: term "ip6:2001:db8::/129" at offset 7: cidr length 129 is more than 128`},
	{name: "ip4 length over 32", in: "v=spf1 -all ip4:1.2.3.4/33",
		err: `spf: term "ip4:1.2.3.4/33" at offset 12: cidr length 33 is more than 32`},
	{name: "leading zero in length", in: "v=spf1 ip4:1.2.3.4/032",
		err: `spf: term "ip4:1.2.3.4/032" at offset 7: cidr length "032" has a leading zero`},
	{name: "huge length", in: "v=spf1 ip6:::/99999999999999999999",
		err: `spf: term "ip6:::/99999999999999999999" at offset 7: cidr length 99999999999999999999 is more than 128`},
	{name: "dual cidr on ip4", in: "v=spf1 ip4:1.2.3.4//32",
		err: `spf: term "ip4:1.2.3.4//32" at offset 7: cidr length "/32" is not a number`},
	{name: "empty length", in: "v=spf1 ip6:::1/",
		err: `spf: term "ip6:::1/" at offset 7: cidr length "" is not a number`},
	{name: "short ip4", in: "v=spf1 ip4:1.2.3",
		err: `spf: term "ip4:1.2.3" at offset 7: "1.2.3" is not an IPv4 address`},
	{name: "leading zero in ip4", in: "v=spf1 ip4:01.2.3.4",
		err: `spf: term "ip4:01.2.3.4" at offset 7: "01.2.3.4" is not an IPv4 address`},
	{name: "ip4 with port", in: "v=spf1 ip4:1.2.3.4:8080",
		err: `spf: term "ip4:1.2.3.4:8080" at offset 7: "1.2.3.4:8080" is not an IPv4 address`},
	{name: "ip6 in ip4", in: "v=spf1 ip4:2001:db8::1",
		err: `spf: term "ip4:2001:db8::1" at offset 7: "2001:db8::1" is not an IPv4 address`},
	{name: "ip4 in ip6", in: "v=spf1 ip6:192.0.2.1",
		err: `spf: term "ip6:192.0.2.1" at offset 7: "192.0.2.1" is not an IPv6 address`},
	{name: "ip6 zone", in: "v=spf1 ip6:fe80::1%eth0",
		err: `spf: term "ip6:fe80::1%eth0" at offset 7: "fe80::1%eth0" is not an IPv6 address`},
	{name: "bad ip6", in: "v=spf1 ip6::CAFE::BABE",
		err: `spf: term "ip6::CAFE::BABE" at offset 7: ":CAFE::BABE" is not an IPv6 address`},
	{name: "bare ip4", in: "v=spf1 ip4",
		err: `spf: term "ip4" at offset 7: ip4 needs a network: ip4:address[/length] (RFC 7208 §5.6)`},
	{name: "bare ip6 with length", in: "v=spf1 ip6/64",
		err: `spf: term "ip6/64" at offset 7: ip6 needs a network: ip6:address[/length] (RFC 7208 §5.6)`},
	{name: "a ip4 length", in: "v=spf1 a/33",
		err: `spf: term "a/33" at offset 7: ip4 cidr length 33 is more than 32`},
	{name: "mx ip6 length", in: "v=spf1 mx//129",
		err: `spf: term "mx//129" at offset 7: ip6 cidr length 129 is more than 128`},
	{name: "a leading zero", in: "v=spf1 a:example.com/024",
		err: `spf: term "a:example.com/024" at offset 7: ip4 cidr length "024" has a leading zero`},
	{name: "single slash twice", in: "v=spf1 a/24/64",
		err: `spf: term "a/24/64" at offset 7: invalid cidr length "/24/64": a dual cidr is /ip4-length, //ip6-length or both (RFC 7208 §5.6)`},
	{name: "ip6 length before ip4", in: "v=spf1 a//64/24",
		err: `spf: term "a//64/24" at offset 7: invalid cidr length "//64/24": a dual cidr is /ip4-length, //ip6-length or both (RFC 7208 §5.6)`},
	{name: "unknown mechanism", in: "v=spf1 ip4:1.2.3.4 -all moo",
		err: `spf: term "moo" at offset 24: unknown mechanism "moo" (RFC 7208 §5)`},
	{name: "all with dot", in: "v=spf1 -all.",
		err: `spf: term "-all." at offset 7: unknown mechanism "all." (RFC 7208 §5)`},
	{name: "all with argument", in: "v=spf1 -all:foobar",
		err: `spf: term "-all:foobar" at offset 7: all takes no argument (RFC 7208 §5.1)`},
	{name: "all with cidr", in: "v=spf1 -all/8",
		err: `spf: term "-all/8" at offset 7: all takes no argument (RFC 7208 §5.1)`},
	{name: "two qualifiers", in: "v=spf1 +-all",
		err: `spf: term "+-all" at offset 7: unknown mechanism "-all" (RFC 7208 §5)`},
	{name: "qualifier alone", in: "v=spf1 ~",
		err: `spf: term "~" at offset 7: no mechanism name after the qualifier`},
	{name: "redirect as mechanism", in: "v=spf1 ip4:1.2.3.4 redirect:t2.example.com",
		err: `spf: term "redirect:t2.example.com" at offset 19: unknown mechanism "redirect" (RFC 7208 §5)`},
	{name: "include without domain", in: "v=spf1 include",
		err: `spf: term "include" at offset 7: include needs a domain-spec: include:domain`},
	{name: "include with cidr", in: "v=spf1 include:ip5.example.com/24",
		err: `spf: term "include:ip5.example.com/24" at offset 7: domain-spec "ip5.example.com/24" must end in a dot and a top-level label, or in a macro (RFC 7208 §7.1)`},
	{name: "exists without domain", in: "v=spf1 exists",
		err: `spf: term "exists" at offset 7: exists needs a domain-spec: exists:domain`},
	{name: "empty domain-spec", in: "v=spf1 a: -all",
		err: `spf: term "a:" at offset 7: empty domain-spec`},
	{name: "ptr with cidr", in: "v=spf1 ptr/0 -all",
		err: `spf: term "ptr/0" at offset 7: ptr takes no cidr length (RFC 7208 §5.5)`},
	{name: "empty ptr domain", in: "v=spf1 ptr:",
		err: `spf: term "ptr:" at offset 7: empty domain-spec`},
	{name: "single label", in: "v=spf1 a:foo-bar -all",
		err: `spf: term "a:foo-bar" at offset 7: domain-spec "foo-bar" must end in a dot and a top-level label, or in a macro (RFC 7208 §7.1)`},
	{name: "numeric top label", in: "v=spf1 a:111.222.33.44",
		err: `spf: term "a:111.222.33.44" at offset 7: domain-spec "111.222.33.44" must end in a dot and a top-level label, or in a macro (RFC 7208 §7.1)`},
	{name: "top label begins with dash", in: "v=spf1 mx:example.-com",
		err: `spf: term "mx:example.-com" at offset 7: domain-spec "example.-com" must end in a dot and a top-level label, or in a macro (RFC 7208 §7.1)`},
	{name: "only top label with dot", in: "v=spf1 a:museum.",
		err: `spf: term "a:museum." at offset 7: domain-spec "museum." must end in a dot and a top-level label, or in a macro (RFC 7208 §7.1)`},
	{name: "port in domain", in: "v=spf1 a:example.com:8080",
		err: `spf: term "a:example.com:8080" at offset 7: domain-spec "example.com:8080" must end in a dot and a top-level label, or in a macro (RFC 7208 §7.1)`},
	{name: "nul", in: "v=spf1 a:foo.example.com\x00",
		err: `spf: term "a:foo.example.com\x00" at offset 7: byte 0x00 is not allowed: a macro-string holds visible ASCII only (RFC 7208 §7.1)`},
	{name: "carriage return", in: "v=spf1 a:ctrl.example.com\rptr -all",
		err: `spf: term "a:ctrl.example.com\rptr" at offset 7: byte 0x0D is not allowed: a macro-string holds visible ASCII only (RFC 7208 §7.1)`},
	{name: "non-ASCII", in: "v=spf1 a:\xef\xbb\xbfgarbage.example.net -all",
		err: `spf: term "a:\ufeffgarbage.example.net" at offset 7: byte 0xEF is not allowed: a macro-string holds visible ASCII only (RFC 7208 §7.1)`},
	{name: "bad macro", in: "v=spf1 -exists:%(ir).sbl.example.com ?all",
		err: `spf: term "-exists:%(ir).sbl.example.com" at offset 7: "%(" is not a macro: "%" must be followed by "{", "%", "_" or "-" (RFC 7208 §7.1)`},
	{name: "percent at end", in: "v=spf1 foo=%",
		err: `spf: term "foo=%" at offset 7: "%" at the end: a percent sign is written "%%" (RFC 7208 §7.1)`},
	{name: "unterminated macro", in: "v=spf1 exists:%{ir.example.com",
		err: `spf: term "exists:%{ir.example.com" at offset 7: macro "%{ir.example.com" has no closing brace`},
	{name: "unknown macro letter", in: "v=spf1 a:%{a}.example.com",
		err: `spf: term "a:%{a}.example.com" at offset 7: unknown macro letter "a" in "%{a}": the letters are s, l, o, d, i, p, h, v and, in exp text, c, r and t (RFC 7208 §7.1)`},
	{name: "exp-only letter", in: "v=spf1 -all exp=%{r}.example.com",
		err: `spf: term "exp=%{r}.example.com" at offset 12: macro "%{r}" is allowed only in exp text (RFC 7208 §7.1)`},
	{name: "exp-only letter in unknown modifier", in: "v=spf1 foo=%{C}",
		err: `spf: term "foo=%{C}" at offset 7: macro "%{C}" is allowed only in exp text (RFC 7208 §7.1)`},
	{name: "zero parts", in: "v=spf1 exists:%{d0}",
		err: `spf: term "exists:%{d0}" at offset 7: macro "%{d0}" keeps zero parts: the number must be nonzero (RFC 7208 §7.1)`},
	{name: "bad delimiter", in: "v=spf1 exists:%{l2r*}.example.com",
		err: `spf: term "exists:%{l2r*}.example.com" at offset 7: macro "%{l2r*}": "*" is neither a transformer nor a delimiter (. - + , / _ =) (RFC 7208 §7.1)`},
	{name: "empty macro", in: "v=spf1 exists:%{}.example.com",
		err: `spf: term "exists:%{}.example.com" at offset 7: empty macro "%{}"`},
	{name: "modifier name begins with digit", in: "v=spf1 1up=foo",
		err: `spf: term "1up=foo" at offset 7: invalid modifier name "1up": a name is a letter followed by letters, digits, "-", "_" and "." (RFC 7208 §12)`},
	{name: "empty modifier name", in: "v=spf1 =all",
		err: `spf: term "=all" at offset 7: empty modifier name`},
	{name: "qualifier on modifier", in: "v=spf1 -redirect=example.com",
		err: `spf: term "-redirect=example.com" at offset 7: invalid modifier name "-redirect": a name is a letter followed by letters, digits, "-", "_" and "." (RFC 7208 §12)`},
	{name: "slash before equals", in: "v=spf1 moo.cow/far_out=man:dog/cat",
		err: `spf: term "moo.cow/far_out=man:dog/cat" at offset 7: unknown mechanism "moo.cow" (RFC 7208 §5)`},
	{name: "empty exp", in: "v=spf1 exp= -all",
		err: `spf: term "exp=" at offset 7: empty domain-spec`},
	{name: "exp without dot", in: "v=spf1 exp=-all",
		err: `spf: term "exp=-all" at offset 7: domain-spec "-all" must end in a dot and a top-level label, or in a macro (RFC 7208 §7.1)`},
	{name: "bad macro in unknown modifier", in: "v=spf1 -all foo=%abc",
		err: `spf: term "foo=%abc" at offset 12: "%a" is not a macro: "%" must be followed by "{", "%", "_" or "-" (RFC 7208 §7.1)`},
	{name: "tab", in: "v=spf1 ip4:192.0.2.5\t-all",
		err: `spf: term "ip4:192.0.2.5\t-all" at offset 7: "192.0.2.5\t-all" is not an IPv4 address`},
	{name: "newline", in: "v=spf1 ip4:192.0.2.5\n include:spf.protection.outlook.com ~all",
		err: `spf: term "ip4:192.0.2.5\n" at offset 7: "192.0.2.5\n" is not an IPv4 address`},

	{name: "not spf", in: "v=spf10 -all",
		err: `spf: record "v=spf10 -all": not an SPF record: it must begin with "v=spf1" followed by a space or the end (RFC 7208 §4.5)`},
	{name: "empty", in: "",
		err: `spf: record "": not an SPF record: it must begin with "v=spf1" followed by a space or the end (RFC 7208 §4.5)`},
	{name: "leading space", in: " v=spf1 -all",
		err: `spf: record " v=spf1 -all": not an SPF record: it must begin with "v=spf1" followed by a space or the end (RFC 7208 §4.5)`},
	{name: "strings glued", in: "v=spf1mx",
		err: `spf: record "v=spf1mx": not an SPF record: it must begin with "v=spf1" followed by a space or the end (RFC 7208 §4.5)`},
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Parse(tc.in)
			if tc.err != "" {
				require.Error(t, err)
				assert.Equal(t, tc.err, err.Error())
				var pe *ParseError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, tc.in, pe.Record)
				if pe.Term != "" {
					assert.Equal(t, pe.Term, tc.in[pe.Offset:pe.Offset+len(pe.Term)], "Offset points at Term")
				}
				assert.False(t, IsSPF(tc.in) && pe.Term == "", "a record IsSPF accepts fails in a term")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.terms, r.Terms)
			assert.True(t, IsSPF(tc.in))
			for _, term := range r.Terms {
				assert.Equal(t, term.Offset, indexTerm(tc.in, term.Offset), "Offset starts a term")
			}
			assertRoundTrip(t, r)
		})
	}
}

// indexTerm returns off when a term starts there: after a space.
func indexTerm(s string, off int) int {
	if off > 0 && off < len(s) && s[off-1] == ' ' && s[off] != ' ' {
		return off
	}
	return -1
}

// assertRoundTrip checks that Parse(r.String()) gives r's terms, Offsets
// aside.
func assertRoundTrip(t *testing.T, r *Record) {
	t.Helper()
	again, err := Parse(r.String())
	require.NoError(t, err, "re-parsing %q", r.String())
	require.Len(t, again.Terms, len(r.Terms))
	for i := range r.Terms {
		want := r.Terms[i]
		want.Offset = again.Terms[i].Offset
		assert.Equal(t, want, again.Terms[i], "term %d of %q", i, r.String())
	}
}

func TestParseString(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{name: "spaces and case normalized", in: "V=SPF1  IP6:2001:DB8::/32   Redirect=_spf.example.com ", want: "v=spf1 ip6:2001:db8::/32 redirect=_spf.example.com"},
		{name: "full lengths dropped", in: "v=spf1 ip4:192.0.2.1/32 ip6:2001:db8::1/128 +all", want: "v=spf1 ip4:192.0.2.1 ip6:2001:db8::1 +all"},
		{name: "embedded IPv4 in ip6", in: "v=spf1 ip6:::1.1.1.1/0 ip6:::FFFF:1.2.3.4", want: "v=spf1 ip6:::101:101/0 ip6:::ffff:1.2.3.4"},
		{name: "unknown modifier names kept", in: "v=spf1 Moo=%{D2}", want: "v=spf1 Moo=%{D2}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Parse(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.String())
			assertRoundTrip(t, r)
		})
	}
}

func TestIsSPF(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{in: "v=spf1", want: true},
		{in: "v=spf1 -all", want: true},
		{in: "V=Spf1 ", want: true},
		{in: "v=spf10", want: false},
		{in: "v=spf1\t-all", want: false},
		{in: " v=spf1", want: false},
		{in: "v=spf", want: false},
		{in: "spf2.0/pra -all", want: false},
		{in: "", want: false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			assert.Equal(t, tc.want, IsSPF(tc.in))
		})
	}
}
