package app

import (
	"errors"
	"fmt"

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
		d.held, d.heldRev = d.lock.Held(d.Plan), d.Rev
	}
	return d.held
}

// Release frees a held entry and all held below it, as ip6plan release
// does (plan.Lock.ReleaseHeld), and plans again: their space may go to
// new entries. An entry the plan still has is not released, so nothing it
// names moves.
func (d *Doc) Release(path string) error {
	if d.Held() == nil {
		return fmt.Errorf("%q is not held by the lock", path)
	}
	_, err := d.lock.ReleaseHeld(d.Plan, path)
	if errors.Is(err, plan.ErrInPlan) {
		return fmt.Errorf("%q is in the plan too: releasing it would hand its addresses to the next entry that needs space; rename or remove it in the plan first", path)
	}
	if err != nil {
		return err
	}
	d.replan()
	return nil
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
	top := plan.OutermostHeld(held)
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
