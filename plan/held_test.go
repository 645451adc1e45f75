package plan

import (
	"errors"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// heldOracle is Lock.Held the obvious way: every path the plan names in
// a map, and the lock's entries not in it.
func heldOracle(l *Lock, p *Plan) []Entry {
	type key struct {
		kind Kind
		path string
	}
	named := map[key]bool{}
	var walk func(parent string, subnets []*Subnet)
	walk = func(parent string, subnets []*Subnet) {
		for _, s := range subnets {
			path := join(parent, s.Name)
			named[key{KindSubnet, path}] = true
			for _, h := range s.Hosts {
				named[key{KindHost, join(path, h.Name)}] = true
			}
			for _, k := range s.Links {
				named[key{KindLink, join(path, k.Name)}] = true
			}
			walk(path, s.Subnets)
		}
	}
	walk("", p.Subnets)
	var out []Entry
	for _, e := range l.Entries() {
		if !named[key{e.Kind, e.Path}] {
			out = append(out, e)
		}
	}
	return out
}

// checkHeld holds Lock.Held to its oracle and to Allocate, which holds
// the same entries and besides them only the space its own moves vacate
// and the old address of a host now dynamic.
func checkHeld(t *testing.T, l *Lock, p *Plan, a *Allocation, context ...any) {
	t.Helper()
	held := l.Held(p)
	require.Equal(t, heldOracle(l, p), held, context...)
	for _, e := range held {
		require.Contains(t, a.Held, e, context...)
	}
	for _, e := range a.Held {
		if !slices.Contains(held, e) {
			require.True(t, e.Kind == KindVacated && !l.Has(e) || e.Kind == KindHost && p.Has(e.Path),
				"%s is held by Allocate, not by the lock: %v", e, context)
		}
	}
}

const heldPlan = `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: a
    size: 56
    subnets:
      - {name: lan, size: 64, hosts: [{name: www}, {name: db}]}
      - {name: dmz, size: 64}
  - {name: b, size: 64, hosts: [{name: x}]}
  - {name: c, size: 64}
`

func TestLockHeld(t *testing.T) {
	first := allocate(t, heldPlan, nil)
	assert.Empty(t, first.Lock.Held(first.Plan))
	var nilLock *Lock
	assert.Empty(t, nilLock.Held(first.Plan))

	// a removed with all inside it, b's host renamed.
	p, err := ParseFile("plan.yaml", []byte(`prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - {name: b, size: 64, hosts: [{name: y}]}
  - {name: c, size: 64}
`))
	require.NoError(t, err)
	second, err := Allocate(p, first.Lock)
	require.NoError(t, err)
	held := first.Lock.Held(p)
	assert.Equal(t, second.Held, held, "with no moves, Allocate holds just what the lock does")
	assert.Equal(t, []string{"subnet a", "subnet a/lan", "host a/lan/www", "host a/lan/db", "subnet a/dmz", "host b/x"}, kindPaths(held))
	checkHeld(t, first.Lock, p, second)
}

func kindPaths(es []Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Kind.String()+" "+e.Path)
	}
	return out
}

func TestOutermostHeld(t *testing.T) {
	e := func(k Kind, path string) Entry { return Entry{Kind: k, Path: path} }
	for _, tt := range []struct {
		name       string
		held, want []Entry
	}{
		{name: "none"},
		{name: "a removed subnet takes what was in it",
			held: []Entry{e(KindSubnet, "a"), e(KindSubnet, "a/lan"), e(KindHost, "a/lan/www"), e(KindLink, "a/p2p/l1"), e(KindVacated, "a/lan")},
			want: []Entry{e(KindSubnet, "a")}},
		{name: "the space a removed subnet left goes by its own path",
			held: []Entry{e(KindSubnet, "a"), e(KindVacated, "a")},
			want: []Entry{e(KindSubnet, "a"), e(KindVacated, "a")}},
		{name: "vacated space holds nothing",
			held: []Entry{e(KindVacated, "a"), e(KindHost, "a/www")},
			want: []Entry{e(KindVacated, "a"), e(KindHost, "a/www")}},
		{name: "a prefix of a name is not a parent",
			held: []Entry{e(KindSubnet, "a"), e(KindSubnet, "ab/c"), e(KindHost, "b/x")},
			want: []Entry{e(KindSubnet, "a"), e(KindSubnet, "ab/c"), e(KindHost, "b/x")}},
		{name: "deep inside",
			held: []Entry{e(KindHost, "s/t/u/h"), e(KindSubnet, "s")},
			want: []Entry{e(KindSubnet, "s")}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, OutermostHeld(tt.held))
		})
	}
}

