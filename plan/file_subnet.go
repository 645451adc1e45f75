package plan

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/ip6plan/ip6plan/plan/ip6"
	"go.yaml.in/yaml/v3"
)

var subnetKeys = []string{"name", "size", "purpose", "id", "prefix", "allocation", "gateway", "reserved", "subnets", "hosts", "links"}

func (d *decoder) subnets(n *yaml.Node) []*Subnet {
	var out []*Subnet
	for _, v := range d.list(n, "subnets") {
		if s := d.subnet(v); s != nil {
			out = append(out, s)
		}
	}
	return out
}

func (d *decoder) subnet(n *yaml.Node) *Subnet {
	s := &Subnet{Pos: d.pos(n)}
	given := make(givenKeys, 0, len(n.Content)/2)
	ok := d.fields(n, "a subnet", subnetKeys, func(key string, v *yaml.Node) {
		given = append(given, givenKey{key, v})
		switch key {
		case "name":
			s.Name = d.name(v)
		case "size":
			size, _ := d.int(v, key, 1, 128)
			s.Size = int(size)
		case "purpose":
			s.Purpose, _ = d.str(v, key)
			if s.Purpose != "" && !slices.Contains(purposes, s.Purpose) {
				d.errorf(v, "unknown purpose %q; want one of %s", s.Purpose, strings.Join(purposes, ", "))
			}
		case "id":
			if id, ok := d.str(v, key); ok {
				s.ID = strings.ToLower(id)
				if _, err := strconv.ParseUint(s.ID, 16, 64); err != nil {
					d.errorf(v, "id %q is not a hex subnet ID like d6 or 25", id)
				}
			}
		case "prefix":
			s.Pin = d.prefix(v, key)
		case "allocation":
			s.Allocation = d.mode(v)
		case "gateway":
			if g, ok := d.str(v, key); ok {
				s.Gateway = d.addrIn(v, key, g)
			}
		case "reserved":
			s.Reserved = d.reserved(v)
		case "subnets":
			s.Subnets = d.subnets(v)
		case "hosts":
			for _, h := range d.list(v, key) {
				if host := d.host(h); host != nil {
					s.Hosts = append(s.Hosts, host)
				}
			}
		case "links":
			s.Links = d.links(v)
		}
	})
	if !ok {
		return nil
	}
	d.nodes[s] = given
	what := subnetLabel(s.Name) // formatted only when an error names it
	if given.get("name") == nil {
		d.errorf(n, "a subnet has no name; every subnet needs one, and the lock file knows it by it")
	}
	if given.get("size") == nil {
		d.errorf(n, "%s has no size; add one, e.g. size: 64", what)
	}
	if given.get("id") != nil && given.get("prefix") != nil {
		d.errorf(given.get("prefix"), "%s has both an id and a prefix; pin it with one of them", what)
	}
	return s
}

// links reads the links of a p2p subnet, each a name or a mapping with a
// name; names are unique in the subnet, as the lock knows a link by it.
func (d *decoder) links(n *yaml.Node) []*Link {
	var out []*Link
	seen := map[string]*Link{}
	for _, l := range d.list(n, "links") {
		link := &Link{Pos: d.pos(l)}
		named := false
		if l.Kind == yaml.ScalarNode {
			link.Name, named = d.name(l), true
		} else if d.fields(l, "a link", []string{"name"}, func(_ string, v *yaml.Node) { link.Name, named = d.name(v), true }) && !named {
			d.errorf(l, "a link has no name; every link needs one, and the lock file knows it by it")
		}
		if prev := seen[link.Name]; prev != nil && link.Name != "" {
			d.errorf(l, "link %q is defined twice; the other is at %s", link.Name, prev.Pos)
		}
		seen[link.Name] = link
		out = append(out, link)
	}
	return out
}

// addrIn parses an address that is either full or an interface ID written
// as "::1"; an ID is returned as an address in ::/64 for Allocate to place.
func (d *decoder) addrIn(n *yaml.Node, key, s string) netip.Addr {
	a, err := ip6.ParseAddr(s)
	if err != nil {
		d.errorf(n, "%s: %v", key, err)
	}
	return a
}

