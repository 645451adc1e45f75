package plan

import (
	"errors"
	"strings"
)

// Held entries. An entry removed from the plan or renamed keeps its space
// in the lock, and so does the space an entry left when it was renumbered
// or shrunk (KindVacated), so that nothing new takes an address that may
// still be in DNS, on a blocklist or on a machine. Only a release frees
// it. The rules here are the ones the CLI and the web app share: which
// entries are held, which of them go with another, and what a release of
// a path may free.

// Held returns the entries of l that p does not name, in lock file order:
// subnets, hosts and links removed or renamed since they were placed, and
// vacated space. It is what Allocate lists in Allocation.Held, worked out
// without allocating, for a plan that does not allocate (say, because a
// pin collides with a held entry); the space that Allocate's own moves
// would vacate is not in it.
func (l *Lock) Held(p *Plan) []Entry {
	if l == nil {
		return nil
	}
	return newRun(p, l).held // the entries newRun's lockMatch found no one for
}

// OutermostHeld returns the entries of held that a release names, in
// their order: those not inside another held entry that is gone from the
// plan. An entry inside a removed subnet, its hosts and links, what was
// in them and the space they vacated, goes with the subnet: releasing the
// subnet frees them too, so a list of what the lock holds names the
// subnet alone. Vacated space contains nothing: an entry below the path
// of space its parent left is not inside it.
func OutermostHeld(held []Entry) []Entry {
	gone := make(map[string]bool, len(held))
	for _, e := range held {
		if e.Kind != KindVacated {
			gone[e.Path] = true
		}
	}
	var out []Entry
	for _, e := range held {
		if !insideAny(e.Path, gone) {
			out = append(out, e)
		}
	}
	return out
}

// insideAny reports whether path lies below one of dirs.
func insideAny(path string, dirs map[string]bool) bool {
	for i := strings.LastIndexByte(path, '/'); i > 0; i = strings.LastIndexByte(path[:i], '/') {
		if dirs[path[:i]] {
			return true
		}
	}
	return false
}

// ErrInPlan is the error of a release of an entry the plan still has:
// its addresses would go to the next entry that needs space.
var ErrInPlan = errors.New("the plan still has the entry, so its space is not released")

// ReleaseHeld frees what l holds at path for the plan p, so that new
// entries may take its space, and returns what it removed. An entry the
// plan no longer has is released with everything below it, as Release
// does. An entry the plan still has is not released: for it, only the
// space it or an entry below it left when renumbered or shrunk is freed,
// with the held entries inside that space, and when there is none the
// error is ErrInPlan.
func (l *Lock) ReleaseHeld(p *Plan, path string) ([]Entry, error) {
	if !p.Has(path) {
		return l.Release(path)
	}
	if gone, err := l.releaseVacated(path); err == nil {
		return gone, nil
	}
	return nil, ErrInPlan
}
