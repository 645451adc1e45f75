package plan

import (
	"fmt"
	"net/netip"

	"github.com/ip6plan/ip6plan/plan/ip6"
)

// hostsIn places the hosts of the /64 subnet at index i of
// Allocation.Subnets, which is at p. Locked sequential and stable hosts
// keep their interface ID, so a rename, a new secret or a renumbered
// subnet leaves it as it was; every other scheme computes its ID from the
// plan, and where that differs from the lock the host moves (a Move the
// caller may refuse). New sequential hosts take the lowest free ID from
// ::1 (never the all-zero Subnet-Router anycast ID, RFC 4291 §2.6.1).
func (r *run) hostsIn(i int, p netip.Prefix) {
	s, path := r.a.Subnets[i].Subnet, r.a.Subnets[i].Path
	held := r.heldUnder(KindHost, path, 128)
	if !s.Gateway.IsValid() && len(s.Hosts) == 0 && len(held) == 0 {
		return // as most /64s of a large plan: nothing to claim an ID for
	}
	used := map[uint64]label{0: {format: "the Subnet-Router anycast address (RFC 4291 §2.6.1)"}}
	claim := func(iid uint64, what label, pos Pos) bool {
		if prev, ok := used[iid]; ok {
			addr, _ := ip6.AddrWithIID(p, iid)
			r.fail(pos, "%s collides with %s: both are %s", what, prev, addr)
			return false
		}
		used[iid] = what
		return true
	}
	if s.Gateway.IsValid() {
		gw, err := r.inSubnet(s.Gateway, p)
		if err != nil {
			r.fail(s.Pos, "subnet %q: gateway %v", path, err)
		} else {
			claim(gw, label{"the gateway of %q", path}, s.Pos)
		}
	}
	for _, e := range held {
		if !p.Contains(e.Prefix.Addr()) {
			continue
		}
		claim(ip6.IIDOf(e.Prefix.Addr()), label{"removed host %q (held by the lock until released)", e.Path}, s.Pos)
	}
	// Dynamic hosts have no address, but one that had one keeps it held.
	for j := r.subs[i].hosts; j < r.subs[i+1].hosts; j++ {
		if e, ok := r.was(r.hostWas[j]); ok && r.a.Hosts[j].Host.Scheme == SchemeDynamic {
			claim(ip6.IIDOf(e.Prefix.Addr()), label{"the address host %q had before it became dynamic (held by the lock until released)", r.a.Hosts[j].Path}, s.Pos)
		}
	}
	var fresh []int
	for j := r.subs[i].hosts; j < r.subs[i+1].hosts; j++ {
		h := r.a.Hosts[j].Host
		what := label{"host %q", r.a.Hosts[j].Path}
		switch h.Scheme {
		case SchemeDynamic:
			continue
		case SchemeSequential, SchemeStable:
			e, ok := r.was(r.hostWas[j])
			if !ok {
				if h.Scheme == SchemeSequential {
					fresh = append(fresh, j)
					continue
				}
				break
			}
			if iid := ip6.IIDOf(e.Prefix.Addr()); claim(iid, what, h.Pos) {
				r.a.Hosts[j].Addr, _ = ip6.AddrWithIID(p, iid)
			}
			continue
		}
		iid, err := r.iid(h, p)
		if err != nil {
			r.fail(h.Pos, "%s: %v", what, err)
			continue
		}
		if claim(iid, what, h.Pos) {
			r.a.Hosts[j].Addr, _ = ip6.AddrWithIID(p, iid)
		}
	}
	// A host whose address the plan changed leaves the old one held.
	for j := r.subs[i].hosts; j < r.subs[i+1].hosts; j++ {
		if e, ok := r.was(r.hostWas[j]); ok && r.a.Hosts[j].Addr.IsValid() && r.a.Hosts[j].Addr != e.Prefix.Addr() && p.Contains(e.Prefix.Addr()) {
			claim(ip6.IIDOf(e.Prefix.Addr()), label{"the address host %q leaves (held by the lock until released)", r.a.Hosts[j].Path}, r.a.Hosts[j].Host.Pos)
		}
	}
	next := uint64(1)
	for _, j := range fresh {
		for {
			if _, taken := used[next]; !taken {
				break
			}
			next++
		}
		used[next] = label{"host %q", r.a.Hosts[j].Path}
		r.a.Hosts[j].Addr, _ = ip6.AddrWithIID(p, next)
	}
}

