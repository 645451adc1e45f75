package plan

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFileSPF(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want SPFSettings
	}{
		{
			name: "no spf settings",
			in:   "",
			want: SPFSettings{},
		},
		{
			name: "every key",
			in: `spf:
  include: [_spf.esp.example.net, Mail.Example.ORG.]
  policy: "~all"
  scope: hosts
  ip4: [192.0.2.0/24, 198.51.100.25, 203.0.113.8/29]
  existing: "v=spf1 ip4:192.0.2.0/24 include:_spf.google.com ~all"
`,
			want: SPFSettings{
				Include: []string{"_spf.esp.example.net", "Mail.Example.ORG"},
				Policy:  "~all",
				Scope:   SPFScopeHosts,
				IPv4: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("198.51.100.25/32"),
					netip.MustParsePrefix("203.0.113.8/29")},
				Existing:    "v=spf1 ip4:192.0.2.0/24 include:_spf.google.com ~all",
				ExistingPos: Pos{"plan.yaml", 7, 13},
				Pos:         Pos{"plan.yaml", 3, 3},
			},
		},
		{
			name: "defaults are left empty",
			in: `spf:
  include: [_spf.esp.example.net]
`,
			want: SPFSettings{Include: []string{"_spf.esp.example.net"}, Pos: Pos{"plan.yaml", 3, 3}},
		},
		{
			name: "streams and -all written out",
			in: `spf: {policy: -all, scope: streams}
`,
			want: SPFSettings{Policy: "-all", Scope: SPFScopeStreams, Pos: Pos{"plan.yaml", 2, 6}},
		},
		{
			name: "existing is only the version",
			in: `spf: {existing: v=spf1}
`,
			want: SPFSettings{Existing: "v=spf1", ExistingPos: Pos{"plan.yaml", 2, 17}, Pos: Pos{"plan.yaml", 2, 6}},
		},
		{
			name: "existing version in upper case",
			in: `spf: {existing: "V=SPF1 -all"}
`,
			want: SPFSettings{Existing: "V=SPF1 -all", ExistingPos: Pos{"plan.yaml", 2, 17}, Pos: Pos{"plan.yaml", 2, 6}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseFile("plan.yaml", []byte("prefix: 2001:db8:d6::/48\n"+tt.in))
			require.NoError(t, err)
			assert.Equal(t, tt.want, p.SPF)
		})
	}
}

