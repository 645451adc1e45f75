package plan

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var renameCases = []struct {
	name      string
	src       string
	old, new  string
	want      string // the whole text after the rename
	wantError string // instead, an error that holds this
}{
	{
		name: "block style keeps comments and layout",
		src: `# the plan
prefix: 2001:db8::/48   # ours
subnets:
  - name: site-a        # the first site
    size: 56
    subnets:
      - name:   office  # odd spacing stays
        size: 64
      - name: servers
        size: 64
`,
		old: "site-a/office", new: "lan",
		want: `# the plan
prefix: 2001:db8::/48   # ours
subnets:
  - name: site-a        # the first site
    size: 56
    subnets:
      - name:   lan  # odd spacing stays
        size: 64
      - name: servers
        size: 64
`,
	},
	{
		name: "flow maps",
		src: `prefix: 2001:db8::/48
domain: example.com
subnets:
  - {name: bulk, size: 64, hosts: [{name: bulk1}, {name: bulk2}]}
  - {name: office,size: 64}
`,
		old: "bulk", new: "bulk-east",
		want: `prefix: 2001:db8::/48
domain: example.com
subnets:
  - {name: bulk-east, size: 64, hosts: [{name: bulk1}, {name: bulk2}]}
  - {name: office,size: 64}
`,
	},
	{
		name: "a host in a flow map keeps the next key",
		src: `prefix: 2001:db8::/48
domain: example.com
subnets:
  - {name: bulk, size: 64, hosts: [{name: bulk1,roles: [outbound]}, {name: bulk2}]}
`,
		old: "bulk/bulk1", new: "mta-7",
		want: `prefix: 2001:db8::/48
domain: example.com
subnets:
  - {name: bulk, size: 64, hosts: [{name: mta-7,roles: [outbound]}, {name: bulk2}]}
`,
	},
	{
		name: "quoted names keep their quotes",
		src: `prefix: 2001:db8::/48
subnets:
  - name: "a"
    size: 60
    subnets:
      - {name: 'b', size: 64}
`,
		old: "a/b", new: "c",
		want: `prefix: 2001:db8::/48
subnets:
  - name: "a"
    size: 60
    subnets:
      - {name: 'c', size: 64}
`,
	},
	{
		name: "a name YAML would read as a number is quoted",
		src:  "prefix: 2001:db8::/48\nsubnets:\n  - name: office\n    size: 64\n",
		old:  "office", new: "2024",
		want: "prefix: 2001:db8::/48\nsubnets:\n  - name: \"2024\"\n    size: 64\n",
	},
	{
		name: "a quoted number loses its quotes only when it stays a string",
		src:  "prefix: 2001:db8::/48\nsubnets:\n  - name: \"2024\"\n    size: 64\n",
		old:  "2024", new: "lan",
		want: "prefix: 2001:db8::/48\nsubnets:\n  - name: \"lan\"\n    size: 64\n",
	},
	{
		name: "CRLF line ends",
		src:  "prefix: 2001:db8::/48\r\nsubnets:\r\n  - name: a\r\n    size: 60\r\n    subnets:\r\n      - name: b # x\r\n        size: 64\r\n",
		old:  "a/b", new: "lan",
		want: "prefix: 2001:db8::/48\r\nsubnets:\r\n  - name: a\r\n    size: 60\r\n    subnets:\r\n      - name: lan # x\r\n        size: 64\r\n",
	},
	{
		name: "CR line ends and a byte order mark",
		src:  "\uFEFFprefix: 2001:db8::/48\rsubnets:\r  - name: a # x\r    size: 64\r",
		old:  "a", new: "lan",
		want: "\uFEFFprefix: 2001:db8::/48\rsubnets:\r  - name: lan # x\r    size: 64\r",
	},
	{
		name: "JSON",
		src: `{
  "prefix": "2001:db8::/48",
  "subnets": [
    {"name": "site-a", "size": 56, "subnets": [{"name": "office", "size": 64}]}
  ]
}
`,
		old: "site-a/office", new: "lan",
		want: `{
  "prefix": "2001:db8::/48",
  "subnets": [
    {"name": "site-a", "size": 56, "subnets": [{"name": "lan", "size": 64}]}
  ]
}
`,
	},
	{
		name: "JSON on one line with a name that is not ASCII before it",
		src:  `{"prefix": "2001:db8::/48", "domain": "example.com", "subnets": [{"name": "a", "purpose": "lan", "size": 64, "hosts": [{"name": "h1"}]}]}`,
		old:  "a/h1", new: "h2",
		want: `{"prefix": "2001:db8::/48", "domain": "example.com", "subnets": [{"name": "a", "purpose": "lan", "size": 64, "hosts": [{"name": "h2"}]}]}`,
	},
	{
		name: "a comment with other characters before the name",
		src:  "# plan für Büro – ünïcode\nprefix: 2001:db8::/48 # “quoted”\nsubnets: [{name: büro-not-a-name-here, size: 64}]\n",
		old:  "x", new: "y",
		wantError: "must be a valid plan",
	},
	{
		name: "columns count characters, not bytes",
		src:  "prefix: 2001:db8::/48\nsubnets: [{purpose: lan, size: 64, name: a}]  # ü\nreserved: [{prefix: \"2001:db8:ff::/64\", note: \"größe\"}]\n",
		old:  "a", new: "b",
		want: "prefix: 2001:db8::/48\nsubnets: [{purpose: lan, size: 64, name: b}]  # ü\nreserved: [{prefix: \"2001:db8:ff::/64\", note: \"größe\"}]\n",
	},
	{
		name: "links, plain and as mappings",
		src:  "prefix: 2001:db8::/48\nsubnets:\n  - name: links\n    size: 64\n    purpose: p2p\n    links: [isp-a, {name: isp-b}]\n",
		old:  "links/isp-a", new: "isp-c",
		want: "prefix: 2001:db8::/48\nsubnets:\n  - name: links\n    size: 64\n    purpose: p2p\n    links: [isp-c, {name: isp-b}]\n",
	},
	{
		name: "an anchored name",
		src:  "prefix: 2001:db8::/48\nsubnets:\n  - name: &n office\n    size: 64\n",
		old:  "office", new: "lan",
		want: "prefix: 2001:db8::/48\nsubnets:\n  - name: &n lan\n    size: 64\n",
	},
	{
		name: "a host FQDN",
		src:  "prefix: 2001:db8::/48\nsubnets:\n  - name: s\n    size: 64\n    hosts:\n      - name: mx.example.net.\n",
		old:  "s/mx.example.net.", new: "mx2.example.net.",
		want: "prefix: 2001:db8::/48\nsubnets:\n  - name: s\n    size: 64\n    hosts:\n      - name: mx2.example.net.\n",
	},
	{
		name: "unknown entry",
		src:  "prefix: 2001:db8::/48\nsubnets: [{name: a, size: 64}]\n",
		old:  "b", new: "c",
		wantError: `has no subnet, host or link "b"`,
	},
	{
		name: "a name that is taken",
		src:  "prefix: 2001:db8::/48\nsubnets: [{name: a, size: 64}, {name: b, size: 64}]\n",
		old:  "a", new: "b",
		wantError: `plan.yaml:2:39: subnet "b" is taken`,
	},
	{
		name: "a bad name",
		src:  "prefix: 2001:db8::/48\nsubnets: [{name: a, size: 64}]\n",
		old:  "a", new: "b c",
		wantError: `character ' ' at offset 1 is not allowed`,
	},
	{
		name: "a path as the new name",
		src:  "prefix: 2001:db8::/48\nsubnets: [{name: a, size: 64}]\n",
		old:  "a", new: "x/b",
		wantError: `give the entry's new name alone, not a path`,
	},
	{
		name: "a host name that is no hostname",
		src:  "prefix: 2001:db8::/48\ndomain: example.com\nsubnets: [{name: a, size: 64, hosts: [{name: h}]}]\n",
		old:  "a/h", new: "h_1",
		wantError: `hostname "h_1": character '_'`,
	},
	{
		name: "a host name used in another subnet",
		src:  "prefix: 2001:db8::/48\ndomain: example.com\nsubnets: [{name: a, size: 64, hosts: [{name: h}]}, {name: b, size: 64, hosts: [{name: g}]}]\n",
		old:  "a/h", new: "g",
		wantError: `would leave plan.yaml invalid`,
	},
	{
		name: "a block scalar",
		src:  "prefix: 2001:db8::/48\nsubnets:\n  - name: >-\n      office\n    size: 64\n",
		old:  "office", new: "lan",
		wantError: `plan.yaml:3:11: the name of subnet "office": it is written as a block scalar; rename it by hand`,
	},
	{
		name: "the same name",
		src:  "prefix: 2001:db8::/48\nsubnets: [{name: a, size: 64}]\n",
		old:  "a", new: "a",
		wantError: `is already called "a"`,
	},
}

