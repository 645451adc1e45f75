package records_test

import (
	"bytes"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ip6plan/ip6plan/plan/tooltest"
	"github.com/ip6plan/ip6plan/records"
	"github.com/ip6plan/ip6plan/records/live/namedtest"
)

// TestZoneSetNsupdateNamed applies the set's nsupdate script to named on
// loopback, whose zones start with a stale SPF record, another TXT record
// and an MX the plan does not have, after showing that nsupdate refuses a
// broken script. Afterwards every record the set gives is served, the
// apex's other TXT record is still there, and a second run changes nothing.
func TestZoneSetNsupdateNamed(t *testing.T) {
	nsupdate := tooltest.Look(t, "nsupdate", "dnsutils")
	zs := zonesOf(t, completePlan(t), records.ZoneOptions{})
	apex := func(origin, extra string) namedtest.Zone {
		return namedtest.Zone{Origin: origin, Text: "$TTL 3600\n@ SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 3600\n@ NS ns1.example.com.\n" + extra}
	}
	zones := []namedtest.Zone{apex("example.com.", `ns1 AAAA 2001:db8:d6:53::53
@ TXT "v=spf1 ip6:2001:db8:d6:99::/64 -all"
@ TXT "google-site-verification=abc"
@ MX 10 old-mx.example.com.
old-mx AAAA 2001:db8:d6:25::fe
`)}
	for _, fz := range zs.Outside {
		zones = append(zones, apex(fz.Origin, ""))
	}
	for _, rz := range zs.Reverse {
		zones = append(zones, apex(rz.Name(), ""))
	}
	srv := namedtest.Start(t, namedtest.Config{Zones: zones, Options: "allow-update { any; };"})
	run := func(script string) (string, error) {
		cmd := exec.Command(nsupdate)
		cmd.Stdin = strings.NewReader("server 127.0.0.1 " + fmt.Sprint(srv.AddrPort.Port()) + "\n" + script)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("zone example.com.\nupdate add example.com. 3600 MX ten mx1.example.com.\nsend\n")
	require.Error(t, err, "nsupdate accepts a broken MX: %s", out)

	var b bytes.Buffer
	require.NoError(t, zs.WriteNsupdate(&b, "", records.Both))
	out, err = run(b.String())
	require.NoError(t, err, "nsupdate: %s\n%s\n%s", out, b.String(), srv.Log())

	ask := func(name string, qtype uint16) []string {
		m := new(dns.Msg)
		m.SetQuestion(name, qtype)
		r, _, err := (&dns.Client{Timeout: 2 * time.Second}).Exchange(m, srv.Addr())
		require.NoError(t, err)
		var got []string
		for _, rr := range r.Answer {
			got = append(got, strings.TrimPrefix(rr.String(), rr.Header().String()))
		}
		slices.Sort(got)
		return got
	}
	check := func() {
		t.Helper()
		want := map[string][]string{}
		for _, fz := range append([]records.ForwardZone{zs.Domain}, zs.Outside...) {
			for _, rr := range fz.RRs {
				key := rr.Name + " " + rr.Type
				want[key] = append(want[key], rr.Data)
			}
		}
		for key, data := range want {
			name, typ, _ := strings.Cut(key, " ")
			if key == "example.com. TXT" {
				// Added, not replaced: the other TXT record stays, and so
				// does the stale SPF record, which the script says to delete.
				data = append(data, `"google-site-verification=abc"`, `"v=spf1 ip6:2001:db8:d6:99::/64 -all"`)
			}
			slices.Sort(data)
			assert.Equal(t, data, ask(name, dns.StringToType[typ]), key)
		}
		for _, h := range zs.Hosts {
			ptr, err := records.PTRName(h.Addr)
			require.NoError(t, err)
			assert.Equal(t, []string{h.Name}, ask(ptr, dns.TypePTR), ptr)
		}
	}
	check()
	assert.Contains(t, b.String(), "; example.com. TXT: added, not replaced")
	out, err = run(b.String())
	require.NoError(t, err, "nsupdate, again: %s", out)
	check()
}
