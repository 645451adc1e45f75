package dnsclient_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ip6plan/ip6plan/records"
	"github.com/ip6plan/ip6plan/records/live"
	"github.com/ip6plan/ip6plan/records/live/dnsclient"
	"github.com/ip6plan/ip6plan/records/live/namedtest"
	"github.com/ip6plan/ip6plan/records/spf"
)

func TestParseServer(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{in: "127.0.0.1:53", want: "127.0.0.1:53"},
		{in: "127.0.0.1:5353", want: "127.0.0.1:5353"},
		{in: "127.0.0.1", want: "127.0.0.1:53"},
		{in: "[::1]:5353", want: "[::1]:5353"},
		{in: "::1", want: "[::1]:53"},
		{in: "2001:db8::53", want: "[2001:db8::53]:53"},
		{in: "dns.example:53", want: "dns.example:53"},
		{in: "dns.example", want: "dns.example:53"},
		{in: "", err: "want HOST:PORT"},
		{in: "127.0.0.1:0", err: "not a number from 1 to 65535"},
		{in: "127.0.0.1:65536", err: "not a number from 1 to 65535"},
		{in: "127.0.0.1:dns", err: "not a number from 1 to 65535"},
		{in: "a b:53", err: "neither an IP address nor a host name"},
		{in: "[::1]", err: "want HOST:PORT"},
		{in: "dns;rm:53", err: "neither an IP address nor a host name"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := dnsclient.ParseServer(tc.in)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			again, err := dnsclient.ParseServer(got)
			require.NoError(t, err)
			assert.Equal(t, got, again, "ParseServer must be idempotent")
		})
	}
}

func FuzzParseServer(f *testing.F) {
	for _, s := range []string{"127.0.0.1:53", "::1", "[::1]:53", "dns.example", "x:0", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := dnsclient.ParseServer(s)
		if err != nil {
			return
		}
		host, port, err := net.SplitHostPort(got)
		if err != nil || host == "" || port == "" {
			t.Fatalf("ParseServer(%q) = %q, not HOST:PORT", s, got)
		}
		if again, err := dnsclient.ParseServer(got); err != nil || again != got {
			t.Fatalf("ParseServer(%q) = %q, but again gives %q, %v", s, got, again, err)
		}
	})
}

// zone is what the server under test serves.
const zone = `$TTL 300
@	SOA	ns hostmaster 1 3600 600 86400 300
@	NS	ns
ns	A	127.0.0.1
a	A	192.0.2.1
a	AAAA	2001:db8::1
alias	CNAME	a
spf	TXT	"v=spf1 " "ip6:2001:db8::/32" " -all"
esc	TXT	"say \"hi\" \\ \255"
two	TXT	"one"
two	TXT	"two"
mx	MX	20 b
mx	MX	10 a
null	MX	0 .
sub	NS	ns.elsewhere.example.
`

const reverse6 = `$TTL 300
@	SOA	ns.t. hostmaster.t. 1 3600 600 86400 300
@	NS	ns.t.
1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0	PTR	a.t.
`

const reverse4 = `$TTL 300
@	SOA	ns.t. hostmaster.t. 1 3600 600 86400 300
@	NS	ns.t.
1	PTR	a.t.
`

// bigZone adds 40 MX records with long names to the zone: an answer of
// more than 1232 octets, which does not fit in UDP.
func bigZone() string {
	var b strings.Builder
	b.WriteString(zone)
	for i := range 40 {
		fmt.Fprintf(&b, "big\tMX\t%d\texchanger-with-a-long-name-for-a-big-answer-%02d\n", i, i)
	}
	return b.String()
}

func server(t *testing.T) *namedtest.Server {
	t.Helper()
	return namedtest.Start(t, namedtest.Config{Zones: []namedtest.Zone{
		{Origin: "t.", Text: bigZone()},
		{Origin: "8.b.d.0.1.0.0.2.ip6.arpa.", Text: reverse6},
		{Origin: "2.0.192.in-addr.arpa.", Text: reverse4},
	}})
}