func TestRenameInSource(t *testing.T) {
	for _, tc := range renameCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := RenameInSource("plan.yaml", []byte(tc.src), tc.old, tc.new)
			if tc.wantError != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantError)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(got))
			checkRenamed(t, []byte(tc.src), got, tc.old, tc.new)
		})
	}
}

// checkRenamed checks a rename against the parsed plans: the entry at old
// is at the new path, of the same kind, and nothing else changed.
func checkRenamed(t *testing.T, src, got []byte, old, newName string) {
	t.Helper()
	before, err := ParseFile("plan.yaml", src)
	require.NoError(t, err)
	after, err := ParseFile("plan.yaml", got)
	require.NoError(t, err)
	kind, ok := entryKind(before, old)
	require.True(t, ok)
	newPath := newName
	if i := strings.LastIndexByte(old, '/'); i >= 0 {
		newPath = old[:i+1] + newName
	}
	k, ok := entryKind(after, newPath)
	require.True(t, ok, "the new path is in the plan")
	assert.Equal(t, kind, k)
	want := paths(before)
	for i, p := range want {
		if p == old || strings.HasPrefix(p, old+"/") {
			want[i] = newPath + strings.TrimPrefix(p, old)
		}
	}
	assert.Equal(t, want, paths(after), "every other entry keeps its path, in order")
}

