package deploy

import (
	"testing"

	"github.com/ip6plan/ip6plan/plan/plantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadinessOf(t *testing.T) {
	a := plantest.Example(t)
	all := Readiness(a)
	for _, tc := range []struct {
		name    string
		hosts   []string
		want    []string // the hosts' paths, in the order checked; nil for all
		wantErr string
	}{
		{name: "every sender", hosts: nil},
		{name: "by name", hosts: []string{"mta2"}, want: []string{"mail-transactional/mta2"}},
		{name: "by FQDN and path", hosts: []string{"mta1.example.com.", "mail-transactional/mta2"}, want: []string{"mail-transactional/mta1", "mail-transactional/mta2"}},
		{name: "plan order, whatever the order given", hosts: []string{"mta2", "mta1"}, want: []string{"mail-transactional/mta1", "mail-transactional/mta2"}},
		{name: "no such host", hosts: []string{"nosuch"}, wantErr: `no host "nosuch" in the plan`},
		{name: "not a sender", hosts: []string{"www"}, wantErr: `does not send mail (roles outbound or relay), so receivers check nothing of it`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadinessOf(a, tc.hosts)
			if tc.wantErr != "" {
				assert.ErrorContains(t, err, tc.wantErr)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			if tc.want == nil {
				assert.Equal(t, all, got)
				return
			}
			var hosts []string
			for _, c := range got {
				if len(hosts) == 0 || hosts[len(hosts)-1] != c.Host {
					hosts = append(hosts, c.Host)
				}
				assert.Contains(t, all, c) // the same checks as Readiness makes
			}
			assert.Equal(t, tc.want, hosts)
			assert.Len(t, got, len(items)*len(tc.want))
		})
	}
}

func TestSummarize(t *testing.T) {
	checks := []Check{
		{Host: "a", Status: Pass}, {Host: "a", Status: Warn}, {Host: "b", Status: Pass}, {Host: "b", Status: Pass},
	}
	s := Summarize(checks)
	assert.Equal(t, Summary{Hosts: 2, Pass: 3, Warn: 1}, s)
	assert.True(t, s.Ready(), "warnings do not count against a host")

	s = Summarize(append(checks, Check{Host: "c", Status: Fail}))
	assert.Equal(t, Summary{Hosts: 3, Pass: 3, Warn: 1, Fail: 1}, s)
	assert.False(t, s.Ready())

	assert.Equal(t, Summary{}, Summarize(nil))
	assert.True(t, Summarize(nil).Ready())

	// The counts add up for the example's checklist.
	all := Readiness(plantest.Example(t))
	s = Summarize(all)
	assert.Equal(t, len(all), s.Pass+s.Warn+s.Fail)
	assert.Equal(t, len(all)/len(items), s.Hosts)
}
