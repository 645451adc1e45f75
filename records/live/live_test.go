package live_test

import (
	"context"
	"errors"
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
	"github.com/ip6plan/ip6plan/records"
	"github.com/ip6plan/ip6plan/records/live"
	"github.com/ip6plan/ip6plan/records/spf"
)

// fakeOf answers what the deployment publishes.
func fakeOf(d *deployment) *fake {
	f := newFake()
	for _, rr := range d.forward {
		a := netip.MustParseAddr(rr.Data)
		if rr.Type == "AAAA" {
			f.aaaa[rr.Name] = append(f.aaaa[rr.Name], a)
		} else {
			f.a[rr.Name] = append(f.a[rr.Name], a)
		}
	}
	for _, rr := range d.txt {
		f.txt[rr.Name] = append(f.txt[rr.Name], strings.Trim(rr.Data, `"`))
	}
	for _, h := range d.reverse {
		f.ptr[h.Addr] = append(f.ptr[h.Addr], h.Name)
	}
	for _, z := range d.zones {
		f.soa[z.Name()] = records.SOA{MName: d.cfg.SOA.MName, Serial: d.cfg.SOA.Serial}
	}
	f.soa["example.com."] = records.SOA{MName: d.cfg.SOA.MName}
	f.mx["example.com."] = []spf.MXHost{{Host: "mta1.example.com.", Pref: 10}}
	return f
}

// TestCheck covers what named cannot easily be made to answer: several
// PTRs, answers that fail, MX edge cases.
func TestCheck(t *testing.T) {
	a := plantest.Example(t)
	mta1 := netip.MustParseAddr("2001:db8:d6:25::25")
	for _, tc := range []struct {
		name   string
		fault  func(f *fake)
		want   []string // failing results as "subject item"
		detail string   // in the first failing result's detail
	}{
		{name: "as planned"},
		{
			name:   "two PTRs, one of them right",
			fault:  func(f *fake) { f.ptr[mta1] = append(f.ptr[mta1], "mail.example.net.") },
			want:   []string{"mta1.example.com. ptr"},
			detail: "2 PTR records (mta1.example.com., mail.example.net.), want exactly one",
		},
		{
			name: "an AAAA more than the plan's",
			fault: func(f *fake) {
				f.aaaa["mta1.example.com."] = append(f.aaaa["mta1.example.com."], netip.MustParseAddr("2001:db8::99"))
			},
			want:   []string{"mta1.example.com. aaaa"},
			detail: "AAAA is 2001:db8:d6:25::25, 2001:db8::99, the plan says only 2001:db8:d6:25::25",
		},
		{
			name: "PTR lookup fails",
			fault: func(f *fake) {
				f.fail["PTR 5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.5.2.0.0.6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa."] = live.ServFail
			},
			want:   []string{"mta1.example.com. ptr", "mta1.example.com. fcrdns", "mta1.example.com. helo"},
			detail: "SERVFAIL",
		},
		{
			name:   "SPF record cannot be fetched",
			fault:  func(f *fake) { f.fail["TXT example.com."] = live.Timeout },
			want:   []string{"mta1.example.com. spf", "mta2.example.com. spf", "mta3.example.com. spf", "bulk1.example.com. spf", "bulk2.example.com. spf"},
			detail: "temperror",
		},
		{
			name:   "no SPF for a HELO name",
			fault:  func(f *fake) { delete(f.txt, "bulk2.example.com.") },
			want:   []string{"bulk2.example.com. spf-helo"},
			detail: "none",
		},
		{
			name:  "no MX, the domain has AAAA",
			fault: func(f *fake) { delete(f.mx, "example.com."); f.aaaa["example.com."] = []netip.Addr{mta1} },
		},
		{
			name:   "no MX, the domain has no AAAA",
			fault:  func(f *fake) { delete(f.mx, "example.com.") },
			want:   []string{"example.com. mx"},
			detail: "RFC 5321 §5.1",
		},
		{
			name:   "null MX",
			fault:  func(f *fake) { f.mx["example.com."] = []spf.MXHost{{Host: "."}} },
			want:   []string{"example.com. mx"},
			detail: "RFC 7505",
		},
		{
			name:   "MX lookup fails",
			fault:  func(f *fake) { f.fail["MX example.com."] = live.ServFail },
			want:   []string{"example.com. mx"},
			detail: "no MX record: SERVFAIL",
		},
		{
			name:   "reverse zone without SOA",
			fault:  func(f *fake) { delete(f.soa, "6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa.") },
			want:   []string{"6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa. reverse-zone"},
			detail: "not delegated or not served: NXDOMAIN",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := fakeOf(deploy(t, a))
			if tc.fault != nil {
				tc.fault(f)
			}
			results, err := live.Check(context.Background(), f, a)
			require.NoError(t, err)
			assert.Len(t, results, 5*6+2)
			var failed []string
			detail := ""
			for _, r := range results {
				if !r.OK {
					failed = append(failed, r.Subject+" "+string(r.Item))
					if detail == "" {
						detail = r.Detail
					}
				}
			}
			assert.ElementsMatch(t, tc.want, failed, "%v", results)
			assert.Contains(t, detail, tc.detail)
		})
	}
}

