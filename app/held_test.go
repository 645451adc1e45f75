package app

import (
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/ip6plan/ip6plan/plan"
)

// summary renders the editor of d and returns its HTML.
func summary(t *testing.T, d *Doc) string {
	t.Helper()
	c := &Editor{Doc: d, Rev: d.Rev}
	load(t, c)
	return app.HTMLString(c)
}

// mta1's address is pinned (::25), so renaming it collides with its old
// self, which the lock holds: the plan does not allocate, and the summary
// offers the release that resolves it.
func TestHeldPinnedRename(t *testing.T) {
	d := NewDoc()
	old := d.Alloc.Hosts[0]
	if old.Path != "mail-transactional/mta1" {
		t.Fatalf("the example's first host is %s", old.Path)
	}
	d.SetSource(strings.Replace(ExampleYAML, "name: mta1,", "name: mta9,", 1))
	if len(d.Errors) != 1 || !strings.Contains(d.Errors[0].Msg, "held by the lock until released") {
		t.Fatalf("errors after renaming a pinned host: %v", d.Errors)
	}
	html := summary(t, d)
	for _, want := range []string{"Held by the lock (1)", `data-path="mail-transactional/mta1"`, "rename it in the form", ">release<"} {
		if !strings.Contains(html, want) {
			t.Errorf("the summary lacks %q", want)
		}
	}
	if err := d.Release(old.Path); err != nil {
		t.Fatal(err)
	}
	if len(d.Errors) > 0 || d.Alloc.Hosts[0].Addr != old.Addr {
		t.Fatalf("after releasing the old name: errors %v; mta9 at %s, want %s", d.Errors, d.Alloc.Hosts[0].Addr, old.Addr)
	}
	if strings.Contains(summary(t, d), "Held by the lock") {
		t.Error("the summary still lists held entries")
	}
}

// An unpinned host renamed gets a new address, and its old one is held
// until released.
func TestHeldRename(t *testing.T) {
	d := NewDoc()
	old := d.Alloc.Hosts[4]
	if old.Path != "mail-bulk/bulk2" {
		t.Fatalf("the example's fifth host is %s", old.Path)
	}
	d.SetSource(strings.Replace(ExampleYAML, "name: bulk2,", "name: bulk9,", 1))
	if len(d.Errors) > 0 {
		t.Fatal(d.Errors)
	}
	if len(d.Alloc.Held) != 1 || d.Alloc.Held[0].Path != old.Path || d.Alloc.Held[0].Prefix.Addr() != old.Addr {
		t.Fatalf("held after the rename: %v, want %s at %s", d.Alloc.Held, old.Path, old.Addr)
	}
	if d.Alloc.Hosts[4].Addr == old.Addr {
		t.Error("the renamed host kept the held address")
	}
	if html := summary(t, d); !strings.Contains(html, `data-path="mail-bulk/bulk2"`) {
		t.Error("the summary does not list bulk2")
	}
	if err := d.Release("mail-bulk/bulk9"); err == nil {
		t.Error("a host the plan names was released")
	}
	if err := d.Release(old.Path); err != nil {
		t.Fatal(err)
	}
	if len(d.Alloc.Held) != 0 || strings.Contains(d.LockText(), old.Path) {
		t.Errorf("after release: held %v; lock names it: %v", d.Alloc.Held, strings.Contains(d.LockText(), old.Path))
	}
}

// A removed subnet is listed once: what was inside it goes with it.
func TestHeldListsRemovedSubnetOnce(t *testing.T) {
	d := NewDoc()
	i := strings.Index(ExampleYAML, "  - name: site-a")
	if i < 0 {
		t.Fatal("the example has no site-a")
	}
	d.SetSource(ExampleYAML[:i])
	if len(d.Errors) > 0 {
		t.Fatal(d.Errors)
	}
	if len(d.Alloc.Held) < 3 {
		t.Fatalf("held: %v, want site-a and what was in it", d.Alloc.Held)
	}
	html := summary(t, d)
	if !strings.Contains(html, "Held by the lock (1)") || !strings.Contains(html, `data-path="site-a"`) {
		t.Errorf("the summary does not list site-a alone")
	}
	if err := d.Release("site-a/servers"); err != nil {
		t.Fatal(err) // what is inside a held subnet may be released on its own too
	}
	if err := d.Release("site-a"); err != nil || len(d.Alloc.Held) != 0 {
		t.Errorf("releasing site-a: %v, held %v", err, d.Alloc.Held)
	}
}

// A held host whose path a subnet of the plan now has cannot be released:
// the release would take the subnet with it.
func TestHeldReleaseSparesNamedPath(t *testing.T) {
	d := &Doc{}
	d.SetSource("prefix: 2001:db8::/48\ndomain: example.com\nsubnets:\n  - name: lan\n    size: 64\n    hosts: [{name: x}]\n")
	if len(d.Errors) > 0 {
		t.Fatal(d.Errors)
	}
	d.SetSource("prefix: 2001:db8::/48\ndomain: example.com\nsubnets:\n  - name: lan\n    size: 56\n    subnets: [{name: x, size: 64}]\n")
	if len(d.Errors) > 0 {
		t.Fatal(d.Errors)
	}
	if len(d.Held()) != 1 || d.Held()[0].Path != "lan/x" {
		t.Fatalf("held: %v, want host lan/x", d.Held())
	}
	err := d.Release("lan/x")
	if err == nil || !strings.Contains(err.Error(), "in the plan too") {
		t.Errorf("releasing lan/x: %v, want a refusal", err)
	}
	if _, ok := d.lock.Get(plan.KindSubnet, "lan/x"); !ok {
		t.Error("the subnet lan/x left the lock")
	}
}
