// Package app is ip6plan in the browser: go-app components that plan a
// prefix, show the allocation as a table and a map, list the hosts with
// their PTR names and readiness to send mail, and export zone files, SPF,
// Postfix settings and the plan and lock files. Everything runs in the
// page; nothing leaves it.
//
// The package builds natively (for tests and for pre-rendering the static
// site) and for GOOS=js GOARCH=wasm. Browser-only calls are guarded by
// app.IsClient.
package app

import (
	_ "embed"
	"errors"
	"net/netip"
	"strings"
	"time"

	"github.com/ip6plan/ip6plan/plan"
)

// ExampleYAML is the shipped example plan, testdata/example.yaml: a first
// visit shows it, so the page is useful at once.
//
//go:embed example.yaml
var ExampleYAML string

// NewPlanYAML is the plan "New plan" starts: a prefix and names to
// replace with one's own, and no subnets yet.
const NewPlanYAML = `# A new plan: put your prefix and domain here, then add subnets and hosts.
prefix: 2001:db8::/48
domain: example.com
nameservers: [ns1.example.com.]
contact: hostmaster.example.com.
subnets: []
`

// A Problem is an error or warning about the plan text, at the line and
// column that caused it (0 when the position is unknown).
type Problem struct {
	Line, Col int
	Msg       string
}

// A Doc is the plan being edited: its text, its lock, and the allocation
// they give. Every change bumps Rev, so components that show a Doc redraw
// when Rev changes (the Doc pointer itself never does).
type Doc struct {
	Source string // the plan file text, YAML or JSON
	Rev    uint64

	Plan     *plan.Plan       // nil when Source does not parse
	Alloc    *plan.Allocation // the last good allocation; nil before one
	Errors   []Problem        // why Source does not parse or allocate
	Warnings []Problem        // plan.Check's findings on Alloc

	// Stale reports whether Alloc belongs to an older Source: the current
	// one has Errors, and the views keep showing the last good plan.
	Stale bool

	// ParseTime and PlanTime are how long the last re-plan took to parse
	// the text and to allocate it.
	ParseTime, PlanTime time.Duration

	// Ask, when set, is an edit the Doc holds back until the user answers
	// it (Accept or Undo): Source is the edited text, but the lock and the
	// allocation on show (Stale) are those from before it.
	Ask *Question

	// Changed, when set, is called after every change (to persist it).
	Changed func(*Doc)

	draft    *plan.Draft                 // reads each new Source, re-reading only what an edit changed
	lock     *plan.Lock                  // where everything placed so far is; nil for none
	aside    map[netip.Prefix]*plan.Lock // the locks of prefixes the plan had before
	kept     string                      // the Source of the allocation on show
	keptLock *plan.Lock                  // its lock, when a rename changed the lock since
	lockText string                      // lock in text form, made on demand for lockRev
	lockRev  uint64
	held     []plan.Entry // Held, when worked out, for heldRev
	heldRev  uint64
	out      *outputs // built on demand for Rev
}

// NewDoc returns a Doc holding the example plan, allocated.
func NewDoc() *Doc {
	d := &Doc{}
	d.SetSource(ExampleYAML)
	return d
}

// SetSource replaces the plan text and re-plans it against the current
// lock, so that what was placed before stays where it is. The lock is kept
// in memory between edits; it is written out only when asked for.
func (d *Doc) SetSource(src string) {
	d.Source = src
	d.replan()
}

// Load sets the plan text and its lock (in the lock file's text form, ""
// for none) together, as restored from storage. A lock that does not parse
// is dropped, and so are the locks set aside for the plan on show.
func (d *Doc) Load(src, lock string) {
	d.Source, d.lock, d.kept, d.keptLock, d.aside = src, nil, "", nil, nil
	if lock != "" {
		if l, err := plan.ParseLock("plan.lock", []byte(lock)); err == nil {
			d.lock = l
		}
	}
	d.replan()
}

// ForgetLock drops the lock and plans from scratch: entries removed from
// the plan are no longer held, and new entries may move.
func (d *Doc) ForgetLock() {
	d.lock, d.aside = nil, nil
	d.replan()
}

// A Question is an edit that the Doc holds back until the user says so,
// because it would break the lock's promise that nothing moves: the plan
// has a new prefix, so the lock would be set aside and everything planned
// afresh, or the edit moves entries the lock placed (a resize that cannot
// stay in place, a changed pin).
type Question struct {
	// From and To are the lock's prefix and the plan's new one; both are
	// invalid when the question is about Moves.
	From, To netip.Prefix
	Entries  int           // how many entries the lock of From holds
	Moves    []plan.Change // what the edit moves, old place to new, in lock order
	alloc    *plan.Allocation
}

// Accept adopts the edit asked about: a new prefix is planned afresh (the
// old prefix's lock is kept aside, and comes back when the plan has that
// prefix again), or the moves are made, the space they leave held as
// vacated until released.
func (d *Doc) Accept() {
	switch q := d.Ask; {
	case q == nil:
		return
	case q.alloc != nil:
		d.Rev++
		d.out = nil
		d.adopt(q.alloc)
	default:
		d.setAside(d.lock)
		d.lock = nil
		d.replan()
	}
}

