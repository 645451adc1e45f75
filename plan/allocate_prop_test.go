package plan

import (
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/ip6plan/ip6plan/plan/ip6"
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
	s := &Subnet{Name: g.name("s"), Size: sizes[g.r.IntN(len(sizes))], Allocation: ip6.Mode(g.r.IntN(3))}
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
	switch g.r.IntN(4) {
	case 0:
		h.Scheme, h.Port = SchemeService, uint16(1000+g.r.IntN(9000))
	case 1:
		h.Scheme = SchemeStable
	default:
		h.Scheme = SchemeSequential
	}
	return h
}

func (g *planGen) plan() *Plan {
	p := &Plan{Prefix: ip6.MustParsePrefix("2001:db8:100::/40"), Domain: "example.com", Secret: "s3cret", Allocation: ip6.Mode(g.r.IntN(3))}
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
		dir, _ := SplitPath(s.Path)
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
		require.NotZero(t, ip6.IIDOf(h.Addr), h.Path)
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

// clonePlan copies the plan's tree, so that an edit can be undone.
func clonePlan(p *Plan) *Plan {
	c := *p
	c.Subnets = cloneSubnets(p.Subnets)
	return &c
}

func cloneSubnets(list []*Subnet) []*Subnet {
	out := make([]*Subnet, len(list))
	for i, s := range list {
		c := *s
		c.Subnets = cloneSubnets(s.Subnets)
		c.Hosts = make([]*Host, len(s.Hosts))
		for j, h := range s.Hosts {
			hc := *h
			c.Hosts[j] = &hc
		}
		out[i] = &c
	}
	return out
}

// step makes one random edit the way a user of the CLI would, with the
// command that goes with it, and returns what the next Allocate may move
// (the paths passed to --renumber) and the lock to allocate against.
func (g *planGen) step(p *Plan, lock *Lock, a *Allocation) (desc string, renumber []string, next *Lock) {
	next = lock.Clone()
	op := g.r.IntN(10)
	if len(a.Subnets) == 0 && op <= 2 {
		op = 9
	}
	switch op {
	case 0: // rename a subnet or host, in the plan and in the lock
		subs := a.Subnets
		s := subs[g.r.IntN(len(subs))]
		dir, _ := SplitPath(s.Path)
		name := g.name("r")
		if len(s.Subnet.Hosts) > 0 && g.r.IntN(2) == 0 {
			h := s.Subnet.Hosts[g.r.IntN(len(s.Subnet.Hosts))]
			old := join(s.Path, h.Name)
			if next.Rename(old, join(s.Path, name)) != nil {
				return "nothing", nil, next // not placed yet: a new host
			}
			h.Name = name
			return "rename " + old + " to " + name, nil, next
		}
		if next.Rename(s.Path, join(dir, name)) != nil {
			return "nothing", nil, next
		}
		s.Subnet.Name = name
		return "rename " + s.Path + " to " + name, nil, next
	case 1: // release something held
		if len(a.Held) == 0 {
			return "nothing", nil, next
		}
		h := a.Held[g.r.IntN(len(a.Held))]
		_, err := next.ReleaseHeld(p, h.Path) // as ip6plan release does
		switch {
		case errors.Is(err, ErrInPlan): // a host now dynamic keeps its old address held
			return "nothing", nil, next
		case err != nil:
			panic(err)
		}
		return "release " + h.Path, nil, next
	case 2: // pin a subnet where it is, or somewhere else with --renumber
		s := a.Subnets[g.r.IntN(len(a.Subnets))]
		if g.r.IntN(2) == 0 {
			s.Subnet.Pin = s.Prefix
			return "pin " + s.Path + " where it is", nil, next
		}
		dir, _ := SplitPath(s.Path)
		parent := p.Prefix
		for _, o := range a.Subnets {
			if o.Path == dir {
				parent = o.Prefix
			}
		}
		n := uint64(g.r.IntN(1 << min(8, s.Prefix.Bits()-parent.Bits())))
		pin, err := ip6.Child(parent, s.Prefix.Bits(), n)
		if err != nil {
			return "nothing", nil, next
		}
		s.Subnet.Pin, s.Subnet.ID = pin, ""
		return "pin " + s.Path + " at " + pin.String(), []string{s.Path}, next
	case 3: // another prefix: refused, the lock is for the old one
		p.Prefix = ip6.MustParsePrefix("2001:db8:200::/40")
		return "change the prefix", nil, next
	}
	for range 1 + g.r.IntN(2) { // now and then two edits at once, as a pull of a colleague's work
		d, resized := g.edit(p)
		desc = strings.TrimPrefix(desc+"; "+d, "; ")
		if resized != "" && g.r.IntN(2) == 0 {
			renumber = append(renumber, resized)
		}
	}
	return desc, renumber, next
}

// TestEditsNeverMoveAllocations is the stability promise, over random
// plans and random edit sequences (add, remove, reorder, rename, resize,
// pin, prefix change, release, renumber): after each step either the step
// was refused and nothing changed, or every entry of the lock before is
// in the lock after at the same place, unless it was released or named
// for renumbering; and no held or vacated space went to another entry,
// which ParseLock's overlap check of the new lock shows.
func TestEditsNeverMoveAllocations(t *testing.T) {
	refusals, moves, renames := 0, 0, 0
	for seed := range uint64(150) {
		g := &planGen{r: rand.New(rand.NewPCG(seed, 11))}
		p := g.plan()
		a, err := Allocate(p, nil)
		require.NoError(t, err)
		lock := a.Lock
		var history []string
		for range 40 {
			before := clonePlan(p)
			desc, renumber, next := g.step(p, lock, a)
			history = append(history, desc)
			b, err := Allocate(p, next)
			if err == nil {
				if refused := b.Refused(renumber); len(refused) > 0 {
					err = fmt.Errorf("refused: %v", refused)
				}
			}
			if err != nil { // refused: the plan is put back, the lock kept
				refusals++
				p = before
				history = append(history, "refused")
				again, err := Allocate(p, lock)
				require.NoError(t, err, "seed %d after %q: the plan put back allocates as before", seed, history)
				require.Empty(t, Diff(lock, again.Lock), "seed %d after %q", seed, history)
				a = again
				continue
			}
			checkInvariants(t, b)
			checkHeld(t, next, p, b, "seed %d after %q", seed, history)
			back, err := ParseLock("plan.lock", b.Lock.Bytes())
			require.NoError(t, err, "seed %d after %q: the new lock is sound", seed, history)
			require.Empty(t, Diff(b.Lock, back))
			moves += len(b.Moves)
			if strings.HasPrefix(desc, "rename") {
				renames++
				require.Empty(t, b.Moves, "seed %d after %q: a rename moves nothing", seed, history)
			}
			for _, e := range next.Entries() {
				now, ok := b.Lock.get(keyOf(e))
				if slices.ContainsFunc(renumber, func(p string) bool { return under(e.Path, p) }) {
					if !ok || !now.Prefix.Overlaps(e.Prefix) {
						// renumbered: its old space is held as vacated space
						require.True(t, slices.ContainsFunc(b.Lock.list, func(v Entry) bool {
							return v.Kind == KindVacated && v.Prefix.Contains(e.Prefix.Addr()) && v.Prefix.Bits() <= e.Prefix.Bits()
						}), "seed %d after %q: %s left no vacated space", seed, history, e)
					}
					continue
				}
				require.True(t, ok, "seed %d: %s vanished after %q", seed, e, history)
				if e.Kind == KindSubnet && now.Prefix != e.Prefix { // resized in place: grown around it, or shrunk to its start
					require.True(t, now.Prefix.Contains(e.Prefix.Addr()) || now.Prefix.Addr() == e.Prefix.Addr(), "seed %d: %s resized away to %s after %q", seed, e, now.Prefix, history)
					continue
				}
				require.Equal(t, e.Prefix, now.Prefix, "seed %d: %s moved after %q", seed, e, history)
			}
			lock, a = b.Lock, b
		}
	}
	t.Logf("%d refusals, %d moves accepted, %d renames", refusals, moves, renames)
	require.NotZero(t, refusals)
	require.NotZero(t, moves)
	require.NotZero(t, renames)
}
