package app

import (
	"strings"
	"testing"
)

// BenchmarkDocEdit is the budget case of the web app: one subnet of a /48
// of 65,536 /64s changes its purpose, and the plan is read and allocated
// again against its lock. testdata/bench-web.sh also runs it as
// WebAssembly (under Node.js), where the app runs.
func BenchmarkDocEdit(b *testing.B) {
	d := &Doc{}
	base := bigPlan(65536)
	d.SetSource(base)
	edited := strings.Replace(base, "lan65535, size: 64, purpose: lan", "lan65535, size: 64, purpose: dmz", 1)
	srcs := []string{edited, base}
	benchDoc(b, func(i int) *Doc {
		d.SetSource(srcs[i%2])
		return d
	})
}

// BenchmarkDocPaste is a whole new plan of 65,536 /64s pasted in: every
// line read, every subnet placed for the first time.
func BenchmarkDocPaste(b *testing.B) {
	texts := []string{bigPlan(65536), strings.Replace(bigPlan(65536), "2001:db8::/48", "2001:db8:1::/48", 1)}
	benchDoc(b, func(i int) *Doc {
		d := &Doc{}
		d.SetSource(texts[i%2])
		return d
	})
}

// benchDoc runs step in a benchmark loop and reports the Doc's own
// reading and allocating times, which the browser benchmark reads too.
func benchDoc(b *testing.B, step func(i int) *Doc) {
	var parse, alloc float64
	for i := 0; b.Loop(); i++ {
		d := step(i)
		if len(d.Errors) > 0 {
			b.Fatal(d.Errors)
		}
		parse += float64(d.ParseTime.Microseconds())
		alloc += float64(d.PlanTime.Microseconds())
	}
	b.ReportMetric(parse/float64(b.N)/1000, "parse-ms")
	b.ReportMetric(alloc/float64(b.N)/1000, "plan-ms")
}

// BenchmarkDocHosts is a plan of 10,000 hosts (1,000 of them senders)
// shown in the hosts view and as Postfix settings: what a revision makes
// when those views are looked at.
func BenchmarkDocHosts(b *testing.B) {
	d := &Doc{}
	d.SetSource(manyHosts(10000))
	if len(d.Errors) > 0 {
		b.Fatal(d.Errors)
	}
	for b.Loop() {
		d.out = nil // as a new revision does
		if len(d.Hosts()) != 10000 || d.Output("postfix").Text == "" {
			b.Fatal("no hosts or no settings")
		}
	}
}
