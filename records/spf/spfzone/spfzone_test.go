package spfzone

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ip6plan/ip6plan/records"
	"github.com/ip6plan/ip6plan/records/spf"
)

// zone is a small zone with a split SPF chain, an ESP's include that is
// not in it, a and mx targets, a CNAME and a long record in two strings.
const zone = `$TTL 300
@	SOA	ns1 hostmaster 1 3600 600 86400 300
@	NS	ns1
ns1	A	192.0.2.53
@	MX	10 mx1
@	MX	20 mx2.example.com.
@	TXT	"google-site-verification=abc"
@	TXT	"v=spf1 mx a:relay.example.com include:_spf1.example.com include:_spf2.example.com. include:_spf.esp.example.net -all exp=why.%{d}"
_spf1	TXT	"v=spf1 ip6:2001:db8:d6:25::/64 " "ip6:2001:db8:d6:26::/64"
_spf2	TXT	"v=spf1 ip4:192.0.2.25"
why	TXT	"%{c} is not one of %{d}'s senders; see \"https://example.com/spf\" \\ \065"
mx1	AAAA	2001:db8:d6:1::25
mx2	A	192.0.2.26
relay	CNAME	mta1
mta1	AAAA	2001:db8:d6:2::25
long	TXT	"v=spf1` + " " + `ip6:2001:db8:0:1::1 ip6:2001:db8:0:2::1 ip6:2001:db8:0:3::1 ip6:2001:db8:0:4::1 ip6:2001:db8:0:5::1 ip6:2001:db8:0:6::1 ip6:2001:db8:0:7::1 ip6:2001:db8:0:8::1 ip6:2001:db8:0:9::1 ip6:2001:db8:0:a::1 ip6:2001:db8:0:b::1 ip6:2001:db8:0:c::1 ip6:2001" ":db8:0:d::1 -all"
$ORIGIN 2.0.192.in-addr.arpa.
25	PTR	mta1.example.com.
`

func TestParse(t *testing.T) {
	ctx := context.Background()
	s, err := Parse(strings.NewReader(zone), "example.com", "zone.db")
	require.NoError(t, err)
	assert.Equal(t, []string{"example.com."}, s.Zones)

	txt, err := s.LookupTXT(ctx, "example.com")
	require.NoError(t, err)
	assert.Equal(t, []string{"google-site-verification=abc", "v=spf1 mx a:relay.example.com include:_spf1.example.com include:_spf2.example.com. include:_spf.esp.example.net -all exp=why.%{d}"}, txt)
	txt, err = s.LookupTXT(ctx, "_spf1.example.com")
	require.NoError(t, err)
	assert.Equal(t, []string{"v=spf1 ip6:2001:db8:d6:25::/64 ip6:2001:db8:d6:26::/64"}, txt, "strings joined")
	txt, err = s.LookupTXT(ctx, "why.example.com")
	require.NoError(t, err)
	assert.Equal(t, []string{`%{c} is not one of %{d}'s senders; see "https://example.com/spf" \ A`}, txt, "escapes decoded")
	txt, err = s.LookupTXT(ctx, "long.example.com")
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(txt[0], "ip6:2001:db8:0:d::1 -all"))

	a, err := s.LookupAAAA(ctx, "relay.example.com")
	require.NoError(t, err)
	assert.Equal(t, []netip.Addr{netip.MustParseAddr("2001:db8:d6:2::25")}, a)
	mx, err := s.LookupMX(ctx, "example.com")
	require.NoError(t, err)
	assert.Equal(t, []spf.MXHost{{Host: "mx1.example.com.", Pref: 10}, {Host: "mx2.example.com.", Pref: 20}}, mx)
	ptr, err := s.LookupPTR(ctx, netip.MustParseAddr("192.0.2.25"))
	require.NoError(t, err)
	assert.Equal(t, []string{"mta1.example.com."}, ptr)

	_, err = s.LookupTXT(ctx, "_spf3.example.com")
	assert.ErrorIs(t, err, spf.ErrNoRecords, "in the zone: NXDOMAIN")
	_, err = s.LookupTXT(ctx, "_spf.esp.example.net")
	assert.ErrorIs(t, err, spf.ErrOffline, "outside the zone: unknown")
}

