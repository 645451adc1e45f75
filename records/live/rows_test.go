package live_test

import (
	"bytes"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ip6plan/ip6plan/records"
	"github.com/ip6plan/ip6plan/records/live"
)

var sampleRows = []live.Row{
	{Domain: "v6.example", IPv6: true, Status: live.OK, MX: []live.Exchanger{
		{Host: "mx1.v6.example.", Pref: 10, Status: live.NoData},
		{Host: "mx2.v6.example.", Pref: 20, AAAA: []netip.Addr{netip.MustParseAddr("2001:db8::25"), netip.MustParseAddr("2001:db8::26")}, Status: live.OK}}},
	{Domain: "implicit.example", Status: live.OK, Implicit: true, MX: []live.Exchanger{{Host: "implicit.example.", Status: live.NoData}}},
	{Domain: "null.example", Status: live.OK, NullMX: true, MX: []live.Exchanger{{Host: ".", Status: live.NoData}}},
	{Domain: "nx.example", Status: live.NXDomain, Error: "MX nx.example.: NXDOMAIN"},
	{Domain: "odd,\"name\".example", Status: live.Failed, Error: "MX x.: error: a, \"quoted\"\nline"},
}

func TestRowsJSON(t *testing.T) {
	var b bytes.Buffer
	w, err := live.NewRowWriter(&b, live.JSON, true)
	require.NoError(t, err)
	for _, r := range sampleRows {
		require.NoError(t, w.Write(r))
	}
	assert.Equal(t, len(sampleRows), strings.Count(b.String(), "\n"), "one line per row")
	first, _, _ := strings.Cut(b.String(), "\n")
	assert.Equal(t, `{"domain":"v6.example","ipv6":true,"status":"ok","mx":[{"host":"mx1.v6.example.","pref":10,"status":"NODATA"},{"host":"mx2.v6.example.","pref":20,"aaaa":["2001:db8::25","2001:db8::26"],"status":"ok"}]}`, first)
	assert.Contains(t, b.String(), `{"domain":"nx.example","ipv6":null,"status":"NXDOMAIN","mx":[],"error":"MX nx.example.: NXDOMAIN"}`)
	rows, n, err := live.ReadRows(b.Bytes())
	require.NoError(t, err)
	assert.Equal(t, b.Len(), n)
	assert.Equal(t, sampleRows, rows)

	// A last row cut short is left out, and n says where it starts.
	cut := b.Bytes()[:b.Len()-10]
	rows, n, err = live.ReadRows(cut)
	require.NoError(t, err)
	assert.Equal(t, sampleRows[:len(sampleRows)-1], rows)
	assert.Equal(t, bytes.LastIndexByte(cut, '\n')+1, n)
}

func TestRowsCSV(t *testing.T) {
	var b bytes.Buffer
	w, err := live.NewRowWriter(&b, live.CSV, true)
	require.NoError(t, err)
	for _, r := range sampleRows {
		require.NoError(t, w.Write(r))
	}
	assert.Equal(t, `domain,ipv6,status,mx,ipv6_mx,implicit,error
v6.example,yes,ok,mx1.v6.example. mx2.v6.example.,mx2.v6.example.,no,
implicit.example,no,ok,implicit.example.,,yes,
null.example,no,ok,.,,no,
nx.example,,NXDOMAIN,,,no,MX nx.example.: NXDOMAIN
"odd,""name"".example",,error,,,no,"MX x.: error: a, ""quoted"" line"
`, b.String())
	rows, n, err := live.ReadRows(b.Bytes())
	require.NoError(t, err)
	assert.Equal(t, b.Len(), n)
	require.Len(t, rows, len(sampleRows))
	for i, r := range rows {
		want := sampleRows[i]
		// CSV keeps what the tally and --resume need, and the names.
		assert.Equal(t, want.Domain, r.Domain)
		assert.Equal(t, want.IPv6, r.IPv6)
		assert.Equal(t, want.Status, r.Status)
		assert.Equal(t, want.Implicit, r.Implicit)
		assert.Equal(t, want.NullMX, r.NullMX)
		assert.Equal(t, strings.ReplaceAll(want.Error, "\n", " "), r.Error)
		assert.Len(t, r.MX, len(want.MX))
	}

	// Appending without the header, as --resume does.
	var more bytes.Buffer
	w, err = live.NewRowWriter(&more, live.CSV, false)
	require.NoError(t, err)
	require.NoError(t, w.Write(sampleRows[0]))
	assert.Equal(t, "v6.example,yes,ok,mx1.v6.example. mx2.v6.example.,mx2.v6.example.,no,\n", more.String())

	_, _, err = live.ReadRows([]byte("name,ipv6\nx,yes\n"))
	assert.ErrorContains(t, err, "header")
	_, err = live.NewRowWriter(&more, "xml", true)
	assert.ErrorContains(t, err, "unknown format")
}

