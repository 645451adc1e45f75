package records

import (
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"path"
	"strings"
	"time"
)

// Zone files that ip6plan keeps in a directory, and the records people add
// to them by hand. ip6plan rewrites its zone files whenever the plan
// changes, so it never edits them in place: each one $INCLUDEs a file of
// hand-maintained records next to it, ZONE.local, which ip6plan never
// writes (the caller creates it empty when it is missing, as named needs
// the file to exist). Records added to the zone file itself are found
// before they could be lost: the file ends with a digest of the text
// ip6plan wrote (see [Untouched]), and an edited file is compared record
// by record with what ip6plan writes now (the CLI does this with
// records/zonefile, which parses zone files and stays out of the web app).

// ZoneFileName returns the name of the file that holds the zone origin:
// the zone's name without its trailing dot, then ".zone".
func ZoneFileName(origin string) string { return strings.TrimSuffix(origin, ".") + ".zone" }

// LocalFileName returns the name of the hand-maintained file that the zone
// file of origin $INCLUDEs: the zone's name without its trailing dot,
// then ".local".
func LocalFileName(origin string) string { return strings.TrimSuffix(origin, ".") + ".local" }

// LocalFileText is what a new, empty hand-maintained file of origin holds:
// comments that say what it is for.
func LocalFileText(origin string) string {
	return "; Records of " + origin + " kept by hand. ip6plan never writes this file; the zone file\n" +
		"; " + ZoneFileName(origin) + " includes it with $INCLUDE, so its names are relative to " + origin + "\n" +
		"; Add records here, not to " + ZoneFileName(origin) + ", which ip6plan rewrites.\n"
}

// A ZoneFile is one zone of a set as a file of its own, in BIND form: the
// zone with its SOA and NS records, an $INCLUDE of the hand-maintained
// file LocalFileName(Origin), its records, and a last line holding a
// digest of the text before it (see [Untouched]).
type ZoneFile struct {
	Origin string // the zone, fully qualified
	Name   string // ZoneFileName(Origin)
	Local  string // LocalFileName(Origin)
	set    *ZoneSet
	write  func(z *zoneWriter, zs *ZoneSet) error // the zone through z, with the SOA and NS records of zs
}

// Write writes the file with serial as its SOA serial; [ZoneFile.Rewrite]
// chooses the serial of a file on disk.
func (f ZoneFile) Write(w io.Writer, serial uint32) error {
	zs := *f.set
	zs.Config.SOA.Serial = serial
	z := newZoneWriter(w)
	z.digest = fnv.New64a()
	if err := f.write(z, &zs); err != nil {
		return err
	}
	return z.writeDigest()
}

// Files returns the zone files of the set, for the records part selects
// (zero means both): the domain's forward zone, the zones of names outside
// it, then the reverse zones. It fails when the plan cannot have complete
// zones (ZoneSet.ConfigErr), or when part asks for forward zones and
// there are none because the plan has no domain.
func (zs *ZoneSet) Files(part Part) ([]ZoneFile, error) {
	if err := errors.Join(zs.ConfigErr, checkIncludeDir(zs.opt.IncludeDir)); err != nil {
		return nil, err
	}
	part = part.orBoth()
	var files []ZoneFile
	if part.Has(Forward) {
		fzs := zs.forwardZones()
		if zs.Domain.Origin == "" && len(fzs) == 0 {
			return nil, errors.New(noDomain)
		}
		for _, fz := range fzs {
			files = append(files, zs.file(fz.Origin, func(z *zoneWriter, zs *ZoneSet) error {
				return z.forwardZone(zs, fz, zs.includePath(fz.Origin))
			}))
		}
	}
	if part.Has(Reverse) {
		for _, rz := range zs.Reverse {
			files = append(files, zs.file(rz.Name(), func(z *zoneWriter, zs *ZoneSet) error {
				return z.reverseZone(zs, rz, zs.includePath(rz.Name()))
			}))
		}
	}
	return files, nil
}