// TestCheckThroughZone checks a whole chain offline, as `ip6plan spf
// check --zone` will, and shows the same check failing on a broken zone.
func TestCheckThroughZone(t *testing.T) {
	s, err := Parse(strings.NewReader(zone), "example.com.", "zone.db")
	require.NoError(t, err)
	require.NoError(t, s.AddPair("_spf.esp.example.net=v=spf1 ip4:198.51.100.0/24 -all"))
	c := &spf.Checker{Resolver: s}
	for _, tc := range []struct {
		ip   string
		want spf.Result
		why  string
	}{
		{"2001:db8:d6:25::1", spf.Pass, `"include:_spf1.example.com" matched at example.com`},
		{"2001:db8:d6:26::1", spf.Pass, ""},
		{"192.0.2.25", spf.Pass, `"include:_spf2.example.com." matched at example.com`},
		{"198.51.100.7", spf.Pass, `"include:_spf.esp.example.net" matched at example.com`},
		{"2001:db8:d6:1::25", spf.Pass, `"mx" matched at example.com`},
		{"192.0.2.26", spf.Pass, `"mx" matched at example.com`},
		{"2001:db8:d6:2::25", spf.Pass, `"a:relay.example.com" matched at example.com`},
		{"2001:db8:d6:27::1", spf.Fail, "2001:db8:d6:27::1 is not one of example.com's senders; see \"https://example.com/spf\" \\ A"},
	} {
		got, why, _ := c.CheckHost(context.Background(), netip.MustParseAddr(tc.ip), "example.com", "bounce@example.com", "mta1.example.com")
		assert.Equal(t, tc.want, got, "%s: %s", tc.ip, why)
		if tc.why != "" {
			assert.Equal(t, tc.why, why, tc.ip)
		}
	}

	// Without _spf2 the zone answers NXDOMAIN for it: permerror.
	broken, err := Parse(strings.NewReader(strings.Replace(zone, "_spf2\tTXT", ";", 1)), "example.com.", "zone.db")
	require.NoError(t, err)
	require.NoError(t, broken.AddPair("_spf.esp.example.net=v=spf1 ip4:198.51.100.0/24 -all"))
	got, why, err := (&spf.Checker{Resolver: broken}).CheckHost(context.Background(), netip.MustParseAddr("192.0.2.25"), "example.com", "bounce@example.com", "")
	assert.Equal(t, spf.Permerror, got, why)
	assert.ErrorContains(t, err, "no SPF record at _spf2.example.com")
	// Without the ESP's record it cannot know: temperror, saying so.
	partial, err := Parse(strings.NewReader(zone), "example.com.", "zone.db")
	require.NoError(t, err)
	got, _, err = (&spf.Checker{Resolver: partial}).CheckHost(context.Background(), netip.MustParseAddr("2001:db8:d6:27::1"), "example.com", "bounce@example.com", "")
	assert.Equal(t, spf.Temperror, got)
	assert.ErrorIs(t, err, spf.ErrOffline)
}

