package app

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Calculator is the subnet calculator: a prefix's range, class and size,
// its children of any length, page by page, the nibble-aligned length for
// a number of children, and its reverse zones.
type Calculator struct {
	app.Compo

	input     string
	childBits int
	need      uint64
	page      uint64
}

// OnInit starts with the documentation /48.
func (c *Calculator) OnInit() {
	c.input, c.childBits, c.need = "2001:db8:d6::/48", 56, 20
}

// Result returns what the calculator shows for its inputs.
func (c *Calculator) Result() CalcResult {
	return Calculate(c.input, c.childBits, c.need, c.page)
}

// Render draws the inputs and the result.
func (c *Calculator) Render() app.UI {
	r := c.Result()
	num := func(id, label, v string, set func(string)) app.UI {
		return app.Input().ID(id).Type("number").Aria("label", label).Value(v).
			OnChange(func(ctx app.Context, e app.Event) { set(ctx.JSSrc().Get("value").String()); c.page = 0 })
	}
	var body app.UI
	if r.Err != "" {
		body = app.P().Class("err").ID("calc-err").Text(r.Err)
	} else {
		last := new(bigCounter).set(r.Pages)
		// label, class, ID, value: one loop draws them all.
		facts := [][4]string{
			{"Prefix", "mono", "calc-prefix", r.Prefix.String()},
			{"First address", "mono", "", r.Prefix.Addr().String()},
			{"Last address", "mono", "", r.Last.String()},
			{"Class", "", "", r.Class},
			{"Addresses", "", "", r.Addresses},
			{fmt.Sprintf("/%d children", r.ChildBits), "", "calc-children", r.Children},
			{"Nibble advice", "", "calc-advice", r.Advice},
			{"Reverse zones", "mono", "", strings.Join(r.Zones, "\n")},
		}
		dl := make([]app.UI, 0, 2*len(facts))
		for _, f := range facts {
			dd := app.Dd().Class(f[1]).Text(f[3])
			if f[2] != "" {
				dd = dd.ID(f[2])
			}
			dl = append(dl, app.Dt().Text(f[0]), dd)
		}
		prev, next := pageButtons("", r.Page == 0, uint64(len(r.List)) < CalcPage || last.is(r.Page+1),
			func(app.Context, app.Event) { c.page-- }, func(app.Context, app.Event) { c.page++ })
		body = app.Div().Body(
			app.Dl().Class("facts").Body(dl...),
			app.H3().Text(fmt.Sprintf("/%d children, page %d of %s", r.ChildBits, r.Page+1, last)),
			app.Ol().Class("children mono").Attr("start", r.Page*CalcPage+1).Body(app.Range(r.List).Slice(func(i int) app.UI {
				return app.Li().Text(r.List[i].String())
			})),
			prev, next,
		)
	}
	return app.Div().Class("calc-view").Body(
		app.Div().Class("inputs").Body(
			app.Label().Text("Prefix"),
			app.Input().ID("calc-input").Type("text").Aria("label", "Prefix").Value(c.input).Spellcheck(false).
				OnChange(func(ctx app.Context, e app.Event) { c.input, c.page = ctx.JSSrc().Get("value").String(), 0 }),
			app.Label().Text("Child length /"),
			num("calc-bits", "Child length", strconv.Itoa(c.childBits), func(s string) { c.childBits, _ = strconv.Atoi(s) }),
			app.Label().Text("Children needed"),
			num("calc-need", "Children needed", strconv.FormatUint(c.need, 10), func(s string) { c.need, _ = strconv.ParseUint(s, 10, 64) }),
		),
		body,
	)
}
