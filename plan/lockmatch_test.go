package plan

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLockMatchMatchesMap checks lockMatch against looking every key up
// in a map, over lookups in the lock's own order edited the ways plans
// are (entries removed in runs, added, moved, named twice) and in no
// order at all.
func TestLockMatchMatchesMap(t *testing.T) {
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 3))
		var list []Entry
		for i := range r.IntN(300) {
			list = append(list, Entry{Kind: Kind(r.IntN(3)), Path: fmt.Sprintf("p%d", i)})
		}
		keys := make([]lockKey, len(list))
		for i, e := range list {
			keys[i] = keyOf(e)
		}
		for range r.IntN(8) {
			switch i := r.IntN(len(keys) + 1); r.IntN(5) {
			case 0: // a run of entries removed
				keys = slices.Delete(keys, i, min(len(keys), i+r.IntN(100)))
			case 1: // new entries
				for n := range r.IntN(80) {
					keys = slices.Insert(keys, i, lockKey{kind: Kind(r.IntN(3)), path: fmt.Sprintf("new%d-%d", i, n)})
				}
			case 2: // a move
				if i < len(keys) {
					k := keys[i]
					keys = slices.Delete(keys, i, i+1)
					keys = slices.Insert(keys, r.IntN(len(keys)+1), k)
				}
			case 3: // a link named twice
				if i < len(keys) && keys[i].kind == KindLink {
					keys = slices.Insert(keys, r.IntN(len(keys)+1), keys[i])
				}
			case 4:
				if r.IntN(4) == 0 {
					r.Shuffle(len(keys), func(a, b int) { keys[a], keys[b] = keys[b], keys[a] })
				}
			}
		}
		want := map[lockKey]int{}
		for i, e := range list {
			want[keyOf(e)] = i
		}
		m := newLockMatch(&Lock{list: list})
		got := make([]int, len(keys))
		for i, k := range keys {
			m.find(k, &got[i])
		}
		m.settle()
		inPlan := map[lockKey]bool{}
		for i, k := range keys {
			w, ok := want[k]
			if !ok {
				w = -1
			}
			require.Equal(t, w, got[i], "seed %d: key %v", seed, k)
			inPlan[k] = true
		}
		var gone []Entry
		for _, e := range list {
			if !inPlan[keyOf(e)] {
				gone = append(gone, e)
			}
		}
		require.Equal(t, gone, m.gone(), "seed %d", seed)
	}
}

// TestReplanHashesNoPath pins what makes re-planning a large plan cheap:
// a plan allocated again against the lock of its last run finds every
// entry in order, so nothing indexes the old lock, even when the lock
// holds entries the plan dropped.
func TestReplanHashesNoPath(t *testing.T) {
	p, err := ParseFile("plan.yaml", []byte(bigPlanText(300)))
	require.NoError(t, err)
	first, err := Allocate(p, nil)
	require.NoError(t, err)
	p.Subnets = slices.Delete(p.Subnets, 10, 12)
	second, err := Allocate(p, first.Lock)
	require.NoError(t, err)
	require.Len(t, second.Held, 2)
	third, err := Allocate(p, second.Lock)
	require.NoError(t, err)
	require.Equal(t, string(second.Lock.Bytes()), string(third.Lock.Bytes()))
	require.Nil(t, first.Lock.index, "the first lock was read in order")
	require.Nil(t, second.Lock.index, "the second lock was read in order")
}
