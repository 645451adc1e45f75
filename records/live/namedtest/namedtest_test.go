package namedtest

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const root = `$TTL 300
@	SOA	root.namedtest. hostmaster.namedtest. 1 3600 600 86400 300
@	NS	root.namedtest.
root.namedtest.	A	127.0.0.1
ok.test.	AAAA	2001:db8::1
quiet.test.	NS	ns.quiet.test.
ns.quiet.test.	A	127.0.0.2
`

func query(t *testing.T, server, name string, qtype uint16, timeout time.Duration) (*dns.Msg, error) {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	r, _, err := (&dns.Client{Timeout: timeout}).Exchange(m, server)
	return r, err
}

// TestServers starts an authoritative root, a silent server and a
// resolver that uses them, and asks the resolver through each.
func TestServers(t *testing.T) {
	lo := func(d byte) netip.Addr { return netip.AddrFrom4([4]byte{127, 0, 0, d}) }
	port := FreePort(t, lo(1), lo(2))
	auth := Start(t, Config{Port: port, Zones: []Zone{{Origin: ".", Text: root}}})
	Silent(t, netip.AddrPortFrom(lo(2), port))
	res := Start(t, Config{Root: auth.AddrPort})
	assert.Contains(t, auth.Log(), "running")

	r, err := query(t, auth.Addr(), "ok.test.", dns.TypeAAAA, 2*time.Second)
	require.NoError(t, err)
	assert.True(t, r.Authoritative)
	assert.False(t, r.RecursionAvailable, "the authoritative server must not recurse")

	r, err = query(t, res.Addr(), "ok.test.", dns.TypeAAAA, 2*time.Second)
	require.NoError(t, err)
	assert.True(t, r.RecursionAvailable)
	require.Len(t, r.Answer, 1)
	assert.Equal(t, "2001:db8::1", r.Answer[0].(*dns.AAAA).AAAA.String())

	_, err = query(t, res.Addr(), "www.quiet.test.", dns.TypeAAAA, 300*time.Millisecond)
	require.Error(t, err, "a delegation to the silent server must time out")
	assert.True(t, strings.Contains(err.Error(), "timeout"), err)
}
