package app

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ip6plan/ip6plan/plan/form"
	"github.com/ip6plan/ip6plan/plan/ip6"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// lineHeight is the text area's line height in pixels; error marks are
// placed by it, next to the line they are about.
const lineHeight = 18

// Editor edits the plan as a form or as YAML/JSON text, with each error
// shown next to the field or line that caused it.
type Editor struct {
	app.Compo
	Doc *Doc
	Rev uint64

	text       bool // the text view rather than the form
	form       *form.Form
	formRev    uint64
	seq        int    // of the last keystroke, for the pause before re-planning
	formPage   int    // the form's page on show; -1 for the last
	heldErr    string // why the last release was refused, for the revision heldErrRev
	heldErrRev uint64

	// typed is the text the text area held when it was last read (or
	// set). go-app sets a node's value only when the value it is given
	// changes, so the area keeps being given shown, the text it was last
	// set to, until the plan changes from elsewhere: setting it again to
	// what it holds would move the caret to the end and cost the browser
	// a second of layout for a 2 MB plan.
	typed, shown string
}

// textAreaValue returns the value to give the text area's node.
func (c *Editor) textAreaValue() string {
	if src := c.Doc.Source; src != c.typed { // the plan changed elsewhere: show it
		if c.shown == src { // go-app would see no change
			setTextArea(src)
		}
		c.shown, c.typed = src, src
	}
	return c.shown
}

// commit re-plans the text the text area holds.
func (c *Editor) commit(text string) {
	c.typed = text
	if text != c.Doc.Source {
		c.Doc.SetSource(text)
	}
}

// setTextArea sets the plan text area's value in the page.
func setTextArea(text string) {
	if app.IsClient {
		if ta := app.Window().GetElementByID("plan-text"); ta.Truthy() {
			ta.Set("value", text)
		}
	}
}

// Form returns the form of the current revision.
func (c *Editor) Form() *form.Form {
	if c.form == nil || c.formRev != c.Doc.Rev {
		c.form, c.formRev = c.Doc.Form(), c.Doc.Rev
	}
	return c.form
}

// Render draws the editor and the plan's summary.
func (c *Editor) Render() app.UI {
	mode := func(text bool, title string) app.UI {
		cls := "mode"
		if c.text == text {
			cls += " active"
		}
		return app.Button().Class(cls).DataSet("mode", map[bool]string{false: "form", true: "text"}[text]).Text(title).
			OnClick(func(app.Context, app.Event) {
				c.text = text
				c.shown, c.typed = c.Doc.Source, c.Doc.Source // a new text area starts from the plan
			})
	}
	var body app.UI
	if c.text {
		body = c.renderText()
	} else {
		body = c.renderForm()
	}
	stale := "The other views show the last plan that worked until the errors are fixed."
	if c.Doc.Ask != nil {
		stale = "The other views show the plan from before this edit until you answer the question above."
	}
	return app.Div().Class("editor-view").Body(
		app.Section().Class("editor").Body(
			app.Div().Class("modes").Body(mode(false, "Form"), mode(true, "YAML / JSON")),
			// Always there, so that the text area after it keeps its place
			// (and its node) when the plan turns stale.
			app.P().Class(map[bool]string{true: "stale", false: "stale hidden"}[c.Doc.Stale]).
				Text(stale),
			body,
		),
		c.renderSummary(),
	)
}

func (c *Editor) edit(ctx app.Context, op func(*form.Form) error) {
	f := c.Form() // the one on show: the edit changes it, and the new revision gets its own
	if err := op(f); err != nil {
		c.form = nil // the edit may have changed it before it failed
		app.Log(err)
		return
	}
	c.Doc.SetSource(f.Text())
}

func (c *Editor) onField(id string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		v := ctx.JSSrc().Get("value").String()
		c.edit(ctx, func(f *form.Form) error {
			old, renamed := f.Renamed(id, v)
			if err := f.Set(id, v); err != nil {
				return err
			}
			if old != "" {
				c.Doc.Rename(old, renamed) // the form knows it is a rename: the lock keeps the places
			}
			return nil
		})
	}
}

func errs(msgs []string) app.UI {
	return app.Range(msgs).Slice(func(i int) app.UI {
		return app.Div().Class("err").Text(msgs[i])
	})
}

func (c *Editor) input(f form.Field, placeholder string, errors map[string][]string) app.UI {
	cls := "field " + f.Key
	if len(errors[f.ID]) > 0 {
		cls += " bad"
	}
	in := app.Input().Type("text").Aria("label", f.Key).Value(f.Value).Placeholder(placeholder).Spellcheck(false)
	if f.Key == "name" {
		in = in.Title(renameNote)
	}
	return app.Span().Class(cls).DataSet("field", f.ID).Body(
		in.OnChange(c.onField(f.ID), app.EventScope(f.ID)),
		errs(errors[f.ID]),
	)
}

