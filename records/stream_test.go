package records

import (
	"fmt"
	"io"
	"iter"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var streamCfg = ZoneConfig{
	TTL:         3600,
	Nameservers: []string{"ns1.example.com.", "ns2.example.com."},
	SOA: SOA{MName: "ns1.example.com.", RName: "hostmaster.example.com.", Serial: 1,
		Refresh: DefaultRefresh, Retry: DefaultRetry, Expire: DefaultExpire, Minimum: DefaultMinimum},
}

// manyHosts yields n hosts in address order inside 2001:db8::/32, all
// sharing one name, so that a million of them take no more memory than
// their addresses.
func manyHosts(n int) iter.Seq[Host] {
	return func(yield func(Host) bool) {
		base := netip.MustParseAddr("2001:db8::1").As16()
		for i := range n {
			b := base
			b[8], b[9], b[10], b[11] = byte(i>>24), byte(i>>16), byte(i>>8), byte(i)
			if !yield(Host{Name: "h.example.com.", Addr: netip.AddrFrom16(b)}) {
				return
			}
		}
	}
}

// reverseSet is a zone set of one reverse zone, 2001:db8::/32, holding
// the PTRs of n hosts.
func reverseSet(n int) *ZoneSet {
	zone := ReverseZone{Prefix: netip.MustParsePrefix("2001:db8::/32")}
	return &ZoneSet{Config: streamCfg, Reverse: []ReverseZone{zone}, Hosts: slices.Collect(manyHosts(n))}
}

// TestReverseZoneStreams pins that the writer's memory does not grow with
// the number of hosts: writing 100,000 PTRs allocates exactly as often as
// writing 1,000.
func TestReverseZoneStreams(t *testing.T) {
	allocs := func(n int) float64 {
		zs := reverseSet(n)
		return testing.AllocsPerRun(3, func() {
			require.NoError(t, zs.WriteBind(io.Discard, Reverse, true))
		})
	}
	small, large := allocs(1000), allocs(100000)
	assert.Equal(t, small, large, "allocations for 1,000 and 100,000 hosts")
	assert.Less(t, large, 30.0)
}

// BenchmarkWriteReverseZone writes a reverse zone of a thousand and of a
// million hosts.
func BenchmarkWriteReverseZone(b *testing.B) {
	for _, n := range []int{1000, 1000000} {
		b.Run(fmt.Sprintf("hosts=%d", n), func(b *testing.B) {
			zs := reverseSet(n)
			b.ReportAllocs()
			for b.Loop() {
				if err := zs.WriteBind(io.Discard, Reverse, true); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/host")
		})
	}
}
