package app

import (
	"fmt"
	"math/big"
	"net/netip"
	"strings"

	"github.com/ip6plan/ip6plan/plan/ip6"

	"github.com/ip6plan/ip6plan/records"
)

// CalcPage is how many children the calculator lists at a time.
const CalcPage = 16

// A CalcResult is what the subnet calculator shows for a prefix.
type CalcResult struct {
	Err       string
	Prefix    netip.Prefix
	Last      netip.Addr
	Class     string // "global", or the special range and its RFC
	Addresses string // the number of addresses, with commas
	ChildBits int
	Children  string // the number of children of ChildBits
	Advice    string // NibbleAdvice for Need children
	List      []netip.Prefix
	Page      uint64 // the index of List[0]
	Pages     *big.Int
	Zones     []string // the reverse zones that cover the prefix
}

// Calculate works out a prefix: its range, class, size, its children of
// length childBits (CalcPage of them from page*CalcPage) and, when need is
// above 0, the nibble-aligned length that holds need children.
func Calculate(input string, childBits int, need, page uint64) CalcResult {
	var r CalcResult
	p, err := ip6.ParsePrefix(strings.TrimSpace(input))
	if err != nil {
		r.Err = err.Error()
		return r
	}
	r.Prefix = p
	r.Last = ip6.LastAddr(p)
	c := ip6.ClassOf(p)
	r.Class = c.String()
	if c != ip6.Global {
		r.Class += " (" + c.RFC() + ")"
	}
	r.Addresses = ip6.FormatCount(ip6.AddrCount(p))
	if childBits < p.Bits() || childBits > 128 {
		childBits = min(p.Bits()+MapStep, 128)
	}
	r.ChildBits = childBits
	count := ip6.ChildCount(p, childBits)
	r.Children = ip6.FormatCount(count)
	pages := new(big.Int).Add(count, big.NewInt(CalcPage-1))
	r.Pages = pages.Div(pages, big.NewInt(CalcPage))
	if new(big.Int).SetUint64(page).Cmp(r.Pages) >= 0 {
		page = 0
	}
	r.Page = page
	start := new(big.Int).Mul(new(big.Int).SetUint64(page), big.NewInt(CalcPage))
	for i := int64(0); i < CalcPage; i++ {
		n := new(big.Int).Add(start, big.NewInt(i))
		if n.Cmp(count) >= 0 {
			break
		}
		ch, err := ip6.ChildBig(p, childBits, n)
		if err != nil {
			break
		}
		r.List = append(r.List, ch)
	}
	if need > 0 {
		if adv, err := ip6.NibbleAdvice(p, need); err != nil {
			r.Advice = err.Error()
		} else {
			r.Advice = adv.String()
		}
	}
	if zs, err := records.ReverseZones(p); err == nil {
		for i, z := range zs {
			if i == 16 {
				r.Zones = append(r.Zones, fmt.Sprintf("… %d zones in all", len(zs)))
				break
			}
			r.Zones = append(r.Zones, z.Name())
		}
	}
	return r
}

// bigCounter prints a page count and compares it with small numbers.
type bigCounter struct{ n *big.Int }

func (b *bigCounter) set(n *big.Int) *bigCounter { b.n = n; return b }
func (b *bigCounter) String() string             { return ip6.FormatCount(b.n) }
func (b *bigCounter) is(v uint64) bool           { return b.n != nil && b.n.IsUint64() && b.n.Uint64() == v }
