package plan

import (
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/ip6plan/ip6plan/plan/ip6"
	"go.yaml.in/yaml/v3"
)

var hostKeys = []string{"name", "aliases", "scheme", "address", "ipv4", "mac", "port", "roles", "preference", "stream"}

// hostNeeds maps each scheme to the key it reads; other scheme-specific
// keys given with it are errors, so a typo never goes unnoticed.
var hostNeeds = map[Scheme]string{
	SchemeExplicit: "address", SchemeIPv4: "ipv4", SchemeIPv4Decimal: "ipv4",
	SchemeEUI64: "mac", SchemeService: "port",
}

func (d *decoder) host(n *yaml.Node) *Host {
	h := &Host{Pos: d.pos(n)}
	given := make(givenKeys, 0, len(n.Content)/2)
	scheme, schemeOK := "", false
	ok := d.fields(n, "a host", hostKeys, func(key string, v *yaml.Node) {
		given = append(given, givenKey{key, v})
		switch key {
		case "name":
			h.Name = d.hostname(v, key)
		case "scheme":
			scheme, schemeOK = d.str(v, key)
		case "address":
			h.Address, _ = d.str(v, key)
		case "ipv4":
			if s, ok := d.str(v, key); ok {
				a, err := parseIPv4(s)
				if err != nil {
					d.errorf(v, "%v", err)
				}
				h.IPv4 = a
			}
		case "mac":
			if s, ok := d.str(v, key); ok {
				m, err := ip6.ParseMAC(s)
				if err != nil {
					d.errorf(v, "mac %v", err)
				} else if m.IsMulticast() {
					d.errorf(v, "mac %s: %v", m, ip6.ErrMulticastMAC)
				}
				h.MAC = m
			}
		case "port":
			port, _ := d.int(v, key, 1, 65535)
			h.Port = uint16(port)
		case "roles":
			for _, rn := range d.list(v, key) {
				r, ok := d.str(rn, "role")
				switch {
				case !ok:
				case !slices.Contains(roles, r):
					d.errorf(rn, "unknown role %q; want one of %s", r, strings.Join(roles, ", "))
				default:
					h.Roles = append(h.Roles, r)
				}
			}
		case "aliases":
			for _, a := range d.list(v, key) {
				if name := d.hostname(a, "alias"); name != "" {
					h.Aliases = append(h.Aliases, name)
				}
			}
		case "preference":
			if v, ok := d.int(v, key, 0, 65535); ok {
				pref := uint16(v)
				h.Preference = &pref
			}
		case "stream":
			h.Stream = d.name(v)
		}
	})
	if !ok {
		return nil
	}
	d.nodes[h] = given
	if h.Name == "" && given.get("name") == nil {
		d.errorf(n, "a host has no name; every host needs one")
	}
	switch {
	case given.get("scheme") != nil:
		if !schemeOK {
			return h // reported; what the scheme needs cannot be checked
		}
		s, err := ParseScheme(scheme)
		if err != nil {
			d.errorf(given.get("scheme"), "%v", err)
			return h
		}
		h.Scheme = s
	case given.get("address") != nil:
		h.Scheme = SchemeExplicit
	default:
		h.Scheme = SchemeSequential
	}
	what := fmt.Sprintf("host %q", h.Name)
	need := hostNeeds[h.Scheme]
	if need != "" && given.get(need) == nil {
		d.errorf(n, "%s uses scheme %s, which needs %s", what, h.Scheme, need)
	}
	for _, key := range []string{"address", "mac", "port"} {
		if v := given.get(key); v != nil && key != need {
			d.errorf(v, "%s: %s is only used with scheme %s, and this host's scheme is %s", what, key, schemeNeeding(key), h.Scheme)
		}
	}
	if v := given.get("preference"); v != nil && !slices.Contains(h.Roles, RoleMX) {
		d.errorf(v, "%s: preference is the MX preference of a host with role mx, and this host's roles are %v; add mx to its roles or drop preference", what, h.Roles)
	}
	if h.Scheme == SchemeDynamic && h.IsSender() {
		d.errorf(given.get("scheme"), "%s sends mail but has scheme dynamic; receivers require a static address with a PTR for every sending host, so give it one", what)
	}
	if h.Scheme == SchemeExplicit && h.Address != "" {
		if _, err := ip6.ParseAddr(h.Address); err != nil {
			d.errorf(given.get("address"), "%s: address %v", what, err)
		}
	}
	return h
}

func schemeNeeding(key string) Scheme {
	for s, k := range hostNeeds {
		if k == key && s != SchemeIPv4Decimal {
			return s
		}
	}
	return SchemeExplicit
}

// checkHostNames reports two hosts with the same fully qualified name:
// each name has one address, so FCrDNS can hold (RFC 8601 §3).
func (d *decoder) checkHostNames(p *Plan) {
	seen := map[string]*Host{}
	for s := range walkSubnets(p.Subnets) {
		for _, h := range s.Hosts {
			if h.Name == "" {
				continue
			}
			for i, name := range append([]string{h.Name}, h.Aliases...) {
				what := func() string { // formatted only when an error names it
					if i > 0 {
						return fmt.Sprintf("alias %q of host %q", name, h.Name)
					}
					return fmt.Sprintf("host %q", h.Name)
				}
				if p.Domain == "" && !strings.HasSuffix(name, ".") {
					d.errs = append(d.errs, errorAt(d.at(h, "name", h.Pos), "%s has no domain to live under: set domain: at the top of the plan, or write the name as an FQDN ending in '.'", what()))
				}
				fqdn := strings.ToLower(fqdnOf(name, p.Domain))
				if n := len(fqdn) - 1; n > 253 { // RFC 1035 §2.3.4: 255 octets in wire form
					d.errs = append(d.errs, errorAt(d.at(h, "name", h.Pos), "%s: its name %s is %d octets long; the limit is 253", what(), fqdn, n))
				}
				if prev := seen[fqdn]; prev != nil {
					d.errs = append(d.errs, errorAt(d.at(h, "name", h.Pos), "%s: the name %s is used twice; the other use is at %s", what(), fqdn, d.at(prev, "name", prev.Pos)))
				}
				seen[fqdn] = h
			}
		}
	}
}

// walkSubnets yields every subnet of the tree, parents before children,
// in plan order.
func walkSubnets(list []*Subnet) iter.Seq[*Subnet] {
	return func(yield func(*Subnet) bool) {
		var walk func(list []*Subnet) bool
		walk = func(list []*Subnet) bool {
			for _, s := range list {
				if !yield(s) || !walk(s.Subnets) {
					return false
				}
			}
			return true
		}
		walk(list)
	}
}
