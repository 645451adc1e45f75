package spf

import (
	"context"
	"errors"
	"net/netip"
)

// ErrNoRecords is what a Resolver returns, wrapped or not, when a name
// does not exist (NXDOMAIN) or has no records of the type asked for. SPF
// counts such answers as void lookups (RFC 7208 §4.6.4); any other error
// is a temporary DNS failure (temperror).
var ErrNoRecords = errors.New("no such records")

// MXHost is one mail exchanger.
type MXHost struct {
	Host string
	Pref uint16
}

// A Resolver answers the DNS questions SPF evaluation asks. It keeps the
// evaluator free of network code, so it can run against canned zone data
// in tests, against a real server in the CLI, or nowhere at all: a nil
// Resolver means offline, and any term that needs DNS then says so.
type Resolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
	LookupA(ctx context.Context, name string) ([]netip.Addr, error)
	LookupAAAA(ctx context.Context, name string) ([]netip.Addr, error)
	LookupMX(ctx context.Context, name string) ([]MXHost, error)
	LookupPTR(ctx context.Context, addr netip.Addr) ([]string, error)
}
