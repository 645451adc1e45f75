package plan

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
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
)

var kindNames = [...]string{KindSubnet: "subnet", KindHost: "host", KindLink: "link"}

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

type lockKey struct {
	kind Kind
	path string
}

// A Lock records every allocation made for a plan, so that later runs put
// each subnet, host and link exactly where it was (RFC 3531's promise of
// no renumbering, kept by bookkeeping). The zero Lock is empty and has no
// prefix. A Lock is kept next to the plan file as PLAN.lock.
type Lock struct {
	Prefix netip.Prefix
	list   []Entry // one per kind and path, in the order they were put

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
		l.index[lockKey{e.Kind, e.Path}] = i
	}
}

// Get returns the entry of the given kind at path.
func (l *Lock) Get(kind Kind, path string) (Entry, bool) {
	if l == nil {
		return Entry{}, false
	}
	i, ok := l.indexed()[lockKey{kind, path}]
	if !ok {
		return Entry{}, false
	}
	return l.list[i], true
}

// Put records an entry, replacing any of the same kind and path.
func (l *Lock) Put(e Entry) {
	k := lockKey{e.Kind, e.Path}
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
	slices.SortFunc(out, compareEntries)
	return out
}

func compareEntries(a, b Entry) int {
	return cmp.Or(a.Prefix.Addr().Compare(b.Prefix.Addr()), cmp.Compare(a.Prefix.Bits(), b.Prefix.Bits()),
		cmp.Compare(a.Kind, b.Kind), strings.Compare(a.Path, b.Path))
}

// Release removes the entry at path and every entry below it, so their
// space can go to new entries, and returns what it removed. It is the
// only way an allocation leaves the lock: removing an entry from the plan
// only holds its space.
func (l *Lock) Release(path string) ([]Entry, error) {
	if l == nil {
		return nil, fmt.Errorf("the lock has no entry %q", path)
	}
	var gone []Entry
	kept := l.list[:0]
	for _, e := range l.list {
		if e.Path == path || strings.HasPrefix(e.Path, path+"/") {
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
	slices.SortFunc(gone, compareEntries)
	return gone, nil
}

const lockMagic = "ip6plan-lock v1"

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

// WriteTo writes the lock in its text form: a header, then one sorted
// line per entry, so that diffs of the file read as changes to the plan.
func (l *Lock) WriteTo(w io.Writer) (int64, error) {
	var b bytes.Buffer
	b.WriteString("# ip6plan lock file: where each subnet, host and link of the plan was placed.\n")
	b.WriteString("# ip6plan keeps every entry where it is; entries gone from the plan stay\n")
	b.WriteString("# reserved until released with `ip6plan release`. Keep this file with the plan.\n")
	b.WriteString(lockMagic + "\n")
	fmt.Fprintf(&b, "prefix %s\n", l.Prefix)
	for _, e := range l.Entries() {
		b.WriteString(e.String())
		b.WriteByte('\n')
	}
	n, err := w.Write(b.Bytes())
	return int64(n), err
}

// Bytes returns the lock in its text form.
func (l *Lock) Bytes() []byte {
	var b bytes.Buffer
	l.WriteTo(&b)
	return b.Bytes()
}

// ParseLock reads a lock in the form WriteTo writes. name is the file
// name that error positions carry. Lines may end in CRLF (a lock checked
// out with Git's autocrlf). Every entry must lie inside the lock's prefix
// and have the length its kind has: a subnet /64 or shorter, a host /128,
// a link /127; an entry that did not would be dropped by Allocate and its
// space handed out again, moving an address that was published.
func ParseLock(name string, data []byte) (*Lock, error) {
	l := NewLock(netip.Prefix{})
	var errs []error
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	line, sawMagic, prefixLine := 0, false, 0
	lines := map[lockKey]int{} // where each entry was read
	var entries []Entry
	for sc.Scan() {
		line++
		text := strings.TrimSuffix(sc.Text(), "\r")
		if text == "" || text[0] == '#' {
			continue
		}
		at := Pos{File: name, Line: line, Col: 1}
		if !sawMagic {
			if text != lockMagic {
				return nil, errorAt(at, "not an ip6plan lock file: want %q, found %q", lockMagic, text)
			}
			sawMagic = true
			continue
		}
		f := strings.Fields(text)
		if len(f) > 0 && f[0] == "prefix" {
			switch {
			case len(f) != 2:
				errs = append(errs, errorAt(at, "want prefix PREFIX, found %d fields", len(f)))
			case prefixLine != 0:
				errs = append(errs, errorAt(at, "a second prefix line; the first is at line %d", prefixLine))
			default:
				p, err := ParsePrefix(f[1])
				if err != nil {
					errs = append(errs, errorAt(at, "%v", err))
				}
				l.Prefix = p
			}
			if prefixLine == 0 {
				prefixLine = line
			}
			continue
		}
		e, err := parseEntry(f)
		if err != nil {
			errs = append(errs, errorAt(at, "%v", err))
			continue
		}
		k := lockKey{e.Kind, e.Path}
		if prev, dup := lines[k]; dup {
			errs = append(errs, errorAt(at, "%s %s appears twice; the first is at line %d", e.Kind, e.Path, prev))
			continue
		}
		lines[k] = line
		entries = append(entries, e)
		l.list = append(l.list, e) // unique: a second one is an error above
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, errorAt(Pos{File: name, Line: line + 1, Col: 1}, "%v", err))
	}
	switch {
	case !sawMagic:
		errs = append(errs, errorAt(Pos{File: name, Line: 1, Col: 1}, "not an ip6plan lock file: no %q line", lockMagic))
	case prefixLine == 0:
		errs = append(errs, errorAt(Pos{File: name, Line: 1, Col: 1}, "the lock names no prefix; a lock starts with a line such as: prefix 2001:db8:d6::/48"))
	case l.Prefix.IsValid():
		for _, e := range entries {
			if !inside(e.Prefix, l.Prefix) || e.Prefix == l.Prefix && l.Prefix.Bits() < 64 {
				errs = append(errs, errorAt(Pos{File: name, Line: lines[lockKey{e.Kind, e.Path}], Col: 1},
					"%s %s at %s is not inside the lock's prefix %s", e.Kind, e.Path, e.Prefix, l.Prefix))
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return l, nil
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
	default:
		return Entry{}, fmt.Errorf("unknown entry kind %q; want subnet, host or link", f[0])
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
		switch was, ok := old.Get(e.Kind, e.Path); {
		case !ok:
			out = append(out, Change{Op: '+', Entry: e})
		case was.Prefix != e.Prefix:
			out = append(out, Change{Op: '~', Entry: e, Was: was.Prefix})
		}
	}
	for _, e := range old.Entries() {
		if _, ok := new.Get(e.Kind, e.Path); !ok {
			out = append(out, Change{Op: '-', Entry: e})
		}
	}
	slices.SortStableFunc(out, func(a, b Change) int { return compareEntries(a.Entry, b.Entry) })
	return out
}
