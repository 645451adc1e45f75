package plan

import (
	"errors"
	"slices"
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

var moveCases = []struct {
	name      string
	src       string
	old, new  string
	want      string // the whole text after the move
	wantError string // instead, an error that holds this
}{
	{
		name: "a subnet out of its block to the top, its comments with it",
		src: `prefix: 2001:db8::/48
domain: example.com
subnets:
  - name: site-a        # the first site
    size: 56
    subnets:
      # the office LAN: this comment stays, it is above the item
      - name: office    # moves with it
        size: 64
        # inside, so it moves
        hosts:
          - {name: printer, scheme: dynamic}
      - name: servers
        size: 64
  - name: mail
    size: 64
# the end
`,
		old: "site-a/office", new: "office",
		want: `prefix: 2001:db8::/48
domain: example.com
subnets:
  - name: site-a        # the first site
    size: 56
    subnets:
      # the office LAN: this comment stays, it is above the item
      - name: servers
        size: 64
  - name: mail
    size: 64
  - name: office    # moves with it
    size: 64
    # inside, so it moves
    hosts:
      - {name: printer, scheme: dynamic}
# the end
`,
	},
	{
		name: "a subnet into another block, renamed and indented further",
		src: `prefix: 2001:db8::/48
subnets:
  - name: lab
    size: 60
    reserved:
      - prefix: 2001:db8:0:f::/64
        note: >-
          kept for
          the old lab
  - name: site-b
    size: 56
    subnets:
      - name: lan
        size: 64
`,
		old: "lab", new: "site-b/lab-b",
		want: `prefix: 2001:db8::/48
subnets:
  - name: site-b
    size: 56
    subnets:
      - name: lan
        size: 64
      - name: lab-b
        size: 60
        reserved:
          - prefix: 2001:db8:0:f::/64
            note: >-
              kept for
              the old lab
`,
	},
	{
		name: "a host to another /64, the last one of its list",
		src: `prefix: 2001:db8::/48
domain: example.com
subnets:
  - name: a
    size: 64
    hosts:   # a's hosts
      - {name: h1, roles: [outbound]}
  - name: b
    size: 64
    hosts:
      - name: h2
        scheme: stable
`,
		old: "a/h1", new: "b/h1",
		want: `prefix: 2001:db8::/48
domain: example.com
subnets:
  - name: a
    size: 64
    hosts: []   # a's hosts
  - name: b
    size: 64
    hosts:
      - name: h2
        scheme: stable
      - {name: h1, roles: [outbound]}
`,
	},
	{
		name: "a host into a /64 without hosts, and back into hosts: []",
		src: `prefix: 2001:db8::/48
domain: example.com
subnets:
  - name: a
    size: 64
    hosts: [] # none yet
  - name: b
    size: 64
    purpose: lan
    hosts:
      - name: h1
      - name: h2
`,
		old: "b/h2", new: "a/mx",
		want: `prefix: 2001:db8::/48
domain: example.com
subnets:
  - name: a
    size: 64
    hosts: # none yet
      - name: mx
  - name: b
    size: 64
    purpose: lan
    hosts:
      - name: h1
`,
	},
	{
		name: "a host into a /64 that has no hosts key",
		src: `prefix: 2001:db8::/48
domain: example.com
subnets:
- name: a
  size: 64
  hosts:
  - name: h1
  - name: h2
- name: b
  size: 64
  purpose: lan  # no hosts yet
`,
		old: "a/h1", new: "b/h1",
		want: `prefix: 2001:db8::/48
domain: example.com
subnets:
- name: a
  size: 64
  hosts:
  - name: h2
- name: b
  size: 64
  purpose: lan  # no hosts yet
  hosts:
  - name: h1
`,
	},
	{
		name: "a subnet moved out of the end of the last item, which is where it goes",
		src:  "prefix: 2001:db8::/48\nsubnets:\n  - name: a\n    size: 56\n    subnets:\n      - name: b\n        size: 60\n        subnets:\n          - name: c\n            size: 64\n",
		old:  "a/b/c", new: "a/c",
		want: "prefix: 2001:db8::/48\nsubnets:\n  - name: a\n    size: 56\n    subnets:\n      - name: b\n        size: 60\n        subnets: []\n      - name: c\n        size: 64\n",
	},
	{
		name: "a subnet moved into the item just before it",
		src:  "prefix: 2001:db8::/48\nsubnets:\n  - name: a\n    size: 56\n    subnets:\n      - name: b\n        size: 60\n        subnets:\n          - name: x\n            size: 64\n      - name: c\n        size: 64\n      - name: d\n        size: 64\n",
		old:  "a/c", new: "a/b/c",
		want: "prefix: 2001:db8::/48\nsubnets:\n  - name: a\n    size: 56\n    subnets:\n      - name: b\n        size: 60\n        subnets:\n          - name: x\n            size: 64\n          - name: c\n            size: 64\n      - name: d\n        size: 64\n",
	},
	{
		name: "a link to another p2p /64",
		src:  "prefix: 2001:db8::/48\nsubnets:\n  - name: p1\n    size: 64\n    purpose: p2p\n    links:\n      - isp-a\n      - isp-b\n  - name: p2\n    size: 64\n    purpose: p2p\n    links:\n      - name: isp-c\n",
		old:  "p1/isp-a", new: "p2/isp-d",
		want: "prefix: 2001:db8::/48\nsubnets:\n  - name: p1\n    size: 64\n    purpose: p2p\n    links:\n      - isp-b\n  - name: p2\n    size: 64\n    purpose: p2p\n    links:\n      - name: isp-c\n      - isp-d\n",
	},
	{
		name: "CRLF line ends, and a file that ends without one",
		src:  "prefix: 2001:db8::/48\r\nsubnets:\r\n  - name: a\r\n    size: 56\r\n    subnets:\r\n      - name: b # x\r\n        size: 64\r\n      - name: c\r\n        size: 64",
		old:  "a/c", new: "c",
		want: "prefix: 2001:db8::/48\r\nsubnets:\r\n  - name: a\r\n    size: 56\r\n    subnets:\r\n      - name: b # x\r\n        size: 64\r\n  - name: c\r\n    size: 64\r\n",
	},
	{
		name: "a comment further left inside the item moves with it",
		src:  "prefix: 2001:db8::/48\nsubnets:\n  - name: a\n    size: 56\n    subnets:\n      - name: b\n# about b's size\n        size: 64\n  - name: z\n    size: 56\n",
		old:  "a/b", new: "z/b",
		want: "prefix: 2001:db8::/48\nsubnets:\n  - name: a\n    size: 56\n    subnets: []\n  - name: z\n    size: 56\n    subnets:\n      - name: b\n# about b's size\n        size: 64\n",
	},
	{
		name: "a name YAML would read as a number is quoted",
		src:  "prefix: 2001:db8::/48\nsubnets:\n  - name: a\n    size: 56\n    subnets:\n      - name: b\n        size: 64\n",
		old:  "a/b", new: "2024",
		want: "prefix: 2001:db8::/48\nsubnets:\n  - name: a\n    size: 56\n    subnets: []\n  - name: \"2024\"\n    size: 64\n",
	},
	{
		name: "a new name that other words of its line hold, at the end of a file without a line break",
		src:  "prefix: 0::/10\ndomain: aaaaaaA\nsubnets:\n  - name: 0\n    size: 64\n    hosts: [{name: a}]\n  - name: b\n    size: 11\n    subnets:\n      - name: c\n        size: 12",
		old:  "b/c", new: "a",
		want: "prefix: 0::/10\ndomain: aaaaaaA\nsubnets:\n  - name: 0\n    size: 64\n    hosts: [{name: a}]\n  - name: b\n    size: 11\n    subnets: []\n  - name: a\n    size: 12\n",
	},
	{
		name: "JSON",
		src:  `{"prefix": "2001:db8::/48", "subnets": [{"name": "a", "size": 56, "subnets": [{"name": "b", "size": 64}]}]}`,
		old:  "a/b", new: "b",
		wantError: `plan.yaml:1:1: the plan is written as JSON, which is not edited in place: move subnet "a/b" by hand, from its list to the subnets list of the plan's top level, named "b"`,
	},
	{
		name: "a flow list",
		src:  "prefix: 2001:db8::/48\nsubnets:\n  - name: a\n    size: 56\n    subnets: [{name: b, size: 64}]\n",
		old:  "a/b", new: "b",
		wantError: `plan.yaml:5:14: the subnets list that holds "a/b" is written in flow style ([...]), which is not edited in place: move subnet "a/b" by hand`,
	},
	{
		name: "a flow list to move into",
		src:  "prefix: 2001:db8::/48\ndomain: example.com\nsubnets:\n  - name: a\n    size: 64\n    hosts:\n      - name: h\n  - {name: b, size: 64, hosts: [{name: g}]}\n",
		old:  "a/h", new: "b/h",
		wantError: `plan.yaml:8:5: subnet "b" is written in flow style ({...}), which is not edited in place`,
	},
	{
		name: "an anchor",
		src:  "prefix: 2001:db8::/48\nsubnets:\n  - name: a\n    size: 56\n    subnets:\n      - name: b\n        size: &s 64\n",
		old:  "a/b", new: "b",
		wantError: `plan.yaml:7:15: subnet "a/b" holds an anchor, alias or tag, which is not edited in place`,
	},
	{
		name: "no such parent",
		src:  "prefix: 2001:db8::/48\nsubnets:\n  - name: a\n    size: 56\n    subnets:\n      - name: b\n        size: 64\n",
		old:  "a/b", new: "x/b",
		wantError: `plan.yaml has no subnet "x" to move subnet "a/b" into`,
	},
	{
		name: "a host as the parent",
		src:  "prefix: 2001:db8::/48\ndomain: example.com\nsubnets:\n  - name: a\n    size: 64\n    hosts: [{name: h}, {name: g}]\n",
		old:  "a/h", new: "a/g/h",
		wantError: `plan.yaml has no subnet "a/g" to move host "a/h" into`,
	},
	{
		name: "a host into a block",
		src:  "prefix: 2001:db8::/48\ndomain: example.com\nsubnets:\n  - name: a\n    size: 64\n    hosts: [{name: h}]\n  - name: b\n    size: 56\n",
		old:  "a/h", new: "b/h",
		wantError: `plan.yaml: subnet "b" is a /56, and a host goes in a /64 (RFC 7421): choose a /64 for "a/h"`,
	},
	{
		name: "a host at the top",
		src:  "prefix: 2001:db8::/48\ndomain: example.com\nsubnets:\n  - name: a\n    size: 64\n    hosts: [{name: h}]\n",
		old:  "a/h", new: "h",
		wantError: `a host goes in a /64 subnet, not at the plan's top level`,
	},
	{
		name: "a subnet into a /64 with hosts",
		src:  "prefix: 2001:db8::/48\ndomain: example.com\nsubnets:\n  - name: a\n    size: 64\n    hosts: [{name: h}]\n  - name: b\n    size: 56\n    subnets:\n      - name: c\n        size: 64\n",
		old:  "b/c", new: "a/c",
		wantError: `subnet "a" is a /64 and subnet "b/c" a /64: a block must be larger than the subnets in it`,
	},
	{
		name: "a subnet into a block no larger",
		src:  "prefix: 2001:db8::/48\nsubnets:\n  - name: a\n    size: 56\n  - name: b\n    size: 52\n    subnets:\n      - name: c\n        size: 56\n",
		old:  "b/c", new: "a/c",
		wantError: `subnet "a" is a /56 and subnet "b/c" a /56`,
	},
	{
		name: "a link outside a p2p /64",
		src:  "prefix: 2001:db8::/48\nsubnets:\n  - name: p\n    size: 64\n    purpose: p2p\n    links:\n      - isp\n  - name: lan\n    size: 64\n",
		old:  "p/isp", new: "lan/isp",
		wantError: `subnet "lan" is a /64 with purpose "", and links go in a purpose: p2p /64`,
	},
	{
		name: "into itself",
		src:  "prefix: 2001:db8::/48\nsubnets:\n  - name: a\n    size: 56\n    subnets:\n      - name: b\n        size: 64\n",
		old:  "a", new: "a/b/a",
		wantError: `subnet "a" cannot move into itself`,
	},
	{
		name: "the same parent",
		src:  "prefix: 2001:db8::/48\nsubnets:\n  - name: a\n    size: 56\n",
		old:  "a", new: "b",
		wantError: `that is a rename, not a move`,
	},
	{
		name: "a name that is taken",
		src:  "prefix: 2001:db8::/48\nsubnets:\n  - name: a\n    size: 56\n    subnets:\n      - name: b\n        size: 64\n  - name: b\n    size: 56\n",
		old:  "a/b", new: "b",
		wantError: `plan.yaml:8:11: subnet "b" is taken: the plan's top level has a subnet of that name; choose another`,
	},
	{
		name: "a host name used elsewhere",
		src:  "prefix: 2001:db8::/48\ndomain: example.com\nsubnets:\n  - name: a\n    size: 64\n    hosts:\n      - name: h\n      - name: g\n  - name: b\n    size: 64\n    hosts:\n      - name: f\n",
		old:  "a/h", new: "b/g",
		wantError: `would leave plan.yaml invalid`,
	},
	{
		name: "unknown entry",
		src:  "prefix: 2001:db8::/48\nsubnets: [{name: a, size: 64}]\n",
		old:  "b", new: "a/b",
		wantError: `has no subnet, host or link "b"`,
	},
}

func TestMoveInSource(t *testing.T) {
	for _, tc := range moveCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := MoveInSource("plan.yaml", []byte(tc.src), tc.old, tc.new)
			if tc.wantError != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantError)
				assert.Equal(t, strings.Contains(tc.wantError, "not edited in place"), errors.Is(err, ErrByHand), "errors.Is(err, ErrByHand)")
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(got))
			checkMoved(t, []byte(tc.src), got, tc.old, tc.new)
		})
	}
}

