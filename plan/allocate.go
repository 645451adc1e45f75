package plan

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// An Allocation is a plan with every subnet, host and link placed.
type Allocation struct {
	Plan     *Plan
	Subnets  []SubnetAlloc // parents before children, in plan order
	Hosts    []HostAlloc   // in plan order; dynamic hosts have no address
	Links    []LinkAlloc
	Held     []Entry // in the lock but gone from the plan: still reserved
	Lock     *Lock   // every allocation above, held entries included
	Warnings []Finding
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
		return nil, errorAt(p.Pos, "the lock was made for %s but the plan's prefix is %s; renumbering moves every allocation, so delete the lock file to start over", lock.Prefix, p.Prefix)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	r := &run{plan: p, old: lock, lock: &Lock{Prefix: p.Prefix, list: make([]Entry, 0, lock.Len())},
		placed: map[*Subnet]netip.Prefix{}, inPlan: make(map[lockKey]bool, lock.Len())}
	r.markPlanned("", p.Subnets)
	r.indexGone()
	r.block(p.Prefix, p.Allocation, "", p.Reserved, p.Subnets, p.Pos)
	if len(r.errs) > 0 {
		return nil, errors.Join(r.errs...)
	}
	a := &Allocation{Plan: p, Lock: r.lock, Held: r.held}
	r.collect(a, "", 0, p.Subnets)
	a.Warnings = append(r.warnings, Check(a)...)
	return a, nil
}

// run is the state of one Allocate call.
type run struct {
	plan     *Plan
	old      *Lock
	lock     *Lock
	placed   map[*Subnet]netip.Prefix
	hosts    map[*Host]netip.Addr
	links    map[*Link]netip.Prefix
	inPlan   map[lockKey]bool
	gone     map[string][]Entry // old entries the plan no longer has, by parent path
	held     []Entry
	warnings []Finding
	errs     []error
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

// markPlanned records the lock keys the plan still has.
func (r *run) markPlanned(parent string, subnets []*Subnet) {
	for _, s := range subnets {
		path := join(parent, s.Name)
		r.inPlan[lockKey{KindSubnet, path}] = true
		for _, h := range s.Hosts {
			r.inPlan[lockKey{KindHost, join(path, h.Name)}] = true
		}
		for _, l := range s.Links {
			r.inPlan[lockKey{KindLink, join(path, l.Name)}] = true
		}
		r.markPlanned(path, s.Subnets)
	}
}

// indexGone files the old lock's entries that the plan no longer has
// under the path of their parent, in lock order.
func (r *run) indexGone() {
	r.gone = map[string][]Entry{}
	if r.old == nil {
		return
	}
	var gone []Entry
	for _, e := range r.old.list {
		if !r.inPlan[lockKey{e.Kind, e.Path}] {
			gone = append(gone, e)
		}
	}
	slices.SortFunc(gone, compareEntries)
	for _, e := range gone {
		dir, _ := splitPath(e.Path)
		r.gone[dir] = append(r.gone[dir], e)
	}
}

// heldUnder returns the entries of kind directly under parent that the
// plan no longer has, and keeps them, with all they held, in the new lock.
func (r *run) heldUnder(kind Kind, parent string) []Entry {
	var out []Entry
	for _, e := range r.gone[parent] {
		if e.Kind == kind {
			out = append(out, e)
			r.hold(e)
		}
	}
	return out
}

func (r *run) hold(e Entry) {
	r.held = append(r.held, e)
	r.lock.Put(e)
	if e.Kind == KindSubnet { // what was inside it stays with it
		for _, in := range r.gone[e.Path] {
			r.hold(in)
		}
	}
}

// inside reports whether p lies within block (a /64 plan's single
// subnet is the block itself).
func inside(p, block netip.Prefix) bool {
	return p.Bits() >= block.Bits() && block.Contains(p.Addr())
}

func splitPath(path string) (dir, name string) {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		return path[:i], path[i+1:]
	}
	return "", path
}

