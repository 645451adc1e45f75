package app

import (
	"fmt"
	"strconv"
	"strings"
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
	ctx      app.Context   // the Shell's own, from OnMount
	q        *ask          // what the page asks before it replaces the plan; nil for nothing
	hasPrev  bool          // a previous plan is kept, for restorePrevious
}

// An ask is a question the page puts in its own markup, with an answer
// button for each choice: a dialog that keyboards, screen readers and
// tests reach like the rest of the page (window.confirm blocks them).
type ask struct {
	id, title, text string
	lines           string // details, one a line
	yes, no         string // the answers' labels
	then            func()
}

// render draws the question; yes and no answer it.
func (q *ask) render(yes, no app.EventHandler) app.UI {
	noClass := "hidden"
	if q.no != "" {
		noClass = ""
	}
	return app.Div().ID(q.id).Class("ask").Role("alertdialog").Aria("labelledby", q.id+"-title").Body(
		app.P().ID(q.id+"-title").Class("ask-title").Text(q.title),
		app.P().Text(q.text),
		app.Pre().Text(q.lines),
		app.Button().ID(q.id+"-yes").Class("yes").Text(q.yes).OnClick(yes),
		app.Button().ID(q.id+"-no").Class(noClass).Text(q.no).OnClick(no),
	)
}

// OnInit prepares the example plan, so that the pre-rendered page shows it.
func (c *Shell) OnInit() {
	c.doc = NewDoc()
	c.tab = "plan"
}

// OnMount restores the saved plan, opens a plan shared in the URL
// fragment (asking first when it would replace other work), and starts
// saving changes.
func (c *Shell) OnMount(ctx app.Context) {
	c.ctx = ctx
	if src, lock, ok := restore(savedKeys); ok {
		c.doc.Load(src, lock)
	}
	c.hasPrev = getItem(prevKeys[0]) != ""
	c.savedRev = c.doc.Rev // what is shown is what is stored
	c.doc.Changed = func(*Doc) { c.scheduleSave(ctx) }
	c.openLink(ctx)
	onHashChange(func() { ctx.Dispatch(c.openLink) })
	c.ready = true
	if app.IsClient {
		c.readyMS = app.Window().Get("performance").Call("now").Int()
	}
}

// openLink opens the plan a link carries in the URL fragment, if it
// carries one. The fragment is cleared once read, so that a reload does
// not open the link again over later edits. A plan that differs from the
// work on show is opened only when the user says so, and that work is kept
// as the previous plan.
func (c *Shell) openLink(ctx app.Context) {
	s, ok, err := DecodeFragment(locationHash())
	if !ok {
		return
	}
	clearLocationHash()
	switch {
	case err != nil:
		c.notice = err.Error()
	case c.doc.Source == s.Plan && (s.Lock == "" || s.Lock == c.doc.LockText()):
		c.notice = "The link holds the plan you have here."
	case !c.hasWork():
		c.doc.Load(s.Plan, s.Lock)
		c.notice = sharedNotice
	default:
		c.q = &ask{id: "ask-link", title: "Open the shared plan?",
			text: "The link holds another plan than the one you have here. Opened, it takes its place, and yours is kept as the previous plan (" + restoreLabel + " brings it back" + c.replacesPrev() + ").",
			yes:  "Open the link", no: "Keep my plan",
			then: func() { c.replace(s.Plan, s.Lock, sharedNotice) }}
	}
}

// hasWork reports whether the plan on show is the user's work: neither
// the example nor an untouched new plan.
func (c *Shell) hasWork() bool {
	return c.doc.Source != ExampleYAML && c.doc.Source != NewPlanYAML
}

// replacesPrev says, for a question, that a previous plan kept already
// would be replaced.
func (c *Shell) replacesPrev() string {
	if c.hasPrev {
		return "; it replaces the previous plan kept now"
	}
	return ""
}

// restoreLabel names the action that brings the previous plan back.
const restoreLabel = "Restore my previous plan"

// replace shows the plan src with lock, once the plan on show is stored
// as the previous one, which restorePrevious brings back: a link or a new
// plan never loses the work it replaces. If that cannot be stored,
// nothing is replaced.
func (c *Shell) replace(src, lock, notice string) {
	c.stash(func() {
		c.doc.Load(src, lock)
		c.notice, c.shareURL = notice, ""
	})
}

// stash stores the plan on show as the previous plan, off the drawing
// goroutine, then calls then. It runs in the Shell's context: the button
// that asked may be gone by the time it is done.
func (c *Shell) stash(then func()) {
	rev, src, lock := c.doc.Rev, c.doc.Source, c.doc.LockText()
	ctx := c.ctx
	ctx.Async(func() {
		s := packState(rev, src, lock)
		ctx.Dispatch(func(ctx app.Context) {
			if err := store(prevKeys, s); err != nil {
				c.notice = "Could not keep the plan on show in this browser, so it stays: " + err.Error()
				return
			}
			c.hasPrev = true
			then()
		})
	})
}

