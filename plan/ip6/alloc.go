package ip6

import (
	"errors"
	"fmt"
	"math/bits"
	"net/netip"
)

// Mode is how an Allocator picks the next free child of a block. The zero
// value is Dense.
type Mode uint8

const (
	// Dense is aligned first fit: the lowest free child, as NetBox and
	// phpIPAM allocate. Children pack at the start of the block, leaving
	// the rest for more children (RFC 3531 §3.2, "rightmost").
	Dense Mode = iota
	// Sparse spreads children over the block by assigning subnet-ID bits
	// from the left (RFC 3531 §3.1, "leftmost"): the nth child of a /48 is
	// at index bit-reverse(n), so each child keeps free space after it and
	// can later grow to a shorter prefix without renumbering.
	Sparse
	// Centermost assigns subnet-ID bits from the middle outwards (RFC 3531
	// §3.3), leaving room both for more children and for each to grow.
	Centermost
)

var modeNames = [...]string{Dense: "dense", Sparse: "sparse", Centermost: "centermost"}

// String returns the name used in plan files: dense, sparse or centermost.
func (m Mode) String() string {
	if int(m) < len(modeNames) {
		return modeNames[m]
	}
	return fmt.Sprintf("Mode(%d)", uint8(m))
}

// ParseMode parses an allocation mode name. Besides the names String
// returns it accepts the RFC 3531 and IPAM words for them: first-fit and
// rightmost for Dense, leftmost for Sparse.
func ParseMode(s string) (Mode, error) {
	switch s {
	case "dense", "first-fit", "rightmost", "":
		return Dense, nil
	case "sparse", "leftmost":
		return Sparse, nil
	case "centermost":
		return Centermost, nil
	}
	return 0, fmt.Errorf("unknown allocation %q; want dense, sparse or centermost", s)
}

