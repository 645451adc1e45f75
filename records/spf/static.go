package spf

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/ip6plan/ip6plan/records"
)

// A StaticResolver is a [Resolver] over records held in memory: the
// records behind include:, redirect=, a and mx, so that a whole chain is
// checked offline. Fill it with [StaticResolver.AddTXT] and the other Add
// methods, with [StaticResolver.AddPair] from NAME=RECORD text, or from a
// zone file with package spfzone.
//
// Names compare without regard to case and with or without the final
// dot. A name that has records, but none of the type asked for, answers
// ErrNoRecords (no data), as does any name at or under one of Zones that
// has no records (NXDOMAIN: the resolver speaks for the whole zone). Both
// are void lookups (RFC 7208 §4.6.4). Any other name is one the resolver
// knows nothing about: it answers an error wrapping ErrOffline, so a
// check that needs it gives Temperror saying that it needs DNS, never a
// made-up answer. A CNAME is followed, up to 8 in a row.
//
// The zero StaticResolver is empty and ready to use. It is not safe for
// concurrent use while records are being added.
type StaticResolver struct {
	// Zones are the names the resolver is authoritative for, such as
	// "example.com"; every name at or under one of them that it has no
	// records of answers ErrNoRecords.
	Zones []string

	names map[string]*staticName
	ptr   map[netip.Addr][]string
}

// staticName is what a StaticResolver holds for one name.
type staticName struct {
	txt   []string
	a     []netip.Addr
	aaaa  []netip.Addr
	mx    []MXHost
	cname string
}

// maxCNAMEs is how many CNAMEs in a row a StaticResolver follows.
const maxCNAMEs = 8

// canonical returns a name as StaticResolver keys it: lower case, without
// the final dot.
func canonical(name string) string { return strings.ToLower(strings.TrimSuffix(name, ".")) }

func (s *StaticResolver) name(name string) *staticName {
	if s.names == nil {
		s.names = map[string]*staticName{}
	}
	k := canonical(name)
	n := s.names[k]
	if n == nil {
		n = &staticName{}
		s.names[k] = n
	}
	return n
}

// AddTXT adds a TXT record at name: its character-strings already
// concatenated, as LookupTXT returns them.
func (s *StaticResolver) AddTXT(name, txt string) {
	n := s.name(name)
	n.txt = append(n.txt, txt)
}

// AddAddr adds an A record at name for an IPv4 address (IPv4-mapped ones
// included), or an AAAA record for an IPv6 one.
func (s *StaticResolver) AddAddr(name string, addr netip.Addr) {
	n := s.name(name)
	if addr.Unmap().Is4() {
		n.a = append(n.a, addr.Unmap())
	} else {
		n.aaaa = append(n.aaaa, addr.WithZone(""))
	}
}

// AddMX adds an MX record at name.
func (s *StaticResolver) AddMX(name string, pref uint16, host string) {
	n := s.name(name)
	n.mx = append(n.mx, MXHost{Host: host, Pref: pref})
}

// AddCNAME makes name an alias of target.
func (s *StaticResolver) AddCNAME(name, target string) { s.name(name).cname = canonical(target) }

// AddPTR adds a PTR record for addr pointing at name, once.
func (s *StaticResolver) AddPTR(addr netip.Addr, name string) {
	if s.ptr == nil {
		s.ptr = map[netip.Addr][]string{}
	}
	addr = addr.Unmap().WithZone("")
	for _, have := range s.ptr[addr] {
		if canonical(have) == canonical(name) {
			return
		}
	}
	s.ptr[addr] = append(s.ptr[addr], name)
}

// AddPair adds the TXT record of a NAME=RECORD pair, as the command line
// gives one: "_spf.example.com=v=spf1 ip6:2001:db8::/32 -all". The name
// ends at the first "=" and must be a domain name: labels of 1 to 63
// letters, digits, "-" and "_", 253 octets in all, with or without the
// final dot (RFC 1035 §2.3.4). The record is taken as it is, SPF or not.
func (s *StaticResolver) AddPair(pair string) error {
	name, txt, ok := strings.Cut(pair, "=")
	if !ok {
		return fmt.Errorf("spf: %q is not NAME=RECORD", pair)
	}
	if msg := checkName(name); msg != "" {
		return fmt.Errorf("spf: %q: name %q %s", pair, name, msg)
	}
	s.AddTXT(name, txt)
	return nil
}

// checkName says what is wrong with a domain name a user gave, or "".
func checkName(name string) string {
	name = strings.TrimSuffix(name, ".")
	if !isValidName(name) {
		return "is not a domain name: it needs labels of 1 to 63 octets, 253 in all"
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !isAlpha(c) && !isDigit(c) && c != '-' && c != '_' && c != '.' {
			return fmt.Sprintf("has %q, which is not a letter, digit, \"-\", \"_\" or \".\"", c)
		}
	}
	return ""
}

// find returns the records of name, following CNAMEs; ok is false when
// the resolver knows nothing of name.
func (s *StaticResolver) find(name string) (n *staticName, err error) {
	k := canonical(name)
	for range maxCNAMEs + 1 {
		n = s.names[k]
		if n == nil {
			break
		}
		if n.cname == "" {
			return n, nil
		}
		k = n.cname
	}
	if n != nil {
		return nil, fmt.Errorf("%s: more than %d CNAMEs in a row", name, maxCNAMEs)
	}
	if s.authoritative(k) {
		return nil, fmt.Errorf("%s: %w", k, ErrNoRecords)
	}
	return nil, fmt.Errorf("%s is in none of the records given: %w", k, ErrOffline)
}

