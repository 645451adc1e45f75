package app

import (
	"errors"
	"fmt"

	"github.com/ip6plan/ip6plan/plan"
)

// An OpenedFile is a file the user opened from their disk, read in the
// page: nothing is uploaded.
type OpenedFile struct {
	Name, Text string
}

// Open loads files the user opened: a plan (YAML or JSON) and its lock,
// or either alone, told apart by the lock's header (plan.IsLockText). A
// plan with its lock shows the allocation the CLI made of them; a plan
// alone starts afresh, as 'ip6plan plan' does without a lock; a lock alone
// is the lock of the plan on show. A lock that does not read is an error
// naming the file and line, and nothing changes. It returns what was
// opened, for the page to say.
func (d *Doc) Open(files []OpenedFile) (string, error) {
	var planFile, lockFile *OpenedFile
	for i := range files {
		f := &files[i]
		slot, kind := &planFile, "plans"
		if plan.IsLockText([]byte(f.Text)) {
			slot, kind = &lockFile, "locks"
		}
		if *slot != nil {
			return "", fmt.Errorf("%s and %s are both %s; open one plan and at most one lock", (*slot).Name, f.Name, kind)
		}
		*slot = f
	}
	if planFile == nil && lockFile == nil {
		return "", errors.New("no file to open")
	}
	src, srcName := d.Source, plan.DefaultFile
	if planFile != nil {
		src, srcName = planFile.Text, planFile.Name
	}
	lock := ""
	if lockFile != nil {
		l, err := plan.ParseLock(lockFile.Name, []byte(lockFile.Text))
		if err != nil {
			return "", err
		}
		// A lock of another prefix would be dropped in silence: say so.
		if p, err := plan.ParseFile(srcName, []byte(src)); err == nil && l.Prefix != p.Prefix {
			return "", fmt.Errorf("%s was made for %s but %s plans %s; open the lock that goes with the plan", lockFile.Name, l.Prefix, srcName, p.Prefix)
		}
		lock = lockFile.Text
	}
	d.Load(src, lock)
	switch {
	case planFile != nil && lockFile != nil:
		return fmt.Sprintf("Opened %s with its lock %s.", planFile.Name, lockFile.Name), nil
	case planFile != nil:
		return fmt.Sprintf("Opened %s without a lock: it is allocated afresh. Open it together with its lock to keep the addresses the lock holds.", planFile.Name), nil
	}
	return fmt.Sprintf("Opened the lock %s for the plan on show.", lockFile.Name), nil
}
