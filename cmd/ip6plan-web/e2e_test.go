//go:build !wasm

package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	ipapp "github.com/ip6plan/ip6plan/app"
	"github.com/ip6plan/ip6plan/plan/tooltest"
	"github.com/ip6plan/ip6plan/records"
)

// site is the static site built once for the browser tests: the wasm built
// as make web builds it (BuildWasm), then Generate.
type site struct {
	dir, wasm string
}

var (
	siteOnce  sync.Once
	builtSite site
	siteErr   error
)

func buildSite(t testing.TB) site {
	t.Helper()
	siteOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ip6plan-web-site-")
		if err != nil {
			siteErr = err
			return
		}
		wasm := filepath.Join(dir, "app.wasm")
		var log strings.Builder
		if err := BuildWasm(wasm, &log); err != nil {
			siteErr = fmt.Errorf("%v\n%s", err, log.String())
			return
		}
		out := filepath.Join(dir, "site")
		if _, err := Generate(out, "../../web", wasm); err != nil {
			siteErr = err
			return
		}
		builtSite = site{dir: out, wasm: wasm}
	})
	if siteErr != nil {
		t.Fatal(siteErr)
	}
	return builtSite
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtSite.dir != "" {
		os.RemoveAll(filepath.Dir(builtSite.dir))
	}
	os.Exit(code)
}

// newBrowser starts headless Chromium with a fresh profile and no way to
// the network but the test server.
func newBrowser(t testing.TB) (context.Context, context.CancelFunc) {
	t.Helper()
	ctx, cancel, _ := newWatchedBrowser(t)
	return ctx, cancel
}

// offOrigin is a proxy that Chromium sends every request to but those for
// loopback addresses (which Chromium never proxies), so that it sees what
// the page, its workers, its service worker or the browser itself try to
// fetch from anywhere else. It answers each with 502 Bad Gateway.
type offOrigin struct {
	mu   sync.Mutex
	seen []string
}

func (o *offOrigin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	o.seen = append(o.seen, r.Method+" "+r.Host+r.URL.RequestURI())
	o.mu.Unlock()
	http.Error(w, "ip6plan tests: no request may leave the page's origin", http.StatusBadGateway)
}

// Seen returns the requests the proxy was sent, but for those Chromium
// makes for itself with any page, about:blank too, whatever flags it is
// given: its component updater and its account and time checks. The
// page's own requests are checked separately, through DevTools.
func (o *offOrigin) Seen() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []string
	for _, r := range o.seen {
		_, rest, _ := strings.Cut(r, " ")
		host, _, _ := strings.Cut(rest, "/")
		host, _, _ = strings.Cut(host, ":")
		if !slices.Contains(chromiumOwn, host) {
			out = append(out, r)
		}
	}
	return out
}

// chromiumOwn are the hosts Chromium itself calls during the tests.
// Debian's Chromium 148 calls www.google.com and android.clients.google.com
// too, from about:blank, whatever the page.
var chromiumOwn = []string{"update.googleapis.com", "accounts.google.com", "clients2.google.com", "www.google.com", "android.clients.google.com"}

