package deploy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ip6plan/ip6plan/plan"
)

// An Index finds an allocation's hosts by the names Options take, and
// their subnets by path, each at once. Generate and Lookup build one per
// call; a caller that writes settings for many machines of one plan (the
// web app writes one per host) builds it once with NewIndex, so that the
// work grows with the hosts, not with their square.
type Index struct {
	a       *plan.Allocation
	byName  map[string][]int // name or FQDN, by lookupKey: indexes into a.Hosts
	byPath  map[string]int   // lower-case path: index into a.Hosts
	subnets map[string]int   // path: index into a.Subnets
}

// NewIndex indexes the hosts and subnets of a.
func NewIndex(a *plan.Allocation) *Index {
	x := &Index{a: a, byName: make(map[string][]int, 2*len(a.Hosts)), byPath: make(map[string]int, len(a.Hosts)),
		subnets: make(map[string]int, len(a.Subnets))}
	for i, s := range a.Subnets {
		x.subnets[s.Path] = i
	}
	for i, h := range a.Hosts {
		x.byPath[strings.ToLower(h.Path)] = i
		for _, k := range [...]string{lookupKey(h.Host.Name), lookupKey(h.FQDN)} {
			if l := x.byName[k]; len(l) == 0 || l[len(l)-1] != i { // a host's name may be its FQDN
				x.byName[k] = append(l, i)
			}
		}
	}
	return x
}

// lookupKey is how names and FQDNs are compared: without a trailing dot,
// in lower case.
func lookupKey(name string) string { return strings.ToLower(strings.TrimSuffix(name, ".")) }

// Lookup returns the host that name names: by its name in the plan or its
// FQDN, with or without the trailing dot, or by its path, compared
// without regard to case. A name that matches several hosts is an error
// listing their paths.
func (x *Index) Lookup(name string) (plan.HostAlloc, error) {
	found := x.byName[lookupKey(name)]
	if i, ok := x.byPath[strings.ToLower(name)]; ok && !slices.Contains(found, i) {
		found = append(slices.Clone(found), i)
		slices.Sort(found) // in plan order, as the hosts are listed
	}
	switch len(found) {
	case 0:
		return plan.HostAlloc{}, fmt.Errorf("no host %q in the plan; give a host's name, FQDN or path as 'ip6plan plan' lists them", name)
	case 1:
		return x.a.Hosts[found[0]], nil
	}
	paths := make([]string, len(found))
	for i, at := range found {
		paths[i] = x.a.Hosts[at].Path
	}
	return plan.HostAlloc{}, fmt.Errorf("host %q is ambiguous: it names %s; give the path", name, strings.Join(paths, " and "))
}

// Lookup finds one host of a as Index.Lookup does.
func Lookup(a *plan.Allocation, name string) (plan.HostAlloc, error) {
	return NewIndex(a).Lookup(name)
}

// subnet returns the subnet at path.
func (x *Index) subnet(path string) plan.SubnetAlloc {
	if i, ok := x.subnets[path]; ok {
		return x.a.Subnets[i]
	}
	return plan.SubnetAlloc{}
}
