package plan

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// planGen builds random plans and edits them, the way users do.
type planGen struct {
	r    *rand.Rand
	next int
	undo func() // reverts the last resize, which may not fit its parent
}

func (g *planGen) name(prefix string) string {
	g.next++
	return fmt.Sprintf("%s%d", prefix, g.next)
}

func (g *planGen) subnet(parentBits, depth int) *Subnet {
	sizes := []int{64}
	for s := parentBits + 4; s < 64; s += 4 {
		sizes = append(sizes, s)
	}
	if parentBits < 56 && g.r.IntN(3) == 0 { // a non-nibble size now and then
		sizes = append(sizes, parentBits+6)
	}
	s := &Subnet{Name: g.name("s"), Size: sizes[g.r.IntN(len(sizes))], Allocation: Mode(g.r.IntN(3))}
	switch {
	case s.Size == 64:
		for range g.r.IntN(4) {
			s.Hosts = append(s.Hosts, g.host())
		}
	case depth < 2:
		for range g.r.IntN(4) {
			s.Subnets = append(s.Subnets, g.subnet(s.Size, depth+1))
		}
	}
	return s
}

func (g *planGen) host() *Host {
	h := &Host{Name: g.name("h")}
	switch g.r.IntN(3) {
	case 0:
		h.Scheme, h.Port = SchemeService, uint16(1000+g.r.IntN(9000))
	default:
		h.Scheme = SchemeSequential
	}
	return h
}

func (g *planGen) plan() *Plan {
	p := &Plan{Prefix: MustParsePrefix("2001:db8:100::/40"), Domain: "example.com", Allocation: Mode(g.r.IntN(3))}
	for range 1 + g.r.IntN(6) {
		p.Subnets = append(p.Subnets, g.subnet(40, 0))
	}
	return p
}

// blocks returns every list of subnets in the plan with its parent's size
// and path.
type blockRef struct {
	list       *[]*Subnet
	parentBits int
	path       string
}

func blocks(p *Plan) []blockRef {
	out := []blockRef{{&p.Subnets, p.Prefix.Bits(), ""}}
	var walk func(list []*Subnet, path string)
	walk = func(list []*Subnet, path string) {
		for _, s := range list {
			sp := join(path, s.Name)
			if s.Size < 64 {
				out = append(out, blockRef{&s.Subnets, s.Size, sp})
				walk(s.Subnets, sp)
			}
		}
	}
	walk(p.Subnets, "")
	return out
}

// edit changes the plan at random and returns the path of a subnet that
// was resized ("" if none): it and what is inside it may move.
func (g *planGen) edit(p *Plan) (desc, resized string) {
	bs := blocks(p)
	b := bs[g.r.IntN(len(bs))]
	list := *b.list
	switch op := g.r.IntN(5); {
	case op == 0 || len(list) == 0:
		*b.list = append(list, g.subnet(b.parentBits, strings.Count(b.path, "/")+1))
		return "add subnet in " + b.path, ""
	case op == 1:
		i := g.r.IntN(len(list))
		name := list[i].Name
		*b.list = slices.Delete(list, i, i+1)
		return "remove " + join(b.path, name), ""
	case op == 2:
		g.r.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
		return "reorder " + b.path, ""
	case op == 3:
		s := list[g.r.IntN(len(list))]
		if s.Size == 64 {
			if len(s.Hosts) > 0 && g.r.IntN(2) == 0 {
				i := g.r.IntN(len(s.Hosts))
				name := s.Hosts[i].Name
				s.Hosts = slices.Delete(s.Hosts, i, i+1)
				return "remove host " + name + " of " + s.Name, ""
			}
			s.Hosts = append(s.Hosts, g.host())
			return "add a host to " + s.Name, ""
		}
		return "nothing", ""
	default:
		s := list[g.r.IntN(len(list))]
		if len(s.Hosts) > 0 {
			return "nothing", ""
		}
		minSize := b.parentBits + 1
		for _, c := range s.Subnets {
			minSize = max(minSize, c.Size-1) // children must stay longer
		}
		maxSize, room := 64, uint64(0)
		for _, c := range s.Subnets { // room for the children, held ones and more
			maxSize = min(maxSize, c.Size-1)
			room += 8 << (64 - c.Size)
		}
		if room > 0 {
			maxSize = min(maxSize, 64-bits.Len64(room))
		}
		if len(s.Subnets) == 0 {
			maxSize = min(maxSize, 63) // a /64 would take hosts; keep it a block
		}
		if minSize > maxSize {
			return "nothing", ""
		}
		g.undo = func(old int) func() { return func() { s.Size = old } }(s.Size)
		s.Size = minSize + g.r.IntN(maxSize-minSize+1)
		return fmt.Sprintf("resize %s to /%d", join(b.path, s.Name), s.Size), join(b.path, s.Name)
	}
}

