package plan

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"

	"github.com/ip6plan/ip6plan/plan/ip6"
)

// An Allocation is a plan with every subnet, host and link placed.
type Allocation struct {
	Plan     *Plan
	Subnets  []SubnetAlloc // parents before children, in plan order
	Hosts    []HostAlloc   // in plan order; dynamic hosts have no address
	Links    []LinkAlloc
	Held     []Entry // in the lock but gone from the plan, or vacated: still reserved
	Lock     *Lock   // every allocation above, held entries included
	Warnings []Finding

	// Moves lists the entries of the old lock that this allocation puts
	// elsewhere (a resize that cannot stay in place, a changed pin or
	// address), in lock order. Lock has them accepted: each at its new
	// place, and the space it left as KindVacated. A caller that must not
	// renumber anything the user did not name checks Refused first.
	Moves []Change

	// Renames suggests which entries gone from the plan may have been
	// renamed rather than removed: one of the same shape is new beside
	// them. A rename through Lock.Rename keeps their addresses.
	Renames []Rename
}

// A Rename pairs an entry gone from the plan with a new one of the same
// kind and size under the same parent.
type Rename struct {
	Kind     Kind
	Old, New string
}

// SubnetAlloc is a placed subnet.
type SubnetAlloc struct {
	Subnet *Subnet
	Path   string // names from the top, joined with "/"
	Depth  int    // 0 for top-level subnets
	Prefix netip.Prefix
}

// HostAlloc is a placed host.
type HostAlloc struct {
	Host   *Host
	Path   string // the subnet's path, "/", the host's name
	Subnet string // the subnet's path
	FQDN   string // with the trailing dot
	Addr   netip.Addr
}

// LinkAlloc is a placed point-to-point link: a /127 whose two addresses
// are the link's ends (RFC 6164).
type LinkAlloc struct {
	Link   *Link
	Path   string
	Prefix netip.Prefix
}

// A Finding is a warning about a plan that does not stop allocation.
type Finding struct {
	Pos Pos
	Msg string
}

func (f Finding) String() string { return (&Error{Pos: f.Pos, Msg: f.Msg}).Error() }

