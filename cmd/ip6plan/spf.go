package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/records"
	"github.com/ip6plan/ip6plan/records/spf"
	"github.com/ip6plan/ip6plan/records/spf/spfzone"
)

// spfFlags are the spf command's options.
type spfFlags struct {
	planFlags
	merge  string
	output string
}

func newSPFCmd() *cobra.Command {
	var f spfFlags
	c := &cobra.Command{
		Use:   "spf -f PLAN [--merge RECORD]",
		Short: "Build the plan's SPF records, merge into a published one, lint and check records",
		Long: `spf builds the SPF record for the plan's domain (RFC 7208): an ip6: term for
each mail stream's /64 (or each sending host, with spf.scope: hosts), ip4:
terms for senders' IPv4 addresses, aggregated to the fewest prefixes, the
plan's includes, and -all (or ~all). It also writes a record for each sending
host's HELO name, since bounces are checked against the HELO identity (§2.4).
Output is zone-ready TXT lines, strings split at 255 octets. A record too long
for one answer (over 450 octets with its name, RFC 7208 §3.4) is split: the
domain's record includes _spf1.DOMAIN, _spf2.DOMAIN ..., which hold its ranges,
within 10 DNS lookups in all. -o text prints the domain's record, or, when it
is split, each record of the chain after its name.

The records are linted as receivers will read them; the findings go to
standard error, and the exit status is 1 when any is an error (such as +all
kept from a merged record): fix them before publishing.

--merge RECORD (or spf.existing in the plan) merges the plan's networks into the
record published today, keeping its terms and order, and reports each change.`,
		Example: `  ip6plan spf -f plan.yaml
  ip6plan spf -f plan.yaml --merge "v=spf1 include:_spf.esp.example ~all"
  ip6plan spf lint "v=spf1 ptr +all"
  ip6plan spf check --ip 2001:db8:d6:25::25 "v=spf1 ip6:2001:db8:d6:25::/64 -all"`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return f.run(c) },
	}
	f.register(c)
	c.Flags().StringVar(&f.merge, "merge", "", "the record published today, to merge the plan into")
	c.Flags().StringVarP(&f.output, "output", "o", "zone", "zone (TXT lines for the domain and HELO names) or text (the domain's record)")
	c.AddCommand(newSPFLintCmd(), newSPFCheckCmd())
	return c
}

// run prints the plan's SPF records, after the changes a merge makes, and
// lints them.
func (f *spfFlags) run(c *cobra.Command) error {
	if f.output != "zone" && f.output != "text" {
		return fmt.Errorf("unknown output %q; want zone or text", f.output)
	}
	a, err := f.loadCurrent(c)
	if err != nil {
		return err
	}
	if f.merge != "" {
		a.Plan.SPF.Existing = f.merge
	}
	if a.Plan.Domain == "" {
		return errors.New("the plan has no domain, so there is no SPF record to build: set domain: at the top of the plan")
	}
	stderr := c.ErrOrStderr()
	if err := reportMerge(stderr, a); err != nil {
		return err
	}
	chain, err := spf.BuildChain(a)
	if err != nil {
		return err
	}
	rrs, err := spf.TXTRecords(a)
	if err != nil {
		return err
	}
	if len(chain) > 1 {
		fmt.Fprintf(stderr, "ip6plan: note: the record of %s is too long for one answer (RFC 7208 §3.4), so it is split into %d records: publish them all\n", chain[0].Name, len(chain))
	}
	printSPF(c.OutOrStdout(), f.output, chain, rrs)
	return lintPublished(stderr, chain)
}

// reportMerge prints each change that merging the plan into the record
// published today (spf.existing, or --merge) makes, if there is one.
func reportMerge(w io.Writer, a *plan.Allocation) error {
	if a.Plan.SPF.Existing == "" {
		return nil
	}
	existing, err := spf.Parse(a.Plan.SPF.Existing)
	if err != nil {
		return fmt.Errorf("--merge: %w", err)
	}
	nets, err := spf.Networks(a)
	if err != nil {
		return err
	}
	_, changes := spf.Merge(existing, nets, a.Plan.SPF.Include)
	for _, ch := range changes {
		fmt.Fprintf(w, "ip6plan: merge: %s\n", ch)
	}
	return nil
}