// renameNote tells, on each name field, what renaming does.
const renameNote = "Renamed here, a subnet or host keeps its addresses, and so does all it holds. (Renamed in the text, it gets a new place, and the old one stays held until released.)"

// formLimit is the largest plan text the form edits. The form is made
// from the Draft's YAML document and draws a page at a time, so a plan of
// 65,536 subnets (2.9 MB) takes 0.2 s to show and some 0.1-0.4 s per
// change (BenchmarkBrowserForm); a plan beyond this is edited as text.
const formLimit = 8 << 20

func (c *Editor) renderForm() app.UI {
	if len(c.Doc.Source) > formLimit {
		return app.Div().Class("form").Body(app.P().ID("form-too-big").Text(fmt.Sprintf(
			"This plan is %d KB of text, too big for the form: edit it in the YAML / JSON view.", len(c.Doc.Source)>>10)))
	}
	f := c.Form()
	if f.Err != "" {
		return app.Div().Class("form").Body(app.P().Class("err").Text(f.Err))
	}
	errors := attach(f, c.Doc.Errors)
	all := formRows(f)
	page, pages := c.formPage, (len(all)+formPage-1)/formPage
	if page < 0 || page >= pages {
		page = max(pages-1, 0)
	}
	shown := all[page*formPage : min(len(all), (page+1)*formPage)]
	rows := make([]app.UI, 0, len(shown))
	for _, r := range shown {
		if r.host < 0 {
			rows = append(rows, c.subnetRow(f.Subnets[r.subnet], errors))
		} else {
			rows = append(rows, c.hostRow(f.Hosts[r.host], f.Subnets[r.subnet].Depth, errors))
		}
	}
	return app.Div().Class("form").Body(
		app.Div().Class("inputs").Body(
			app.Label().Text("Prefix"), c.input(f.Prefix, "2001:db8:d6::/48", errors),
			app.Label().Text("Domain"), c.input(f.Domain, "example.com", errors),
		),
		app.If(len(errors[""]) > 0, func() app.UI {
			return app.Div().Class("plan-errs").DataSet("field", "plan").Body(errs(errors[""]))
		}),
		app.H2().Text("Subnets and hosts"),
		c.formPager(page, pages, len(all), errorPages(all, errors, page)),
		app.Div().Class("rows").Body(rows...),
		app.Button().Class("add").ID("add-subnet").Text("+ subnet").
			OnClick(func(ctx app.Context, e app.Event) {
				c.formPage = -1 // the last page, where the new subnet is
				c.edit(ctx, func(f *form.Form) error { return f.AddSubnet(-1, fmt.Sprintf("subnet%d", len(f.Subnets)+1)) })
			}),
	)
}

// formPage is how many rows (subnets and hosts) the form draws at once: a
// form of 5,000 subnets drawn whole took 2.8 s, and 0.5 s to redraw after
// each change (BenchmarkBrowserForm).
const formPage = 200

// A formRow is one row of the form: subnet f.Subnets[subnet], or its host
// f.Hosts[host] when host is not -1.
type formRow struct{ subnet, host int }

// formRows lists the form's rows in plan order: each subnet, then its
// hosts.
func formRows(f *form.Form) []formRow {
	hostsOf := map[string][]int{}
	for _, h := range f.Hosts {
		hostsOf[h.Subnet] = append(hostsOf[h.Subnet], h.Index)
	}
	rows := make([]formRow, 0, len(f.Subnets)+len(f.Hosts))
	for _, s := range f.Subnets {
		rows = append(rows, formRow{s.Index, -1})
		for _, hi := range hostsOf[s.Path] {
			rows = append(rows, formRow{s.Index, hi})
		}
	}
	return rows
}