// Allocate places every subnet, host and link of p. Entries found in lock
// stay where the lock has them; entries the lock has but the plan no
// longer names stay reserved (Allocation.Held); new entries go into the
// free space by each block's allocation mode. Pins are honoured; a pin
// that collides with anything is an error naming both. With a nil lock,
// the same plan always gives the same allocation.
func Allocate(p *Plan, lock *Lock) (*Allocation, error) {
	if lock != nil && lock.Prefix.IsValid() && lock.Prefix != p.Prefix {
		return nil, errorAt(p.Pos, "the lock was made for %s but the plan's prefix is %s; a new prefix renumbers every allocation: if that is what you mean, move the lock aside (keep it, as the record of what the old prefix has in DNS) and plan again; otherwise put the prefix back", lock.Prefix, p.Prefix)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	r := newRun(p, lock)
	r.block(p.Prefix, p.Prefix, p.Allocation, "", p.Reserved, 0, len(r.a.Subnets), p.Pos)
	if len(r.errs) > 0 {
		return nil, errors.Join(r.errs...)
	}
	a := r.a
	r.moves()
	sortEntries(r.held)
	a.Lock, a.Held = r.newLock(), r.held
	a.Renames = r.renames()
	a.Warnings = append(r.warnings, Check(a)...)
	return a, nil
}

// run is the state of one Allocate call. The allocation it fills in
// lists every subnet, host and link of the plan from the start, so the
// run keeps what it learns of each in slices of the same order rather
// than in maps keyed by pointer or path.
type run struct {
	plan     *Plan
	old      *Lock
	a        *Allocation        // prefixes and addresses are set as they are placed
	subs     []subnetRun        // per a.Subnets, and one past the last
	hostWas  []int              // per a.Hosts: where old has it, or -1
	linkWas  []int              // per a.Links: where old has it, or -1
	gone     map[string][]Entry // old entries the plan no longer has, by parent path
	held     []Entry            // all of them, and what moves vacate: the new lock keeps them
	warnings []Finding
	errs     []error
}

// subnetRun is what a run knows of the subnet at the same index of
// Allocation.Subnets. Its hosts are those from its hosts index to the
// next subnetRun's, and so are its links; the run ends the list with a
// subnetRun that ends the last subnet's.
type subnetRun struct {
	end   int // the index past its own subnets: its next sibling's
	hosts int // the index in Allocation.Hosts of its first host
	links int // the index in Allocation.Links of its first link
	was   int // where the old lock has it, or -1
}

// newRun lays out the allocation of p, in plan order, finds what lock
// has of each subnet, host and link, and files what it has besides.
func newRun(p *Plan, lock *Lock) *run {
	nSubnets, nHosts, nLinks := count(p.Subnets)
	r := &run{plan: p, old: lock,
		a: &Allocation{Plan: p, // an empty list stays nil
			Subnets: slices.Grow([]SubnetAlloc(nil), nSubnets),
			Hosts:   slices.Grow([]HostAlloc(nil), nHosts),
			Links:   slices.Grow([]LinkAlloc(nil), nLinks)},
		subs: make([]subnetRun, 0, nSubnets+1), hostWas: make([]int, 0, nHosts), linkWas: make([]int, 0, nLinks)}
	m := newLockMatch(lock)
	r.layout(m, "", 0, p.Subnets)
	r.subs = append(r.subs, subnetRun{hosts: len(r.a.Hosts), links: len(r.a.Links)})
	m.settle()
	r.fileGone(m.gone())
	return r
}

// count returns how many subnets, hosts and links the tree has.
func count(subnets []*Subnet) (nSubnets, nHosts, nLinks int) {
	for _, s := range subnets {
		ns, nh, nl := count(s.Subnets)
		nSubnets += 1 + ns
		nHosts += len(s.Hosts) + nh
		nLinks += len(s.Links) + nl
	}
	return nSubnets, nHosts, nLinks
}

// layout appends the subnets, their hosts and links, and the subnets
// inside them to the allocation, in plan order: the order of the lock
// the run makes, in which m, reading the last one, expects them. The
// slices have their final size already, so m may write to them later.
func (r *run) layout(m *lockMatch, parent string, depth int, subnets []*Subnet) {
	a := r.a
	for _, s := range subnets {
		path := join(parent, s.Name)
		i := len(a.Subnets)
		a.Subnets = append(a.Subnets, SubnetAlloc{Subnet: s, Path: path, Depth: depth})
		r.subs = append(r.subs, subnetRun{hosts: len(a.Hosts), links: len(a.Links)})
		m.find(lockKey{kind: KindSubnet, path: path}, &r.subs[i].was)
		for _, h := range s.Hosts {
			hp := join(path, h.Name)
			a.Hosts = append(a.Hosts, HostAlloc{Host: h, Path: hp, Subnet: path, FQDN: h.FQDN(r.plan.Domain)})
			r.hostWas = append(r.hostWas, 0)
			m.find(lockKey{kind: KindHost, path: hp}, &r.hostWas[len(r.hostWas)-1])
		}
		for _, l := range s.Links {
			lp := join(path, l.Name)
			a.Links = append(a.Links, LinkAlloc{Link: l, Path: lp})
			r.linkWas = append(r.linkWas, 0)
			m.find(lockKey{kind: KindLink, path: lp}, &r.linkWas[len(r.linkWas)-1])
		}
		r.layout(m, path, depth+1, s.Subnets)
		r.subs[i].end = len(a.Subnets)
	}
}

// was returns the old lock's entry at i, as lockMatch found it.
func (r *run) was(i int) (Entry, bool) {
	if i < 0 {
		return Entry{}, false
	}
	return r.old.list[i], true
}

func (r *run) fail(pos Pos, format string, args ...any) {
	r.errs = append(r.errs, errorAt(pos, format, args...))
}

func join(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "/" + name
}

// fileGone files the old lock's entries that the plan no longer has
// under the path of their parent, in lock file order. Every one of them
// stays in the new lock, wherever its parent is now: only a release
// frees space.
func (r *run) fileGone(gone []Entry) {
	r.gone = map[string][]Entry{}
	sortEntries(gone)
	for _, e := range gone {
		dir, _ := SplitPath(e.Path)
		r.gone[dir] = append(r.gone[dir], e)
	}
	r.held = gone
}

// heldUnder returns what the subnet at parent must keep free for entries
// the plan no longer has: the held entries of kind (KindHost or KindLink)
// directly under it, then the space of that kind's length (bits: 128 or
// 127) that entries under it vacated when they moved.
func (r *run) heldUnder(kind Kind, parent string, bits int) []Entry {
	var out []Entry
	for _, e := range r.gone[parent] {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	for _, e := range r.gone[parent] {
		if e.Kind == KindVacated && e.Prefix.Bits() == bits {
			out = append(out, e)
		}
	}
	return out
}

// inside reports whether p lies within block (a /64 plan's single
// subnet is the block itself).
func inside(p, block netip.Prefix) bool {
	return p.Bits() >= block.Bits() && block.Contains(p.Addr())
}

// owners remembers what took which prefix in one block, to name both
// sides of a collision, in the order they took it. What the block
// reserves and holds is taken first and kept as owners; the children that
// follow (subnets, or the links of a /64) can be 65,536, so they are kept
// as their index in the allocation, and kid says what child i is.
type owners struct {
	a     *ip6.Allocator
	fixed []owner
	kids  []int
	kid   func(i int) owner
}

type owner struct {
	p    netip.Prefix
	what label
}

// A label names what took a prefix or an interface ID. Only a collision
// shows it, and most never collide, so it is formatted only then: a
// block of 65,536 subnets would otherwise format 65,536 descriptions.
type label struct {
	format string // the description, with a %q for path if path is set
	path   string
}

func (l label) String() string {
	if l.path == "" {
		return l.format
	}
	return fmt.Sprintf(l.format, l.path)
}

// take takes p for what, which is not a child.
func (o *owners) take(p netip.Prefix, what label) error {
	if err := o.a.Take(p); err != nil {
		return o.collision(p, what, err)
	}
	o.fixed = append(o.fixed, owner{p, what})
	return nil
}

// takeKid takes p for child i, which then records p as its own.
func (o *owners) takeKid(i int, p netip.Prefix) error {
	if err := o.a.Take(p); err != nil {
		return o.collision(p, o.kid(i).what, err)
	}
	o.kids = append(o.kids, i)
	return nil
}

// collision explains why the allocator would not let what take p,
// naming what took it first.
func (o *owners) collision(p netip.Prefix, what label, err error) error {
	if errors.Is(err, ip6.ErrOverlap) {
		for _, w := range o.fixed {
			if w.p.Overlaps(p) {
				return fmt.Errorf("%s (%s) overlaps %s (%s)", what, p, w.what, w.p)
			}
		}
		for _, i := range o.kids {
			if w := o.kid(i); w.p.Overlaps(p) {
				return fmt.Errorf("%s (%s) overlaps %s (%s)", what, p, w.what, w.p)
			}
		}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// len returns how many things took space in the block.
func (o *owners) len() int { return len(o.fixed) + len(o.kids) }

// block places the subnets of one block, those from index first to end
// of Allocation.Subnets, and then, recursively, what is inside each of
// them. was is where the old lock had the block: when it has moved,
// what was inside it keeps its offset in it where it can. The order is
// what makes allocations stable: reserved ranges, then held and vacated
// space, then locked entries, then resized ones in place, then pins,
// then the rest.
func (r *run) block(prefix, was netip.Prefix, mode ip6.Mode, path string, reserved []Reserved, first, end int, pos Pos) {
	a, err := ip6.NewAllocator(prefix, 64, mode)
	if err != nil {
		r.fail(pos, "%v", err)
		return
	}
	subnets := r.a.Subnets
	kids := 0
	for i := first; i < end; i = r.subs[i].end {
		kids++
	}
	o := &owners{a: a, kids: make([]int, 0, kids), kid: func(i int) owner {
		return owner{subnets[i].Prefix, label{`subnet %q`, subnets[i].Path}}
	}}
	for _, res := range reserved {
		if err := o.take(res.Prefix, label{format: "reserved range"}); err != nil {
			r.fail(res.Pos, "%v", err)
		}
	}
	r.takeHeld(o, prefix, path, pos)
	moving, pinned, rest := r.placeLocked(o, prefix, was, first, end)
	rest = r.placeMoving(o, prefix, was, moving, rest)
	for _, i := range pinned {
		pin, _, _ := r.pin(prefix, subnets[i].Subnet)
		r.place(o, i, pin)
	}
	slices.Sort(rest) // in plan order, so that the same plan places the same way
	r.placeRest(o, prefix, rest)
	for i := first; i < end; i = r.subs[i].end { // then what is inside each
		s, p := subnets[i].Subnet, subnets[i].Prefix
		if !p.IsValid() {
			continue
		}
		old := p
		if e, ok := r.was(r.subs[i].was); ok {
			old = e.Prefix
		}
		if p.Bits() < 64 { // even with no subnets left, held ones keep their space
			r.block(p, old, s.Allocation, subnets[i].Path, s.Reserved, i+1, r.subs[i].end, s.Pos)
		}
		if p.Bits() == 64 {
			r.hostsIn(i, p)
			r.linksIn(i, p)
		}
	}
}

// takeHeld keeps what the block at path holds free: the space of its
// removed subnets and the space its subnets vacated, then the /64 of each
// removed host and link, and of each address vacated, where a /64 that
// held them has become a larger block. Held and vacated space outside the
// block is kept free by the space the block vacated when it moved or
// shrank, which holds it.
func (r *run) takeHeld(o *owners, prefix netip.Prefix, path string, pos Pos) {
	held := r.gone[path]
	for _, e := range held {
		if e.Kind == KindSubnet && inside(e.Prefix, prefix) {
			if err := o.take(e.Prefix, label{`removed subnet %q (held by the lock until released)`, e.Path}); err != nil {
				r.fail(pos, "%v", err)
			}
		}
	}
	for _, e := range held {
		if e.Kind == KindVacated && e.Prefix.Bits() <= 64 && inside(e.Prefix, prefix) {
			if err := o.take(e.Prefix, label{`space %q left when it was renumbered or shrunk (held by the lock until released)`, e.Path}); err != nil {
				r.fail(pos, "%v", err)
			}
		}
	}
	for _, kind := range [...]Kind{KindHost, KindLink, KindVacated} {
		for _, e := range held {
			if p64 := netip.PrefixFrom(e.Prefix.Addr(), 64).Masked(); e.Kind == kind && e.Prefix.Bits() > 64 && inside(p64, prefix) && o.a.IsFree(p64) {
				what := "removed " + e.Kind.String()
				if e.Kind == KindVacated {
					what = "the address left by"
				}
				o.take(p64, label{"the /64 of " + what + " %q (held by the lock until released)", e.Path})
			}
		}
	}
}

// placeLocked places the block's subnets that stay where the old lock
// has them, the ones whose size and pin still fit there, and returns the
// others for the phases that follow: the locked subnets that moving
// places, resized or pinned elsewhere; the new pinned ones; the rest.
func (r *run) placeLocked(o *owners, prefix, was netip.Prefix, first, end int) (moving, pinned, rest []int) {
	subnets, subs := r.a.Subnets, r.subs
	for i := first; i < end; i = subs[i].end {
		s := subnets[i].Subnet
		old, locked := r.was(subs[i].was)
		if locked {
			old.Prefix = shift(old.Prefix, was, prefix)
		}
		pin, hasPin, err := r.pin(prefix, s)
		switch {
		case err != nil:
			r.fail(s.Pos, "subnet %q: %v", subnets[i].Path, err)
		case locked && old.Prefix.Bits() == s.Size && inside(old.Prefix, prefix) && (!hasPin || pin == old.Prefix):
			r.place(o, i, old.Prefix)
		case locked && inside(old.Prefix, prefix):
			moving = append(moving, i)
		case hasPin:
			pinned = append(pinned, i)
		default:
			rest = append(rest, i)
		}
	}
	return moving, pinned, rest
}

// placeMoving places the locked subnets that were resized or pinned
// elsewhere, which stay where they were if they can: grown, one takes the
// block around its old space; shrunk, the start of it. What it leaves is
// taken here, so that nothing else in this run lands on addresses that
// may carry its reputation; moves records it as vacated. It returns rest
// with the subnets that cannot stay added, to be placed as new ones.
func (r *run) placeMoving(o *owners, prefix, was netip.Prefix, moving, rest []int) []int {
	subnets := r.a.Subnets
	olds := make([]netip.Prefix, len(moving))
	for k, i := range moving {
		old, _ := r.was(r.subs[i].was)
		olds[k] = shift(old.Prefix, was, prefix)
	}
	for k, i := range moving {
		s := subnets[i].Subnet
		old := Entry{Prefix: olds[k]}
		at, hasPin, _ := r.pin(prefix, s)
		if !hasPin {
			at = netip.PrefixFrom(old.Prefix.Addr(), s.Size).Masked()
		}
		onOther := slices.ContainsFunc(olds, func(q netip.Prefix) bool { return q != old.Prefix && q.Overlaps(at) }) // another's old space
		inPlace := at.Overlaps(old.Prefix) && !onOther && r.heldFits(subnets[i].Path, at) && (hasPin || o.a.IsFree(at))
		left := []netip.Prefix{old.Prefix}
		if inPlace && old.Prefix.Bits() < at.Bits() {
			left = ip6.Without(old.Prefix, at)
		} else if inPlace {
			left = nil
		}
		for _, q := range left {
			o.take(q, label{`the space subnet %q leaves (held until released)`, subnets[i].Path})
		}
		switch {
		case inPlace || hasPin:
			r.place(o, i, at)
		default:
			rest = append(rest, i)
		}
	}
	return rest
}

// placeRest places the new subnets at rest, in order, by the block's
// allocation mode.
func (r *run) placeRest(o *owners, prefix netip.Prefix, rest []int) {
	subnets := r.a.Subnets
	for _, i := range rest {
		s := subnets[i].Subnet
		p, err := o.a.Next(s.Size)
		if err != nil && !errors.Is(err, ip6.ErrExhausted) {
			r.fail(s.Pos, "subnet %q: %v", subnets[i].Path, err)
			continue
		}
		if err != nil {
			r.fail(s.Pos, "no room for subnet %q (/%d) in %s: %d subnets and ranges already take its space; use a larger block or release held entries",
				subnets[i].Path, s.Size, prefix, o.len())
			continue
		}
		subnets[i].Prefix = p
		o.kids = append(o.kids, i)
	}
}

// heldFits reports whether the held and vacated entries below path that
// overlap at lie inside it: a subnet shrunk around a held child larger
// than itself cannot stay in place.
func (r *run) heldFits(path string, at netip.Prefix) bool {
	for _, e := range r.held {
		if under(e.Path, path) && e.Path != path && e.Prefix.Overlaps(at) && !inside(e.Prefix, at) {
			return false
		}
	}
	return true
}

// shift returns p, which was inside the block from, at the same offset in
// the block to, where the block moved; p itself when it did not, or when
// the offset does not fit.
func shift(p, from, to netip.Prefix) netip.Prefix {
	if from == to || !from.IsValid() || !inside(p, from) || inside(p, to) {
		return p
	}
	q, _ := ip6.Rebase(p, from, to)
	return q
}

// pin returns the prefix s is pinned to, if it is, or why its pin does
// not fit the block.
func (r *run) pin(block netip.Prefix, s *Subnet) (netip.Prefix, bool, error) {
	switch {
	case s.Pin.IsValid():
		if !inside(s.Pin, block) || s.Pin.Bits() != s.Size {
			return netip.Prefix{}, false, fmt.Errorf("prefix %s is not a /%d inside its parent %s", s.Pin, s.Size, block)
		}
		return s.Pin, true, nil
	case s.ID != "":
		id, err := strconv.ParseUint(s.ID, 16, 64)
		if err != nil {
			return netip.Prefix{}, false, fmt.Errorf("id %q is not a hex subnet ID", s.ID)
		}
		p, err := ip6.Child(block, s.Size, id)
		if err != nil {
			return netip.Prefix{}, false, fmt.Errorf("id %s: %v", s.ID, err)
		}
		return p, true, nil
	}
	return netip.Prefix{}, false, nil
}

// place gives the subnet at index i of Allocation.Subnets the prefix p,
// unless p collides with what the block has placed already.
func (r *run) place(o *owners, i int, p netip.Prefix) {
	if err := o.takeKid(i, p); err != nil {
		r.fail(r.a.Subnets[i].Subnet.Pos, "%v", err)
		return
	}
	r.a.Subnets[i].Prefix = p
}

// newLock lists what the run placed, in plan order, and then what it
// holds: the order in which the next run looks entries up.
func (r *run) newLock() *Lock {
	a := r.a
	l := &Lock{Prefix: r.plan.Prefix, list: make([]Entry, 0, len(a.Subnets)+len(a.Hosts)+len(a.Links)+len(r.held))}
	for i, s := range a.Subnets {
		if s.Prefix.IsValid() {
			l.list = append(l.list, Entry{KindSubnet, s.Path, s.Prefix})
		}
		for _, h := range a.Hosts[r.subs[i].hosts:r.subs[i+1].hosts] {
			if h.Addr.IsValid() {
				l.list = append(l.list, Entry{KindHost, h.Path, netip.PrefixFrom(h.Addr, 128)})
			}
		}
		links := a.Links[r.subs[i].links:r.subs[i+1].links]
		var seen map[string]int // a plan built in code may name a link twice: the last one wins
		for _, k := range links {
			if !k.Prefix.IsValid() {
				continue
			}
			e := Entry{KindLink, k.Path, k.Prefix}
			if len(links) > 1 {
				if seen == nil {
					seen = make(map[string]int, len(links))
				}
				if at, dup := seen[k.Path]; dup {
					l.list[at] = e
					continue
				}
				seen[k.Path] = len(l.list)
			}
			l.list = append(l.list, e)
		}
	}
	l.list = append(l.list, r.held...)
	return l
}

// Refused returns the moves that renumber does not name: a path names
// itself and everything below it. A caller that must never move what the
// user did not name refuses the allocation when any are left.
func (a *Allocation) Refused(renumber []string) []Change {
	var out []Change
	for _, m := range a.Moves {
		if !slices.ContainsFunc(renumber, func(p string) bool { return under(m.Entry.Path, p) }) {
			out = append(out, m)
		}
	}
	return out
}
