package zonediff

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ip6plan/ip6plan/plan/plantest"
	"github.com/ip6plan/ip6plan/records"
	"github.com/ip6plan/ip6plan/records/spf"
)

// files returns the zone files of the plan text src, by origin.
func files(t *testing.T, src string, serial uint32) map[string][]byte {
	t.Helper()
	a := plantest.Alloc(t, src)
	zs, err := records.ZonesOf(a, serial, spf.TXTRecords, records.ZoneOptions{})
	require.NoError(t, err)
	fs, err := zs.Files(records.Both)
	require.NoError(t, err)
	out := map[string][]byte{}
	for _, f := range fs {
		var b bytes.Buffer
		require.NoError(t, f.Write(&b, serial))
		out[f.Origin] = b.Bytes()
	}
	return out
}

func TestHandAdded(t *testing.T) {
	src, err := os.ReadFile("../testdata/complete.yaml")
	require.NoError(t, err)
	before := files(t, string(src), 1)
	after := files(t, string(src), 2) // a new serial, the same records
	// The plan without relay.partner.example.net. and mx0.
	var kept []string
	for _, line := range strings.SplitAfter(string(src), "\n") {
		if !strings.Contains(line, "name: relay.partner") && !strings.Contains(line, "name: mx0") {
			kept = append(kept, line)
		}
	}
	shrunk := files(t, strings.Join(kept, ""), 2)
	const fwd, rev = "example.com.", "6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa."
	legacy := func() []byte { // as ip6plan wrote it before zone files kept a digest
		a := plantest.Alloc(t, string(src))
		zs, err := records.ZonesOf(a, 1, spf.TXTRecords, records.ZoneOptions{})
		require.NoError(t, err)
		var b bytes.Buffer
		domain := &records.ZoneSet{Config: zs.Config, Domain: zs.Domain} // its zone alone
		require.NoError(t, domain.WriteBind(&b, records.Forward, true))
		return b.Bytes()
	}()
	add := func(b []byte, text string) []byte { return append(bytes.Clone(b), text...) }
	for _, tc := range []struct {
		name         string
		origin       string
		old, next    []byte
		want         []string
		errSubstring string
	}{
		{name: "untouched", origin: fwd, old: before[fwd], next: after[fwd]},
		{name: "untouched, hosts gone from the plan", origin: fwd, old: before[fwd], next: shrunk[fwd]},
		{name: "untouched reverse", origin: rev, old: before[rev], next: shrunk[rev]},
		{name: "a record added", origin: fwd, old: add(before[fwd], "www 300 IN CNAME mx1\n"), next: after[fwd],
			want: []string{"www.example.com.\t300\tIN\tCNAME\tmx1.example.com."}},
		{name: "a TXT record added among ip6plan's", origin: fwd,
			old:  bytes.Replace(before[fwd], []byte("mx0.example.com.\t3600"), []byte("_dmarc IN TXT \"v=DMARC1; p=none\"\nmx0.example.com.\t3600"), 1),
			next: after[fwd], want: []string{"_dmarc.example.com.\t3600\tIN\tTXT\t\"v=DMARC1; p=none\""}},
		{name: "a PTR added to a reverse zone", origin: rev, old: add(before[rev], "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 IN PTR router.example.com.\n"), next: after[rev],
			want: []string{"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa.\t3600\tIN\tPTR\trouter.example.com."}},
		{name: "a comment changed", origin: fwd, old: bytes.Replace(before[fwd], []byte("; forward zone"), []byte("; my forward zone"), 1), next: after[fwd]},
		{name: "a record deleted by hand", origin: fwd, old: bytes.Replace(before[fwd], []byte("smtp.example.com.\t3600\tIN\tAAAA\t2001:db8:d6:25::27\n"), nil, 1), next: after[fwd]},
		{name: "one of ip6plan's records written again by hand, in capitals", origin: fwd, old: add(before[fwd], "MX1.EXAMPLE.COM. 60 IN AAAA 2001:db8:d6:25::27\n"), next: after[fwd]},
		{name: "another $INCLUDE", origin: fwd, old: add(before[fwd], "$INCLUDE dkim.keys ; selectors\n"), next: after[fwd],
			want: []string{"$INCLUDE dkim.keys"}},
		{name: "edited, and hosts gone from the plan: their records are kept", origin: fwd, old: add(before[fwd], "; checked\n"), next: shrunk[fwd],
			want: []string{
				"example.com.\t3600\tIN\tMX\t5 mx0.example.com.",
				"example.com.\t3600\tIN\tMX\t30 relay.partner.example.net.",
				"mx0.example.com.\t3600\tIN\tAAAA\t2001:db8:d6:25::28",
			}},
		{name: "written before the digest, nothing added", origin: fwd, old: legacy, next: after[fwd]},
		{name: "written before the digest, a record added", origin: fwd, old: add(legacy, "www IN AAAA 2001:db8::80\n"), next: after[fwd],
			want: []string{"www.example.com.\t3600\tIN\tAAAA\t2001:db8::80"}},
		{name: "not a zone file", origin: fwd, old: []byte("this is not { a zone\n"), next: after[fwd], errSubstring: "reading the zone file of example.com."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := HandAdded(tc.origin, tc.old, tc.next)
			if tc.errSubstring != "" {
				assert.ErrorContains(t, err, tc.errSubstring)
				return
			}
			require.NoError(t, err)
			if len(tc.want) == 0 {
				assert.Empty(t, got)
				return
			}
			assert.Equal(t, tc.want, got)
		})
	}
}
