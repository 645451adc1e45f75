package ip6

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// slowAllocator is the oracle: a list of taken prefixes, and candidates
// tried one by one in the mode's order.
type slowAllocator struct {
	block  netip.Prefix
	finest int
	mode   Mode
	taken  []netip.Prefix
}

func (s *slowAllocator) free(p netip.Prefix) bool {
	for _, q := range s.taken {
		if q.Overlaps(p) {
			return false
		}
	}
	return true
}

func (s *slowAllocator) next(bits int) (netip.Prefix, bool) {
	d := bits - s.block.Bits()
	for k := uint64(0); k < uint64(1)<<d; k++ {
		idx := k
		switch s.mode {
		case Sparse: // bit-reverse over d bits, spelled out
			idx = 0
			for i := 0; i < d; i++ {
				if k>>i&1 != 0 {
					idx |= 1 << (d - 1 - i)
				}
			}
		case Centermost:
			idx = permute(Centermost, k, d)
		}
		p, err := Child(s.block, bits, idx)
		if err != nil {
			panic(err)
		}
		if s.free(p) {
			s.taken = append(s.taken, p)
			return p, true
		}
	}
	return netip.Prefix{}, false
}

func TestCenterBitOrder(t *testing.T) {
	// RFC 3531 §3.3 on an 8-bit field: 0, 8, 16, 24, 4, 12, 20, 28, 32, ...
	var got []uint64
	for k := uint64(0); k < 9; k++ {
		got = append(got, permute(Centermost, k, 8))
	}
	assert.Equal(t, []uint64{0, 8, 16, 24, 4, 12, 20, 28, 32}, got)
	// RFC 3531 §3.1 leftmost on 4 bits: 0, 8, 4, c, 2, ...
	got = got[:0]
	for k := uint64(0); k < 5; k++ {
		got = append(got, permute(Sparse, k, 4))
	}
	assert.Equal(t, []uint64{0, 8, 4, 12, 2}, got)
}

func TestAllocatorMatchesOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 300 {
		blockBits := 40 + r.IntN(20)
		finest := min(blockBits+1+r.IntN(12), 64)
		mode := Mode(r.IntN(3))
		block := netip.PrefixFrom(netip.MustParseAddr("2001:db8::"), 32)
		block, _ = Child(block, blockBits, r.Uint64N(1<<min(blockBits-32, 20)))
		name := fmt.Sprintf("%d/%s/%s/%d", round, mode, block, finest)
		t.Run(name, func(t *testing.T) {
			a, err := NewAllocator(block, finest, mode)
			require.NoError(t, err)
			s := &slowAllocator{block: block, finest: finest, mode: mode}
			for range 1 + r.IntN(200) {
				bits := blockBits + r.IntN(finest-blockBits+1)
				if r.IntN(4) == 0 { // a pin somewhere
					d := bits - blockBits
					p, _ := Child(block, bits, r.Uint64N(uint64(1)<<d))
					want := s.free(p)
					err := a.Take(p)
					if want {
						require.NoError(t, err, "take %s", p)
						s.taken = append(s.taken, p)
					} else {
						require.ErrorIs(t, err, ErrOverlap, "take %s", p)
					}
					continue
				}
				want, ok := s.next(bits)
				got, err := a.Next(bits)
				if !ok {
					require.ErrorIs(t, err, ErrExhausted, "next /%d", bits)
					continue
				}
				require.NoError(t, err)
				require.Equal(t, want, got, "next /%d", bits)
			}
			for _, p := range s.taken {
				assert.False(t, a.IsFree(p), "%s taken", p)
			}
		})
	}
}

func TestAllocatorEdges(t *testing.T) {
	tests := []struct {
		name   string
		block  string
		finest int
		bits   int
		n      int
		last   string
	}{
		{name: "a /64 is its own only child", block: "2001:db8::/64", finest: 64, bits: 64, n: 1, last: "2001:db8::/64"},
		{name: "top of the address space", block: "ffff:ffff:ffff:ff00::/56", finest: 64, bits: 64, n: 256, last: "ffff:ffff:ffff:ffff::/64"},
		{name: "p2p links in a /64", block: "2001:db8:0:1::/64", finest: 127, bits: 127, n: 3, last: "2001:db8:0:1::4/127"},
		{name: "64 bits of index", block: "::/0", finest: 64, bits: 2, n: 4, last: "c000::/2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := NewAllocator(MustParsePrefix(tt.block), tt.finest, Dense)
			require.NoError(t, err)
			var last netip.Prefix
			for range tt.n {
				last, err = a.Next(tt.bits)
				require.NoError(t, err)
			}
			assert.Equal(t, tt.last, last.String())
			_, err = a.Next(tt.bits)
			if tt.n == 1<<(tt.bits-a.Block().Bits()) {
				assert.True(t, errors.Is(err, ErrExhausted), "%v", err)
			}
		})
	}
}

