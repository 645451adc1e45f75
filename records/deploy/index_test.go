package deploy

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/plan/plantest"
)

// scanLookup is the obvious Lookup: every host compared with the name.
// A path is compared whole: the path of a host named as an FQDN ends in
// its dot.
func scanLookup(a *plan.Allocation, name string) (string, error) {
	want := strings.ToLower(strings.TrimSuffix(name, "."))
	var found []string
	for _, h := range a.Hosts {
		if strings.ToLower(strings.TrimSuffix(h.Host.Name, ".")) == want ||
			strings.ToLower(strings.TrimSuffix(h.FQDN, ".")) == want ||
			strings.EqualFold(h.Path, name) {
			found = append(found, h.Path)
		}
	}
	switch len(found) {
	case 0:
		return "", fmt.Errorf("no host %q in the plan; give a host's name, FQDN or path as 'ip6plan plan' lists them", name)
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("host %q is ambiguous: it names %s; give the path", name, strings.Join(found, " and "))
}

// Index.Lookup answers as the scan does, for names that match by plan
// name, FQDN and path, in any case, with and without the dot, and for
// names that match two hosts: "mx" is one host's name and, as "mx.", the
// FQDN of another.
func TestIndexLookupMatchesScan(t *testing.T) {
	a := plantest.Alloc(t, `prefix: 2001:db8::/48
domain: example.com
subnets:
  - name: a
    size: 64
    hosts: [{name: mx}, {name: mx.}, {name: www}, {name: www.example.com.x.}, {name: mail.example.org.}]
  - name: b
    size: 64
    hosts: [{name: mx2}, {name: A}]
`)
	x := NewIndex(a)
	names := []string{"mx", "MX", "mx.", "mx.example.com", "mx.example.com.", "a/mx", "A/MX", "a/mx.", "www", "www.example.com",
		"www.example.com.x", "mail.example.org", "mail", "mx2", "b/mx2", "b/a", "a", "A", "a.example.com", "nothing", "", "."}
	for _, name := range names {
		want, wantErr := scanLookup(a, name)
		h, err := x.Lookup(name)
		if wantErr != nil {
			require.Error(t, err, name)
			assert.Equal(t, wantErr.Error(), err.Error(), name)
			continue
		}
		require.NoError(t, err, name)
		assert.Equal(t, want, h.Path, name)
	}
	_, err := x.Lookup("mx")
	assert.ErrorContains(t, err, "ambiguous", "the test must cover an ambiguous name")
}

// manySenders is a plan of n sending hosts in n/100 mail /64s.
func manySenders(t testing.TB, n int) *plan.Allocation {
	var b strings.Builder
	b.WriteString("prefix: 2001:db8::/48\ndomain: example.com\nsubnets:\n")
	for i := range n {
		if i%100 == 0 {
			fmt.Fprintf(&b, "  - name: mail%d\n    size: 64\n    purpose: mail\n    gateway: \"::1\"\n    hosts:\n", i/100)
		}
		fmt.Fprintf(&b, "      - {name: mta%d, roles: [outbound]}\n", i)
	}
	return plantest.Alloc(t, b.String())
}

// BenchmarkReadiness and BenchmarkGenerateEveryHost grow with the hosts,
// not with their square: each sender's checks look its address up, and
// one Index serves every machine (the web app writes one per host).
func BenchmarkReadiness(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		a := manySenders(b, n)
		b.Run(fmt.Sprintf("hosts=%d", n), func(b *testing.B) {
			for b.Loop() {
				Readiness(a)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/host")
		})
	}
}

func BenchmarkGenerateEveryHost(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		a := manySenders(b, n)
		b.Run(fmt.Sprintf("hosts=%d", n), func(b *testing.B) {
			for b.Loop() {
				x := NewIndex(a)
				for _, h := range a.Hosts {
					if _, err := x.Generate(Postfix, Options{Hosts: []string{h.Path}}); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/host")
		})
	}
}
