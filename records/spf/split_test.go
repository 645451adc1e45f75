package spf

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ip6plan/ip6plan/plan/plantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fortySenders is a plan with 40 sending hosts listed one by one, each
// with a stable (RFC 7217) address, so nothing aggregates: its record
// takes some 1,600 octets.
func fortySenders() string {
	var b strings.Builder
	b.WriteString("prefix: 2001:db8:d6::/48\ndomain: example.com\nsecret: s3cret-for-the-split-test\nspf: {scope: hosts, include: [_spf.esp.example.net]}\nsubnets:\n")
	b.WriteString("  - name: bulk\n    size: 64\n    purpose: mail\n    hosts:\n")
	for i := range 40 {
		fmt.Fprintf(&b, "      - {name: bulk%d, scheme: stable, roles: [outbound]}\n", i+1)
	}
	b.WriteString("      - {name: inbound, scheme: stable, roles: [mx]}\n")
	return b.String()
}

// chainResolver answers the records of chain and those of others
// (NAME=RECORD pairs), authoritative for example.com and example.net.
func chainResolver(t testing.TB, chain []NamedRecord, others ...string) *StaticResolver {
	s := &StaticResolver{Zones: []string{"example.com", "example.net"}}
	for _, nr := range chain {
		s.AddTXT(nr.Name, nr.Record.String())
	}
	for _, p := range others {
		require.NoError(t, s.AddPair(p))
	}
	return s
}

// checkChain checks what every split must be: the first record at the
// domain; each answer within MaxAnswer and free of size findings; the
// included records named _spfN.DOMAIN, included once each from the top
// record, holding only ip4: and ip6: terms that pass, and no all; all and
// the modifiers in the top record only; every term of r that is not
// moved kept in order; every moved term in exactly one record; 10 DNS
// lookups at most; and Split deterministic.
func checkChain(t *testing.T, r *Record, domain string, chain []NamedRecord) {
	t.Helper()
	require.NotEmpty(t, chain)
	assert.Equal(t, domain+".", chain[0].Name)
	top := chain[0].Record
	for _, nr := range chain {
		assert.LessOrEqual(t, answerSize(nr.Name, nr.Record), MaxAnswer, nr.Name)
		for _, f := range LintName(nr.Name, nr.Record.String()) {
			assert.NotEqual(t, "RFC 7208 §3.4", f.RFC, "%s: %s", nr.Name, f)
		}
		checkOffsets(t, nr.Record)
		again, err := Parse(nr.Record.String())
		require.NoError(t, err)
		assert.Len(t, again.Terms, len(nr.Record.Terms))
	}
	var names []string
	for _, nr := range chain[1:] {
		names = append(names, nr.Name)
		assert.Regexp(t, `^_spf[0-9]+\.`+regexp.QuoteMeta(domain)+`\.$`, nr.Name)
	}
	var includes []string
	for _, t := range top.Terms {
		if t.Kind == Include && slices.Contains(names, t.Domain+".") {
			includes = append(includes, t.Domain+".")
		}
	}
	moved := map[netip.Prefix]int{}
	for _, nr := range chain[1:] {
		for _, tm := range nr.Record.Terms {
			assert.True(t, passingIP(tm), "%s: %s", nr.Name, tm)
			moved[tm.Prefix]++
		}
	}
	if len(chain) > 1 {
		assert.Equal(t, names, includes, "the top record includes each included record once, in order")
	}
	for _, tm := range top.Terms {
		if passingIP(tm) {
			moved[tm.Prefix]++
		}
	}
	// Nothing lost, nothing doubled, nothing else changed.
	var want, got []string
	for _, tm := range r.Terms {
		if passingIP(tm) {
			assert.Equal(t, 1, moved[tm.Prefix], "%s", tm)
			continue
		}
		want = append(want, tm.String())
	}
	for _, tm := range top.Terms {
		if !passingIP(tm) && !slices.Contains(includes, tm.Domain+".") {
			got = append(got, tm.String())
		}
	}
	assert.Equal(t, want, got, "the terms that stay, in order")
	lookups := 0
	for _, tm := range top.Terms {
		if tm.Kind == All {
			break
		}
		if tm.Kind.QueriesDNS() && tm.Kind != Redirect {
			lookups++
		}
	}
	if hasKind(top, Redirect) && !hasKind(top, All) {
		lookups++
	}
	assert.LessOrEqual(t, lookups, DefaultMaxLookups)
	again, err := Split(r, domain)
	require.NoError(t, err)
	assert.Equal(t, chain, again, "deterministic")
}

