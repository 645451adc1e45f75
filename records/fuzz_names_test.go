package records

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/miekg/dns"
	"github.com/stretchr/testify/require"
)

// FuzzCheckName checks that the name checks nest (every hostname is an
// owner name, every owner name a name) and that every name CheckName
// accepts is read back by miekg/dns as exactly one record owned by that
// name: no name that passes can inject a record or lose its data.
func FuzzCheckName(f *testing.F) {
	for _, tt := range nameCases() {
		f.Add(tt.input)
	}
	f.Add("zen.spamhaus.org")
	f.Fuzz(func(t *testing.T, name string) {
		errHost, errOwner, errName := CheckHostname(name), CheckOwner(name), CheckName(name)
		if errHost == nil {
			require.NoError(t, errOwner, "a hostname must be an owner name")
		}
		if errOwner == nil {
			require.NoError(t, errName, "an owner name must be a name")
		}
		for _, err := range []error{errHost, errOwner, errName} {
			if err != nil {
				require.NotContains(t, err.Error(), "\n", "errors quote what they name")
			}
		}
		if errName == nil {
			fqdn := name
			if !strings.HasSuffix(fqdn, ".") {
				fqdn += "."
			}
			line := name + " 3600 IN AAAA 2001:db8::1"
			zp := dns.NewZoneParser(strings.NewReader(line+"\n"), ".", "")
			var rrs []dns.RR
			for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
				rrs = append(rrs, rr)
			}
			require.NoError(t, zp.Err(), "%q", line)
			require.Len(t, rrs, 1, "%q", line)
			rr, err := dns.NewRR(line)
			require.NoError(t, err, "%q", line)
			for _, rr := range []dns.RR{rrs[0], rr} {
				require.True(t, strings.EqualFold(fqdn, rr.Header().Name), "%q read as owner %q", name, rr.Header().Name)
				require.IsType(t, &dns.AAAA{}, rr)
				require.Equal(t, "2001:db8::1", rr.(*dns.AAAA).AAAA.String())
			}
		}
		a := netip.MustParseAddr("2001:db8:1:2:3:4:567:89ab")
		if got, err := DNSBLName(a, name); err == nil {
			require.NoError(t, CheckOwner(got), "DNSBL name of zone %q", name)
			require.Equal(t, string(AppendDNSBLName(nil, a, name)), got)
		}
	})
}

// FuzzQuoteTXT checks that miekg/dns reads the quoted form of any string
// back as the same octets, split where SplitTXT splits, and that the
// quoted form is one line of printable ASCII.
func FuzzQuoteTXT(f *testing.F) {
	for _, s := range []string{
		"", "v=spf1 -all", `say "a\b"`, "a;b (c) $d @e", "x\"\nevil. 60 IN A 192.0.2.1",
		"\x00\t\r\x1f\x7f\x80\xff", "é", strings.Repeat("a", 254) + `"`, strings.Repeat("a", 255) + `\`,
		strings.Repeat("\\\"", 300),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 16000 {
			t.Skip("longer than a TXT record in a 64 KiB message")
		}
		q := QuoteTXT(s)
		if i := strings.IndexFunc(q, func(r rune) bool { return r < 0x20 || r >= 0x7f }); i >= 0 {
			t.Fatalf("QuoteTXT(%q) = %q: octet 0x%02x at offset %d is not printable ASCII", s, q, q[i], i)
		}
		got := parseTXT(t, "x. 3600 IN TXT "+q)
		require.Equal(t, SplitTXT(s), got)
		require.Equal(t, s, strings.Join(got, ""))
	})
}

// FuzzUnquoteTXT checks that unquoteTXT accepts exactly what QuoteTXT
// writes: any text quoted comes back, and whatever it accepts quotes back
// to the same data.
func FuzzUnquoteTXT(f *testing.F) {
	for _, s := range []string{"", "v=spf1 -all", `a"b\c`, strings.Repeat("x", 600), "\x00\xff\n", `"a" "b"`, `"a"  "b"`, `"\256"`, `"\0"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := unquoteTXT(QuoteTXT(s))
		if !ok || got != s {
			t.Fatalf("unquoteTXT(QuoteTXT(%q)) = %q, %v", s, got, ok)
		}
		if text, ok := unquoteTXT(s); ok && QuoteTXT(text) != s {
			t.Fatalf("unquoteTXT(%q) accepted %q, which quotes to %q", s, text, QuoteTXT(text))
		}
	})
}

// FuzzTxtForm checks txtForm against miekg/dns: data it accepts is read
// back as one TXT record that packs (no string over 255 octets), and
// everything unquoteTXT accepts, txtForm accepts.
func FuzzTxtForm(f *testing.F) {
	for _, s := range []string{`"v=spf1 -all"`, `"a" "b"`, `"a""b"`, `"a" "`, `"\"`, `"\255"`, `"\256"`, `"\299"`, `"a\"b"`, `""`, `x`, `"` + strings.Repeat("x", 256) + `"`, QuoteTXT(strings.Repeat("y", 600))} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		if _, ok := unquoteTXT(data); ok && !txtForm(data) {
			t.Fatalf("unquoteTXT accepts %q, txtForm does not", data)
		}
		if !txtForm(data) {
			return
		}
		rr, err := dns.NewRR("x. 1 IN TXT " + data)
		if err != nil || rr == nil {
			t.Fatalf("txtForm accepts %q, which miekg/dns reads as %v, %v", data, rr, err)
		}
		// miekg/dns keeps escapes in its strings; packing counts octets,
		// and fails on a string longer than 255.
		buf := make([]byte, 4096)
		if _, err := dns.PackRR(rr, buf, 0, nil, false); err != nil {
			t.Fatalf("txtForm accepts %q, which does not pack: %v", data, err)
		}
	})
}
