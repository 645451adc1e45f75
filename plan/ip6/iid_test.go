package ip6

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/big"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var iidSink uint64

func TestIPv4Hex(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
		err  string
	}{
		{name: "maawg seed", in: "128.223.214.23", want: "::80df:d617"},
		{name: "mapped", in: "::ffff:128.223.214.23", want: "::80df:d617"},
		{name: "small", in: "0.0.0.1", want: "::1"},
		{name: "broadcast", in: "255.255.255.255", want: "::ffff:ffff"},
		{name: "zero", in: "0.0.0.0", err: "all-zero interface ID"},
		{name: "ipv6", in: "2001:db8::1", err: "2001:db8::1 is not an IPv4 address"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := IPv4Hex(netip.MustParseAddr(tc.in))
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, FormatIID(got))
		})
	}
	_, err := IPv4Hex(netip.Addr{})
	require.ErrorContains(t, err, "not an IPv4 address")
}

// TestIPv4HexPlacement checks that the four octets land in the last four
// bytes of the address and nothing else changes.
func TestIPv4HexPlacement(t *testing.T) {
	p := netip.MustParsePrefix("2001:468:d01:d6::/64")
	r := rand.New(rand.NewPCG(5, 6))
	for range 1000 {
		v4 := netip.AddrFrom4([4]byte{byte(r.Uint32()) | 1, byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32())})
		id, err := IPv4Hex(v4)
		require.NoError(t, err)
		a, err := AddrWithIID(p, id)
		require.NoError(t, err)
		b, want := a.As16(), v4.As4()
		require.Equal(t, want[:], b[12:], v4)
		require.Equal(t, make([]byte, 4), b[8:12], v4)
		require.True(t, p.Contains(a))
	}
}

func TestIPv4Decimal(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
		err  string
	}{
		{name: "maawg seed", in: "128.223.214.23", want: "::128:223:214:23"},
		{name: "mapped", in: "::ffff:10.0.0.25", want: "::10:0:0:25"},
		{name: "max", in: "255.255.255.255", want: "::255:255:255:255"},
		{name: "zero", in: "0.0.0.0", err: "all-zero interface ID"},
		{name: "ipv6", in: "::1", err: "::1 is not an IPv4 address"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := IPv4Decimal(netip.MustParseAddr(tc.in))
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, FormatIID(got))
		})
	}
}

// TestIPv4DecimalOracle checks every octet value in every position against
// the decimal text read as hex.
func TestIPv4DecimalOracle(t *testing.T) {
	for pos := range 4 {
		for o := range 256 {
			b := [4]byte{1, 1, 1, 1}
			b[pos] = byte(o)
			got, err := IPv4Decimal(netip.AddrFrom4(b))
			require.NoError(t, err)
			var want uint64
			for _, x := range b {
				g, err := strconv.ParseUint(fmt.Sprintf("%d", x), 16, 16)
				require.NoError(t, err)
				want = want<<16 | g
			}
			require.Equal(t, want, got, b)
		}
	}
}

func TestService(t *testing.T) {
	tests := []struct {
		name string
		port uint16
		want string
		err  string
	}{
		{name: "smtp", port: 25, want: "::25"},
		{name: "dns", port: 53, want: "::53"},
		{name: "submission", port: 587, want: "::587"},
		{name: "https", port: 443, want: "::443"},
		{name: "five digits", port: 10025, want: "::1:25"},
		{name: "max", port: 65535, want: "::6:5535"},
		{name: "zero", port: 0, err: "all-zero interface ID"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Service(tc.port)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, FormatIID(got))
		})
	}
}

func TestServiceOracle(t *testing.T) {
	for port := 1; port <= 65535; port++ {
		got, err := Service(uint16(port))
		require.NoError(t, err)
		want, err := strconv.ParseUint(fmt.Sprintf("%d", port), 16, 64)
		require.NoError(t, err)
		require.Equal(t, want, got, port)
	}
}

func TestSequential(t *testing.T) {
	tests := []struct {
		name string
		n    uint64
		want string
		err  string
	}{
		{name: "first", n: 1, want: "::1"},
		{name: "tenth", n: 10, want: "::a"},
		{name: "wide", n: 0x10000, want: "::1:0"},
		{name: "zero", n: 0, err: "Subnet-Router anycast"},
		{name: "reserved", n: 0x0200_5eff_fe00_5213, err: "interface ID ::200:5eff:fe00:5213 is reserved (RFC 5453)"},
		{name: "subnet anycast", n: 0xfdff_ffff_ffff_ff80, err: "is reserved"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Sequential(tc.n)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, FormatIID(got))
		})
	}
}