// paths lists every entry of p as kind and path, in plan order.
func paths(p *Plan) []string {
	var out []string
	var walk func(prefix string, list []*Subnet)
	walk = func(prefix string, list []*Subnet) {
		for _, s := range list {
			path := prefix + s.Name
			out = append(out, path)
			for _, h := range s.Hosts {
				out = append(out, path+"/"+h.Name)
			}
			for _, l := range s.Links {
				out = append(out, path+"/"+l.Name)
			}
			walk(path+"/", s.Subnets)
		}
	}
	walk("", p.Subnets)
	return out
}

func FuzzRenameInSource(f *testing.F) {
	for _, tc := range renameCases {
		f.Add(tc.src, tc.old, tc.new)
	}
	f.Fuzz(func(t *testing.T, src, old, newName string) {
		got, err := RenameInSource("plan.yaml", []byte(src), old, newName)
		if err != nil {
			return
		}
		checkRenamed(t, []byte(src), got, old, newName)
		// Only the name's bytes changed: what precedes and follows it is
		// the same text.
		p, s := commonEnds([]byte(src), got)
		if p+s > len(src) {
			p = len(src) - s
		}
		changed := strings.Trim(string(got[p:len(got)-s]), `"'`)
		assert.True(t, strings.HasSuffix(newName, changed) || strings.HasPrefix(newName, changed) || strings.Contains(newName, changed),
			"the text changed by %q, not by the new name %q", changed, newName)
	})
}