// newWatchedBrowser starts Chromium as newBrowser does, with every request
// that is not for a loopback address sent to the returned offOrigin proxy.
func newWatchedBrowser(t testing.TB) (context.Context, context.CancelFunc, *offOrigin) {
	t.Helper()
	off := &offOrigin{}
	proxy := httptest.NewServer(off)
	path := tooltest.Look(t, "chromium", "chromium")
	profile, err := os.MkdirTemp("", "ip6plan-web-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("disable-field-trial-config", true),
		chromedp.Flag("disable-component-extensions-with-background-pages", true),
		chromedp.Flag("no-service-autorun", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("safebrowsing-disable-auto-update", true),
		chromedp.Flag("disable-features", "AutofillServerCommunication,NetworkTimeServiceQuerying,OptimizationHints,OptimizationHintsFetching,OptimizationGuideModelDownloading,Translate,MediaRouter,DialMediaRouteProvider,CertificateTransparencyComponentUpdater,SafeBrowsing,InterestFeedContentSuggestions,PrivacySandboxSettings4"),
		chromedp.ProxyServer(proxy.URL),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	ctx, cancelC := context.WithTimeout(ctx, 100*time.Second)
	return ctx, func() {
		cancelC()
		cancelB()
		cancelA()
		proxy.Close()
		removeProfile(t, profile)
	}, off
}

// removeProfile removes Chromium's profile directory. Its helper processes
// may still be writing there for a moment after the browser exits, so a
// failed removal is tried again, for at most two seconds.
func removeProfile(t testing.TB, dir string) {
	var err error
	for range 20 {
		if err = os.RemoveAll(dir); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("leaving %s: %v", dir, err)
}

// waitReady waits for the mark the wasm sets once it runs; the
// pre-rendered page does not have it.
func waitReady() chromedp.Action {
	return chromedp.WaitVisible(`#ip6plan[data-ready="true"]`, chromedp.ByQuery)
}

// rev reads the plan's revision from the page.
func rev(ctx context.Context, t *testing.T) int {
	t.Helper()
	var r int
	if err := chromedp.Run(ctx, chromedp.Evaluate(`+document.getElementById("ip6plan").dataset.rev`, &r)); err != nil {
		t.Fatal(err)
	}
	return r
}

// change sets the value of the input or text area sel as a user would and
// fires its change event, then waits for the plan's next revision.
func change(ctx context.Context, t *testing.T, sel, value string) {
	t.Helper()
	before := rev(ctx, t)
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.value = %q; e.dispatchEvent(new Event("change", {bubbles: true})); return true })()`, sel, value)
	var ok bool
	if err := chromedp.Run(ctx, chromedp.WaitReady(sel, chromedp.ByQuery), chromedp.Evaluate(js, &ok)); err != nil {
		t.Fatalf("setting %s: %v", sel, err)
	}
	waitRevAfter(ctx, t, before)
}

func waitRevAfter(ctx context.Context, t *testing.T, before int) {
	t.Helper()
	var ok bool
	if err := chromedp.Run(ctx, chromedp.Poll(fmt.Sprintf(`+document.getElementById("ip6plan").dataset.rev > %d`, before), &ok)); err != nil {
		t.Fatalf("waiting for the plan to change: %v", err)
	}
}

// typeInText types into the plan text as a user does, key by key: the
// plan follows after the pause in typing, and the text and the caret stay
// where the user left them.
func typeInText(ctx context.Context, t *testing.T) {
	t.Helper()
	var at int
	if err := chromedp.Run(ctx, chromedp.Evaluate(`(() => { const ta = document.getElementById("plan-text"); const i = ta.value.indexOf("example.net") + 11; ta.focus(); ta.setSelectionRange(i, i); return i })()`, &at)); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct{ keys, domain string }{{"x", "example.netx"}, {kb.Backspace, "example.net"}} {
		before := rev(ctx, t)
		if err := chromedp.Run(ctx, chromedp.KeyEvent(step.keys)); err != nil {
			t.Fatal(err)
		}
		waitRevAfter(ctx, t, before)
		var got struct {
			Value string
			Caret int
		}
		if err := chromedp.Run(ctx, chromedp.Evaluate(`(() => { const ta = document.getElementById("plan-text"); return {Value: ta.value, Caret: ta.selectionStart} })()`, &got)); err != nil {
			t.Fatal(err)
		}
		want := strings.Replace(minimalPlan, "example.net\n", step.domain+"\n", 1)
		if caret := at + len(step.domain) - len("example.net"); got.Value != want || got.Caret != caret {
			t.Fatalf("after typing %q the text area holds\n%s\nwith the caret at %d; want\n%s\nwith the caret at %d", step.keys, got.Value, got.Caret, want, caret)
		}
		if summary := text(ctx, t, `.summary`); !strings.Contains(summary, "Domain"+step.domain) {
			t.Fatalf("after typing %q the summary reads %q, want domain %s", step.keys, summary, step.domain)
		}
	}
}

func click(ctx context.Context, t *testing.T, sel string) {
	t.Helper()
	if err := chromedp.Run(ctx, chromedp.WaitVisible(sel, chromedp.ByQuery), chromedp.Click(sel, chromedp.ByQuery)); err != nil {
		t.Fatalf("clicking %s: %v", sel, err)
	}
}

func clickAndWait(ctx context.Context, t *testing.T, sel string) {
	t.Helper()
	before := rev(ctx, t)
	click(ctx, t, sel)
	waitRevAfter(ctx, t, before)
}

func text(ctx context.Context, t *testing.T, sel string) string {
	t.Helper()
	var s string
	if err := chromedp.Run(ctx, chromedp.WaitReady(sel, chromedp.ByQuery), chromedp.TextContent(sel, &s, chromedp.ByQuery)); err != nil {
		t.Fatalf("reading %s: %v", sel, err)
	}
	return s
}

func tab(ctx context.Context, t *testing.T, id string) {
	t.Helper()
	if err := chromedp.Run(ctx,
		chromedp.Click(fmt.Sprintf(`button.tab[data-tab=%q]`, id), chromedp.ByQuery),
		chromedp.WaitVisible(fmt.Sprintf(`#ip6plan[data-tab=%q]`, id), chromedp.ByQuery),
	); err != nil {
		t.Fatalf("opening tab %s: %v", id, err)
	}
}