func TestCheckNeedsDomain(t *testing.T) {
	a := plantest.Example(t)
	p := *a.Plan
	p.Domain = ""
	b := *a
	b.Plan = &p
	_, err := live.Check(context.Background(), newFake(), &b)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no domain")
}

func TestSurveyLookup(t *testing.T) {
	addr := netip.MustParseAddr("2001:db8::25")
	f := newFake()
	f.mx["v6.example."] = []spf.MXHost{{Host: "mx.v6.example.", Pref: 10}}
	f.aaaa["mx.v6.example."] = []netip.Addr{addr}
	f.mx["v4.example."] = []spf.MXHost{{Host: "mx.v4.example.", Pref: 10}}
	f.a["mx.v4.example."] = []netip.Addr{netip.MustParseAddr("192.0.2.1")}
	f.aaaa["implicit.example."] = []netip.Addr{addr}
	f.a["implicit4.example."] = []netip.Addr{netip.MustParseAddr("192.0.2.1")}
	f.mx["null.example."] = []spf.MXHost{{Host: "."}}
	f.mx["broken.example."] = []spf.MXHost{{Host: "mx1.broken.example.", Pref: 10}, {Host: "mx2.broken.example.", Pref: 20}}
	f.fail["AAAA mx1.broken.example."] = live.ServFail
	f.mx["halfbroken.example."] = []spf.MXHost{{Host: "mx1.broken.example.", Pref: 10}, {Host: "mx.v6.example.", Pref: 20}}
	f.txt["selfbroken.example."] = []string{"v=spf1 -all"}
	f.fail["AAAA selfbroken.example."] = live.Timeout
	f.fail["MX lame.example."] = live.ServFail

	ex := func(host string, pref uint16, st live.Status, addrs ...netip.Addr) live.Exchanger {
		return live.Exchanger{Host: host, Pref: pref, AAAA: addrs, Status: st}
	}
	for _, tc := range []struct {
		domain string
		want   live.Row
	}{
		{"v6.example", live.Row{Domain: "v6.example", IPv6: true, Status: live.OK, MX: []live.Exchanger{ex("mx.v6.example.", 10, live.OK, addr)}}},
		{"V6.Example.", live.Row{Domain: "v6.example", IPv6: true, Status: live.OK, MX: []live.Exchanger{ex("mx.v6.example.", 10, live.OK, addr)}}},
		{"v4.example", live.Row{Domain: "v4.example", Status: live.OK, MX: []live.Exchanger{ex("mx.v4.example.", 10, live.NoData)}}},
		{"implicit.example", live.Row{Domain: "implicit.example", IPv6: true, Status: live.OK, Implicit: true, MX: []live.Exchanger{ex("implicit.example.", 0, live.OK, addr)}}},
		{"implicit4.example", live.Row{Domain: "implicit4.example", Status: live.OK, Implicit: true, MX: []live.Exchanger{ex("implicit4.example.", 0, live.NoData)}}},
		{"null.example", live.Row{Domain: "null.example", Status: live.OK, NullMX: true, MX: []live.Exchanger{ex(".", 0, live.NoData)}}},
		{"nx.example", live.Row{Domain: "nx.example", Status: live.NXDomain, Error: "MX nx.example.: NXDOMAIN"}},
		{"lame.example", live.Row{Domain: "lame.example", Status: live.ServFail, Error: "MX lame.example.: SERVFAIL"}},
		{"broken.example", live.Row{Domain: "broken.example", Status: live.ServFail, Error: "AAAA mx1.broken.example.: SERVFAIL",
			MX: []live.Exchanger{ex("mx1.broken.example.", 10, live.ServFail), ex("mx2.broken.example.", 20, live.NXDomain)}}},
		{"halfbroken.example", live.Row{Domain: "halfbroken.example", IPv6: true, Status: live.OK,
			MX: []live.Exchanger{ex("mx1.broken.example.", 10, live.ServFail), ex("mx.v6.example.", 20, live.OK, addr)}}},
		{"selfbroken.example", live.Row{Domain: "selfbroken.example", Status: live.Timeout, Implicit: true, Error: "AAAA selfbroken.example.: timeout",
			MX: []live.Exchanger{ex("selfbroken.example.", 0, live.Timeout)}}},
	} {
		t.Run(tc.domain, func(t *testing.T) {
			s := &live.Survey{Resolver: f}
			assert.Equal(t, tc.want, s.Lookup(context.Background(), tc.domain))
		})
	}
}

