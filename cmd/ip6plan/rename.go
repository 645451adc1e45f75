package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/plan/planfile"
)

func newRenameCmd() *cobra.Command {
	var flags planFlags
	c := &cobra.Command{
		Use:   "rename -f PLAN OLD NEW",
		Short: "Rename a subnet, host or link in the plan file and the lock, keeping its addresses",
		Long: `rename gives the subnet, host or link at path OLD the path NEW, in the plan
file and in the lock, and keeps every address: the entry and everything inside
it stay where they are. The plan file is edited in place, so its comments and
layout are kept; the plan is written first, then the lock, while no other
ip6plan run may write the lock. If a run stopped between the two, run the same
rename again: it finishes the lock.

OLD and NEW are full paths (site-a/office site-a/lan), and NEW must be under
the same parent as OLD: an entry moved under another parent is renumbered.
To do that, move it in the plan file by hand and run 'ip6plan plan': the
entry gets new addresses, and its old ones stay held until released.`,
		Example: `  ip6plan rename -f plan.yaml site-a/office site-a/lan
  ip6plan rename -f plan.yaml mail-bulk/bulk1 mail-bulk/mta7`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 2 {
				return &exitError{exitInput, fmt.Errorf("rename takes the old path and the new one, e.g. site-a/office site-a/lan; got %d arguments", len(args))}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error { return flags.rename(c, args[0], args[1]) },
	}
	flags.register(c)
	flags.registerWait(c)
	return c
}

// parentOf returns the path of the entry that holds the one at path, or
// "" at the top.
func parentOf(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		return path[:i]
	}
	return ""
}

func (f *planFlags) rename(c *cobra.Command, oldPath, newPath string) error {
	if f.file == "-" {
		return &exitError{exitInput, errors.New("rename edits the plan file, so it needs one: -f PLAN, not stdin")}
	}
	for _, p := range []string{oldPath, newPath} {
		if p == "" || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") || strings.Contains(p, "//") {
			return &exitError{exitInput, fmt.Errorf("%q is not a path of names like site-a/office", p)}
		}
	}
	if parentOf(oldPath) != parentOf(newPath) {
		return &exitError{exitFindings, fmt.Errorf("%s and %s have different parents: moving an entry under another parent renumbers it, which rename never does, so nothing was changed. To renumber it, move it in %s by hand and run ip6plan plan -f %s: plan gives it new addresses and holds the old ones until you release them with ip6plan release -f %s %s", oldPath, newPath, f.file, f.file, f.file, oldPath)}
	}
	newName := newPath[len(parentOf(newPath)):]
	newName = strings.TrimPrefix(newName, "/")

	unlock, err := f.hold(c)
	if err != nil {
		return err
	}
	defer unlock()

	src, err := os.ReadFile(f.file)
	if err != nil {
		return &exitError{exitInput, err}
	}
	p, err := plan.ParseFile(f.file, src)
	if err != nil {
		return &exitError{exitInput, fmt.Errorf("%w\nfix the plan before renaming anything in it", err)}
	}
	lockPath := f.lockPath()
	lock, err := planfile.ReadLock(lockPath)
	if err != nil {
		return lockAccess(err, lockPath, false)
	}
	hasOld, hasNew := planHas(p, oldPath), planHas(p, newPath)
	lockHas := lockHasPath(lock, oldPath)
	switch {
	case !hasOld && !(hasNew && lockHas):
		return &exitError{exitInput, fmt.Errorf("%s has no subnet, host or link %s", f.file, oldPath)}
	case hasOld && hasNew:
		return &exitError{exitInput, fmt.Errorf("%s is taken: %s already has it; choose another name", newPath, f.file)}
	case lockHasPath(lock, newPath):
		return &exitError{exitInput, fmt.Errorf("%s already holds %s (an entry gone from the plan keeps its space until released): release it with ip6plan release -f %s %s first, or choose another name", lockPath, newPath, f.file, newPath)}
	}
	// The lock is renamed on a copy first, so that a rename the lock
	// refuses leaves both files as they were.
	var renamed *plan.Lock
	if lockHas {
		renamed = lock.Clone()
		if err := renamed.Rename(oldPath, newPath); err != nil {
			return &exitError{exitInput, fmt.Errorf("%s: %w", lockPath, err)}
		}
	}
	out := c.OutOrStdout()
	if hasOld {
		edited, err := plan.RenameInSource(f.file, src, oldPath, newName)
		if err != nil {
			return &exitError{exitInput, err}
		}
		if err := planfile.WriteAtomic(f.file, edited, 0o644); err != nil {
			return &exitError{exitInput, err}
		}
		fmt.Fprintf(out, "renamed %s to %s in %s\n", oldPath, newPath, f.file)
	} else {
		// A rename that stopped after writing the plan: finish the lock.
		fmt.Fprintf(out, "%s already has %s; finishing the rename in %s\n", f.file, newPath, lockPath)
	}
	if !lockHas {
		fmt.Fprintf(out, "%s has nothing at %s yet: no addresses to keep\n", lockPath, oldPath)
		return nil
	}
	if err := planfile.WriteAtomic(lockPath, renamed.Bytes(), 0o644); err != nil {
		return &exitError{exitInput, fmt.Errorf("%w\n%s is renamed but the lock is not: run the same rename again to finish it", err, f.file)}
	}
	n := 0
	for _, e := range renamed.Entries() {
		if e.Path == newPath || strings.HasPrefix(e.Path, newPath+"/") {
			n++
		}
	}
	fmt.Fprintf(out, "renamed %s to %s in %s: %d %s, every address kept\n", oldPath, newPath, lockPath, n, plural(n, "entry", "entries"))
	return nil
}

// lockHasPath reports whether the lock has an entry at path or below it.
func lockHasPath(l *plan.Lock, path string) bool {
	for _, e := range l.Entries() {
		if e.Path == path || strings.HasPrefix(e.Path, path+"/") {
			return true
		}
	}
	return false
}

// planHas reports whether the plan has a subnet, host or link at path.
func planHas(p *plan.Plan, path string) bool {
	parts := strings.Split(path, "/")
	subnets := p.Subnets
	for i, name := range parts {
		last := i == len(parts)-1
		var next *plan.Subnet
		for _, s := range subnets {
			if s.Name == name {
				next = s
				break
			}
		}
		switch {
		case next != nil && last:
			return true
		case next != nil:
			if i == len(parts)-2 {
				for _, h := range next.Hosts {
					if h.Name == parts[i+1] {
						return true
					}
				}
				for _, l := range next.Links {
					if l.Name == parts[i+1] {
						return true
					}
				}
			}
			subnets = next.Subnets
		default:
			return false
		}
	}
	return false
}
