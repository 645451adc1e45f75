package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/plan/planfile"
)

// planFlags are the flags every command that reads a plan shares.
type planFlags struct {
	file string
	lock string
	wait time.Duration // for the commands that write the lock
}

func (f *planFlags) register(c *cobra.Command) {
	c.Flags().StringVarP(&f.file, "file", "f", "", "plan file (YAML or JSON; - for stdin)")
	c.Flags().StringVar(&f.lock, "lock", "", "lock file (default: the plan's path with .lock)")
	c.MarkFlagRequired("file")
	c.MarkFlagFilename("file", "yaml", "yml", "json")
}

// registerWait adds --wait to a command that writes the lock.
func (f *planFlags) registerWait(c *cobra.Command) {
	c.Flags().DurationVar(&f.wait, "wait", 30*time.Second, "how long to wait for another ip6plan run that is writing the same lock")
}

// lockPath returns the lock file to use, or "" for a plan on stdin
// without --lock: such a plan has nowhere to keep its lock.
func (f *planFlags) lockPath() string {
	if f.lock != "" || f.file == "-" {
		return f.lock
	}
	return planfile.LockPath(f.file)
}

// hold takes the exclusive lock on the lock file, so that no other run
// reads or writes it until the returned func releases it: a command that
// writes the lock holds it from reading the plan to writing the lock.
// Without a lock file there is nothing to hold.
func (f *planFlags) hold(c *cobra.Command) (func(), error) {
	path := f.lockPath()
	if path == "" {
		return func() {}, nil
	}
	l, err := planfile.LockExclusive(path, f.wait, func() {
		fmt.Fprintf(c.ErrOrStderr(), "ip6plan: waiting for another ip6plan run to finish with %s\n", path)
	})
	if errors.Is(err, planfile.ErrBusy) {
		return nil, &exitError{exitFindings, fmt.Errorf("%w: nothing was done; run the command again once the other run is over, or wait longer with --wait", err)}
	}
	if err != nil {
		return nil, lockAccess(err, path, true)
	}
	return func() { l.Unlock() }, nil
}

// lockAccess is the error of a command that could not read or write the
// lock file at path. When the file system refuses access it says what the
// user can do; other errors come back unchanged, as input errors.
func lockAccess(err error, path string, writing bool) error {
	if !errors.Is(err, fs.ErrPermission) && !errors.Is(err, syscall.EROFS) {
		return err
	}
	if writing {
		return fmt.Errorf("%w\nip6plan may not write the lock %s, so nothing was changed: run it as a user who may, name a lock file you may write with --lock FILE, or see what would change without writing anything with ip6plan plan --dry-run", err, path)
	}
	return fmt.Errorf("%w\nip6plan may not read the lock %s: run it as a user who may, or name a copy you may read with --lock FILE", err, path)
}

// load reads the plan and its lock and allocates, reporting warnings,
// held entries and likely renames on stderr.
func (f *planFlags) load(c *cobra.Command) (*plan.Allocation, *plan.Lock, error) {
	p, err := planfile.Read(f.file, c.InOrStdin())
	if err != nil {
		return nil, nil, err
	}
	var old *plan.Lock
	if path := f.lockPath(); path != "" {
		if old, err = planfile.ReadLock(path); err != nil {
			return nil, nil, lockAccess(err, path, false)
		}
	}
	a, err := plan.Allocate(p, old)
	if err != nil {
		return nil, nil, err
	}
	stderr := c.ErrOrStderr()
	if old.Legacy() {
		fmt.Fprintf(stderr, "ip6plan: warning: %s is in the v1 format, which cannot show a lost line; ip6plan plan -f %s rewrites it as v2\n", f.lockPath(), f.file)
	}
	for _, w := range a.Warnings {
		fmt.Fprintf(stderr, "ip6plan: warning: %s\n", w)
	}
	if line := heldSummary(plan.OutermostHeld(a.Held), old, f.file); line != "" {
		fmt.Fprintln(stderr, line)
	}
	for _, r := range a.Renames {
		fmt.Fprintf(stderr, "ip6plan: hint: %s %q is gone and %q is new: if you renamed it, run ip6plan rename -f %s %s %s to keep its addresses\n", r.Kind, r.Old, r.New, f.file, r.Old, r.New)
	}
	return a, old, nil
}