// TestSurveySharedHosts wants one AAAA lookup for an exchanger that many
// domains share, however many workers ask at once.
func TestSurveySharedHosts(t *testing.T) {
	f := newFake()
	var domains []string
	for i := range 500 {
		d := fmt.Sprintf("d%d.example", i)
		domains = append(domains, d)
		f.mx[d+"."] = []spf.MXHost{{Host: "mx.provider.example.", Pref: 10}, {Host: fmt.Sprintf("own.d%d.example.", i), Pref: 20}}
	}
	f.aaaa["mx.provider.example."] = []netip.Addr{netip.MustParseAddr("2001:db8::25")}
	s := &live.Survey{Resolver: f, Workers: 50}
	n := 0
	require.NoError(t, s.Run(context.Background(), slices.Values(domains), func(r live.Row) error {
		n++
		assert.True(t, r.IPv6, r.Domain)
		return nil
	}))
	assert.Equal(t, 500, n)
	assert.Equal(t, 1, f.count("AAAA mx.provider.example."))
	assert.Equal(t, 1, f.count("AAAA own.d7.example."))
}

// TestSurveyRunStops stops a run part way: rows already emitted are
// whole, and the domains cut short get no row.
func TestSurveyRunStops(t *testing.T) {
	f := newFake()
	var domains []string
	for i := range 200 {
		d := fmt.Sprintf("d%d.example", i)
		domains = append(domains, d)
		f.mx[d+"."] = []spf.MXHost{{Host: "mx." + d + ".", Pref: 10}}
		if i%10 == 9 {
			f.block["MX "+d+"."] = true // never answers
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := &live.Survey{Resolver: f, Workers: 8}
	var rows []live.Row
	err := s.Run(ctx, slices.Values(domains), func(r live.Row) error {
		rows = append(rows, r)
		if len(rows) == 20 {
			cancel()
		}
		return nil
	})
	assert.ErrorIs(t, err, context.Canceled)
	assert.GreaterOrEqual(t, len(rows), 20)
	assert.Less(t, len(rows), 180)
	for _, r := range rows {
		assert.Equal(t, live.OK, r.Status, r.Domain)
	}

	// An error from emit stops the run and comes back.
	stop := errors.New("disk full")
	n := 0
	err = (&live.Survey{Resolver: newFake(), Workers: 4}).Run(context.Background(), slices.Values(domains), func(live.Row) error {
		n++
		if n == 5 {
			return stop
		}
		return nil
	})
	assert.ErrorIs(t, err, stop)
	assert.Equal(t, 5, n)
}

func TestSurveyRunBounded(t *testing.T) {
	// No more than Workers lookups at a time.
	var mu sync.Mutex
	in, most := 0, 0
	r := resolverFunc(func(ctx context.Context, name string) ([]spf.MXHost, error) {
		mu.Lock()
		in++
		most = max(most, in)
		mu.Unlock()
		time.Sleep(time.Millisecond)
		mu.Lock()
		in--
		mu.Unlock()
		return nil, &live.Error{Name: name, Type: "MX", Status: live.NXDomain}
	})
	var domains []string
	for i := range 300 {
		domains = append(domains, fmt.Sprintf("d%d.example", i))
	}
	require.NoError(t, (&live.Survey{Resolver: r, Workers: 7}).Run(context.Background(), slices.Values(domains), func(live.Row) error { return nil }))
	assert.LessOrEqual(t, most, 7)
	assert.Greater(t, most, 1)
}

// resolverFunc answers MX lookups with a function and has no AAAA records.
type resolverFunc func(ctx context.Context, name string) ([]spf.MXHost, error)

func (f resolverFunc) LookupMX(ctx context.Context, name string) ([]spf.MXHost, error) {
	return f(ctx, name)
}

func (f resolverFunc) LookupAAAA(ctx context.Context, name string) ([]netip.Addr, error) {
	return nil, &live.Error{Name: name, Type: "AAAA", Status: live.NoData}
}

func TestTally(t *testing.T) {
	var tally live.Tally
	assert.Equal(t, "0 of 0 domains (0.0%) have an IPv6 mail exchanger; 0 answered, 0 failed", tally.String())
	for _, r := range []live.Row{
		{Status: live.OK, IPv6: true}, {Status: live.OK, IPv6: true}, {Status: live.OK},
		{Status: live.NXDomain}, {Status: live.Timeout}, {Status: live.Timeout}, {Status: live.OK}, {Status: live.OK},
	} {
		tally.Add(r)
	}
	assert.Equal(t, "2 of 8 domains (25.0%) have an IPv6 mail exchanger; 5 answered, 3 failed (NXDOMAIN 1, timeout 2)", tally.String())
}

func TestProgressLine(t *testing.T) {
	assert.Equal(t, "[..............................] 0/200   0%", live.ProgressLine(0, 200, 0))
	assert.Equal(t, "[###############...............] 100/200  50% 50/s, 2s left", live.ProgressLine(100, 200, 2*time.Second))
	assert.Equal(t, "[##############################] 200/200 100% 100/s, 0s left", live.ProgressLine(200, 200, 2*time.Second))
}

func TestStatusOf(t *testing.T) {
	assert.Equal(t, live.OK, live.StatusOf(nil))
	assert.Equal(t, live.NoData, live.StatusOf(fmt.Errorf("wrapped: %w", spf.ErrNoRecords)))
	assert.Equal(t, live.Timeout, live.StatusOf(context.DeadlineExceeded))
	assert.Equal(t, live.Failed, live.StatusOf(errors.New("something")))
	e := &live.Error{Name: "x.", Type: "MX", Status: live.NXDomain}
	assert.Equal(t, live.NXDomain, live.StatusOf(fmt.Errorf("wrapped: %w", e)))
	assert.ErrorIs(t, e, spf.ErrNoRecords, "NXDOMAIN is a void lookup to SPF")
	assert.NotErrorIs(t, &live.Error{Status: live.ServFail}, spf.ErrNoRecords)
	assert.Equal(t, "MX x.: NXDOMAIN", e.Error())
	inner := errors.New("connection refused")
	assert.Equal(t, "A y.: error: connection refused", (&live.Error{Name: "y.", Type: "A", Status: live.Failed, Err: inner}).Error())
	assert.ErrorIs(t, &live.Error{Status: live.Failed, Err: inner}, inner)
}
