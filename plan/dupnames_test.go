package plan

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// eachDuplicate against the obvious map, on random lists with many
// repeats, empty names and long names.
func TestEachDuplicate(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 2000 {
		n := r.IntN(300)
		if trial%100 == 0 {
			n = 20000
		}
		names := make([]string, n)
		for i := range names {
			switch r.IntN(10) {
			case 0:
				names[i] = ""
			case 1:
				names[i] = fmt.Sprintf("%0100d", r.IntN(50))
			default:
				names[i] = fmt.Sprintf("n%d", r.IntN(n+1))
			}
		}
		var got, want [][2]int
		eachDuplicate(n, func(i int) string { return names[i] }, func(i, first int) { got = append(got, [2]int{i, first}) })
		first := map[string]int{}
		for i, s := range names {
			if s == "" {
				continue
			}
			if f, ok := first[s]; ok {
				want = append(want, [2]int{i, f})
			} else {
				first[s] = i
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d (%d names): got %v, want %v", trial, n, got, want)
		}
	}
}

func BenchmarkEachDuplicate(b *testing.B) {
	names := make([]string, 65536)
	for i := range names {
		names[i] = fmt.Sprintf("lan%d", i)
	}
	b.Run("table", func(b *testing.B) {
		for b.Loop() {
			eachDuplicate(len(names), func(i int) string { return names[i] }, func(int, int) { b.Fatal("dup") })
		}
	})
	b.Run("map", func(b *testing.B) { // what it replaced
		for b.Loop() {
			seen := make(map[string]int, len(names))
			for i, s := range names {
				if _, ok := seen[s]; ok {
					b.Fatal("dup")
				}
				seen[s] = i
			}
		}
	})
}
