package app

import (
	"fmt"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Keys of the state kept in localStorage: the plan and lock on show
// (pack of each text), and the previous ones, which a shared link or a
// new plan replaced and "Restore my previous plan" brings back.
var (
	savedKeys = [2]string{"ip6plan.plan", "ip6plan.lock"}
	prevKeys  = [2]string{"ip6plan.previous.plan", "ip6plan.previous.lock"}
)

// A saved is the plan and lock text of one revision, packed for
// localStorage: deflated so that a plan of 65,536 subnets and its lock fit
// the browser's quota.
type saved struct {
	rev        uint64
	plan, lock string
	err        error
}

// packState packs src and lock. In the browser it waits for the browser's
// compressor, so it runs in ctx.Async, off the goroutine that draws.
func packState(rev uint64, src, lock string) saved {
	s := saved{rev: rev}
	if s.plan, s.err = pack(src); s.err == nil {
		s.lock, s.err = pack(lock)
	}
	return s
}

// store writes what packState made to localStorage under keys.
func store(keys [2]string, s saved) error {
	if s.err != nil {
		return s.err
	}
	if err := setItem(keys[0], s.plan); err != nil {
		return err
	}
	return setItem(keys[1], s.lock)
}

// restore reads what store wrote under keys. ok is false when nothing was
// saved there.
func restore(keys [2]string) (src, lock string, ok bool) {
	p := getItem(keys[0])
	if p == "" {
		return "", "", false
	}
	src, err := unpack(p)
	if err != nil {
		return "", "", false
	}
	if l := getItem(keys[1]); l != "" {
		lock, _ = unpack(l)
	}
	return src, lock, true
}

// setItem stores v in localStorage under key as it is. (go-app's
// LocalStorage would JSON-encode it, some 50 ms for a big plan's text.)
// A full quota is an error, not a panic.
func setItem(key, v string) (err error) {
	if !app.IsClient {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	app.Window().Get("localStorage").Call("setItem", key, v)
	return nil
}

// getItem returns what localStorage holds under key, or "". Earlier
// versions stored the packed text as a JSON string; its quotes are dropped
// (base64url needs no escapes).
func getItem(key string) string {
	if !app.IsClient {
		return ""
	}
	v := app.Window().Get("localStorage").Call("getItem", key)
	if v.IsNull() || v.IsUndefined() {
		return ""
	}
	s := v.String()
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	return s
}

// locationHash returns the page URL's fragment, with its '#'.
func locationHash() string {
	if !app.IsClient {
		return ""
	}
	return app.Window().Get("location").Get("hash").String()
}

// pageURL returns the page's URL without its fragment.
func pageURL() string {
	if !app.IsClient {
		return ""
	}
	href := app.Window().Get("location").Get("href").String()
	href, _, _ = strings.Cut(href, "#")
	return href
}

// clearLocationHash drops the page URL's fragment without a navigation
// or a request, so that a reload does not open a shared link again.
func clearLocationHash() {
	if app.IsClient {
		app.Window().Get("history").Call("replaceState", nil, "", pageURL())
	}
}

// onHashChange calls f when the page URL's fragment changes, as when a
// link is opened in a tab that shows the app already.
func onHashChange(f func()) {
	if app.IsClient {
		app.Window().Call("addEventListener", "hashchange", app.FuncOf(func(app.Value, []app.Value) any {
			f()
			return nil
		}))
	}
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
