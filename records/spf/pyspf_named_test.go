package spf

import (
	"bufio"
	"fmt"
	"net/netip"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ip6plan/ip6plan/plan/plantest"
	"github.com/ip6plan/ip6plan/records/live/namedtest"
)

// pyspfLiveScript reads "ip sender" lines and prints pyspf's check_host
// result and explanation for each, tab-separated, asking the DNS server
// on 127.0.0.1 at the port of its argument: a real resolver library
// (dnspython) against a real server, no stubs.
const pyspfLiveScript = `
import sys, spf, dns.resolver
r = dns.resolver.Resolver(configure=False)
r.nameservers = ['127.0.0.1']
r.port = int(sys.argv[1])
r.lifetime = 5
dns.resolver.default_resolver = r
for line in sys.stdin:
    ip, sender = line.split()
    try:
        res = spf.query(i=ip, s=sender, h='mail.example.com').check()
        out = res[0] + '\t' + str(res[2])
    except Exception as e:
        out = 'exception\t' + type(e).__name__ + ': ' + str(e)
    sys.stdout.write(out.replace('\n', ' ') + '\n')
`

// spfZone returns zone file text for origin holding the chain's TXT
// records, as TXT writes them for zone files.
func spfZone(origin string, chain []NamedRecord, extra ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "$ORIGIN %s\n$TTL 300\n@\tSOA\tns1.%s hostmaster.%s 1 3600 600 86400 300\n@\tNS\tns1.%s\nns1\tA\t127.0.0.1\n", origin, origin, origin, origin)
	for _, nr := range chain {
		fmt.Fprintf(&b, "%s\tTXT\t%s\n", nr.Name, TXT(nr.Record))
	}
	for _, line := range extra {
		b.WriteString(line + "\n")
	}
	return b.String()
}

// pyspfAgainst starts named serving zones and asks pyspf for the result
// of each client address, for the sender bounce@example.com.
func pyspfAgainst(t *testing.T, python string, zones []namedtest.Zone, ips []netip.Addr) (results, why []string) {
	t.Helper()
	s := namedtest.Start(t, namedtest.Config{Zones: zones})
	var in strings.Builder
	for _, ip := range ips {
		fmt.Fprintf(&in, "%s bounce@example.com\n", ip)
	}
	cmd := exec.Command(python, "-W", "ignore", "-c", pyspfLiveScript, strconv.Itoa(int(s.AddrPort.Port())))
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	require.NoError(t, err, "%s", out)
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		res, expl, _ := strings.Cut(sc.Text(), "\t")
		results = append(results, res)
		why = append(why, expl)
	}
	require.Len(t, results, len(ips))
	return results, why
}

// TestPyspfNamedSplit publishes the split records of a plan with 40
// host-scoped senders on a real named on loopback and asks pyspf (with
// dnspython, no stubs) for check_host: every sender passes through the
// whole chain, the plan's other hosts and outside addresses fail. First it
// shows that the same check rejects broken chains: a missing included
// record, and one include too many, both give permerror.
func TestPyspfNamedSplit(t *testing.T) {
	python := pyspfPython(t)
	namedtest.Path(t)
	a := plantest.Alloc(t, fortySenders())
	chain, err := BuildChain(a)
	require.NoError(t, err)
	require.Greater(t, len(chain), 3)
	esp := spfZone("example.net.", nil, `_spf.esp.example.net.	TXT	"v=spf1 ip4:198.51.100.0/24 -all"`)

	var senders, others []netip.Addr
	for _, h := range a.Hosts {
		switch {
		case h.Host.IsSender():
			senders = append(senders, h.Addr)
		case h.Addr.IsValid():
			others = append(others, h.Addr)
		}
	}
	require.Len(t, senders, 40)
	require.NotEmpty(t, others)
	last := chain[len(chain)-1].Record.Terms[0].Prefix.Addr() // a sender in the last included record

	t.Run("rejects a missing included record", func(t *testing.T) {
		broken := append([]NamedRecord(nil), chain[:len(chain)-1]...)
		zones := []namedtest.Zone{{Origin: "example.com.", Text: spfZone("example.com.", broken)}, {Origin: "example.net.", Text: esp}}
		ips := []netip.Addr{last, others[0], senders[0]}
		got, why := pyspfAgainst(t, python, zones, ips)
		for i, ip := range ips[:2] {
			assert.Equal(t, "permerror", got[i], "%s: %s", ip, why[i])
			t.Logf("%s: pyspf %s (%s)", ip, got[i], why[i])
		}
		// A sender whose include comes before the missing one still
		// passes: the evaluation never reaches it.
		if !inRecord(chain[len(chain)-1], senders[0]) {
			assert.Equal(t, "pass", got[2], why[2])
		}
	})

	t.Run("rejects one include too many", func(t *testing.T) {
		// Eleven includes, each of a record that exists: the 11th lookup is
		// over RFC 7208 §4.6.4's limit.
		top := &Record{}
		var recs []NamedRecord
		for i := range 11 {
			name := fmt.Sprintf("_spf%d.example.com.", i+1)
			top.Terms = append(top.Terms, Term{Kind: Include, Domain: strings.TrimSuffix(name, ".")})
			recs = append(recs, NamedRecord{Name: name, Record: &Record{Terms: []Term{{Kind: IP6, Prefix: netip.PrefixFrom(netip.MustParseAddr(fmt.Sprintf("2001:db8:ff::%d", i+1)), 128)}}}})
		}
		top.Terms = append(top.Terms, Term{Kind: All, Qualifier: QualifierFail})
		recs = append([]NamedRecord{{Name: "example.com.", Record: top}}, recs...)
		zones := []namedtest.Zone{{Origin: "example.com.", Text: spfZone("example.com.", recs)}}
		got, why := pyspfAgainst(t, python, zones, []netip.Addr{netip.MustParseAddr("2001:db8:ff::11"), netip.MustParseAddr("2001:db8:ff::1")})
		assert.Equal(t, "permerror", got[0], why[0])
		assert.Contains(t, why[0], "Too many DNS lookups")
		t.Logf("2001:db8:ff::11: pyspf %s (%s)", got[0], why[0])
		assert.Equal(t, "pass", got[1], why[1]) // the first include is within the limit
	})

	t.Run("accepts the split records", func(t *testing.T) {
		zones := []namedtest.Zone{{Origin: "example.com.", Text: spfZone("example.com.", chain)}, {Origin: "example.net.", Text: esp}}
		var ips []netip.Addr
		ips = append(ips, senders...)
		ips = append(ips, others...)
		for _, s := range senders {
			ips = append(ips, s.Next())
		}
		outside := []netip.Addr{netip.MustParseAddr("2001:db8:d6::1"), netip.MustParseAddr("2001:db8:d7::25"), netip.MustParseAddr("192.0.2.1")}
		ips = append(ips, outside...)
		esps := netip.MustParseAddr("198.51.100.7")
		ips = append(ips, esps)
		got, why := pyspfAgainst(t, python, zones, ips)
		for i, ip := range ips {
			want := "fail"
			if i < len(senders) || ip == esps {
				want = "pass"
			}
			assert.Equal(t, want, got[i], "%s: %s", ip, why[i])
		}
	})
}

// inRecord reports whether addr is in one of the ranges of nr.
func inRecord(nr NamedRecord, addr netip.Addr) bool {
	for _, t := range nr.Record.Terms {
		if t.Prefix.Contains(addr) {
			return true
		}
	}
	return false
}