func TestClientNamed(t *testing.T) {
	ctx := context.Background()
	s := server(t)
	c := &dnsclient.Client{Server: s.Addr(), Timeout: time.Second}
	defer c.Close()

	a4, err := c.LookupA(ctx, "a.t")
	require.NoError(t, err)
	assert.Equal(t, []netip.Addr{netip.MustParseAddr("192.0.2.1")}, a4)
	a6, err := c.LookupAAAA(ctx, "alias.t.")
	require.NoError(t, err, "AAAA through a CNAME")
	assert.Equal(t, []netip.Addr{netip.MustParseAddr("2001:db8::1")}, a6)

	txt, err := c.LookupTXT(ctx, "spf.t.")
	require.NoError(t, err)
	assert.Equal(t, []string{"v=spf1 ip6:2001:db8::/32 -all"}, txt, "character-strings joined without spaces")
	txt, err = c.LookupTXT(ctx, "esc.t.")
	require.NoError(t, err)
	assert.Equal(t, []string{"say \"hi\" \\ \xff"}, txt, "escapes undone")
	txt, err = c.LookupTXT(ctx, "two.t.")
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"one", "two"}, txt)

	mx, err := c.LookupMX(ctx, "mx.t.")
	require.NoError(t, err)
	assert.Equal(t, []spf.MXHost{{Host: "a.t.", Pref: 10}, {Host: "b.t.", Pref: 20}}, mx, "in order of preference")
	mx, err = c.LookupMX(ctx, "null.t.")
	require.NoError(t, err)
	assert.Equal(t, []spf.MXHost{{Host: ".", Pref: 0}}, mx)

	ptr, err := c.LookupPTR(ctx, netip.MustParseAddr("2001:db8::1"))
	require.NoError(t, err)
	assert.Equal(t, []string{"a.t."}, ptr)
	ptr, err = c.LookupPTR(ctx, netip.MustParseAddr("192.0.2.1"))
	require.NoError(t, err)
	assert.Equal(t, []string{"a.t."}, ptr)

	soa, err := c.LookupSOA(ctx, "t.")
	require.NoError(t, err)
	assert.Equal(t, records.SOA{MName: "ns.t.", RName: "hostmaster.t.", Serial: 1, Refresh: 3600, Retry: 600, Expire: 86400, Minimum: 300}, soa)

	// The answer does not fit in 1232 octets: truncated over UDP, whole
	// over TCP.
	r, err := c.Query(ctx, "big.t.", dns.TypeMX)
	require.NoError(t, err)
	assert.False(t, r.Truncated)
	assert.Len(t, r.Answer, 40)
	assert.Greater(t, r.Len(), dnsclient.DefaultUDPSize)
	mx, err = c.LookupMX(ctx, "big.t.")
	require.NoError(t, err)
	assert.Len(t, mx, 40)

	for _, tc := range []struct {
		name      string
		lookup    func() error
		status    live.Status
		noRecords bool // the error says "no such records" to the SPF evaluator
	}{
		{name: "NXDOMAIN", lookup: func() error { _, err := c.LookupAAAA(ctx, "none.t."); return err }, status: live.NXDomain, noRecords: true},
		{name: "NODATA", lookup: func() error { _, err := c.LookupMX(ctx, "a.t."); return err }, status: live.NoData, noRecords: true},
		{name: "no SOA below the apex", lookup: func() error { _, err := c.LookupSOA(ctx, "a.t."); return err }, status: live.NoData, noRecords: true},
		{name: "no SOA at a CNAME", lookup: func() error { _, err := c.LookupSOA(ctx, "alias.t."); return err }, status: live.NoData, noRecords: true},
		{name: "NXDOMAIN reverse", lookup: func() error { _, err := c.LookupPTR(ctx, netip.MustParseAddr("2001:db8::2")); return err }, status: live.NXDomain, noRecords: true},
		{name: "referral from a server that does not recurse", lookup: func() error { _, err := c.LookupA(ctx, "x.sub.t."); return err }, status: live.Referral},
		{name: "REFUSED outside its zones", lookup: func() error { _, err := c.LookupA(ctx, "example.org."); return err }, status: live.Refused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.lookup()
			require.Error(t, err)
			assert.Equal(t, tc.status, live.StatusOf(err), err)
			assert.Equal(t, tc.noRecords, errors.Is(err, spf.ErrNoRecords), err)
			var e *live.Error
			require.ErrorAs(t, err, &e)
			assert.True(t, strings.HasSuffix(e.Name, "."), "the name in the error is fully qualified")
		})
	}
}

