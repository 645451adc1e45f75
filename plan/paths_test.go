package plan

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIsPath(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"site-a", true},
		{"site-a/servers/www", true},
		{"mta1.example.com.", true}, // a host named by its FQDN
		{"", false},
		{"/site-a", false},
		{"site-a/", false},
		{"site-a//www", false},
		{"/", false},
	} {
		assert.Equal(t, tc.want, IsPath(tc.s), "%q", tc.s)
	}
}

// TestPlanHas compares Has with the paths Allocate gives every subnet,
// host and link of the example.
func TestPlanHas(t *testing.T) {
	p := parseExample(t)
	a, err := Allocate(p, nil)
	require.NoError(t, err)
	var paths []string
	for _, s := range a.Subnets {
		paths = append(paths, s.Path)
	}
	for _, h := range a.Hosts {
		paths = append(paths, h.Path)
	}
	for _, l := range a.Links {
		paths = append(paths, l.Path)
	}
	require.NotEmpty(t, a.Hosts)
	require.NotEmpty(t, a.Links)
	for _, path := range paths {
		assert.True(t, p.Has(path), path)
		_, ok := entryKind(p, path)
		assert.True(t, ok, path)
		for _, near := range []string{path + "x", path + "/nosuch", "nosuch/" + path, strings.ToUpper(path)} {
			if !slices.Contains(paths, near) {
				assert.False(t, p.Has(near), near)
			}
		}
	}
	assert.False(t, p.Has(""))
}

func TestLockUnder(t *testing.T) {
	p := parseExample(t)
	a, err := Allocate(p, nil)
	require.NoError(t, err)
	l := a.Lock
	// Hold a removed subnet's space, as vacated, under a path with a
	// sibling that shares its first letters.
	held := Entry{Kind: KindVacated, Path: a.Subnets[0].Path, Prefix: netip.MustParsePrefix("2001:db8:d6:ff00::/56")}
	l.Put(held)
	l.Put(Entry{Kind: KindSubnet, Path: a.Subnets[0].Path + "-old", Prefix: netip.MustParsePrefix("2001:db8:d6:fe00::/56")})
	for _, path := range []string{a.Subnets[0].Path, a.Hosts[0].Path, "nosuch", a.Subnets[0].Path + "-old"} {
		var want []Entry // the slow way: every entry, by its path
		for _, e := range l.Entries() {
			if e.Path == path || strings.HasPrefix(e.Path, path+"/") {
				want = append(want, e)
			}
		}
		assert.Equal(t, want, l.Under(path), path)
	}
	assert.Contains(t, l.Under(a.Subnets[0].Path), held)
	assert.Nil(t, (*Lock)(nil).Under("x"))
}

func TestRenumberPaths(t *testing.T) {
	move := func(path string) Change { return Change{Op: '~', Entry: Entry{Kind: KindSubnet, Path: path}} }
	for _, tc := range []struct {
		name  string
		moves []string
		want  []string
	}{
		{"none", nil, nil},
		{"one", []string{"a/b"}, []string{"a/b"}},
		{"a parent covers its children", []string{"a/b/c", "a/b", "a/b/d"}, []string{"a/b"}},
		{"siblings stay apart", []string{"a/b", "a/c"}, []string{"a/b", "a/c"}},
		{"a name that starts another is not its parent", []string{"a/bc", "a/b"}, []string{"a/bc", "a/b"}},
		{"shallow first", []string{"x/y/z", "w"}, []string{"w", "x/y/z"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var moves []Change
			for _, p := range tc.moves {
				moves = append(moves, move(p))
			}
			got := RenumberPaths(moves)
			assert.Equal(t, tc.want, got)
			a := &Allocation{Moves: moves}
			assert.Empty(t, a.Refused(got), "the paths accept every move")
			for i := range got { // and none of them can go
				assert.NotEmpty(t, a.Refused(slices.Delete(slices.Clone(got), i, i+1)), "without %s", got[i])
			}
		})
	}
}

func TestSplitPath(t *testing.T) {
	for _, tc := range []struct{ path, parent, name string }{
		{"site-a/servers/www", "site-a/servers", "www"},
		{"site-a", "", "site-a"},
		{"mail/mta1.example.com.", "mail", "mta1.example.com."},
	} {
		parent, name := SplitPath(tc.path)
		assert.Equal(t, tc.parent, parent, tc.path)
		assert.Equal(t, tc.name, name, tc.path)
		if parent != "" {
			assert.Equal(t, tc.path, parent+"/"+name)
		}
	}
}