// TestSplitChainRoundTrip writes a split chain as zone file TXT records,
// reads it back, and finds every record as Split made it.
func TestSplitChainRoundTrip(t *testing.T) {
	r := &spf.Record{}
	for i := range 60 {
		r.Terms = append(r.Terms, spf.Term{Kind: spf.IP6, Prefix: netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 6: byte(i), 15: byte(3 * i)}), 128)})
	}
	r.Terms = append(r.Terms, spf.Term{Kind: spf.All, Qualifier: spf.QualifierFail})
	chain, err := spf.Split(r, "example.com")
	require.NoError(t, err)
	require.Greater(t, len(chain), 2)
	var b strings.Builder
	for _, nr := range chain {
		b.WriteString(nr.Name + "\t300\tIN\tTXT\t" + spf.TXT(nr.Record) + "\n")
	}
	s, err := Parse(strings.NewReader(b.String()), "example.com.", "")
	require.NoError(t, err)
	for _, nr := range chain {
		txt, err := s.LookupTXT(context.Background(), nr.Name)
		require.NoError(t, err)
		assert.Equal(t, []string{nr.Record.String()}, txt)
	}
	assert.Empty(t, spf.LintChain(chain))
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text, origin, file, err string
	}{
		{name: "bad AAAA", text: "$TTL 300\nmx1 AAAA 2001:db8::x\n", origin: "example.com", file: "zone.db", err: `zone.db: dns: bad AAAA AAAA: "2001:db8::x" at line: 2:20`},
		{name: "unterminated string", text: "@ TXT \"v=spf1\n", origin: "example.com", file: "zone.db", err: "zone.db: dns: bad TXT Txt: \" \" at line: 1:6"},
		{name: "include without a file", text: "$INCLUDE other.db\n", origin: "example.com", err: `dns: $INCLUDE directive not allowed: "other.db" at line: 1:17`},
		{name: "relative name without an origin", text: "x 300 TXT \"y\"\n", err: `dns: bad owner name: "x" at line: 1:2`},
		{name: "bad origin", text: "", origin: "a..b", err: `spfzone: origin "a..b." is not a domain name`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.text), tc.origin, tc.file)
			assert.EqualError(t, err, tc.err)
		})
	}
}

// TestInclude reads a zone that $INCLUDEs hand-kept records, relative to
// its own directory.
func TestInclude(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "hand.db"), []byte("_spf.hand TXT \"v=spf1 ip4:192.0.2.0/24\"\n"), 0o644))
	main := filepath.Join(dir, "example.com.db")
	require.NoError(t, os.WriteFile(main, []byte("$TTL 300\n@ TXT \"v=spf1 include:_spf.hand -all\"\n$INCLUDE hand.db\n"), 0o644))
	f, err := os.Open(main)
	require.NoError(t, err)
	defer f.Close()
	s, err := Parse(f, "example.com", main)
	require.NoError(t, err)
	txt, err := s.LookupTXT(context.Background(), "_spf.hand.example.com")
	require.NoError(t, err)
	assert.Equal(t, []string{"v=spf1 ip4:192.0.2.0/24"}, txt)
	assert.Equal(t, []string{"example.com."}, s.Zones, "a file without an SOA speaks for its origin")
}

func TestReverseAddr(t *testing.T) {
	for _, a := range []string{"192.0.2.25", "0.0.0.0", "255.255.255.255", "2001:db8:d6:25::25", "::", "fe80::1:2:3:4"} {
		addr := netip.MustParseAddr(a)
		name := ""
		if addr.Is4() {
			b := addr.As4()
			name = strings.Join([]string{itoa(b[3]), itoa(b[2]), itoa(b[1]), itoa(b[0]), "in-addr", "arpa."}, ".")
		} else {
			var err error
			name, err = records.PTRName(addr)
			require.NoError(t, err)
		}
		got, ok := reverseAddr(strings.ToUpper(name))
		assert.True(t, ok, name)
		assert.Equal(t, addr, got, name)
	}
	for _, bad := range []string{"2.0.192.in-addr.arpa.", "256.2.0.192.in-addr.arpa", "025.2.0.192.in-addr.arpa", "x.2.0.192.in-addr.arpa",
		"1.ip6.arpa", "10.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa", "g.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa", "example.com"} {
		_, ok := reverseAddr(bad)
		assert.False(t, ok, bad)
	}
}

func itoa(b byte) string { return strconv.Itoa(int(b)) }