func TestClientTimeout(t *testing.T) {
	lo := netip.MustParseAddr("127.0.0.1")
	ap := netip.AddrPortFrom(lo, namedtest.FreePort(t, lo))
	namedtest.Silent(t, ap)
	c := &dnsclient.Client{Server: ap.String(), Timeout: 100 * time.Millisecond, Attempts: 3}
	start := time.Now()
	_, err := c.LookupMX(context.Background(), "example.com.")
	elapsed := time.Since(start)
	assert.Equal(t, live.Timeout, live.StatusOf(err), err)
	assert.False(t, errors.Is(err, spf.ErrNoRecords))
	assert.GreaterOrEqual(t, elapsed, 300*time.Millisecond, "three attempts of 100 ms")
	assert.Less(t, elapsed, 3*time.Second)
	assert.Error(t, c.Ping(context.Background()))

	// The caller's deadline cuts the attempts short.
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	c.Timeout = time.Minute
	start = time.Now()
	_, err = c.LookupMX(ctx, "example.com.")
	assert.Equal(t, live.Timeout, live.StatusOf(err), err)
	assert.Less(t, time.Since(start), 10*time.Second)
}

func TestClientConnectionRefused(t *testing.T) {
	lo := netip.MustParseAddr("127.0.0.1")
	server := netip.AddrPortFrom(lo, namedtest.FreePort(t, lo)).String() // nobody listens
	c := &dnsclient.Client{Server: server, Timeout: 5 * time.Second}
	start := time.Now()
	_, err := c.LookupA(context.Background(), "example.com.")
	assert.Equal(t, live.Failed, live.StatusOf(err), err)
	assert.Contains(t, err.Error(), "refused")
	assert.Less(t, time.Since(start), 5*time.Second, "a refused connection is not waited out")
	err = c.Ping(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not answer")
}

// testServer runs a miekg/dns server on loopback UDP with handler.
func testServer(t *testing.T, handler dns.HandlerFunc) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	started := make(chan struct{})
	s := &dns.Server{PacketConn: pc, Handler: handler, NotifyStartedFunc: func() { close(started) }}
	go s.ActivateAndServe()
	<-started
	t.Cleanup(func() { s.Shutdown() })
	return pc.LocalAddr().String()
}

func TestClientWithoutEDNS(t *testing.T) {
	// An old server that answers FORMERR to a query with an OPT record
	// (RFC 6891 §7): the client asks again without one.
	var mu sync.Mutex
	var withOPT, without int
	addr := testServer(t, func(w dns.ResponseWriter, req *dns.Msg) {
		m := new(dns.Msg)
		mu.Lock()
		defer mu.Unlock()
		if req.IsEdns0() != nil {
			withOPT++
			m.SetRcode(req, dns.RcodeFormatError)
		} else {
			without++
			m.SetReply(req)
			m.Answer = []dns.RR{&dns.A{Hdr: dns.RR_Header{Name: req.Question[0].Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: net.IPv4(192, 0, 2, 7)}}
		}
		w.WriteMsg(m)
	})
	c := &dnsclient.Client{Server: addr, Timeout: time.Second}
	got, err := c.LookupA(context.Background(), "old.example.")
	require.NoError(t, err)
	assert.Equal(t, []netip.Addr{netip.MustParseAddr("192.0.2.7")}, got)
	assert.Equal(t, 1, withOPT)
	assert.Equal(t, 1, without)
}

func TestClientWrongQuestion(t *testing.T) {
	addr := testServer(t, func(w dns.ResponseWriter, req *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(req)
		m.Question[0].Name = "other.example."
		w.WriteMsg(m)
	})
	c := &dnsclient.Client{Server: addr, Timeout: time.Second}
	_, err := c.LookupA(context.Background(), "asked.example.")
	assert.Equal(t, live.Failed, live.StatusOf(err), err)
	assert.Contains(t, err.Error(), "another question")
}

func TestClientReusesSockets(t *testing.T) {
	// Queries one after the other share a socket, for at most 100
	// queries, so that source ports still change (RFC 5452 §9.2).
	var mu sync.Mutex
	ports := map[string]int{}
	addr := testServer(t, func(w dns.ResponseWriter, req *dns.Msg) {
		mu.Lock()
		ports[w.RemoteAddr().String()]++
		mu.Unlock()
		m := new(dns.Msg)
		m.SetRcode(req, dns.RcodeNameError)
		w.WriteMsg(m)
	})
	c := &dnsclient.Client{Server: addr, Timeout: time.Second}
	defer c.Close()
	for i := range 250 {
		_, err := c.LookupA(context.Background(), fmt.Sprintf("q%d.example.", i))
		require.Equal(t, live.NXDomain, live.StatusOf(err), err)
	}
	assert.Len(t, ports, 3)
	for p, n := range ports {
		assert.LessOrEqual(t, n, 100, p)
	}
}