func TestReservedIID(t *testing.T) {
	tests := []struct {
		name string
		iid  uint64
		want bool
	}{
		{name: "subnet-router anycast", iid: 0, want: true},
		{name: "one", iid: 1},
		{name: "below iana block", iid: 0x0200_5eff_fdff_ffff},
		{name: "iana block first", iid: 0x0200_5eff_fe00_0000, want: true},
		{name: "iana reserved last", iid: 0x0200_5eff_fe00_5212, want: true},
		{name: "proxy mobile", iid: 0x0200_5eff_fe00_5213, want: true},
		{name: "iana block after pmip", iid: 0x0200_5eff_fe00_5214, want: true},
		{name: "iana block last", iid: 0x0200_5eff_feff_ffff, want: true},
		{name: "above iana block", iid: 0x0200_5eff_ff00_0000},
		{name: "below subnet anycast", iid: 0xfdff_ffff_ffff_ff7f},
		{name: "subnet anycast first", iid: 0xfdff_ffff_ffff_ff80, want: true},
		{name: "subnet anycast last", iid: 0xfdff_ffff_ffff_ffff, want: true},
		{name: "above subnet anycast", iid: 0xfe00_0000_0000_0000},
		{name: "all ones", iid: ^uint64(0)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, ReservedIID(tc.iid), FormatIID(tc.iid))
		})
	}
}

// slowStableIID is the StableIID construction written out step by step.
func slowStableIID(prefix netip.Prefix, name string, secret []byte, dad uint8) uint64 {
	for {
		h := sha256.New()
		p := prefix.Masked()
		a := p.Addr().As16()
		h.Write(a[:])
		if p.IsValid() {
			h.Write([]byte{byte(p.Bits())})
		} else {
			h.Write([]byte{0xff})
		}
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(name))))
		h.Write([]byte(name))
		h.Write(make([]byte, 8)) // Network_ID: empty
		h.Write([]byte{dad})
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(secret))))
		h.Write(secret)
		rid := new(big.Int).SetBytes(h.Sum(nil))
		id := rid.Uint64() // the least significant 64 bits
		if !ReservedIID(id) {
			return id
		}
		dad++
	}
}

func TestStableIID(t *testing.T) {
	long := strings.Repeat("x", 200)
	tests := []struct {
		name   string
		prefix string
		iface  string
		secret string
		dad    uint8
		want   uint64 // pinned forever (also checked with Python's hashlib)
	}{
		{name: "mx1", prefix: "2001:db8:1::/64", iface: "mx1", secret: "s3cret", want: 0x3e3e_a9e7_1915_a2e6},
		{name: "dad 1", prefix: "2001:db8:1::/64", iface: "mx1", secret: "s3cret", dad: 1, want: 0xba26_a2ac_52e1_e723},
		{name: "host bits ignored", prefix: "2001:db8:1::5/64", iface: "mx1", secret: "s3cret", want: 0x3e3e_a9e7_1915_a2e6},
		{name: "empty", prefix: "::/0", want: 0x1ac6_e325_1300_acca},
		{name: "invalid prefix", want: 0x742c_c294_c67f_db01},
		{name: "long inputs", prefix: "2001:db8::/48", iface: long, secret: long, want: 0xf090_51be_b647_1e79},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var p netip.Prefix
			if tc.prefix != "" {
				p = netip.MustParsePrefix(tc.prefix)
			}
			got := StableIID(p, tc.iface, []byte(tc.secret), tc.dad)
			assert.Equal(t, slowStableIID(p, tc.iface, []byte(tc.secret), tc.dad), got, "oracle")
			assert.Equal(t, tc.want, got, "pinned %#x", got)
		})
	}
}