// heldSummary is the one line that tells the user, on every run, which
// space the lock holds for entries gone from the plan and for space left
// by moves before this run (vacated: in the old lock); space that this
// run's moves leave is reported once they are accepted. held lists the
// entries a release names (plan.OutermostHeld). It is "" when nothing is
// held.
func heldSummary(held []plan.Entry, old *plan.Lock, file string) string {
	var items, paths []string
	for _, e := range held {
		switch {
		case e.Kind != plan.KindVacated:
			items = append(items, fmt.Sprintf("%s (gone from the plan)", e))
		case old.Has(e):
			items = append(items, fmt.Sprintf("%s (left when %s moved or shrank)", e, e.Path))
		default:
			continue
		}
		if !slices.Contains(paths, e.Path) {
			paths = append(paths, e.Path)
		}
	}
	switch {
	case len(items) == 0:
		return ""
	case len(items) == 1:
		return fmt.Sprintf("ip6plan: held: %s keeps its space; free it with: ip6plan release -f %s %s", items[0], file, paths[0])
	case len(items) <= 4:
		return fmt.Sprintf("ip6plan: held: %d entries keep their space: %s; free them with: ip6plan release -f %s %s", len(items), strings.Join(items, ", "), file, strings.Join(paths, " "))
	}
	return fmt.Sprintf("ip6plan: held: %d entries keep their space: %s and %d more (ip6plan plan -o json lists them under held); free one with: ip6plan release -f %s PATH", len(items), strings.Join(items[:3], ", "), len(items)-3, file)
}

// loadCurrent loads the plan for a command that only reads the lock: the
// lock must already hold everything the plan places, where the plan
// places it. A command that publishes addresses never places anything
// itself, or an address could reach DNS before the lock records it.
func (f *planFlags) loadCurrent(c *cobra.Command) (*plan.Allocation, error) {
	a, old, err := f.load(c)
	if err != nil {
		return nil, err
	}
	path := f.lockPath()
	if path == "" {
		return a, nil
	}
	if old == nil {
		return nil, &exitError{exitFindings, fmt.Errorf("there is no lock file %s yet, so nothing of the plan is placed for good: run ip6plan plan -f %s first", path, f.file)}
	}
	changes := plan.Diff(old, a.Lock)
	if len(changes) == 0 {
		return a, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "the lock %s is behind the plan:", path)
	for _, ch := range changes {
		switch ch.Op {
		case '+':
			fmt.Fprintf(&b, "\nthe lock does not have %s %s (the plan would place it at %s)", ch.Entry.Kind, ch.Entry.Path, where(ch.Entry))
		case '~':
			fmt.Fprintf(&b, "\nthe lock has %s %s at %s; the plan would move it to %s", ch.Entry.Kind, ch.Entry.Path, whereWas(ch), where(ch.Entry))
		default:
			fmt.Fprintf(&b, "\nthe plan would drop %s from the lock", ch.Entry)
		}
	}
	fmt.Fprintf(&b, "\nrun ip6plan plan -f %s first", f.file)
	return nil, &exitError{exitFindings, errors.New(b.String())}
}

// where returns an entry's address (a host's) or prefix as text.
func where(e plan.Entry) string {
	if e.Kind == plan.KindHost {
		return e.Prefix.Addr().String()
	}
	return e.Prefix.String()
}

// whereWas returns where a moved entry was, as text.
func whereWas(ch plan.Change) string {
	return where(plan.Entry{Kind: ch.Entry.Kind, Prefix: ch.Was})
}

// saveLock writes the lock when it differs from the one read, or when the
// one read is in the old format, atomically.
func (f *planFlags) saveLock(old, now *plan.Lock) error {
	path := f.lockPath()
	if path == "" || old != nil && !old.Legacy() && len(plan.Diff(old, now)) == 0 {
		return nil
	}
	if err := planfile.WriteAtomic(path, now.Bytes(), 0o644); err != nil {
		return lockAccess(err, path, true)
	}
	return nil
}

