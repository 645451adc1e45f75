package plan

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
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

// ReleaseVacated removes only the space that the entry at path, or any
// entry below it, left behind when it was renumbered or shrunk, with the
// held entries that lie in it (removed hosts of a subnet that moved
// away): it is the release for an entry the plan still has.
func (l *Lock) ReleaseVacated(path string) ([]Entry, error) {
	var space []netip.Prefix
	for _, e := range l.list {
		if e.Kind == KindVacated && under(e.Path, path) {
			space = append(space, e.Prefix)
		}
	}
	return l.release(path, func(e Entry) bool {
		return e.Kind == KindVacated || slices.ContainsFunc(space, func(v netip.Prefix) bool {
			return v.Bits() <= e.Prefix.Bits() && v.Contains(e.Prefix.Addr())
		})
	})
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

// The lock file's header lines. Version 2 ends with a line that counts
// the entries and sums them, so that a lock cut short, or one with a line
// lost or added in an edit or a merge, is refused rather than read as a
// smaller lock whose missing entries Allocate would hand out again.
const (
	lockMagic   = "ip6plan-lock v2"
	lockMagicV1 = "ip6plan-lock v1"
)

// IsLockText reports whether data is meant as a lock file: its first line
// that is neither blank nor a comment starts with the lock header's
// "ip6plan-lock". A tool handed files of both kinds (the web app's Open)
// tells them apart with it; ParseLock then says what is wrong with one.
func IsLockText(data []byte) bool {
	for line := range bytes.Lines(data) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		return bytes.HasPrefix(line, []byte("ip6plan-lock"))
	}
	return false
}

// lockSum sums the lock's prefix line and entry lines, each with its
// newline, as they stand in the file.
type lockSum struct {
	h hash.Hash
	n int
}

func newLockSum() *lockSum { return &lockSum{h: sha256.New()} }

func (s *lockSum) line(text string) {
	io.WriteString(s.h, text)
	s.h.Write([]byte{'\n'})
}

// end returns the end line's text.
func (s *lockSum) end() string {
	return fmt.Sprintf("end %d %x", s.n, s.h.Sum(nil)[:8])
}

// WriteTo writes the lock in its text form: a header, then one sorted
// line per entry, so that diffs of the file read as changes to the plan,
// then the end line.
func (l *Lock) WriteTo(w io.Writer) (int64, error) {
	var b bytes.Buffer
	b.WriteString("# ip6plan lock file: where each subnet, host and link of the plan was placed.\n")
	b.WriteString("# ip6plan keeps every entry where it is; entries gone from the plan stay\n")
	b.WriteString("# reserved until released with `ip6plan release`. Keep this file with the plan,\n")
	b.WriteString("# and change it only with ip6plan: a damaged lock is refused (see the README).\n")
	b.WriteString(lockMagic + "\n")
	sum := newLockSum()
	line := func(text string) {
		b.WriteString(text)
		b.WriteByte('\n')
		sum.line(text)
	}
	line("prefix " + l.Prefix.String())
	for _, e := range l.Entries() {
		line(e.String())
		sum.n++
	}
	b.WriteString(sum.end() + "\n")
	n, err := w.Write(b.Bytes())
	return int64(n), err
}

// Bytes returns the lock in its text form.
func (l *Lock) Bytes() []byte {
	var b bytes.Buffer
	l.WriteTo(&b)
	return b.Bytes()
}

// conflictMarker reports whether a line is one Git writes into a file it
// could not merge.
func conflictMarker(text string) bool {
	for _, m := range [...]string{"<<<<<<<", "=======", ">>>>>>>", "|||||||"} {
		if strings.HasPrefix(text, m) {
			return true
		}
	}
	return false
}