// MarshalText implements encoding.TextMarshaler.
func (m Mode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (m *Mode) UnmarshalText(b []byte) error {
	v, err := ParseMode(string(b))
	*m = v
	return err
}

// Errors an Allocator returns, wrapped with the prefixes involved.
var (
	ErrExhausted = errors.New("no free space")
	ErrOverlap   = errors.New("overlaps an existing allocation")
	ErrOutside   = errors.New("is not inside the block")
)

// An Allocator hands out aligned child prefixes of one block and records
// every prefix taken, whether handed out by Next or placed by Take. It
// never frees: stability comes from replaying earlier allocations with
// Take before asking Next for new ones.
type Allocator struct {
	block  netip.Prefix
	base   u128
	finest int // prefix length of the smallest child
	mode   Mode
	occ    occupancy
	cursor []cursor // per child length: where the search resumes
}

// cursor remembers, for one child length, the first candidate that may
// still be free: a slot for Dense, a counter for Sparse and Centermost.
// Free space only shrinks, so the search never needs to look back.
type cursor struct {
	bits int
	next uint64
	done bool
}

// NewAllocator returns an allocator for children of block no longer than
// finest (64 for subnets; 127 for point-to-point links inside a /64). The
// block must be IPv6 and its children at most 64 bits of index below it.
func NewAllocator(block netip.Prefix, finest int, mode Mode) (*Allocator, error) {
	switch {
	case !block.IsValid() || !block.Addr().Is6() || block.Addr().Is4In6():
		return nil, fmt.Errorf("allocator block %s is not an IPv6 prefix", block)
	case block != block.Masked():
		return nil, fmt.Errorf("allocator block %s has host bits set", block)
	case finest < block.Bits() || finest > 128:
		return nil, fmt.Errorf("children of %s cannot be /%d", block, finest)
	case finest-block.Bits() > 64:
		return nil, fmt.Errorf("children /%d of %s are more than 2^64 apart", finest, block)
	}
	return &Allocator{
		block:  block,
		base:   u128From(block.Addr()),
		finest: finest,
		mode:   mode,
		occ:    newOccupancy(finest - block.Bits()),
	}, nil
}

// Block returns the prefix the allocator hands out children of.
func (a *Allocator) Block() netip.Prefix { return a.block }

// Mode returns how the allocator picks new children.
func (a *Allocator) Mode() Mode { return a.mode }

// region returns p's first slot and depth, or an error if p is not a
// child of the block the allocator can hold.
func (a *Allocator) region(p netip.Prefix) (start uint64, d int, err error) {
	if !p.IsValid() || p.Bits() < a.block.Bits() || !a.block.Contains(p.Addr()) {
		return 0, 0, fmt.Errorf("%s %w %s", p, ErrOutside, a.block)
	}
	if p.Bits() > a.finest {
		return 0, 0, fmt.Errorf("%s is longer than the /%d children of %s", p, a.finest, a.block)
	}
	off := u128From(p.Masked().Addr()).sub(a.base)
	return off.shr(128 - a.finest).lo, p.Bits() - a.block.Bits(), nil
}

// IsFree reports whether no part of p is taken. A p outside the block is
// not free.
func (a *Allocator) IsFree(p netip.Prefix) bool {
	start, d, err := a.region(p)
	return err == nil && a.occ.isFree(start, d)
}

// Take marks p as taken. It fails with ErrOverlap if any part of p is
// already taken, and with ErrOutside if p is not inside the block.
func (a *Allocator) Take(p netip.Prefix) error {
	start, d, err := a.region(p)
	if err != nil {
		return err
	}
	if !a.occ.isFree(start, d) {
		return fmt.Errorf("%s %w in %s", p, ErrOverlap, a.block)
	}
	a.occ.mark(start, d)
	return nil
}

// Next takes and returns a free child of length bits chosen by the
// allocator's mode, or fails with ErrExhausted.
func (a *Allocator) Next(bits int) (netip.Prefix, error) {
	if bits < a.block.Bits() || bits > a.finest {
		return netip.Prefix{}, fmt.Errorf("cannot allocate a /%d in %s (children are /%d to /%d)",
			bits, a.block, a.block.Bits(), a.finest)
	}
	d := bits - a.block.Bits()
	c := a.cursorFor(bits)
	start, ok := uint64(0), false
	if !c.done {
		if a.mode == Dense {
			start, ok = a.occ.first(d, c.next)
		} else {
			start, ok = a.scan(c, d)
		}
	}
	if !ok {
		c.done = true
		return netip.Prefix{}, fmt.Errorf("no free /%d left in %s: %w", bits, a.block, ErrExhausted)
	}
	a.occ.mark(start, d)
	if a.mode == Dense {
		size := uint64(1) << (a.occ.width - d)
		c.next = start + size
		c.done = c.next == 0 // wrapped past the end of a 2^64-slot space
	}
	addr := a.base.add(u128{0, start}.shl(128 - a.finest)).addr()
	return netip.PrefixFrom(addr, bits), nil
}

// scan walks the Sparse or Centermost candidate order from the cursor and
// returns the first free region. Most of the time the next candidate or
// one soon after it is free; when pins or reserved ranges block a long run
// of candidates, minFree finds the first free one directly.
func (a *Allocator) scan(c *cursor, d int) (uint64, bool) {
	shift := a.occ.width - d
	for tries := 0; tries < 64; tries++ {
		if start := permute(a.mode, c.next, d) << shift; a.occ.isFree(start, d) {
			return start, true
		}
		if d < 64 && c.next == uint64(1)<<d-1 || c.next == ^uint64(0) {
			return 0, false
		}
		c.next++
	}
	k, ok := a.minFree(d)
	if !ok {
		return 0, false
	}
	c.next = k
	return permute(a.mode, k, d) << shift, true
}

// minFree returns the first candidate in the mode's order whose region at
// depth d is free. It settles the candidate counter's bits from the most
// significant down, keeping each bit 0 when some free region still agrees
// with the bits settled so far: d questions to the occupancy tree instead
// of up to 2^d candidates.
func (a *Allocator) minFree(d int) (uint64, bool) {
	if !a.occ.exists(d, 0, 0) {
		return 0, false
	}
	var k, mask, val uint64
	for i := d - 1; i >= 0; i-- {
		bit := permute(a.mode, uint64(1)<<i, d) // where counter bit i lands
		mask |= bit
		if !a.occ.exists(d, mask, val) {
			val |= bit
			k |= uint64(1) << i
		}
	}
	return k, true
}

func (a *Allocator) cursorFor(bits int) *cursor {
	for i := range a.cursor {
		if a.cursor[i].bits == bits {
			return &a.cursor[i]
		}
	}
	a.cursor = append(a.cursor, cursor{bits: bits})
	return &a.cursor[len(a.cursor)-1]
}

// permute maps the kth candidate to a child index of d bits: bit-reversed
// for Sparse (RFC 3531 §3.1), middle-out for Centermost (§3.3), identity
// for Dense.
func permute(m Mode, k uint64, d int) uint64 {
	switch {
	case d == 0:
		return 0
	case m == Sparse:
		return bits.Reverse64(k) >> (64 - d)
	case m == Centermost:
		var idx uint64
		for i := 0; k != 0; i, k = i+1, k>>1 {
			if k&1 != 0 {
				idx |= 1 << centerBit(i, d)
			}
		}
		return idx
	}
	return k
}

// centerBit returns the index bit (0 = least significant) that the ith
// centermost step assigns in a d-bit field: the middle bit first (the
// lower middle when d is even), then alternately the next bit to its left
// and to its right (RFC 3531 §3.3).
func centerBit(i, d int) int {
	mid := (d - 1) / 2
	if i%2 == 1 {
		return mid + (i+1)/2
	}
	return mid - i/2
}
