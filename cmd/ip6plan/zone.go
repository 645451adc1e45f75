package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/plan/planfile"
	"github.com/ip6plan/ip6plan/records"
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
}

func newZoneCmd() *cobra.Command {
	var f zoneFlags
	c := &cobra.Command{
		Use:   "zone -f PLAN --forward|--reverse",
		Short: "Write the plan's DNS records: zone files, tinydns data, JSON or an nsupdate script",
		Long: `zone writes the records of the plan's hosts: with --forward their AAAA (and A)
records, with --reverse the ip6.arpa zones, cut at nibble boundaries for any
prefix length and never rounded, each with $ORIGIN, $TTL, SOA and NS and one
PTR per host that points at the name whose AAAA is that address (FCrDNS).

Without -d the records go to standard output: for bind, --forward gives a
snippet of absolute names to paste into an existing zone (--complete adds the
SOA and NS of a zone of its own). With -d DIR each zone goes to its own file,
DIR/<zone>.zone, written atomically; a file whose records have not changed is
left alone, and a changed one gets a serial above the old one.

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
	c.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"bind", "tinydns", "json", "nsupdate"}, cobra.ShellCompDirectiveNoFileComp))
	c.MarkFlagDirname("dir")
	return c
}

func (f *zoneFlags) run(c *cobra.Command) error {
	if !f.forward && !f.reverse {
		return &exitError{exitInput, errors.New("say which records: --forward, --reverse, or both")}
	}
	if !slices.Contains([]string{"bind", "tinydns", "json", "nsupdate"}, f.format) {
		return &exitError{exitInput, fmt.Errorf("unknown format %q; want bind, tinydns, json or nsupdate", f.format)}
	}
	if f.dir != "" && f.format != "bind" {
		return &exitError{exitInput, fmt.Errorf("-d writes bind zone files; %s output is one stream, so redirect standard output instead", f.format)}
	}
	a, err := f.allocate(c)
	if err != nil {
		return err
	}
	serial := f.serial
	if serial == 0 {
		serial = todaySerial()
	}
	cfg, err := records.ConfigFor(a.Plan, serial)
	if err != nil && (f.reverse || f.complete || f.dir != "" || f.format == "tinydns") {
		return &exitError{exitInput, err}
	}
	if err != nil { // a forward snippet needs no SOA
		cfg = records.ZoneConfig{TTL: a.Plan.TTL}
	}
	zones, err := records.ReverseZonesOf(a, f.splitAt)
	if err != nil {
		return &exitError{exitInput, err}
	}
	hosts := records.HostsOf(a)
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
		err = records.WriteTinydns(out, zones, cfg, hosts, records.TinydnsOptions{Generic: f.generic, Part: part})
	case f.format == "json":
		err = records.WriteJSON(out, zones, cfg, hosts, part)
	case f.format == "nsupdate":
		err = records.WriteNsupdate(out, f.server, a.Plan.Domain, zones, cfg.TTL, hosts, part)
	case f.dir != "":
		return f.writeDir(c, a, zones, cfg, hosts)
	default:
		err = f.writeBind(out, a, zones, cfg, hosts)
	}
	if err != nil {
		return &exitError{exitInput, err}
	}
	return nil
}

// allocate loads the plan, whose lock must already place every entry:
// addresses that reach DNS must be locked first, or a later edit could
// move them, and only plan writes the lock.
func (f *zoneFlags) allocate(c *cobra.Command) (*plan.Allocation, error) {
	return f.loadCurrent(c)
}

func (f *zoneFlags) writeBind(w io.Writer, a *plan.Allocation, zones []records.ReverseZone, cfg records.ZoneConfig, hosts []records.Host) error {
	if f.forward {
		rrs := records.ForwardRecords(hosts, cfg.TTL)
		var err error
		if f.complete {
			err = records.WriteForwardZone(w, a.Plan.Domain+".", cfg, rrs)
		} else {
			err = records.WriteForwardSnippet(w, rrs)
		}
		if err != nil {
			return err
		}
	}
	if f.reverse {
		for _, z := range zones {
			if err := records.WriteReverseZone(w, z, cfg, records.Delegated(z, zones), slices.Values(hosts)); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeDir writes each zone to DIR/<zone>.zone.
func (f *zoneFlags) writeDir(c *cobra.Command, a *plan.Allocation, zones []records.ReverseZone, cfg records.ZoneConfig, hosts []records.Host) error {
	if err := mkdirAll(f.dir); err != nil {
		return err
	}
	type zoneFile struct {
		name  string
		write func(io.Writer, records.ZoneConfig) error
	}
	var files []zoneFile
	if f.forward {
		if a.Plan.Domain == "" {
			return &exitError{exitInput, errors.New("the plan has no domain, so there is no forward zone to write")}
		}
		rrs := records.ForwardRecords(hosts, cfg.TTL)
		files = append(files, zoneFile{a.Plan.Domain + ".", func(w io.Writer, cfg records.ZoneConfig) error {
			return records.WriteForwardZone(w, a.Plan.Domain+".", cfg, rrs)
		}})
	}
	if f.reverse {
		for _, z := range zones {
			files = append(files, zoneFile{z.Name(), func(w io.Writer, cfg records.ZoneConfig) error {
				return records.WriteReverseZone(w, z, cfg, records.Delegated(z, zones), slices.Values(hosts))
			}})
		}
	}
	for _, zf := range files {
		path := filepath.Join(f.dir, strings.TrimSuffix(zf.name, ".")+".zone")
		data, status, err := f.render(path, cfg, zf.write)
		if err != nil {
			return &exitError{exitInput, err}
		}
		if status != "unchanged" {
			if err := planfile.WriteAtomic(path, data, 0o644); err != nil {
				return &exitError{exitInput, err}
			}
		}
		fmt.Fprintf(c.OutOrStdout(), "%s\t%s\n", path, status)
	}
	return nil
}

var soaSerial = regexp.MustCompile(`(?m)^(@\t\d+\tIN\tSOA\t\S+ \S+ \( )(\d+)( )`)

// render writes a zone with cfg's serial and compares it with the file at
// path: unchanged records keep the old file (and serial); changed ones get
// a serial above the old one. A file ip6plan did not write is kept unless
// --force.
func (f *zoneFlags) render(path string, cfg records.ZoneConfig, write func(io.Writer, records.ZoneConfig) error) ([]byte, string, error) {
	old, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		var b bytes.Buffer
		err := write(&b, cfg)
		return b.Bytes(), "written", err
	}
	if err != nil {
		return nil, "", err
	}
	if !bytes.Contains(old, []byte("written by ip6plan")) && !f.force {
		return nil, "", fmt.Errorf("%s exists and was not written by ip6plan; use --force to replace it", path)
	}
	m := soaSerial.FindSubmatch(old)
	if m == nil {
		var b bytes.Buffer
		err := write(&b, cfg)
		return b.Bytes(), "replaced", err
	}
	oldSerial, _ := strconv.ParseUint(string(m[2]), 10, 32)
	same := cfg
	same.SOA.Serial = uint32(oldSerial)
	var b bytes.Buffer
	if err := write(&b, same); err != nil {
		return nil, "", err
	}
	if bytes.Equal(b.Bytes(), old) {
		return old, "unchanged", nil
	}
	if f.serial == 0 && uint32(oldSerial) >= cfg.SOA.Serial {
		cfg.SOA.Serial = uint32(oldSerial) + 1 // RFC 1982 arithmetic aside, serials only grow
	}
	b.Reset()
	err = write(&b, cfg)
	return b.Bytes(), "updated", err
}

// todaySerial is the YYYYMMDD00 serial of the current UTC date, or of
// SOURCE_DATE_EPOCH when set, for reproducible builds.
func todaySerial() uint32 {
	now := time.Now().UTC()
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		if sec, err := strconv.ParseInt(s, 10, 64); err == nil {
			now = time.Unix(sec, 0).UTC()
		}
	}
	v, _ := strconv.ParseUint(now.Format("20060102")+"00", 10, 32)
	return uint32(v)
}
