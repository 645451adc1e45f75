package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/plan/planfile"
)

func newRenameCmd() *cobra.Command {
	var (
		flags    planFlags
		renumber bool
	)
	c := &cobra.Command{
		Use:   "rename -f PLAN [--renumber] OLD NEW",
		Short: "Rename a subnet, host or link in the plan file and the lock, keeping its addresses",
		Long: `rename gives the subnet, host or link at path OLD the path NEW, in the plan
file and in the lock, and keeps every address: the entry and everything inside
it stay where they are. The plan file is edited in place, so its comments and
layout are kept; the plan is written first, then the lock, while no other
ip6plan run may write the lock. If a run stopped between the two, run the same
rename again: it finishes the lock.

OLD and NEW are full paths (site-a/office site-a/lan). An entry moved under
another parent is renumbered, which rename does only with --renumber: the
entry's item (a subnet with everything inside it, a host, a link) is cut from
its list in the plan file, comments inside it included, and appended to the
list of NEW's parent, which must be a subnet that can hold it (a /64 for a
host, a block larger than a subnet). The lock keeps the old entries as held,
so their addresses, and the reputation they carry, are not given to anything
new until 'ip6plan release'; the moved entry gets new addresses at once, as
'ip6plan plan' would place it. A plan written as JSON or with flow-style
lists ([...]) is not moved in place: move the entry by hand and run
'ip6plan plan'.`,
		Example: `  ip6plan rename -f plan.yaml site-a/office site-a/lan
  ip6plan rename -f plan.yaml mail-bulk/bulk1 mail-bulk/mta7
  ip6plan rename -f plan.yaml --renumber site-a/office site-b/office`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 2 {
				return fmt.Errorf("rename takes the old path and the new one, e.g. site-a/office site-a/lan; got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error { return flags.rename(c, args[0], args[1], renumber) },
	}
	flags.register(c)
	flags.registerWait(c)
	c.Flags().BoolVar(&renumber, "renumber", false, "move the entry under another parent: it gets new addresses, and the old ones stay held until released")
	return c
}

func (f *planFlags) rename(c *cobra.Command, oldPath, newPath string, renumber bool) error {
	if f.file == "-" {
		return errors.New("rename edits the plan file, so it needs one: -f PLAN, not stdin")
	}
	for _, p := range []string{oldPath, newPath} {
		if !plan.IsPath(p) {
			return fmt.Errorf("%q is not a path of names like site-a/office", p)
		}
	}
	oldParent, _ := plan.SplitPath(oldPath)
	newParent, newName := plan.SplitPath(newPath)
	if oldParent != newParent {
		if !renumber {
			return &exitError{exitFindings, fmt.Errorf("%s and %s have different parents: moving an entry under another parent renumbers it, which rename does only with --renumber, so nothing was changed. To move it and give it new addresses, run ip6plan rename -f %s --renumber %s %s: its old addresses stay held until you release them with ip6plan release -f %s %s", oldPath, newPath, f.file, oldPath, newPath, f.file, oldPath)}
		}
		return f.move(c, oldPath, newPath)
	}

	unlock, src, p, lock, err := f.readHeld(c, "renaming")
	if err != nil {
		return err
	}
	defer unlock()
	hasOld, hasNew := p.Has(oldPath), p.Has(newPath)
	lockHas := len(lock.Under(oldPath)) > 0
	switch {
	case !hasOld && !(hasNew && lockHas):
		return f.noEntryError(oldPath)
	case hasOld && hasNew:
		return f.takenError(newPath)
	case len(lock.Under(newPath)) > 0:
		return f.heldError(newPath)
	}
	// The lock is renamed on a copy first, so that a rename the lock
	// refuses leaves both files as they were.
	var renamed *plan.Lock
	if lockHas {
		renamed = lock.Clone()
		if err := renamed.Rename(oldPath, newPath); err != nil {
			return fmt.Errorf("%s: %w", f.lockPath(), err)
		}
	}
	out := c.OutOrStdout()
	if hasOld {
		edited, err := plan.RenameInSource(f.file, src, oldPath, newName)
		if err != nil {
			return err
		}
		if err := planfile.WriteAtomic(f.file, edited, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(out, "renamed %s to %s in %s\n", oldPath, newPath, f.file)
	} else {
		// A rename that stopped after writing the plan: finish the lock.
		fmt.Fprintf(out, "%s already has %s; finishing the rename in %s\n", f.file, newPath, f.lockPath())
	}
	return f.writeRenamedLock(out, renamed, oldPath, newPath)
}

// writeRenamedLock writes the lock with the entry renamed, if it has the
// entry at all, and says how many entries kept their addresses.
func (f *planFlags) writeRenamedLock(out io.Writer, renamed *plan.Lock, oldPath, newPath string) error {
	lockPath := f.lockPath()
	if renamed == nil {
		fmt.Fprintf(out, "%s has nothing at %s yet: no addresses to keep\n", lockPath, oldPath)
		return nil
	}
	if err := planfile.WriteAtomic(lockPath, renamed.Bytes(), 0o644); err != nil {
		return fmt.Errorf("%w\n%s is renamed but the lock is not: run the same rename again to finish it", err, f.file)
	}
	n := len(renamed.Under(newPath))
	fmt.Fprintf(out, "renamed %s to %s in %s: %d %s, every address kept\n", oldPath, newPath, lockPath, n, plural(n, "entry", "entries"))
	return nil
}

// noEntryError, takenError and heldError are the errors of a rename or move whose old
// path names nothing, or whose new path the plan or the lock has already.
func (f *planFlags) noEntryError(oldPath string) error {
	return fmt.Errorf("%s has no subnet, host or link %s", f.file, oldPath)
}

func (f *planFlags) takenError(newPath string) error {
	return fmt.Errorf("%s is taken: %s already has it; choose another name", newPath, f.file)
}

func (f *planFlags) heldError(newPath string) error {
	return fmt.Errorf("%s already holds %s (an entry gone from the plan keeps its space until released): release it with ip6plan release -f %s %s first, or choose another name", f.lockPath(), newPath, f.file, newPath)
}

// move moves the entry at oldPath under another parent, to newPath: in
// the plan file (plan.MoveInSource), and in the lock, which keeps the old
// entries as held and gets the moved entry's new places from Allocate.
// Nothing is written when the moved plan cannot be allocated or would move
// anything else.
func (f *planFlags) move(c *cobra.Command, oldPath, newPath string) error {
	unlock, src, p, lock, err := f.readHeld(c, "moving")
	if err != nil {
		return err
	}
	defer unlock()
	hasOld, hasNew := p.Has(oldPath), p.Has(newPath)
	// A move that stopped after writing the plan: the plan has the entry at
	// newPath, the lock has it at oldPath only.
	finishing := !hasOld && hasNew && len(lock.Under(oldPath)) > 0 && len(lock.Under(newPath)) == 0
	switch {
	case finishing:
	case !hasOld:
		return f.noEntryError(oldPath)
	case hasNew:
		return f.takenError(newPath)
	case len(lock.Under(newPath)) > 0:
		return f.heldError(newPath)
	}
	edited := src
	if !finishing {
		if edited, err = f.movedSource(src, oldPath, newPath); err != nil {
			return err
		}
	}
	a, err := f.allocateMoved(edited, lock, oldPath, newPath)
	if err != nil {
		return err
	}
	for _, w := range a.Warnings {
		fmt.Fprintf(c.ErrOrStderr(), "ip6plan: warning: %s\n", w)
	}
	out := c.OutOrStdout()
	if finishing {
		fmt.Fprintf(out, "%s already has %s; finishing the move in %s\n", f.file, newPath, f.lockPath())
	} else {
		if err := planfile.WriteAtomic(f.file, edited, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(out, "moved %s to %s in %s\n", oldPath, newPath, f.file)
	}
	return f.writeMovedLock(out, lock, a.Lock, oldPath)
}

// movedSource returns the plan file's text with the entry moved.
func (f *planFlags) movedSource(src []byte, oldPath, newPath string) ([]byte, error) {
	edited, err := plan.MoveInSource(f.file, src, oldPath, newPath)
	if errors.Is(err, plan.ErrByHand) {
		return nil, fmt.Errorf("%w\nnothing was changed. Once it is moved by hand, ip6plan plan -f %s gives it new addresses and holds the old ones until you release them", err, f.file)
	} else if err != nil {
		return nil, fmt.Errorf("%w\nnothing was changed", err)
	}
	return edited, nil
}

// allocateMoved allocates the moved plan against the lock, and refuses a
// move that would move anything else the lock has placed.
func (f *planFlags) allocateMoved(edited []byte, lock *plan.Lock, oldPath, newPath string) (*plan.Allocation, error) {
	moved, err := plan.ParseFile(f.file, edited)
	if err != nil {
		return nil, err
	}
	a, err := plan.Allocate(moved, lock)
	if err != nil {
		return nil, fmt.Errorf("%w\nwith %s moved to %s (the lines above are those of the moved plan, which was not written) the plan cannot be allocated, so nothing was changed; a pinned prefix or address that does not fit the new parent must be changed or dropped first", err, oldPath, newPath)
	}
	if refused := a.Refused(nil); len(refused) > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "with %s moved to %s, the plan would also move %d %s that %s has placed, so nothing was changed:", oldPath, newPath, len(refused), plural(len(refused), "entry", "entries"), f.lockPath())
		for _, m := range refused {
			fmt.Fprintf(&b, "\n%s", m)
		}
		fmt.Fprintf(&b, "\nrun ip6plan plan -f %s first and settle those moves, then move %s", f.file, oldPath)
		return nil, &exitError{exitFindings, errors.New(b.String())}
	}
	return a, nil
}

// writeMovedLock writes the lock of the moved plan, now, over the one read,
// old, and lists what it placed and what it holds of the old place.
func (f *planFlags) writeMovedLock(out io.Writer, old, now *plan.Lock, oldPath string) error {
	lockPath := f.lockPath()
	if old == nil {
		fmt.Fprintf(out, "there is no lock file %s yet, so nothing had addresses to hold; ip6plan plan -f %s places the plan\n", lockPath, f.file)
		return nil
	}
	if err := planfile.WriteAtomic(lockPath, now.Bytes(), 0o644); err != nil {
		return fmt.Errorf("%w\n%s has the move but the lock does not: run the same rename again to finish it", err, f.file)
	}
	for _, ch := range plan.Diff(old, now) {
		if ch.Op == '+' {
			fmt.Fprintf(out, "placed: %s\n", ch.Entry)
		}
	}
	held := now.Under(oldPath)
	for _, e := range held {
		fmt.Fprintf(out, "held: %s\n", e)
	}
	if len(held) == 0 {
		fmt.Fprintf(out, "%s had no addresses for %s, so none are held\n", lockPath, oldPath)
		return nil
	}
	fmt.Fprintf(out, "%s holds the old place of %s (%d %s above), so nothing new is numbered into it; once it is out of DNS, free it with: ip6plan release -f %s %s\n", lockPath, oldPath, len(held), plural(len(held), "entry", "entries"), f.file, oldPath)
	return nil
}

// readHeld takes the lock file's flock and then reads the plan, as text
// and parsed, and its lock, for a command that changes both; unlock lets
// the flock go. doing names the change for the message when the plan
// does not read.
func (f *planFlags) readHeld(c *cobra.Command, doing string) (unlock func(), src []byte, p *plan.Plan, lock *plan.Lock, err error) {
	if unlock, err = f.hold(c); err != nil {
		return nil, nil, nil, nil, err
	}
	fail := func(err error) (func(), []byte, *plan.Plan, *plan.Lock, error) {
		unlock()
		return nil, nil, nil, nil, err
	}
	if src, err = os.ReadFile(f.file); err != nil {
		return fail(err)
	}
	if p, err = plan.ParseFile(f.file, src); err != nil {
		return fail(fmt.Errorf("%w\nfix the plan before %s anything in it", err, doing))
	}
	if lock, err = planfile.ReadLock(f.lockPath()); err != nil {
		return fail(lockAccess(err, f.lockPath(), false))
	}
	return unlock, src, p, lock, nil
}
