package plan

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ip6plan/ip6plan/plan/ip6"
)

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
	// An editor on Windows may start the file with a byte order mark.
	for rest := strings.TrimPrefix(string(data), "\ufeff"); rest != ""; { // not bytes.Lines: its closure costs the wasm 18 KB here
		line++
		nl := strings.IndexByte(rest, '\n')
		if nl < 0 {
			// Some editors drop the last newline. In version 2 that is
			// harmless: a line cut anywhere else leaves no end line, or an
			// end line whose count or checksum is wrong.
			if magic != lockMagic || !strings.HasPrefix(rest, "end ") {
				return nil, errorAt(at(line), "the file ends in the middle of a line: it was cut short")
			}
			nl = len(rest)
			rest += "\n"
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
				if len(f) != 3 || len(f[2]) != len(want)-len(want[:strings.LastIndexByte(want, ' ')+1]) {
					errs = append(errs, errorAt(at(line), "the end line %q is not whole (it reads \"end COUNT CHECKSUM\"): the file was cut short", text))
				} else if n, err := strconv.Atoi(f[1]); err == nil && n != sum.n {
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
				p, err := ip6.ParsePrefix(f[1])
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
		if e.Prefix, err = ip6.ParsePrefix(f[1]); err == nil && e.Prefix.Bits() > 64 {
			err = fmt.Errorf("subnet %s is longer than /64", e.Prefix)
		}
	case "link":
		e.Kind = KindLink
		if e.Prefix, err = ip6.ParsePrefix(f[1]); err == nil && e.Prefix.Bits() != 127 {
			err = fmt.Errorf("link %s is not a /127 (RFC 6164)", e.Prefix)
		}
	case "host":
		var a netip.Addr
		a, err = ip6.ParseAddr(f[1])
		e.Kind, e.Prefix = KindHost, netip.PrefixFrom(a, 128)
	case "vacated":
		e.Kind = KindVacated
		e.Prefix, err = ip6.ParsePrefix(f[1])
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
