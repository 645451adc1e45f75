package app

import (
	"fmt"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Tabs are the views of the page, in menu order.
var Tabs = []struct{ ID, Title string }{
	{"plan", "Plan"},
	{"table", "Allocation"},
	{"map", "Map"},
	{"hosts", "Hosts"},
	{"export", "Export"},
	{"calc", "Calculator"},
}

const sharedNotice = "Loaded the plan from the link."

// Shell is the page: a menu of views over one Doc. It restores the plan
// from the URL fragment or localStorage when it mounts, saves every change,
// and marks its root with data-ready once the WebAssembly app runs (the
// pre-rendered page has no such mark) and data-rev with the plan's
// revision.
type Shell struct {
	app.Compo

	doc      *Doc
	tab      string
	ready    bool
	saving   bool
	savedRev uint64
	shareURL string
	notice   string
	readyMS  int           // milliseconds from the start of navigation to OnMount
	saveTime time.Duration // of the last save, what ran on the drawing goroutine
}

// OnInit prepares the example plan, so that the pre-rendered page shows it.
func (c *Shell) OnInit() {
	c.doc = NewDoc()
	c.tab = "plan"
}

// OnMount restores the saved or shared plan and starts saving changes.
func (c *Shell) OnMount(ctx app.Context) {
	switch shared, ok, err := DecodeFragment(locationHash()); {
	case err != nil:
		c.notice = err.Error()
	case ok:
		lock := shared.Lock
		if src, l, saved := restore(); lock == "" && saved && src == shared.Plan {
			lock = l // a link without a lock, of the plan saved here: keep its lock
		}
		c.doc.Load(shared.Plan, lock)
		c.notice = sharedNotice
	default:
		if src, lock, ok := restore(); ok {
			c.doc.Load(src, lock)
		}
	}
	c.doc.Changed = func(*Doc) { c.scheduleSave(ctx) }
	if c.notice == sharedNotice {
		c.scheduleSave(ctx) // the shared plan is now this browser's plan
	} else {
		c.savedRev = c.doc.Rev // what is shown is what is stored
	}
	c.ready = true
	if app.IsClient {
		c.readyMS = app.Window().Get("performance").Call("now").Int()
	}
}

// scheduleSave saves the plan shortly after the last change, off the path
// of the edit that caused it: the text is compressed off the drawing
// goroutine and written when done. A save that finishes after a newer one
// is dropped.
func (c *Shell) scheduleSave(ctx app.Context) {
	if c.saving {
		return
	}
	c.saving = true
	ctx.After(200*time.Millisecond, func(ctx app.Context) {
		c.saving = false
		t0 := time.Now()
		rev, src, lock := c.doc.Rev, c.doc.Source, c.doc.LockText()
		made := time.Since(t0)
		ctx.Async(func() {
			s := packState(rev, src, lock)
			ctx.Dispatch(func(ctx app.Context) {
				if s.rev < c.savedRev {
					return
				}
				t1 := time.Now()
				err := store(s)
				c.saveTime = made + time.Since(t1)
				if err != nil {
					c.notice = "Could not save the plan in this browser: " + err.Error()
					return
				}
				c.savedRev = s.rev
			})
		})
	})
}

func (c *Shell) share(ctx app.Context, e app.Event) {
	shared := Shared{Plan: c.doc.Source, Lock: c.doc.LockText()}
	ctx.Async(func() {
		frag, err := EncodeFragment(shared)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				c.notice = "Could not make the link: " + err.Error()
				return
			}
			c.shareURL = setLocationHash(frag)
			copyText(c.shareURL)
			c.notice = fmt.Sprintf("The link holds the whole plan and its lock after '#', which browsers never send to a server (%d characters). Copied.", len(c.shareURL))
		})
	})
}

// openFiles reads the files picked in the file input, in the page, and
// opens them (Doc.Open) once all are read.
func (c *Shell) openFiles(ctx app.Context, e app.Event) {
	input := ctx.JSSrc()
	files := input.Get("files")
	n := files.Length()
	if n == 0 {
		return
	}
	read := make([]OpenedFile, n)
	left := n
	for i := range n {
		f := files.Index(i)
		name := f.Get("name").String()
		f.Call("text").Then(func(v app.Value) {
			read[i] = OpenedFile{Name: name, Text: v.String()}
			if left--; left > 0 {
				return
			}
			ctx.Dispatch(func(ctx app.Context) {
				input.Set("value", "") // so that the same files can be opened again
				c.shareURL = ""
				msg, err := c.doc.Open(read)
				if err != nil {
					c.notice = "Could not open the files: " + err.Error()
					return
				}
				c.notice = msg
			})
		})
	}
}

// Render draws the menu and the current view.
func (c *Shell) Render() app.UI {
	root := app.Div().ID("ip6plan").Class("shell").
		DataSet("rev", c.doc.Rev).
		DataSet("saved", c.savedRev).
		DataSet("tab", c.tab).
		DataSet("parse-ms", c.doc.ParseTime.Milliseconds()).
		DataSet("plan-ms", c.doc.PlanTime.Milliseconds()).
		DataSet("save-ms", c.saveTime.Milliseconds())
	if c.ready {
		root = root.DataSet("ready", "true").DataSet("ready-ms", c.readyMS)
	}
	return root.Body(
		app.Header().Class("top").Body(
			app.Img().Class("logo").Src("/web/icon.svg").Alt(""),
			app.H1().Text("ip6plan"),
			app.Nav().Class("tabs").Body(
				app.Range(Tabs).Slice(func(i int) app.UI {
					t := Tabs[i]
					cls := "tab"
					if t.ID == c.tab {
						cls += " active"
					}
					return app.Button().Class(cls).DataSet("tab", t.ID).Text(t.Title).
						OnClick(func(ctx app.Context, e app.Event) { c.tab = t.ID }, app.EventScope(t.ID))
				}),
			),
			app.Label().Class("open").Title("Open a plan file and its lock from this computer: they are read in the page, not uploaded").Body(
				app.Text("Open files…"),
				app.Input().Type("file").ID("open-files").Multiple(true).Accept(".yaml,.yml,.json,.lock,text/plain").OnChange(c.openFiles),
			),
			app.Button().Class("share").ID("share").Title("Put the plan in the page address, to bookmark or send").
				Text("Share link").OnClick(c.share),
		),
		app.If(c.notice != "", func() app.UI {
			return app.P().Class("notice").ID("notice").Body(
				app.Text(c.notice),
				app.If(c.shareURL != "", func() app.UI {
					return app.Input().Class("share-url").ReadOnly(true).Value(c.shareURL)
				}),
				app.Button().Class("close").Text("×").OnClick(func(app.Context, app.Event) { c.notice, c.shareURL = "", "" }),
			)
		}),
		app.Main().Body(c.view()),
		app.Footer().Body(app.Text("Runs entirely in this page: nothing you type is sent anywhere. Works offline after the first visit.")),
	)
}

func (c *Shell) view() app.UI {
	d, rev := c.doc, c.doc.Rev
	switch c.tab {
	case "table":
		return &AllocTable{Doc: d, Rev: rev}
	case "map":
		return &PrefixMap{Doc: d, Rev: rev}
	case "hosts":
		return &HostList{Doc: d, Rev: rev}
	case "export":
		return &Exports{Doc: d, Rev: rev}
	case "calc":
		return &Calculator{}
	}
	return &Editor{Doc: d, Rev: rev}
}
