package records

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// slowPTR spells RFC 3596 §2.5 out: the 32 hex digits of the expanded
// address, reversed, joined with dots.
func slowPTR(a netip.Addr) string {
	full := strings.ReplaceAll(a.StringExpanded(), ":", "")
	var parts []string
	for i := len(full) - 1; i >= 0; i-- {
		parts = append(parts, string(full[i]))
	}
	return strings.Join(parts, ".") + ".ip6.arpa."
}

func TestPTRName(t *testing.T) {
	got, err := PTRName(netip.MustParseAddr("2001:db8::567:89ab"))
	require.NoError(t, err)
	assert.Equal(t, "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.", got) // RFC 3596 §2.5
	r := rand.New(rand.NewPCG(3, 4))
	for range 10000 {
		var b [16]byte
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		a := netip.AddrFrom16(b)
		if a.Is4In6() {
			continue
		}
		got, err := PTRName(a)
		require.NoError(t, err)
		require.Equal(t, slowPTR(a), got)
		require.Len(t, got, PTRNameLen)
	}
	for _, bad := range []string{"192.0.2.1", "::ffff:192.0.2.1", "fe80::1%eth0"} {
		_, err := PTRName(netip.MustParseAddr(bad))
		assert.Error(t, err, bad)
	}
}

func TestAppendPTRNameNoAllocs(t *testing.T) {
	a := netip.MustParseAddr("2001:db8:d6:25::25")
	buf := make([]byte, 0, PTRNameLen)
	allocs := testing.AllocsPerRun(1000, func() { buf = AppendPTRName(buf[:0], a) })
	assert.Zero(t, allocs)
}

func BenchmarkAppendPTRName(b *testing.B) {
	a := netip.MustParseAddr("2001:db8:d6:25::25")
	buf := make([]byte, 0, PTRNameLen)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendPTRName(buf[:0], a)
	}
}

func ExamplePTRName() {
	name, _ := PTRName(netip.MustParseAddr("2001:db8:d6:25::25"))
	fmt.Println(name)
	// Output: 5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.5.2.0.0.6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa.
}
