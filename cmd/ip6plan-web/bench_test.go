//go:build !wasm

package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// planJS builds, in the page, the text of a /48 with n /64s.
func planJS(n int) string {
	return fmt.Sprintf(`(() => { const l = ["prefix: 2001:db8::/48", "subnets:"]; for (let i = 0; i < %d; i++) l.push("  - {name: lan" + i + ", size: 64, purpose: lan}"); return l.join("\n") + "\n"; })()`, n)
}

// bigPlanJS builds, in the page, the text of a /48 with 65,536 /64s.
var bigPlanJS = planJS(65536)

// serveApp builds the site, serves it and starts a browser; both stop
// when the benchmark ends.
func serveApp(b *testing.B) (ctx context.Context, origin string) {
	s := buildSite(b)
	ctx, cancel := newBrowser(b)
	b.Cleanup(cancel)
	srv := httptest.NewServer(FileServer(s.dir))
	b.Cleanup(srv.Close)
	return ctx, srv.URL
}

// timeEdit sets the plan text to the result of the JS expression text, as a
// user's edit does (change event), and returns the milliseconds until the
// page shows the new revision and until the frame after it is drawn.
func timeEdit(text string) string {
	return `new Promise(resolve => {
  const root = document.getElementById("ip6plan"), rev0 = root.dataset.rev;
  const ta = document.getElementById("plan-text");
  const text = ` + text + `;
  const obs = new MutationObserver(() => {
    if (root.dataset.rev === rev0) return;
    obs.disconnect();
    const t1 = performance.now();
    requestAnimationFrame(() => setTimeout(() => resolve([t1 - t0, performance.now() - t0]), 0));
  });
  obs.observe(root, {attributes: true});
  const t0 = performance.now();
  ta.value = text;
  ta.dispatchEvent(new Event("change", {bubbles: true}));
})`
}

// timeRetype edits the plan text as a user does: it selects the text the
// JS expression pattern (a RegExp with one group, at the end of the match)
// matches last, types
// word over it (the text area's own edit and layout, with its input
// event), then leaves the text area (change event). It returns the
// milliseconds the typing took, and from the change until the page shows
// the new revision and until the frame after it is drawn.
func timeRetype(pattern, word string) string {
	return `new Promise(resolve => {
  const root = document.getElementById("ip6plan"), rev0 = root.dataset.rev;
  const ta = document.getElementById("plan-text");
  const v = ta.value, re = ` + pattern + `;
  let m, last;
  while ((m = re.exec(v)) !== null) last = m;
  const i = last.index + last[0].lastIndexOf(last[1]);
  ta.focus();
  ta.setSelectionRange(i, i + last[1].length);
  let t0 = performance.now();
  document.execCommand("insertText", false, "` + word + `");
  ta.offsetHeight; // the browser lays out the typed text now, not in the frame timed below
  const typed = performance.now() - t0;
  const obs = new MutationObserver(() => {
    if (root.dataset.rev === rev0) return;
    obs.disconnect();
    const t1 = performance.now();
    requestAnimationFrame(() => setTimeout(() => resolve([typed, t1 - t0, performance.now() - t0]), 0));
  });
  obs.observe(root, {attributes: true});
  t0 = performance.now();
  ta.dispatchEvent(new Event("change", {bubbles: true}));
})`
}

// timeTab opens a view and returns the milliseconds until it is drawn.
func timeTab(id string) string {
	return `new Promise(resolve => {
  const root = document.getElementById("ip6plan");
  const obs = new MutationObserver(() => {
    if (root.dataset.tab !== "` + id + `") return;
    obs.disconnect();
    requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
  });
  obs.observe(root, {attributes: true});
  const t0 = performance.now();
  document.querySelector('button.tab[data-tab="` + id + `"]').click();
})`
}

// timeScroll scrolls the allocation table to row and returns the
// milliseconds until that row is drawn.
func timeScroll(row int) string {
	return fmt.Sprintf(`new Promise(resolve => {
  const sc = document.getElementById("table-scroll");
  const t0 = performance.now();
  const check = () => document.querySelector('[data-row="%d"]') ? requestAnimationFrame(() => resolve(performance.now() - t0)) : setTimeout(check, 1);
  sc.scrollTop = %d * 28;
  check();
})`, row, row)
}

