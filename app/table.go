package app

import (
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The allocation table draws only the rows in view (and a few around them),
// positioned inside a spacer as tall as all rows: 65,536 rows cost as much
// as 40.
const (
	rowHeight = 28 // pixels; the CSS gives .trow the same height
	viewRows  = 20 // rows the viewport shows
	overscan  = 10 // rows drawn beyond each edge, so fast scrolling stays filled
)

// AllocTable is the allocation as a windowed table. Rev changes with the
// Doc, which is how the table knows to redraw: the Doc pointer never does.
type AllocTable struct {
	app.Compo
	Doc *Doc
	Rev uint64

	first    int // the first row in view
	selected int // 1 + the index of the selected row; 0 for none
}

// Window returns the range of rows the table draws for its scroll position.
func (c *AllocTable) Window() (start, end int) {
	n := c.Doc.RowCount()
	start = max(0, min(c.first, n)-overscan)
	end = min(n, c.first+viewRows+overscan)
	return start, end
}

// Scroll moves the view so that row i is at the top.
func (c *AllocTable) Scroll(i int) { c.first = max(0, i) }

func (c *AllocTable) onScroll(ctx app.Context, e app.Event) {
	first := ctx.JSSrc().Get("scrollTop").Int() / rowHeight
	if first == c.first {
		ctx.PreventUpdate()
		return
	}
	c.first = first
}

// Render draws the header and the rows in view.
func (c *AllocTable) Render() app.UI {
	n := c.Doc.RowCount()
	start, end := c.Window()
	rows := make([]app.UI, 0, end-start)
	for i := start; i < end; i++ {
		rows = append(rows, c.row(i))
	}
	return app.Div().Class("table-view").Body(
		app.P().Class("count").ID("row-count").DataSet("rows", n).
			Text(strconv.Itoa(n)+" rows: subnets in plan order, then links and entries the lock still holds."),
		app.Div().Class("trow thead").Body(
			app.Span().Class("c-path").Text("Subnet"),
			app.Span().Class("c-prefix").Text("Prefix"),
			app.Span().Class("c-purpose").Text("Purpose"),
			app.Span().Class("c-kind").Text("Kind"),
		),
		app.Div().ID("table-scroll").Class("tscroll").
			Style("height", strconv.Itoa(viewRows*rowHeight)+"px").
			OnScroll(c.onScroll, app.PassiveEvent()).
			Body(
				app.Div().Class("tspacer").Style("height", strconv.Itoa(n*rowHeight)+"px").Body(rows...),
			),
	)
}

func (c *AllocTable) row(i int) app.UI {
	r := c.Doc.Row(i)
	cls := "trow " + PurposeClass(r.Purpose)
	if c.selected == i+1 {
		cls += " selected"
	}
	return app.Div().Class(cls).DataSet("row", i).Style("top", strconv.Itoa(i*rowHeight)+"px").
		OnClick(func(ctx app.Context, e app.Event) { c.selected = i + 1 }, app.EventScope(i)).
		Body(
			app.Span().Class("c-path").Style("padding-left", strconv.Itoa(r.Depth*16+6)+"px").Text(r.Path),
			app.Span().Class("c-prefix").Text(r.Prefix.String()),
			app.Span().Class("c-purpose").Text(r.Purpose),
			app.Span().Class("c-kind").Text(r.Kind),
		)
}
