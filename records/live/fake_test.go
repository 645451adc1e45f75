package live_test

import (
	"context"
	"net/netip"
	"strings"
	"sync"

	"github.com/ip6plan/ip6plan/records"
	"github.com/ip6plan/ip6plan/records/live"
	"github.com/ip6plan/ip6plan/records/spf"
)

// fake is a Resolver that answers from maps, for tests without a server.
// A name it has no records of the type for is NODATA if it appears in any
// map, NXDOMAIN otherwise; fail makes a lookup ("TYPE name") fail with a
// status instead.
type fake struct {
	a, aaaa map[string][]netip.Addr
	mx      map[string][]spf.MXHost
	txt     map[string][]string
	ptr     map[netip.Addr][]string
	soa     map[string]records.SOA
	fail    map[string]live.Status
	block   map[string]bool // lookups that wait until their context ends

	mu    sync.Mutex
	calls map[string]int // lookups asked, by "TYPE name"
}

func newFake() *fake {
	return &fake{a: map[string][]netip.Addr{}, aaaa: map[string][]netip.Addr{}, mx: map[string][]spf.MXHost{},
		txt: map[string][]string{}, ptr: map[netip.Addr][]string{}, soa: map[string]records.SOA{},
		fail: map[string]live.Status{}, block: map[string]bool{}, calls: map[string]int{}}
}

var _ live.Resolver = (*fake)(nil)

func (f *fake) exists(name string) bool {
	if _, ok := f.a[name]; ok {
		return true
	}
	if _, ok := f.aaaa[name]; ok {
		return true
	}
	if _, ok := f.mx[name]; ok {
		return true
	}
	if _, ok := f.txt[name]; ok {
		return true
	}
	_, ok := f.soa[name]
	return ok
}

// ask counts the lookup and returns the error it must give before its
// records are looked at, if any.
func (f *fake) ask(ctx context.Context, typ, name string) error {
	key := typ + " " + name
	f.mu.Lock()
	f.calls[key]++
	f.mu.Unlock()
	if f.block[key] {
		<-ctx.Done()
		return &live.Error{Name: name, Type: typ, Status: live.Timeout, Err: ctx.Err()}
	}
	if st, ok := f.fail[key]; ok {
		return &live.Error{Name: name, Type: typ, Status: st}
	}
	return nil
}

func (f *fake) none(typ, name string) error {
	st := live.NXDomain
	if f.exists(name) {
		st = live.NoData
	}
	return &live.Error{Name: name, Type: typ, Status: st}
}

func norm(name string) string { return strings.ToLower(strings.TrimSuffix(name, ".")) + "." }

func lookup[T any](f *fake, ctx context.Context, typ, name string, m map[string][]T) ([]T, error) {
	name = norm(name)
	if err := f.ask(ctx, typ, name); err != nil {
		return nil, err
	}
	if v := m[name]; len(v) > 0 {
		return v, nil
	}
	return nil, f.none(typ, name)
}

func (f *fake) LookupA(ctx context.Context, name string) ([]netip.Addr, error) {
	return lookup(f, ctx, "A", name, f.a)
}

func (f *fake) LookupAAAA(ctx context.Context, name string) ([]netip.Addr, error) {
	return lookup(f, ctx, "AAAA", name, f.aaaa)
}

func (f *fake) LookupMX(ctx context.Context, name string) ([]spf.MXHost, error) {
	return lookup(f, ctx, "MX", name, f.mx)
}

func (f *fake) LookupTXT(ctx context.Context, name string) ([]string, error) {
	return lookup(f, ctx, "TXT", name, f.txt)
}

func (f *fake) LookupPTR(ctx context.Context, addr netip.Addr) ([]string, error) {
	name, _ := records.PTRName(addr)
	if err := f.ask(ctx, "PTR", name); err != nil {
		return nil, err
	}
	if v := f.ptr[addr]; len(v) > 0 {
		return v, nil
	}
	return nil, &live.Error{Name: name, Type: "PTR", Status: live.NXDomain}
}

func (f *fake) LookupSOA(ctx context.Context, name string) (records.SOA, error) {
	name = norm(name)
	if err := f.ask(ctx, "SOA", name); err != nil {
		return records.SOA{}, err
	}
	if s, ok := f.soa[name]; ok {
		return s, nil
	}
	return records.SOA{}, &live.Error{Name: name, Type: "SOA", Status: live.NXDomain}
}

func (f *fake) count(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[key]
}
