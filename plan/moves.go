package plan

import (
	"net/netip"
	"slices"
	"sort"
	"strconv"

	"github.com/ip6plan/ip6plan/plan/ip6"
)

// moves finds what the run placed somewhere other than the old lock had
// it, and holds the space each move leaves. A subnet that grew around its
// old space, or shrank to the start of it, has not moved: every address
// it kept is where it was. What a shrink gave up is vacated all the same,
// since held entries and moved hosts may have been there.
func (r *run) moves() {
	a := r.a
	var vacated []Entry
	moved := func(path string, was, now netip.Prefix) {
		e := Entry{Kind: KindHost, Path: path, Prefix: now}
		switch {
		case now.Bits() == 127:
			e.Kind = KindLink
		case now.Bits() <= 64:
			e.Kind = KindSubnet
		}
		if e.Kind == KindHost || e.Kind == KindLink || !was.Overlaps(now) {
			a.Moves = append(a.Moves, Change{Op: '~', Entry: e, Was: was})
			vacated = append(vacated, Entry{KindVacated, path, was})
			return
		}
		for _, piece := range ip6.Without(was, now) { // shrunk in place
			vacated = append(vacated, Entry{KindVacated, path, piece})
		}
	}
	for i, s := range a.Subnets {
		if old, ok := r.was(r.subs[i].was); ok && s.Prefix.IsValid() && old.Prefix != s.Prefix {
			moved(s.Path, old.Prefix, s.Prefix)
		}
	}
	for j, h := range a.Hosts {
		old, ok := r.was(r.hostWas[j])
		switch {
		case !ok:
		case !h.Addr.IsValid(): // now dynamic, or failed: its address stays held
			r.held = append(r.held, old)
		case old.Prefix.Addr() != h.Addr:
			moved(h.Path, old.Prefix, netip.PrefixFrom(h.Addr, 128))
		}
	}
	for j, l := range a.Links {
		if old, ok := r.was(r.linkWas[j]); ok && l.Prefix.IsValid() && old.Prefix != l.Prefix {
			moved(l.Path, old.Prefix, l.Prefix)
		}
	}
	// Space inside what an enclosing entry vacated is held by that. The
	// enclosing entries are looked up by path, up the tree: a block of
	// 65,536 subnets that moves vacates as many pieces.
	byPath := make(map[string][]netip.Prefix, len(vacated))
	for _, v := range vacated {
		byPath[v.Path] = append(byPath[v.Path], v.Prefix)
	}
	for _, v := range vacated {
		held := false
		for dir, _ := SplitPath(v.Path); !held && dir != ""; dir, _ = SplitPath(dir) {
			held = slices.ContainsFunc(byPath[dir], func(o netip.Prefix) bool {
				return o.Bits() <= v.Prefix.Bits() && o.Contains(v.Prefix.Addr())
			})
		}
		if !held {
			r.held = append(r.held, v)
		}
	}
	m := a.Moves // sort.Slice, as another slices.SortFunc type costs the wasm 8 KB
	sort.Slice(m, func(x, y int) bool {
		return compareEntries(Entry{m[x].Entry.Kind, m[x].Entry.Path, m[x].Was}, Entry{m[y].Entry.Kind, m[y].Entry.Path, m[y].Was}) < 0
	})
}

// renames pairs, under each parent that is still in the plan, an entry
// gone from the plan with a new one of the same kind and size, where
// there is exactly one of each: most likely a rename, which the user can
// make with its addresses kept.
func (r *run) renames() []Rename {
	if len(r.gone) == 0 {
		return nil
	}
	live := make(map[string]bool, len(r.gone)) // of the parents of gone entries, which are still in the plan
	live[""] = true
	for _, s := range r.a.Subnets {
		if _, ok := r.gone[s.Path]; ok {
			live[s.Path] = true
		}
	}
	// shape names a kind and size of entry under a parent.
	shape := func(kind Kind, dir string, bits int) string {
		return kind.String() + "/" + strconv.Itoa(bits) + " " + dir
	}
	gone := map[string][]string{}
	for dir, es := range r.gone {
		for _, e := range es {
			if live[dir] && e.Kind != KindVacated {
				k := shape(e.Kind, dir, e.Prefix.Bits())
				gone[k] = append(gone[k], e.Path)
			}
		}
	}
	added := map[string][]string{}
	add := func(kind Kind, path string, bits int, was int) {
		if was < 0 && len(gone) > 0 {
			dir, _ := SplitPath(path)
			if k := shape(kind, dir, bits); len(gone[k]) > 0 {
				added[k] = append(added[k], path)
			}
		}
	}
	for i, s := range r.a.Subnets {
		add(KindSubnet, s.Path, s.Subnet.Size, r.subs[i].was)
	}
	for j, h := range r.a.Hosts {
		if h.Addr.IsValid() {
			add(KindHost, h.Path, 128, r.hostWas[j])
		}
	}
	for j, l := range r.a.Links {
		add(KindLink, l.Path, 127, r.linkWas[j])
	}
	var out []Rename
	for k, news := range added {
		if olds := gone[k]; len(olds) == 1 && len(news) == 1 {
			kind := KindSubnet
			switch k[0] {
			case 'h':
				kind = KindHost
			case 'l':
				kind = KindLink
			}
			out = append(out, Rename{kind, olds[0], news[0]})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Old < out[j].Old })
	return out
}