func TestAllocatorErrors(t *testing.T) {
	a, err := NewAllocator(MustParsePrefix("2001:db8:d6::/48"), 64, Dense)
	require.NoError(t, err)
	require.NoError(t, a.Take(MustParsePrefix("2001:db8:d6:100::/56")))
	err = a.Take(MustParsePrefix("2001:db8:d6:125::/64"))
	assert.ErrorIs(t, err, ErrOverlap)
	assert.EqualError(t, err, "2001:db8:d6:125::/64 overlaps an existing allocation in 2001:db8:d6::/48")
	err = a.Take(MustParsePrefix("2001:db8:d7::/64"))
	assert.EqualError(t, err, "2001:db8:d7::/64 is not inside the block 2001:db8:d6::/48")
	_, err = a.Next(65)
	assert.EqualError(t, err, "cannot allocate a /65 in 2001:db8:d6::/48 (children are /48 to /64)")
	_, err = NewAllocator(MustParsePrefix("2001:db8::/32"), 127, Dense)
	assert.Error(t, err)
}

func BenchmarkAllocate(b *testing.B) {
	for _, bb := range []struct {
		block string
		bits  int
		mode  Mode
	}{
		{"2001:db8:d6::/48", 64, Dense},
		{"2001:db8:d6::/48", 64, Sparse},
		{"2001:db8::/32", 56, Dense},
	} {
		block := MustParsePrefix(bb.block)
		n := 1 << (bb.bits - block.Bits())
		b.Run(fmt.Sprintf("%s/%d-of-%s", bb.mode, n, bb.block), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				a, _ := NewAllocator(block, 64, bb.mode)
				for range n {
					if _, err := a.Next(bb.bits); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/alloc")
		})
	}
}

// BenchmarkAllocateScale allocates the same 4,096 /64s out of blocks of
// growing size: the cost must not grow with the address space.
func BenchmarkAllocateScale(b *testing.B) {
	for _, block := range []string{"2001:db8:d6::/48", "2001:db8::/32", "2000::/16", "::/0"} {
		p := MustParsePrefix(block)
		for _, mode := range []Mode{Dense, Sparse} {
			b.Run(fmt.Sprintf("%s/%s", mode, block), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					a, _ := NewAllocator(p, 64, mode)
					for range 4096 {
						if _, err := a.Next(64); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		}
	}
}

// TestOccupancyExistsMatchesBruteForce checks the constrained search that
// minFree relies on against trying every region.
func TestOccupancyExistsMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for round := 0; round < 2000; round++ {
		width := 1 + r.IntN(12)
		o := newOccupancy(width)
		for range r.IntN(20) {
			d := r.IntN(width + 1)
			idx := r.Uint64N(uint64(1) << d)
			start := idx << (width - d)
			if o.isFree(start, d) {
				o.mark(start, d)
			}
		}
		d := r.IntN(width + 1)
		mask := r.Uint64N(uint64(1) << d)
		val := r.Uint64N(uint64(1)<<d) & mask
		want := false
		for idx := uint64(0); idx < uint64(1)<<d; idx++ {
			if idx&mask == val && o.isFree(idx<<(width-d), d) {
				want = true
				break
			}
		}
		if got := o.exists(d, mask, val); got != want {
			t.Fatalf("round %d width %d d %d mask %b val %b: got %v want %v", round, width, d, mask, val, got, want)
		}
	}
}

// TestMinFreeMatchesBruteForce checks that minFree finds the first free
// candidate in Sparse and Centermost order, as walking them one by one does.
func TestMinFreeMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for round := 0; round < 3000; round++ {
		width := 1 + r.IntN(10)
		mode := Mode(1 + r.IntN(2))
		a, _ := NewAllocator(MustParsePrefix("2001:db8::/48"), 48+width, mode)
		for range r.IntN(30) {
			d := r.IntN(width + 1)
			idx := r.Uint64N(uint64(1) << d)
			p, _ := Child(a.block, 48+d, idx)
			a.Take(p)
		}
		d := r.IntN(width + 1)
		var want uint64
		found := false
		for k := uint64(0); k < uint64(1)<<d; k++ {
			if a.occ.isFree(permute(mode, k, d)<<(width-d), d) {
				want, found = k, true
				break
			}
		}
		got, ok := a.minFree(d)
		if ok != found || got != want {
			t.Fatalf("round %d mode %s width %d d %d: got %d,%v want %d,%v", round, mode, width, d, got, ok, want, found)
		}
	}
}

// TestSpreadPastLongBlockedRuns is the case a one-by-one candidate walk
// never finishes: centermost assigns the top bit last, so a reserved left
// half blocks the first 2^31 candidates for a /64 in a /32.
func TestSpreadPastLongBlockedRuns(t *testing.T) {
	for _, mode := range []Mode{Sparse, Centermost} {
		a, err := NewAllocator(MustParsePrefix("2001:db8::/32"), 64, mode)
		require.NoError(t, err)
		require.NoError(t, a.Take(MustParsePrefix("2001:db8::/33")))
		p, err := a.Next(64)
		require.NoError(t, err)
		assert.Equal(t, "2001:db8:8000::/64", p.String(), "%s", mode)
		p, err = a.Next(64)
		require.NoError(t, err)
		assert.True(t, MustParsePrefix("2001:db8:8000::/33").Contains(p.Addr()), "%s: %s", mode, p)
	}
}