// TestSplitFortySenders is the case: 40 host-scoped senders make
// a record of some 1,600 octets, which BuildChain splits. Every sender
// passes through the whole chain, offline; the plan's other addresses and
// addresses outside it fail.
func TestSplitFortySenders(t *testing.T) {
	a := plantest.Alloc(t, fortySenders())
	r, err := Build(a)
	require.NoError(t, err)
	require.Greater(t, answerSize("example.com.", r), 1500)
	chain, err := BuildChain(a)
	require.NoError(t, err)
	require.Greater(t, len(chain), 3)
	checkChain(t, r, "example.com", chain)
	for _, nr := range chain {
		t.Logf("%s (%d octets) %s", nr.Name, answerSize(nr.Name, nr.Record), nr.Record)
	}

	rrs, err := TXTRecords(a)
	require.NoError(t, err)
	for i, nr := range chain {
		assert.Equal(t, nr.Name, rrs[i].Name)
		assert.Equal(t, TXT(nr.Record), rrs[i].Data)
	}

	c := &Checker{Resolver: chainResolver(t, chain, "_spf.esp.example.net=v=spf1 ip4:198.51.100.0/24 -all")}
	check := func(ip netip.Addr, want Result) {
		t.Helper()
		got, why, _ := c.CheckHost(context.Background(), ip, "example.com", "bounce@example.com", "bulk1.example.com")
		assert.Equal(t, want, got, "%s: %s", ip, why)
	}
	senders := 0
	for _, h := range a.Hosts {
		if h.Host.IsSender() {
			senders++
			check(h.Addr, Pass)
			check(h.Addr.Next(), Fail)
		} else if h.Addr.IsValid() {
			check(h.Addr, Fail)
		}
	}
	assert.Equal(t, 40, senders)
	check(netip.MustParseAddr("198.51.100.7"), Pass) // through the ESP's include, kept
	check(netip.MustParseAddr("2001:db8:d6::1"), Fail)
	check(netip.MustParseAddr("2001:db8:d7::1"), Fail)
	check(netip.MustParseAddr("192.0.2.1"), Fail)

	// The check can fail: without the last included record, a non-sender
	// and a sender listed there get permerror, as pyspf says in
	// TestPyspfNamedSplit.
	c.Resolver = chainResolver(t, chain[:len(chain)-1], "_spf.esp.example.net=v=spf1 ip4:198.51.100.0/24 -all")
	check(netip.MustParseAddr("2001:db8:d7::1"), Permerror)
	check(chain[len(chain)-1].Record.Terms[0].Prefix.Addr(), Permerror)
}

