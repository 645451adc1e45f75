package plan

import (
	"errors"
	"fmt"
)

// MergeLocks merges two locks made on branches from base, as Git's merge
// driver for lock files (ip6plan lock merge) does. Each entry is taken
// from the side that changed it: added on either side, it is kept;
// released on one side and untouched on the other, it goes; placed the
// same on both, it is one entry. Two sides that placed the same entry in
// different places, or different entries on overlapping space, conflict,
// and the error names both entries of each conflict: only a person can
// say which one keeps its addresses. base may be nil (no common lock).
func MergeLocks(base, ours, theirs *Lock) (*Lock, error) {
	if ours == nil || theirs == nil {
		return nil, errors.New("a merge needs both sides' locks")
	}
	if ours.Prefix != theirs.Prefix {
		return nil, fmt.Errorf("the locks are for different prefixes: ours %s, theirs %s", ours.Prefix, theirs.Prefix)
	}
	var errs []error
	out := NewLock(ours.Prefix)
	side := map[lockKey]string{} // which branch each kept entry came from, for the errors
	take := func(e Entry, from string) {
		out.Put(e)
		side[keyOf(e)] = from
	}
	for _, o := range ours.list {
		b, inBase := base.get(keyOf(o))
		t, inTheirs := theirs.get(keyOf(o))
		switch {
		case inTheirs && t == o:
			take(o, "both")
		case inTheirs && inBase && b == o: // only theirs changed it
			take(t, "theirs")
		case inTheirs && inBase && b == t: // only ours changed it
			take(o, "ours")
		case inTheirs:
			errs = append(errs, fmt.Errorf("%s %s: ours has it at %s, theirs at %s", o.Kind, o.Path, o.Prefix, t.Prefix))
		case !inBase: // added by ours
			take(o, "ours")
		case b != o: // ours moved it, theirs released it
			errs = append(errs, fmt.Errorf("%s %s: ours has it at %s, theirs released it", o.Kind, o.Path, o.Prefix))
		} // else released by theirs: it goes
	}
	for _, t := range theirs.list {
		if _, inOurs := ours.get(keyOf(t)); inOurs {
			continue
		}
		switch b, inBase := base.get(keyOf(t)); {
		case !inBase:
			take(t, "theirs")
		case b != t:
			errs = append(errs, fmt.Errorf("%s %s: theirs has it at %s, ours released it", t.Kind, t.Path, t.Prefix))
		}
	}
	for _, o := range overlaps(out.list) {
		errs = append(errs, fmt.Errorf("%s (%s) overlaps %s (%s): the branches placed them on the same space", o[1], side[keyOf(o[1])], o[0], side[keyOf(o[0])]))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("the locks conflict; keep one side's entry with git checkout --ours or --theirs, run ip6plan plan to place the other anew, then commit:\n%w", errors.Join(errs...))
	}
	return out, nil
}
