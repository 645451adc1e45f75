package app

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/ip6plan/ip6plan/plan/form"
	"github.com/ip6plan/ip6plan/plan/ip6"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/ip6plan/ip6plan/records/deploy"
)

func load(t *testing.T, c app.Composer) {
	t.Helper()
	e := app.NewTestEngine()
	if err := e.Load(c); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
}

// bigPlan is a /48 with n top-level /64s, as the benchmarks use.
func bigPlan(n int) string {
	var b strings.Builder
	b.WriteString("prefix: 2001:db8::/48\nsubnets:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {name: lan%d, size: 64, purpose: lan}\n", i)
	}
	return b.String()
}

// The pre-rendered page shows the example plan and is not marked ready:
// only the wasm, in OnMount, sets data-ready.
func TestShellPrerendersExample(t *testing.T) {
	c := &Shell{}
	load(t, c)
	html := app.HTMLString(c)
	for _, want := range []string{`value="2001:db8:d6::/48"`, `data-tab="plan"`, "mail-transactional", "Share link"} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(html, "data-ready") {
		t.Error("the pre-rendered page claims to be ready")
	}
	for _, tb := range Tabs {
		c.tab = tb.ID
		if v := c.view(); v == nil {
			t.Errorf("tab %s has no view", tb.ID)
		}
	}
}

// The table draws only the rows in view, however many there are.
func TestAllocTableWindowed(t *testing.T) {
	d := &Doc{}
	d.SetSource(bigPlan(65536))
	if len(d.Errors) > 0 {
		t.Fatal(d.Errors)
	}
	if n := d.RowCount(); n != 65536 {
		t.Fatalf("RowCount = %d, want 65536", n)
	}
	for _, tc := range []struct {
		name       string
		first      int
		start, end int
	}{
		{name: "top", first: 0, start: 0, end: viewRows + overscan},
		{name: "middle", first: 30000, start: 30000 - overscan, end: 30000 + viewRows + overscan},
		{name: "bottom", first: 65536 - viewRows, start: 65536 - viewRows - overscan, end: 65536},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &AllocTable{Doc: d, Rev: d.Rev}
			c.Scroll(tc.first)
			load(t, c)
			start, end := c.Window()
			if start != tc.start || end != tc.end {
				t.Fatalf("Window() = %d, %d; want %d, %d", start, end, tc.start, tc.end)
			}
			html := app.HTMLString(c)
			if got := strings.Count(html, "data-row="); got != end-start {
				t.Errorf("drew %d rows, want %d", got, end-start)
			}
			// The first row drawn sits at its own offset in the full-height spacer.
			row := app.Div().Class("trow p-lan").DataSet("row", start).Style("top", fmt.Sprintf("%dpx", start*rowHeight)).
				OnClick(func(app.Context, app.Event) {})
			if err := app.Match(row, c, 0, 2, 0, 0); err != nil {
				t.Error(err)
			}
			p, _ := ip6.Child(ip6.MustParsePrefix("2001:db8::/48"), 64, uint64(start))
			if err := app.Match(app.Text(p.String()), c, 0, 2, 0, 0, 1, 0); err != nil {
				t.Error(err)
			}
			if !strings.Contains(html, fmt.Sprintf(`height:%dpx`, 65536*rowHeight)) && !strings.Contains(html, fmt.Sprintf(`height: %dpx`, 65536*rowHeight)) {
				t.Error("the spacer is not as tall as all rows")
			}
		})
	}
}