// authoritative reports whether name is at or under one of s.Zones.
func (s *StaticResolver) authoritative(name string) bool {
	for _, z := range s.Zones {
		z = canonical(z)
		if z == "" || name == z || strings.HasSuffix(name, "."+z) {
			return true
		}
	}
	return false
}

func answer[T any](s *StaticResolver, name string, pick func(*staticName) []T) ([]T, error) {
	n, err := s.find(name)
	if err != nil {
		return nil, err
	}
	if v := pick(n); len(v) > 0 {
		return v, nil
	}
	return nil, fmt.Errorf("%s: %w", canonical(name), ErrNoRecords)
}

// LookupTXT returns the TXT records of name.
func (s *StaticResolver) LookupTXT(_ context.Context, name string) ([]string, error) {
	return answer(s, name, func(n *staticName) []string { return n.txt })
}

// LookupA returns the IPv4 addresses of name.
func (s *StaticResolver) LookupA(_ context.Context, name string) ([]netip.Addr, error) {
	return answer(s, name, func(n *staticName) []netip.Addr { return n.a })
}

// LookupAAAA returns the IPv6 addresses of name.
func (s *StaticResolver) LookupAAAA(_ context.Context, name string) ([]netip.Addr, error) {
	return answer(s, name, func(n *staticName) []netip.Addr { return n.aaaa })
}

// LookupMX returns the MX records of name.
func (s *StaticResolver) LookupMX(_ context.Context, name string) ([]MXHost, error) {
	return answer(s, name, func(n *staticName) []MXHost { return n.mx })
}

// LookupPTR returns the names of the PTR records added for addr. An
// address without any answers ErrNoRecords when its reverse name
// (in-addr.arpa or ip6.arpa) is under one of Zones, else an error
// wrapping ErrOffline.
func (s *StaticResolver) LookupPTR(_ context.Context, addr netip.Addr) ([]string, error) {
	addr = addr.Unmap().WithZone("")
	if names := s.ptr[addr]; len(names) > 0 {
		return names, nil
	}
	rev := reverseName(addr)
	if s.authoritative(rev) {
		return nil, fmt.Errorf("%s: %w", rev, ErrNoRecords)
	}
	return nil, fmt.Errorf("%s is in none of the records given: %w", rev, ErrOffline)
}

// reverseName returns the PTR owner name of addr, without the final dot:
// under in-addr.arpa for IPv4 (RFC 1035 §3.5), ip6.arpa for IPv6 (RFC
// 3596 §2.5).
func reverseName(addr netip.Addr) string {
	addr = addr.Unmap()
	if addr.Is4() {
		b := addr.As4()
		return fmt.Sprintf("%d.%d.%d.%d.in-addr.arpa", b[3], b[2], b[1], b[0])
	}
	return strings.TrimSuffix(string(records.AppendPTRName(nil, addr)), ".")
}

// CheckTXT runs check_host() with txts as the TXT records of domain,
// instead of looking them up: the `spf check RECORD` of the command line,
// which takes RECORD for what a TXT lookup of the domain answers. The
// record is selected as RFC 7208 §4.5 says: the TXT records that begin
// with "v=spf1", in any case, followed by a space or their end ([IsSPF]);
// none is None ("v=spf10 -all" and "v=spf2.0/pra -all" are not SPF
// records), more than one is Permerror, and one that then does not parse
// is Permerror. Everything else is as in CheckHost: include, redirect=,
// a and mx are looked up with the Resolver, which may be a
// [StaticResolver] holding the rest of the chain; without one, a lookup
// gives Temperror wrapping ErrOffline.
func (c *Checker) CheckTXT(ctx context.Context, txts []string, ip netip.Addr, domain, sender, helo string) (Result, string, error) {
	cc := *c
	cc.Resolver = &withTXT{Resolver: c.Resolver, name: canonical(domain), txts: txts}
	return cc.CheckHost(ctx, ip, domain, sender, helo)
}

// withTXT answers the TXT lookup of one name with given records, and
// passes every other question to a Resolver, or answers ErrOffline
// without one.
type withTXT struct {
	Resolver
	name string
	txts []string
}

func (w *withTXT) LookupTXT(ctx context.Context, name string) ([]string, error) {
	if canonical(name) == w.name {
		if len(w.txts) == 0 {
			return nil, ErrNoRecords
		}
		return w.txts, nil
	}
	if w.Resolver == nil {
		return nil, ErrOffline
	}
	return w.Resolver.LookupTXT(ctx, name)
}

func (w *withTXT) LookupA(ctx context.Context, name string) ([]netip.Addr, error) {
	if w.Resolver == nil {
		return nil, ErrOffline
	}
	return w.Resolver.LookupA(ctx, name)
}

func (w *withTXT) LookupAAAA(ctx context.Context, name string) ([]netip.Addr, error) {
	if w.Resolver == nil {
		return nil, ErrOffline
	}
	return w.Resolver.LookupAAAA(ctx, name)
}

func (w *withTXT) LookupMX(ctx context.Context, name string) ([]MXHost, error) {
	if w.Resolver == nil {
		return nil, ErrOffline
	}
	return w.Resolver.LookupMX(ctx, name)
}

func (w *withTXT) LookupPTR(ctx context.Context, addr netip.Addr) ([]string, error) {
	if w.Resolver == nil {
		return nil, ErrOffline
	}
	return w.Resolver.LookupPTR(ctx, addr)
}