func TestStableIIDDiffers(t *testing.T) {
	p := netip.MustParsePrefix("2001:db8:1::/64")
	base := StableIID(p, "ab", []byte("c"), 0)
	others := map[string]uint64{
		"split moved":   StableIID(p, "a", []byte("bc"), 0),
		"name":          StableIID(p, "ac", []byte("c"), 0),
		"secret":        StableIID(p, "ab", []byte("d"), 0),
		"prefix":        StableIID(netip.MustParsePrefix("2001:db8:2::/64"), "ab", []byte("c"), 0),
		"prefix length": StableIID(netip.MustParsePrefix("2001:db8:1::/56"), "ab", []byte("c"), 0),
		"dad counter":   StableIID(p, "ab", []byte("c"), 1),
	}
	for name, id := range others {
		assert.NotEqual(t, base, id, name)
	}

	r := rand.New(rand.NewPCG(7, 8))
	seen := map[uint64]bool{}
	for i := range 10000 {
		secret := make([]byte, r.IntN(80))
		for j := range secret {
			secret[j] = byte(r.Uint32())
		}
		id := StableIID(p, strconv.Itoa(i), secret, uint8(r.Uint32()))
		require.False(t, ReservedIID(id))
		require.False(t, seen[id], "collision at %d", i)
		seen[id] = true
	}
}

func TestParseIID(t *testing.T) {
	for _, tc := range iidParseCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseIID(tc.in)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			back, err := ParseIID(FormatIID(got))
			require.NoError(t, err)
			assert.Equal(t, got, back)
		})
	}
}

// iidParseCases are shared with FuzzParseIID as its seed corpus.
var iidParseCases = []struct {
	name string
	in   string
	want uint64
	err  string // substring of the error
}{
	{name: "service", in: "::25", want: 0x25},
	{name: "ipv4 hex", in: "::80df:d617", want: 0x80df_d617},
	{name: "four groups", in: "::1:2:3:4", want: 0x0001_0002_0003_0004},
	{name: "full form", in: "0:0:0:0:1213:72ff:fe5b:60c3", want: 0x1213_72ff_fe5b_60c3},
	{name: "zero", in: "::", want: 0},
	{name: "upper case", in: "::ABCD", want: 0xabcd},
	{name: "mapped form", in: "::ffff:1.2.3.4", want: 0x0000_ffff_0102_0304},
	{name: "five groups", in: "::1:2:3:4:5", err: "write a full address instead, or keep the ID within the last four groups"},
	{name: "full address", in: "2001:db8::25", err: `interface ID "2001:db8::25" sets bits above the low 64`},
	{name: "ipv4", in: "1.2.3.4", err: "want an IPv6 form such as ::25"},
	{name: "zone", in: "::1%eth0", err: "want an IPv6 form"},
	{name: "bare number", in: "25", err: "invalid interface ID"},
	{name: "empty", in: "", err: "invalid interface ID"},
}

func TestAddrWithIID(t *testing.T) {
	tests := []struct {
		name   string
		prefix string
		iid    uint64
		want   string
		err    string
	}{
		{name: "maawg seed", prefix: "2001:468:d01:d6::/64", iid: 0x80df_d617, want: "2001:468:d01:d6::80df:d617"},
		{name: "slash 48", prefix: "2001:db8:1::/48", iid: 0x25, want: "2001:db8:1::25"},
		{name: "full iid", prefix: "2001:db8::/32", iid: ^uint64(0), want: "2001:db8::ffff:ffff:ffff:ffff"},
		{name: "zero iid", prefix: "2001:db8::/64", iid: 0, want: "2001:db8::"},
		{name: "too long", prefix: "2001:db8::/80", iid: 1, err: "2001:db8::/80 is longer than /64"},
		{name: "host bits", prefix: "2001:db8:1:5::/48", iid: 1, err: "prefix 2001:db8:1:5::/48 has host bits set; did you mean 2001:db8:1::/48?"},
		{name: "ipv4", prefix: "192.0.2.0/24", iid: 1, err: "want an IPv6 prefix"},
		{name: "invalid", iid: 1, err: "want an IPv6 prefix"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var p netip.Prefix
			if tc.prefix != "" {
				p = netip.MustParsePrefix(tc.prefix)
			}
			got, err := AddrWithIID(p, tc.iid)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.String())
			assert.True(t, p.Contains(got))
			assert.Equal(t, tc.iid, IIDOf(got))
		})
	}
}

// TestAddrWithIIDKeepsPrefix checks random prefixes and IDs: the result
// keeps the upper 64 bits and carries the ID in the lower 64.
func TestAddrWithIIDKeepsPrefix(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for range 1000 {
		var b [16]byte
		binary.BigEndian.PutUint64(b[:], r.Uint64())
		p := netip.PrefixFrom(netip.AddrFrom16(b), r.IntN(65)).Masked()
		iid := r.Uint64()
		a, err := AddrWithIID(p, iid)
		require.NoError(t, err, p)
		require.True(t, p.Contains(a), "%s in %s", a, p)
		got := a.As16()
		want := p.Addr().As16()
		require.Equal(t, want[:8], got[:8], p)
		require.Equal(t, iid, binary.BigEndian.Uint64(got[8:]))
		require.Equal(t, iid, IIDOf(a))
	}
}