func TestPrefixMap(t *testing.T) {
	d := NewDoc()
	c := &PrefixMap{Doc: d, Rev: d.Rev}
	load(t, c)
	if got := strings.Count(app.HTMLString(c), `class="cell `); got != 256 {
		t.Fatalf("%d cells, want the 256 /56s of the /48", got)
	}
	cells := d.MapCells(c.Focus())
	for _, tc := range []struct {
		prefix  string
		purpose string
		whole   bool
		inside  int
		held    bool
	}{
		{prefix: "2001:db8:d6::/56", purpose: "mail", inside: 2},
		{prefix: "2001:db8:d6:100::/56", purpose: "site", whole: true, inside: 3},
		{prefix: "2001:db8:d6:ff00::/56", held: true},
		{prefix: "2001:db8:d6:200::/56"},
	} {
		i, _ := ip6.ChildIndex(c.Focus(), netip.MustParsePrefix(tc.prefix))
		cl := cells[i]
		if cl.Purpose != tc.purpose || cl.Whole != tc.whole || cl.Inside != tc.inside || cl.Held != tc.held {
			t.Errorf("%s: %+v", tc.prefix, cl)
		}
	}
	// Drill into the site: its 256 /64s.
	c = &PrefixMap{Doc: d, Rev: d.Rev}
	c.Open(netip.MustParsePrefix("2001:db8:d6:100::/56"))
	load(t, c)
	if err := app.Match(app.Div().ID("prefix-map").Class("grid").DataSet("focus", "2001:db8:d6:100::/56").
		Style("grid-template-columns", "repeat(16, 1fr)"), c, 0, 2); err != nil {
		t.Error(err)
	}
	cells = d.MapCells(c.Focus())
	if cells[0].Purpose != "servers" || !cells[0].Whole || cells[0x80].Purpose != "lan" {
		t.Errorf("site cells: %+v %+v", cells[0], cells[0x80])
	}
	if CanDrill(c.Focus()) {
		t.Error("a map of /64s offers to open them")
	}
}

func TestHostListReadiness(t *testing.T) {
	d := NewDoc()
	c := &HostList{Doc: d, Rev: d.Rev}
	load(t, c)
	if err := app.Match(app.Text("11 host(s); 5 of 5 sending host(s) ready to send mail."), c, 0, 0, 0); err != nil {
		t.Error(err)
	}
	html := app.HTMLString(c)
	for _, want := range []string{"mta1.example.com.", "2001:db8:d6:25::25", "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.5.2.0.0.6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa.", "does not send"} {
		if !strings.Contains(html, want) {
			t.Errorf("hosts view lacks %q", want)
		}
	}
	// Without a domain there is no SPF record to cover a sender, even one
	// whose name is fully qualified.
	d.SetSource("prefix: 2001:db8::/48\nsubnets:\n  - {name: mail, size: 64, purpose: mail, hosts: [{name: mx.example.org., roles: [outbound]}]}\n")
	if len(d.Errors) > 0 || d.Ask == nil || d.Ask.To != netip.MustParsePrefix("2001:db8::/48") {
		t.Fatalf("a new prefix: errors %v, question %+v", d.Errors, d.Ask)
	}
	d.Accept()
	r := d.Hosts()[0]
	if !r.Sender || r.Check(deploy.ItemPTR) != "pass" || r.Check(deploy.ItemSPF) != "fail" || r.Ready() {
		t.Errorf("%+v", r)
	}
}

func TestEditorShowsErrorsAtTheirField(t *testing.T) {
	d := NewDoc()
	f := form.Parse(d.Source)
	f.Set("prefix", "2001:db8:d6:5::/48")
	d.SetSource(f.Text())
	c := &Editor{Doc: d, Rev: d.Rev}
	load(t, c)
	html := app.HTMLString(c)
	i := strings.Index(html, `data-field="prefix"`)
	j := strings.Index(html, "has host bits set")
	if i < 0 || j < i || strings.Contains(html[i:j], `data-field="domain"`) {
		t.Fatalf("the prefix error is not inside the prefix field:\n%s", html)
	}
	c = &Editor{Doc: d, Rev: d.Rev, text: true}
	load(t, c)
	if !strings.Contains(app.HTMLString(c), `data-line="3"`) {
		t.Error("the text view has no mark on line 3")
	}
}

