package app

import (
	"fmt"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/ip6plan/ip6plan/plan"
)

// Held returns what the lock holds that the plan no longer names: subnets,
// hosts and links removed or renamed since they were placed. Their space
// stays reserved, and a new entry pinned onto it collides with it, until
// it is released. It is the allocation's Held list, or, when the plan
// does not allocate (say, because of such a collision), worked out from
// the last lock and the plan as read.
func (d *Doc) Held() []plan.Entry {
	switch {
	case d.Plan == nil || d.lock == nil || d.lock.Prefix != d.Plan.Prefix:
		return nil
	case d.Alloc != nil && !d.Stale:
		return d.Alloc.Held
	}
	if d.heldRev != d.Rev {
		d.held, d.heldRev = heldBy(d.lock, d.Plan), d.Rev
	}
	return d.held
}

// heldBy returns the entries of lock that p does not name, in lock order.
func heldBy(lock *plan.Lock, p *plan.Plan) []plan.Entry {
	type key struct {
		kind plan.Kind
		path string
	}
	named := map[key]bool{}
	var walk func(parent string, subnets []*plan.Subnet)
	walk = func(parent string, subnets []*plan.Subnet) {
		for _, s := range subnets {
			path := joinPath(parent, s.Name)
			named[key{plan.KindSubnet, path}] = true
			for _, h := range s.Hosts {
				named[key{plan.KindHost, joinPath(path, h.Name)}] = true
			}
			for _, l := range s.Links {
				named[key{plan.KindLink, joinPath(path, l.Name)}] = true
			}
			walk(path, s.Subnets)
		}
	}
	walk("", p.Subnets)
	var out []plan.Entry
	for _, e := range lock.Entries() {
		if !named[key{e.Kind, e.Path}] {
			out = append(out, e)
		}
	}
	return out
}

func joinPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "/" + name
}

// Release frees a held entry and all held below it, as ip6plan release
// does, and plans again: their space may go to new entries. Only what the
// plan no longer names can be released, so nothing it names moves.
func (d *Doc) Release(path string) error {
	under := func(p string) bool { return p == path || strings.HasPrefix(p, path+"/") }
	isHeld := false
	for _, e := range d.Held() {
		isHeld = isHeld || e.Path == path
	}
	if !isHeld {
		return fmt.Errorf("%q is not held by the lock", path)
	}
	for _, e := range namedInLock(d) {
		if under(e) {
			return fmt.Errorf("%q is in the plan too, as another kind of entry: rename one of them", e)
		}
	}
	if _, err := d.lock.Release(path); err != nil {
		return err
	}
	d.replan()
	return nil
}

// namedInLock returns the paths of the lock's entries that the plan
// names: the ones a release must not take with it.
func namedInLock(d *Doc) []string {
	held := map[plan.Entry]bool{}
	for _, e := range d.Held() {
		held[e] = true
	}
	var out []string
	for _, e := range d.lock.Entries() {
		if !held[e] {
			out = append(out, e.Path)
		}
	}
	return out
}

// maxHeldShown bounds the held entries the summary lists.
const maxHeldShown = 20

// renderHeld lists what the lock holds, with a button to release each, so
// that the summary says why a renamed entry now has a new prefix or
// address, or collides with its old self. Entries inside a held subnet go
// with it and are not listed apart.
func (c *Editor) renderHeld() app.UI {
	held := c.Doc.Held()
	if len(held) == 0 {
		return nil
	}
	heldSubnets := map[string]bool{}
	for _, e := range held {
		if e.Kind == plan.KindSubnet {
			heldSubnets[e.Path] = true
		}
	}
	var top []plan.Entry
	for _, e := range held {
		if !insideHeld(e.Path, heldSubnets) {
			top = append(top, e)
		}
	}
	shown := top[:min(len(top), maxHeldShown)]
	return app.Div().Class("held").ID("held").Body(
		app.H3().Text(fmt.Sprintf("Held by the lock (%d)", len(top))),
		app.P().Class("note").Text("Removed or renamed since they were placed, so their space stays reserved: "+
			"nothing new takes an address that may still be in DNS or on a machine. Renamed in the text, a subnet "+
			"or host gets a new place: to keep its addresses, type the old name back and rename it in the form. "+
			"Release one once nothing uses it."),
		app.Ul().Body(app.Range(shown).Slice(func(i int) app.UI {
			e := shown[i]
			return app.Li().DataSet("path", e.Path).Body(
				app.Span().Class("mono").Text(e.Kind.String()+" "+e.Path+" "+e.Prefix.String()),
				app.Button().Class("release").Title("Free its space for new entries (ip6plan release)").Text("release").
					OnClick(func(app.Context, app.Event) {
						c.heldErr = ""
						if err := c.Doc.Release(e.Path); err != nil {
							c.heldErr, c.heldErrRev = err.Error(), c.Doc.Rev
						}
					}),
			)
		})),
		app.If(len(top) > len(shown), func() app.UI {
			return app.P().Class("note").Text(fmt.Sprintf("and %d more (see the Allocation table)", len(top)-len(shown)))
		}),
		app.If(c.heldErr != "" && c.heldErrRev == c.Doc.Rev, func() app.UI { return app.P().Class("err").Text(c.heldErr) }),
	)
}

// insideHeld reports whether path lies below a held subnet.
func insideHeld(path string, heldSubnets map[string]bool) bool {
	for i := strings.LastIndexByte(path, '/'); i > 0; i = strings.LastIndexByte(path[:i], '/') {
		if heldSubnets[path[:i]] {
			return true
		}
	}
	return false
}
