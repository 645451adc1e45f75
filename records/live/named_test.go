package live_test

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ip6plan/ip6plan/plan/plantest"
	"github.com/ip6plan/ip6plan/records/live"
	"github.com/ip6plan/ip6plan/records/live/dnsclient"
	"github.com/ip6plan/ip6plan/records/live/namedtest"
)

// TestCheckNamed serves the zones ip6plan writes for the example plan from
// BIND, through a resolver and directly, with one fault at a time, and
// wants Check to fail exactly the items each fault breaks.
func TestCheckNamed(t *testing.T) {
	namedtest.Path(t)
	a := plantest.Example(t)
	var senders []string
	for _, h := range a.Hosts {
		if h.Host.IsSender() {
			senders = append(senders, h.FQDN)
		}
	}
	require.Equal(t, []string{"mta1.example.com.", "mta2.example.com.", "mta3.example.com.", "bulk1.example.com.", "bulk2.example.com."}, senders)
	const zone = "6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa."
	all := func(items ...string) []string { // items failing for every sender
		var out []string
		for _, s := range senders {
			for _, it := range items {
				out = append(out, s+" "+it)
			}
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		fault func(d *deployment)
		want  []string // the results that fail, as "subject item"
	}{
		{name: "as planned"},
		{
			name:  "missing PTR",
			fault: func(d *deployment) { d.ptr("mta1.example.com.", "") },
			want:  []string{"mta1.example.com. ptr", "mta1.example.com. fcrdns", "mta1.example.com. helo"},
		},
		{
			// The PTR names a host whose AAAA is the address, so FCrDNS
			// holds, but the name is not the one the host gives in EHLO.
			name: "PTR to another name with the address",
			fault: func(d *deployment) {
				d.ptr("mta2.example.com.", "mail.example.com.")
				d.extra = append(d.extra, "mail.example.com.\t3600\tIN\tAAAA\t2001:db8:d6:25::80df:d617")
			},
			want: []string{"mta2.example.com. helo"},
		},
		{
			name:  "PTR to another host",
			fault: func(d *deployment) { d.ptr("mta2.example.com.", "www.example.com.") },
			want:  []string{"mta2.example.com. fcrdns", "mta2.example.com. helo"},
		},
		{
			name: "SPF without the address",
			fault: func(d *deployment) {
				d.txt[0].Data = strings.Replace(d.txt[0].Data, "ip6:2001:db8:d6::/64 ", "", 1)
			},
			want: []string{"bulk1.example.com. spf", "bulk2.example.com. spf"},
		},
		{
			name:  "AAAA not the plan's",
			fault: func(d *deployment) { d.aaaa("mta3.example.com.", "2001:db8:d6:25::99") },
			want:  []string{"mta3.example.com. aaaa", "mta3.example.com. fcrdns"},
		},
		{
			name:  "reverse zone not delegated",
			fault: func(d *deployment) { d.served = false },
			want:  append(all("ptr", "fcrdns", "helo"), zone+" reverse-zone"),
		},
		{
			name: "MX without AAAA",
			fault: func(d *deployment) {
				d.extra = append(d.extra, "example.com.\t3600\tIN\tMX\t20 mx4.example.com.", "mx4.example.com.\t3600\tIN\tA\t192.0.2.25")
			},
			want: []string{"example.com. mx"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := deploy(t, a)
			if tc.fault != nil {
				tc.fault(d)
			}
			auth, res := servers(t, d.zoneFiles(t), 0)
			for _, server := range []*namedtest.Server{res, auth} {
				c := &dnsclient.Client{Server: server.Addr(), Timeout: 2 * time.Second, Attempts: 2}
				results, err := live.Check(context.Background(), c, a)
				require.NoError(t, err)
				var failed []string
				items := map[string]bool{}
				for _, r := range results {
					items[r.Subject+" "+string(r.Item)] = true
					if !r.OK {
						failed = append(failed, r.Subject+" "+string(r.Item))
					}
				}
				assert.ElementsMatch(t, tc.want, failed, "through %s:\n%s", server.Addr(), results)
				// Every sender gets every item, and the zone and the
				// domain theirs.
				for _, it := range []string{"aaaa", "ptr", "fcrdns", "helo", "spf", "spf-helo"} {
					for _, s := range senders {
						assert.True(t, items[s+" "+it], "no %s result for %s", it, s)
					}
				}
				assert.True(t, items[zone+" reverse-zone"])
				assert.True(t, items["example.com. mx"])
			}
		})
	}
}

// TestSurveyNamed surveys more than 10,000 generated domains through BIND
// as the resolver and wants the row the generator planned for each; then
// it asks dig the same questions for a sample and wants the same answers.
func TestSurveyNamed(t *testing.T) {
	namedtest.Path(t)
	zones, domains, want := surveyZones(nil)
	require.GreaterOrEqual(t, len(domains), 10000)
	_, res := servers(t, zones, 0)
	// Two seconds a try: named retries a lost query to the root after 800
	// ms, and a loaded machine may add to that.
	c := &dnsclient.Client{Server: res.Addr(), Timeout: 2 * time.Second, Attempts: 2}
	s := &live.Survey{Resolver: c, Workers: 64}
	got := map[string]live.Row{}
	start := time.Now()
	err := s.Run(context.Background(), slices.Values(domains), func(r live.Row) error {
		if _, dup := got[r.Domain]; dup {
			return fmt.Errorf("two rows for %s", r.Domain)
		}
		got[r.Domain] = r
		return nil
	})
	require.NoError(t, err)
	t.Logf("%d domains in %v", len(domains), time.Since(start))
	require.Len(t, got, len(domains))
	bad := 0
	for _, d := range domains {
		if !assert.Equal(t, want[d], got[d], d) {
			if bad++; bad > 10 {
				t.Fatal("too many wrong rows")
			}
		}
	}

	// dig, the reference client, on the first domains of every kind.
	var sample []string
	for _, sc := range surveyCases {
		for i := range min(sc.count, 6) {
			sample = append(sample, fmt.Sprintf("%s-%d.test", sc.kind, i))
		}
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	digRows := make([]live.Row, len(sample))
	for i, d := range sample {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			digRows[i] = digSurvey(t, res, d)
		})
	}
	wg.Wait()
	for i, d := range sample {
		// A quiet domain's servers never answer. Survey asked first and
		// timed out; by the time dig asks, BIND may have given up on them
		// too and cached the failure (servfail-ttl), so dig may see
		// SERVFAIL at once. Which one dig gets depends on the machine's
		// load, not on Survey.
		if strings.HasPrefix(d, "quiet-") && digRows[i].Status == live.ServFail {
			digRows[i].Status = live.Timeout
		}
		assert.Equal(t, digRows[i], comparable(got[d]), "dig and Survey differ on %s", d)
	}
}