func TestFormAttach(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		want string // the form element the first error belongs to
	}{
		{name: "prefix", src: "prefix: 2001:db8:1:5::/48\n", want: "prefix"},
		{name: "host address", src: "prefix: 2001:db8::/48\ndomain: example.com\nsubnets:\n  - name: a\n    size: 64\n    hosts:\n      - {name: x, address: \"::zz\"}\n", want: "h0.address"},
		{name: "host name", src: "prefix: 2001:db8::/48\ndomain: example.com\nsubnets:\n  - name: a\n    size: 64\n    hosts:\n      - {name: \"x y\"}\n", want: "h0.name"},
		{name: "overlap", src: "prefix: 2001:db8:1::/48\nsubnets:\n  - name: a\n    size: 64\n    id: \"5\"\n  - name: b\n    size: 64\n    id: \"5\"\n", want: "s1"},
		{name: "unknown key", src: "prefix: 2001:db8::/48\nfoo: 1\n", want: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &Doc{}
			d.SetSource(tc.src)
			if len(d.Errors) == 0 {
				t.Fatal("no error")
			}
			got := attach(form.Parse(tc.src), d.Errors[:1])
			if len(got[tc.want]) != 1 {
				t.Errorf("%v: attached %v, want it at %q", d.Errors[0], got, tc.want)
			}
		})
	}
}

// Form edits keep what the form does not show, and keep every address.
func TestFormEditsKeepAddresses(t *testing.T) {
	d := NewDoc()
	before := map[string]netip.Addr{}
	for _, h := range d.Alloc.Hosts {
		before[h.Path] = h.Addr
	}
	f := form.Parse(d.Source)
	if f.Err != "" || len(f.Subnets) != 6 || len(f.Hosts) != 11 {
		t.Fatalf("form: err %q, %d subnets, %d hosts", f.Err, len(f.Subnets), len(f.Hosts))
	}
	if err := f.AddHost(0, "mx9"); err != nil {
		t.Fatal(err)
	}
	if err := f.AddSubnet(-1, "bulk2"); err != nil {
		t.Fatal(err)
	}
	f = form.Parse(f.Text())
	if err := f.Set("h3.roles", "outbound, mx"); err != nil {
		t.Fatal(err)
	}
	text := f.Text()
	for _, keep := range []string{"# key for the stable (RFC 7217) IDs", "kept for a future site", `id: "25"`} {
		if !strings.Contains(text, keep) {
			t.Errorf("the edit lost %q", keep)
		}
	}
	d.SetSource(text)
	if len(d.Errors) > 0 {
		t.Fatal(d.Errors)
	}
	for _, h := range d.Alloc.Hosts {
		if a, ok := before[h.Path]; ok && a != h.Addr {
			t.Errorf("%s moved from %s to %s", h.Path, a, h.Addr)
		}
	}
	f = form.Parse(d.Source)
	if got := f.Hosts[3]; got.Name.Value != "mx9" || got.Roles.Value != "outbound, mx" {
		t.Errorf("new host: %+v", got)
	}
	if err := f.RemoveHost(3); err != nil {
		t.Fatal(err)
	}
	if err := f.RemoveSubnet(len(f.Subnets) - 1); err != nil {
		t.Fatal(err)
	}
	d.SetSource(f.Text())
	if len(d.Alloc.Held) != 2 {
		t.Errorf("removed entries are not held: %v", d.Alloc.Held)
	}
	if form.Parse("- a\n- b\n").Err == "" || form.Parse("prefix: [").Err == "" {
		t.Error("text that is no mapping gives a form")
	}
}

func TestOutputs(t *testing.T) {
	d := NewDoc()
	for _, tc := range []struct{ id, want string }{
		{"forward", "mta1.example.com.\t3600\tIN\tAAAA\t2001:db8:d6:25::25"},
		{"reverse", "PTR\tmta1.example.com."},
		{"spf", `"v=spf1 ip6:2001:db8:d6::/64 ip6:2001:db8:d6:25::/64 ip4:128.223.214.23 ip4:128.223.214.24 -all"`},
		{"postfix", "smtp_bind_address6 = 2001:db8:d6:25::25"},
		{"exim", "interface = <; 2001:db8:d6:25::25"},
		{"netplan", "2001:db8:d6:100::53/64"},
		{"nftables", "ip6 daddr 2001:db8:d6:25::25 tcp dport 25 accept"},
		{"windows", "netsh interface ipv6 add address"},
		{"plan", "prefix: 2001:db8:d6::/48"},
		{"lock", "host 2001:db8:d6:25::25 mail-transactional/mta1"},
	} {
		o := d.Output(tc.id)
		if o.Err != "" || !strings.Contains(o.Text, tc.want) {
			t.Errorf("%s: err %q, text lacks %q:\n%s", tc.id, o.Err, tc.want, o.Text)
		}
	}
	c := &Exports{Doc: d, Rev: d.Rev, current: "spf"}
	load(t, c)
	if html := app.HTMLString(c); !strings.Contains(html, "Lint: ") || !strings.Contains(html, `id="out-spf"`) {
		t.Error("the SPF view lacks its lint findings")
	}
}