// checkMoved checks a move against the parsed plans and the texts: the
// entry at old is at new, of the same kind and with the same content, the
// other entries keep their paths, and the texts differ only in the
// moved lines.
func checkMoved(t *testing.T, src, got []byte, old, newPath string) {
	t.Helper()
	before, err := ParseFile("plan.yaml", src)
	require.NoError(t, err)
	after, err := ParseFile("plan.yaml", got)
	require.NoError(t, err, "the moved plan parses:\n%s", got)
	kind, ok := entryKind(before, old)
	require.True(t, ok)
	k, ok := entryKind(after, newPath)
	require.True(t, ok, "the new path is in the plan")
	assert.Equal(t, kind, k)
	_, oldName := SplitPath(old)
	_, newName := SplitPath(newPath)
	assert.Equal(t, entryContent(before, kind, old, newName), entryContent(after, kind, newPath, newName), "the entry's content moved with it")

	want := paths(before)
	for i, p := range want {
		if under(p, old) {
			want[i] = newPath + strings.TrimPrefix(p, old)
		}
	}
	assert.ElementsMatch(t, want, paths(after), "every other entry keeps its path")
	if !onlyMovedLines(textLines(src), textLines(got), oldName, newName) {
		t.Errorf("the text changed beyond the moved lines:\n--- before\n%s\n--- after\n%s", src, got)
	}
}

