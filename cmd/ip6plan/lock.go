package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/plan/planfile"
)

func newLockCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "lock",
		Short: "Check a lock file, or merge two as Git's merge driver",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return errors.New("say what to do: ip6plan lock check FILE, or ip6plan lock merge BASE OURS THEIRS")
		},
	}
	c.AddCommand(newLockCheckCmd(), newLockMergeCmd())
	return c
}

func newLockCheckCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "check FILE...",
		Short: "Check that lock files are whole: exit 0 if so, 2 naming the damage",
		Long: `check reads each lock file as plan does and reports whether it is whole: not
cut short, no line lost, added or duplicated, no Git conflict markers, no
entries that overlap or leave the prefix. The exit status is 0 when every
file is whole and 2 when one is damaged, with the file, line and what to do.`,
		Example: `  ip6plan lock check plan.lock
  git show HEAD~1:plan.lock > /tmp/old.lock && ip6plan lock check /tmp/old.lock`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, files []string) error {
			var errs []error
			for _, name := range files {
				data, err := os.ReadFile(name)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				l, err := plan.ParseLock(name, data)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				format := "v2"
				if l.Legacy() {
					format = "v1: ip6plan plan rewrites it as v2, which can show a lost line"
				}
				fmt.Fprintf(c.OutOrStdout(), "%s: ok, %d %s, prefix %s (format %s)\n", name, l.Len(), plural(l.Len(), "entry", "entries"), l.Prefix, format)
			}
			if len(errs) > 0 {
				return errors.Join(errs...)
			}
			return nil
		},
	}
}

func newLockMergeCmd() *cobra.Command {
	var (
		name string
		wait time.Duration
	)
	c := &cobra.Command{
		Use:   "merge BASE OURS THEIRS",
		Short: "Merge two locks made on two branches into OURS (a Git merge driver)",
		Long: `merge takes the lock both branches started from (BASE, which may be empty or
missing) and the two branches' locks (OURS and THEIRS), and writes their union
into OURS: entries added on either side are kept, entries released on one side
and untouched on the other go. When the sides placed different entries on
overlapping space, or one entry in two places, it names both entries, leaves
OURS as it was and exits 1: only a person can say which keeps its addresses.
A damaged lock is exit 2.

As Git's merge driver for plan.lock:

  git config merge.ip6plan-lock.name "ip6plan lock merge"
  git config merge.ip6plan-lock.driver "ip6plan lock merge %O %A %B --name %P"
  echo 'plan.lock merge=ip6plan-lock' >> .gitattributes`,
		Example: `  git show :1:plan.lock > base.lock; git show :2:plan.lock > ours.lock; git show :3:plan.lock > theirs.lock
  ip6plan lock merge base.lock ours.lock theirs.lock && cp ours.lock plan.lock`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 3 {
				return fmt.Errorf("merge takes three locks: BASE OURS THEIRS; got %d", len(args))
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if name == "" {
				name = args[1]
			}
			return mergeLocks(c, args[0], args[1], args[2], name, wait)
		},
	}
	c.Flags().StringVar(&name, "name", "", "the lock's path in the repository, for messages (Git's %P)")
	c.Flags().DurationVar(&wait, "wait", 30*time.Second, "how long to wait for another ip6plan run that is writing OURS")
	return c
}

// mergeLocks merges the locks base, ours and theirs into ours, holding
// ours while it does if a plan may be using it; name is ours as messages
// call it.
func mergeLocks(c *cobra.Command, base, ours, theirs, name string, wait time.Duration) error {
	// OURS is a lock a plan may be using when it is run by hand;
	// Git hands the driver temporary files, which have no sidecar,
	// and must not be left one.
	if _, err := os.Stat(planfile.FlockPath(ours)); err == nil {
		unlock, err := (&planFlags{file: ours, lock: ours, wait: wait}).hold(c)
		if err != nil {
			return err
		}
		defer unlock()
	}
	var locks [3]*plan.Lock
	for i, side := range []string{"base", "ours", "theirs"} {
		l, err := readMergeSide([]string{base, ours, theirs}[i], name, side)
		if err != nil {
			return err
		}
		locks[i] = l
	}
	merged, err := plan.MergeLocks(locks[0], locks[1], locks[2])
	if err != nil {
		return &exitError{exitFindings, fmt.Errorf("%s: %w\n%s is left as it was on our side, without conflict markers", name, err, name)}
	}
	return planfile.WriteAtomic(ours, merged.Bytes(), 0o644)
}

// readMergeSide reads one side of a merge from file. The base may be
// missing or empty: then there is no common lock, and both sides added
// everything.
func readMergeSide(file, name, side string) (*plan.Lock, error) {
	data, err := os.ReadFile(file)
	switch {
	case side == "base" && (errors.Is(err, fs.ErrNotExist) || err == nil && len(data) == 0):
		return nil, nil
	case err != nil:
		return nil, err
	}
	l, err := plan.ParseLock(fmt.Sprintf("%s (%s)", name, side), data)
	if err != nil {
		return nil, fmt.Errorf("%w\n%s is damaged, so the merge cannot be made", err, map[string]string{"base": "the base lock", "ours": "our lock", "theirs": "their lock"}[side])
	}
	return l, nil
}