func TestCalculate(t *testing.T) {
	r := Calculate("2001:db8::/32", 48, 300, 1)
	if r.Err != "" || r.Children != "65,536" || r.List[0].String() != "2001:db8:10::/48" || r.Last.String() != "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff" {
		t.Errorf("%+v", r)
	}
	if !strings.Contains(r.Advice, "use /44") {
		t.Errorf("advice %q", r.Advice)
	}
	if r := Calculate("2001:db8:1:5::/48", 56, 0, 0); !strings.Contains(r.Err, "host bits") {
		t.Errorf("bad prefix: %q", r.Err)
	}
	c := &Calculator{}
	load(t, c)
	if !strings.Contains(app.HTMLString(c), "2001:db8:d6:f00::/56") {
		t.Error("calculator page lacks the 16th /56")
	}
}

func TestFragment(t *testing.T) {
	d := NewDoc()
	for _, sh := range []Shared{{}, {Plan: ExampleYAML}, {Plan: ExampleYAML, Lock: d.LockText()}, {Plan: bigPlan(1000)}} {
		frag, err := EncodeFragment(sh)
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(strings.Replace(strings.TrimPrefix(frag, FragmentKey), lockKey, "", 1), "+/=#&") {
			t.Errorf("fragment is not base64url: %q", frag[:min(len(frag), 40)])
		}
		if got := strings.Contains(frag, lockKey); got != (sh.Lock != "") {
			t.Errorf("a fragment of a plan with lock %v has %s: %v", sh.Lock != "", lockKey, got)
		}
		got, ok, err := DecodeFragment("#" + frag)
		if err != nil || !ok || got != sh {
			t.Errorf("round trip of a %d-byte plan and a %d-byte lock: ok %v err %v", len(sh.Plan), len(sh.Lock), ok, err)
		}
	}
	if _, ok, _ := DecodeFragment("#section"); ok {
		t.Error("a fragment without plan= carries a plan")
	}
	if _, ok, err := DecodeFragment("#plan=%%%"); !ok || err == nil {
		t.Error("a damaged fragment is not reported")
	}
	plain, _ := EncodeFragment(Shared{Plan: ExampleYAML})
	if _, ok, err := DecodeFragment(plain + "&lock=%%%"); !ok || err == nil || !strings.Contains(err.Error(), "lock") {
		t.Errorf("a damaged lock is not reported: %v", err)
	}
}

func FuzzDecodeFragment(f *testing.F) {
	example, err := EncodeFragment(Shared{Plan: ExampleYAML, Lock: NewDoc().LockText()})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(example)
	f.Add("plan=")
	f.Add("plan=AAAA")
	f.Add("plan=AAAA&lock=")
	f.Fuzz(func(t *testing.T, frag string) {
		sh, ok, err := DecodeFragment(frag)
		if err == nil && ok {
			frag, err := EncodeFragment(sh)
			if err != nil {
				t.Fatal(err)
			}
			if again, _, _ := DecodeFragment(frag); again != sh {
				t.Fatal("round trip changed what the link carries")
			}
		}
	})
}

// A plan whose text stops parsing keeps its last good allocation on show.
func TestDocStale(t *testing.T) {
	d := NewDoc()
	good := d.Alloc
	d.SetSource("prefix: nonsense\n")
	if !d.Stale || d.Alloc != good || len(d.Errors) != 1 || d.Errors[0].Line != 1 {
		t.Errorf("stale %v, errors %v", d.Stale, d.Errors)
	}
	d.SetSource(ExampleYAML)
	if d.Stale || len(d.Errors) != 0 {
		t.Errorf("stale %v, errors %v", d.Stale, d.Errors)
	}
}