// restorePrevious swaps the plan on show with the previous one.
func (c *Shell) restorePrevious(ctx app.Context, e app.Event) {
	src, lock, ok := restore(prevKeys)
	if !ok {
		c.hasPrev, c.notice = false, "No previous plan is kept in this browser."
		return
	}
	c.replace(src, lock, "Restored your previous plan. The one you had is now the previous plan.")
}

// newPlan starts an empty plan with a new lock, asking first when there
// is work on show.
func (c *Shell) newPlan(ctx app.Context, e app.Event) {
	const notice = "Started a new plan: set the prefix and domain, then add subnets."
	if !c.hasWork() {
		c.doc.Load(NewPlanYAML, "")
		c.notice = notice
		return
	}
	c.q = &ask{id: "ask-new", title: "Start a new plan?",
		text: "The plan on show and its lock are kept as the previous plan (" + restoreLabel + " brings them back" + c.replacesPrev() + "). To keep a copy outside this browser, download them from Export first.",
		yes:  "Start a new plan", no: "Cancel",
		then: func() { c.replace(NewPlanYAML, "", notice) }}
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
				err := store(savedKeys, s)
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
			c.shareURL = pageURL() + "#" + frag
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
			app.Button().ID("new-plan").Title("Start an empty plan with a new lock").Text("New plan").OnClick(c.newPlan),
			app.If(c.hasPrev, func() app.UI {
				return app.Button().ID("restore-previous").Title("Swap the plan on show with the one a shared link or a new plan replaced").
					Text(restoreLabel).OnClick(c.restorePrevious)
			}),
			app.Button().Class("share").ID("share").Title("Make a link that holds the plan and its lock, to bookmark or send").
				Text("Share link").OnClick(c.share),
		),
		// One element, always there, so that Main after it keeps its
		// node, and the view its state, when a message comes or goes.
		app.Div().Class("messages").Body(
			app.If(c.q != nil, func() app.UI { return c.q.render(c.answer, c.dismiss) }),
			c.docQuestion(),
			app.If(c.notice != "", func() app.UI {
				return app.P().Class("notice").ID("notice").Body(
					app.Text(c.notice),
					app.If(c.shareURL != "", func() app.UI {
						return app.Input().Class("share-url").Aria("label", "Share link").ReadOnly(true).Value(c.shareURL)
					}),
					app.Button().Class("close").Aria("label", "Close").Text("×").OnClick(func(app.Context, app.Event) { c.notice, c.shareURL = "", "" }),
				)
			}),
		),
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

// answer takes the page's question's first answer; dismiss the other.
func (c *Shell) answer(ctx app.Context, e app.Event) {
	if q := c.q; q != nil {
		c.q = nil
		q.then()
	}
}

func (c *Shell) dismiss(app.Context, app.Event) { c.q = nil }

// maxMovesShown bounds the moves a question lists.
const maxMovesShown = 50

// docQuestion asks about the edit the Doc holds back (Doc.Ask): a new
// prefix, or entries that would move.
func (c *Shell) docQuestion() app.UI {
	q := c.doc.Ask
	if q == nil {
		return nil
	}
	a := &ask{id: "ask-moves", yes: "Renumber", no: "Keep the old addresses"}
	if q.To.IsValid() {
		from, to := q.From.String(), q.To.String()
		a.id, a.title, a.yes, a.no = "ask-prefix", "Change the prefix to "+to+"?", "Plan "+to+" afresh", "Keep "+from
		a.text = "The lock has placed " + strconv.Itoa(q.Entries) + " entries in " + from + ". A new prefix is planned afresh; the lock of " +
			from + " is set aside in this page, and comes back if you type " + from + " again."
	} else {
		a.title = strconv.Itoa(len(q.Moves)) + " entries would move"
		a.text = "This edit puts entries that the lock placed somewhere else, so their addresses change. Renumber moves them and holds the space they leave until you release it; keeping the old addresses undoes the edit."
		var b strings.Builder
		for i, m := range q.Moves {
			if i == maxMovesShown {
				b.WriteString("and " + strconv.Itoa(len(q.Moves)-i) + " more")
				break
			}
			b.WriteString(m.String() + "\n")
		}
		a.lines = b.String()
	}
	if !c.doc.CanUndo() {
		a.no, a.text = "", a.text+" To keep the lock as it is, edit the plan back."
	}
	return a.render(func(app.Context, app.Event) { c.doc.Accept() }, func(app.Context, app.Event) { c.doc.Undo() })
}