// shots is where screenshots go: $IP6PLAN_SCREENSHOTS, or a new temporary
// directory that is kept so the pictures can be looked at (under CI, one
// that is removed).
func shots(t *testing.T) string {
	if d := os.Getenv("IP6PLAN_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	if os.Getenv("CI") != "" {
		return t.TempDir() // nobody looks at them there
	}
	d, err := os.MkdirTemp("", "ip6plan-web-shots-")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func screenshot(ctx context.Context, t *testing.T, dir, name string) {
	t.Helper()
	var png []byte
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100)); err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

const minimalPlan = `prefix: 2001:db8:aa::/48
domain: example.net
nameservers: [ns1.example.org.]
contact: hostmaster.example.net.
subnets:
  - name: mail
    size: 64
    purpose: mail
`

// TestBrowser drives the app in headless Chromium from a fresh profile:
// the example on first load, a plan entered in the form, records to read,
// copy and download, errors, persistence, offline reloads, and no request
// that leaves the page's origin.
// clipboard returns the text on the clipboard.
func clipboard(ctx context.Context, t *testing.T) string {
	t.Helper()
	var clip string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`navigator.clipboard.readText()`, &clip, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
		return p.WithAwaitPromise(true)
	})); err != nil {
		t.Fatalf("reading the clipboard: %v", err)
	}
	return clip
}

