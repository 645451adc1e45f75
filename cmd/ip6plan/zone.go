package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ip6plan/ip6plan/plan/planfile"
	"github.com/ip6plan/ip6plan/records"
	"github.com/ip6plan/ip6plan/records/spf"
	"github.com/ip6plan/ip6plan/records/zonediff"
)

// zoneFlags are the zone command's options.
type zoneFlags struct {
	planFlags
	forward, reverse bool
	format           string
	dir              string
	splitAt          int
	serial           uint32
	complete         bool
	server           string
	generic          bool
	force            bool
	omitOutside      bool
	includeDir       string
}

func newZoneCmd() *cobra.Command {
	var f zoneFlags
	c := &cobra.Command{
		Use:   "zone -f PLAN --forward|--reverse",
		Short: "Write the plan's DNS records: zone files, tinydns data, JSON or an nsupdate script",
		Long: `zone writes the records of the plan, complete enough to publish as they
are. --forward gives the zone of the plan's domain: each host's AAAA (and A)
records, the domain's MX records (hosts with role mx, by their preference,
default 10, ties in plan order), the domain's SPF TXT record (split into
_spfN includes when too long for one answer) and an SPF TXT record for each
sending host's HELO name. --reverse gives the ip6.arpa zones, cut at nibble
boundaries for any prefix length and never rounded, each with one PTR per host
that points at the name whose AAAA is that address (FCrDNS).

A host named outside the domain (gw.other.example.org.) never goes into the
domain's zone, where a name server would ignore it: it gets a zone of its own,
which the zone above it must delegate, or with --omit-outside it is left out
with a warning that names it.

Without -d the records go to standard output: for bind, --forward gives a
snippet of absolute names to paste into an existing zone (--complete adds the
SOA and NS of a zone of its own). With -d DIR (created if missing) each zone
goes to its own file, DIR/<zone>.zone, written atomically, with $ORIGIN, $TTL,
SOA and NS; a file whose records have not changed is left alone, and a
changed one gets a serial above the old one.

Records kept by hand go into DIR/<zone>.local, which each zone file $INCLUDEs
and ip6plan creates empty once and never writes again. A record added to a
zone file itself would be lost by the next rewrite: zone then refuses (exit
1), names the file and the records, and writes nothing.

The serial is --serial, or today's date as YYYYMMDD00.

zone reads the lock and never writes it: when the plan has a host the lock
does not, or would move one, it says so and exits 1. Run 'ip6plan plan' first.`,
		Example: `  ip6plan zone -f plan.yaml --reverse -d zones/
  ip6plan zone -f plan.yaml --reverse --split-at 56 -d zones/
  ip6plan zone -f plan.yaml --forward >> /etc/bind/db.example.com
  ip6plan zone -f plan.yaml --forward --reverse --format tinydns > data
  ip6plan zone -f plan.yaml --forward --reverse --format nsupdate --server ns1.example.com | nsupdate -k key`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return f.run(c) },
	}
	f.register(c)
	fl := c.Flags()
	fl.BoolVar(&f.forward, "forward", false, "the AAAA and A records of the hosts")
	fl.BoolVar(&f.reverse, "reverse", false, "the ip6.arpa zones with a PTR for each host")
	fl.StringVar(&f.format, "format", "bind", "bind, tinydns, json or nsupdate")
	fl.StringVarP(&f.dir, "dir", "d", "", "write one bind zone file per zone into this directory")
	fl.IntVar(&f.splitAt, "split-at", 0, "give each subnet of this length its own reverse zone, delegated from the parent (e.g. 56)")
	fl.Uint32Var(&f.serial, "serial", 0, "SOA serial (default: today as YYYYMMDD00)")
	fl.BoolVar(&f.complete, "complete", false, "with --forward on stdout: a complete zone with SOA and NS")
	fl.StringVar(&f.server, "server", "", "nsupdate: the primary server to send updates to")
	fl.BoolVar(&f.generic, "generic", false, "tinydns: generic lines that stock djbdns 1.05 reads, instead of 6 and 3 lines")
	fl.BoolVar(&f.force, "force", false, "with -d: overwrite zone files that ip6plan did not write")
	fl.BoolVar(&f.omitOutside, "omit-outside", false, "leave out the records of names outside the plan's domain (each named in a warning) instead of giving each a zone of its own")
	fl.StringVar(&f.includeDir, "include-dir", "", "with -d: the directory, as the name server sees it, of the hand-kept .local files that zone files $INCLUDE (default: none, so relative to named's directory)")
	c.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"bind", "tinydns", "json", "nsupdate"}, cobra.ShellCompDirectiveNoFileComp))
	c.MarkFlagDirname("dir")
	return c
}