// TestSplitSameResults is the property test: for random records, a chain
// gives every client the result the whole record gives.
func TestSplitSameResults(t *testing.T) {
	r := rand.New(rand.NewPCG(7208, 34))
	externals := []string{
		"_spf.esp.example.net=v=spf1 ip4:198.51.100.0/25 ip6:2001:db8:e5::/48 -all",
		"crm.example.net=v=spf1 ip4:203.0.113.0/24 ~all",
	}
	split := 0
	for n := range 300 {
		rec := &Record{}
		var nets []netip.Prefix
		count := r.IntN(120)
		for range count {
			var p netip.Prefix
			switch r.IntN(4) {
			case 0:
				p = netip.PrefixFrom(randomIn(r, netip.MustParsePrefix("192.0.2.0/24")), 32-r.IntN(3))
			case 1:
				p = netip.PrefixFrom(randomIn(r, netip.MustParsePrefix("2001:db8:d6::/48")), 64)
			default:
				p = netip.PrefixFrom(randomIn(r, netip.MustParsePrefix("2001:db8:d6::/48")), 128)
			}
			nets = append(nets, p.Masked())
		}
		var includes []string
		if r.IntN(2) == 0 {
			includes = append(includes, "_spf.esp.example.net")
		}
		if r.IntN(3) == 0 {
			includes = append(includes, "crm.example.net")
		}
		rec, _ = Merge(nil, nets, includes)
		all := Term{Kind: All, Qualifier: pick(r, []Qualifier{QualifierFail, QualifierSoftfail})}
		if r.IntN(4) == 0 { // an exception before the ranges stays first
			rec.Terms = append([]Term{{Kind: IP6, Qualifier: QualifierFail, Prefix: netip.MustParsePrefix("2001:db8:d6:bad::/64")}}, rec.Terms...)
		}
		rec.Terms = append(rec.Terms, all)
		setOffsets(rec)
		chain, err := Split(rec, "example.com")
		if err != nil {
			// Only for too many ranges, which must then be true.
			require.ErrorContains(t, err, "included records, which with its other DNS-querying terms make", "%s", rec)
			continue
		}
		checkChain(t, rec, "example.com", chain)
		if len(chain) > 1 {
			split++
		}
		res := chainResolver(t, chain, externals...)
		whole := chainResolver(t, nil, externals...)
		var clients []netip.Addr
		for _, p := range nets {
			clients = append(clients, randomIn(r, p), p.Addr().Prev())
		}
		clients = append(clients, netip.MustParseAddr("198.51.100.1"), netip.MustParseAddr("203.0.113.1"),
			netip.MustParseAddr("2001:db8:e5::1"), netip.MustParseAddr("2001:db8:d6:bad::1"), netip.MustParseAddr("192.0.2.1"))
		for _, ip := range clients {
			want, _, _ := (&Checker{Resolver: whole}).CheckRecord(context.Background(), rec, ip, "example.com", "bounce@example.com", "mail.example.com")
			got, why, _ := (&Checker{Resolver: res}).CheckHost(context.Background(), ip, "example.com", "bounce@example.com", "mail.example.com")
			if !assert.Equal(t, want, got, "record %d, %s: %s\n%s", n, ip, why, rec) {
				return
			}
		}
	}
	t.Logf("%d of 300 records split", split)
	assert.Greater(t, split, 100)
}