// file returns the zone file of origin, which write writes.
func (zs *ZoneSet) file(origin string, write func(*zoneWriter, *ZoneSet) error) ZoneFile {
	return ZoneFile{Origin: origin, Name: ZoneFileName(origin), Local: LocalFileName(origin), set: zs, write: write}
}

// includePath is the path a zone file's $INCLUDE names.
func (zs *ZoneSet) includePath(origin string) string {
	if zs.opt.IncludeDir == "" {
		return LocalFileName(origin)
	}
	return path.Join(zs.opt.IncludeDir, LocalFileName(origin))
}

// A FileChange says what writing a zone file does to the file on disk.
type FileChange uint8

const (
	Written   FileChange = iota // there was no file
	Unchanged                   // ip6plan's file with the same records: it stays as it is, serial and all
	Updated                     // ip6plan's file with other records: the new one has a greater serial
	Replaced                    // a file ip6plan did not write, or whose SOA serial cannot be read
)

// String returns the change as the CLI reports it: "written",
// "unchanged", "updated" or "replaced".
func (c FileChange) String() string {
	switch c {
	case Written:
		return "written"
	case Unchanged:
		return "unchanged"
	case Updated:
		return "updated"
	}
	return "replaced"
}

// Rewrite returns the text of f that is to replace old, the file on disk
// (nil when there is none), written at t, and what that does to the
// file. A file ip6plan wrote ([Ours]) whose records have not changed
// keeps its text, so its serial stays and secondaries transfer nothing; a
// changed one gets the serial [NextSerial] gives after its own; a new
// file, or one whose serial cannot be read, gets DateSerial(t). A serial
// other than 0 is one the user chose, which a new or changed file gets
// whether or not it is greater than the old one's.
//
// Rewrite replaces any old file: refusing to replace one that is not
// ours, or one with records added by hand (records/zonediff), is the
// caller's to do.
func (f ZoneFile) Rewrite(old []byte, t time.Time, serial uint32) ([]byte, FileChange, error) {
	change, next := Written, DateSerial(t)
	if old != nil {
		change = Replaced
		if prev, ok := fileSerial(old); ok && Ours(old) {
			var b bytes.Buffer
			if err := f.Write(&b, prev); err != nil {
				return nil, 0, err
			}
			if bytes.Equal(b.Bytes(), old) {
				return old, Unchanged, nil
			}
			change, next = Updated, NextSerial(t, prev)
		}
	}
	if serial != 0 {
		next = serial
	}
	var b bytes.Buffer
	if err := f.Write(&b, next); err != nil {
		return nil, 0, err
	}
	return b.Bytes(), change, nil
}

// digestPrefix starts the last line of a zone file ip6plan keeps.
const digestPrefix = "; ip6plan digest fnv1a64 "

// writeDigest writes the digest line of everything written so far, then
// flushes.
func (z *zoneWriter) writeDigest() error {
	sum := z.digest.Sum64()
	z.digest = nil
	z.b = append(z.b, digestPrefix...)
	z.b = fmt.Appendf(z.b, "%016x", sum)
	z.line()
	return z.flush()
}

// Untouched reports whether file is a zone file that ip6plan wrote and
// nobody has changed since: its last line is ip6plan's digest of all the
// text before it. Any edit, a record added or a comment changed, makes it
// false. The digest (FNV-1a) guards against slips, not against anyone
// who means to deceive.
func Untouched(file []byte) bool {
	body, last, ok := cutLastLine(file)
	if !ok || !bytes.HasPrefix(last, []byte(digestPrefix)) {
		return false
	}
	h := fnv.New64a()
	h.Write(body)
	return string(last[len(digestPrefix):]) == fmt.Sprintf("%016x", h.Sum64())
}

// cutLastLine splits file, which must end in a newline, before its last
// line, and returns that line without its newline.
func cutLastLine(file []byte) (body, last []byte, ok bool) {
	if !bytes.HasSuffix(file, []byte("\n")) {
		return nil, nil, false
	}
	i := bytes.LastIndexByte(file[:len(file)-1], '\n') + 1
	return file[:i], file[i : len(file)-1], true
}
