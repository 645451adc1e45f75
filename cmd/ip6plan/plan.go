package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/plan/planfile"
)

// planFlags are the flags every command that reads a plan shares.
type planFlags struct {
	file string
	lock string
}

func (f *planFlags) register(c *cobra.Command) {
	c.Flags().StringVarP(&f.file, "file", "f", "", "plan file (YAML or JSON; - for stdin)")
	c.Flags().StringVar(&f.lock, "lock", "", "lock file (default: the plan's path with .lock)")
	c.MarkFlagRequired("file")
	c.MarkFlagFilename("file", "yaml", "yml", "json")
}

// lockPath returns the lock file to use, or "" for a plan on stdin
// without --lock: such a plan has nowhere to keep its lock.
func (f *planFlags) lockPath() string {
	if f.lock != "" || f.file == "-" {
		return f.lock
	}
	return planfile.LockPath(f.file)
}

// load reads the plan and its lock and allocates, reporting warnings and
// held entries on stderr.
func (f *planFlags) load(c *cobra.Command) (*plan.Allocation, *plan.Lock, error) {
	p, err := planfile.Read(f.file, c.InOrStdin())
	if err != nil {
		return nil, nil, &exitError{exitInput, err}
	}
	var old *plan.Lock
	if path := f.lockPath(); path != "" {
		if old, err = planfile.ReadLock(path); err != nil {
			return nil, nil, &exitError{exitInput, err}
		}
	}
	a, err := plan.Allocate(p, old)
	if err != nil {
		return nil, nil, &exitError{exitInput, err}
	}
	stderr := c.ErrOrStderr()
	for _, w := range a.Warnings {
		fmt.Fprintf(stderr, "ip6plan: warning: %s\n", w)
	}
	for _, e := range a.Held {
		fmt.Fprintf(stderr, "ip6plan: held: %s (gone from the plan; free it with: ip6plan release -f %s %s)\n", e, f.file, e.Path)
	}
	return a, old, nil
}

// saveLock writes the lock when it differs from the one read, atomically.
func (f *planFlags) saveLock(old, now *plan.Lock) error {
	path := f.lockPath()
	if path == "" || old != nil && len(plan.Diff(old, now)) == 0 {
		return nil
	}
	if err := planfile.WriteAtomic(path, now.Bytes(), 0o644); err != nil {
		return &exitError{exitInput, err}
	}
	return nil
}

func newPlanCmd() *cobra.Command {
	var (
		flags  planFlags
		output string
		dryRun bool
	)
	c := &cobra.Command{
		Use:   "plan -f PLAN",
		Short: "Allocate a plan's subnets and hosts, update its lock, show zones and SPF",
		Long: `plan allocates every subnet, host and link of the plan, keeping each entry the
lock file already has where it is, writes the lock back atomically and prints
the allocation: subnets, hosts with their PTR names, the reverse zones that
cover the prefix, and the domain's SPF record. With --dry-run it prints what
would change in the lock and writes nothing.`,
		Example: `  ip6plan plan -f testdata/example.yaml
  ip6plan plan -f plan.yaml -o json | jq '.hosts[].address'
  ip6plan plan -f plan.yaml --dry-run`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			write, ok := writers[output]
			if !ok {
				return &exitError{exitInput, fmt.Errorf("unknown output format %q; want table, csv, json or markdown", output)}
			}
			a, old, err := flags.load(c)
			if err != nil {
				return err
			}
			if dryRun {
				return printDiff(c.OutOrStdout(), old, a.Lock)
			}
			if err := flags.saveLock(old, a.Lock); err != nil {
				return err
			}
			v, err := newView(a)
			if err != nil {
				return &exitError{exitInput, err}
			}
			return write(c.OutOrStdout(), v)
		},
	}
	flags.register(c)
	c.Flags().StringVarP(&output, "output", "o", "table", "output format: table, csv, json or markdown")
	c.Flags().BoolVar(&dryRun, "dry-run", false, "print the changes to the lock and write nothing")
	c.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"table", "csv", "json", "markdown"}, cobra.ShellCompDirectiveNoFileComp))
	return c
}

func printDiff(w io.Writer, old, now *plan.Lock) error {
	changes := plan.Diff(old, now)
	if len(changes) == 0 {
		_, err := fmt.Fprintln(w, "no changes")
		return err
	}
	for _, ch := range changes {
		fmt.Fprintln(w, ch)
	}
	return nil
}

func newReleaseCmd() *cobra.Command {
	var (
		flags planFlags
		force bool
	)
	c := &cobra.Command{
		Use:   "release -f PLAN PATH...",
		Short: "Free held allocations so new entries may use their space",
		Long: `An entry removed from the plan keeps its space in the lock, so nothing new is
numbered into addresses that may still be in DNS, blocklists or firewalls.
release drops such entries (and everything inside them) from the lock. PATH
is the entry's path of names, as the lock and 'ip6plan plan' show it.`,
		Example: `  ip6plan release -f plan.yaml mail-old
  ip6plan release -f plan.yaml site-a/servers/www`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, paths []string) error {
			a, old, err := flags.load(c)
			if err != nil {
				return err
			}
			path := flags.lockPath()
			if old == nil || path == "" {
				return &exitError{exitInput, fmt.Errorf("there is no lock file to release entries from")}
			}
			for _, p := range paths {
				if !force && inPlan(a, p) {
					return &exitError{exitInput, fmt.Errorf("%s is still in the plan; releasing it would renumber it: remove it from the plan first, or use --force", p)}
				}
				gone, err := old.Release(p)
				if err != nil {
					return &exitError{exitInput, fmt.Errorf("release %s: %w", p, err)}
				}
				for _, e := range gone {
					fmt.Fprintf(c.OutOrStdout(), "- %s\n", e)
				}
			}
			if err := planfile.WriteAtomic(path, old.Bytes(), 0o644); err != nil {
				return &exitError{exitInput, err}
			}
			return nil
		},
	}
	flags.register(c)
	c.Flags().BoolVar(&force, "force", false, "release entries the plan still has (they will be renumbered)")
	return c
}

// inPlan reports whether path names a subnet, host or link of the plan.
func inPlan(a *plan.Allocation, path string) bool {
	for _, s := range a.Subnets {
		if s.Path == path {
			return true
		}
	}
	for _, h := range a.Hosts {
		if h.Path == path {
			return true
		}
	}
	for _, l := range a.Links {
		if l.Path == path {
			return true
		}
	}
	return false
}
