//go:build !wasm

package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	ipapp "github.com/ip6plan/ip6plan/app"
)

// lockOf reads the lock on show from the Export view, and comes back to
// the plan.
func lockOf(ctx context.Context, t *testing.T) string {
	t.Helper()
	tab(ctx, t, "export")
	click(ctx, t, `button.out-tab[data-out="lock"]`)
	s := text(ctx, t, `#out-lock`)
	tab(ctx, t, "plan")
	return s
}

// entry returns the line of lock that places path, without the kind.
func entry(t *testing.T, lock, kind, path string) string {
	t.Helper()
	for line := range strings.Lines(lock) {
		f := strings.Fields(line)
		if len(f) == 3 && f[0] == kind && f[2] == path {
			return f[1]
		}
	}
	t.Fatalf("the lock has no %s %s:\n%s", kind, path, lock)
	return ""
}

// value reads the value of the input sel.
func value(ctx context.Context, t *testing.T, sel string) string {
	t.Helper()
	var v string
	if err := chromedp.Run(ctx, chromedp.Value(sel, &v, chromedp.ByQuery)); err != nil {
		t.Fatalf("reading %s: %v", sel, err)
	}
	return v
}

// absent fails unless no element matches sel.
func absent(ctx context.Context, t *testing.T, sel, why string) {
	t.Helper()
	var n int
	if err := chromedp.Run(ctx, chromedp.Evaluate(fmt.Sprintf(`document.querySelectorAll(%q).length`, sel), &n)); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%s: %s is on the page", why, sel)
	}
}

// gone waits until no element matches sel.
func gone(ctx context.Context, t *testing.T, sel string) {
	t.Helper()
	if err := chromedp.Run(ctx, chromedp.WaitNotPresent(sel, chromedp.ByQuery)); err != nil {
		t.Fatalf("waiting for %s to go: %v", sel, err)
	}
}

func visible(ctx context.Context, t *testing.T, sel string) {
	t.Helper()
	if err := chromedp.Run(ctx, chromedp.WaitVisible(sel, chromedp.ByQuery)); err != nil {
		t.Fatalf("waiting for %s: %v", sel, err)
	}
}

// unnamedControls lists the controls on the page that have no accessible
// name, as Chromium computes it for screen readers.
func unnamedControls(ctx context.Context, t *testing.T) []string {
	t.Helper()
	// Only the fields needed: cdproto's own Node fails on reasons that
	// its version does not know.
	type value struct {
		Value any `json:"value"`
	}
	var tree struct {
		Nodes []struct {
			Ignored          bool   `json:"ignored"`
			Role             *value `json:"role"`
			Name             *value `json:"name"`
			BackendDOMNodeID int    `json:"backendDOMNodeId"`
		} `json:"nodes"`
	}
	if err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		return cdp.Execute(ctx, accessibility.CommandGetFullAXTree, nil, &tree)
	})); err != nil {
		t.Fatal(err)
	}
	controls := []string{"button", "textbox", "searchbox", "combobox", "checkbox", "link", "spinbutton", "radio"}
	var out []string
	seen := 0
	for _, n := range tree.Nodes {
		if n.Ignored || n.Role == nil || !slices.Contains(controls, fmt.Sprint(n.Role.Value)) {
			continue
		}
		seen++
		if n.Name == nil || strings.TrimSpace(fmt.Sprint(n.Name.Value)) == "" {
			out = append(out, fmt.Sprintf("%s (DOM node %d)", n.Role.Value, n.BackendDOMNodeID))
		}
	}
	if seen < 10 {
		t.Fatalf("found %d controls in the accessibility tree: it was not read right", seen)
	}
	return out
}

func checkNames(ctx context.Context, t *testing.T, where string) {
	t.Helper()
	for _, c := range unnamedControls(ctx, t) {
		t.Errorf("%s: a control has no accessible name: %s", where, c)
	}
}

const twoSubnets = `prefix: 2001:db8:aa::/48
domain: example.net
nameservers: [ns1.example.org.]
contact: hostmaster.example.net.
subnets:
  - {name: a, size: 64, purpose: lan}
  - {name: b, size: 64, purpose: lan}
`

