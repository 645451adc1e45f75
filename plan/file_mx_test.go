package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHostPreference reads the MX preference of hosts with role mx: the
// default when unset, 0 and 65535 at the ends of the range, and errors for
// a value out of range, a non-number, or a host that is not an MX.
func TestHostPreference(t *testing.T) {
	const head = "prefix: 2001:db8:d6::/48\ndomain: example.com\nsubnets:\n  - name: mail\n    size: 64\n    hosts:\n"
	for _, tc := range []struct {
		name string
		host string
		want uint16
		err  string
	}{
		{name: "default", host: "{name: mx1, roles: [mx]}", want: DefaultPreference},
		{name: "zero", host: "{name: mx1, roles: [mx], preference: 0}", want: 0},
		{name: "top", host: "{name: mx1, roles: [mx], preference: 65535}", want: 65535},
		{name: "backup", host: "{name: mx1, roles: [outbound, mx], preference: 20}", want: 20},
		{name: "out of range", host: "{name: mx1, roles: [mx], preference: 65536}", err: "plan.yaml:7:46: preference 65536 is out of range 0 to 65535"},
		{name: "negative", host: "{name: mx1, roles: [mx], preference: -1}", err: "plan.yaml:7:46: preference -1 is out of range 0 to 65535"},
		{name: "not a number", host: "{name: mx1, roles: [mx], preference: high}", err: `plan.yaml:7:46: preference must be a whole number, not "high"`},
		{name: "not an mx", host: "{name: mta1, roles: [outbound], preference: 10}", err: `plan.yaml:7:53: host "mta1": preference is the MX preference of a host with role mx, and this host's roles are [outbound]; add mx to its roles or drop preference`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParseFile("plan.yaml", []byte(head+"      - "+tc.host+"\n"))
			if tc.err != "" {
				require.Error(t, err)
				assert.Equal(t, tc.err, err.Error())
				return
			}
			require.NoError(t, err)
			h := p.Subnets[0].Hosts[0]
			assert.Equal(t, tc.want, h.MXPreference())
		})
	}
}
