package records

import (
	"encoding/hex"
	"testing"

	"github.com/miekg/dns"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// txtThroughWire sends the octets of one character-string through a DNS
// message as miekg/dns packs and unpacks it, and returns the string
// miekg/dns gives back: in presentation form, with escapes.
func txtThroughWire(t testing.TB, raw []byte) string {
	t.Helper()
	rdata := append([]byte{byte(len(raw))}, raw...)
	m := new(dns.Msg)
	m.SetQuestion("x.", dns.TypeTXT)
	m.Answer = []dns.RR{&dns.RFC3597{Hdr: dns.RR_Header{Name: "x.", Rrtype: dns.TypeTXT, Class: dns.ClassINET}, Rdata: hex.EncodeToString(rdata)}}
	wire, err := m.Pack()
	require.NoError(t, err)
	var back dns.Msg
	require.NoError(t, back.Unpack(wire))
	txt, ok := back.Answer[0].(*dns.TXT)
	require.True(t, ok)
	require.Len(t, txt.Txt, 1)
	return txt.Txt[0]
}

func TestUnescapeString(t *testing.T) {
	for _, tc := range []struct {
		name string
		raw  string
	}{
		{name: "plain", raw: "v=spf1 ip6:2001:db8::/32 -all"},
		{name: "quote and backslash", raw: `say "hi" \ bye`},
		{name: "control and high octets", raw: "a\x00b\x7fc\xffd\n"},
		{name: "digits after a backslash", raw: `\123`},
		{name: "empty", raw: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			escaped := txtThroughWire(t, []byte(tc.raw))
			assert.Equal(t, tc.raw, UnescapeString(escaped), "escaped form %q", escaped)
		})
	}
}

func FuzzUnescapeString(f *testing.F) {
	for _, s := range []string{"v=spf1 -all", `"\`, "\x00\xff", `\065`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) > 255 {
			raw = raw[:255]
		}
		if got := UnescapeString(txtThroughWire(t, raw)); got != string(raw) {
			t.Fatalf("UnescapeString gives %q, want %q", got, raw)
		}
	})
}
