package app

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/plan/form"
)

// addrs returns where each subnet and host of d's allocation is.
func addrs(d *Doc) map[string]string {
	m := map[string]string{}
	for _, s := range d.Alloc.Subnets {
		m[s.Path] = s.Prefix.String()
	}
	for _, h := range d.Alloc.Hosts {
		m[h.Path] = h.Addr.String()
	}
	return m
}

// A new prefix is asked about before the lock is set aside; the old
// prefix typed back brings its lock back, held entries and all.
func TestPrefixChangeAsks(t *testing.T) {
	d := NewDoc()
	// A removed subnet is held: nothing new may take its space.
	f := d.Form()
	var bulk int
	for _, s := range f.Subnets {
		if s.Path == "mail-bulk" {
			bulk = s.Index
		}
	}
	if err := f.RemoveSubnet(bulk); err != nil {
		t.Fatal(err)
	}
	d.SetSource(f.Text())
	if len(d.Held()) == 0 {
		t.Fatal("the removed subnet is not held")
	}
	before, lock, src := addrs(d), d.LockText(), d.Source

	other := strings.ReplaceAll(src, "2001:db8:d6:", "2001:db8:d7:") // the prefix and the reserved range in it
	d.SetSource(other)
	q := d.Ask
	if q == nil || q.From != netip.MustParsePrefix("2001:db8:d6::/48") || q.To != netip.MustParsePrefix("2001:db8:d7::/48") || q.Entries == 0 {
		t.Fatalf("a new prefix asks %+v", q)
	}
	if !d.Stale || d.LockText() != lock || d.Prefix().String() != "2001:db8:d6::/48" {
		t.Error("a new prefix changed the lock or the allocation before it was accepted")
	}
	if !d.CanUndo() {
		t.Fatal("the question cannot be undone")
	}
	d.Undo()
	if d.Ask != nil || d.Source != src || d.LockText() != lock {
		t.Fatalf("undo: question %+v; text back %v; lock kept %v", d.Ask, d.Source == src, d.LockText() == lock)
	}

	d.SetSource(other)
	d.Accept()
	if d.Ask != nil || d.Stale || d.Prefix().String() != "2001:db8:d7::/48" || len(d.Held()) != 0 || len(d.Errors) > 0 {
		t.Fatalf("accepted: question %+v, stale %v, prefix %s, held %v, errors %v", d.Ask, d.Stale, d.Prefix(), d.Held(), d.Errors)
	}
	d.SetSource(strings.Replace(other, "subnets:\n", "subnets:\n  - {name: new, size: 64}\n", 1))

	// Back to the old prefix: no question, and the old lock is back.
	d.SetSource(src)
	if d.Ask != nil || len(d.Errors) > 0 {
		t.Fatalf("the old prefix back: question %+v, errors %v", d.Ask, d.Errors)
	}
	if d.LockText() != lock {
		t.Errorf("the old prefix's lock did not come back:\n%s\nwant\n%s", d.LockText(), lock)
	}
	for p, a := range addrs(d) {
		if before[p] != a {
			t.Errorf("%s moved from %s to %s", p, before[p], a)
		}
	}
	// And the new prefix's lock was set aside in turn.
	d.SetSource(other)
	if d.Ask != nil || len(d.Held()) != 1 || d.Held()[0].Path != "new" {
		t.Errorf("the second prefix again: question %+v, held %v", d.Ask, d.Held())
	}
}

// A plan without entries has nothing to lose: its prefix changes at once.
func TestPrefixChangeEmptyLock(t *testing.T) {
	d := &Doc{}
	d.SetSource(NewPlanYAML)
	if len(d.Errors) > 0 {
		t.Fatal(d.Errors)
	}
	d.SetSource(strings.Replace(NewPlanYAML, "2001:db8::/48", "2001:db8:1::/48", 1))
	if d.Ask != nil || d.Prefix().String() != "2001:db8:1::/48" {
		t.Errorf("question %+v, prefix %s", d.Ask, d.Prefix())
	}
	// The new plan is one the form can add to.
	f := d.Form()
	if err := f.AddSubnet(-1, "lan1"); err != nil {
		t.Fatal(err)
	}
	d.SetSource(f.Text())
	if len(d.Errors) > 0 || len(d.Alloc.Subnets) != 1 {
		t.Errorf("a subnet added to a new plan: %v, %d subnets", d.Errors, len(d.Alloc.Subnets))
	}
}