// comparable keeps what digSurvey can tell of a row.
func comparable(r live.Row) live.Row {
	r.Error = ""
	r.MX = slices.Clone(r.MX)
	for i := range r.MX {
		if r.MX[i].Status != live.OK && !r.MX[i].Status.NoRecords() {
			r.MX[i].Status = "failed"
		}
	}
	return r
}

// digSurvey does what Survey.Lookup does with dig: MX, then AAAA for each
// exchanger, or for the domain when it has no MX.
func digSurvey(t *testing.T, server *namedtest.Server, domain string) live.Row {
	row := live.Row{Domain: domain, Status: live.OK}
	st, answers := dig(t, server, domain+".", "MX")
	type mx struct {
		pref uint16
		host string
	}
	var hosts []mx
	switch {
	case st == live.NoData:
		row.Implicit = true
		hosts = []mx{{0, domain + "."}}
	case st != live.OK:
		row.Status = st
		return row
	default:
		for _, a := range answers {
			if f := strings.Fields(a); len(f) == 6 && f[3] == "MX" {
				var pref uint16
				fmt.Sscan(f[4], &pref)
				hosts = append(hosts, mx{pref, f[5]})
			}
		}
		slices.SortFunc(hosts, func(a, b mx) int { return cmp.Or(cmp.Compare(a.pref, b.pref), strings.Compare(a.host, b.host)) })
	}
	failed := live.OK
	for _, h := range hosts {
		e := live.Exchanger{Host: h.host, Pref: h.pref}
		if h.host == "." {
			row.NullMX = true
			e.Status = live.NoData
			row.MX = append(row.MX, e)
			continue
		}
		st, answers := dig(t, server, h.host, "AAAA")
		e.Status = st
		for _, a := range answers {
			if f := strings.Fields(a); len(f) == 5 && f[3] == "AAAA" {
				e.AAAA = append(e.AAAA, netip.MustParseAddr(f[4]))
				row.IPv6 = true
			}
		}
		if st != live.OK && !st.NoRecords() {
			e.Status = "failed"
			if failed == live.OK {
				failed = st
			}
		}
		row.MX = append(row.MX, e)
	}
	if !row.IPv6 && failed != live.OK {
		row.Status = failed
	}
	return row
}

// dig asks the server with dig and returns the status, in live's words,
// and the answer lines.
func dig(t *testing.T, server *namedtest.Server, name, qtype string) (live.Status, []string) {
	out, err := namedtest.Dig(t, server.AddrPort, "+time=2", "+tries=2", "+nocookie", "+noall", "+comments", "+answer", name, qtype)
	if strings.Contains(out, "timed out") || strings.Contains(out, "no servers could be reached") {
		return live.Timeout, nil
	}
	require.NoError(t, err)
	i := strings.Index(out, "status: ")
	require.True(t, i >= 0, out)
	status, _, _ := strings.Cut(out[i+len("status: "):], ",")
	var answers []string
	for _, l := range strings.Split(out, "\n") {
		if l != "" && !strings.HasPrefix(l, ";") {
			answers = append(answers, l)
		}
	}
	switch status {
	case "NOERROR":
		for _, a := range answers {
			if f := strings.Fields(a); len(f) > 3 && f[3] == qtype {
				return live.OK, answers
			}
		}
		return live.NoData, nil
	case "NXDOMAIN":
		return live.NXDomain, nil
	case "SERVFAIL":
		return live.ServFail, nil
	}
	return live.Status(status), nil
}
