package plan

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
)

// Kind is what a lock entry records.
type Kind uint8

const (
	KindSubnet Kind = iota // a subnet prefix
	KindHost               // a host address, as a /128
	KindLink               // a point-to-point /127

	// KindVacated is space an entry left behind when it was renumbered,
	// or the part of a block that a shrink gave up. Its path is the
	// entry's. Addresses there may still carry the entry's reputation
	// (blocklists, PTR records, firewall rules), so nothing new is placed
	// on it until it is released.
	KindVacated
)

var kindNames = [...]string{KindSubnet: "subnet", KindHost: "host", KindLink: "link", KindVacated: "vacated"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// An Entry is one allocation in a lock: what it is, the path of names
// that identifies it in the plan ("site-a/servers/www"), and where it is.
type Entry struct {
	Kind   Kind
	Path   string
	Prefix netip.Prefix
}

// String returns the entry as a lock file line.
func (e Entry) String() string {
	where := e.Prefix.String()
	if e.Kind == KindHost {
		where = e.Prefix.Addr().String()
	}
	return e.Kind.String() + " " + where + " " + e.Path
}

// lockKey identifies an entry of a lock: by kind and path, and for
// vacated space, which one path may leave in several pieces, by prefix.
type lockKey struct {
	kind Kind
	path string
	at   netip.Prefix // set for KindVacated only
}

func keyOf(e Entry) lockKey {
	if e.Kind == KindVacated {
		return lockKey{e.Kind, e.Path, e.Prefix}
	}
	return lockKey{kind: e.Kind, path: e.Path}
}

// under reports whether path is at or below dir in the plan's tree.
func under(path, dir string) bool {
	return path == dir || len(path) > len(dir) && path[len(dir)] == '/' && path[:len(dir)] == dir
}

// A Lock records every allocation made for a plan, so that later runs put
// each subnet, host and link exactly where it was (RFC 3531's promise of
// no renumbering, kept by bookkeeping). The zero Lock is empty and has no
// prefix. A Lock is kept next to the plan file as PLAN.lock.
type Lock struct {
	Prefix netip.Prefix
	list   []Entry // one per key, in the order they were put
	legacy bool    // read from the v1 format, which cannot show a lost line

	// index finds an entry of list by kind and path. It is built on the
	// first Get, Put or Release: the web app allocates a plan of 65,536
	// subnets after every edit and reads the lock only in order (see
	// lockMatch), and building the map would cost more than the rest of
	// Allocate. The Once keeps Get safe to call from many goroutines.
	index     map[lockKey]int
	indexOnce sync.Once
}

// NewLock returns an empty lock for a plan with the given prefix.
func NewLock(prefix netip.Prefix) *Lock {
	return &Lock{Prefix: prefix}
}

// indexed returns l.index, building it on its first use.
func (l *Lock) indexed() map[lockKey]int {
	l.indexOnce.Do(l.reindex)
	return l.index
}

func (l *Lock) reindex() {
	l.index = make(map[lockKey]int, len(l.list))
	for i, e := range l.list {
		l.index[keyOf(e)] = i
	}
}

// Legacy reports whether the lock was read from the v1 format, whose
// lines carry no count or checksum: a line deleted from it cannot be
// told. Writing the lock upgrades it.
func (l *Lock) Legacy() bool { return l != nil && l.legacy }

// Clone returns a copy of the lock that shares nothing with it.
func (l *Lock) Clone() *Lock {
	if l == nil {
		return nil
	}
	return &Lock{Prefix: l.Prefix, list: slices.Clone(l.list), legacy: l.legacy}
}

// Get returns the entry of the given kind at path.
func (l *Lock) Get(kind Kind, path string) (Entry, bool) {
	return l.get(lockKey{kind: kind, path: path})
}

func (l *Lock) get(k lockKey) (Entry, bool) {
	if l == nil {
		return Entry{}, false
	}
	i, ok := l.indexed()[k]
	if !ok {
		return Entry{}, false
	}
	return l.list[i], true
}

// Put records an entry, replacing any of the same kind and path.
func (l *Lock) Put(e Entry) {
	k := keyOf(e)
	if i, ok := l.indexed()[k]; ok {
		l.list[i] = e
		return
	}
	l.index[k] = len(l.list)
	l.list = append(l.list, e)
}

// Len returns the number of entries.
func (l *Lock) Len() int {
	if l == nil {
		return 0
	}
	return len(l.list)
}

// Entries returns the entries in lock file order: by address, shorter
// prefixes before the longer ones inside them, then by kind and path.
func (l *Lock) Entries() []Entry {
	if l == nil {
		return nil
	}
	out := make([]Entry, len(l.list))
	copy(out, l.list)
	sortEntries(out)
	return out
}

func compareEntries(a, b Entry) int {
	return cmp.Or(a.Prefix.Addr().Compare(b.Prefix.Addr()), cmp.Compare(a.Prefix.Bits(), b.Prefix.Bits()),
		cmp.Compare(a.Kind, b.Kind), strings.Compare(a.Path, b.Path))
}

// sortEntries sorts es in lock file order (compareEntries), stably: a
// merge sort of its own rather than slices.SortFunc, whose pdqsort copy
// for Entry cost app.wasm 19.5 KB of code (7.5 KB gzip), and as fast
// (BenchmarkAllocateScale, BenchmarkAllocateReplan; app.BenchmarkDocEdit
// as WebAssembly).
func sortEntries(es []Entry) {
	const run = 16 // sorted by insertion before merging
	n := len(es)
	sorted := true // as a lock read from its file is, and one Allocate made of a plan in address order
	for i := 1; i < n && sorted; i++ {
		sorted = compareEntries(es[i-1], es[i]) <= 0
	}
	if sorted {
		return
	}
	for i := 0; i < n; i += run {
		r := es[i:min(i+run, n)]
		for j := 1; j < len(r); j++ {
			for k := j; k > 0 && compareEntries(r[k], r[k-1]) < 0; k-- {
				r[k], r[k-1] = r[k-1], r[k]
			}
		}
	}
	if n <= run {
		return
	}
	src, dst := es, make([]Entry, n)
	for w := run; w < n; w *= 2 {
		for i := 0; i < n; i += 2 * w {
			x, y := src[i:min(i+w, n)], src[min(i+w, n):min(i+2*w, n)]
			out := dst[i:i]
			for len(x) > 0 && len(y) > 0 {
				if compareEntries(y[0], x[0]) < 0 {
					out, y = append(out, y[0]), y[1:]
				} else {
					out, x = append(out, x[0]), x[1:]
				}
			}
			out = append(out, x...)
			_ = append(out, y...)
		}
		src, dst = dst, src
	}
	if &src[0] != &es[0] {
		copy(es, src)
	}
}

// Release removes the entry at path and every entry below it, vacated
// space included, so their space can go to new entries, and returns what
// it removed. It is the only way an allocation leaves the lock: removing
// an entry from the plan only holds its space.
func (l *Lock) Release(path string) ([]Entry, error) {
	return l.release(path, func(Entry) bool { return true })
}

// releaseVacated removes only the space that the entry at path, or any
// entry below it, left behind when it was renumbered or shrunk, with the
// held entries that lie in it (removed hosts of a subnet that moved
// away): it is the release for an entry the plan still has (ReleaseHeld).
func (l *Lock) releaseVacated(path string) ([]Entry, error) {
	var space []netip.Prefix
	for i := range l.Len() {
		if e := l.list[i]; e.Kind == KindVacated && under(e.Path, path) {
			space = append(space, e.Prefix)
		}
	}
	return l.release(path, func(e Entry) bool {
		for _, v := range space {
			if v.Bits() <= e.Prefix.Bits() && v.Contains(e.Prefix.Addr()) {
				return true
			}
		}
		return e.Kind == KindVacated
	})
}

// Has reports whether l has e: an entry of its kind and path, at its
// prefix.
func (l *Lock) Has(e Entry) bool {
	got, ok := l.get(keyOf(e))
	return ok && got == e
}

func (l *Lock) release(path string, which func(Entry) bool) ([]Entry, error) {
	if l == nil {
		return nil, fmt.Errorf("the lock has no entry %q", path)
	}
	var gone []Entry
	kept := l.list[:0]
	for _, e := range l.list {
		if under(e.Path, path) && which(e) {
			gone = append(gone, e)
		} else {
			kept = append(kept, e)
		}
	}
	if len(gone) == 0 {
		return nil, fmt.Errorf("the lock has no entry %q", path)
	}
	clear(l.list[len(kept):])
	l.list = kept
	l.indexOnce.Do(func() {}) // built here instead, from what is left
	l.reindex()
	sortEntries(gone)
	return gone, nil
}

// Rename gives the entry at path old, and every entry below it (held and
// vacated ones included), the path new, each keeping its place: a rename
// is not a renumbering. It fails if the lock has no entry at old or
// already has one at or below new.
func (l *Lock) Rename(old, new string) error {
	if old == new {
		return nil
	}
	found := false
	for _, e := range l.list {
		switch {
		case under(e.Path, old):
			found = true
		case under(e.Path, new):
			return fmt.Errorf("cannot rename %s to %s: the lock already has %s", old, new, e)
		}
	}
	if !found {
		return fmt.Errorf("the lock has no entry %q", old)
	}
	for i, e := range l.list {
		if under(e.Path, old) {
			l.list[i].Path = new + e.Path[len(old):]
		}
	}
	l.indexOnce.Do(func() {})
	l.reindex()
	return nil
}

// A Change is one difference between two locks.
type Change struct {
	Op    byte         // '+' added, '-' removed, '~' moved
	Entry Entry        // the entry as it is now; as it was, for a removal
	Was   netip.Prefix // where a moved entry was
}

// String returns the change as a line of a diff.
func (c Change) String() string {
	if c.Op == '~' {
		was := c.Was.String()
		if c.Entry.Kind == KindHost {
			was = c.Was.Addr().String()
		}
		return fmt.Sprintf("~ %s (was %s)", c.Entry, was)
	}
	return string(c.Op) + " " + c.Entry.String()
}

// Diff lists what turns old into new: entries added, removed (released)
// and moved, in lock file order. A nil old lock is empty.
func Diff(old, new *Lock) []Change {
	var out []Change
	for _, e := range new.Entries() {
		switch was, ok := old.get(keyOf(e)); {
		case !ok:
			out = append(out, Change{Op: '+', Entry: e})
		case was.Prefix != e.Prefix:
			out = append(out, Change{Op: '~', Entry: e, Was: was.Prefix})
		}
	}
	for _, e := range old.Entries() {
		if _, ok := new.get(keyOf(e)); !ok {
			out = append(out, Change{Op: '-', Entry: e})
		}
	}
	slices.SortStableFunc(out, func(a, b Change) int { return compareEntries(a.Entry, b.Entry) })
	return out
}