// ParseLock reads a lock in the form WriteTo writes. name is the file
// name that error positions carry. Lines may end in CRLF (a lock checked
// out with Git's autocrlf). Every entry must lie inside the lock's prefix
// and have the length its kind has: a subnet /64 or shorter, a host /128,
// a link /127; an entry that did not would be dropped by Allocate and its
// space handed out again, moving an address that was published. For the
// same reason a lock that was cut short, lost or gained a line, went
// through a textual merge or holds overlapping entries is refused: it no
// longer records what was deployed, and reading it as it stands would
// hand out addresses that are in use. Version 1 locks, which have no end
// line, still read; Legacy reports them.
func ParseLock(name string, data []byte) (*Lock, error) {
	l, err := parseLock(name, data)
	if err != nil {
		return nil, errors.Join(err, fmt.Errorf("%s: %w, so ip6plan will not use it: a lock is the record of what is deployed. "+
			"Restore it from version control (git checkout -- %[1]s, or git log -p %[1]s for an earlier version) or from a backup; "+
			"if a merge conflicted, merge again with ip6plan's merge driver (ip6plan lock merge, see the README). "+
			"Do not delete it: without it, entries may move", name, ErrLockDamaged))
	}
	return l, nil
}

// ErrLockDamaged ends every error ParseLock returns, with what to do.
var ErrLockDamaged = errors.New("the lock is damaged")

