package app

import (
	"net/netip"

	"github.com/ip6plan/ip6plan/plan/ip6"

	"github.com/ip6plan/ip6plan/plan"
)

// A Cell is one square of the prefix map: a child of the prefix in view,
// eight bits longer (the 256 /56s of a /48), coloured by what uses it.
type Cell struct {
	Prefix  netip.Prefix
	Purpose string // the purpose of the subnet that is or holds this cell, or of the first subnet inside it
	Path    string // that subnet's path
	Whole   bool   // the cell is a subnet, or lies inside one
	Inside  int    // how many allocated subnets lie inside the cell
	Held    bool   // reserved in the plan, or held by the lock
}

// MapStep is how much longer the map's cells are than the prefix in view:
// 8 bits, 256 cells.
const MapStep = 8

// CanDrill reports whether the cells of a map of focus can be opened in turn:
// only down to the /64s, since no subnet is longer.
func CanDrill(focus netip.Prefix) bool { return focus.Bits()+MapStep < 64 }

// MapCells returns the cells of the map of focus: its children MapStep bits
// longer (or the /64s, if that is less), each with what the allocation puts
// there. It is nil if focus is a /64 or longer.
func (d *Doc) MapCells(focus netip.Prefix) []Cell {
	if !focus.IsValid() || focus.Bits() >= 64 {
		return nil
	}
	bits := min(focus.Bits()+MapStep, 64)
	n := 1 << (bits - focus.Bits())
	cells := make([]Cell, n)
	for i := range cells {
		cells[i].Prefix, _ = ip6.Child(focus, bits, uint64(i))
	}
	a := d.Alloc
	if a == nil {
		return cells
	}
	mark := func(p netip.Prefix, f func(c *Cell, whole bool)) {
		if !p.Overlaps(focus) {
			return
		}
		if p.Bits() <= focus.Bits() {
			for i := range cells {
				f(&cells[i], true)
			}
			return
		}
		if p.Bits() <= bits {
			start, err := ip6.ChildIndex(focus, netip.PrefixFrom(p.Addr(), bits))
			if err != nil {
				return
			}
			for i := start; i < start+1<<(bits-p.Bits()) && i < uint64(n); i++ {
				f(&cells[i], true)
			}
			return
		}
		i, err := ip6.ChildIndex(focus, netip.PrefixFrom(p.Addr(), bits).Masked())
		if err == nil && i < uint64(n) {
			f(&cells[i], false)
		}
	}
	for _, s := range a.Subnets { // parents before children: the deepest subnet wins
		mark(s.Prefix, func(c *Cell, whole bool) {
			if whole {
				c.Whole, c.Purpose, c.Path = true, s.Subnet.Purpose, s.Path
				return
			}
			c.Inside++
			if c.Path == "" {
				c.Purpose, c.Path = s.Subnet.Purpose, s.Path
			}
		})
	}
	held := func(c *Cell, _ bool) { c.Held = true }
	for _, r := range a.Plan.Reserved {
		mark(r.Prefix, held)
	}
	for _, e := range a.Held {
		mark(e.Prefix, held)
	}
	return cells
}

// PurposeClass returns the CSS class that colours a purpose on the map and in
// the table.
func PurposeClass(purpose string) string {
	switch purpose {
	case "":
		return "p-none"
	case plan.PurposeMail, "servers", "site", "lan", plan.PurposeP2P, plan.PurposeReserved, "held":
		return "p-" + purpose
	}
	return "p-other"
}