// name checks a subnet or link name: the lock file and the CLI refer to
// subnets by their path of names joined with "/".
func (d *decoder) name(n *yaml.Node) string {
	s, ok := d.str(n, "name")
	if !ok {
		return ""
	}
	if err := checkName(s); err != nil {
		d.errorf(n, "%v", err)
		return ""
	}
	return s
}

func checkName(s string) error {
	if s == "" || len(s) > 63 {
		return fmt.Errorf("name %q must be 1 to 63 characters", s)
	}
	for i, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || i > 0 && (r == '-' || r == '_' || r == '.')
		if !ok {
			return fmt.Errorf("name %q: character %q at offset %d is not allowed; use letters, digits, '-', '_' and '.'", s, r, i)
		}
	}
	return nil
}

// checkChildren checks what only the parent's size tells: sizes, pins
// that fit, hosts only in /64s, and unique names among siblings.
// subnetLabel names a subnet in error messages.
type subnetLabel string

func (l subnetLabel) String() string { return fmt.Sprintf("subnet %q", string(l)) }

func (d *decoder) checkChildren(parentBits int, subnets []*Subnet) {
	var twice map[int]int // a name given before, by index: the first index
	eachDuplicate(len(subnets), func(i int) string { return subnets[i].Name }, func(i, first int) {
		if twice == nil {
			twice = map[int]int{}
		}
		twice[i] = first
	})
	for i, s := range subnets {
		what := subnetLabel(s.Name) // formatted only when an error names it
		if first, ok := twice[i]; ok {
			prev := subnets[first]
			d.errs = append(d.errs, errorAt(d.at(s, "name", s.Pos), "%s is defined twice; the other is at %s", what, d.at(prev, "name", prev.Pos)))
		}
		switch {
		case s.Size == 0:
		case s.Size > 64:
			d.errs = append(d.errs, errorAt(d.at(s, "size", s.Pos), "%s: size /%d is longer than /64; every LAN is a /64 (RFC 7421), and point-to-point /127s go in links of a p2p /64", what, s.Size))
		case s.Size == 64 && parentBits == 64:
			// A sender with a single /64 plans it as one subnet.
		case s.Size <= parentBits:
			d.errs = append(d.errs, errorAt(d.at(s, "size", s.Pos), "%s: size /%d does not fit in its /%d parent", what, s.Size, parentBits))
		case s.ID != "":
			id, _ := strconv.ParseUint(s.ID, 16, 64)
			if bits := s.Size - parentBits; bits < 64 && id>>bits != 0 {
				d.errs = append(d.errs, errorAt(d.at(s, "id", s.Pos), "%s: id %s does not fit in the %d bits between /%d and /%d (highest is %x)", what, s.ID, bits, parentBits, s.Size, uint64(1)<<bits-1))
			}
		case s.Pin.IsValid() && s.Pin.Bits() != s.Size:
			d.errs = append(d.errs, errorAt(d.at(s, "prefix", s.Pos), "%s: prefix %s is a /%d but size is /%d", what, s.Pin, s.Pin.Bits(), s.Size))
		}
		if len(s.Reserved) > 0 && s.Size == 64 {
			d.errs = append(d.errs, errorAt(d.at(s, "reserved", s.Pos), "%s: reserved ranges keep subnets out of a block, and a /64 has no subnets; reserve the range in a shorter block", what))
		}
		if (len(s.Hosts) > 0 || len(s.Links) > 0) && s.Size != 64 && s.Size != 0 {
			d.errs = append(d.errs, errorAt(s.Pos, "%s: hosts and links need a /64 subnet (RFC 7421), not a /%d; put them in a /64 subnet inside it", what, s.Size))
		}
		if len(s.Subnets) > 0 && (len(s.Hosts) > 0 || len(s.Links) > 0) {
			d.errs = append(d.errs, errorAt(s.Pos, "%s holds both subnets and hosts; hosts go in one of its subnets", what))
		}
		if len(s.Links) > 0 && s.Purpose != PurposeP2P {
			d.errs = append(d.errs, errorAt(s.Pos, "%s has links but its purpose is %q; links are /127s carved from a purpose: p2p /64 (RFC 6164)", what, s.Purpose))
		}
		if s.Size > 0 && s.Size <= 64 {
			d.checkChildren(s.Size, s.Subnets)
		}
	}
}
