package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ip6plan/ip6plan/records/config"
)

func newReadyCmd() *cobra.Command {
	var (
		flags planFlags
		hosts []string
	)
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

Each line says pass, warn or fail and why. The exit status is 1 when anything
fails. Whether DNS serves these records yet is another matter: publish the
zones ('ip6plan zone') and SPF ('ip6plan spf') first.`,
		Example: `  ip6plan ready -f plan.yaml
  ip6plan ready -f plan.yaml --host mta1,mta2`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			a, err := flags.loadCurrent(c)
			if err != nil {
				return err
			}
			only := map[string]bool{}
			index := config.NewIndex(a)
			for _, name := range hosts {
				h, err := index.Lookup(name)
				if err != nil {
					return &exitError{exitInput, err}
				}
				if !h.Host.IsSender() {
					return &exitError{exitInput, fmt.Errorf("host %q does not send mail (roles outbound or relay), so receivers check nothing of it", h.Path)}
				}
				only[h.Path] = true
			}
			out := c.OutOrStdout()
			var checks []config.Check
			for _, ch := range config.Readiness(a) {
				if len(only) == 0 || only[ch.Host] {
					checks = append(checks, ch)
				}
			}
			if len(checks) == 0 {
				fmt.Fprintln(out, "no sending hosts (roles outbound or relay) in the plan")
				return nil
			}
			tw := tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)
			fmt.Fprintln(tw, "HOST\tCHECK\tSTATUS\tDETAIL")
			count := map[config.Status]int{}
			senders := map[string]bool{}
			for _, ch := range checks {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", ch.Host, ch.Item, ch.Status, ch.Msg)
				count[ch.Status]++
				senders[ch.Host] = true
			}
			tw.Flush()
			noun := "sending hosts"
			if len(senders) == 1 {
				noun = "sending host"
			}
			fmt.Fprintf(out, "\n%d %s: %d pass, %d warn, %d fail\n", len(senders), noun, count[config.Pass], count[config.Warn], count[config.Fail])
			if count[config.Fail] > 0 {
				return &exitError{exitFindings, nil}
			}
			return nil
		},
	}
	flags.register(c)
	c.Flags().StringSliceVar(&hosts, "host", nil, "check only these sending hosts: name, FQDN or path (comma list, or repeat)")
	return c
}
