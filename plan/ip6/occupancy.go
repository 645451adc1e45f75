package ip6

import (
	"math/bits"
	"slices"
)

// occupancy records which parts of a block's index space are taken. The
// space holds 2^width slots of the block's finest child size (a /64 in a
// subnet block); a region is an aligned run of slots, named by its depth d
// (how many leading index bits it fixes) and its index at that depth.
//
// It is a 64-ary tree of bitmaps built lazily along the paths that are
// partly used. A subtree that fills up collapses into one bit of its
// parent, so dense allocation keeps only the frontier in memory: the cost
// grows with the allocations made and their fragmentation, never with the
// size of the address space.
type occupancy struct {
	width int // index bits, 0..64
	top   int // index bits consumed by the root node, 0..6
	root  node
	spare []*node // full nodes folded into their parents, for reuse
}

// node covers 2^w slots: w is 6 below the root, occupancy.top at the root.
type node struct {
	full uint64  // slot i is entirely taken
	used uint64  // slot i holds something; used&^full slots have a kid
	kids []*node // the kids of the partly used slots, in slot order
}

// kid returns the index in n.kids of the kid of the partly used slot digit,
// or of where it goes: the kids are packed, so a node spread thin by
// sparse allocation costs a pointer per kid, not 64.
func (n *node) kid(digit uint64) int {
	return bits.OnesCount64(n.used &^ n.full & (uint64(1)<<digit - 1))
}

const levelBits = 6

func newOccupancy(width int) occupancy {
	top := width % levelBits
	if top == 0 && width > 0 {
		top = levelBits
	}
	return occupancy{width: width, top: top}
}

// runMask returns count consecutive one bits starting at bit first.
func runMask(first uint64, count uint64) uint64 {
	if count >= 64 {
		return ^uint64(0)
	}
	return (uint64(1)<<count - 1) << first
}

// walk describes where a region meets a node: either a run of the node's
// slots (leaf true) or one slot whose kid holds the region.
type walk struct {
	consumed, w, shift int // index bits above the node, node bits, bits below
}

func (o *occupancy) rootWalk() walk {
	return walk{0, o.top, o.width - o.top}
}

func (k walk) down() walk {
	return walk{k.consumed + k.w, levelBits, k.shift - levelBits}
}

// slots returns the run of this node's slots that the region [start, d)
// covers, and whether the region ends within this node.
func (k walk) slots(start uint64, d int) (run uint64, here bool) {
	mask := uint64(1)<<k.w - 1
	digit := start >> k.shift & mask
	if d > k.consumed+k.w {
		return uint64(1) << digit, false
	}
	return runMask(digit, uint64(1)<<(k.consumed+k.w-d)), true
}

// isFree reports whether no part of the region at depth d starting at slot
// start is taken.
func (o *occupancy) isFree(start uint64, d int) bool {
	n, k := &o.root, o.rootWalk()
	for {
		run, here := k.slots(start, d)
		if here {
			return n.used&run == 0
		}
		if n.full&run != 0 {
			return false
		}
		if n.used&run == 0 {
			return true
		}
		n, k = n.kids[n.kid(start>>k.shift&(uint64(1)<<k.w-1))], k.down()
	}
}

// mark takes the region at depth d starting at slot start, which must be free.
func (o *occupancy) mark(start uint64, d int) {
	o.markIn(&o.root, o.rootWalk(), start, d)
}

// markIn marks the region in the subtree n and reports whether n became
// entirely full. A kid that fills up is folded into its parent's full
// bit and kept for reuse, so dense allocation stops allocating once the
// frontier is built.
func (o *occupancy) markIn(n *node, k walk, start uint64, d int) bool {
	run, here := k.slots(start, d)
	if !here {
		digit := start >> k.shift & (uint64(1)<<k.w - 1)
		i := n.kid(digit)
		if n.used&run == 0 {
			n.kids = slices.Insert(n.kids, i, o.newNode())
			n.used |= run
		}
		kid := n.kids[i]
		if !o.markIn(kid, k.down(), start, d) {
			return false
		}
		n.kids = slices.Delete(n.kids, i, i+1)
		o.spare = append(o.spare, kid)
	}
	n.full |= run
	n.used |= run
	return n.full == runMask(0, uint64(1)<<k.w)
}

// newNode returns an empty node, reusing one that filled up if it can. A
// full node's kids are all folded away, so its kids slice is empty.
func (o *occupancy) newNode() *node {
	if i := len(o.spare) - 1; i >= 0 {
		n := o.spare[i]
		o.spare = o.spare[:i]
		n.full, n.used = 0, 0
		return n
	}
	return new(node)
}

// first returns the first free region at depth d whose start slot is at
// or after from, searching the subtree n whose first slot is base.
func (n *node) first(k walk, base, from uint64, d int) (uint64, bool) {
	mask := uint64(1)<<k.w - 1
	digit := uint64(0)
	if from > base {
		digit = (from - base) >> k.shift & mask
		if (from-base)>>k.shift > mask {
			return 0, false
		}
	}
	if d <= k.consumed+k.w { // regions are runs of count slots
		count := uint64(1) << (k.consumed + k.w - d)
		if from > base && (from-base)&(uint64(1)<<k.shift-1) != 0 {
			digit++ // from is inside a slot: start at the next one
		}
		digit = (digit + count - 1) &^ (count - 1)
		for ; digit <= mask; digit += count {
			if n.used&runMask(digit, count) == 0 {
				return base + digit<<k.shift, true
			}
		}
		return 0, false
	}
	for ; digit <= mask; digit++ {
		bit := uint64(1) << digit
		slot := base + digit<<k.shift
		if n.full&bit != 0 {
			continue
		}
		lo := max(from, slot)
		if n.used&bit == 0 { // a wholly free slot: round lo up to the region size
			size := uint64(1) << (k.shift - (d - k.consumed - k.w))
			if off := (lo - slot + size - 1) &^ (size - 1); off>>k.shift == 0 {
				return slot + off, true
			}
			continue
		}
		if start, ok := n.kids[n.kid(digit)].first(k.down(), slot, lo, d); ok {
			return start, true
		}
	}
	return 0, false
}

// first returns the first free region at depth d at or after slot from.
func (o *occupancy) first(d int, from uint64) (uint64, bool) {
	return o.root.first(o.rootWalk(), 0, from, d)
}

// exists reports whether some free region at depth d has the index bits
// selected by mask equal to those of val (index bit d-1 is the first one
// below the block). It prunes full subtrees and visits each partly used
// node at most once, so its cost grows with the allocations, not the space.
func (o *occupancy) exists(d int, mask, val uint64) bool {
	sh := o.width - d
	return o.root.exists(o.rootWalk(), d, mask<<sh, val<<sh)
}

func (n *node) exists(k walk, d int, mask, val uint64) bool {
	wmask := uint64(1)<<k.w - 1
	dm, dv := mask>>k.shift&wmask, val>>k.shift&wmask
	if d <= k.consumed+k.w { // regions are runs of count slots
		count := uint64(1) << (k.consumed + k.w - d)
		for first := uint64(0); first <= wmask; first += count {
			if first&dm == dv && n.used&runMask(first, count) == 0 {
				return true
			}
		}
		return false
	}
	for digit := uint64(0); digit <= wmask; digit++ {
		bit := uint64(1) << digit
		switch {
		case digit&dm != dv || n.full&bit != 0:
		case n.used&bit == 0:
			return true
		case n.kids[n.kid(digit)].exists(k.down(), d, mask, val):
			return true
		}
	}
	return false
}