func FuzzReadRows(f *testing.F) {
	for _, format := range []string{live.CSV, live.JSON} {
		var b bytes.Buffer
		w, _ := live.NewRowWriter(&b, format, true)
		for _, r := range sampleRows {
			w.Write(r)
		}
		f.Add(b.Bytes())
	}
	f.Add([]byte("{\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, n, err := live.ReadRows(data)
		if n < 0 || n > len(data) || (n > 0 && data[n-1] != '\n') {
			t.Fatalf("n = %d: not the end of a line", n)
		}
		if err != nil {
			return
		}
		// Rows read back write the same way again.
		var b bytes.Buffer
		format := live.CSV
		if bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("{")) {
			format = live.JSON
		}
		w, _ := live.NewRowWriter(&b, format, true)
		for _, r := range rows {
			w.Write(r)
		}
		again, _, err := live.ReadRows(b.Bytes())
		if err != nil || len(again) != len(rows) {
			t.Fatalf("rows written again do not read back: %v, %d of %d", err, len(again), len(rows))
		}
	})
}

func TestReadDomains(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
		errs     []string
	}{
		{name: "one per line", in: "example.com\nexample.org.\n\nEXAMPLE.net\n", want: []string{"example.com", "example.org", "example.net"}},
		{name: "ranked CSV with a header", in: "rank,domain\n1,google.com\n2,example.com\n", want: []string{"google.com", "example.com"}},
		{name: "ranked CSV without one", in: "1,google.com\r\n2,example.com\r\n", want: []string{"google.com", "example.com"}},
		{name: "header only", in: "domain\n", want: nil},
		{name: "comments, spaces, duplicates", in: "# top sites\n example.com \nexample.com\nExample.Com.\n", want: []string{"example.com"}},
		{name: "more columns", in: "example.com,3,mx\n", want: []string{"example.com"}},
		{name: "bad lines are reported and skipped", in: "example.com\nnot a domain\nlocalhost\nb\xc3\xbccher.example\nexample.org\n*.example.net\n",
			want: []string{"example.com", "example.org"},
			errs: []string{`list:2: "not a domain"`, `list:3: "localhost": not a domain with a parent`, `list:4: "bücher.example"`, `list:6: "*.example.net"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := live.ReadDomains(strings.NewReader(tc.in), "list")
			assert.Equal(t, tc.want, got)
			if len(tc.errs) == 0 {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			lines := strings.Split(err.Error(), "\n")
			require.Len(t, lines, len(tc.errs), err)
			for i, e := range tc.errs {
				assert.True(t, strings.HasPrefix(lines[i], e), "%q does not start with %q", lines[i], e)
			}
		})
	}
}

func FuzzReadDomains(f *testing.F) {
	for _, s := range []string{"example.com\n", "rank,domain\n1,a.example\n", "# x\n\"a,b\",c.d\n", "a..b\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, _ := live.ReadDomains(strings.NewReader(in), "fuzz")
		seen := map[string]bool{}
		for _, d := range got {
			if err := records.CheckName(d + "."); err != nil || d != strings.ToLower(d) || seen[d] {
				t.Fatalf("domain %q: %v, or not lower case, or twice", d, err)
			}
			seen[d] = true
		}
	})
}

func ExampleReadDomains() {
	list := "rank,domain\n1,Example.com\n2,example.org.\n3,example.com\n"
	domains, err := live.ReadDomains(strings.NewReader(list), "top.csv")
	fmt.Println(domains, err)
	// Output: [example.com example.org] <nil>
}
