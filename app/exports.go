package app

import (
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Exports shows the texts made from the plan, each to read, copy or
// download: zones, SPF with its lint findings, Postfix settings, and the
// plan and lock files.
type Exports struct {
	app.Compo
	Doc *Doc
	Rev uint64

	current string
	status  string
}

// Render draws the list of outputs and the one chosen.
func (c *Exports) Render() app.UI {
	outs := c.Doc.OutputTabs()
	cur := c.Current()
	return app.Div().Class("export-view").Body(
		app.Nav().Class("outputs").Body(app.Range(outs).Slice(func(i int) app.UI {
			o := outs[i]
			cls := "out-tab"
			if o.ID == cur.ID {
				cls += " active"
			}
			return app.Button().Class(cls).DataSet("out", o.ID).Text(o.Title).
				OnClick(func(app.Context, app.Event) { c.current, c.status = o.ID, "" }, app.EventScope(o.ID))
		})),
		app.Div().Class("out-actions").Body(
			app.Button().ID("copy").DataSet("copy", cur.ID).Text("Copy").Disabled(cur.Text == "").
				OnClick(c.onCopy),
			app.Button().ID("download").DataSet("download", cur.ID).Text("Download "+cur.FileName).Disabled(cur.Text == "").
				OnClick(c.onDownload),
			app.If(cur.ID == "lock", func() app.UI {
				return app.Button().ID("forget-lock").Title("Plan from scratch: removed entries are released and new ones may move").
					Text("Forget lock").OnClick(func(app.Context, app.Event) { c.Doc.ForgetLock() })
			}),
			app.Span().Class("status").ID("status").Text(c.status),
		),
		app.If(cur.Err != "", func() app.UI { return app.P().Class("err").ID("out-err").Text(cur.Err) }),
		app.Ul().Class("notes").Body(app.Range(cur.Notes).Slice(func(i int) app.UI {
			return app.Li().Text(cur.Notes[i])
		})),
		app.Pre().ID("out-"+cur.ID).Class("out").Text(cur.Text),
	)
}

// Current returns the output on show, made if it is not yet.
func (c *Exports) Current() Output {
	tabs := c.Doc.OutputTabs()
	for _, o := range tabs {
		if o.ID == c.current {
			return c.Doc.Output(o.ID)
		}
	}
	return c.Doc.Output(tabs[0].ID)
}

// onCopy and onDownload read the output when clicked: go-app keeps the
// first handler of an element while its code and scope stay the same, so a
// closure over one render's output would go stale.
func (c *Exports) onCopy(app.Context, app.Event) {
	cur := c.Current()
	copyText(cur.Text)
	c.status = fmt.Sprintf("Copied %s (%d bytes).", cur.Title, len(cur.Text))
}

func (c *Exports) onDownload(app.Context, app.Event) {
	cur := c.Current()
	download(cur.FileName, cur.Text)
	c.status = "Saved " + cur.FileName + "."
}
