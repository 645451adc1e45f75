package records

import (
	"bufio"
	"bytes"
	"hash"
	"io"
	"iter"
	"net/netip"
)

// The writers of a zone set. A ZoneSet has one exported writer per format,
// each in the file of its format: WriteBind in bind.go (and Files, BIND
// zone files on disk, in zonefile.go), WriteTinydns in tinydns.go,
// WriteJSON in json.go and WriteNsupdate in nsupdate.go. Their helpers are
// methods of zoneWriter that take the set and the zone they write. What the
// formats share is here: the line buffer, the part of a set to write, and
// the comment that marks what ip6plan wrote. No format calls into
// another's file.

// Part selects which records a writer emits.
type Part uint8

const (
	Forward Part = 1 << iota // the forward zones: AAAA, A, MX and TXT records
	Reverse                  // reverse zones: SOA, NS and PTR records
	Both    = Forward | Reverse
)

// Has reports whether p includes q.
func (p Part) Has(q Part) bool { return p&q != 0 }

// orBoth reads the zero Part as Both, so callers may leave it unset.
func (p Part) orBoth() Part {
	if p == 0 {
		return Both
	}
	return p
}

// writtenBy ends the first line of everything ip6plan writes for a zone
// set: the comment that marks a file as ip6plan's (see [Ours]).
const writtenBy = "written by ip6plan"

// Ours reports whether file is a zone file (or tinydns data, or an
// nsupdate script) that ip6plan wrote, edited since or not: it holds the
// comment each of them starts with. A file ip6plan wrote may be written
// over when the plan changes; any other must be left alone unless the
// user says to replace it. [Untouched] tells whether anyone edited it.
func Ours(file []byte) bool { return bytes.Contains(file, []byte(writtenBy)) }

// zoneWriter writes zone-file lines through one buffer that every line
// reuses, so a zone of any size streams out in constant memory.
type zoneWriter struct {
	w      *bufio.Writer
	b      []byte
	err    error
	digest hash.Hash64 // when not nil, every line written goes into it; see writeDigest
}

func newZoneWriter(w io.Writer) *zoneWriter {
	return &zoneWriter{w: bufio.NewWriterSize(w, 64<<10), b: make([]byte, 0, 512)}
}

// line writes b as one line.
func (z *zoneWriter) line() {
	if z.err == nil {
		z.b = append(z.b, '\n')
		_, z.err = z.w.Write(z.b)
		if z.digest != nil {
			z.digest.Write(z.b)
		}
	}
	z.b = z.b[:0]
}

func (z *zoneWriter) str(parts ...string) {
	for _, p := range parts {
		z.b = append(z.b, p...)
	}
	z.line()
}

func (z *zoneWriter) flush() error {
	if z.err != nil {
		return z.err
	}
	return z.w.Flush()
}

// inZone yields the hosts whose PTR lives in z: inside it and outside the
// zones it delegates.
func inZone(z ReverseZone, delegated []ReverseZone, hosts iter.Seq[Host]) iter.Seq[Host] {
	return func(yield func(Host) bool) {
		for h := range hosts {
			if z.Contains(h.Addr) && !inDelegated(h.Addr, delegated) && !yield(h) {
				return
			}
		}
	}
}

func inDelegated(a netip.Addr, delegated []ReverseZone) bool {
	for _, d := range delegated {
		if d.Prefix.Contains(a) {
			return true
		}
	}
	return false
}