// printSPF prints the records in the -o format: zone lines for the domain
// and the HELO names, or the domain's record as text, named when it is
// split.
func printSPF(w io.Writer, output string, chain []spf.NamedRecord, rrs []records.RR) {
	switch {
	case output == "text" && len(chain) == 1:
		fmt.Fprintln(w, chain[0].Record)
	case output == "text":
		for _, r := range chain {
			fmt.Fprintf(w, "%s\t%s\n", r.Name, r.Record)
		}
	default:
		for _, rr := range rrs {
			fmt.Fprintf(w, "%s\t%d\tIN\tTXT\t%s\n", rr.Name, rr.TTL, rr.Data)
		}
	}
}

// lintPublished lints what is published for the domain, together, as
// receivers evaluate it (a HELO name's record is the host's own addresses
// and -all), prints the warnings and errors, and fails on an error.
func lintPublished(w io.Writer, chain []spf.NamedRecord) error {
	findings := spf.LintChain(chain)
	for _, f := range findings {
		if f.Severity >= spf.Warning { // info, such as includes not followed offline, is for spf lint
			fmt.Fprintf(w, "ip6plan: lint: %s\n", f)
		}
	}
	if spf.Worst(findings) >= spf.Error {
		return &exitError{exitFindings, fmt.Errorf("the SPF records above have lint errors: receivers would reject or misread them; fix the plan's spf settings (or --merge) before publishing")}
	}
	return nil
}

func newSPFLintCmd() *cobra.Command {
	var name string
	c := &cobra.Command{
		Use:   "lint [--name NAME] RECORD",
		Short: "Check an SPF record against RFC 7208",
		Long: `lint reports what is wrong or risky in an SPF record, each finding with its
severity, the term and its offset, and the RFC section: more than 10
DNS-querying terms, ptr, +all, no all or redirect, terms after all, repeated
redirect or exp, host bits in ip4:/ip6:, IPv4-mapped ip6:, overlapping ranges,
bad macros, and size (over 450 octets a warning, over 512 an error). The size
counts the name the record is published at: --name NAME gives it (default: a
name of 32 octets). Exit status 1 when there is an error or a warning.`,
		Example: `  ip6plan spf lint "v=spf1 ip6:2001:db8::1/64 ptr +all"
  ip6plan spf lint --name example.com "v=spf1 ip6:2001:db8:d6:25::/64 -all"
  ip6plan spf lint "$(dig +short TXT example.com | grep spf1 | tr -d '\"')"`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			findings := spf.Lint(args[0])
			if name != "" {
				if err := records.CheckOwner(name); err != nil {
					return fmt.Errorf("--name %q: %w", name, err)
				}
				findings = spf.LintName(name, args[0])
			}
			return report(c.OutOrStdout(), findings)
		},
	}
	c.Flags().StringVar(&name, "name", "", "the name the record is published at, for its size (RFC 7208 §3.4)")
	return c
}

// report prints findings and turns errors and warnings into exit status 1.
func report(w io.Writer, findings []spf.Finding) error {
	for _, f := range findings {
		fmt.Fprintln(w, f)
	}
	if spf.Worst(findings) >= spf.Warning {
		return &exitError{exitFindings, nil}
	}
	if len(findings) == 0 {
		fmt.Fprintln(w, "ok")
	}
	return nil
}

// spfCheckFlags are the options of spf check.
type spfCheckFlags struct {
	ip, sender, helo, domain string
	zoneFiles, txts          []string
}

