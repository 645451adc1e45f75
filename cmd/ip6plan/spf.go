package main

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ip6plan/ip6plan/records"
	"github.com/ip6plan/ip6plan/records/spf"
)

func newSPFCmd() *cobra.Command {
	var (
		flags  planFlags
		merge  string
		output string
	)
	c := &cobra.Command{
		Use:   "spf -f PLAN [--merge RECORD]",
		Short: "Build the plan's SPF records, merge into a published one, lint and check records",
		Long: `spf builds the SPF record for the plan's domain (RFC 7208): an ip6: term for
each mail stream's /64 (or each sending host, with spf.scope: hosts), ip4:
terms for senders' IPv4 addresses, aggregated to the fewest prefixes, the
plan's includes, and -all (or ~all). It also writes a record for each sending
host's HELO name, since bounces are checked against the HELO identity (§2.4).
Output is zone-ready TXT lines, strings split at 255 octets; the record's lint
findings go to standard error.

--merge RECORD (or spf.existing in the plan) merges the plan's networks into the
record published today, keeping its terms and order, and reports each change.`,
		Example: `  ip6plan spf -f plan.yaml
  ip6plan spf -f plan.yaml --merge "v=spf1 include:_spf.esp.example ~all"
  ip6plan spf lint "v=spf1 ptr +all"
  ip6plan spf check --ip 2001:db8:d6:25::25 "v=spf1 ip6:2001:db8:d6:25::/64 -all"`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if output != "zone" && output != "text" {
				return &exitError{exitInput, fmt.Errorf("unknown output %q; want zone or text", output)}
			}
			a, err := flags.loadCurrent(c)
			if err != nil {
				return err
			}
			if merge != "" {
				a.Plan.SPF.Existing = merge
			}
			rrs, err := spf.TXTRecords(a)
			if err != nil {
				return &exitError{exitInput, err}
			}
			if a.Plan.SPF.Existing != "" {
				existing, err := spf.Parse(a.Plan.SPF.Existing)
				if err != nil {
					return &exitError{exitInput, fmt.Errorf("--merge: %w", err)}
				}
				nets, err := spf.Networks(a)
				if err != nil {
					return &exitError{exitInput, err}
				}
				_, changes := spf.Merge(existing, nets, a.Plan.SPF.Include)
				for _, ch := range changes {
					fmt.Fprintf(c.ErrOrStderr(), "ip6plan: merge: %s\n", ch)
				}
			}
			record, _ := spf.Build(a)
			for _, f := range spf.LintName(rrs[0].Name, record.String()) {
				fmt.Fprintf(c.ErrOrStderr(), "ip6plan: lint: %s\n", f)
			}
			out := c.OutOrStdout()
			if output == "text" {
				fmt.Fprintln(out, record)
				return nil
			}
			for _, rr := range rrs {
				fmt.Fprintf(out, "%s\t%d\tIN\tTXT\t%s\n", rr.Name, rr.TTL, rr.Data)
			}
			return nil
		},
	}
	flags.register(c)
	c.Flags().StringVar(&merge, "merge", "", "the record published today, to merge the plan into")
	c.Flags().StringVarP(&output, "output", "o", "zone", "zone (TXT lines for the domain and HELO names) or text (the domain's record)")
	c.AddCommand(newSPFLintCmd(), newSPFCheckCmd())
	return c
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
					return &exitError{exitInput, fmt.Errorf("--name %q: %w", name, err)}
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
	bad := 0
	for _, f := range findings {
		fmt.Fprintln(w, f)
		if f.Severity >= spf.Warning {
			bad++
		}
	}
	if bad > 0 {
		return &exitError{exitFindings, nil}
	}
	if len(findings) == 0 {
		fmt.Fprintln(w, "ok")
	}
	return nil
}

func newSPFCheckCmd() *cobra.Command {
	var ip, sender, helo, domain string
	c := &cobra.Command{
		Use:   "check --ip ADDR [--sender S] [--helo H] RECORD",
		Short: "Evaluate an SPF record for a client address (check_host, RFC 7208 §4)",
		Long: `check evaluates RECORD as the SPF record of the sender's domain for a
client address and prints the result first: pass, fail, softfail, neutral,
none, permerror or temperror, then why. It works offline: a record whose result
needs DNS (include, a, mx, exists, redirect) gives temperror saying so.`,
		Example: `  ip6plan spf check --ip 2001:db8:d6:25::25 "v=spf1 ip6:2001:db8:d6:25::/64 -all"
  ip6plan spf check --ip 192.0.2.1 --sender bounce@example.com "v=spf1 ip4:192.0.2.0/24 -all"`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			a, err := netip.ParseAddr(ip)
			if err != nil || a.Zone() != "" {
				return &exitError{exitInput, fmt.Errorf("--ip %q is not an IP address", ip)}
			}
			rec, err := spf.Parse(args[0])
			if err != nil {
				fmt.Fprintf(c.OutOrStdout(), "%s %v\n", spf.Permerror, err)
				return nil
			}
			d := domain
			if d == "" {
				if _, after, ok := strings.Cut(sender, "@"); ok {
					d = after
				} else if helo != "" {
					d = helo
				} else {
					d = "example.com"
				}
			}
			result, why, _ := (&spf.Checker{}).CheckRecord(context.Background(), rec, a, d, sender, helo)
			fmt.Fprintf(c.OutOrStdout(), "%s %s\n", result, why)
			return nil
		},
	}
	c.Flags().StringVar(&ip, "ip", "", "the client address (required)")
	c.Flags().StringVar(&sender, "sender", "", "the MAIL FROM address")
	c.Flags().StringVar(&helo, "helo", "", "the HELO/EHLO name")
	c.Flags().StringVar(&domain, "domain", "", "the domain whose record this is (default: the sender's)")
	c.MarkFlagRequired("ip")
	return c
}