// formRename renames the subnet or host at path through the form, as
// the name field does.
func formRename(t *testing.T, d *Doc, path, name string) {
	t.Helper()
	f := d.Form()
	id := ""
	for _, s := range f.Subnets {
		if s.Path == path {
			id = s.Name.ID
		}
	}
	for _, h := range f.Hosts {
		if h.Subnet+"/"+h.Name.Value == path {
			id = h.Name.ID
		}
	}
	old, renamed := f.Renamed(id, name)
	if old != path {
		t.Fatalf("Renamed(%q, %q) = %q, %q", id, name, old, renamed)
	}
	if err := f.Set(id, name); err != nil {
		t.Fatal(err)
	}
	if !d.Rename(old, renamed) {
		t.Fatalf("the lock has no %s", old)
	}
	d.SetSource(f.Text())
}

// A rename in the form keeps every address, of the renamed entry and all
// below it; the same rename typed as text holds the old places.
func TestFormRenameKeepsAddresses(t *testing.T) {
	d := NewDoc()
	before := addrs(d)
	formRename(t, d, "mail-bulk/bulk1", "bulk7")
	formRename(t, d, "site-a", "site-east")
	if len(d.Errors) > 0 || len(d.Held()) != 0 || d.Ask != nil {
		t.Fatalf("errors %v, held %v, question %+v", d.Errors, d.Held(), d.Ask)
	}
	after := addrs(d)
	for p, a := range before {
		q := strings.Replace(strings.Replace(p, "bulk1", "bulk7", 1), "site-a", "site-east", 1)
		if after[q] != a {
			t.Errorf("%s (now %s) moved from %s to %s", p, q, a, after[q])
		}
	}
	if _, ok := d.lock.Get(plan.KindHost, "site-east/servers/www"); !ok {
		t.Error("the lock does not know site-a's hosts by their new path")
	}

	d.SetSource(strings.Replace(d.Source, "name: bulk7,", "name: bulk8,", 1))
	if h := d.Held(); len(h) != 1 || h[0].Path != "mail-bulk/bulk7" {
		t.Errorf("a rename in the text holds %v", h)
	}
}

// The form does not tell the lock of a rename it cannot pin to one entry.
func TestFormRenamedAmbiguous(t *testing.T) {
	f := form.Parse("prefix: 2001:db8::/48\nsubnets:\n  - {name: a, size: 64}\n  - {name: a, size: 64}\n  - {name: b, size: 64, hosts: [{name: h}]}\n")
	for _, tc := range []struct{ id, value, old, new string }{
		{"s0.name", "c", "", ""},       // two subnets are a
		{"s2.name", "b", "", ""},       // no change
		{"s2.name", "x/y", "", ""},     // no path
		{"s2.name", " d ", "b", "d"},   // trimmed as Set trims
		{"h0.name", "k", "b/h", "b/k"}, // a host
		{"s2.size", "56", "", ""},      // not a name
		{"h9.name", "k", "", ""},       // no such host
		{"prefix", "2001:db8::/48", "", ""},
	} {
		if old, new := f.Renamed(tc.id, tc.value); old != tc.old || new != tc.new {
			t.Errorf("Renamed(%q, %q) = %q, %q; want %q, %q", tc.id, tc.value, old, new, tc.old, tc.new)
		}
	}
}

// resize sets the size of the subnet at path in the form.
func resize(t *testing.T, d *Doc, path, size string) {
	t.Helper()
	f := d.Form()
	for _, s := range f.Subnets {
		if s.Path == path {
			if err := f.Set(s.Size.ID, size); err != nil {
				t.Fatal(err)
			}
			d.SetSource(f.Text())
			return
		}
	}
	t.Fatalf("no subnet %s", path)
}

