package app

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// manyHosts is a plan with n hosts in one /64, named as FQDNs under no
// domain of the plan's; every tenth sends mail, and with no domain there
// is no SPF record to cover it, so it is not ready.
func manyHosts(n int) string {
	var b strings.Builder
	b.WriteString("prefix: 2001:db8::/48\nsubnets:\n  - name: lan\n    size: 64\n    purpose: mail\n    hosts:\n")
	for i := range n {
		if i%10 == 0 {
			fmt.Fprintf(&b, "      - {name: mx%d.example.org., roles: [outbound]}\n", i)
		} else {
			fmt.Fprintf(&b, "      - {name: h%d.example.org.}\n", i)
		}
	}
	return b.String()
}

func TestHostListPagesAndFilters(t *testing.T) {
	d := &Doc{}
	d.SetSource(manyHosts(450))
	if len(d.Errors) > 0 {
		t.Fatal(d.Errors)
	}
	var c HostList // the state; each look draws a new component with it
	shown := func() (rows []string, html string) {
		t.Helper()
		c := &HostList{Doc: d, Rev: d.Rev, filter: c.filter, notReady: c.notReady, page: c.page}
		load(t, c)
		html = app.HTMLString(c)
		for _, part := range strings.Split(html, `data-host="lan/`)[1:] {
			rows = append(rows, strings.TrimSuffix(part[:strings.IndexByte(part, '"')], ".example.org."))
		}
		return rows, html
	}

	rows, html := shown()
	if len(rows) != hostPage || rows[0] != "mx0" || !strings.Contains(html, "1–200 of 450") {
		t.Errorf("first page: %d rows from %s; range shown: %v", len(rows), rows[0], strings.Contains(html, "1–200 of 450"))
	}
	c.page = 2
	if rows, html = shown(); len(rows) != 50 || rows[0] != "mx400" || !strings.Contains(html, "401–450 of 450") {
		t.Errorf("last page: %d rows from %v", len(rows), rows[:1])
	}
	c.page = 99 // beyond the end: the last page
	if rows, _ = shown(); len(rows) != 50 {
		t.Errorf("a page past the end shows %d rows", len(rows))
	}

	c.page, c.filter = 0, "H12"
	rows, _ = shown()
	want := []string{"h12", "h121", "h122", "h123", "h124", "h125", "h126", "h127", "h128", "h129"} // mx120 is no h12
	if strings.Join(rows, " ") != strings.Join(want, " ") {
		t.Errorf("filter h12: %v, want %v", rows, want)
	}
	c.filter = d.Alloc.Hosts[7].Addr.String()
	if rows, _ = shown(); len(rows) != 1 || rows[0] != "h7" {
		t.Errorf("filter by address %s: %v", c.filter, rows)
	}
	c.filter = netip.PrefixFrom(d.Alloc.Hosts[16].Addr, 124).Masked().String()
	rows, _ = shown()
	var inside []string
	for _, h := range d.Alloc.Hosts {
		if netip.MustParsePrefix(c.filter).Contains(h.Addr) {
			inside = append(inside, strings.TrimSuffix(strings.TrimPrefix(h.Path, "lan/"), ".example.org."))
		}
	}
	if len(inside) != 16 || strings.Join(rows, " ") != strings.Join(inside, " ") {
		t.Errorf("filter by prefix %s: %v, want %v", c.filter, rows, inside)
	}

	c.filter, c.notReady = "", true
	rows, _ = shown()
	if len(rows) != 45 || rows[0] != "mx0" || rows[44] != "mx440" {
		t.Errorf("not-ready senders: %d rows, %v…", len(rows), rows[:min(3, len(rows))])
	}
	for _, r := range d.Hosts() {
		if r.Sender && r.Ready() {
			t.Fatalf("%s is ready, but this plan has no SPF", r.Path)
		}
	}
}