func await(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }

func median(xs []float64) float64 {
	slices.Sort(xs)
	return xs[len(xs)/2]
}

// BenchmarkBrowser measures the app in headless Chromium on localhost: load
// to interactive (first visit and reloads), planning a /48 of 65,536 /64s,
// re-planning and redrawing it after an edit, drawing its table, and
// scrolling the table. testdata/bench-web.sh runs it; the figures are
// reported as metrics, one run each (b.N is not used).
func BenchmarkBrowser(b *testing.B) {
	ctx, origin := serveApp(b)
	var readyMS int
	readMS := chromedp.Evaluate(`+document.getElementById("ip6plan").dataset.readyMs`, &readyMS)
	start := time.Now()
	if err := chromedp.Run(ctx, chromedp.Navigate(origin+"/"), waitReady(), readMS); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(readyMS), "first-load-ms")
	b.Logf("first visit: interactive %d ms after navigation start (%v wall)", readyMS, time.Since(start))
	var loads []float64
	for range 5 {
		if err := chromedp.Run(ctx, chromedp.Reload(), waitReady(), readMS); err != nil {
			b.Fatal(err)
		}
		loads = append(loads, float64(readyMS))
	}
	b.ReportMetric(median(loads), "reload-ms")
	b.Logf("reloads: %v ms", loads)

	// Start from New plan, as a user would: pasting another prefix over
	// the example's lock would only ask whether to drop it, and plan
	// nothing until answered.
	// The app asks first only when there is work to lose; either way the
	// revision changes once the new plan is in.
	var rev string
	if err := chromedp.Run(ctx,
		chromedp.Evaluate(`document.getElementById("ip6plan").dataset.rev`, &rev),
		chromedp.Click(`#new-plan`, chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("ask-new-yes") ? (document.getElementById("ask-new-yes").click(), false) : document.getElementById("ip6plan").dataset.rev !== `+strconv.Quote(rev), nil),
		chromedp.Click(`button.mode[data-mode="text"]`, chromedp.ByQuery), chromedp.WaitVisible(`#plan-text`, chromedp.ByQuery)); err != nil {
		b.Fatal(err)
	}
	var first []float64
	if err := chromedp.Run(ctx, chromedp.Evaluate(timeEdit(bigPlanJS), &first, await)); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(first[1], "plan65536-ms")
	b.Logf("first plan of 65,536 /64s: shown after %.0f ms, drawn after %.0f ms", first[0], first[1])

	var parseMS, planMS, saveMS int
	timing := chromedp.Tasks{
		chromedp.Poll(`document.getElementById("ip6plan").dataset.saved === document.getElementById("ip6plan").dataset.rev`, nil),
		chromedp.Evaluate(`+document.getElementById("ip6plan").dataset.saveMs`, &saveMS),
		chromedp.Evaluate(`+document.getElementById("ip6plan").dataset.parseMs`, &parseMS),
		chromedp.Evaluate(`+document.getElementById("ip6plan").dataset.planMs`, &planMS),
	}
	if err := chromedp.Run(ctx, timing); err != nil {
		b.Fatal(err)
	}
	b.Logf("of which parsing %d ms, allocating %d ms", parseMS, planMS)
	var edits, shown, typing []float64
	for i := range 5 {
		// The /48 is full, so the edit changes a purpose: a new name would
		// need a free /64, and the lock holds the old one.
		purpose := []string{"servers", "lan", "dmz", "management", "other"}[i]
		var r []float64
		if err := chromedp.Run(ctx, chromedp.Evaluate(timeRetype(`/name: lan65535, size: 64, purpose: (\w+)/g`, purpose), &r, await)); err != nil {
			b.Fatal(err)
		}
		typing = append(typing, r[0])
		shown = append(shown, r[1])
		edits = append(edits, r[2])
		if err := chromedp.Run(ctx, timing); err != nil {
			b.Fatal(err)
		}
		var errs int
		if err := chromedp.Run(ctx, chromedp.Evaluate(`document.querySelectorAll(".problems li").length`, &errs)); err != nil || errs > 0 {
			b.Fatalf("the edit gave %d errors (%v)", errs, err)
		}
		b.Logf("edit %d: typing %.0f ms; after the change, shown after %.0f ms, drawn after %.0f ms; parsing %d ms, allocating %d ms; then saving to localStorage held the page %d ms", i, r[0], r[1], r[2], parseMS, planMS, saveMS)
	}
	b.ReportMetric(median(typing), "typing-ms")
	b.ReportMetric(median(shown), "replan-ms")
	b.ReportMetric(median(edits), "replan-frame-ms")
	b.Logf("re-plan and redraw after an edit: shown after %v ms; next frame after %v ms", shown, edits)

	var tabMS float64
	if err := chromedp.Run(ctx, chromedp.Evaluate(timeTab("table"), &tabMS, await)); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(tabMS, "table-ms")
	var scrolls []float64
	for _, row := range []int{32768, 65000, 100, 50000, 1} {
		var ms float64
		if err := chromedp.Run(ctx, chromedp.Evaluate(timeScroll(row), &ms, await)); err != nil {
			b.Fatal(err)
		}
		scrolls = append(scrolls, ms)
	}
	b.ReportMetric(median(scrolls), "scroll-ms")
	b.Logf("table of 65,536 rows drawn in %.0f ms; scroll jumps %v ms", tabMS, scrolls)

	// Coming back: a reload restores the saved 65,536-subnet plan and its
	// lock from localStorage, reads and allocates them, then marks ready.
	if err := chromedp.Run(ctx, chromedp.Reload(), waitReady(), readMS); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(readyMS), "reload65536-ms")
	b.Logf("reload with the 65,536-subnet plan saved: interactive after %d ms", readyMS)
}

