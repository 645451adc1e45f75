package main

import (
	_ "embed"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/plan/planfile"
)

//go:embed starter.yaml
var starterPlan []byte

func newInitCmd() *cobra.Command {
	var force bool
	c := &cobra.Command{
		Use:   "init [FILE]",
		Short: "Write a starter plan for a mail sender",
		Long: `init writes a commented starter plan (default plan.yaml; - for standard
output): two mail streams in /64s of their own and a site /56 with a server
/64. It never replaces an existing file unless --force.`,
		Example: `  ip6plan init
  ip6plan init mail-plan.yaml && $EDITOR mail-plan.yaml`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			path := plan.DefaultFile
			if len(args) == 1 {
				path = args[0]
			}
			if path == "-" {
				_, err := c.OutOrStdout().Write(starterPlan)
				return err
			}
			if err := planfile.WriteNew(path, starterPlan, 0o644, force); err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "wrote %s; edit it, then run: ip6plan plan -f %s\n", path, path)
			return nil
		},
	}
	c.Flags().BoolVar(&force, "force", false, "replace an existing file")
	return c
}

func newSchemaCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the plan file",
		Long: `schema prints the JSON Schema (draft 2020-12) of the plan file, so that
editors complete and check plans as they are typed. For the YAML language
server, put this first in a plan:
  # yaml-language-server: $schema=./ip6plan.schema.json`,
		Example: `  ip6plan schema > ip6plan.schema.json`,
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			_, err := c.OutOrStdout().Write(plan.Schema)
			return err
		},
	}
}
