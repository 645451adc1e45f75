package records

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/miekg/dns"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ip6plan/ip6plan/plan/tooltest"
)

func TestSplitTXT(t *testing.T) {
	a := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{name: "empty", in: "", want: []string{""}},
		{name: "short", in: "v=spf1 -all", want: []string{"v=spf1 -all"}},
		{name: "255 octets", in: a(255), want: []string{a(255)}},
		{name: "256 octets", in: a(256), want: []string{a(255), "a"}},
		{name: "510 octets", in: a(510), want: []string{a(255), a(255)}},
		{name: "511 octets", in: a(511), want: []string{a(255), a(255), "a"}},
		{name: "octets, not runes", in: strings.Repeat("é", 128), // 256 octets
			want: []string{strings.Repeat("é", 127) + "\xc3", "\xa9"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SplitTXT(tt.in)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.in, strings.Join(got, ""))
		})
	}
}

func TestQuoteTXT(t *testing.T) {
	a := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "empty", in: "", want: `""`},
		{name: "spf", in: "v=spf1 ip6:2001:db8:d6::/48 -all", want: `"v=spf1 ip6:2001:db8:d6::/48 -all"`},
		{name: "quote and backslash", in: `say "a\b"`, want: `"say \"a\\b\""`},
		{name: "zone file specials stay inside quotes", in: "a;b (c) $d @e", want: `"a;b (c) $d @e"`},
		{name: "newline injection", in: "x\"\nevil. 60 IN A 192.0.2.1", want: `"x\"\010evil. 60 IN A 192.0.2.1"`},
		{name: "control and high octets", in: "\x00\t\r\x1f\x7f\x80\xff", want: `"\000\009\013\031\127\128\255"`},
		{name: "UTF-8", in: "é", want: `"\195\169"`},
		{name: "255 octets with an escape", in: a(254) + `"`, want: `"` + a(254) + `\""`},
		{name: "escape after the split", in: a(255) + `"`, want: `"` + a(255) + `" "\""`},
		{name: "three strings", in: a(600), want: `"` + a(255) + `" "` + a(255) + `" "` + a(90) + `"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := QuoteTXT(tt.in)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, "x"+tt.want, string(AppendQuotedTXT([]byte("x"), tt.in)))
			assert.Equal(t, SplitTXT(tt.in), parseTXT(t, "x. 3600 IN TXT "+got))
		})
	}
}

// parseTXT parses a zone file text holding exactly one TXT record with
// miekg/dns and returns the octets of its character-strings as they go on
// the wire (miekg keeps TXT strings in their escaped presentation form).
func parseTXT(t testing.TB, text string) []string {
	t.Helper()
	zp := dns.NewZoneParser(strings.NewReader(text), ".", "")
	var rrs []dns.RR
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		rrs = append(rrs, rr)
	}
	require.NoError(t, zp.Err(), "%q", text)
	require.Len(t, rrs, 1, "%q", text)
	return txtOctets(t, rrs[0])
}

// txtOctets returns the character-strings of a TXT record in wire form.
func txtOctets(t testing.TB, rr dns.RR) []string {
	t.Helper()
	require.IsType(t, &dns.TXT{}, rr)
	buf := make([]byte, dns.Len(rr)+16)
	off, err := dns.PackRR(rr, buf, 0, nil, false)
	require.NoError(t, err)
	rdata := buf[off-int(rr.Header().Rdlength) : off]
	var parts []string
	for len(rdata) > 0 {
		n := int(rdata[0])
		require.LessOrEqual(t, 1+n, len(rdata))
		parts = append(parts, string(rdata[1:1+n]))
		rdata = rdata[1+n:]
	}
	return parts
}

// randomTXT returns a random string of n octets, rich in the octets zone
// files treat specially.
func randomTXT(r *rand.Rand, n int) string {
	const special = "\"\\\n\r\t ;()$@.\x00\x7f\xff"
	b := make([]byte, n)
	for i := range b {
		switch r.IntN(4) {
		case 0:
			b[i] = special[r.IntN(len(special))]
		case 1:
			b[i] = byte(r.Uint32())
		default:
			b[i] = byte('a' + r.IntN(26))
		}
	}
	return string(b)
}

// TestQuoteTXTRoundTrip parses the quoted form of random strings of 0 to
// 2000 octets with miekg/dns and gets the same octets back, in strings of
// at most 255 octets split where SplitTXT splits.
func TestQuoteTXTRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(7208, 1035))
	n := 3000
	if testing.Short() {
		n = 300
	}
	for i := range n {
		s := randomTXT(r, i%2001)
		got := parseTXT(t, "x. 3600 IN TXT "+QuoteTXT(s))
		require.Equal(t, SplitTXT(s), got, "%q", s)
		require.Equal(t, s, strings.Join(got, ""))
		for _, part := range got {
			require.LessOrEqual(t, len(part), MaxStringLen)
		}
	}
}

// TestQuoteTXTNamedCompilezone has BIND read a zone of quoted random
// strings and write it back out; miekg/dns reads BIND's output, and every
// record must hold the original octets.
func TestQuoteTXTNamedCompilezone(t *testing.T) {
	tooltest.Look(t, "named-checkzone", "bind9-utils")
	compile := tooltest.Look(t, "named-compilezone", "bind9-utils")
	const origin = "example."
	r := rand.New(rand.NewPCG(5, 1))
	var zone strings.Builder
	zone.WriteString("$TTL 3600\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 3600\n@ IN NS ns1\nns1 IN AAAA 2001:db8::53\n")
	want := map[string]string{}
	for i := range 500 {
		s := randomTXT(r, r.IntN(1200))
		owner := fmt.Sprintf("t%d.%s", i, origin)
		want[owner] = s
		zone.WriteString(owner + " IN TXT " + QuoteTXT(s) + "\n")
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "zone"), filepath.Join(dir, "out")
	require.NoError(t, os.WriteFile(in, []byte(zone.String()), 0o644))
	msg, err := exec.Command(compile, "-q", "-i", "local", "-k", "fail", "-o", out, origin, in).CombinedOutput()
	require.NoError(t, err, "named-compilezone:\n%s", msg)
	text, err := os.ReadFile(out)
	require.NoError(t, err)
	zp := dns.NewZoneParser(strings.NewReader(string(text)), origin, "")
	seen := 0
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		s, isOurs := want[rr.Header().Name]
		if !isOurs {
			continue
		}
		seen++
		require.Equal(t, s, strings.Join(txtOctets(t, rr), ""), "%s", rr.Header().Name)
	}
	require.NoError(t, zp.Err())
	require.Equal(t, len(want), seen, "records in BIND's output")
}

func TestAppendQuotedTXTNoAllocs(t *testing.T) {
	s := strings.Repeat("v=spf1 ip6:2001:db8:d6::/48 ", 12)
	buf := make([]byte, 0, 4*len(s))
	assert.Zero(t, testing.AllocsPerRun(100, func() { buf = AppendQuotedTXT(buf[:0], s) }))
}