// BenchmarkBrowserForm measures the form on plans of growing size: drawing
// it, and a field changed in it until the next frame (the form's edit
// splices the text, then the plan is read and allocated again and the
// form redrawn).
func BenchmarkBrowserForm(b *testing.B) {
	ctx, origin := serveApp(b)
	if err := chromedp.Run(ctx, chromedp.Navigate(origin+"/"), waitReady()); err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{500, 2000, 5000, 65536} {
		var drawn float64
		var edits []float64
		if err := chromedp.Run(ctx,
			chromedp.Click(`button.mode[data-mode="text"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#plan-text`, chromedp.ByQuery),
			chromedp.Evaluate(timeEdit(planJS(n)), nil, await),
			chromedp.Evaluate(timeForm(), &drawn, await),
		); err != nil {
			b.Fatal(err)
		}
		for i := range 3 {
			var ms float64
			field := fmt.Sprintf(`[data-field="s%d.purpose"] input`, 1+i) // on the first page
			if err := chromedp.Run(ctx, chromedp.Evaluate(timeField(field, "dmz"), &ms, await)); err != nil {
				b.Fatal(err)
			}
			edits = append(edits, ms)
		}
		b.Logf("form of %d subnets: drawn in %.0f ms; a field changed, next frame after %v ms", n, drawn, edits)
		b.ReportMetric(median(edits), fmt.Sprintf("form%d-edit-ms", n))
	}
}

// timeForm opens the form view and returns the milliseconds until it is
// drawn.
func timeForm() string {
	return `new Promise(resolve => {
  const t0 = performance.now();
  document.querySelector('button.mode[data-mode="form"]').click();
  const check = () => document.querySelector('[data-field="s0.name"]') ? requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0)) : setTimeout(check, 1);
  check();
})`
}

// timeField sets the input sel to value as a user's edit does (change
// event) and returns the milliseconds until the frame after the page shows
// the new revision.
func timeField(sel, value string) string {
	return `new Promise(resolve => {
  const root = document.getElementById("ip6plan"), rev0 = root.dataset.rev;
  const in_ = document.querySelector('` + sel + `');
  const obs = new MutationObserver(() => {
    if (root.dataset.rev === rev0) return;
    obs.disconnect();
    requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
  });
  obs.observe(root, {attributes: true});
  const t0 = performance.now();
  in_.value = "` + value + `";
  in_.dispatchEvent(new Event("change", {bubbles: true}));
})`
}