func newPlanCmd() *cobra.Command {
	var (
		flags    planFlags
		output   string
		dryRun   bool
		check    bool
		renumber []string
	)
	c := &cobra.Command{
		Use:   "plan -f PLAN",
		Short: "Allocate a plan's subnets and hosts, update its lock, show zones and SPF",
		Long: `plan allocates every subnet, host and link of the plan, keeping each entry the
lock file already has where it is, writes the lock back atomically and prints
the allocation: subnets, hosts with their PTR names, the reverse zones that
cover the prefix, and the domain's SPF record.

Nothing the lock has placed moves unless you ask: when the plan would put an
entry elsewhere (a resize that cannot stay in place, a changed pin or
address), plan lists every move, writes nothing and exits 1. --renumber PATH
accepts the moves of PATH and everything inside it; the space they leave
stays held until released.

With --dry-run it prints what would change in the lock and writes nothing.
--check does the same and exits 1 when the lock is not current, for CI.`,
		Example: `  ip6plan plan -f testdata/example.yaml
  ip6plan plan -f plan.yaml -o json | jq '.hosts[].address'
  ip6plan plan -f plan.yaml --dry-run
  ip6plan plan -f plan.yaml --check
  ip6plan plan -f plan.yaml --renumber site-a`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			write, ok := writers[output]
			if !ok {
				return fmt.Errorf("unknown output format %q; want table, csv, json or markdown", output)
			}
			if check && flags.lockPath() == "" {
				return fmt.Errorf("--check compares the plan with its lock, and a plan read from stdin has none: name it with --lock")
			}
			if dryRun || check {
				return flags.dryRun(c, renumber, check)
			}
			unlock, err := flags.hold(c)
			if err != nil {
				return err
			}
			defer unlock()
			a, old, refused, err := flags.loadRenumbering(c, renumber)
			if err != nil {
				return err
			}
			if len(refused) > 0 {
				return refuseMoves(flags.lockPath(), refused)
			}
			if err := flags.saveLock(old, a.Lock); err != nil {
				return err
			}
			for _, m := range a.Moves {
				fmt.Fprintf(c.ErrOrStderr(), "ip6plan: renumbered: %s\n", m)
			}
			for _, ch := range plan.Diff(old, a.Lock) {
				if ch.Op == '+' && ch.Entry.Kind == plan.KindVacated {
					fmt.Fprintf(c.ErrOrStderr(), "ip6plan: held: %s (space %s left when it moved or shrank; free it with: ip6plan release -f %s %s)\n", ch.Entry, ch.Entry.Path, flags.file, ch.Entry.Path)
				}
			}
			v, err := newView(a)
			if err != nil {
				return err
			}
			return write(c.OutOrStdout(), v)
		},
	}
	flags.register(c)
	flags.registerWait(c)
	c.Flags().StringVarP(&output, "output", "o", "table", "output format: table, csv, json or markdown")
	c.Flags().BoolVar(&dryRun, "dry-run", false, "print the changes to the lock and write nothing")
	c.Flags().BoolVar(&check, "check", false, "print the changes to the lock, write nothing, and exit 1 if there are any")
	c.Flags().StringArrayVar(&renumber, "renumber", nil, "accept moving the entry at this path and everything inside it (repeat for more)")
	c.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"table", "csv", "json", "markdown"}, cobra.ShellCompDirectiveNoFileComp))
	return c
}

// loadRenumbering loads the plan as load does, and warns of each
// --renumber path that accepts no move; refused are the moves that the
// paths do not accept.
func (f *planFlags) loadRenumbering(c *cobra.Command, renumber []string) (a *plan.Allocation, old *plan.Lock, refused []plan.Change, err error) {
	if a, old, err = f.load(c); err != nil {
		return nil, nil, nil, err
	}
	for _, p := range renumber {
		if len(a.Refused([]string{p})) == len(a.Moves) { // it accepts no move
			fmt.Fprintf(c.ErrOrStderr(), "ip6plan: warning: --renumber %s: nothing at or below %s moves\n", p, p)
		}
	}
	return a, old, a.Refused(renumber), nil
}

// dryRun prints what plan would change in the lock and writes nothing;
// with check, a lock that is not current fails with exitFindings.
func (f *planFlags) dryRun(c *cobra.Command, renumber []string, check bool) error {
	a, old, refused, err := f.loadRenumbering(c, renumber)
	if err != nil {
		return err
	}
	changes, err := printDiff(c.OutOrStdout(), old, a.Lock)
	switch {
	case err != nil:
		return err
	case len(refused) > 0:
		return refuseMoves(f.lockPath(), refused)
	case check && (changes > 0 || old.Legacy()):
		return &exitError{exitFindings, fmt.Errorf("the lock %s is not current: run ip6plan plan -f %s", f.lockPath(), f.file)}
	}
	return nil
}

