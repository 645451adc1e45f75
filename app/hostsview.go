package app

import (
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// HostList shows each host with its address, PTR name and, for hosts that
// send mail, whether receivers will accept it: a static address, a PTR
// that points back at its name (FCrDNS), and an SPF record that covers it.
type HostList struct {
	app.Compo
	Doc *Doc
	Rev uint64
}

// Render draws the hosts table.
func (c *HostList) Render() app.UI {
	rows := c.Doc.Hosts()
	senders, ready := 0, 0
	for _, r := range rows {
		if r.Sender {
			senders++
			if r.Ready() {
				ready++
			}
		}
	}
	return app.Div().Class("hosts-view").Body(
		app.P().Class("count").ID("ready-count").Text(fmt.Sprintf("%d host(s); %d of %d sending host(s) ready to send mail.", len(rows), ready, senders)),
		app.Table().ID("hosts").Body(
			app.THead().Body(app.Tr().Body(
				app.Th().Text("Host"), app.Th().Text("Address"), app.Th().Text("PTR name"),
				app.Th().Text("Roles"), app.Th().Text("Readiness"),
			)),
			app.TBody().Body(app.Range(rows).Slice(func(i int) app.UI {
				r := rows[i]
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