func newSPFCheckCmd() *cobra.Command {
	var f spfCheckFlags
	c := &cobra.Command{
		Use:   "check --ip ADDR [--sender S] [--helo H] [--zone FILE]... [--txt NAME=RECORD]... [RECORD]",
		Short: "Evaluate an SPF record for a client address (check_host, RFC 7208 §4)",
		Long: `check evaluates RECORD as the SPF record of the sender's domain for a
client address and prints the result first: pass, fail, softfail, neutral,
none, permerror or temperror, then why.

It works offline. The records behind include:, redirect=, a and mx come from
--zone FILE (zone files, such as those 'ip6plan zone -d' writes: their TXT, A,
AAAA, MX and CNAME records; a name in a zone a file holds that the file does not
have does not exist) and from --txt NAME=RECORD (a TXT record each), so a
whole chain is checked without DNS. A name that neither gives gives temperror,
saying it needs DNS. Without RECORD, the domain's own record is taken from
them, as a receiver would look it up.

The domain is --domain, else the sender's domain, else the HELO name.`,
		Example: `  ip6plan spf check --ip 2001:db8:d6:25::25 "v=spf1 ip6:2001:db8:d6:25::/64 -all"
  ip6plan spf check --ip 192.0.2.1 --sender bounce@example.com "v=spf1 ip4:192.0.2.0/24 -all"
  ip6plan spf check --ip 2001:db8:d6:25::25 --sender bounce@example.com --zone zones/example.com.zone
  ip6plan spf check --ip 2001:db8::1 --txt _spf.example.net="v=spf1 ip6:2001:db8::/32 -all" "v=spf1 include:_spf.example.net -all"`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return f.run(c, args) },
	}
	fl := c.Flags()
	fl.StringVar(&f.ip, "ip", "", "the client address (required)")
	fl.StringVar(&f.sender, "sender", "", "the MAIL FROM address")
	fl.StringVar(&f.helo, "helo", "", "the HELO/EHLO name")
	fl.StringVar(&f.domain, "domain", "", "the domain whose record this is (default: the sender's)")
	fl.StringArrayVar(&f.zoneFiles, "zone", nil, "a zone file whose records the check may look up (repeat for several)")
	fl.StringArrayVar(&f.txts, "txt", nil, "a TXT record NAME=RECORD the check may look up (repeat for several)")
	c.MarkFlagRequired("ip")
	c.MarkFlagFilename("zone", "zone")
	return c
}

// run evaluates the record given, or the domain's as the zone files and
// --txt records have it, and prints the result and why.
func (f *spfCheckFlags) run(c *cobra.Command, args []string) error {
	a, err := netip.ParseAddr(f.ip)
	if err != nil || a.Zone() != "" {
		return fmt.Errorf("--ip %q is not an IP address", f.ip)
	}
	res, err := f.resolver()
	if err != nil {
		return err
	}
	if len(args) == 0 && res == nil {
		return errors.New("give the RECORD to check, or the records to look it up in with --zone FILE or --txt NAME=RECORD")
	}
	d, err := f.checkedDomain(len(args) > 0)
	if err != nil {
		return err
	}
	checker := &spf.Checker{}
	if res != nil {
		checker.Resolver = res
	}
	var result spf.Result
	var why string
	if len(args) == 0 {
		result, why, _ = checker.CheckHost(context.Background(), a, d, f.sender, f.helo)
	} else {
		// RECORD is the TXT record published at the domain: one
		// that is not SPF at all (v=spf10) gives none, as a
		// receiver selects records (RFC 7208 §4.5).
		result, why, _ = checker.CheckTXT(context.Background(), []string{args[0]}, a, d, f.sender, f.helo)
	}
	fmt.Fprintf(c.OutOrStdout(), "%s %s\n", result, why)
	return nil
}

// resolver returns the records of --zone and --txt, or nil without them.
func (f *spfCheckFlags) resolver() (*spf.StaticResolver, error) {
	if len(f.zoneFiles) == 0 && len(f.txts) == 0 {
		return nil, nil
	}
	res := &spf.StaticResolver{}
	for _, file := range f.zoneFiles {
		if err := addZoneFile(res, file); err != nil {
			return nil, err
		}
	}
	for _, pair := range f.txts {
		if err := res.AddPair(pair); err != nil {
			return nil, fmt.Errorf("--txt %q: %w", pair, err)
		}
	}
	return res, nil
}

// checkedDomain returns the domain whose record is checked: --domain, else
// the sender's domain, else the HELO name; with a RECORD given and none of
// them, example.com.
func (f *spfCheckFlags) checkedDomain(haveRecord bool) (string, error) {
	if f.domain != "" {
		return f.domain, nil
	}
	if _, after, ok := strings.Cut(f.sender, "@"); ok {
		return after, nil
	}
	if f.helo != "" {
		return f.helo, nil
	}
	if !haveRecord {
		return "", errors.New("say whose record to look up: --domain, --sender or --helo")
	}
	return "example.com", nil
}

// addZoneFile reads the zone file at path into res, its names relative
// to the zone the file's name gives (spfzone.OriginOf).
func addZoneFile(res *spf.StaticResolver, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("--zone: %w", err)
	}
	defer f.Close()
	return spfzone.Add(res, f, spfzone.OriginOf(path), path)
}