// iid computes the interface ID of a host whose scheme derives it.
func (r *run) iid(h *Host, p netip.Prefix) (uint64, error) {
	switch h.Scheme {
	case SchemeExplicit:
		a, err := ip6.ParseAddr(h.Address)
		if err != nil {
			return 0, err
		}
		iid, err := r.inSubnet(a, p)
		if err == nil && iid == 0 {
			err = fmt.Errorf("address %s is the Subnet-Router anycast address of its subnet (RFC 4291 §2.6.1); hosts need a nonzero interface ID", h.Address)
		} else if err == nil && ip6.ReservedIID(iid) {
			err = fmt.Errorf("address %s uses a reserved interface ID (RFC 5453)", h.Address)
		}
		return iid, err
	case SchemeIPv4:
		return ip6.IPv4Hex(h.IPv4)
	case SchemeIPv4Decimal:
		return ip6.IPv4Decimal(h.IPv4)
	case SchemeEUI64:
		return ip6.EUI64(h.MAC), nil
	case SchemeService:
		return ip6.Service(h.Port)
	case SchemeStable:
		if r.plan.Secret == "" {
			return 0, fmt.Errorf("scheme stable needs the plan's secret (secret: at the top of the plan)")
		}
		return h.StableIID(p, r.plan.Domain, r.plan.Secret), nil
	}
	return 0, fmt.Errorf("scheme %s does not derive an address", h.Scheme)
}

// inSubnet returns the interface ID of a, given either as an ID ("::25",
// all of its upper 64 bits zero) or as a full address inside p.
func (r *run) inSubnet(a netip.Addr, p netip.Prefix) (uint64, error) {
	if !isIID(a) && !p.Contains(a) {
		return 0, fmt.Errorf("%s is not inside the subnet %s", a, p)
	}
	return ip6.IIDOf(a), nil
}

// isIID reports whether a plan wrote a as an interface ID ("::1"): its
// upper 64 bits are zero, which no routable address has.
func isIID(a netip.Addr) bool {
	b := a.As16() // not AsSlice, which allocates
	return [8]byte(b[:8]) == [8]byte{}
}

// Gateway returns the subnet's default router: its gateway setting, an
// interface ID such as ::1 placed in the subnet's /64, or a full address.
// It returns the zero Addr when the subnet has no gateway.
func (s SubnetAlloc) Gateway() netip.Addr {
	if s.Subnet == nil || !s.Subnet.Gateway.IsValid() {
		return netip.Addr{}
	}
	if g := s.Subnet.Gateway; isIID(g) && s.Prefix.IsValid() {
		if a, err := ip6.AddrWithIID(s.Prefix, ip6.IIDOf(g)); err == nil {
			return a
		}
	}
	return s.Subnet.Gateway
}

// linksIn numbers the links of a p2p /64 with /127s (RFC 6164). The first
// /127 holds the Subnet-Router anycast address and the last /121 the
// reserved subnet anycast addresses (RFC 2526), so neither is used.
func (r *run) linksIn(i int, p netip.Prefix) {
	s, path := r.a.Subnets[i].Subnet, r.a.Subnets[i].Path
	held := r.heldUnder(KindLink, path, 127)
	if len(s.Links) == 0 && len(held) == 0 {
		return
	}
	a, err := ip6.NewAllocator(p, 127, ip6.Dense)
	if err != nil {
		r.fail(s.Pos, "%v", err)
		return
	}
	links := r.a.Links
	o := &owners{a: a, kids: make([]int, 0, len(s.Links)), kid: func(j int) owner {
		return owner{links[j].Prefix, label{"link %q", links[j].Path}}
	}}
	first, _ := ip6.Child(p, 127, 0)
	last, _ := ip6.Child(p, 121, 1<<57-1)
	o.take(first, label{format: "the Subnet-Router anycast address (RFC 6164 §5.1)"})
	o.take(last, label{format: "the reserved subnet anycast addresses (RFC 2526)"})
	for _, e := range held {
		if err := o.take(e.Prefix, label{"removed link %q (held by the lock until released)", e.Path}); err != nil {
			r.fail(s.Pos, "%v", err)
		}
	}
	var fresh []int
	for j := r.subs[i].links; j < r.subs[i+1].links; j++ {
		e, ok := r.was(r.linkWas[j])
		if !ok {
			fresh = append(fresh, j)
			continue
		}
		at, _ := ip6.AddrWithIID(p, ip6.IIDOf(e.Prefix.Addr())) // where the subnet is now
		q := netip.PrefixFrom(at, 127)
		if err := o.takeKid(j, q); err != nil {
			r.fail(links[j].Link.Pos, "%v", err)
			continue
		}
		links[j].Prefix = q
	}
	for _, j := range fresh {
		q, err := a.Next(127)
		if err != nil {
			r.fail(links[j].Link.Pos, "no room for link %q in %s", links[j].Path, p)
			continue
		}
		links[j].Prefix = q
	}
}
