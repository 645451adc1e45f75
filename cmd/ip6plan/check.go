package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/ip6plan/ip6plan/records/live"
	"github.com/ip6plan/ip6plan/records/live/dnsclient"
)

// resolverFlags are the options of the commands that ask DNS.
type resolverFlags struct {
	server   string
	timeout  time.Duration
	attempts int
}

func (f *resolverFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.server, "resolver", "", "the DNS resolver to ask, as HOST:PORT (default: the first nameserver of /etc/resolv.conf)")
	c.Flags().DurationVar(&f.timeout, "timeout", dnsclient.DefaultTimeout, "how long to wait for each answer before asking again")
	c.Flags().IntVar(&f.attempts, "attempts", dnsclient.DefaultAttempts, "how many times to ask before giving up on a question")
}

// client returns the resolver client, after checking that the server
// answers at all: a wrong address would otherwise fail every check.
func (f *resolverFlags) client(ctx context.Context) (*dnsclient.Client, error) {
	if f.timeout <= 0 || f.attempts < 1 {
		return nil, errors.New("--timeout must be above 0 and --attempts at least 1")
	}
	server := f.server
	if server == "" {
		s, err := dnsclient.SystemServer()
		if err != nil {
			return nil, fmt.Errorf("no --resolver, and %w", err)
		}
		server = s
	}
	server, err := dnsclient.ParseServer(server)
	if err != nil {
		return nil, err
	}
	c := &dnsclient.Client{Server: server, Timeout: f.timeout, Attempts: f.attempts}
	if err := c.Ping(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// checkFlags are the check command's options.
type checkFlags struct {
	planFlags
	rf     resolverFlags
	output string
}

func newCheckCmd() *cobra.Command {
	var f checkFlags
	c := &cobra.Command{
		Use:   "check -f PLAN [--resolver HOST:PORT] [-o table|json]",
		Short: "Check through DNS that what is published matches the plan's sending hosts",
		Long: `check asks a DNS resolver what the world sees of the plan's sending hosts
(roles outbound and relay) and reports, for each, whether:

  aaaa      its name has an AAAA record with the planned address, and no other
  ptr       the address has exactly one PTR record
  fcrdns    the PTR name resolves back to the address (RFC 8601 §3, "iprev")
  helo      the PTR name is the host's own name, which it gives in EHLO
  spf       the domain's SPF record passes the address (RFC 7208 check_host)
  spf-helo  the HELO name's SPF record passes it too (RFC 7208 §2.3)

then, for each reverse zone that holds a sender, whether it has an SOA at its
cut (reverse-zone: it is delegated and served), and for the domain whether its
mail exchangers have AAAA records (mx; with no MX record, the domain itself,
RFC 5321 §5.1). Mail receivers such as Gmail and Microsoft refuse IPv6 mail
that fails the first four.

The exit status is 1 when a check fails, 2 when the checks could not be made
(a bad plan, a resolver that does not answer).`,
		Example: `  ip6plan check -f plan.yaml
  ip6plan check -f plan.yaml --resolver 9.9.9.9:53 -o json`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return f.run(c) },
	}
	f.register(c)
	f.rf.register(c)
	c.Flags().StringVarP(&f.output, "output", "o", "table", "output format: table or json")
	c.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"table", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return c
}

// run checks through DNS what the world sees of the plan's sending hosts,
// prints the results and fails with exitFindings when one fails.
func (f *checkFlags) run(c *cobra.Command) error {
	if f.output != "table" && f.output != "json" {
		return fmt.Errorf("unknown output format %q; want table or json", f.output)
	}
	a, err := f.loadCurrent(c)
	if err != nil {
		return err
	}
	if a.Plan.Domain == "" {
		return errors.New("the plan has no domain: check needs one, for the SPF record and the MX")
	}
	ctx, stop := signal.NotifyContext(c.Context(), os.Interrupt)
	defer stop()
	client, err := f.rf.client(ctx)
	if err != nil {
		return err
	}
	defer client.Close()
	results, err := live.Check(ctx, client, a)
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return fmt.Errorf("interrupted")
	}
	failed := 0
	for _, r := range results {
		if !r.OK {
			failed++
		}
	}
	if f.output == "json" {
		err = writeCheckJSON(c.OutOrStdout(), client.Server, results, failed)
	} else {
		err = writeCheckTable(c.OutOrStdout(), results, failed)
	}
	if err != nil {
		return err
	}
	if failed > 0 {
		return &exitError{exitFindings, nil}
	}
	return nil
}

func writeCheckTable(w io.Writer, results []live.Result, failed int) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "SUBJECT\tCHECK\tRESULT\tDETAIL")
	for _, r := range results {
		verdict := "ok"
		if !r.OK {
			verdict = "FAIL"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Subject, r.Item, verdict, r.Detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%d checks, %d failed\n", len(results), failed)
	return err
}

// jsonCheck is the -o json document of check.
type jsonCheck struct {
	Resolver string            `json:"resolver"`
	Checks   int               `json:"checks"`
	Failed   int               `json:"failed"`
	Results  []jsonCheckResult `json:"results"`
}

type jsonCheckResult struct {
	Subject string `json:"subject"`
	Address string `json:"address,omitempty"`
	Check   string `json:"check"`
	OK      bool   `json:"ok"`
	Detail  string `json:"detail"`
}

func writeCheckJSON(w io.Writer, server string, results []live.Result, failed int) error {
	doc := jsonCheck{Resolver: server, Checks: len(results), Failed: failed, Results: []jsonCheckResult{}}
	for _, r := range results {
		j := jsonCheckResult{Subject: r.Subject, Check: string(r.Item), OK: r.OK, Detail: r.Detail}
		if r.Addr.IsValid() {
			j.Address = r.Addr.String()
		}
		doc.Results = append(doc.Results, j)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
