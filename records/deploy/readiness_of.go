package deploy

import (
	"fmt"

	"github.com/ip6plan/ip6plan/plan"
)

// ReadinessOf returns the checklist of Readiness for the sending hosts
// that hosts names, each by its name, FQDN or path as Options.Hosts are,
// or for every sending host when hosts is empty. A name that is not one
// host of a, or names a host that sends no mail, is an error: receivers
// check nothing of such a host.
func ReadinessOf(a *plan.Allocation, hosts []string) ([]Check, error) {
	only := make(map[string]bool, len(hosts))
	index := NewIndex(a)
	for _, name := range hosts {
		h, err := index.Lookup(name)
		if err != nil {
			return nil, err
		}
		if !h.Host.IsSender() {
			return nil, fmt.Errorf("host %q does not send mail (roles outbound or relay), so receivers check nothing of it", h.Path)
		}
		only[h.Path] = true
	}
	var checks []Check
	for _, c := range Readiness(a) {
		if len(only) == 0 || only[c.Host] {
			checks = append(checks, c)
		}
	}
	return checks, nil
}

// A Summary counts a readiness checklist: the sending hosts it covers and
// its checks by status.
type Summary struct {
	Hosts            int
	Pass, Warn, Fail int
}

// Summarize counts checks.
func Summarize(checks []Check) Summary {
	var s Summary
	hosts := map[string]bool{}
	for _, c := range checks {
		switch c.Status {
		case Pass:
			s.Pass++
		case Warn:
			s.Warn++
		case Fail:
			s.Fail++
		}
		hosts[c.Host] = true
	}
	s.Hosts = len(hosts)
	return s
}

// Ready reports whether no check fails, so receivers would take the mail
// of every host checked; warnings do not count against it.
func (s Summary) Ready() bool { return s.Fail == 0 }