func TestSplit(t *testing.T) {
	ip6r := func(from, to int) string { // distinct /128s, each with a space before it
		var b strings.Builder
		for i := from; i < to; i++ {
			fmt.Fprintf(&b, " ip6:2001:db8:d6:%x:1234:5678:9abc:%x", i, i)
		}
		return b.String()
	}
	ip6s := func(n int) string { return ip6r(0, n) }
	tests := []struct {
		name   string
		domain string
		record string
		want   []string // "NAME RECORD" of each
		err    string
	}{
		{
			name:   "fits: unchanged",
			domain: "example.com.",
			record: "v=spf1 ip6:2001:db8:d6:25::/64 include:_spf.esp.example.net -all",
			want:   []string{"example.com. v=spf1 ip6:2001:db8:d6:25::/64 include:_spf.esp.example.net -all"},
		},
		{
			name:   "fourteen /128s: twelve fit in one included record",
			domain: "Example.COM",
			record: "v=spf1" + ip6s(14) + " ~all",
			want: []string{
				"example.com. v=spf1 include:_spf1.example.com include:_spf2.example.com ~all",
				"_spf1.example.com. v=spf1" + ip6s(12),
				"_spf2.example.com. v=spf1" + ip6r(12, 14),
			},
		},
		{
			name:   "the includes take the place of the first range; other terms stay where they are",
			domain: "example.com",
			record: "v=spf1 -ip6:2001:db8:d6:bad::/64 mx" + ip6s(14) + " include:_spf.esp.example.net -all exp=why.example.com",
			want: []string{
				"example.com. v=spf1 -ip6:2001:db8:d6:bad::/64 mx include:_spf1.example.com include:_spf2.example.com include:_spf.esp.example.net -all exp=why.example.com",
				"_spf1.example.com. v=spf1" + ip6s(12),
				"_spf2.example.com. v=spf1" + ip6r(12, 14),
			},
		},
		{
			name:   "a name the record uses is skipped",
			domain: "example.com",
			record: "v=spf1 include:_spf1.example.com" + ip6s(14) + " -all",
			want: []string{
				"example.com. v=spf1 include:_spf1.example.com include:_spf2.example.com include:_spf3.example.com -all",
				"_spf2.example.com. v=spf1" + ip6s(12),
				"_spf3.example.com. v=spf1" + ip6r(12, 14),
			},
		},
		{
			name:   "ranges after all stay",
			domain: "example.com",
			record: "v=spf1" + ip6s(14) + " -all ip4:192.0.2.1",
			want: []string{
				"example.com. v=spf1 include:_spf1.example.com include:_spf2.example.com -all ip4:192.0.2.1",
				"_spf1.example.com. v=spf1" + ip6s(12),
				"_spf2.example.com. v=spf1" + ip6r(12, 14),
			},
		},
		{
			name:   "too few lookups left for the includes",
			domain: "example.com",
			record: "v=spf1 a mx include:a.example.net include:b.example.net include:c.example.net include:d.example.net include:e.example.net include:f.example.net include:g.example.net" + ip6s(25) + " -all",
			err:    "spf: the record for example.com takes 1081 octets, over 450 (RFC 7208 §3.4), and its ip4: and ip6: terms need 3 included records, which with its other DNS-querying terms make 12 lookups, over the 10 receivers allow (RFC 7208 §4.6.4); aggregate the ranges (spf scope streams lists one /64 per mail subnet) or list fewer",
		},
		{
			name:   "too many ranges",
			domain: "example.com",
			record: "v=spf1" + ip6s(120) + " -all",
			err:    "spf: the record for example.com takes 4450 octets, over 450 (RFC 7208 §3.4), and its ip4: and ip6: terms need 11 included records, which with its other DNS-querying terms make 11 lookups, over the 10 receivers allow (RFC 7208 §4.6.4); aggregate the ranges (spf scope streams lists one /64 per mail subnet) or list fewer",
		},
		{
			name:   "a mechanism that does not pass between the ranges",
			domain: "example.com",
			record: "v=spf1" + ip6s(6) + " -ip4:192.0.2.1" + ip6s(6) + " -all",
			err:    "spf: the record for example.com takes 461 octets, over 450 (RFC 7208 §3.4), and cannot be split: -ip4:192.0.2.1 comes between the ip4: and ip6: terms that would move, so a client they match would pass before reaching it; move it before them",
		},
		{
			name:   "nothing to move",
			domain: "example.com",
			record: "v=spf1 exp=" + strings.Repeat("x", 440) + ".example.com -all",
			err:    "spf: the record for example.com takes 483 octets, over 450 (RFC 7208 §3.4), and has no ip4: or ip6: terms that pass to move into included records",
		},
		{
			name:   "what stays is too long",
			domain: "example.com",
			record: "v=spf1" + ip6s(12) + " exp=" + strings.Repeat("x", 400) + ".example.com -all",
			err:    "spf: the record for example.com takes 865 octets, over 450 (RFC 7208 §3.4), and the terms that stay take 469 octets even with the ranges moved: v=spf1 include:_spf1.example.com exp=" + strings.Repeat("x", 400) + ".example.com -all",
		},
		{
			name:   "redirect= counts only without all",
			domain: "example.com",
			record: "v=spf1 a a a a a a a a" + ip6s(14) + " -all redirect=other.example.net",
			want: []string{
				"example.com. v=spf1 a a a a a a a a include:_spf1.example.com include:_spf2.example.com -all redirect=other.example.net",
				"_spf1.example.com. v=spf1" + ip6s(12),
				"_spf2.example.com. v=spf1" + ip6r(12, 14),
			},
		},
		{
			name:   "names too long for DNS",
			domain: strings.Repeat("a", 61) + "." + strings.Repeat("b", 61) + "." + strings.Repeat("c", 61) + "." + strings.Repeat("d", 61) + ".com",
			record: "v=spf1" + ip6s(14) + " -all",
			err:    "spf: the record for " + strings.Repeat("a", 61) + "." + strings.Repeat("b", 61) + "." + strings.Repeat("c", 61) + "." + strings.Repeat("d", 61) + ".com" + " takes 756 octets, over 450 (RFC 7208 §3.4), and the names of its included records, such as _spf3." + strings.Repeat("a", 61) + "." + strings.Repeat("b", 61) + "." + strings.Repeat("c", 61) + "." + strings.Repeat("d", 61) + ".com" + "., are too long for DNS",
		},
		{
			name:   "not a domain",
			domain: "localhost",
			record: "v=spf1 -all",
			err:    `spf: cannot publish at "localhost": not a domain name`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse(tt.record)
			require.NoError(t, err)
			chain, err := Split(r, tt.domain)
			if tt.err != "" {
				assert.EqualError(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			var got []string
			for _, nr := range chain {
				got = append(got, nr.Name+" "+nr.Record.String())
			}
			assert.Equal(t, tt.want, got)
			checkChain(t, r, strings.ToLower(strings.TrimSuffix(tt.domain, ".")), chain)
		})
	}
}

func TestLintChain(t *testing.T) {
	parse := func(name, txt string) NamedRecord {
		r, err := Parse(txt)
		require.NoError(t, err)
		return NamedRecord{Name: name, Record: r}
	}
	a := plantest.Alloc(t, fortySenders())
	forty, err := BuildChain(a)
	require.NoError(t, err)
	var eleven []NamedRecord
	top := "v=spf1"
	for i := range 11 {
		top += fmt.Sprintf(" include:_spf%d.example.com", i+1)
		eleven = append(eleven, parse(fmt.Sprintf("_spf%d.example.com.", i+1), fmt.Sprintf("v=spf1 ip4:192.0.2.%d", i+1)))
	}
	eleven = append([]NamedRecord{parse("example.com.", top+" -all")}, eleven...)

	tests := []struct {
		name  string
		chain []NamedRecord
		want  []string
		worst Severity
	}{
		{
			name:  "the split 40-host plan: clean but for the include it cannot follow",
			chain: forty,
			want:  []string{"example.com: info at offset 111 (include:_spf.esp.example.net): _spf.esp.example.net is not among the records given, so it is not checked; its own DNS-querying terms count toward the 10 too (RFC 7208 §4.6.4)"},
			worst: Info,
		},
		{
			name:  "one record",
			chain: []NamedRecord{parse("example.com.", "v=spf1 ip6:2001:db8::/32 -all")},
		},
		{
			name:  "+all merged in",
			chain: []NamedRecord{parse("example.com.", "v=spf1 ip6:2001:db8::/32 +all")},
			want:  []string{"example.com: error at offset 25 (+all): +all authorizes every address on the Internet to send mail as this domain; end the record with -all or ~all (RFC 7208 §5.1)"},
			worst: Error,
		},
		{
			name:  "eleven includes",
			chain: eleven,
			want:  []string{"example.com: error at offset 268 (include:_spf11.example.com): evaluating example.com can take 11 DNS-querying terms (include, a, mx, ptr, exists, redirect=) across its records; receivers allow 10 and return permerror at include:_spf11.example.com, the 11th (RFC 7208 §4.6.4)"},
			worst: Error,
		},
		{
			name: "broad only together, across records",
			chain: []NamedRecord{
				parse("example.com.", "v=spf1 include:_spf1.example.com include:_spf2.example.com -all"),
				parse("_spf1.example.com.", "v=spf1 ip4:10.0.0.0/9 ip4:10.128.0.0/9"),
				parse("_spf2.example.com.", "v=spf1 ip4:12.0.0.0/9"),
			},
			want:  []string{"example.com: error: across example.com's records and those they include, the ip4: terms together: 0.586% of IPv4 may send mail as this domain, more than a /8 (the largest block ever allocated to one holder); list your own networks (RFC 7208 §5.6)"},
			worst: Error,
		},
		{
			name: "ranges behind an include that does not pass do not count",
			chain: []NamedRecord{
				parse("example.com.", "v=spf1 ip4:10.0.0.0/8 -include:_spf1.example.com -all"),
				parse("_spf1.example.com.", "v=spf1 ip4:11.0.0.0/8"),
			},
		},
		{
			name:  "a and mx targets outside the chain are not checked",
			chain: []NamedRecord{parse("example.com.", "v=spf1 a:mail.example.org mx -all")},
			want: []string{
				"example.com: info at offset 7 (a:mail.example.org): the address records of mail.example.org are not among the records given, so they are not checked (RFC 7208 §4.6.4)",
				"example.com: info at offset 26 (mx): the MX records of example.com are not among the records given, so they are not checked (RFC 7208 §4.6.4)",
			},
			worst: Info,
		},
		{
			name:  "empty",
			want:  []string{"error: no records to check"},
			worst: Error,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := LintChain(tt.chain)
			var got []string
			for _, f := range fs {
				got = append(got, f.String())
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.worst, Worst(fs))
		})
	}
}

