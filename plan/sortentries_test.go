package plan

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"
)

// sortEntries sorts as slices.SortFunc with compareEntries does, at every
// length around its insertion runs and merge widths.
func TestSortEntries(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 15, 16, 17, 31, 32, 33, 64, 100, 1000, 4097} {
		es := make([]Entry, n)
		for i := range es {
			a := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 0, byte(r.IntN(4)), 0, byte(r.IntN(8))})
			es[i] = Entry{Kind: Kind(r.IntN(3)), Path: string(rune('a' + r.IntN(5))), Prefix: netip.PrefixFrom(a, 56+8*r.IntN(3)).Masked()}
		}
		want := slices.Clone(es)
		slices.SortFunc(want, compareEntries)
		sortEntries(es)
		if !slices.Equal(es, want) {
			t.Errorf("%d entries: sorted\n%v\nwant\n%v", n, es, want)
		}
	}
}