// CanUndo reports whether Undo has a text to go back to: the text of the
// allocation on show, which a Doc restored from storage with a question
// pending does not know.
func (d *Doc) CanUndo() bool { return d.kept != "" }

// Undo answers the question by taking the edit back: the text returns to
// that of the allocation on show, and the lock stays as it is.
func (d *Doc) Undo() {
	if d.kept != "" {
		if d.keptLock != nil {
			d.lock, d.keptLock = d.keptLock, nil
		}
		d.SetSource(d.kept)
	}
}

// Rename tells the Doc that the subnet or host at path old is now named
// new, so that the lock keeps its place (and the places of all below it)
// under the new name: the form calls it before re-planning the renamed
// text. It reports whether the lock had the entry. (A rename in the text
// cannot be told from a removal and an addition.)
func (d *Doc) Rename(old, new string) bool {
	if d.lock == nil || old == new || d.lock.Len() == 0 {
		return false
	}
	l := d.lock
	if d.Ask != nil && d.keptLock == nil {
		l = d.lock.Clone() // Undo goes back to the text before the rename, and so to the lock
	}
	if l.Rename(old, new) != nil {
		return false
	}
	if l != d.lock {
		d.keptLock, d.lock = d.lock, l
	}
	return true
}

func (d *Doc) setAside(l *plan.Lock) {
	if l == nil || l.Len() == 0 {
		return
	}
	if d.aside == nil {
		d.aside = map[netip.Prefix]*plan.Lock{}
	}
	d.aside[l.Prefix] = l
}

// LockText returns the lock in its file form, "" before the first
// allocation.
func (d *Doc) LockText() string {
	if d.lock == nil {
		return ""
	}
	if d.lockRev != d.Rev || d.lockText == "" {
		d.lockText, d.lockRev = string(d.lock.Bytes()), d.Rev
	}
	return d.lockText
}

func (d *Doc) replan() {
	d.Rev++
	d.out = nil
	d.Errors, d.Ask = nil, nil
	t0 := time.Now()
	if d.draft == nil {
		d.draft = plan.NewDraft(plan.DefaultFile)
	}
	p, err := d.draft.Parse([]byte(d.Source))
	d.ParseTime, d.PlanTime = time.Since(t0), 0
	if err != nil {
		d.Plan = nil
		d.fail(err)
		return
	}
	d.Plan = p
	lock := d.lock // Allocate only reads it
	if lock != nil && lock.Prefix != p.Prefix {
		// A prefix typed before comes back with its lock; any other
		// sets the lock aside, which the user is asked about first.
		if lock = d.aside[p.Prefix]; lock == nil && d.lock.Len() > 0 {
			d.ask(&Question{From: d.lock.Prefix, To: p.Prefix, Entries: d.lock.Len()})
			return
		}
	}
	t1 := time.Now()
	a, err := plan.Allocate(p, lock)
	d.PlanTime = time.Since(t1)
	if err != nil {
		d.fail(err)
		return
	}
	if len(a.Moves) > 0 {
		d.ask(&Question{Moves: a.Moves, alloc: a})
		return
	}
	d.adopt(a)
}

// adopt makes a the allocation on show, and its lock the Doc's.
func (d *Doc) adopt(a *plan.Allocation) {
	if p := a.Plan.Prefix; d.lock != nil && d.lock.Prefix != p { // back to a prefix of before
		delete(d.aside, p)
		d.setAside(d.lock)
	}
	d.Alloc, d.Stale, d.Ask = a, false, nil
	d.lock, d.kept, d.keptLock = a.Lock, d.Source, nil
	d.Warnings = d.Warnings[:0]
	for _, f := range a.Warnings {
		d.Warnings = append(d.Warnings, Problem{Line: f.Pos.Line, Col: f.Pos.Col, Msg: f.Msg})
	}
	d.changed()
}

func (d *Doc) fail(err error) {
	d.Errors = Problems(err)
	d.Stale = d.Alloc != nil
	d.changed()
}

// ask holds an edit back until q is answered; the views keep showing the
// allocation from before it.
func (d *Doc) ask(q *Question) {
	d.Ask, d.Stale = q, d.Alloc != nil
	d.changed()
}

func (d *Doc) changed() {
	if d.Changed != nil {
		d.Changed(d)
	}
}

// Problems splits an error from plan.ParseFile or plan.Allocate into its
// parts, each with the position it names.
func Problems(err error) []Problem {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var ps []Problem
		for _, e := range j.Unwrap() {
			ps = append(ps, Problems(e)...)
		}
		return ps
	}
	var pe *plan.Error
	if errors.As(err, &pe) {
		return []Problem{{Line: pe.Pos.Line, Col: pe.Pos.Col, Msg: pe.Msg}}
	}
	return []Problem{{Msg: strings.TrimPrefix(err.Error(), plan.DefaultFile+": ")}}
}

// Prefix returns the prefix of the last good plan, or the invalid Prefix.
func (d *Doc) Prefix() netip.Prefix {
	if d.Alloc == nil {
		return netip.Prefix{}
	}
	return d.Alloc.Plan.Prefix
}
