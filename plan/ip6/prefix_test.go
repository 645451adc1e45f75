package ip6

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parsePrefixTests also seed FuzzParsePrefix.
var parsePrefixTests = []struct {
	name, in string
	want     string // the prefix in RFC 5952 form, or
	err      string // the exact error text
}{
	{name: "compressed", in: "2001:db8::/48", want: "2001:db8::/48"},
	{name: "full", in: "2001:0db8:0000:0000:0000:0000:0000:0000/32", want: "2001:db8::/32"},
	{name: "uppercase", in: "2001:DB8:ABCD::/48", want: "2001:db8:abcd::/48"},
	{name: "zero length", in: "::/0", want: "::/0"},
	{name: "host route", in: "2001:db8::25/128", want: "2001:db8::25/128"},
	{name: "ipv4-mapped", in: "::ffff:0:0/96", want: "::ffff:0.0.0.0/96"},
	{name: "dotted tail", in: "64:ff9b::1.2.3.0/120", want: "64:ff9b::102:300/120"},
	{name: "top", in: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0/124", want: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0/124"},
	{name: "empty", in: "",
		err: "empty IPv6 prefix; write one such as 2001:db8::/48"},
	{name: "leading space", in: " 2001:db8::/48",
		err: `" 2001:db8::/48" has leading or trailing white space; remove it`},
	{name: "trailing newline", in: "2001:db8::/48\n",
		err: `"2001:db8::/48\n" has leading or trailing white space; remove it`},
	{name: "no slash", in: "2001:db8::",
		err: `"2001:db8::" has no prefix length; write ADDRESS/LENGTH, e.g. 2001:db8::/48`},
	{name: "garbage", in: "mail.example.com",
		err: `"mail.example.com" is not an IPv6 prefix; write ADDRESS/LENGTH, e.g. 2001:db8::/48`},
	{name: "ipv4 prefix", in: "192.0.2.0/24",
		err: `"192.0.2.0/24" is an IPv4 prefix; ip6plan plans IPv6 prefixes`},
	{name: "ipv4 address", in: "192.0.2.1",
		err: `"192.0.2.1" is an IPv4 address; ip6plan plans IPv6 prefixes`},
	{name: "zone", in: "fe80::%eth0/64",
		err: `"fe80::%eth0/64" has a zone (%eth0); zones are not allowed in an IPv6 prefix; write fe80::/64`},
	{name: "bad address", in: "2001:db8::g/48",
		err: `"2001:db8::g/48" is not an IPv6 prefix: address "2001:db8::g": each colon-separated field must have at least one digit (at "g")`},
	{name: "too long", in: "2001:db8::/129",
		err: `"2001:db8::/129" has prefix length 129; IPv6 prefix lengths run from 0 to 128`},
	{name: "huge length", in: "2001:db8::/99999999999999999999",
		err: `"2001:db8::/99999999999999999999" has prefix length 99999999999999999999; IPv6 prefix lengths run from 0 to 128`},
	{name: "negative", in: "2001:db8::/-1",
		err: `"2001:db8::/-1" has prefix length "-1"; write a decimal number from 0 to 128`},
	{name: "plus sign", in: "2001:db8::/+48",
		err: `"2001:db8::/+48" has prefix length "+48"; write a decimal number from 0 to 128`},
	{name: "not a number", in: "2001:db8::/4x",
		err: `"2001:db8::/4x" has prefix length "4x"; write a decimal number from 0 to 128`},
	{name: "leading zero", in: "2001:db8::/064",
		err: `"2001:db8::/064" has prefix length "064" with a leading zero; write /64 (0 to 128, no leading zeros)`},
	{name: "empty length", in: "2001:db8::/",
		err: `"2001:db8::/" has an empty prefix length; write a length from 0 to 128 after the slash`},
	{name: "two slashes", in: "2001:db8::/48/64",
		err: `"2001:db8::/48/64" has more than one slash; write ADDRESS/LENGTH, e.g. 2001:db8::/48`},
	{name: "host bits", in: "2001:db8:1234:5::/48",
		err: "2001:db8:1234:5::/48 has host bits set; did you mean 2001:db8:1234::/48?"},
	{name: "host bits, other spelling", in: "2001:DB8:1234:0005:0:0:0:0/48",
		err: `"2001:DB8:1234:0005:0:0:0:0/48": 2001:db8:1234:5::/48 has host bits set; did you mean 2001:db8:1234::/48?`},
}

func TestParsePrefix(t *testing.T) {
	for _, tt := range parsePrefixTests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePrefix(tt.in)
			if tt.err != "" {
				require.Error(t, err)
				assert.Equal(t, tt.err, err.Error())
				var pe *PrefixError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, tt.in, pe.Input)
				assert.False(t, p.IsValid())
				assert.Panics(t, func() { MustParsePrefix(tt.in) })
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, p.String())
			assert.Equal(t, p, p.Masked(), "host bits are zero")
			assert.Equal(t, p, MustParsePrefix(p.String()), "canonical round trip")
			std, err := netip.ParsePrefix(tt.in)
			require.NoError(t, err)
			assert.Equal(t, std, p, "agrees with netip")
		})
	}
}

func TestParseAddrPrefixError(t *testing.T) {
	tests := []struct {
		name, in, want, err string
	}{
		{name: "compressed", in: "2001:db8::25", want: "2001:db8::25"},
		{name: "full upper", in: "2001:0DB8:0000:0000:0000:0000:0000:0025", want: "2001:db8::25"},
		{name: "ipv4-mapped", in: "::ffff:192.0.2.1", want: "::ffff:192.0.2.1"},
		{name: "empty", in: "", err: "empty IPv6 address; write one such as 2001:db8::25"},
		{name: "space", in: "2001:db8::25 ", err: `"2001:db8::25 " has leading or trailing white space; remove it`},
		{name: "ipv4", in: "192.0.2.1", err: `"192.0.2.1" is an IPv4 address; ip6plan needs IPv6 addresses`},
		{name: "zone", in: "fe80::1%eth0", err: `"fe80::1%eth0" has a zone (%eth0); zones are not allowed in an IPv6 address; write fe80::1`},
		{name: "prefix", in: "2001:db8::/48", err: `"2001:db8::/48" is a prefix, not an address; leave out the /LENGTH`},
		{name: "bad", in: "2001:db8:::1", err: `"2001:db8:::1" is not an IPv6 address: each colon-separated field must have at least one digit (at ":1")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseAddr(tt.in)
			if tt.err != "" {
				require.Error(t, err)
				assert.Equal(t, tt.err, err.Error())
				var pe *PrefixError
				assert.True(t, errors.As(err, &pe))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, a.String())
			assert.True(t, a.Is6())
			assert.Equal(t, netip.MustParseAddr(tt.in), a)
		})
	}
}

func TestPrefixErrorQuotesInput(t *testing.T) {
	err := &PrefixError{Input: "x/y", Msg: "something is wrong"}
	assert.Equal(t, `"x/y": something is wrong`, err.Error())
}
