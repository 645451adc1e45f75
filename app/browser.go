package app

import (
	"compress/flate"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Keys of the state kept in localStorage.
const (
	storePlan = "ip6plan.plan" // pack(plan text)
	storeLock = "ip6plan.lock" // pack(lock text)
)

// save writes the plan and its lock to localStorage, deflated so that a plan
// of 65,536 subnets and its lock fit the browser's quota.
func save(ctx app.Context, d *Doc) error {
	if err := ctx.LocalStorage().Set(storePlan, pack(d.Source, flate.BestSpeed)); err != nil {
		return err
	}
	return ctx.LocalStorage().Set(storeLock, pack(d.LockText(), flate.BestSpeed))
}

// restore reads what save wrote. ok is false when nothing was saved.
func restore(ctx app.Context) (src, lock string, ok bool) {
	var p, l string
	if ctx.LocalStorage().Get(storePlan, &p) != nil || p == "" {
		return "", "", false
	}
	src, err := unpack(p)
	if err != nil {
		return "", "", false
	}
	if ctx.LocalStorage().Get(storeLock, &l) == nil && l != "" {
		lock, _ = unpack(l)
	}
	return src, lock, true
}

// locationHash returns the page URL's fragment, with its '#'.
func locationHash() string {
	if !app.IsClient {
		return ""
	}
	return app.Window().Get("location").Get("hash").String()
}

// setLocationHash replaces the page URL's fragment without a navigation or
// a request, and returns the whole URL.
func setLocationHash(frag string) string {
	if !app.IsClient {
		return "#" + frag
	}
	app.Window().Get("history").Call("replaceState", nil, "", "#"+frag)
	return app.Window().Get("location").Get("href").String()
}

// copyText puts text on the clipboard: through a selected text area and
// execCommand, which works in any page the user clicked in, else through
// the asynchronous Clipboard API.
func copyText(text string) {
	if !app.IsClient {
		return
	}
	doc := app.Window().Get("document")
	ta := doc.Call("createElement", "textarea")
	ta.Set("value", text)
	ta.Call("setAttribute", "readonly", "")
	ta.Get("style").Set("position", "fixed")
	ta.Get("style").Set("opacity", "0")
	doc.Get("body").Call("appendChild", ta)
	ta.Call("select")
	ok := doc.Call("execCommand", "copy").Bool()
	ta.Call("remove")
	if c := app.Window().Get("navigator").Get("clipboard"); !ok && c.Truthy() {
		c.Call("writeText", text)
	}
}

// download saves text as a file named name, from a blob: URL of the page's
// own origin.
func download(name, text string) {
	if !app.IsClient {
		return
	}
	w := app.Window()
	blob := w.Get("Blob").New([]any{text}, map[string]any{"type": "text/plain;charset=utf-8"})
	url := w.Get("URL").Call("createObjectURL", blob)
	a := w.Get("document").Call("createElement", "a")
	a.Set("href", url)
	a.Set("download", name)
	w.Get("document").Get("body").Call("appendChild", a)
	a.Call("click")
	a.Call("remove")
	var revoke app.Func
	revoke = app.FuncOf(func(app.Value, []app.Value) any {
		w.Get("URL").Call("revokeObjectURL", url)
		revoke.Release()
		return nil
	})
	w.Call("setTimeout", revoke, 60000)
}
