package app

import (
	"fmt"
	"net/netip"
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/ip6plan/ip6plan/plan"
)

// PrefixMap draws the prefix as a grid: the 256 /56s of a /48, coloured by
// the purpose of what is allocated there. Clicking a cell opens its 256
// /64s.
type PrefixMap struct {
	app.Compo
	Doc *Doc
	Rev uint64

	focus netip.Prefix
}

// Focus returns the prefix the map shows: the one last opened, if it still
// lies inside the plan, or the plan's prefix.
func (c *PrefixMap) Focus() netip.Prefix {
	p := c.Doc.Prefix()
	if !c.focus.IsValid() || !p.IsValid() || c.focus.Bits() < p.Bits() || !p.Contains(c.focus.Addr()) {
		c.focus = p
	}
	return c.focus
}

// Open shows the cells of p.
func (c *PrefixMap) Open(p netip.Prefix) { c.focus = p }

// Render draws the grid, the way back up and the legend.
func (c *PrefixMap) Render() app.UI {
	focus := c.Focus()
	if !focus.IsValid() {
		return app.P().Text("No plan to draw yet.")
	}
	cells := c.Doc.MapCells(focus)
	drill := CanDrill(focus)
	var crumbs []app.UI
	for p := focus; ; {
		q := p
		crumbs = append([]app.UI{app.Button().Class("crumb").Text(q.String()).
			OnClick(func(app.Context, app.Event) { c.focus = q }, app.EventScope("crumb", q.String()))}, crumbs...)
		if p.Bits()-MapStep < c.Doc.Prefix().Bits() {
			break
		}
		p, _ = p.Addr().Prefix(p.Bits() - MapStep)
	}
	childBits := 0
	if len(cells) > 0 {
		childBits = cells[0].Prefix.Bits()
	}
	return app.Div().Class("map-view").Body(
		app.Div().Class("crumbs").Body(crumbs...),
		app.P().Class("count").Text(fmt.Sprintf("The %d /%d prefixes of %s.%s", len(cells), childBits, focus,
			map[bool]string{true: " Click one to open it.", false: ""}[drill])),
		app.Div().ID("prefix-map").Class("grid").DataSet("focus", focus.String()).
			Style("grid-template-columns", "repeat("+strconv.Itoa(gridColumns(len(cells)))+", 1fr)").
			Body(app.Range(cells).Slice(func(i int) app.UI { return c.cell(cells[i], drill) })),
		legend(),
	)
}

func gridColumns(n int) int {
	switch {
	case n >= 256:
		return 16
	case n >= 16:
		return 8
	}
	return max(n, 1)
}

func (c *PrefixMap) cell(cl Cell, drill bool) app.UI {
	cls := "cell " + PurposeClass(cl.Purpose)
	switch {
	case cl.Whole:
		cls += " whole"
	case cl.Inside > 0:
		cls += " inside"
	case cl.Held:
		cls += " p-held"
	default:
		cls += " free"
	}
	title := cl.Prefix.String()
	if cl.Path != "" {
		title += "\n" + cl.Path
		if cl.Purpose != "" {
			title += " (" + cl.Purpose + ")"
		}
	}
	if cl.Inside > 0 {
		title += fmt.Sprintf("\n%d subnet(s) inside", cl.Inside)
	}
	if cl.Held {
		title += "\nreserved or held"
	}
	p := cl.Prefix
	e := app.Div().Class(cls).Title("%s", title).DataSet("prefix", p.String()).Text(cellLabel(p))
	if drill {
		e = e.OnClick(func(app.Context, app.Event) { c.focus = p }, app.EventScope(p.String()))
	}
	return e
}

// cellLabel is the part of a cell's prefix that differs between cells: the
// two hex digits of the byte the grid spans.
func cellLabel(p netip.Prefix) string {
	b := p.Addr().As16()
	i := (p.Bits() - 1) / 8
	return fmt.Sprintf("%02x", b[i])
}

func legend() app.UI {
	items := []string{plan.PurposeMail, "servers", "site", "lan", plan.PurposeP2P, "other", "held", "free"}
	return app.Div().Class("legend").Body(app.Range(items).Slice(func(i int) app.UI {
		cls := "p-" + items[i]
		if items[i] == "free" {
			cls = "free"
		}
		return app.Span().Class("key").Body(app.Span().Class("swatch cell "+cls), app.Text(items[i]))
	}))
}