func parseLock(name string, data []byte) (*Lock, error) {
	l := NewLock(netip.Prefix{})
	var errs []error
	at := func(line int) Pos { return Pos{File: name, Line: line, Col: 1} }
	line, magic, prefixLine, endLine := 0, "", 0, 0
	lines := map[lockKey]int{} // where each entry was read
	sum := newLockSum()
	if i := bytes.IndexByte(data, 0); i >= 0 || !utf8.Valid(data) {
		return nil, errorAt(at(1), "not an ip6plan lock file: it holds binary data, not text")
	}
	for rest := string(data); rest != ""; { // not bytes.Lines: its closure costs the wasm 18 KB here
		line++
		nl := strings.IndexByte(rest, '\n')
		if nl < 0 {
			return nil, errorAt(at(line), "the file ends in the middle of a line: it was cut short")
		}
		text := strings.TrimSuffix(rest[:nl], "\r")
		rest = rest[nl+1:]
		if conflictMarker(text) {
			return nil, errorAt(at(line), "%q is a Git conflict marker: the lock was merged as text, and its entries may overlap", text)
		}
		if text == "" || text[0] == '#' {
			continue
		}
		if endLine != 0 {
			errs = append(errs, errorAt(at(line), "an entry after the end line (line %d): lines were added to the lock by hand or by a merge", endLine))
			break
		}
		if magic == "" {
			if text != lockMagic && text != lockMagicV1 {
				if len(text) > 40 {
					text = text[:40] + "..."
				}
				return nil, errorAt(at(line), "not an ip6plan lock file: want %q, found %q", lockMagic, text)
			}
			magic = text
			continue
		}
		f := strings.Fields(text)
		switch {
		case len(f) > 0 && f[0] == "end" && magic == lockMagic:
			endLine = line
			if want := sum.end(); text != want {
				if n, err := strconv.Atoi(f[min(1, len(f)-1)]); err == nil && n != sum.n {
					errs = append(errs, errorAt(at(line), "the end line counts %d entries, but the lock has %d: lines were lost or added since ip6plan wrote it", n, sum.n))
				} else {
					errs = append(errs, errorAt(at(line), "the lock's checksum does not match its entries (want %q, found %q): it was changed since ip6plan wrote it", want, text))
				}
			}
			continue
		case len(f) > 0 && f[0] == "prefix":
			sum.line(text)
			switch {
			case len(f) != 2:
				errs = append(errs, errorAt(at(line), "want prefix PREFIX, found %d fields", len(f)))
			case prefixLine != 0:
				errs = append(errs, errorAt(at(line), "a second prefix line; the first is at line %d", prefixLine))
			default:
				p, err := ParsePrefix(f[1])
				if err != nil {
					errs = append(errs, errorAt(at(line), "%v", err))
				}
				l.Prefix = p
			}
			if prefixLine == 0 {
				prefixLine = line
			}
			continue
		}
		sum.line(text)
		sum.n++
		e, err := parseEntry(f)
		if err != nil {
			errs = append(errs, errorAt(at(line), "%v", err))
			continue
		}
		k := keyOf(e)
		if prev, dup := lines[k]; dup {
			errs = append(errs, errorAt(at(line), "%s %s appears twice; the first is at line %d", e.Kind, e.Path, prev))
			continue
		}
		lines[k] = line
		l.list = append(l.list, e) // unique: a second one is an error above
	}
	switch {
	case magic == "":
		errs = append(errs, errorAt(at(1), "not an ip6plan lock file: no %q line", lockMagic))
	case prefixLine == 0:
		errs = append(errs, errorAt(at(1), "the lock names no prefix; a lock starts with a line such as: prefix 2001:db8:d6::/48"))
	case magic == lockMagic && endLine == 0:
		errs = append(errs, errorAt(at(line), "the lock has no end line: it was cut short after line %d", line))
	case l.Prefix.IsValid():
		for _, e := range l.list {
			if !inside(e.Prefix, l.Prefix) || e.Prefix == l.Prefix && l.Prefix.Bits() < 64 {
				errs = append(errs, errorAt(at(lines[keyOf(e)]), "%s %s at %s is not inside the lock's prefix %s", e.Kind, e.Path, e.Prefix, l.Prefix))
			}
		}
		if len(errs) == 0 {
			for _, o := range overlaps(l.list) {
				errs = append(errs, errorAt(at(lines[keyOf(o[1])]), "%s overlaps %s (line %d); only an entry inside its own subnet may", o[1], o[0], lines[keyOf(o[0])]))
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	l.legacy = magic == lockMagicV1
	return l, nil
}

// overlaps returns the pairs of entries whose space overlaps although
// neither is inside the other's subnet, each as the outer entry (or the
// first in lock order) and the inner one. A subnet, or space a subnet
// vacated, holds the entries whose paths are below its own; nothing else
// may share an address.
func overlaps(list []Entry) [][2]Entry {
	es := slices.Clone(list)
	sortEntries(es)
	var out [][2]Entry
	var open []Entry // the entries containing the current one, outermost first
	for _, e := range es {
		for len(open) > 0 && !open[len(open)-1].Prefix.Contains(e.Prefix.Addr()) {
			open = open[:len(open)-1]
		}
		if len(open) > 0 {
			o := open[len(open)-1]
			holds := func(outer, inner Entry) bool {
				return (outer.Kind == KindSubnet || outer.Kind == KindVacated) && outer.Path != inner.Path && under(inner.Path, outer.Path)
			}
			// Of two entries on the same space, either may be sorted first.
			if !holds(o, e) && !(o.Prefix == e.Prefix && holds(e, o)) {
				out = append(out, [2]Entry{o, e})
				continue // the first conflict says enough about e
			}
		}
		open = append(open, e)
	}
	return out
}

func parseEntry(f []string) (Entry, error) {
	if len(f) != 3 {
		return Entry{}, fmt.Errorf("want KIND ADDRESS PATH, found %d fields", len(f))
	}
	e := Entry{Path: f[2]}
	var err error
	switch f[0] {
	case "subnet":
		e.Kind = KindSubnet
		if e.Prefix, err = ParsePrefix(f[1]); err == nil && e.Prefix.Bits() > 64 {
			err = fmt.Errorf("subnet %s is longer than /64", e.Prefix)
		}
	case "link":
		e.Kind = KindLink
		if e.Prefix, err = ParsePrefix(f[1]); err == nil && e.Prefix.Bits() != 127 {
			err = fmt.Errorf("link %s is not a /127 (RFC 6164)", e.Prefix)
		}
	case "host":
		var a netip.Addr
		a, err = ParseAddr(f[1])
		e.Kind, e.Prefix = KindHost, netip.PrefixFrom(a, 128)
	case "vacated":
		e.Kind = KindVacated
		e.Prefix, err = ParsePrefix(f[1])
	default:
		return Entry{}, fmt.Errorf("unknown entry kind %q; want subnet, host, link or vacated", f[0])
	}
	if err == nil {
		for _, name := range strings.Split(e.Path, "/") {
			if err = checkName(name); err != nil && CheckHostname(name) == nil {
				err = nil // a host written as an FQDN
			}
			if err != nil {
				break
			}
		}
	}
	return e, err
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
