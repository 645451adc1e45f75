package records

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDNSBLName(t *testing.T) {
	long := strings.Repeat("a", 63) + "." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + ".dd" // 194 octets
	tests := []struct {
		name string
		addr netip.Addr
		zone string
		want string
		err  string
	}{
		{name: "RFC 5782 §2.4 example", addr: netip.MustParseAddr("2001:db8:1:2:3:4:567:89ab"), zone: "zen.spamhaus.org",
			want: "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org."},
		{name: "zone with a trailing dot", addr: netip.MustParseAddr("2001:db8:1:2:3:4:567:89ab"), zone: "zen.spamhaus.org.",
			want: "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org."},
		{name: "RFC 5782 §2.1 IPv4", addr: netip.MustParseAddr("192.0.2.99"), zone: "bl.example",
			want: "99.2.0.192.bl.example."},
		{name: "IPv4-mapped is looked up as IPv4", addr: netip.MustParseAddr("::ffff:192.0.2.99"), zone: "bl.example.",
			want: "99.2.0.192.bl.example."},
		{name: "IPv4 zeros", addr: netip.MustParseAddr("0.0.0.0"), zone: "bl.example", want: "0.0.0.0.bl.example."},
		{name: "IPv4 three digits", addr: netip.MustParseAddr("255.100.10.1"), zone: "bl.example", want: "1.10.100.255.bl.example."},
		{name: "underscore label", addr: netip.MustParseAddr("2001:db8::1"), zone: "_v6.bl.example",
			want: "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2._v6.bl.example."},
		{name: "long zone fits for IPv4", addr: netip.MustParseAddr("192.0.2.99"), zone: long,
			want: "99.2.0.192." + long + "."},
		{name: "long zone does not fit for IPv6", addr: netip.MustParseAddr("2001:db8::1"), zone: long,
			err: `DNSBL name "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.` + long + `." is 260 octets long in wire form; the limit is 255 (RFC 1035 §2.3.4), so zone "` + long + `" is too long`},
		{name: "empty zone", addr: netip.MustParseAddr("192.0.2.99"),
			err: `DNSBL zone "" is empty; want a list zone such as zen.spamhaus.org`},
		{name: "root zone", addr: netip.MustParseAddr("192.0.2.99"), zone: ".",
			err: `DNSBL zone "." is empty; want a list zone such as zen.spamhaus.org`},
		{name: "newline in zone", addr: netip.MustParseAddr("192.0.2.99"), zone: "bl.example.\n@ 60 IN A 127.0.0.2",
			err: `DNSBL zone "bl.example.\n@ 60 IN A 127.0.0.2": control character 0x0a at offset 11 is not allowed`},
		{name: "space in zone", addr: netip.MustParseAddr("192.0.2.99"), zone: "bl example",
			err: `DNSBL zone "bl example": space at offset 2 is not allowed in a name`},
		{name: "wildcard zone", addr: netip.MustParseAddr("192.0.2.99"), zone: "*.example",
			err: `DNSBL zone "*.example": character '*' at offset 0 is not allowed; use letters, digits and '-', and '_' only to start a label`},
		{name: "empty label", addr: netip.MustParseAddr("192.0.2.99"), zone: "bl..example",
			err: `DNSBL zone "bl..example": empty label at offset 3`},
		{name: "two trailing dots", addr: netip.MustParseAddr("192.0.2.99"), zone: "bl.example..",
			err: `DNSBL zone "bl.example..": empty label at offset 11`},
		{name: "zoned address", addr: netip.MustParseAddr("fe80::1%eth0"), zone: "bl.example",
			err: "fe80::1%eth0 has a zone; DNS blocklists list global addresses, so drop the %eth0"},
		{name: "zero address", zone: "bl.example",
			err: `invalid address; want an IPv4 or IPv6 address to look up in DNS blocklist "bl.example"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DNSBLName(tt.addr, tt.zone)
			if tt.err != "" {
				require.EqualError(t, err, tt.err)
				assert.Empty(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, "x"+tt.want, string(AppendDNSBLName([]byte("x"), tt.addr, tt.zone)))
			assert.NoError(t, CheckOwner(got))
		})
	}
}

// slowDNSBL spells RFC 5782 §2 out: the octets or nibbles of the address,
// reversed, joined with dots, before the zone.
func slowDNSBL(a netip.Addr, zone string) string {
	var labels []string
	if a = a.Unmap(); a.Is4() {
		for _, o := range a.AsSlice() {
			labels = append(labels, strconv.Itoa(int(o)))
		}
	} else {
		labels = strings.Split(strings.ReplaceAll(a.StringExpanded(), ":", ""), "")
	}
	slices.Reverse(labels)
	return strings.Join(labels, ".") + "." + strings.TrimSuffix(zone, ".") + "."
}

func TestDNSBLNameRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(5782, 24))
	for range 10000 {
		var b [16]byte
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		a := netip.AddrFrom16(b)
		switch r.IntN(3) {
		case 0:
			a = netip.AddrFrom4([4]byte(b[:4]))
		case 1:
			a = netip.AddrFrom16([16]byte(append(make([]byte, 10), 0xff, 0xff, b[0], b[1], b[2], b[3])))
		}
		got, err := DNSBLName(a, "dnsbl.example.net")
		require.NoError(t, err)
		require.Equal(t, slowDNSBL(a, "dnsbl.example.net"), got, "%s", a)
		if a.Is6() && !a.Is4In6() { // the IPv6 name is the PTR name under another suffix
			ptr, err := PTRName(a)
			require.NoError(t, err)
			require.Equal(t, strings.TrimSuffix(ptr, "ip6.arpa."), strings.TrimSuffix(got, "dnsbl.example.net."))
		}
	}
}

func TestAppendDNSBLNameNoAllocs(t *testing.T) {
	buf := make([]byte, 0, 128)
	for _, a := range []netip.Addr{netip.MustParseAddr("2001:db8:1:2:3:4:567:89ab"), netip.MustParseAddr("192.0.2.99")} {
		t.Run(a.String(), func(t *testing.T) {
			assert.Zero(t, testing.AllocsPerRun(1000, func() { buf = AppendDNSBLName(buf[:0], a, "zen.spamhaus.org") }))
		})
	}
}

func BenchmarkAppendDNSBLName(b *testing.B) {
	a := netip.MustParseAddr("2001:db8:1:2:3:4:567:89ab")
	buf := make([]byte, 0, 128)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendDNSBLName(buf[:0], a, "zen.spamhaus.org")
	}
}
