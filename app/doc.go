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

// FileName is the name plan errors carry and downloads use.
const FileName = "plan.yaml"

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

	// Changed, when set, is called after every change (to persist it).
	Changed func(*Doc)

	draft    *plan.Draft // reads each new Source, re-reading only what an edit changed
	lock     *plan.Lock  // where everything placed so far is; nil for none
	lockText string      // lock in text form, made on demand for lockRev
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
// is dropped.
func (d *Doc) Load(src, lock string) {
	d.Source, d.lock = src, nil
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
	d.lock = nil
	d.replan()
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
	d.Errors = nil
	t0 := time.Now()
	if d.draft == nil {
		d.draft = plan.NewDraft(FileName)
	}
	p, err := d.draft.Parse([]byte(d.Source))
	d.ParseTime, d.PlanTime = time.Since(t0), 0
	if err != nil {
		d.Plan = nil
		d.fail(err)
		return
	}
	d.Plan = p
	var lock *plan.Lock
	if d.lock != nil && d.lock.Prefix == p.Prefix {
		lock = d.lock // Allocate only reads it
	}
	t1 := time.Now()
	a, err := plan.Allocate(p, lock)
	d.PlanTime = time.Since(t1)
	if err != nil {
		d.fail(err)
		return
	}
	d.Alloc, d.Stale = a, false
	d.lock = a.Lock
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
	return []Problem{{Msg: strings.TrimPrefix(err.Error(), FileName+": ")}}
}

// Prefix returns the prefix of the last good plan, or the invalid Prefix.
func (d *Doc) Prefix() netip.Prefix {
	if d.Alloc == nil {
		return netip.Prefix{}
	}
	return d.Alloc.Plan.Prefix
}
