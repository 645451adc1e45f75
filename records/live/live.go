// Package live checks a deployed plan against what DNS publishes, and
// surveys domains for mail exchangers reachable over IPv6. It asks its
// questions through a [Resolver] and does no network I/O of its own:
// package dnsclient is the real resolver, and tests can answer from
// canned data.
package live

import (
	"context"
	"errors"
	"fmt"
	"net/netip"

	"github.com/ip6plan/ip6plan/records"
	"github.com/ip6plan/ip6plan/records/spf"
)

// A Resolver answers the questions Check asks: those of SPF evaluation
// and the SOA that shows where a zone is cut. Like [spf.Resolver], it
// says "no such records" (NXDOMAIN, or no data of the type) with an error
// that wraps [spf.ErrNoRecords]; other failures should be an [*Error].
type Resolver interface {
	spf.Resolver
	// LookupSOA returns the SOA record owned by name, which exists only
	// at the apex of a zone (RFC 1035 §4.3.4, RFC 2181 §6): asked at any
	// other name, a server answers with no records.
	LookupSOA(ctx context.Context, name string) (records.SOA, error)
}

// An MXResolver answers the questions Survey asks.
type MXResolver interface {
	LookupMX(ctx context.Context, name string) ([]spf.MXHost, error)
	LookupAAAA(ctx context.Context, name string) ([]netip.Addr, error)
}

// Status is how a lookup ended, as survey output writes it.
type Status string

// Statuses of a lookup.
const (
	OK       Status = "ok"       // records came back
	NoData   Status = "NODATA"   // the name exists but has no records of the type (RFC 2308 §2.2)
	NXDomain Status = "NXDOMAIN" // the name does not exist (RFC 1035 §4.1.1 rcode 3, RFC 8020)
	ServFail Status = "SERVFAIL" // the resolver could not get an answer, e.g. a lame delegation
	Refused  Status = "REFUSED"  // the server will not answer this question
	Timeout  Status = "timeout"  // no answer in time, after every retry
	Referral Status = "referral" // the server is neither recursive nor authoritative for the name
	Failed   Status = "error"    // anything else: a network error, a malformed answer, another rcode
)

// NoRecords reports whether s says that there are no such records, which
// SPF counts as a void lookup and Survey as "no address".
func (s Status) NoRecords() bool { return s == NoData || s == NXDomain }

// An Error is a lookup that did not return records.
type Error struct {
	Name   string // the name asked, fully qualified
	Type   string // the record type asked: "MX", "AAAA", ...
	Status Status
	Err    error // the underlying error, if any: a network error, an unknown rcode
}

// Error says what was asked and how it ended: "MX example.com.: SERVFAIL".
func (e *Error) Error() string {
	s := fmt.Sprintf("%s %s: %s", e.Type, e.Name, e.Status)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether e means "no such records" when target is
// spf.ErrNoRecords, so that the SPF evaluator counts it as a void lookup.
func (e *Error) Is(target error) bool {
	return target == spf.ErrNoRecords && e.Status.NoRecords()
}

// StatusOf returns the Status of a lookup's error: OK for nil, the Status
// of an *Error, NoData for any other error wrapping spf.ErrNoRecords, and
// Timeout for an expired context.
func StatusOf(err error) Status {
	var e *Error
	switch {
	case err == nil:
		return OK
	case errors.As(err, &e):
		return e.Status
	case errors.Is(err, spf.ErrNoRecords):
		return NoData
	case errors.Is(err, context.DeadlineExceeded):
		return Timeout
	}
	return Failed
}
