package app

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// HostList shows each host with its address, PTR name and, for hosts that
// send mail, whether receivers will accept it: a static address, a PTR
// that points back at its name (FCrDNS), and an SPF record that covers it.
// A sender with thousands of addresses gets them a page at a time, and a
// filter by name or address, or to the senders that are not ready.
type HostList struct {
	app.Compo
	Doc *Doc
	Rev uint64

	filter   string // shows the hosts whose name, path or address holds it
	notReady bool   // shows only sending hosts that are not ready
	page     int
}

// hostPage is how many hosts the view draws at once: a page of rows with
// their readiness checklists is some 6,000 elements.
const hostPage = 200

// Shown returns the rows that pass the filters, and of them the current
// page's first and last-plus-one index.
func (c *HostList) Shown() (rows []HostRow, start, end int) {
	all := c.Doc.Hosts()
	rows = all
	if c.filter != "" || c.notReady {
		match := hostFilter(c.filter)
		rows = nil
		for _, r := range all {
			if c.notReady && (!r.Sender || r.Ready()) {
				continue
			}
			if match(r) {
				rows = append(rows, r)
			}
		}
	}
	pages := max(1, (len(rows)+hostPage-1)/hostPage)
	page := min(max(c.page, 0), pages-1)
	start, end = page*hostPage, min(len(rows), (page+1)*hostPage)
	return rows, start, end
}

// hostFilter returns the test of the filter text f: an address matches the
// host with that address, a prefix the hosts inside it, and other text the
// hosts whose name or path holds it, in any case.
func hostFilter(f string) func(HostRow) bool {
	f = strings.TrimSpace(f)
	if a, err := netip.ParseAddr(f); err == nil {
		return func(r HostRow) bool { return r.IP == a }
	}
	if p, err := netip.ParsePrefix(f); err == nil {
		p = p.Masked()
		return func(r HostRow) bool { return r.IP.IsValid() && p.Contains(r.IP) }
	}
	f = strings.ToLower(f)
	return func(r HostRow) bool {
		return strings.Contains(strings.ToLower(r.FQDN), f) || strings.Contains(strings.ToLower(r.Path), f)
	}
}

func hostRange(start, end, n int) string {
	if n == 0 {
		return "no host matches"
	}
	return fmt.Sprintf("%d–%d of %d", start+1, end, n)
}

// pageButtons are a pager's two buttons, "← previous" and "next →", with
// the IDs id-prev and id-next unless id is empty. (One helper for the
// pagers of the hosts, the form and the calculator: each element built in
// line costs app.wasm its own code.)
func pageButtons(id string, first, last bool, prev, next app.EventHandler) (app.UI, app.UI) {
	p := app.Button().Text("← previous").Disabled(first).OnClick(prev)
	n := app.Button().Text("next →").Disabled(last).OnClick(next)
	if id != "" {
		p, n = p.ID(id+"-prev"), n.ID(id+"-next")
	}
	return p, n
}

// Render draws the filters, the hosts table and the pager.
func (c *HostList) Render() app.UI {
	all := c.Doc.Hosts()
	senders, ready := 0, 0
	for _, r := range all {
		if r.Sender {
			senders++
			if r.Ready() {
				ready++
			}
		}
	}
	rows, start, end := c.Shown()
	page := rows[start:end]
	return app.Div().Class("hosts-view").Body(
		app.P().Class("count").ID("ready-count").Text(fmt.Sprintf("%d host(s); %d of %d sending host(s) ready to send mail.", len(all), ready, senders)),
		app.Div().Class("host-filters").Body(
			app.Input().Type("search").ID("host-filter").Placeholder("filter: name, address or prefix").Value(c.filter).
				OnInput(func(ctx app.Context, e app.Event) { c.filter, c.page = ctx.JSSrc().Get("value").String(), 0 }),
			app.Label().Body(
				app.Input().Type("checkbox").ID("host-not-ready").Checked(c.notReady).
					OnChange(func(ctx app.Context, e app.Event) { c.notReady, c.page = ctx.JSSrc().Get("checked").Bool(), 0 }),
				app.Text(" only senders that are not ready"),
			),
			app.If(len(rows) > hostPage || c.filter != "" || c.notReady, func() app.UI {
				prev, next := pageButtons("host", start == 0, end >= len(rows),
					func(app.Context, app.Event) { c.page = start/hostPage - 1 },
					func(app.Context, app.Event) { c.page = start/hostPage + 1 })
				return app.Span().Class("pager").Body(app.Span().ID("host-range").Text(hostRange(start, end, len(rows))), prev, next)
			}),
		),
		app.Table().ID("hosts").Body(
			app.THead().Body(app.Tr().Body(app.Range(hostColumns).Slice(func(i int) app.UI {
				return app.Th().Text(hostColumns[i])
			}))),
			app.TBody().Body(app.Range(page).Slice(func(i int) app.UI {
				r := page[i]
				addr := r.Addr
				if addr == "" {
					addr = "dynamic (SLAAC/DHCPv6)"
				}
				return app.Tr().DataSet("host", r.Path).Body(
					app.Td().Body(app.Div().Text(r.FQDN), app.Div().Class("path").Text(r.Path)),
					app.Td().Class("mono addr").Text(addr),
					app.Td().Class("mono ptr").Text(r.PTR),
					app.Td().Text(r.Roles),
					app.Td().Class("ready").Body(readiness(r)),
				)
			})),
		),
	)
}

// hostColumns are the titles of the hosts table's columns. (One loop draws
// them: each element built in line costs app.wasm its own code.)
var hostColumns = []string{"Host", "Address", "PTR name", "Roles", "Readiness"}

func readiness(r HostRow) app.UI {
	if !r.Sender {
		return app.Span().Class("na").Text("does not send")
	}
	marks := map[string]string{"pass": "✓ ", "warn": "! ", "fail": "✗ "}
	return app.Span().Body(app.Range(r.Checks).Slice(func(i int) app.UI {
		c := r.Checks[i]
		return app.Span().Class("badge "+c.Status).DataSet("check", c.Item).Title("%s", c.Msg).Text(marks[c.Status] + c.Item)
	}))
}