// errorPages returns the pages other than page that have errors at their
// fields, in order.
func errorPages(rows []formRow, errors map[string][]string, page int) []int {
	if len(rows) <= formPage || len(errors) == 0 {
		return nil
	}
	rowOf := make(map[string]int, len(rows)) // "s3" or "h7": its row
	for i, r := range rows {
		if r.host < 0 {
			rowOf["s"+strconv.Itoa(r.subnet)] = i
		} else {
			rowOf["h"+strconv.Itoa(r.host)] = i
		}
	}
	seen := map[int]bool{}
	for key := range errors {
		id, _, _ := strings.Cut(key, ".")
		if i, ok := rowOf[id]; ok && i/formPage != page {
			seen[i/formPage] = true
		}
	}
	out := make([]int, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// formPager moves between the form's pages and says which other pages
// have errors; a form of one page has none.
func (c *Editor) formPager(page, pages, rows int, errPages []int) app.UI {
	if pages <= 1 {
		return nil
	}
	var jumps []app.UI
	for _, p := range errPages {
		jumps = append(jumps, app.Button().Class("err-page").DataSet("page", p+1).Text(strconv.Itoa(p+1)).
			OnClick(func(app.Context, app.Event) { c.formPage = p }, app.EventScope(strconv.Itoa(p))))
	}
	prev, next := pageButtons("form", page == 0, page >= pages-1,
		func(app.Context, app.Event) { c.formPage = page - 1 }, func(app.Context, app.Event) { c.formPage = page + 1 })
	return app.Div().Class("pager form-pager").Body(
		app.Span().ID("form-range").Text(fmt.Sprintf("rows %d–%d of %d", page*formPage+1, min(rows, (page+1)*formPage), rows)),
		prev, next,
		app.If(len(jumps) > 0, func() app.UI {
			return app.Span().Class("err").ID("form-err-pages").Body(append([]app.UI{app.Text("errors on page ")}, jumps...)...)
		}),
	)
}

func (c *Editor) subnetRow(s form.Subnet, errors map[string][]string) app.UI {
	id := "s" + strconv.Itoa(s.Index)
	return app.Div().Class("subnet").DataSet("subnet", s.Path).Style("margin-left", strconv.Itoa(s.Depth*24)+"px").Body(
		app.Span().Class("kind").Text("subnet"),
		c.input(s.Name, "name", errors),
		app.Span().Class("slash").Text("/"),
		c.input(s.Size, "64", errors),
		c.input(s.Purpose, "purpose", errors),
		app.If(s.HostsOK, func() app.UI {
			return app.Button().Class("add").DataSet("add-host", s.Path).Text("+ host").
				OnClick(func(ctx app.Context, e app.Event) {
					c.edit(ctx, func(f *form.Form) error { return f.AddHost(s.Index, fmt.Sprintf("host%d", len(f.Hosts)+1)) })
				}, app.EventScope(id, "host"))
		}).Else(func() app.UI {
			return app.Button().Class("add").DataSet("add-subnet", s.Path).Text("+ subnet").
				OnClick(func(ctx app.Context, e app.Event) {
					c.edit(ctx, func(f *form.Form) error { return f.AddSubnet(s.Index, fmt.Sprintf("subnet%d", len(f.Subnets)+1)) })
				}, app.EventScope(id, "subnet"))
		}),
		app.Button().Class("remove").Title("Remove this subnet and all it holds").Text("×").
			OnClick(func(ctx app.Context, e app.Event) {
				c.edit(ctx, func(f *form.Form) error { return f.RemoveSubnet(s.Index) })
			}, app.EventScope(id, "remove")),
		errs(errors[id]),
	)
}

func (c *Editor) hostRow(h form.Host, depth int, errors map[string][]string) app.UI {
	id := "h" + strconv.Itoa(h.Index)
	return app.Div().Class("host").DataSet("host", h.Subnet+"/"+h.Name.Value).Style("margin-left", strconv.Itoa(depth*24+24)+"px").Body(
		app.Span().Class("kind").Text("host"),
		c.input(h.Name, "name", errors),
		app.Span().Class("field").DataSet("field", h.Scheme.ID).Body(
			app.Select().Aria("label", "scheme").OnChange(c.onField(h.Scheme.ID), app.EventScope(h.Scheme.ID)).Body(
				app.Range(schemes).Slice(func(i int) app.UI {
					label := schemes[i]
					if label == "" {
						label = "scheme…"
					}
					return app.Option().Value(schemes[i]).Selected(schemes[i] == h.Scheme.Value).Text(label)
				}),
			),
			errs(errors[h.Scheme.ID]),
		),
		c.input(h.Address, "address (::25)", errors),
		c.input(h.Roles, "roles: outbound, mx", errors),
		app.Button().Class("remove").Title("Remove this host").Text("×").
			OnClick(func(ctx app.Context, e app.Event) {
				c.edit(ctx, func(f *form.Form) error { return f.RemoveHost(h.Index) })
			}, app.EventScope(id, "remove")),
		errs(errors[id]),
	)
}

func (c *Editor) renderText() app.UI {
	src := c.Doc.Source
	lines := strings.Count(src, "\n") + 2
	return app.Div().Class("text").Body(
		app.Div().Class("code").Body(
			app.Textarea().ID("plan-text").Class("plan-text").Text(c.textAreaValue()).Rows(lines).Wrap("off").Spellcheck(false).
				Style("height", strconv.Itoa(lines*lineHeight+8)+"px").
				OnInput(c.onTextInput).OnChange(c.onTextChange),
			app.Range(c.Doc.Errors).Slice(func(i int) app.UI {
				p := c.Doc.Errors[i]
				line := max(p.Line, 1)
				return app.Div().Class("mark").DataSet("line", p.Line).
					Style("top", strconv.Itoa((line-1)*lineHeight+4)+"px").
					Body(app.Span().Class("pos").Text(fmt.Sprintf("%d:%d", p.Line, p.Col)), app.Text(" "+p.Msg))
			}),
		),
		app.Ul().Class("problems").Body(
			app.Range(c.Doc.Errors).Slice(func(i int) app.UI {
				p := c.Doc.Errors[i]
				return app.Li().Class("err").Body(
					app.A().Href("#").Text(fmt.Sprintf("line %d, column %d", p.Line, p.Col)).
						OnClick(func(ctx app.Context, e app.Event) {
							e.PreventDefault()
							selectLine(c.Doc.Source, p.Line)
						}, app.EventScope("err", i, p.Line)),
					app.Text(": "+p.Msg),
				)
			}),
		),
	)
}

// selectLine selects a line of the plan text, so the user lands on an error.
func selectLine(src string, line int) {
	if !app.IsClient || line < 1 {
		return
	}
	start := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(src[start:], '\n')
		if i < 0 {
			break
		}
		start += i + 1
	}
	end := start + max(strings.IndexByte(src[start:], '\n'), 0)
	ta := app.Window().GetElementByID("plan-text")
	ta.Call("focus")
	ta.Call("setSelectionRange", len([]rune(src[:start])), len([]rune(src[:end])))
}

// onTextInput re-plans after a short pause in typing, so a big plan is not
// re-planned, nor its text copied out of the page, on every keystroke.
func (c *Editor) onTextInput(ctx app.Context, e app.Event) {
	c.seq++
	seq := c.seq
	ctx.After(300*time.Millisecond, func(ctx app.Context) {
		if ta := app.Window().GetElementByID("plan-text"); seq == c.seq && ta.Truthy() {
			c.commit(ta.Get("value").String())
		}
	})
}

// onTextChange re-plans at once when the text area loses focus.
func (c *Editor) onTextChange(ctx app.Context, e app.Event) {
	c.seq++
	c.commit(ctx.JSSrc().Get("value").String())
}

func (c *Editor) renderSummary() app.UI {
	d := c.Doc
	var facts []app.UI
	fact := func(k, v string) { facts = append(facts, app.Dt().Text(k), app.Dd().Text(v)) }
	if a := d.Alloc; a != nil {
		p := a.Plan.Prefix
		fact("Prefix", p.String())
		cl := ip6.ClassOf(p)
		fact("Class", cl.String())
		fact("/64s", ip6.FormatCount(ip6.ChildCount(p, 64)))
		fact("Subnets", ip6.FormatCount(bigInt(len(a.Subnets))))
		fact("Hosts", ip6.FormatCount(bigInt(len(a.Hosts))))
		fact("Links", strconv.Itoa(len(a.Links)))
		if a.Plan.Domain != "" {
			fact("Domain", a.Plan.Domain)
		}
	}
	return app.Aside().Class("summary").Body(
		app.H2().Text("Summary"),
		app.Dl().Body(facts...),
		app.If(len(d.Errors) > 0, func() app.UI {
			return app.P().Class("err").ID("error-count").Text(fmt.Sprintf("%d error(s) in the plan", len(d.Errors)))
		}),
		c.renderHeld(),
		app.If(len(d.Warnings) > 0, func() app.UI {
			return app.Div().Class("warnings").Body(
				app.H3().Text("Warnings"),
				app.Ul().Body(app.Range(d.Warnings).Slice(func(i int) app.UI {
					w := d.Warnings[i]
					return app.Li().Class("warn").Text(fmt.Sprintf("%d:%d %s", w.Line, w.Col, w.Msg))
				})),
			)
		}),
	)
}

// schemes lists the choices of the scheme select.
var schemes = form.Schemes()

// attach sorts problems by the form element they belong to (form.Owner).
func attach(f *form.Form, problems []Problem) map[string][]string {
	out := map[string][]string{}
	for _, p := range problems {
		id := f.Owner(p.Line, p.Col)
		out[id] = append(out[id], p.Msg)
	}
	return out
}

// Form returns the form of the plan text. It is made from the Draft's
// YAML document when that is the current text's, so that a big plan is
// not read a second time for the form; otherwise the text is read again.
func (d *Doc) Form() *form.Form {
	if d.draft != nil && d.draft.Document() != nil && string(d.draft.Text()) == d.Source {
		return form.FromDocument(d.Source, d.draft.Document())
	}
	return form.Parse(d.Source)
}
