package plan

import (
	"slices"
	"strings"
)

// Paths name a plan's entries by their names from the top, joined by '/'
// ("site-a/servers/www"), in the plan and in its lock alike; a path
// stands for its entry and everything inside it.

// IsPath reports whether s is a path of names: names joined by '/', none
// of them empty. It says nothing of whether the names are valid ones.
func IsPath(s string) bool {
	return s != "" && !strings.HasPrefix(s, "/") && !strings.HasSuffix(s, "/") && !strings.Contains(s, "//")
}

// SplitPath returns the path of the entry that holds the one at path
// ("" at the top) and the entry's own name.
func SplitPath(path string) (parent, name string) {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		return path[:i], path[i+1:]
	}
	return "", path
}

// Has reports whether p has a subnet, host or link at path.
func (p *Plan) Has(path string) bool { return len(kindsAt(p, path)) > 0 }

// kindsAt returns the kinds of the entries p has at path: none, one, or
// more when a host or link has the name of a subnet beside it.
func kindsAt(p *Plan, path string) []Kind {
	parts := strings.Split(path, "/")
	subnets := p.Subnets
	var parent *Subnet
	for i, part := range parts {
		var next *Subnet
		for _, s := range subnets {
			if s.Name == part {
				next = s
				break
			}
		}
		if i < len(parts)-1 {
			if next == nil {
				return nil
			}
			parent, subnets = next, next.Subnets
			continue
		}
		var kinds []Kind
		if next != nil {
			kinds = append(kinds, KindSubnet)
		}
		if parent != nil {
			for _, h := range parent.Hosts {
				if h.Name == part {
					kinds = append(kinds, KindHost)
					break
				}
			}
			for _, l := range parent.Links {
				if l.Name == part {
					kinds = append(kinds, KindLink)
					break
				}
			}
		}
		return kinds
	}
	return nil
}

// Under returns the lock's entries at path and below it, held and vacated
// ones included, in lock file order.
func (l *Lock) Under(path string) []Entry {
	if l == nil {
		return nil
	}
	var out []Entry
	for _, e := range l.list {
		if under(e.Path, path) {
			out = append(out, e)
		}
	}
	sortEntries(out)
	return out
}

// RenumberPaths returns the fewest paths that accept every one of moves
// when given to [Allocation.Refused]: a path accepts the moves at it and
// below it. Shallower paths come first, otherwise in the order of moves.
func RenumberPaths(moves []Change) []string {
	paths := make([]string, len(moves))
	for i, m := range moves {
		paths[i] = m.Entry.Path
	}
	slices.SortStableFunc(paths, func(a, b string) int { return strings.Count(a, "/") - strings.Count(b, "/") })
	var top []string
	for _, p := range paths {
		if !slices.ContainsFunc(top, func(t string) bool { return under(p, t) }) {
			top = append(top, p)
		}
	}
	return top
}