// owners remembers what took which prefix in one block, to name both
// sides of a collision.
type owners struct {
	a    *Allocator
	list []owner
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

func (o *owners) take(p netip.Prefix, what label) error {
	if err := o.a.Take(p); err != nil {
		if errors.Is(err, ErrOverlap) {
			for _, w := range o.list {
				if w.p.Overlaps(p) {
					return fmt.Errorf("%s (%s) overlaps %s (%s)", what, p, w.what, w.p)
				}
			}
		}
		return fmt.Errorf("%s: %w", what, err)
	}
	o.list = append(o.list, owner{p, what})
	return nil
}

// block places the subnets of one block and then, recursively, what is
// inside each of them. The order is what makes allocations stable:
// reserved ranges, then held and locked entries, then pins, then the rest.
func (r *run) block(prefix netip.Prefix, mode Mode, path string, reserved []Reserved, subnets []*Subnet, pos Pos) {
	a, err := NewAllocator(prefix, 64, mode)
	if err != nil {
		r.fail(pos, "%v", err)
		return
	}
	o := &owners{a: a}
	for _, res := range reserved {
		if err := o.take(res.Prefix, label{format: "reserved range"}); err != nil {
			r.fail(res.Pos, "%v", err)
		}
	}
	for _, e := range r.heldUnder(KindSubnet, path) {
		if !inside(e.Prefix, prefix) { // its parent moved or shrank when it was resized
			r.warnings = append(r.warnings, Finding{pos, fmt.Sprintf("removed subnet %q (%s) is held by the lock but no longer inside %s (%s), which was resized: its space is no longer reserved; release it with ip6plan release", e.Path, e.Prefix, path, prefix)})
			continue
		}
		if err := o.take(e.Prefix, label{`removed subnet %q (held by the lock until released)`, e.Path}); err != nil {
			r.fail(pos, "%v", err)
		}
	}
	// Hosts and links of a /64 that has become a larger block keep their /64.
	for _, e := range append(r.heldUnder(KindHost, path), r.heldUnder(KindLink, path)...) {
		if p64 := netip.PrefixFrom(e.Prefix.Addr(), 64).Masked(); inside(p64, prefix) && a.IsFree(p64) {
			o.take(p64, label{"the /64 of removed " + e.Kind.String() + " %q (held by the lock until released)", e.Path})
		}
	}
	var pinned, rest []*Subnet
	for _, s := range subnets {
		e, locked := r.old.Get(KindSubnet, join(path, s.Name))
		pin, hasPin, err := r.pin(prefix, s)
		switch {
		case err != nil:
			r.fail(s.Pos, "subnet %q: %v", join(path, s.Name), err)
		case locked && e.Prefix.Bits() == s.Size && inside(e.Prefix, prefix) && (!hasPin || pin == e.Prefix):
			r.place(o, s, path, e.Prefix)
		case hasPin:
			pinned = append(pinned, s)
		default:
			rest = append(rest, s)
		}
	}
	for _, s := range pinned {
		pin, _, _ := r.pin(prefix, s)
		r.place(o, s, path, pin)
	}
	for _, s := range rest {
		if e, ok := r.old.Get(KindSubnet, join(path, s.Name)); ok { // resized: keep the start if it fits
			if p := netip.PrefixFrom(e.Prefix.Addr(), s.Size); p.Masked() == p && a.IsFree(p) {
				r.place(o, s, path, p)
				continue
			}
		}
		p, err := a.Next(s.Size)
		if err != nil && !errors.Is(err, ErrExhausted) {
			r.fail(s.Pos, "subnet %q: %v", join(path, s.Name), err)
			continue
		}
		if err != nil {
			r.fail(s.Pos, "no room for subnet %q (/%d) in %s: %d subnets and ranges already take its space; use a larger block or release held entries",
				join(path, s.Name), s.Size, prefix, len(o.list))
			continue
		}
		o.list = append(o.list, owner{p, label{`subnet %q`, join(path, s.Name)}})
		r.record(s, path, p)
	}
	for _, s := range subnets {
		p, ok := r.placed[s]
		if !ok {
			continue
		}
		sp := join(path, s.Name)
		if p.Bits() < 64 { // even with no subnets left, held ones keep their space
			r.block(p, s.Allocation, sp, s.Reserved, s.Subnets, s.Pos)
		}
		if p.Bits() == 64 {
			r.hostsIn(s, sp, p)
			r.linksIn(s, sp, p)
		}
	}
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
		p, err := Child(block, s.Size, id)
		if err != nil {
			return netip.Prefix{}, false, fmt.Errorf("id %s: %v", s.ID, err)
		}
		return p, true, nil
	}
	return netip.Prefix{}, false, nil
}

func (r *run) place(o *owners, s *Subnet, parent string, p netip.Prefix) {
	path := join(parent, s.Name)
	if err := o.take(p, label{`subnet %q`, path}); err != nil {
		r.fail(s.Pos, "%v", err)
		return
	}
	r.record(s, parent, p)
}

func (r *run) record(s *Subnet, parent string, p netip.Prefix) {
	r.placed[s] = p
	r.lock.Put(Entry{KindSubnet, join(parent, s.Name), p})
}

// collect lists the placed subnets, hosts and links in plan order.
func (r *run) collect(a *Allocation, parent string, depth int, subnets []*Subnet) {
	for _, s := range subnets {
		path := join(parent, s.Name)
		a.Subnets = append(a.Subnets, SubnetAlloc{Subnet: s, Path: path, Depth: depth, Prefix: r.placed[s]})
		for _, h := range s.Hosts {
			a.Hosts = append(a.Hosts, HostAlloc{Host: h, Path: join(path, h.Name), Subnet: path,
				FQDN: h.FQDN(r.plan.Domain), Addr: r.hosts[h]})
		}
		for _, l := range s.Links {
			a.Links = append(a.Links, LinkAlloc{Link: l, Path: join(path, l.Name), Prefix: r.links[l]})
		}
		r.collect(a, path, depth+1, s.Subnets)
	}
}