// checkInvariants asserts what every allocation must satisfy: each subnet
// aligned and inside its parent, siblings disjoint, hosts inside their
// subnet and distinct, never the all-zero interface ID.
func checkInvariants(t *testing.T, a *Allocation) {
	t.Helper()
	byPath := map[string]netip.Prefix{"": a.Plan.Prefix}
	for _, s := range a.Subnets {
		byPath[s.Path] = s.Prefix
	}
	kids := map[string][]netip.Prefix{}
	for _, s := range a.Subnets {
		dir, _ := splitPath(s.Path)
		parent := byPath[dir]
		require.Equal(t, s.Prefix.Masked(), s.Prefix, "%s aligned", s.Path)
		require.Equal(t, s.Subnet.Size, s.Prefix.Bits(), "%s size", s.Path)
		require.True(t, parent.Contains(s.Prefix.Addr()) && s.Prefix.Bits() > parent.Bits(), "%s %s inside %s", s.Path, s.Prefix, parent)
		for _, sib := range kids[dir] {
			require.False(t, sib.Overlaps(s.Prefix), "%s %s overlaps sibling %s", s.Path, s.Prefix, sib)
		}
		kids[dir] = append(kids[dir], s.Prefix)
	}
	seen := map[netip.Addr]string{}
	for _, h := range a.Hosts {
		if h.Host.Scheme == SchemeDynamic {
			continue
		}
		require.True(t, byPath[h.Subnet].Contains(h.Addr), "%s %s in %s", h.Path, h.Addr, byPath[h.Subnet])
		require.NotZero(t, IIDOf(h.Addr), h.Path)
		require.Empty(t, seen[h.Addr], "%s and %s share %s", h.Path, seen[h.Addr], h.Addr)
		seen[h.Addr] = h.Path
	}
}

func TestAllocateRandomPlans(t *testing.T) {
	for seed := range uint64(200) {
		g := &planGen{r: rand.New(rand.NewPCG(seed, 7))}
		p := g.plan()
		a, err := Allocate(p, nil)
		require.NoError(t, err, "seed %d", seed)
		checkInvariants(t, a)
		again, err := Allocate(p, nil)
		require.NoError(t, err)
		require.Equal(t, string(a.Lock.Bytes()), string(again.Lock.Bytes()), "same plan, same allocation")
	}
}

// TestEditsNeverMoveAllocations is the stability promise: over random
// edit sequences, every entry of the lock stays where it was, unless it is
// the subnet the edit resized or inside it.
func TestEditsNeverMoveAllocations(t *testing.T) {
	for seed := range uint64(100) {
		g := &planGen{r: rand.New(rand.NewPCG(seed, 11))}
		p := g.plan()
		a, err := Allocate(p, nil)
		require.NoError(t, err)
		lock := a.Lock
		var history []string
		for range 40 {
			g.undo = nil
			desc, resized := g.edit(p)
			history = append(history, desc)
			b, err := Allocate(p, lock)
			if err != nil && g.undo != nil && strings.Contains(err.Error(), "no room") {
				g.undo() // the parent had no space for the bigger block: a real error
				history = append(history, "undo")
				b, err = Allocate(p, lock)
			}
			require.NoError(t, err, "seed %d after %q", seed, history)
			checkInvariants(t, b)
			for _, e := range lock.Entries() {
				if resized != "" && (e.Path == resized || strings.HasPrefix(e.Path, resized+"/")) {
					continue
				}
				now, ok := b.Lock.Get(e.Kind, e.Path)
				require.True(t, ok, "seed %d: %s vanished after %q", seed, e, history)
				require.Equal(t, e.Prefix, now.Prefix, "seed %d: %s moved after %q", seed, e, history)
			}
			// held entries keep their space: nothing new lands on them
			parents := map[string]netip.Prefix{"": p.Prefix}
			for _, s := range b.Subnets {
				parents[s.Path] = s.Prefix
			}
			for _, h := range b.Held {
				if dir, _ := splitPath(h.Path); !inside(h.Prefix, parents[dir]) {
					continue // its parent shrank or moved past it
				}
				for _, s := range b.Subnets {
					if h.Kind == KindSubnet && s.Path != h.Path {
						dh, _ := splitPath(h.Path)
						ds, _ := splitPath(s.Path)
						if dh == ds {
							require.False(t, s.Prefix.Overlaps(h.Prefix), "seed %d: %s on held %s", seed, s.Path, h)
						}
					}
				}
			}
			lock = b.Lock
		}
	}
}
