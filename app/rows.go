package app

import (
	"math/big"
	"net/netip"

	"github.com/ip6plan/ip6plan/plan"
)

// A Row is one line of the allocation table: a subnet, a link or an entry
// the lock still holds.
type Row struct {
	Kind    string // "subnet", "link", "held"
	Path    string
	Prefix  netip.Prefix
	Purpose string
	Depth   int
}

// RowCount returns the number of rows of the allocation table.
func (d *Doc) RowCount() int {
	if d.Alloc == nil {
		return 0
	}
	a := d.Alloc
	return len(a.Subnets) + len(a.Links) + len(a.Held)
}

// Row returns row i of the allocation table: subnets in plan order, then
// links, then held entries. Rows are made on demand, so a table of 65,536
// subnets costs only the rows on screen.
func (d *Doc) Row(i int) Row {
	a := d.Alloc
	if i < len(a.Subnets) {
		s := a.Subnets[i]
		return Row{Kind: "subnet", Path: s.Path, Prefix: s.Prefix, Purpose: s.Subnet.Purpose, Depth: s.Depth}
	}
	i -= len(a.Subnets)
	if i < len(a.Links) {
		l := a.Links[i]
		return Row{Kind: "link", Path: l.Path, Prefix: l.Prefix, Purpose: plan.PurposeP2P, Depth: 1}
	}
	i -= len(a.Links)
	e := a.Held[i]
	return Row{Kind: "held", Path: e.Path, Prefix: e.Prefix, Purpose: "held"}
}

func bigInt(n int) *big.Int { return big.NewInt(int64(n)) }