func (f *zoneFlags) run(c *cobra.Command) error {
	if !f.forward && !f.reverse {
		return errors.New("say which records: --forward, --reverse, or both")
	}
	if !slices.Contains([]string{"bind", "tinydns", "json", "nsupdate"}, f.format) {
		return fmt.Errorf("unknown format %q; want bind, tinydns, json or nsupdate", f.format)
	}
	if f.dir != "" && f.format != "bind" {
		return fmt.Errorf("-d writes bind zone files; %s output is one stream, so redirect standard output instead", f.format)
	}
	a, err := f.loadCurrent(c)
	if err != nil {
		return err
	}
	now := serialTime()
	serial := f.serial
	if serial == 0 {
		serial = records.DateSerial(now)
	}
	opt := records.ZoneOptions{SplitAt: f.splitAt, IncludeDir: f.includeDir}
	if f.omitOutside {
		opt.OutOfZone = records.LeaveOut
	}
	zs, err := records.ZonesOf(a, serial, spf.TXTRecords, opt)
	if err != nil {
		return err
	}
	if zs.ConfigErr != nil && (f.reverse || f.complete || f.dir != "" || f.format == "tinydns") {
		return zs.ConfigErr
	}
	for _, w := range zs.Warnings {
		fmt.Fprintf(c.ErrOrStderr(), "ip6plan: warning: %s\n", w)
	}
	part := records.Part(0)
	if f.forward {
		part |= records.Forward
	}
	if f.reverse {
		part |= records.Reverse
	}
	out := c.OutOrStdout()
	switch {
	case f.format == "tinydns":
		return zs.WriteTinydns(out, records.TinydnsOptions{Generic: f.generic, Part: part})
	case f.format == "json":
		return zs.WriteJSON(out, part)
	case f.format == "nsupdate":
		return zs.WriteNsupdate(out, f.server, part)
	case f.dir != "":
		return f.writeDir(c, zs, part, now)
	}
	return zs.WriteBind(out, part, f.complete)
}

// A zoneOutput is one zone file that -d is about to write, or leave.
type zoneOutput struct {
	path, local string // the zone file and the hand-maintained file it $INCLUDEs
	origin      string
	data        []byte
	change      records.FileChange
}

// writeDir writes each zone of the set to DIR/<zone>.zone, next to the
// hand-maintained DIR/<zone>.local that it $INCLUDEs, which is created
// empty when missing and never written again. Every file is checked
// before any is written: when a rewrite would drop records that someone
// added to a zone file by hand, nothing is written and the command exits
// 1, naming the file and the records.
func (f *zoneFlags) writeDir(c *cobra.Command, zs *records.ZoneSet, part records.Part, now time.Time) error {
	files, err := zs.Files(part)
	if err != nil {
		return err
	}
	if err := mkdirAll(f.dir); err != nil {
		return err
	}
	var outs []zoneOutput
	var refused []string
	for _, zf := range files {
		o := zoneOutput{path: filepath.Join(f.dir, zf.Name), local: filepath.Join(f.dir, zf.Local), origin: zf.Origin}
		var hand []string
		o.data, o.change, hand, err = f.render(o.path, zf, now)
		if err != nil {
			return err
		}
		if len(hand) > 0 {
			refused = append(refused, fmt.Sprintf("%s has %d %s that ip6plan did not write, which the new file would drop:\n  %s\nmove %s into %s, which the zone $INCLUDEs and ip6plan never writes, and run the command again (or replace the file anyway with --force)",
				o.path, len(hand), plural(len(hand), "record", "records"), strings.Join(hand, "\n  "), plural(len(hand), "it", "them"), o.local))
		}
		outs = append(outs, o)
	}
	if len(refused) > 0 {
		return &exitError{exitFindings, fmt.Errorf("%s\nno zone file was written", strings.Join(refused, "\n"))}
	}
	for _, o := range outs {
		if _, err := os.Stat(o.local); errors.Is(err, os.ErrNotExist) {
			if err := planfile.WriteNew(o.local, []byte(records.LocalFileText(o.origin)), 0o644, false); err != nil {
				return err
			}
		}
		if o.change != records.Unchanged {
			if err := planfile.WriteAtomic(o.path, o.data, 0o644); err != nil {
				return err
			}
		}
		fmt.Fprintf(c.OutOrStdout(), "%s\t%s\n", o.path, o.change)
	}
	return nil
}

// render reads the file at path and returns what zone file zf replaces it
// with (records.ZoneFile.Rewrite), and the records of the old file that
// the new one would drop (zonediff.HandAdded), unless --force. A file
// ip6plan did not write is kept unless --force.
func (f *zoneFlags) render(path string, zf records.ZoneFile, now time.Time) (data []byte, change records.FileChange, hand []string, err error) {
	old, err := os.ReadFile(path) // nil when there is no file
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, 0, nil, err
	}
	ours := records.Ours(old)
	if old != nil && !ours && !f.force {
		return nil, 0, nil, fmt.Errorf("%s exists and was not written by ip6plan; use --force to replace it", path)
	}
	data, change, err = zf.Rewrite(old, now, f.serial)
	if err != nil {
		return nil, 0, nil, err
	}
	if ours && change != records.Unchanged && !f.force {
		hand, err = zonediff.HandAdded(zf.Origin, old, data)
		if err != nil {
			return nil, 0, nil, &exitError{exitFindings, fmt.Errorf("%s: %w\nip6plan cannot tell which of its records were added by hand, so it left the file alone: fix it, or replace it with --force", path, err)}
		}
	}
	return data, change, hand, nil
}

// serialTime is the time zone serials are made from: SOURCE_DATE_EPOCH
// when set, for reproducible builds, else now.
func serialTime() time.Time {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		if sec, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(sec, 0).UTC()
		}
	}
	return time.Now().UTC()
}
