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

const noMatch = "no mechanism matched at example.com, and there is no redirect=: the default is neutral (RFC 7208 §4.7)"

func TestCheckRecordOffline(t *testing.T) {
	for _, tc := range []struct {
		name    string
		record  string
		ip      string
		want    Result
		reason  string
		offline bool // the error wraps ErrOffline
	}{
		{name: "ip4 pass", record: "v=spf1 ip4:192.0.2.0/24 -all", ip: "192.0.2.25", want: Pass, reason: `"ip4:192.0.2.0/24" matched at example.com`},
		{name: "ip4 fail", record: "v=spf1 ip4:192.0.2.0/24 -all", ip: "198.51.100.1", want: Fail, reason: "domain of bounce@example.com does not designate 198.51.100.1 as permitted sender"},
		{name: "mapped client is ip4", record: "v=spf1 ip4:192.0.2.0/24 -all", ip: "::ffff:192.0.2.25", want: Pass, reason: `"ip4:192.0.2.0/24" matched at example.com`},
		{name: "ip6 pass", record: "v=spf1 ip6:2001:db8:d6::/48 -all", ip: "2001:db8:d6:25::25", want: Pass, reason: `"ip6:2001:db8:d6::/48" matched at example.com`},
		{name: "ip6 never matches an ip4 client", record: "v=spf1 ip6:::/0 ~all", ip: "192.0.2.1", want: Softfail, reason: `"~all" matched at example.com`},
		{name: "ip6 never matches a mapped client", record: "v=spf1 ip6:::ffff:192.0.2.0/120 ip6:::/0 ?all", ip: "::ffff:192.0.2.1", want: Neutral, reason: `"?all" matched at example.com`},
		{name: "mapped network matches only ip6 clients", record: "v=spf1 ip6:::ffff:192.0.2.0/80 -all", ip: "::1:2:3", want: Pass, reason: `"ip6:::ffff:192.0.2.0/80" matched at example.com`},
		{name: "ip4 never matches an ip6 client", record: "v=spf1 ip4:0.0.0.0/0", ip: "2001:db8::1", want: Neutral, reason: noMatch},
		{name: "host bits ignored", record: "v=spf1 -ip6:2001:db8::1/32", ip: "2001:db8:ffff::1", want: Fail, reason: "domain of bounce@example.com does not designate 2001:db8:ffff::1 as permitted sender"},
		{name: "softfail", record: "v=spf1 ~ip6:2001:db8::/32", ip: "2001:db8::1", want: Softfail, reason: `"~ip6:2001:db8::/32" matched at example.com`},
		{name: "neutral qualifier", record: "v=spf1 ?ip4:192.0.2.1", ip: "192.0.2.1", want: Neutral, reason: `"?ip4:192.0.2.1" matched at example.com`},
		{name: "empty record", record: "v=spf1", ip: "192.0.2.1", want: Neutral, reason: noMatch},
		{name: "first match wins", record: "v=spf1 -ip4:192.0.2.1 +ip4:192.0.2.0/24", ip: "192.0.2.1", want: Fail, reason: "domain of bounce@example.com does not designate 192.0.2.1 as permitted sender"},
		{name: "terms after all unused", record: "v=spf1 +all a", ip: "192.0.2.1", want: Pass, reason: `"+all" matched at example.com`},
		{name: "exp needs DNS, default used", record: "v=spf1 -all exp=explain.%{d}", ip: "192.0.2.1", want: Fail, reason: "domain of bounce@example.com does not designate 192.0.2.1 as permitted sender"},
		{name: "unknown modifiers repeat freely (RFC 7208 §6)", record: "v=spf1 foo=1 foo=2 Foo=%{d} +all", ip: "192.0.2.1", want: Pass, reason: `"+all" matched at example.com`},
		{name: "redirect unused after a match", record: "v=spf1 ip4:192.0.2.1 redirect=_spf.example.net", ip: "192.0.2.1", want: Pass, reason: `"ip4:192.0.2.1" matched at example.com`},
		{name: "dns term not reached", record: "v=spf1 ip6:2001:db8::/32 mx include:_spf.example.net -all", ip: "2001:db8::25", want: Pass, reason: `"ip6:2001:db8::/32" matched at example.com`},

		{name: "a needs DNS", record: "v=spf1 ip4:192.0.2.0/24 a -all", ip: "198.51.100.1", want: Temperror, offline: true,
			reason: `example.com: "a": needs DNS, and the checker is offline (no Resolver)`},
		{name: "include needs DNS", record: "v=spf1 include:_spf.example.net -all", ip: "2001:db8::1", want: Temperror, offline: true,
			reason: `example.com: "include:_spf.example.net": needs DNS, and the checker is offline (no Resolver)`},
		{name: "redirect needs DNS", record: "v=spf1 ip4:192.0.2.1 redirect=_spf.%{d}", ip: "2001:db8::1", want: Temperror, offline: true,
			reason: `example.com: "redirect=_spf.%{d}": needs DNS, and the checker is offline (no Resolver)`},
		{name: "exists needs DNS", record: "v=spf1 exists:%{ir}.bl.example.org", ip: "192.0.2.1", want: Temperror, offline: true,
			reason: `example.com: "exists:%{ir}.bl.example.org": needs DNS, and the checker is offline (no Resolver)`},
		{name: "impossible names are void without DNS", record: "v=spf1 a:a..example.org mx:b..example.org -all", ip: "192.0.2.1", want: Fail,
			reason: "domain of bounce@example.com does not designate 192.0.2.1 as permitted sender"},
		{name: "third void lookup", record: "v=spf1 a:a..example.org mx:b..example.org ptr:c..example.org exists:d..example.org -all", ip: "192.0.2.1", want: Permerror,
			reason: `example.com: "exists:d..example.org": more than 2 void lookups in the evaluation (RFC 7208 §4.6.4)`},
		{name: "redirect twice", record: "v=spf1 redirect=a.example.org ip4:192.0.2.1 redirect=b.example.org", ip: "192.0.2.1", want: Permerror,
			reason: `example.com: "redirect=b.example.org": redirect= appears more than once (RFC 7208 §6)`},
		{name: "exp twice", record: "v=spf1 +all exp=a.example.org exp=a.example.org", ip: "192.0.2.1", want: Permerror,
			reason: `example.com: "exp=a.example.org": exp= appears more than once (RFC 7208 §6)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := Parse(tc.record)
			require.NoError(t, err)
			var c Checker
			res, reason, err := c.CheckRecord(context.Background(), rec, netip.MustParseAddr(tc.ip), "example.com", "bounce@example.com", "mail.example.com")
			assert.Equal(t, tc.want, res)
			assert.Equal(t, tc.reason, reason)
			if res == Temperror || res == Permerror {
				require.Error(t, err)
				assert.Equal(t, "spf: "+tc.reason, err.Error())
			} else {
				assert.NoError(t, err)
			}
			assert.Equal(t, tc.offline, errors.Is(err, ErrOffline))
		})
	}
}

func TestCheckRecordArguments(t *testing.T) {
	var c Checker
	rec, err := Parse("v=spf1 +all")
	require.NoError(t, err)

	res, reason, err := c.CheckRecord(context.Background(), rec, netip.Addr{}, "example.com", "", "")
	assert.Equal(t, Permerror, res)
	assert.Equal(t, "example.com: invalid client IP address", reason)
	assert.EqualError(t, err, "spf: example.com: invalid client IP address")

	res, reason, err = c.CheckRecord(context.Background(), nil, netip.MustParseAddr("192.0.2.1"), "example.com.", "", "")
	assert.Equal(t, Permerror, res)
	assert.Equal(t, "example.com: no record to check", reason)
	assert.Error(t, err)
}

// testZone is the DNS of TestCheckHost.
var testZone = zoneResolver{
	"example.com":          {{typ: "TXT", txt: "google-site-verification=x"}, {typ: "TXT", txt: "v=spf1 mx a:mail.%{d} include:_spf.example.net -all exp=why.%{d}"}, {typ: "MX", mx: MXHost{Host: "mx1.example.com.", Pref: 10}}},
	"mx1.example.com":      {{typ: "A", addr: netip.MustParseAddr("192.0.2.10")}, {typ: "AAAA", addr: netip.MustParseAddr("2001:db8::10")}},
	"mail.example.com":     {{typ: "A", addr: netip.MustParseAddr("192.0.2.20")}, {typ: "AAAA", addr: netip.MustParseAddr("2001:db8::20")}},
	"why.example.com":      {{typ: "TXT", txt: "%{i} is not one of %{d}'s designated mail servers."}},
	"_spf.example.net":     {{typ: "TXT", txt: "v=spf1 ip6:2001:db8:d6::/48 ip4:198.51.100.0/24 ~all"}},
	"dual.example.com":     {{typ: "TXT", txt: "v=spf1 a:mail.example.com/24//64 -all"}},
	"redir.example.com":    {{typ: "TXT", txt: "v=spf1 exp=no.example.com redirect=example.com"}},
	"loop.example.com":     {{typ: "TXT", txt: "v=spf1 include:loop.example.com"}},
	"ten.example.com":      {{typ: "TXT", txt: "v=spf1 a a a a a a a a a include:one.example.com -all"}, {typ: "A", addr: netip.MustParseAddr("192.0.2.99")}},
	"eleven.example.com":   {{typ: "TXT", txt: "v=spf1 a a a a a a a a a include:two.example.com -all"}, {typ: "A", addr: netip.MustParseAddr("192.0.2.99")}},
	"one.example.com":      {{typ: "TXT", txt: "v=spf1 ip4:192.0.2.1"}},
	"two.example.com":      {{typ: "TXT", txt: "v=spf1 a:mail.example.com ip4:192.0.2.1"}},
	"ptr.example.com":      {{typ: "TXT", txt: "v=spf1 ptr -all exp=p.example.com"}},
	"p.example.com":        {{typ: "TXT", txt: "%{p} (%{c}) may not send for %{d}"}},
	"host.ptr.example.com": {{typ: "AAAA", addr: netip.MustParseAddr("2001:db8::25")}},
	"5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa": {{typ: "PTR", name: "host.ptr.example.com."}},
	"6.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa": {{typ: "PTR", name: "host.ptr.example.com."}},
	"tmo.example.com":     {{typ: "TXT", txt: "v=spf1 ip4:192.0.2.1 a:slow.example.com -all"}},
	"slow.example.com":    {{typ: "TIMEOUT"}},
	"dup.example.com":     {{typ: "TXT", txt: "v=spf1 -all"}, {typ: "TXT", txt: "V=SPF1 +all"}},
	"bad.example.com":     {{typ: "TXT", txt: "v=spf1 ip6:2001:db8::/129 -all"}},
	"incbad.example.com":  {{typ: "TXT", txt: "v=spf1 include:x..%{d}"}},
	"incnone.example.com": {{typ: "TXT", txt: "v=spf1 include:nothing.example.com -all"}},
}

func TestCheckHost(t *testing.T) {
	for _, tc := range []struct {
		name   string
		domain string
		sender string
		ip     string
		want   Result
		reason string
	}{
		{name: "mx", domain: "example.com", ip: "2001:db8::10", want: Pass, reason: `"mx" matched at example.com`},
		{name: "a with macro", domain: "example.com", ip: "192.0.2.20", want: Pass, reason: `"a:mail.%{d}" matched at example.com`},
		{name: "include pass", domain: "example.com", ip: "2001:db8:d6:25::25", want: Pass, reason: `"include:_spf.example.net" matched at example.com`},
		{name: "include softfail does not match", domain: "example.com", ip: "192.0.2.99", want: Fail, reason: "192.0.2.99 is not one of example.com's designated mail servers."},
		{name: "exp in ip6", domain: "example.com", sender: "bob@example.com", ip: "2001:db8::99", want: Fail, reason: "2.0.0.1.0.d.b.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.9.9 is not one of example.com's designated mail servers."},
		{name: "dual cidr ip4", domain: "dual.example.com", ip: "192.0.2.200", want: Pass, reason: `"a:mail.example.com/24//64" matched at dual.example.com`},
		{name: "dual cidr ip6", domain: "dual.example.com", ip: "2001:db8::ffff:1", want: Pass, reason: `"a:mail.example.com/24//64" matched at dual.example.com`},
		{name: "dual cidr outside", domain: "dual.example.com", ip: "2001:db8:1::1", want: Fail, reason: "domain of postmaster@dual.example.com does not designate 2001:db8:1::1 as permitted sender"},
		{name: "redirect takes the target's exp", domain: "redir.example.com", ip: "192.0.2.99", want: Fail, reason: "192.0.2.99 is not one of example.com's designated mail servers."},
		{name: "ptr with %{p} and %{c}", domain: "ptr.example.com", ip: "2001:db8::26", want: Fail, reason: "unknown (2001:db8::26) may not send for ptr.example.com"},
		{name: "ptr validated", domain: "ptr.example.com", ip: "2001:db8::25", want: Pass, reason: `"ptr" matched at ptr.example.com`},
		{name: "ten lookups", domain: "ten.example.com", ip: "192.0.2.1", want: Pass, reason: `"include:one.example.com" matched at ten.example.com`},
		{name: "eleven lookups", domain: "eleven.example.com", ip: "192.0.2.1", want: Permerror,
			reason: `two.example.com: "a:mail.example.com": more than 10 DNS-querying terms in the evaluation (RFC 7208 §4.6.4)`},
		{name: "include loop", domain: "loop.example.com", ip: "192.0.2.1", want: Permerror,
			reason: `loop.example.com: "include:loop.example.com": more than 10 DNS-querying terms in the evaluation (RFC 7208 §4.6.4)`},
		{name: "temporary DNS error", domain: "tmo.example.com", ip: "192.0.2.2", want: Temperror,
			reason: `tmo.example.com: "a:slow.example.com": looking up slow.example.com: slow.example.com A: DNS timeout`},
		{name: "two records", domain: "dup.example.com", ip: "192.0.2.2", want: Permerror,
			reason: "dup.example.com: 2 SPF records: there must be one (RFC 7208 §4.5)"},
		{name: "syntax error", domain: "bad.example.com", ip: "192.0.2.2", want: Permerror,
			reason: `bad.example.com: term "ip6:2001:db8::/129" at offset 7: cidr length 129 is more than 128`},
		{name: "include of no domain", domain: "incbad.example.com", ip: "192.0.2.2", want: Permerror,
			reason: `incbad.example.com: "include:x..%{d}": "x..incbad.example.com" is not a valid domain name (RFC 7208 §5.2)`},
		{name: "include of nothing", domain: "incnone.example.com", ip: "192.0.2.2", want: Permerror,
			reason: `incnone.example.com: "include:nothing.example.com": no SPF record at nothing.example.com (RFC 7208 §5.2)`},
		{name: "no record", domain: "nothing.example.com", ip: "192.0.2.2", want: None, reason: "no SPF record at nothing.example.com"},
		{name: "not a domain", domain: "localhost", ip: "192.0.2.2", want: None, reason: `"localhost" is not a valid domain name (RFC 7208 §4.3)`},
		{name: "address literal", domain: "[192.0.2.2]", ip: "192.0.2.2", want: None, reason: `"[192.0.2.2]" is not a valid domain name (RFC 7208 §4.3)`},
		{name: "trailing dot", domain: "one.example.com.", ip: "192.0.2.1", want: Pass, reason: `"ip4:192.0.2.1" matched at one.example.com`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &Checker{Resolver: testZone}
			res, reason, err := c.CheckHost(context.Background(), netip.MustParseAddr(tc.ip), tc.domain, tc.sender, "mail.example.org")
			assert.Equal(t, tc.want, res)
			assert.Equal(t, tc.reason, reason)
			assert.Equal(t, res == Temperror || res == Permerror, err != nil)
			if err != nil {
				assert.Equal(t, "spf: "+tc.reason, err.Error())
			}
		})
	}
}

func TestCheckHostErrorsUnwrap(t *testing.T) {
	c := &Checker{Resolver: testZone}
	_, _, err := c.CheckHost(context.Background(), netip.MustParseAddr("192.0.2.1"), "bad.example.com", "", "")
	var pe *ParseError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "ip6:2001:db8::/129", pe.Term)

	_, _, err = c.CheckHost(context.Background(), netip.MustParseAddr("192.0.2.2"), "tmo.example.com", "", "")
	assert.ErrorIs(t, err, errTimeout)
}

func TestCheckHostLimits(t *testing.T) {
	// The limits are configurable; a zero field means the RFC's.
	c := &Checker{Resolver: testZone, MaxLookups: 2}
	res, reason, _ := c.CheckHost(context.Background(), netip.MustParseAddr("192.0.2.99"), "example.com", "", "")
	assert.Equal(t, Permerror, res)
	assert.Equal(t, `example.com: "include:_spf.example.net": more than 2 DNS-querying terms in the evaluation (RFC 7208 §4.6.4)`, reason)

	c = &Checker{Resolver: testZone, MaxMX: 1}
	res, _, _ = c.CheckHost(context.Background(), netip.MustParseAddr("192.0.2.10"), "example.com", "", "")
	assert.Equal(t, Pass, res, "one MX is within a limit of one")
}

func TestCheckHostCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := &Checker{Resolver: testZone}
	res, reason, err := c.CheckHost(ctx, netip.MustParseAddr("192.0.2.99"), "example.com", "", "")
	assert.Equal(t, Temperror, res)
	assert.Equal(t, `example.com: "mx": context canceled`, reason)
	assert.ErrorIs(t, err, context.Canceled)
}

// TestCheckerReceiver checks %{r} in explanations.
func TestCheckerReceiver(t *testing.T) {
	z := zoneResolver{
		"r.example.com":     {{typ: "TXT", txt: "v=spf1 -all exp=why.r.example.com"}},
		"why.r.example.com": {{typ: "TXT", txt: "see %{r} %{t}"}},
	}
	for _, tc := range []struct {
		receiver, want string
	}{
		{receiver: "", want: "see unknown "},
		{receiver: "mx.example.net", want: "see mx.example.net "},
	} {
		c := &Checker{Resolver: z, Receiver: tc.receiver}
		res, text, err := c.CheckHost(context.Background(), netip.MustParseAddr("192.0.2.1"), "r.example.com", "", "")
		require.NoError(t, err)
		assert.Equal(t, Fail, res)
		assert.True(t, strings.HasPrefix(text, tc.want), text)
	}
}