func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the wasm and starts Chromium")
	}
	s := buildSite(t) // first: the browser's time limit starts with it
	ctx, cancel, off := newWatchedBrowser(t)
	defer cancel()
	srv := httptest.NewServer(FileServer(s.dir))
	defer srv.Close()
	origin := srv.URL

	var mu sync.Mutex
	var urls []string
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			urls = append(urls, e.Request.URL)
			mu.Unlock()
		}
	})
	downloads := t.TempDir()
	done := make(chan string, 4)
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*browser.EventDownloadProgress); ok && e.State == browser.DownloadProgressStateCompleted {
			done <- e.GUID
		}
	})
	dir := shots(t)
	t.Logf("screenshots in %s", dir)

	start := time.Now()
	if err := chromedp.Run(ctx,
		network.Enable(),
		browser.GrantPermissions([]browser.PermissionType{browser.PermissionTypeClipboardReadWrite, browser.PermissionTypeClipboardSanitizedWrite}).WithOrigin(origin),
		browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllowAndName).WithDownloadPath(downloads).WithEventsEnabled(true),
		chromedp.Navigate(origin+"/"),
		waitReady(),
	); err != nil {
		t.Fatal(err)
	}
	t.Logf("first load to interactive: %v", time.Since(start))

	// A first visit shows the shipped example.
	var prefix string
	if err := chromedp.Run(ctx, chromedp.Value(`[data-field="prefix"] input`, &prefix, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if prefix != "2001:db8:d6::/48" {
		t.Fatalf("first visit: prefix field %q, want the example's 2001:db8:d6::/48", prefix)
	}
	screenshot(ctx, t, dir, "1-plan-form")
	tab(ctx, t, "table")
	screenshot(ctx, t, dir, "2-table")
	tab(ctx, t, "map")
	screenshot(ctx, t, dir, "3-map")
	click(ctx, t, `#prefix-map .cell[data-prefix="2001:db8:d6:100::/56"]`)
	if err := chromedp.Run(ctx, chromedp.WaitVisible(`#prefix-map[data-focus="2001:db8:d6:100::/56"]`, chromedp.ByQuery)); err != nil {
		t.Fatalf("drilling into a /56: %v", err)
	}
	screenshot(ctx, t, dir, "4-map-56")
	tab(ctx, t, "hosts")
	if got := text(ctx, t, `#hosts`); !strings.Contains(got, "mta1.example.com.") || !strings.Contains(got, "2001:db8:d6:25::25") {
		t.Fatalf("hosts view lacks the example's mta1: %q", got)
	}
	screenshot(ctx, t, dir, "5-hosts")
	tab(ctx, t, "calc")
	screenshot(ctx, t, dir, "6-calc")

	// Enter a plan: the text, then a prefix and a host in the form.
	tab(ctx, t, "plan")
	click(ctx, t, `button.mode[data-mode="text"]`)
	change(ctx, t, `#plan-text`, minimalPlan)
	// Another prefix sets the example's lock aside, which is asked first.
	clickAndWait(ctx, t, `#ask-prefix-yes`)
	typeInText(ctx, t)
	click(ctx, t, `button.mode[data-mode="form"]`)
	change(ctx, t, `[data-field="prefix"] input`, "2001:db8:bb::/48")
	clickAndWait(ctx, t, `#ask-prefix-yes`)
	clickAndWait(ctx, t, `button[data-add-host="mail"]`)
	tab(ctx, t, "hosts")
	host1 := text(ctx, t, `#hosts tr[data-host="mail/host1"] td.addr`)
	tab(ctx, t, "plan")
	change(ctx, t, `[data-field="h0.name"] input`, "mx1")
	change(ctx, t, `[data-field="h0.roles"] input`, "outbound, mx")

	tab(ctx, t, "hosts")
	// A rename in the form keeps the address.
	addr := netip.MustParseAddr(text(ctx, t, `#hosts tr[data-host="mail/mx1"] td.addr`))
	if addr.String() != host1 {
		t.Errorf("renamed in the form, host1 moved from %s to %s", host1, addr)
	}
	if !netip.MustParsePrefix("2001:db8:bb::/64").Contains(addr) {
		t.Fatalf("mx1 at %s, outside its subnet 2001:db8:bb::/64", addr)
	}
	ptr, _ := records.PTRName(addr)
	row := text(ctx, t, `#hosts tr[data-host="mail/mx1"]`)
	for _, want := range []string{"mx1.example.net.", ptr, "! static address", "✓ PTR and FCrDNS", "✓ HELO = PTR", "✓ SPF"} {
		if !strings.Contains(row, want) {
			t.Errorf("host row %q lacks %q", row, want)
		}
	}

	// The filter narrows the hosts as it is typed.
	if err := chromedp.Run(ctx,
		chromedp.SendKeys(`#host-filter`, "no-such-host", chromedp.ByQuery),
		chromedp.Poll(`document.querySelectorAll("#hosts tbody tr").length === 0`, nil),
	); err != nil {
		t.Fatalf("filtering the hosts: %v", err)
	}
	if got := text(ctx, t, `#host-range`); got != "no host matches" {
		t.Errorf("host filter says %q", got)
	}

	// A host removed is held by the lock; the summary lists it, and
	// releases it.
	tab(ctx, t, "plan")
	clickAndWait(ctx, t, `button[data-add-host="mail"]`)
	clickAndWait(ctx, t, `[data-host="mail/host2"] button.remove`)
	if got := text(ctx, t, `#held`); !strings.Contains(got, "host mail/host2") || !strings.Contains(got, "renamed") {
		t.Errorf("the summary's held list: %q", got)
	}
	screenshot(ctx, t, dir, "10-held")
	clickAndWait(ctx, t, `#held li[data-path="mail/host2"] button.release`)
	if err := chromedp.Run(ctx, chromedp.WaitNotPresent(`#held`, chromedp.ByQuery)); err != nil {
		t.Fatalf("after the release the held list stays: %v", err)
	}
	tab(ctx, t, "export")
	click(ctx, t, `button.out-tab[data-out="forward"]`)
	fwd := text(ctx, t, `#out-forward`)
	if !strings.Contains(fwd, "mx1.example.net.") || !strings.Contains(fwd, "AAAA\t"+addr.String()) {
		t.Errorf("forward zone lacks mx1's AAAA:\n%s", fwd)
	}
	click(ctx, t, `button.out-tab[data-out="reverse"]`)
	rev6 := text(ctx, t, `#out-reverse`)
	if !strings.Contains(rev6, "PTR\tmx1.example.net.") {
		t.Errorf("reverse zone lacks mx1's PTR:\n%s", rev6)
	}
	click(ctx, t, `button.out-tab[data-out="spf"]`)
	spfText := text(ctx, t, `#out-spf`)
	if !strings.Contains(spfText, `"v=spf1 ip6:2001:db8:bb::/64 -all"`) {
		t.Errorf("SPF lacks the stream's /64:\n%s", spfText)
	}
	screenshot(ctx, t, dir, "7-export-spf")

	// Copy puts exactly the text on the clipboard.
	click(ctx, t, `#copy`)
	if clip := clipboard(ctx, t); clip != spfText {
		t.Errorf("clipboard:\n%q\nwant:\n%q", clip, spfText)
	}

	// Download saves exactly the text.
	click(ctx, t, `button.out-tab[data-out="forward"]`)
	click(ctx, t, `#download`)
	select {
	case guid := <-done:
		got, err := os.ReadFile(filepath.Join(downloads, guid))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != fwd {
			t.Errorf("download:\n%s\nwant:\n%s", got, fwd)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the download did not finish")
	}

	// A bad prefix shows its error next to the field, and in the text
	// next to its line.
	tab(ctx, t, "plan")
	change(ctx, t, `[data-field="prefix"] input`, "2001:db8:bb:5::/48")
	if got := text(ctx, t, `[data-field="prefix"] .err`); !strings.Contains(got, "host bits set") || !strings.Contains(got, "2001:db8:bb::/48") {
		t.Errorf("prefix error %q", got)
	}
	screenshot(ctx, t, dir, "8-plan-form-error")
	click(ctx, t, `button.mode[data-mode="text"]`)
	if got := text(ctx, t, `.mark[data-line="1"]`); !strings.Contains(got, "host bits set") {
		t.Errorf("text view error mark %q", got)
	}
	screenshot(ctx, t, dir, "9-plan-text-error")
	click(ctx, t, `button.mode[data-mode="form"]`)
	change(ctx, t, `[data-field="prefix"] input`, "2001:db8:bb::/48")

	// A reload keeps the plan (localStorage), once it is saved.
	var ok bool
	if err := chromedp.Run(ctx,
		chromedp.Poll(`document.getElementById("ip6plan").dataset.saved === document.getElementById("ip6plan").dataset.rev`, &ok),
		chromedp.Reload(),
		waitReady(),
	); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Run(ctx, chromedp.Value(`[data-field="prefix"] input`, &prefix, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if prefix != "2001:db8:bb::/48" {
		t.Fatalf("after a reload the prefix is %q, want 2001:db8:bb::/48", prefix)
	}

	// State saved by earlier versions, as go-app's LocalStorage wrote it
	// (a JSON string), still loads.
	if err := chromedp.Run(ctx,
		chromedp.Evaluate(`for (const k of ["ip6plan.plan", "ip6plan.lock"]) localStorage.setItem(k, JSON.stringify(localStorage.getItem(k)))`, nil),
		chromedp.Reload(),
		waitReady(),
		chromedp.Value(`[data-field="prefix"] input`, &prefix, chromedp.ByQuery),
	); err != nil {
		t.Fatal(err)
	}
	if prefix != "2001:db8:bb::/48" {
		t.Fatalf("state saved as JSON strings loaded prefix %q, want 2001:db8:bb::/48", prefix)
	}

	// Share link: the plan and its lock travel in the fragment, which the
	// browser never sends; a fresh browser state opens them from the link
	// alone. A removed host is held, which only the lock knows.
	change(ctx, t, `[data-field="h0.name"] input`, "mx2")
	clickAndWait(ctx, t, `button[data-add-host="mail"]`)
	clickAndWait(ctx, t, `[data-host="mail/host2"] button.remove`)
	if got := text(ctx, t, `#held`); !strings.Contains(got, "host mail/host2") {
		t.Fatalf("after the removal the summary's held list is %q", got)
	}
	click(ctx, t, `#share`)
	var href string
	if err := chromedp.Run(ctx,
		chromedp.WaitVisible(`#notice .share-url`, chromedp.ByQuery),
		chromedp.Value(`#notice .share-url`, &href, chromedp.ByQuery),
	); err != nil {
		t.Fatal(err)
	}
	i := strings.Index(href, "#plan=")
	if i < 0 {
		t.Fatalf("share link %q has no #plan= fragment", href)
	}
	var hash string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`location.hash`, &hash)); err != nil || hash != "" {
		t.Errorf("sharing put %q in the address bar (%v): a reload would open the link again", hash, err)
	}
	if clip := clipboard(ctx, t); clip != href {
		t.Errorf("share copied %q, want the link %q", clip[:min(len(clip), 80)], href[:min(len(href), 80)])
	}
	if err := chromedp.Run(ctx,
		chromedp.Evaluate(`localStorage.clear()`, nil),
		chromedp.Navigate(origin+"/?shared"+href[i:]),
		waitReady(),
		chromedp.Value(`[data-field="prefix"] input`, &prefix, chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("ip6plan").dataset.saved === document.getElementById("ip6plan").dataset.rev`, &ok),
		chromedp.Navigate(origin+"/"),
		waitReady(),
	); err != nil {
		t.Fatal(err)
	}
	if prefix != "2001:db8:bb::/48" {
		t.Fatalf("the shared link opened prefix %q, want 2001:db8:bb::/48", prefix)
	}
	if !strings.Contains(href, "&lock=") {
		t.Errorf("the share link carries no lock")
	}
	if got := text(ctx, t, `#held`); !strings.Contains(got, "host mail/host2") {
		t.Errorf("the shared link lost the lock: held list %q", got)
	}

	// With the server stopped, a reload still works: the service worker
	// serves the page and the wasm from its cache.
	if err := chromedp.Run(ctx,
		chromedp.Poll(`navigator.serviceWorker.controller !== null`, &ok),
		chromedp.Poll(`caches.keys().then(ks => Promise.all(ks.map(k => caches.open(k).then(c => c.match("/web/app.wasm"))))).then(rs => rs.some(r => r))`, &ok, chromedp.WithPollingTimeout(30*time.Second)),
	); err != nil {
		t.Fatalf("waiting for the service worker: %v", err)
	}
	srv.CloseClientConnections()
	srv.Close()
	if err := chromedp.Run(ctx, chromedp.Reload(), waitReady()); err != nil {
		t.Fatalf("offline reload: %v", err)
	}
	tab(ctx, t, "hosts")
	if got := text(ctx, t, `#hosts`); !strings.Contains(got, "mx2.example.net.") {
		t.Errorf("offline reload lost the plan: %q", got)
	}

	// Open files: a plan and the lock the CLI keeps with it, read in the
	// page (still offline). The lock holds a renamed host's old address.
	planText := strings.Replace(ipapp.ExampleYAML, "name: bulk2,", "name: bulk9,", 1)
	d := ipapp.NewDoc()
	d.SetSource(planText)
	files := t.TempDir()
	planPath, lockPath := filepath.Join(files, "mail.yaml"), filepath.Join(files, "mail.lock")
	if err := os.WriteFile(planPath, []byte(planText), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lockPath, []byte(d.LockText()), 0o644); err != nil {
		t.Fatal(err)
	}
	tab(ctx, t, "plan")
	if err := chromedp.Run(ctx,
		chromedp.SetUploadFiles(`#open-files`, []string{planPath, lockPath}, chromedp.ByQuery),
		chromedp.Poll(`(document.getElementById("notice") || {}).textContent?.includes("with its lock mail.lock")`, nil),
	); err != nil {
		t.Fatalf("opening a plan and its lock: %v", err)
	}
	if got := text(ctx, t, `#held`); !strings.Contains(got, "host mail-bulk/bulk2") {
		t.Errorf("the opened lock's held host is not listed: %q", got)
	}
	screenshot(ctx, t, dir, "11-opened")

	// No request left the origin: none of the page's, and none at all
	// (service worker, workers, the browser) reached the proxy that all
	// but loopback requests go through.
	for _, r := range off.Seen() {
		t.Errorf("a request went elsewhere than the origin: %s", r)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(urls) == 0 {
		t.Fatal("recorded no requests")
	}
	for _, u := range urls {
		if !(strings.HasPrefix(u, origin+"/") || strings.HasPrefix(u, "blob:"+origin+"/") || strings.HasPrefix(u, "data:")) {
			t.Errorf("a request left the origin %s: %s", origin, u)
		}
	}
	t.Logf("%d requests, all on %s", len(urls), origin)
}

// The proxy that TestBrowser's last check relies on does see a request
// for another host, from a page and from a worker.
func TestOffOriginProxySees(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	ctx, cancel, off := newWatchedBrowser(t)
	defer cancel()
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	js := `Promise.all([
  fetch("https://page.example.org/").catch(() => 0),
  new Promise(r => { const w = new Worker(URL.createObjectURL(new Blob(['fetch("http://worker.example.org/x").catch(() => 0).then(() => postMessage(0))']))); w.onmessage = r; }),
])`
	if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.Evaluate(js, nil, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) })); err != nil {
		t.Fatal(err)
	}
	seen := strings.Join(off.Seen(), "\n")
	for _, want := range []string{"CONNECT page.example.org:443", "GET worker.example.org/x"} {
		if !strings.Contains(seen, want) {
			t.Errorf("the proxy did not see %q; it saw:\n%s", want, seen)
		}
	}
}