// spfErrorTests are spf settings that ParseFile must refuse, with the
// exact error text, one line per error.
var spfErrorTests = []struct {
	name string
	in   string
	want string
}{
	{
		name: "unknown key",
		in: `spf:
  includes: [_spf.esp.example.net]
`,
		want: `plan.yaml:3:3: unknown key "includes" in the spf settings; known keys: include, policy, scope, ip4, existing`,
	},
	{
		name: "duplicate key",
		in: `spf:
  policy: -all
  policy: ~all
`,
		want: `plan.yaml:4:3: key "policy" appears twice in the spf settings`,
	},
	{
		name: "spf is a string",
		in: `spf: "v=spf1 -all"
`,
		want: `plan.yaml:2:6: the spf settings must be a mapping of keys to values, not "v=spf1 -all"`,
	},
	{
		name: "spf is empty",
		in: `spf:
`,
		want: `plan.yaml:2:5: the spf settings must be a mapping of keys to values, not empty`,
	},
	{
		name: "+all",
		in: `spf: {policy: +all}
`,
		want: `plan.yaml:2:15: policy "+all" authorizes every address on the Internet to send mail as the domain (RFC 7208 §5.1); use -all or ~all`,
	},
	{
		name: "all without a qualifier is +all",
		in: `spf: {policy: all}
`,
		want: `plan.yaml:2:15: policy "all" authorizes every address on the Internet to send mail as the domain (RFC 7208 §5.1); use -all or ~all`,
	},
	{
		name: "?all",
		in: `spf: {policy: "?all"}
`,
		want: `plan.yaml:2:15: policy "?all" is neutral: receivers treat mail from unlisted addresses as if there were no SPF record (RFC 7208 §8.2); use -all or ~all`,
	},
	{
		name: "unknown policy",
		in: `spf: {policy: reject}
`,
		want: `plan.yaml:2:15: policy "reject" is not one of -all, ~all`,
	},
	{
		name: "policy is a list",
		in: `spf: {policy: [-all]}
`,
		want: `plan.yaml:2:15: policy must be a single value, not a list`,
	},
	{
		name: "unknown scope",
		in: `spf: {scope: subnets}
`,
		want: `plan.yaml:2:14: scope "subnets" is not one of hosts, streams; hosts lists each sending address, streams the /64 of each mail subnet with senders`,
	},
	{
		name: "include is a string",
		in: `spf: {include: _spf.esp.example.net}
`,
		want: `plan.yaml:2:16: include must be a list, not "_spf.esp.example.net"`,
	},
	{
		name: "include names",
		in: `spf:
  include:
    - esp
    - "_spf..example.net"
    - "_spf.exa mple.net"
    - -spf.example.net
    - 192.0.2.1
    - "%{i}._spf.example.net"
    - _spf.esp.example.net
    - _SPF.ESP.example.net.
`,
		want: `plan.yaml:4:7: include "esp" is a single label; write the full name, e.g. _spf.esp.example.net
plan.yaml:5:7: include "_spf..example.net": empty label at offset 5
plan.yaml:6:7: include "_spf.exa mple.net": space at offset 8 is not allowed in a name
plan.yaml:7:7: include "-spf.example.net": label "-spf" at offset 0 starts or ends with '-' (RFC 952; RFC 1123 §2.1)
plan.yaml:8:7: include "192.0.2.1": the top-level label "1" is all digits, so the name reads like an address (RFC 1123 §2.1; RFC 3696 §2)
plan.yaml:9:7: include "%{i}._spf.example.net": character '%' at offset 0 is not allowed; use letters, digits, '-' and '_'
plan.yaml:11:7: include _SPF.ESP.example.net is listed twice`,
	},
	{
		name: "long include names",
		in: `spf:
  include:
    - ` + strings.Repeat("a", 64) + `.example.net
    - ` + strings.Repeat("abcdefghi.", 26) + `net
`,
		want: `plan.yaml:4:7: include "` + strings.Repeat("a", 64) + `.example.net": label "` + strings.Repeat("a", 64) + `" at offset 0 is 64 octets long; the limit is 63 (RFC 1035 §2.3.4)
plan.yaml:5:7: include "` + strings.Repeat("abcdefghi.", 26) + `net": the name is 265 octets long in wire form; the limit is 255 (RFC 1035 §2.3.4)`,
	},
	{
		name: "ip4 networks",
		in: `spf:
  ip4:
    - 192.0.2.1/24
    - 2001:db8::/32
    - "::ffff:192.0.2.1"
    - 192.0.2.0/33
    - 192.0.2
`,
		want: `plan.yaml:4:7: ip4 "192.0.2.1/24" has host bits set; write 192.0.2.0/24
plan.yaml:5:7: ip4 "2001:db8::/32" is not an IPv4 network like 192.0.2.0/24 or address like 192.0.2.25
plan.yaml:6:7: ip4 "::ffff:192.0.2.1" is not an IPv4 network like 192.0.2.0/24 or address like 192.0.2.25
plan.yaml:7:7: ip4 "192.0.2.0/33" is not an IPv4 network like 192.0.2.0/24 or address like 192.0.2.25
plan.yaml:8:7: ip4 "192.0.2" is not an IPv4 network like 192.0.2.0/24 or address like 192.0.2.25`,
	},
	{
		name: "existing is not an SPF record",
		in: `spf:
  existing: "v=spf10 -all"
`,
		want: `plan.yaml:3:13: existing "v=spf10 -all" is not an SPF record; an SPF record starts with "v=spf1" (RFC 7208 §4.5)`,
	},
	{
		name: "existing is another TXT record",
		in: `spf:
  existing: google-site-verification=abc
`,
		want: `plan.yaml:3:13: existing "google-site-verification=abc" is not an SPF record; an SPF record starts with "v=spf1" (RFC 7208 §4.5)`,
	},
	{
		name: "existing has a control character",
		in: `spf:
  existing: "v=spf1\t-all"
`,
		want: `plan.yaml:3:13: existing "v=spf1\t-all" contains a control character`,
	},
	{
		name: "every error is reported",
		in: `spf:
  policy: "?all"
  scope: all
  foo: bar
`,
		want: `plan.yaml:3:11: policy "?all" is neutral: receivers treat mail from unlisted addresses as if there were no SPF record (RFC 7208 §8.2); use -all or ~all
plan.yaml:4:10: scope "all" is not one of hosts, streams; hosts lists each sending address, streams the /64 of each mail subnet with senders
plan.yaml:5:3: unknown key "foo" in the spf settings; known keys: include, policy, scope, ip4, existing`,
	},
}

