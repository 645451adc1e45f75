package plan

import (
	"fmt"
	"net/netip"
)

// hostsIn places the hosts of the /64 subnet s at prefix p. Locked
// sequential hosts keep their address; every other scheme computes its
// ID from the plan, so the plan is the truth for it; new sequential hosts
// take the lowest free ID from ::1 (never the all-zero Subnet-Router
// anycast ID, RFC 4291 §2.6.1).
func (r *run) hostsIn(s *Subnet, path string, p netip.Prefix) {
	used := map[uint64]label{0: {format: "the Subnet-Router anycast address (RFC 4291 §2.6.1)"}}
	claim := func(iid uint64, what label, pos Pos) bool {
		if prev, ok := used[iid]; ok {
			addr, _ := AddrWithIID(p, iid)
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
	for _, e := range r.heldUnder(KindHost, path) {
		if !p.Contains(e.Prefix.Addr()) {
			continue
		}
		claim(IIDOf(e.Prefix.Addr()), label{"removed host %q (held by the lock until released)", e.Path}, s.Pos)
	}
	var fresh []*Host
	for _, h := range s.Hosts {
		hp := join(path, h.Name)
		what := label{"host %q", hp}
		switch h.Scheme {
		case SchemeDynamic:
			continue
		case SchemeSequential:
			e, ok := r.old.Get(KindHost, hp)
			if !ok || !p.Contains(e.Prefix.Addr()) {
				fresh = append(fresh, h)
				continue
			}
			if claim(IIDOf(e.Prefix.Addr()), what, h.Pos) {
				r.putHost(h, hp, e.Prefix.Addr())
			}
			continue
		}
		iid, err := r.iid(h, p)
		if err != nil {
			r.fail(h.Pos, "%s: %v", what, err)
			continue
		}
		if claim(iid, what, h.Pos) {
			a, _ := AddrWithIID(p, iid)
			r.putHost(h, hp, a)
		}
	}
	next := uint64(1)
	for _, h := range fresh {
		for {
			if _, taken := used[next]; !taken {
				break
			}
			next++
		}
		hp := join(path, h.Name)
		used[next] = label{"host %q", hp}
		a, _ := AddrWithIID(p, next)
		r.putHost(h, hp, a)
	}
}

func (r *run) putHost(h *Host, path string, a netip.Addr) {
	if r.hosts == nil {
		r.hosts = map[*Host]netip.Addr{}
	}
	r.hosts[h] = a
	r.lock.Put(Entry{KindHost, path, netip.PrefixFrom(a, 128)})
}

// iid computes the interface ID of a host whose scheme derives it.
func (r *run) iid(h *Host, p netip.Prefix) (uint64, error) {
	switch h.Scheme {
	case SchemeExplicit:
		a, err := ParseAddr(h.Address)
		if err != nil {
			return 0, err
		}
		iid, err := r.inSubnet(a, p)
		if err == nil && iid == 0 {
			err = fmt.Errorf("address %s is the Subnet-Router anycast address of its subnet (RFC 4291 §2.6.1); hosts need a nonzero interface ID", h.Address)
		} else if err == nil && ReservedIID(iid) {
			err = fmt.Errorf("address %s uses a reserved interface ID (RFC 5453)", h.Address)
		}
		return iid, err
	case SchemeIPv4:
		return IPv4Hex(h.IPv4)
	case SchemeIPv4Decimal:
		return IPv4Decimal(h.IPv4)
	case SchemeEUI64:
		return EUI64(h.MAC), nil
	case SchemeService:
		return Service(h.Port)
	case SchemeStable:
		if r.plan.Secret == "" {
			return 0, fmt.Errorf("scheme stable needs the plan's secret (secret: at the top of the plan)")
		}
		return StableIID(p, h.FQDN(r.plan.Domain), []byte(r.plan.Secret), 0), nil
	}
	return 0, fmt.Errorf("scheme %s does not derive an address", h.Scheme)
}

// inSubnet returns the interface ID of a, given either as an ID ("::25",
// all of its upper 64 bits zero) or as a full address inside p.
func (r *run) inSubnet(a netip.Addr, p netip.Prefix) (uint64, error) {
	if !isIID(a) && !p.Contains(a) {
		return 0, fmt.Errorf("%s is not inside the subnet %s", a, p)
	}
	return IIDOf(a), nil
}

// isIID reports whether a plan wrote a as an interface ID ("::1"): its
// upper 64 bits are zero, which no routable address has.
func isIID(a netip.Addr) bool { return u128From(a).hi == 0 }

// Gateway returns the subnet's default router: its gateway setting, an
// interface ID such as ::1 placed in the subnet's /64, or a full address.
// It returns the zero Addr when the subnet has no gateway.
func (s SubnetAlloc) Gateway() netip.Addr {
	if s.Subnet == nil || !s.Subnet.Gateway.IsValid() {
		return netip.Addr{}
	}
	if g := s.Subnet.Gateway; isIID(g) && s.Prefix.IsValid() {
		if a, err := AddrWithIID(s.Prefix, IIDOf(g)); err == nil {
			return a
		}
	}
	return s.Subnet.Gateway
}

// linksIn numbers the links of a p2p /64 with /127s (RFC 6164). The first
// /127 holds the Subnet-Router anycast address and the last /121 the
// reserved subnet anycast addresses (RFC 2526), so neither is used.
func (r *run) linksIn(s *Subnet, path string, p netip.Prefix) {
	held := r.heldUnder(KindLink, path)
	if len(s.Links) == 0 && len(held) == 0 {
		return
	}
	a, err := NewAllocator(p, 127, Dense)
	if err != nil {
		r.fail(s.Pos, "%v", err)
		return
	}
	o := &owners{a: a}
	first, _ := Child(p, 127, 0)
	last, _ := Child(p, 121, 1<<57-1)
	o.take(first, label{format: "the Subnet-Router anycast address (RFC 6164 §5.1)"})
	o.take(last, label{format: "the reserved subnet anycast addresses (RFC 2526)"})
	for _, e := range held {
		if err := o.take(e.Prefix, label{"removed link %q (held by the lock until released)", e.Path}); err != nil {
			r.fail(s.Pos, "%v", err)
		}
	}
	var fresh []*Link
	for _, l := range s.Links {
		lp := join(path, l.Name)
		if e, ok := r.old.Get(KindLink, lp); ok && p.Contains(e.Prefix.Addr()) {
			if err := o.take(e.Prefix, label{"link %q", lp}); err != nil {
				r.fail(l.Pos, "%v", err)
				continue
			}
			r.putLink(l, lp, e.Prefix)
			continue
		}
		fresh = append(fresh, l)
	}
	for _, l := range fresh {
		lp := join(path, l.Name)
		q, err := a.Next(127)
		if err != nil {
			r.fail(l.Pos, "no room for link %q in %s", lp, p)
			continue
		}
		r.putLink(l, lp, q)
	}
}

func (r *run) putLink(l *Link, path string, p netip.Prefix) {
	if r.links == nil {
		r.links = map[*Link]netip.Prefix{}
	}
	r.links[l] = p
	r.lock.Put(Entry{KindLink, path, p})
}