// TestReleaseHeld is the release policy: what the plan no longer has goes
// with everything below it; of what it has, only the space it left when
// it moved; otherwise nothing, and ErrInPlan.
func TestReleaseHeld(t *testing.T) {
	first := allocate(t, heldPlan, nil)
	// a/lan moved by a pin elsewhere (accepted), a/dmz and b/x removed,
	// and c's name now a host's of b.
	p, err := ParseFile("plan.yaml", []byte(`prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: a
    size: 56
    subnets:
      - {name: lan, size: 64, id: "80", hosts: [{name: www}, {name: db}]}
  - {name: b, size: 64, hosts: [{name: c}]}
`))
	require.NoError(t, err)
	second, err := Allocate(p, first.Lock)
	require.NoError(t, err)
	require.NotEmpty(t, second.Moves)

	for _, tt := range []struct {
		path string
		gone []string // kind and path of each entry released
		err  string
	}{
		{path: "a/dmz", gone: []string{"subnet a/dmz"}},
		{path: "b/x", gone: []string{"host b/x"}},
		{path: "c", gone: []string{"subnet c"}},
		{path: "a/lan", gone: []string{"vacated a/lan"}},
		{path: "a/lan", err: ErrInPlan.Error()},
		{path: "a", err: ErrInPlan.Error()},
		{path: "b/c", err: ErrInPlan.Error()},
		{path: "nowhere", err: `the lock has no entry "nowhere"`},
	} {
		gone, err := second.Lock.ReleaseHeld(p, tt.path)
		if tt.err != "" {
			assert.EqualError(t, err, tt.err, tt.path)
			assert.Equal(t, errors.Is(err, ErrInPlan), p.Has(tt.path), tt.path)
			continue
		}
		require.NoError(t, err, tt.path)
		assert.Equal(t, tt.gone, kindPaths(gone), tt.path)
	}
	assert.Empty(t, second.Lock.Held(p), "all released")
	again, err := Allocate(p, second.Lock)
	require.NoError(t, err)
	assert.Empty(t, again.Held)
	assert.Empty(t, Diff(second.Lock, again.Lock), "nothing the plan has was released")

	var nilLock *Lock
	_, err = nilLock.ReleaseHeld(p, "a")
	assert.ErrorIs(t, err, ErrInPlan)
	_, err = nilLock.ReleaseHeld(p, "x")
	assert.EqualError(t, err, `the lock has no entry "x"`)

	// A held host whose path a subnet of the plan now has is not released:
	// the release would take the subnet with it.
	lan := allocate(t, "prefix: 2001:db8::/48\ndomain: example.com\nsubnets: [{name: lan, size: 64, hosts: [{name: x}]}]\n", nil)
	p, err = ParseFile("plan.yaml", []byte("prefix: 2001:db8::/48\ndomain: example.com\nsubnets: [{name: lan, size: 56, subnets: [{name: x, size: 64}]}]\n"))
	require.NoError(t, err)
	grown, err := Allocate(p, lan.Lock)
	require.NoError(t, err)
	require.Equal(t, []string{"host lan/x"}, kindPaths(grown.Lock.Held(p)))
	_, err = grown.Lock.ReleaseHeld(p, "lan/x")
	assert.ErrorIs(t, err, ErrInPlan)
	_, ok := grown.Lock.Get(KindSubnet, "lan/x")
	assert.True(t, ok, "the subnet lan/x stays")
}