// FuzzSplit splits parsed records, lengthened by n ranges, and checks
// every split as checkChain does.
func FuzzSplit(f *testing.F) {
	f.Add("v=spf1 mx include:_spf.esp.example.net -all", uint8(30))
	f.Add("v=spf1 -ip6:2001:db8::/64 ip4:192.0.2.0/24 ~all exp=x.example.com", uint8(15))
	f.Add("v=spf1 include:_spf1.example.com ip6:2001:db8::1 -ip4:192.0.2.1 redirect=x.example.com", uint8(20))
	f.Add("v=spf1 a a a a a a a a a", uint8(40))
	f.Fuzz(func(t *testing.T, txt string, n uint8) {
		r, err := Parse(txt)
		if err != nil {
			return
		}
		for i := range int(n) {
			r.Terms = append(r.Terms, Term{Kind: IP6, Prefix: netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 5: byte(i), 9: byte(i * 7), 15: 1}), 128)})
		}
		setOffsets(r)
		chain, err := Split(r, "example.com")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "spf: the record for example.com takes ") {
				t.Fatal(err)
			}
			return
		}
		checkChain(t, r, "example.com", chain)
	})
}

// FuzzAddPair must never panic, and what it accepts it answers.
func FuzzAddPair(f *testing.F) {
	for _, p := range []string{"_spf1.example.com=v=spf1 -all", "=x", "a..b=c", "x", "example.com.=", "a\n.b=c"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, pair string) {
		var s StaticResolver
		if err := s.AddPair(pair); err != nil {
			return
		}
		name, txt, _ := strings.Cut(pair, "=")
		got, err := s.LookupTXT(context.Background(), name)
		if err != nil || len(got) != 1 || got[0] != txt {
			t.Fatalf("%q: %q, %v", pair, got, err)
		}
	})
}

// TestBuildChainTooMany: a plan whose senders need more included records
// than the lookup limit allows is an error at the plan's spf settings.
func TestBuildChainTooMany(t *testing.T) {
	text := strings.Replace(fortySenders(), "- {name: inbound", "- {name: inbound", 1)
	var b strings.Builder
	b.WriteString(text)
	for i := range 200 {
		fmt.Fprintf(&b, "      - {name: more%d, scheme: stable, roles: [outbound]}\n", i)
	}
	a := plantest.Alloc(t, b.String())
	_, err := BuildChain(a)
	require.Error(t, err)
	assert.Regexp(t, `^plan.yaml:4:6: the record for example.com takes [0-9]+ octets, over 450 \(RFC 7208 §3.4\), and its ip4: and ip6: terms need [0-9]+ included records, which with its other DNS-querying terms make [0-9]+ lookups, over the 10 receivers allow`, err.Error())
	_, err = TXTRecords(a)
	assert.Error(t, err)
}