// entryContent returns what the plan p says of the entry at path, with
// positions left out and the entry named name.
func entryContent(p *Plan, kind Kind, path, name string) any {
	dir, last := SplitPath(path)
	switch kind {
	case KindSubnet:
		s := *subnetAt(p, path)
		s.Name = name
		return stripPos(&s)
	case KindHost:
		for _, h := range subnetAt(p, dir).Hosts {
			if h.Name == last {
				c := *h
				c.Name, c.Pos = name, Pos{}
				return c
			}
		}
	case KindLink:
		return name
	}
	return nil
}

// stripPos returns a copy of the subnet tree s without positions.
func stripPos(s *Subnet) Subnet {
	c := *s
	c.Pos = Pos{}
	c.Reserved = slices.Clone(s.Reserved)
	for i := range c.Reserved {
		c.Reserved[i].Pos = Pos{}
	}
	c.Hosts = nil
	for _, h := range s.Hosts {
		hc := *h
		hc.Pos = Pos{}
		c.Hosts = append(c.Hosts, &hc)
	}
	c.Links = nil
	for _, l := range s.Links {
		c.Links = append(c.Links, &Link{Name: l.Name})
	}
	c.Subnets = nil
	for _, sub := range s.Subnets {
		sc := stripPos(sub)
		c.Subnets = append(c.Subnets, &sc)
	}
	return c
}