// TestBrowserKeepsLock drives the promise that nothing moves unless the
// user says so, as a user meets it in the browser: a new prefix, a new
// plan, renames, a resize that moves entries, and shared links.
func TestBrowserKeepsLock(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the wasm and starts Chromium")
	}
	s := buildSite(t)
	ctx, cancel := newBrowser(t)
	defer cancel()
	srv := httptest.NewServer(FileServer(s.dir))
	defer srv.Close()
	origin := srv.URL
	if err := chromedp.Run(ctx, chromedp.Navigate(origin+"/"), waitReady()); err != nil {
		t.Fatal(err)
	}
	dir := shots(t)

	// 1. A prefix change asks before it sets the lock aside; typed back,
	// the old prefix has its lock again, so nothing takes the space of a
	// removed subnet and nothing moves.
	click(ctx, t, `button.mode[data-mode="text"]`)
	change(ctx, t, `#plan-text`, twoSubnets)
	clickAndWait(ctx, t, `#ask-prefix-yes`) // the example's lock
	click(ctx, t, `button.mode[data-mode="form"]`)
	lock0 := lockOf(ctx, t)
	a, b := entry(t, lock0, "subnet", "a"), entry(t, lock0, "subnet", "b")
	clickAndWait(ctx, t, `[data-subnet="a"] button.remove`)
	if got := text(ctx, t, `#held`); !strings.Contains(got, "subnet a "+a) {
		t.Fatalf("the removed subnet is not held: %q", got)
	}
	lock1 := lockOf(ctx, t)
	change(ctx, t, `[data-field="prefix"] input`, "2001:db8:ee::/48")
	visible(ctx, t, `#ask-prefix`)
	if got := text(ctx, t, `#ask-prefix`); !strings.Contains(got, "2001:db8:aa::/48") || !strings.Contains(got, "2 entries") {
		t.Errorf("the prefix question reads %q", got)
	}
	visible(ctx, t, `.stale:not(.hidden)`)
	screenshot(ctx, t, dir, "20-ask-prefix")
	checkNames(ctx, t, "asking about a prefix")
	clickAndWait(ctx, t, `#ask-prefix-no`)
	if got := value(ctx, t, `[data-field="prefix"] input`); got != "2001:db8:aa::/48" {
		t.Errorf("kept the prefix, the field reads %s", got)
	}
	absent(ctx, t, `#ask-prefix`, "kept the prefix")
	if got := lockOf(ctx, t); got != lock1 {
		t.Errorf("kept the prefix, the lock changed:\n%s\nwant\n%s", got, lock1)
	}
	change(ctx, t, `[data-field="prefix"] input`, "2001:db8:ee::/48")
	clickAndWait(ctx, t, `#ask-prefix-yes`)
	absent(ctx, t, `#held`, "a new prefix, planned afresh")
	change(ctx, t, `[data-field="prefix"] input`, "2001:db8:aa::/48")
	absent(ctx, t, `#ask-prefix`, "the old prefix typed back")
	lock2 := lockOf(ctx, t)
	if got := entry(t, lock2, "subnet", "b"); got != b {
		t.Errorf("the old prefix typed back: b moved from %s to %s", b, got)
	}
	if got := entry(t, lock2, "subnet", "a"); got != a {
		t.Errorf("the old prefix typed back: the removed a is held at %s, want %s", got, a)
	}

	// 2. "New plan" asks, keeps the plan it replaces, and brings it back.
	click(ctx, t, `#new-plan`)
	visible(ctx, t, `#ask-new`)
	click(ctx, t, `#ask-new-no`)
	gone(ctx, t, `#ask-new`)
	click(ctx, t, `#new-plan`)
	clickAndWait(ctx, t, `#ask-new-yes`)
	if got := value(ctx, t, `[data-field="prefix"] input`); got != "2001:db8::/48" {
		t.Errorf("a new plan has prefix %s", got)
	}
	absent(ctx, t, `#held`, "a new plan")
	clickAndWait(ctx, t, `#restore-previous`)
	if got := lockOf(ctx, t); got != lock2 {
		t.Errorf("the restored plan has the lock\n%s\nwant\n%s", got, lock2)
	}

	// 3. A rename in the form keeps addresses, of the renamed entry and
	// all it holds; typed in the text, it is a removal and an addition,
	// and the summary says so.
	clickAndWait(ctx, t, `button[data-add-host="b"]`)
	host := entry(t, lockOf(ctx, t), "host", "b/host1")
	change(ctx, t, `[data-field="h0.name"] input`, "mx")
	change(ctx, t, `[data-field="s0.name"] input`, "c")
	lock3 := lockOf(ctx, t)
	if got := entry(t, lock3, "subnet", "c"); got != b {
		t.Errorf("b renamed c in the form moved from %s to %s", b, got)
	}
	if got := entry(t, lock3, "host", "c/mx"); got != host {
		t.Errorf("b/host1 renamed c/mx in the form moved from %s to %s", host, got)
	}
	click(ctx, t, `button.mode[data-mode="text"]`)
	src := value(ctx, t, `#plan-text`)
	change(ctx, t, `#plan-text`, strings.Replace(src, "{name: mx}", "{name: mx2}", 1))
	if got := text(ctx, t, `#held`); !strings.Contains(got, "host c/mx "+host) || !strings.Contains(got, "rename it in the form") {
		t.Errorf("a rename in the text: the summary reads %q", got)
	}
	change(ctx, t, `#plan-text`, src)
	click(ctx, t, `button.mode[data-mode="form"]`)

	// 4. An edit that moves entries shows what moves and asks; kept, the
	// edit is undone; renumbered, the old space is held.
	click(ctx, t, `button.mode[data-mode="text"]`)
	change(ctx, t, `#plan-text`, ipapp.ExampleYAML)
	clickAndWait(ctx, t, `#ask-prefix-yes`)
	click(ctx, t, `button.mode[data-mode="form"]`)
	lock4 := lockOf(ctx, t)
	www := entry(t, lock4, "host", "site-a/servers/www")
	change(ctx, t, `[data-field="s2.size"] input`, "52")
	visible(ctx, t, `#ask-moves`)
	if got := text(ctx, t, `#ask-moves`); !strings.Contains(got, "site-a/servers/www") || !strings.Contains(got, www) {
		t.Errorf("the moves question does not show www moving from %s: %q", www, got)
	}
	screenshot(ctx, t, dir, "21-ask-moves")
	checkNames(ctx, t, "asking about moves")
	clickAndWait(ctx, t, `#ask-moves-no`)
	if got := value(ctx, t, `[data-field="s2.size"] input`); got != "56" {
		t.Errorf("kept the old addresses, the size reads %s", got)
	}
	if got := lockOf(ctx, t); got != lock4 {
		t.Errorf("kept the old addresses, the lock changed:\n%s", got)
	}
	change(ctx, t, `[data-field="s2.size"] input`, "52")
	clickAndWait(ctx, t, `#ask-moves-yes`)
	if got := entry(t, lockOf(ctx, t), "host", "site-a/servers/www"); got == www {
		t.Errorf("renumbered, www is still at %s", got)
	}
	if got := text(ctx, t, `#held`); !strings.Contains(got, "vacated site-a 2001:db8:d6:100::/56") {
		t.Errorf("renumbered, the space site-a left is not held: %q", got)
	}
	work := lockOf(ctx, t)

	// 5. A shared link never replaces the plan here without asking; the
	// fragment is cleared once read, and a link opened in this tab is
	// asked about the same way.
	frag, err := ipapp.EncodeFragment(ipapp.Shared{Plan: twoSubnets})
	if err != nil {
		t.Fatal(err)
	}
	saved := chromedp.Poll(`document.getElementById("ip6plan").dataset.saved === document.getElementById("ip6plan").dataset.rev`, nil)
	if err := chromedp.Run(ctx, saved, chromedp.Navigate(origin+"/?link#"+frag), waitReady()); err != nil {
		t.Fatal(err)
	}
	visible(ctx, t, `#ask-link`)
	checkNames(ctx, t, "asking about a link")
	var hash string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`location.hash`, &hash)); err != nil || hash != "" {
		t.Errorf("the fragment stays in the address bar: %q (%v)", hash, err)
	}
	if got := value(ctx, t, `[data-field="prefix"] input`); got != "2001:db8:d6::/48" {
		t.Errorf("asked about a link, the page shows prefix %s", got)
	}
	click(ctx, t, `#ask-link-no`)
	gone(ctx, t, `#ask-link`)
	if err := chromedp.Run(ctx, chromedp.Reload(), waitReady()); err != nil {
		t.Fatal(err)
	}
	absent(ctx, t, `#ask-link`, "a reload after the link was read")
	if got := lockOf(ctx, t); got != work {
		t.Errorf("kept my plan, the lock is\n%s", got)
	}
	if err := chromedp.Run(ctx, chromedp.Navigate(origin+"/?link#"+frag), waitReady()); err != nil {
		t.Fatal(err)
	}
	clickAndWait(ctx, t, `#ask-link-yes`)
	if err := chromedp.Run(ctx, saved, chromedp.Reload(), waitReady()); err != nil {
		t.Fatal(err)
	}
	absent(ctx, t, `#ask-link`, "a reload after the link was opened")
	if got := value(ctx, t, `[data-field="prefix"] input`); got != "2001:db8:aa::/48" {
		t.Errorf("the opened link shows prefix %s", got)
	}
	clickAndWait(ctx, t, `#restore-previous`)
	if got := lockOf(ctx, t); got != work {
		t.Errorf("the restored plan has the lock\n%s\nwant\n%s", got, work)
	}
	// The same link, opened in this tab.
	if err := chromedp.Run(ctx, chromedp.Evaluate(fmt.Sprintf(`location.hash = %q`, "#"+frag), nil)); err != nil {
		t.Fatal(err)
	}
	visible(ctx, t, `#ask-link`)
	clickAndWait(ctx, t, `#ask-link-yes`)
	if got := value(ctx, t, `[data-field="prefix"] input`); got != "2001:db8:aa::/48" {
		t.Errorf("the link opened in this tab shows prefix %s", got)
	}
	if err := chromedp.Run(ctx, chromedp.Evaluate(`location.hash`, &hash)); err != nil || hash != "" {
		t.Errorf("the fragment stays in the address bar: %q (%v)", hash, err)
	}
	checkNames(ctx, t, "the plan form")
	click(ctx, t, `button.mode[data-mode="text"]`)
	checkNames(ctx, t, "the plan text")
	for _, v := range ipapp.Tabs[1:] {
		tab(ctx, t, v.ID)
		checkNames(ctx, t, "the "+v.Title+" view")
	}
}