func TestFormatIID(t *testing.T) {
	tests := []struct {
		name string
		iid  uint64
		want string
	}{
		{name: "zero", iid: 0, want: "::"},
		{name: "one", iid: 1, want: "::1"},
		{name: "inner zeros kept", iid: 0x0001_0000_0000_0002, want: "::1:0:0:2"},
		{name: "top group zero", iid: 0x0000_0001_0000_0000, want: "::1:0:0"},
		{name: "mapped pattern stays hex", iid: 0x0000_ffff_0102_0304, want: "::ffff:102:304"},
		{name: "all ones", iid: ^uint64(0), want: "::ffff:ffff:ffff:ffff"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, FormatIID(tc.iid))
			assert.Equal(t, "x"+tc.want, string(AppendIID([]byte("x"), tc.iid)))
		})
	}
}

// TestFormatIIDOracle compares with netip's RFC 5952 formatter, which
// differs only for IPv4-mapped addresses, on IDs with random zero groups.
func TestFormatIIDOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for range 10000 {
		var iid uint64
		for range 4 {
			g := r.Uint64() & 0xffff
			if r.IntN(2) == 0 {
				g = 0
			}
			iid = iid<<16 | g
		}
		if iid>>32 == 0xffff {
			continue
		}
		want := u128{0, iid}.addr().String()
		require.Equal(t, want, FormatIID(iid), "%#x", iid)
		back, err := ParseIID(want)
		require.NoError(t, err)
		require.Equal(t, iid, back)
	}
}

func TestIIDNoAllocs(t *testing.T) {
	v4 := netip.MustParseAddr("128.223.214.23")
	p := netip.MustParsePrefix("2001:468:d01:d6::/64")
	name := strings.Repeat("n", 64)
	secret := []byte(strings.Repeat("s", 64))
	buf := make([]byte, 0, 64)
	tests := []struct {
		name string
		f    func()
	}{
		{name: "IPv4Hex", f: func() { iidSink, _ = IPv4Hex(v4) }},
		{name: "IPv4Decimal", f: func() { iidSink, _ = IPv4Decimal(v4) }},
		{name: "Service", f: func() { iidSink, _ = Service(587) }},
		{name: "Sequential", f: func() { iidSink, _ = Sequential(42) }},
		{name: "StableIID", f: func() { iidSink = StableIID(p, name, secret, 0) }},
		{name: "AddrWithIID", f: func() { a, _ := AddrWithIID(p, 0x25); iidSink = IIDOf(a) }},
		{name: "AppendIID", f: func() { buf = AppendIID(buf[:0], 0x1213_72ff_fe5b_60c3) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Zero(t, testing.AllocsPerRun(100, tc.f))
		})
	}
}

func BenchmarkIPv4Hex(b *testing.B) {
	v4 := netip.MustParseAddr("128.223.214.23")
	b.ReportAllocs()
	for b.Loop() {
		iidSink, _ = IPv4Hex(v4)
	}
}

func BenchmarkIPv4Decimal(b *testing.B) {
	v4 := netip.MustParseAddr("128.223.214.23")
	b.ReportAllocs()
	for b.Loop() {
		iidSink, _ = IPv4Decimal(v4)
	}
}

func BenchmarkService(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		iidSink, _ = Service(uint16(i) | 1)
	}
}

func BenchmarkSequential(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		iidSink, _ = Sequential(uint64(i) + 1)
	}
}

func BenchmarkStableIID(b *testing.B) {
	p := netip.MustParsePrefix("2001:db8:1::/64")
	secret := []byte(strings.Repeat("s", 64))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		iidSink = StableIID(p, "mx1.example.com", secret, uint8(i))
	}
}

func BenchmarkAddrWithIID(b *testing.B) {
	p := netip.MustParsePrefix("2001:db8:1::/64")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		a, _ := AddrWithIID(p, uint64(i))
		iidSink = IIDOf(a)
	}
}

func BenchmarkAppendIID(b *testing.B) {
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		buf = AppendIID(buf[:0], uint64(i))
	}
}