// textLines splits a text into lines as yaml.v3 counts them, breaks kept.
func textLines(src []byte) []string {
	t := newSourceLines(src)
	out := make([]string, t.lines())
	for i := range out {
		out[i] = string(t.line(i))
	}
	return out
}

// onlyMovedLines reports whether after is before with one run of lines
// cut out and one run put in (with a key line before it, when a list was
// made), the run put in being the run cut out indented alike and renamed
// from oldName to newName, and with lists left empty reading "[]": key
// lines are compared with their "[]" left out.
func onlyMovedLines(before, after []string, oldName, newName string) bool {
	norm := func(l []string) []string {
		out := make([]string, len(l))
		for i, s := range l {
			s = strings.TrimRight(s, "\r\n\u0085\u2028\u2029")
			out[i] = strings.Replace(s, ": []", ":", 1)
		}
		return out
	}
	a, b := norm(before), norm(after)
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	s := 0
	for s < len(a)-p && s < len(b)-p && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	// The middles differ by a cut and an insertion, in either order, around
	// a run x they share; try every length of cut. A run that the common
	// ends took part of is looked for with those ends given back.
	for give := 0; give <= p; give++ {
		for giveS := 0; giveS <= s; giveS++ {
			ma, mb := a[p-give:len(a)-s+giveS], b[p-give:len(b)-s+giveS]
			for cut := 1; cut <= len(ma); cut++ {
				x := len(ma) - cut
				if x > len(mb) {
					continue
				}
				// cut first: ma = CUT x, mb = x INS
				if slices.Equal(ma[cut:], mb[:x]) && sameShifted(ma[:cut], mb[x:], oldName, newName) {
					return true
				}
				// insertion first: ma = x CUT, mb = INS x
				if slices.Equal(ma[:x], mb[len(mb)-x:]) && sameShifted(ma[x:], mb[:len(mb)-x], oldName, newName) {
					return true
				}
			}
			if giveS == s || give == p {
				break
			}
		}
	}
	return false
}

