package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ip6plan/ip6plan/records/deploy"
)

// readyFlags are the ready command's options.
type readyFlags struct {
	planFlags
	hosts  []string
	output string
}

func newReadyCmd() *cobra.Command {
	var f readyFlags
	c := &cobra.Command{
		Use:   "ready -f PLAN [--host NAME...]",
		Short: "Check each sending host against what mail receivers require, offline",
		Long: `ready lists, for each sending host of the plan (roles outbound and relay), what
Gmail, Microsoft and Yahoo check before they accept its mail, computed from
the plan alone:
  static address   planned, not dynamic (an EUI-64 address is a warning)
  stream /64       the address lies in its subnet's /64
  PTR and FCrDNS   exactly one PTR, whose name's AAAA is the address (RFC 8601)
  HELO = PTR       the HELO name is fully qualified and is the PTR name
  SPF              the domain's SPF record, and the HELO name's, pass the address
  /64 not shared   no other stream sends from the /64 (blocklists list by /64)

Each line says pass, warn or fail and why; -o json and -o csv give the same
checks for programs and spreadsheets. The exit status is 1 when anything
fails. Whether DNS serves these records yet is another matter: publish the
zones ('ip6plan zone') and SPF ('ip6plan spf') first.`,
		Example: `  ip6plan ready -f plan.yaml
  ip6plan ready -f plan.yaml --host mta1,mta2
  ip6plan ready -f plan.yaml -o json | jq '.checks[] | select(.status == "fail")'`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return f.run(c) },
	}
	f.register(c)
	c.Flags().StringSliceVar(&f.hosts, "host", nil, "check only these sending hosts: name, FQDN or path (comma list, or repeat)")
	c.Flags().StringVarP(&f.output, "output", "o", "table", "output format: table, json or csv")
	c.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(readyOutputs, cobra.ShellCompDirectiveNoFileComp))
	return c
}

var readyOutputs = []string{"table", "json", "csv"}

// run prints the readiness checklist of the hosts --host names, or of
// every sending host, and fails with exitFindings when a check fails.
func (f *readyFlags) run(c *cobra.Command) error {
	if !slices.Contains(readyOutputs, f.output) {
		return fmt.Errorf("unknown output format %q; want table, json or csv", f.output)
	}
	a, err := f.loadCurrent(c)
	if err != nil {
		return err
	}
	checks, err := deploy.ReadinessOf(a, f.hosts)
	if err != nil {
		return err
	}
	out := c.OutOrStdout()
	if len(checks) == 0 && f.output == "table" {
		fmt.Fprintln(out, "no sending hosts (roles outbound or relay) in the plan")
		return nil
	}
	sum := deploy.Summarize(checks)
	switch f.output {
	case "json":
		err = writeReadyJSON(out, checks, sum)
	case "csv":
		err = writeReadyCSV(out, checks)
	default:
		err = writeReadyTable(out, checks, sum)
	}
	if err != nil {
		return err
	}
	if !sum.Ready() {
		return &exitError{exitFindings, nil}
	}
	return nil
}

func writeReadyTable(w io.Writer, checks []deploy.Check, sum deploy.Summary) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "HOST\tCHECK\tSTATUS\tDETAIL")
	for _, ch := range checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", ch.Host, ch.Item, ch.Status, ch.Msg)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%d %s: %d pass, %d warn, %d fail\n", sum.Hosts, plural(sum.Hosts, "sending host", "sending hosts"), sum.Pass, sum.Warn, sum.Fail)
	return err
}

// jsonReady is the -o json document of ready.
type jsonReady struct {
	Hosts  int              `json:"hosts"`
	Pass   int              `json:"pass"`
	Warn   int              `json:"warn"`
	Fail   int              `json:"fail"`
	Checks []jsonReadyCheck `json:"checks"`
}

type jsonReadyCheck struct {
	Host    string `json:"host"`
	Address string `json:"address,omitempty"`
	Check   string `json:"check"`
	Status  string `json:"status"`
	Detail  string `json:"detail"`
}

func writeReadyJSON(w io.Writer, checks []deploy.Check, sum deploy.Summary) error {
	doc := jsonReady{Hosts: sum.Hosts, Pass: sum.Pass, Warn: sum.Warn, Fail: sum.Fail, Checks: []jsonReadyCheck{}}
	for _, ch := range checks {
		j := jsonReadyCheck{Host: ch.Host, Check: ch.Item, Status: ch.Status.String(), Detail: ch.Msg}
		if ch.Addr.IsValid() {
			j.Address = ch.Addr.String()
		}
		doc.Checks = append(doc.Checks, j)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func writeReadyCSV(w io.Writer, checks []deploy.Check) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"host", "address", "check", "status", "detail"})
	for _, ch := range checks {
		addr := ""
		if ch.Addr.IsValid() {
			addr = ch.Addr.String()
		}
		cw.Write([]string{ch.Host, addr, ch.Item, ch.Status.String(), ch.Msg})
	}
	cw.Flush()
	return cw.Error()
}