func TestParseFileSPFErrors(t *testing.T) {
	for _, tt := range spfErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFile("plan.yaml", []byte("prefix: 2001:db8:d6::/48\n"+tt.in))
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
			for _, e := range flatten(err) {
				var pe *Error
				assert.ErrorAs(t, e, &pe, "every error is an *Error with a position")
			}
		})
	}
}

// TestParseFileSPFJSON checks that spf settings written in JSON read as
// in YAML.
func TestParseFileSPFJSON(t *testing.T) {
	p, err := ParseFile("plan.json", []byte(`{"prefix": "2001:db8:d6::/48",
 "spf": {"include": ["_spf.esp.example.net"], "policy": "~all", "scope": "hosts", "ip4": ["192.0.2.0/24"]}}`))
	require.NoError(t, err)
	assert.Equal(t, SPFSettings{Include: []string{"_spf.esp.example.net"}, Policy: "~all", Scope: SPFScopeHosts,
		IPv4: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}, Pos: Pos{"plan.json", 2, 9}}, p.SPF)
}

// TestValidateSPF checks that Allocate refuses spf settings built in
// code that the plan file refuses, with the file's words, at the
// settings' position.
func TestValidateSPF(t *testing.T) {
	pos := Pos{File: "plan.yaml", Line: 25, Col: 3}
	for _, tt := range []struct {
		name string
		s    SPFSettings
		want string
	}{
		{name: "defaults", s: SPFSettings{}},
		{name: "softfail, hosts", s: SPFSettings{Policy: "~all", Scope: SPFScopeHosts}},
		{name: "fail, streams", s: SPFSettings{Policy: "-all", Scope: SPFScopeStreams}},
		{name: "pass", s: SPFSettings{Policy: "+all", Pos: pos},
			want: `plan.yaml:25:3: spf policy "+all" authorizes every address on the Internet to send mail as the domain (RFC 7208 §5.1); use -all or ~all`},
		{name: "neutral", s: SPFSettings{Policy: "?all", Pos: pos},
			want: `plan.yaml:25:3: spf policy "?all" is neutral: receivers treat mail from unlisted addresses as if there were no SPF record (RFC 7208 §8.2); use -all or ~all`},
		{name: "unknown policy and scope", s: SPFSettings{Policy: "reject", Scope: "subnets", Pos: pos},
			want: `plan.yaml:25:3: spf policy "reject" is not one of -all, ~all
plan.yaml:25:3: spf scope "subnets" is not one of hosts, streams; hosts lists each sending address, streams the /64 of each mail subnet with senders`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := &Plan{Prefix: netip.MustParsePrefix("2001:db8:d6::/48"), Domain: "example.com", SPF: tt.s}
			_, err := Allocate(p, nil)
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.EqualError(t, err, tt.want)
			var pe *Error
			assert.ErrorAs(t, err, &pe)
		})
	}
}

// FuzzParseFileSPF seeds the plan file fuzzer's checks with spf settings.
func FuzzParseFileSPF(f *testing.F) {
	for _, tt := range spfErrorTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		p, err := ParseFile("plan.yaml", []byte("prefix: 2001:db8:d6::/48\n"+in))
		if err != nil {
			for _, e := range flatten(err) {
				var pe *Error
				if !assert.ErrorAs(t, e, &pe) || pe.Pos.File != "plan.yaml" || pe.Msg == "" {
					t.Fatalf("error %q is not an *Error of plan.yaml", e)
				}
			}
			return
		}
		s := p.SPF
		assert.Contains(t, []string{"", "-all", "~all"}, s.Policy)
		assert.Contains(t, []SPFScope{"", SPFScopeHosts, SPFScopeStreams}, s.Scope)
		assert.NoError(t, (&Plan{Prefix: netip.MustParsePrefix("2001:db8:d6::/48"), SPF: s}).Validate(), "what the file takes, Validate takes")
		for _, n := range s.IPv4 {
			assert.True(t, n.Addr().Is4() && n.Masked() == n, "ip4 %s", n)
		}
		for _, in := range s.Include {
			assert.NoError(t, CheckHostname(strings.ReplaceAll(in, "_", "u")), "include %q", in)
		}
	})
}