// sameShifted reports whether ins is cut indented by one amount, with a
// key line before it or not, and with at most one line renamed.
func sameShifted(cut, ins []string, oldName, newName string) bool {
	if len(ins) == len(cut)+1 && strings.HasSuffix(strings.TrimSpace(ins[0]), ":") {
		ins = ins[1:]
	}
	if len(ins) != len(cut) || len(cut) == 0 {
		return false
	}
	ind := func(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }
	delta := ind(ins[0]) - ind(cut[0])
	renamed := 0
	for i := range cut {
		c, n := strings.TrimLeft(cut[i], " "), strings.TrimLeft(ins[i], " ")
		if c != n {
			renamed++
			if renamed > 1 || oldName == newName || !renamedLine(c, n, oldName, newName) {
				return false
			}
		}
		if c != "" && ind(cut[i]) >= -delta && ind(ins[i]) != ind(cut[i])+delta {
			return false
		}
	}
	return true
}

// renamedLine reports whether the line n is the line c with the name
// oldName replaced by newName, which may have gained quotes.
func renamedLine(c, n, oldName, newName string) bool {
	for _, w := range []string{newName, `"` + newName + `"`} {
		for i := strings.Index(n, w); i >= 0; {
			if n[:i]+oldName+n[i+len(w):] == c {
				return true
			}
			j := strings.Index(n[i+1:], w)
			if j < 0 {
				break
			}
			i += 1 + j
		}
	}
	return false
}

func FuzzMoveInSource(f *testing.F) {
	for _, tc := range moveCases {
		f.Add(tc.src, tc.old, tc.new)
	}
	f.Fuzz(func(t *testing.T, src, old, newPath string) {
		got, err := MoveInSource("plan.yaml", []byte(src), old, newPath)
		if err != nil {
			require.Nil(t, got)
			return
		}
		checkMoved(t, []byte(src), got, old, newPath)
	})
}

// TestOnlyMovedLines checks the fuzz target's oracle: it must catch a
// change outside the moved lines, and a moved line changed.
func TestOnlyMovedLines(t *testing.T) {
	before := textLines([]byte("a:\n  - x: 1\n  - y: 2\nb:\n  - z: 3\n"))
	for _, tc := range []struct {
		name  string
		after string
		want  bool
	}{
		{"the move", "a:\n  - y: 2\nb:\n  - z: 3\n  - x: 1\n", true},
		{"the move, further in", "a:\n  - y: 2\nb:\n  - z: 3\n      - x: 1\n", true},
		{"another line changed too", "a:\n  - y: 3\nb:\n  - z: 3\n  - x: 1\n", false},
		{"a line lost", "a:\nb:\n  - z: 3\n  - x: 1\n", false},
		{"the moved line changed", "a:\n  - y: 2\nb:\n  - z: 3\n  - x: 2\n", false},
		{"a line added", "a:\n  - y: 2\nc: 1\nb:\n  - z: 3\n  - x: 1\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, onlyMovedLines(before, textLines([]byte(tc.after)), "x", "x"))
		})
	}
}