// A resize that moves entries is held back until the user says so:
// undone, the text and the lock are as before; accepted, the new places
// are the lock's and the old space is held.
func TestMovesAsk(t *testing.T) {
	d := NewDoc()
	before, lock, src := addrs(d), d.LockText(), d.Source
	resize(t, d, "site-a", "52") // 2001:db8:d6::/52 holds the mail /64s: site-a cannot grow in place
	q := d.Ask
	if q == nil || len(q.Moves) == 0 || q.To.IsValid() {
		t.Fatalf("a resize that moves asks %+v (errors %v)", q, d.Errors)
	}
	if !d.Stale || d.LockText() != lock || addrs(d)["site-a/servers/www"] != before["site-a/servers/www"] {
		t.Fatal("the moves were adopted before they were accepted")
	}
	var paths []string
	for _, m := range q.Moves {
		paths = append(paths, m.Entry.Path)
		if m.Op != '~' || m.Was == m.Entry.Prefix || !strings.Contains(m.String(), m.Was.Addr().String()) {
			t.Errorf("move %v", m)
		}
	}
	if !slices.Contains(paths, "site-a") || !slices.Contains(paths, "site-a/servers/www") {
		t.Errorf("the moves list %v, want site-a and what it holds", paths)
	}

	// A rename in the form while asked, then undone: the lock is as it was.
	formRename(t, d, "mail-bulk", "mail-bulk2")
	if d.Ask == nil {
		t.Fatal("the question went away with a rename")
	}
	d.Undo()
	if d.Ask != nil || d.Source != src || d.LockText() != lock {
		t.Fatalf("undo: question %+v; text back %v; lock kept %v", d.Ask, d.Source == src, d.LockText() == lock)
	}

	resize(t, d, "site-a", "52")
	d.Accept()
	if d.Ask != nil || d.Stale || len(d.Errors) > 0 {
		t.Fatalf("accepted: question %+v, stale %v, errors %v", d.Ask, d.Stale, d.Errors)
	}
	after := addrs(d)
	if after["site-a/servers/www"] == before["site-a/servers/www"] || after["mail-bulk/bulk1"] != before["mail-bulk/bulk1"] {
		t.Errorf("accepted: www %s (was %s), bulk1 %s (was %s)", after["site-a/servers/www"], before["site-a/servers/www"], after["mail-bulk/bulk1"], before["mail-bulk/bulk1"])
	}
	vacated := false
	for _, e := range d.Held() {
		vacated = vacated || e.Kind == plan.KindVacated && e.Prefix.String() == "2001:db8:d6:100::/56"
	}
	if !vacated {
		t.Errorf("the space site-a left is not held: %v", d.Held())
	}
}

// The page asks about a held-back edit with a button for each answer,
// each named by its text; without a text to go back to, only the one
// that goes on.
func TestShellAsks(t *testing.T) {
	c := &Shell{}
	load(t, c)
	if q := c.docQuestion(); q != nil {
		t.Fatal("a question with nothing held back")
	}
	c.doc.SetSource(strings.ReplaceAll(ExampleYAML, "2001:db8:d6:", "2001:db8:d7:"))
	html := app.HTMLString(c.docQuestion())
	for _, want := range []string{`id="ask-prefix"`, `role="alertdialog"`, `aria-labelledby="ask-prefix-title"`,
		`id="ask-prefix-yes"`, ">Plan 2001:db8:d7::/48 afresh<", `id="ask-prefix-no"`, ">Keep 2001:db8:d6::/48<"} {
		if !strings.Contains(html, want) {
			t.Errorf("the prefix question lacks %s:\n%s", want, html)
		}
	}
	c.doc.Load(c.doc.Source, c.doc.LockText()) // as after a reload: no text to go back to
	html = app.HTMLString(c.docQuestion())
	if !strings.Contains(html, `class="hidden"`) || !strings.Contains(html, "edit the plan back") {
		t.Errorf("without a text to go back to, the question still offers one:\n%s", html)
	}
	c.doc.Accept()
	resize(t, c.doc, "site-a", "52")
	html = app.HTMLString(c.docQuestion())
	for _, want := range []string{`id="ask-moves"`, "~ host 2001:db8:d7:", "site-a/servers/www", ">Renumber<", ">Keep the old addresses<"} {
		if !strings.Contains(html, want) {
			t.Errorf("the moves question lacks %s:\n%s", want, html)
		}
	}
}
