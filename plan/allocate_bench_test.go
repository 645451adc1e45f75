package plan

import (
	"fmt"
	"strings"
	"testing"
)

// bigPlanText returns a plan of n top-level /64 LANs in a /48: the
// largest plan the web app re-plans after every edit.
func bigPlanText(n int) string {
	var b strings.Builder
	b.WriteString("prefix: 2001:db8::/48\nsubnets:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {name: lan%d, size: 64, purpose: lan}\n", i)
	}
	return b.String()
}

// BenchmarkAllocateReplan times what the web app does after an edit of
// a 65,536-subnet plan: allocate it against the lock of the last run,
// which it got from the run before. The wasm build is about 4.5 times
// slower than native, so this is the budget that matters most.
func BenchmarkAllocateReplan(b *testing.B) {
	p, err := ParseFile("plan.yaml", []byte(bigPlanText(65536)))
	if err != nil {
		b.Fatal(err)
	}
	first, err := Allocate(p, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("lock", func(b *testing.B) {
		b.ReportAllocs()
		lock := first.Lock
		for b.Loop() {
			a, err := Allocate(p, lock)
			if err != nil {
				b.Fatal(err)
			}
			lock = a.Lock
		}
	})
	b.Run("held", func(b *testing.B) { // the lock holds a subnet the plan dropped
		edited := *p
		edited.Subnets = p.Subnets[1:]
		b.ReportAllocs()
		lock := first.Lock
		for b.Loop() {
			a, err := Allocate(&edited, lock)
			if err != nil {
				b.Fatal(err)
			}
			lock = a.Lock
		}
	})
	b.Run("nolock", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Allocate(p, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
