package plan

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/ip6plan/ip6plan/plan/ip6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func lockOf(t *testing.T, entries string) *Lock {
	t.Helper()
	l, err := ParseLock("plan.lock", []byte(sealed(lockHead+entries)))
	require.NoError(t, err)
	return l
}

func TestMergeLocks(t *testing.T) {
	base := "subnet 2001:db8:d6::/64 a\nhost 2001:db8:d6::1 a/h\nsubnet 2001:db8:d6:1::/64 b\n"
	tests := []struct {
		name, ours, theirs, want, err string
	}{
		{
			name:   "both added",
			ours:   base + "subnet 2001:db8:d6:2::/64 c\n",
			theirs: base + "subnet 2001:db8:d6:3::/64 d\n",
			want:   base + "subnet 2001:db8:d6:2::/64 c\nsubnet 2001:db8:d6:3::/64 d\n",
		},
		{
			name:   "one released, the other added",
			ours:   "subnet 2001:db8:d6::/64 a\nhost 2001:db8:d6::1 a/h\n",
			theirs: base + "host 2001:db8:d6::2 a/i\n",
			want:   "subnet 2001:db8:d6::/64 a\nhost 2001:db8:d6::1 a/h\nhost 2001:db8:d6::2 a/i\n",
		},
		{
			name:   "the same added on both",
			ours:   base + "subnet 2001:db8:d6:2::/64 c\n",
			theirs: base + "subnet 2001:db8:d6:2::/64 c\n",
			want:   base + "subnet 2001:db8:d6:2::/64 c\n",
		},
		{
			name:   "one renumbered",
			ours:   "subnet 2001:db8:d6::/64 a\nhost 2001:db8:d6::1 a/h\nsubnet 2001:db8:d6:5::/64 b\nvacated 2001:db8:d6:1::/64 b\n",
			theirs: base,
			want:   "subnet 2001:db8:d6::/64 a\nhost 2001:db8:d6::1 a/h\nsubnet 2001:db8:d6:5::/64 b\nvacated 2001:db8:d6:1::/64 b\n",
		},
		{
			name:   "different entries on the same space",
			ours:   base + "subnet 2001:db8:d6:2::/64 c\n",
			theirs: base + "subnet 2001:db8:d6:2::/64 d\n",
			err:    "subnet 2001:db8:d6:2::/64 d (theirs) overlaps subnet 2001:db8:d6:2::/64 c (ours): the branches placed them on the same space",
		},
		{
			name:   "the same entry in two places",
			ours:   base + "subnet 2001:db8:d6:2::/64 c\n",
			theirs: base + "subnet 2001:db8:d6:3::/64 c\n",
			err:    "subnet c: ours has it at 2001:db8:d6:2::/64, theirs at 2001:db8:d6:3::/64",
		},
		{
			name:   "moved on one side, released on the other",
			ours:   "subnet 2001:db8:d6::/64 a\nhost 2001:db8:d6::1 a/h\nsubnet 2001:db8:d6:5::/64 b\n",
			theirs: "subnet 2001:db8:d6::/64 a\nhost 2001:db8:d6::1 a/h\n",
			err:    "subnet b: ours has it at 2001:db8:d6:5::/64, theirs released it",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MergeLocks(lockOf(t, base), lockOf(t, tt.ours), lockOf(t, tt.theirs))
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, lockOf(t, tt.want).Entries(), got.Entries())
			_, err = ParseLock("plan.lock", got.Bytes())
			require.NoError(t, err)
		})
	}
	_, err := MergeLocks(nil, lockOf(t, base), NewLock(ip6.MustParsePrefix("2001:db8:d7::/48")))
	assert.ErrorContains(t, err, "different prefixes")
}

// TestMergeLocksOfBranches: two branches allocate different additions to
// one plan from the same lock; merging their locks keeps every entry of
// both, in the same place, and the merged lock is sound, or the merge
// names the overlap.
func TestMergeLocksOfBranches(t *testing.T) {
	merged, conflicts := 0, 0
	for seed := range uint64(200) {
		g := &planGen{r: rand.New(rand.NewPCG(seed, 17))}
		p := g.plan()
		a, err := Allocate(p, nil)
		require.NoError(t, err)
		var sides [2]*Allocation
		for i := range sides {
			q := clonePlan(p)
			g.edit(q)
			g.undo = nil
			b, err := Allocate(q, a.Lock)
			if err != nil {
				b = a
			}
			sides[i] = b
		}
		m, err := MergeLocks(a.Lock, sides[0].Lock, sides[1].Lock)
		if err != nil {
			conflicts++
			continue
		}
		merged++
		_, err = ParseLock("plan.lock", m.Bytes())
		require.NoError(t, err, "seed %d", seed)
		for _, s := range sides {
			for _, e := range s.Lock.Entries() {
				if _, inBase := a.Lock.get(keyOf(e)); inBase {
					continue // released on the other side, perhaps
				}
				got, ok := m.get(keyOf(e))
				require.True(t, ok, "seed %d: %s lost", seed, e)
				require.Equal(t, e, got, fmt.Sprint("seed ", seed))
			}
		}
	}
	t.Logf("%d merged, %d conflicts", merged, conflicts)
	require.NotZero(t, merged)
	require.NotZero(t, conflicts)
}