// refuseMoves is the error of a run that would move entries the user did
// not name: each move, and the --renumber flags that would accept them.
func refuseMoves(lockPath string, refused []plan.Change) error {
	var b strings.Builder
	lock := lockPath
	if lock == "" {
		lock = "the lock"
	}
	fmt.Fprintf(&b, "the plan would move %d %s that %s has placed; an address that moves loses its reputation, so nothing was written:", len(refused), plural(len(refused), "entry", "entries"), lock)
	for _, m := range refused {
		fmt.Fprintf(&b, "\n%s", m)
	}
	top := plan.RenumberPaths(refused)
	fmt.Fprintf(&b, "\nto renumber them, run plan again with --renumber %s (a path covers everything inside it); the space they leave stays held until you release it. Or change the plan so that they fit where they are.", strings.Join(top, " --renumber "))
	return &exitError{exitFindings, errors.New(b.String())}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// printDiff prints the changes from old to now, one a line, or "no
// changes", and returns how many there are.
func printDiff(w io.Writer, old, now *plan.Lock) (int, error) {
	changes := plan.Diff(old, now)
	if len(changes) == 0 {
		_, err := fmt.Fprintln(w, "no changes")
		return 0, err
	}
	for _, ch := range changes {
		if _, err := fmt.Fprintln(w, ch); err != nil {
			return 0, err
		}
	}
	return len(changes), nil
}

func newReleaseCmd() *cobra.Command {
	var flags planFlags
	c := &cobra.Command{
		Use:   "release -f PLAN PATH...",
		Short: "Free held allocations so new entries may use their space",
		Long: `An entry removed from the plan keeps its space in the lock, so nothing new is
numbered into addresses that may still be in DNS, blocklists or firewalls,
and so does the space an entry left behind when it was renumbered. release
drops such entries (and everything inside them) from the lock. PATH is the
entry's path of names, as the lock and 'ip6plan plan' show it.

An entry the plan still has is not released: its addresses would go to the
next entry that needs space. For such a PATH, release frees only the space it
left behind when it was renumbered, if any, and otherwise exits 1.`,
		Example: `  ip6plan release -f plan.yaml mail-old
  ip6plan release -f plan.yaml site-a/servers/www`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, paths []string) error {
			if flags.lockPath() == "" {
				return fmt.Errorf("a plan read from stdin has no lock file: name it with --lock")
			}
			unlock, err := flags.hold(c)
			if err != nil {
				return err
			}
			defer unlock()
			// The plan is read, not allocated: a plan that does not fit
			// until space is released must not stop the release.
			pl, err := planfile.Read(flags.file, c.InOrStdin())
			if err != nil {
				return err
			}
			lockPath := flags.lockPath()
			old, err := planfile.ReadLock(lockPath)
			if err != nil {
				return lockAccess(err, lockPath, false)
			}
			if old == nil {
				return fmt.Errorf("there is no lock file %s to release entries from", lockPath)
			}
			var gone []plan.Entry
			for _, p := range paths {
				g, err := old.ReleaseHeld(pl, p)
				if errors.Is(err, plan.ErrInPlan) {
					return &exitError{exitFindings, fmt.Errorf("%s is still in the plan; releasing it would hand its addresses to the next entry that needs space, so nothing was released. Remove it from the plan first (its space is then held until you release it), or, to move it, change the plan and run ip6plan plan -f %s --renumber %s", p, flags.file, p)}
				}
				if err != nil {
					return fmt.Errorf("release %s: %w", p, err)
				}
				gone = append(gone, g...)
			}
			if err := planfile.WriteAtomic(lockPath, old.Bytes(), 0o644); err != nil {
				return lockAccess(err, lockPath, true)
			}
			for _, e := range gone {
				fmt.Fprintf(c.OutOrStdout(), "- %s\n", e)
			}
			return nil
		},
	}
	flags.register(c)
	flags.registerWait(c)
	return c
}
